#!/usr/bin/env bash
# Load on `sigv4 serve`'s policy signing: wrk POSTs one valid Fine Uploader policy
# document to /sign from 32 connections for 30 s and reports requests/s, p99 latency
# and errors. Fails if any answer is not 2xx or a socket error occurred.
#
#   scripts/wrk_policy.sh [DURATION]     (default 30s; wrk's syntax: 10s, 1m)
#
# Installs Debian's wrk if missing; builds sigv4 (release); starts serve on a free
# port of 127.0.0.1 with examples/browser-upload/rules.toml and made-up credentials
# (signing a policy needs no S3). The policy is the one Fine Uploader sends for a
# 100 KiB file, with x-amz-date = the script's start: well within the rules' 900 s skew
# for the whole run.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
duration="${1:-30s}"
threads=2
connections=32
sigv4="$repo_root/target/release/sigv4"

say() { printf 'wrk_policy.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/sigv4-wrk.XXXXXX")"
serve_pid=""
cleanup() {
    local rc=$?
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill "$serve_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$serve_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v wrk >/dev/null; then
    say "installing Debian's wrk (apt-get)"
    as_root timeout 300 apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq wrk >&2
fi
command -v wrk >/dev/null || die "wrk is still missing"

t=$SECONDS
timeout 1800 cargo build --release -p sigv4-cli --locked --quiet
say "sigv4 (release) built in $((SECONDS - t)) s"

# Made-up credentials: serve only signs, it never calls S3 here.
export AWS_ACCESS_KEY_ID=AKIAWRKPOLICYLOAD001
export AWS_SECRET_ACCESS_KEY=wrkPolicyLoadSecretKeyNotUsedAnywhere0001
unset AWS_SESSION_TOKEN AWS_PROFILE
sed -e 's|^static_dir = .*||' "examples/browser-upload/rules.toml" > "$work/rules.toml"
bucket="$(sed -n 's/^name = "\(.*\)"/\1/p' "$work/rules.toml" | head -n 1)"
region="$(sed -n 's/^region = "\(.*\)"/\1/p' "$work/rules.toml" | head -n 1)"
if [ -z "$bucket" ] || [ -z "$region" ]; then
    die "no bucket name or region in examples/browser-upload/rules.toml"
fi

"$sigv4" serve --config "$work/rules.toml" --listen 127.0.0.1:0 2> "$work/serve.log" &
serve_pid=$!
url=""
for _ in $(seq 150); do
    url="$(sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$work/serve.log")"
    [ -n "$url" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; die "sigv4 serve exited"; }
    sleep 0.2
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; die "sigv4 serve did not start within 30 s"; }

# Fine Uploader 5.16.2's policy for a 100 KiB file (the same fields, order and string
# sizes), dated now, valid 5 minutes.
amz_date="$(date -u +%Y%m%dT%H%M%SZ)"
expiration="$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%S.000Z)"
credential="$AWS_ACCESS_KEY_ID/${amz_date%%T*}/$region/s3/aws4_request"
policy="{\"expiration\":\"$expiration\",\"conditions\":[{\"acl\":\"private\"},{\"bucket\":\"$bucket\"},{\"Content-Type\":\"application/octet-stream\"},{\"success_action_status\":\"200\"},{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"},{\"key\":\"uploads/6a3dfb40-a14b-4828-9f2d-54b4bb835219-small.bin\"},{\"x-amz-credential\":\"$credential\"},{\"x-amz-date\":\"$amz_date\"},{\"x-amz-meta-qqfilename\":\"small.bin\"},[\"content-length-range\",\"0\",\"67108864\"]]}"

# One request first: it must be signed, or the load would only measure refusals.
answer="$(curl -s -m 10 -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$policy" "$url/sign?v4=true")"
code="${answer##*$'\n'}"
if [ "$code" != 200 ] || ! grep -q '"signature"' <<< "$answer"; then
    cat "$work/serve.log" >&2
    die "the policy was not signed (HTTP $code): ${answer%$'\n'*}"
fi

cat > "$work/policy.lua" <<EOF
wrk.method = "POST"
wrk.path = "/sign?v4=true"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = [==[$policy]==]

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, e.connect + e.read + e.write + e.timeout))
end
EOF

say "wrk -t$threads -c$connections -d$duration POST $url/sign (policy, x-amz-date $amz_date)"
timeout 300 wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/policy.lua" "$url" \
    > "$work/wrk.out" || { cat "$work/wrk.out" >&2; die "wrk failed"; }
cat "$work/wrk.out" >&2
result="$(sed -n 's/^RESULT //p' "$work/wrk.out")"
[ -n "$result" ] || die "wrk printed no result"
value() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<< "$result"; }
refused="$(grep -c refused "$work/serve.log" || true)"

printf '\nsigv4 serve /sign, policy documents: %s req/s, p50 %s ms, p99 %s ms, max %s ms (%s requests in %s s, %d threads, %d connections)\n' \
    "$(value rps)" "$(value p50_ms)" "$(value p99_ms)" "$(value max_ms)" \
    "$(value requests)" "$(value seconds)" "$threads" "$connections"
printf 'errors: %s non-2xx, %s socket errors, %s refused by serve\n' \
    "$(value non2xx)" "$(value socket_errors)" "$refused"
if [ "$(value non2xx)" != 0 ] || [ "$(value socket_errors)" != 0 ] || [ "$refused" != 0 ] ||
    [ "$(value requests)" = 0 ]; then
    die "errors under load"
fi
