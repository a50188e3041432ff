#!/usr/bin/env bash
# Runs the criterion benches (sigv4, aws-sigv4 and rusty-s3 in the same run) and prints
# each peer's median divided by ours, then the interleaved ratios (benches/ratios.rs),
# which hold better when a neighbour loads the machine: the README's figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo bench --locked -p sigv4 --bench signing -- "$@"
python3 - <<'PY'
import json, pathlib
root = pathlib.Path("target/criterion")
def median(group, name):
    f = root / group / name / "new" / "estimates.json"
    return json.loads(f.read_text())["median"]["point_estimate"] if f.exists() else None
rows = [
    ("polly_get_header", "header-sign Polly GET (plain API)", ["aws-sigv4"]),
    ("kinesis_put_record_header", "header-sign Kinesis PutRecord", ["aws-sigv4"]),
    ("polly_get_http_request", "sign an http::Request in place (Polly GET)", ["aws-sigv4"]),
    ("s3_presign_get", "presign S3 GET, 86400 s", ["aws-sigv4", "rusty-s3"]),
    ("s3_put_1mib", "S3 PUT of 1 MiB (hash + sign)", ["aws-sigv4", "sha256-bare"]),
]
print("\n| request | sigv4 | peer | peer time | peer / sigv4 |")
print("|---|---|---|---|---|")
def fmt(ns):
    return f"{ns/1000:.2f} µs" if ns < 1e5 else f"{ns/1e6:.3f} ms"
for group, label, peers in rows:
    ours = median(group, "sigv4")
    if ours is None:
        continue
    for peer in peers:
        theirs = median(group, peer)
        if theirs is not None:
            print(f"| {label} | {fmt(ours)} | {peer} | {fmt(theirs)} | {theirs/ours:.2f}x |")
PY
cargo bench --locked -p sigv4 --bench ratios
# aws-chunked on 256 MiB: chunk signing and decode + verify against a bare SHA-256.
cargo bench --locked -p sigv4 --bench chunked
python3 - <<'PY'
import json, pathlib
root = pathlib.Path("target/criterion")
def median(group, name):
    f = root / group / name / "new" / "estimates.json"
    return json.loads(f.read_text())["median"]["point_estimate"] if f.exists() else None
print("\n| 256 MiB, 64 KiB chunks | sigv4 | bare SHA-256 | sigv4 throughput / SHA-256's |")
print("|---|---|---|---|")
for group, name, label in [
    ("chunked_sign_256mib", "sigv4", "chunk signing"),
    ("chunked_sign_256mib", "sigv4-crc32c-trailer", "chunk signing + CRC32C trailer"),
    ("chunked_verify_256mib", "sigv4", "decode + verify every chunk"),
]:
    ours, bare = median(group, name), median(group, "sha256-bare")
    if ours and bare:
        mb = 256 * 1.048576
        print(f"| {label} | {mb / (ours / 1e9):.0f} MB/s | {mb / (bare / 1e9):.0f} MB/s | {bare / ours:.1%} |")
PY
