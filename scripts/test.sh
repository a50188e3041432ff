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

step "botocore oracle: 10,000 random requests (seed 20261123)"
py=$(scripts/python-venv.sh | tail -n 1)
mkdir -p target/oracle
"$py" tools/oracle/botocore_cases.py --seed 20261123 --count 10000 \
    --out target/oracle/botocore-cases.jsonl
export SIGV4_BOTOCORE_CASES="$PWD/target/oracle/botocore-cases.jsonl"

step "tests (unit, AWS suite, S3 examples, botocore differential, doc examples)"
# --show-output prints what passing tests report (suite and differential counts);
# pipefail makes a test failure fail the script.
cargo test --workspace --locked -- --show-output 2>&1 | grep -v "^test .* ok$"
