#!/usr/bin/env bash
# The Python package (crates/sigv4-python): builds the wheel with maturin, installs it
# into .venv-py with the test requirements, checks that it installs and imports (within
# 50 ms) in a fresh venv with no Rust toolchain on PATH, runs pytest, then the speed
# script (bench.py). Servers: the tests read target/servers/env.json (scripts/servers.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
pkg=crates/sigv4-python
venv=$root/.venv-py
say() { printf 'python-test: %s\n' "$*"; }

# The test venv: maturin and the test requirements, reinstalled when they change.
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
want="$(cat "$pkg/requirements-test.txt" "$pkg/requirements-build.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$venv/.stamp" 2>/dev/null || true)" != "$want" ]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        -r "$pkg/requirements-build.txt" -r "$pkg/requirements-test.txt"
    printf '%s\n' "$want" > "$venv/.stamp"
fi

# The wheel as it ships (scripts/python-wheel.sh: fat LTO and profile-guided
# optimization), tagged manylinux_2_34 (glibc 2.34 or newer: Debian 12, Ubuntu 22.04,
# RHEL 9, Amazon Linux 2023), a tag PyPI accepts. maturin audits it: a symbol from a
# newer glibc, or a library outside the manylinux set, fails the build. (Older glibc
# needs a manylinux container or --zig.)
scripts/python-wheel.sh "$venv"
wheel=$(ls target/wheels/sigv4-*.whl)
"$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"

# A fresh venv, no Rust toolchain reachable: install the wheel alone, sign, time the import.
fresh=target/wheel-check
rm -rf "$fresh"
python3 -m venv "$fresh/venv"
"$fresh/venv/bin/python" -m pip install -q --disable-pip-version-check --no-index --no-deps "$wheel"
env -i HOME="$root/$fresh" PATH="$root/$fresh/venv/bin:/usr/bin:/bin" \
    CARGO_HOME=/nonexistent RUSTUP_HOME=/nonexistent \
    "$root/$fresh/venv/bin/python" "$pkg/tests/wheel_check.py"

step_env=()
if [ -f target/servers/env.json ]; then step_env=(SIGV4_SERVERS_ENV="$root/target/servers/env.json"); fi
say "pytest"
env "${step_env[@]}" "$venv/bin/python" -m pytest "$pkg/tests" -q -p no:cacheprovider

say "speed (one run; scripts/bench.sh has the Rust benches)"
"$venv/bin/python" "$pkg/bench.py"
