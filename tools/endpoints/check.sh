#!/usr/bin/env bash
# Checks crates/sigv4/src/endpoint_data.rs against the pinned botocore:
# 1. regenerates it into a temp file and fails (exit 1, with a diff) if the committed
#    file differs;
# 2. writes every host botocore's endpoints.json names, with the scope botocore signs it
#    with, to target/endpoints/botocore-hosts.jsonl, and runs the endpoints test on it
#    (SIGV4_ENDPOINT_CASES), so that Endpoint::from_host is checked on every one.
# Set SIGV4_ENDPOINT_CHECK_NO_TEST=1 to do step 1 only (the file of step 2 is still
# written; export SIGV4_ENDPOINT_CASES to it for a later `cargo test`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

py=$(scripts/python-venv.sh | tail -n 1)
committed=crates/sigv4/src/endpoint_data.rs
cases=target/endpoints/botocore-hosts.jsonl
mkdir -p "$(dirname "$cases")"
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT

"$py" tools/endpoints/generate.py --out "$fresh" --cases "$cases"
if ! diff -u --label "$committed (committed)" --label "$committed (regenerated)" \
    "$committed" "$fresh"; then
    echo "error: $committed is not what tools/endpoints/generate.py makes; regenerate:" >&2
    echo "  \"\$(scripts/python-venv.sh | tail -n 1)\" tools/endpoints/generate.py --out $committed" >&2
    exit 1
fi
echo "$committed is up to date"

if [ "${SIGV4_ENDPOINT_CHECK_NO_TEST:-}" != 1 ]; then
    SIGV4_ENDPOINT_CASES="$PWD/$cases" \
        cargo test -p sigv4 --locked --test endpoints -- --show-output places_every_botocore_host
fi
