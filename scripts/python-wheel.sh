#!/usr/bin/env bash
# Builds the Python wheel as it ships, into target/wheels: the `wheel` profile (release,
# fat LTO) with profile-guided optimization, as pydantic-core builds its wheels.
#   1. an instrumented build (-Cprofile-generate) into target/pgo/gen;
#   2. crates/sigv4-python/pgo/train.py, a mix of signing, presigning, verifying and
#      the plugins (not the speed script's request alone), run on it to write profiles;
#   3. the wheel, built with those profiles (-Cprofile-use).
# llvm-profdata merges the profiles: rustup's llvm-tools component (installed here when
# missing), else Debian's llvm-19 (apt-get; its llvm-profdata reads rustc's LLVM 22 raw
# profiles, and the wheel built from its output is byte-identical). Without either the
# wheel is built without PGO, with a warning.
#
#   scripts/python-wheel.sh VENV   (a venv with maturin, requests and httpx: .venv-py)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
venv=${1:?usage: scripts/python-wheel.sh VENV}
pkg=crates/sigv4-python
say() { printf 'python-wheel: %s\n' "$*"; }
build() { # build OUT [RUSTFLAGS]
    RUSTFLAGS="${2:-}" "$venv/bin/maturin" build --profile wheel --locked --quiet \
        -m "$pkg/Cargo.toml" --compatibility manylinux_2_34 --out "$1"
}

host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ] && command -v rustup >/dev/null; then
    rustup component add llvm-tools >/dev/null 2>&1 || true
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if [ ! -x "$profdata" ] && [ ! -x /usr/bin/llvm-profdata-19 ] && command -v apt-get >/dev/null; then
    say "installing Debian's llvm-19 for llvm-profdata (apt-get)"
    { as_root timeout 300 apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq llvm-19; } >&2 ||
        true
fi
[ -x "$profdata" ] || profdata=/usr/bin/llvm-profdata-19

rm -rf target/wheels
start=$SECONDS
if [ ! -x "$profdata" ]; then
    say "WARNING: no llvm-profdata (rustup's llvm-tools and Debian's llvm-19 could not be installed): wheel built WITHOUT PGO"
    build target/wheels
else
    pgo=$root/target/pgo
    rm -rf "$pgo/profiles" "$pgo/wheel-gen" "$pgo/site-gen"
    CARGO_TARGET_DIR=$pgo/gen build "$pgo/wheel-gen" "-Cprofile-generate=$pgo/profiles"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
        --target "$pgo/site-gen" "$pgo"/wheel-gen/sigv4-*.whl
    PYTHONPATH=$pgo/site-gen "$venv/bin/python" "$pkg/pgo/train.py"
    "$profdata" merge -o "$pgo/merged.profdata" "$pgo/profiles"
    build target/wheels "-Cprofile-use=$pgo/merged.profdata"
    say "profile-guided: trained on $pkg/pgo/train.py, profiles merged by $profdata"
fi
wheel=$(ls target/wheels/sigv4-*.whl)
say "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB) in $((SECONDS - start)) s"
