#!/usr/bin/env bash
# Create (idempotently) the repo-local Python venv used by the tools under tools/
# (the botocore oracle, the test servers' moto and boto3), installing every
# tools/*/requirements.txt, in one pip run so they are resolved together, only when
# one of them changed since the last install. Prints the venv's python path as the
# last line of stdout.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv"
stamp="$venv/.requirements.sha256"
py="$venv/bin/python"

shopt -s nullglob
reqs=("$repo_root"/tools/*/requirements.txt)
shopt -u nullglob
if [ "${#reqs[@]}" -eq 0 ]; then
    echo "python-venv.sh: no tools/*/requirements.txt found" >&2
    exit 1
fi

if [ ! -x "$py" ]; then
    python3 -m venv "$venv"
fi

# One hash over every file's name and content (the glob is sorted).
want="$(cd "$repo_root" && sha256sum "${reqs[@]#"$repo_root"/}" | sha256sum | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    rm -f "$stamp"
    args=()
    for req in "${reqs[@]}"; do args+=(-r "$req"); done
    "$py" -m pip install -q --disable-pip-version-check "${args[@]}" >&2
    printf '%s\n' "$want" > "$stamp"
fi

printf '%s\n' "$py"
