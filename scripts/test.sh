#!/usr/bin/env bash
# The project's test command (README, CI): format, lints, every test, the botocore
# differential, and a build of benches and fuzz targets. Installs what it uses.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
step() { printf '\n== %s\n' "$*"; }

step "rustfmt and clippy"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "benches build (run them with scripts/bench.sh)"
cargo bench --workspace --locked --no-run

step "fuzz smoke (scripts/fuzz.sh runs longer)"
scripts/fuzz.sh canonicalize "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh endpoint "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh cli_parsers "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh chunked_decoder "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh policy "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh diagnose "${SIGV4_FUZZ_SECONDS:-20}"
scripts/fuzz.sh verify "${SIGV4_FUZZ_SECONDS:-20}"

step "botocore oracle: 10,000 random requests (seed 20261123)"
py=$(scripts/python-venv.sh | tail -n 1)
mkdir -p target/oracle
"$py" tools/oracle/botocore_cases.py --seed 20261123 --count 10000 \
    --out target/oracle/botocore-cases.jsonl
export SIGV4_BOTOCORE_CASES="$PWD/target/oracle/botocore-cases.jsonl"
"$py" tools/oracle/named_cases.py --out target/oracle/named-cases.jsonl
export SIGV4_BOTOCORE_NAMED="$PWD/target/oracle/named-cases.jsonl"

step "signed requests from botocore, @smithy/signature-v4 and aws4 (1,000 each), for the verifier"
tools/oracle/signed_cases.sh 1000
export SIGV4_SIGNED_CASES="$PWD/target/oracle"
"$py" tools/oracle/botocore_post.py --seed 20261123 --count 300 --out target/oracle/botocore-post.jsonl
export SIGV4_BOTOCORE_POST="$PWD/target/oracle/botocore-post.jsonl"

step "endpoint table: committed file = what botocore's data makes"
SIGV4_ENDPOINT_CHECK_NO_TEST=1 tools/endpoints/check.sh
export SIGV4_ENDPOINT_CASES="$PWD/target/endpoints/botocore-hosts.jsonl"

step "servers that check signatures: moto and s3s-fs on 127.0.0.1"
scripts/servers.sh start
trap 'scripts/servers.sh stop >/dev/null 2>&1 || true' EXIT
export SIGV4_REQUIRE_SERVERS=1

step "tests (unit, AWS suite, S3 examples, botocore differentials, endpoints, CLI against the servers, doc examples)"
# --show-output prints what passing tests report (suite and differential counts);
# pipefail makes a test failure fail the script.
cargo test --workspace --locked -- --show-output 2>&1 | grep -v "^test .* ok$"

step "Python package: wheel (maturin), fresh-venv install and import time, pytest, speed"
scripts/python-test.sh

step "browser upload: Fine Uploader in Chromium, signed by sigv4 serve, stored in s3s-fs"
scripts/browser_test.sh

step "sigv4 serve under load: wrk POSTs policies to /sign for 30 s (fails on any error)"
scripts/wrk_policy.sh

step "1 GiB upload with sigv4 curl -T: peak memory"
scripts/rss_upload.sh
