#!/usr/bin/env bash
# Uploads a 1 GiB file with `sigv4 curl -T` to s3s-fs (scripts/servers.sh start), once
# with a signed payload (a hashing pass, then the upload) and once aws-chunked with a
# trailing CRC32C (--chunked: each chunk signed as it is read), and checks that the peak
# resident memory stays at most 64 MiB each time; reads each object back and compares.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
limit_kib=$((64 * 1024))
size_mib=${SIGV4_RSS_MIB:-1024}

# shellcheck disable=SC1091
source target/servers/env
cargo build --locked -p sigv4-cli --quiet
bin=target/debug/sigv4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/big.bin"
export AWS_ACCESS_KEY_ID=$SIGV4_S3S_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$SIGV4_S3S_SECRET_ACCESS_KEY
flags=(--service s3 --region us-east-1 --fail -s)
bucket="$SIGV4_S3S_URL/sigv4-rss-$$"
"$bin" curl "${flags[@]}" -X PUT "$bucket" >/dev/null
sent=$(sha256sum <"$work/big.bin" | cut -d' ' -f1)
status=0
upload() { # label, extra flags...
    local label=$1
    shift
    local start end rss_kib got seconds
    start=$(date +%s.%N)
    # Peak RSS of the child, from getrusage (no GNU time needed).
    python3 - "$work/rss" "$bin" curl "${flags[@]}" "$@" -T "$work/big.bin" "$bucket/big.bin" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
    end=$(date +%s.%N)
    rss_kib=$(tail -n 1 "$work/rss")
    "$bin" curl "${flags[@]}" -o "$work/back.bin" "$bucket/big.bin"
    got=$(sha256sum <"$work/back.bin" | cut -d' ' -f1)
    rm -f "$work/back.bin"
    seconds=$(awk "BEGIN { print $end - $start }")
    printf 'sigv4 curl -T of %d MiB, %s, to s3s-fs: peak RSS %d KiB (limit %d KiB), %.1f s\n' \
        "$size_mib" "$label" "$rss_kib" "$limit_kib" "$seconds"
    if [ "$sent" != "$got" ]; then
        echo "  read back differs: sent $sent, got $got" >&2
        status=1
    else
        echo "  read back: byte-identical (sha256 $sent)"
    fi
    if [ "$rss_kib" -gt "$limit_kib" ]; then
        echo "  peak RSS $rss_kib KiB is over $limit_kib KiB" >&2
        status=1
    fi
}
upload "signed payload (hashing pass + upload)"
upload "aws-chunked with a CRC32C trailer" --chunked --checksum crc32c
"$bin" curl "${flags[@]}" -X DELETE "$bucket/big.bin" >/dev/null || true
exit "$status"
