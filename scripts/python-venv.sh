#!/usr/bin/env bash
# Create (idempotently) the repo-local Python venv used by the botocore oracle,
# installing tools/oracle/requirements.txt only when it changed since the last
# install. Prints the venv's python path as the last line of stdout.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
req="$repo_root/tools/oracle/requirements.txt"
stamp="$venv/.requirements.sha256"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
    python3 -m venv "$venv"
fi

want="$(sha256sum "$req" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    rm -f "$stamp"
    "$py" -m pip install -q --disable-pip-version-check -r "$req" >&2
    printf '%s\n' "$want" > "$stamp"
fi

printf '%s\n' "$py"
