#!/usr/bin/env bash
# Signed requests from three independent SigV4 signers, for the server-side
# verifier's acceptance test:
#
#     tools/oracle/signed_cases.sh [COUNT]     # COUNT defaults to 1000
#
# writes target/oracle/signed-botocore.jsonl (botocore, pinned in
# tools/oracle/requirements.txt), signed-smithy.jsonl (@smithy/signature-v4)
# and signed-aws4.jsonl (aws4), both pinned in tools/oracle/js/package-lock.json,
# COUNT cases each, seed 20261123, one JSON object per line in one format (see
# tools/oracle/botocore_signed.py). Deterministic: the same COUNT gives the same
# files, and a smaller COUNT gives a prefix of a larger one. Needs python3 and
# Node.js >= 20 with npm; the venv (scripts/python-venv.sh) and
# tools/oracle/js/node_modules (npm ci, from the lock file) are made as needed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

count="${1:-1000}"
if ! [[ "$count" =~ ^[0-9]+$ ]]; then
    echo "signed_cases.sh: COUNT must be a non-negative integer, got '$count'" >&2
    exit 2
fi
seed=20261123
out=target/oracle
js=tools/oracle/js
start=$SECONDS

py="$(scripts/python-venv.sh | tail -n 1)"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "signed_cases.sh: node and npm are needed (Node.js >= 20)" >&2
    exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    echo "signed_cases.sh: Node.js >= 20 needed, found $(node --version)" >&2
    exit 1
fi

# npm ci only when the lock file changed since the last install.
stamp="$js/node_modules/.package-lock.sha256"
want="$(sha256sum "$js/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >&2)
    printf '%s\n' "$want" > "$stamp"
fi

mkdir -p "$out"
run() {  # run NAME COMMAND...
    local name="$1" t0=$SECONDS
    shift
    "$@" --seed "$seed" --count "$count" --out "$out/signed-$name.jsonl"
    printf '%-9s %6d cases  %s  (%ds)\n' "$name" \
        "$(wc -l < "$out/signed-$name.jsonl")" "$out/signed-$name.jsonl" \
        "$((SECONDS - t0))"
}
run botocore "$py" tools/oracle/botocore_signed.py
run smithy node "$js/smithy_signed.mjs"
run aws4 node "$js/aws4_signed.mjs"
echo "signed_cases.sh: done in $((SECONDS - start))s"
