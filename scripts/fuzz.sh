#!/usr/bin/env bash
# Runs a cargo-fuzz target for N seconds: scripts/fuzz.sh canonicalize 300
# Installs cargo-fuzz if missing; uses nightly if present, else stable with RUSTC_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
target=${1:-canonicalize}
seconds=${2:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    export RUSTC_BOOTSTRAP=1
fi
mkdir -p "corpus/$target"
cargo "${toolchain[@]}" fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 2>&1 | tail -n 25
