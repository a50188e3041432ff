#!/usr/bin/env bash
# The browser-upload example (examples/browser-upload) in a real browser: headless
# Chromium runs Fine Uploader, `sigv4 serve` signs, s3s-fs stores.
#
#   scripts/browser_test.sh
#
# 1. Installs what is missing: Debian's chromium (apt-get), the page's npm packages
#    (npm ci: fine-uploader, playwright-core), the test servers (scripts/servers.sh start,
#    only if target/servers/env is missing or s3s-fs does not answer; stopped again at
#    the end if started here).
# 2. Builds sigv4 (debug), creates a fresh bucket in s3s-fs, and starts `sigv4 serve`
#    with examples/browser-upload/rules.toml (bucket and endpoint replaced) on a free
#    port, serving the page.
# 3. Chromium (examples/browser-upload/browser_test.mjs) uploads a 100 KiB file (one
#    POST with a signed policy) and a 12 MiB file (multipart, 5 MiB parts: 3 parts).
# 4. Checks: both uploads reported done; serve signed a policy and >= 3 upload-part
#    requests; each object read back (sigv4 curl) is byte-identical to its file; the
#    same uploads under a key prefix the rules do not list are refused.
#
# Every step has a time limit; serve and the browser are stopped on exit. Exit 0 only
# if every check passed. Variables: SIGV4_BROWSER_TIMEOUT (seconds for the uploads,
# default 180), SIGV4_BROWSER_KEEP=1 (keep the work folder: logs, files, page.png).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
example="$repo_root/examples/browser-upload"
sigv4="$repo_root/target/debug/sigv4"
upload_timeout="${SIGV4_BROWSER_TIMEOUT:-180}"
begin=$SECONDS

say() { printf 'browser_test.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/sigv4-browser-test.XXXXXX")"
serve_pid=""
started_servers=0
cleanup() {
    local rc=$?
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill "$serve_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$serve_pid" 2>/dev/null || true
    fi
    if [ "$started_servers" = 1 ]; then
        scripts/servers.sh stop >/dev/null 2>&1 || true
    fi
    if [ "${SIGV4_BROWSER_KEEP:-0}" = 1 ]; then
        say "work folder kept: $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# --- installs ---------------------------------------------------------------

if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium (apt-get)"
    t=$SECONDS
    as_root timeout 300 apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq chromium >&2
    say "chromium installed in $((SECONDS - t)) s"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is still missing"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    die "node and npm are needed (Node.js 20 or later)"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: playwright-core needs 20 or later"

t=$SECONDS
(cd "$example" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >&2) ||
    die "npm ci in examples/browser-upload failed"
say "npm ci in $((SECONDS - t)) s"

s3s_answers() {
    [ -f target/servers/env ] || return 1
    # shellcheck disable=SC1091
    (. target/servers/env && curl -s -o /dev/null -m 3 "$SIGV4_S3S_URL/")
}
if ! s3s_answers; then
    say "no test servers running: scripts/servers.sh start"
    timeout 1800 scripts/servers.sh start >/dev/null
    started_servers=1
fi
# shellcheck disable=SC1091
. target/servers/env

t=$SECONDS
timeout 1800 cargo build -p sigv4-cli --locked --quiet
say "sigv4 built in $((SECONDS - t)) s"

# --- the bucket and the signing server ---------------------------------------

export AWS_ACCESS_KEY_ID="$SIGV4_S3S_ACCESS_KEY_ID"
export AWS_SECRET_ACCESS_KEY="$SIGV4_S3S_SECRET_ACCESS_KEY"
unset AWS_SESSION_TOKEN AWS_PROFILE
region="${SIGV4_S3S_REGION:-us-east-1}"
bucket="browser-upload-$(date +%s)-$$"
s3() { timeout 60 "$sigv4" curl -s -f --service s3 --region "$region" "$@"; }

s3 -X PUT "$SIGV4_S3S_URL/$bucket" >/dev/null || die "could not create bucket $bucket in s3s-fs"

sed -e "s|^name = .*|name = \"$bucket\"|" \
    -e "s|^endpoint = .*|endpoint = \"$SIGV4_S3S_URL\"|" \
    -e "s|^static_dir = .*|static_dir = \"$example/public\"|" \
    "$example/rules.toml" > "$work/rules.toml"
grep -q "^name = \"$bucket\"" "$work/rules.toml" || die "rules.toml has no bucket name line to replace"

"$sigv4" serve --config "$work/rules.toml" --listen 127.0.0.1:0 2> "$work/serve.log" &
serve_pid=$!
serve_url=""
for _ in $(seq 150); do
    serve_url="$(sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$work/serve.log")"
    [ -n "$serve_url" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; die "sigv4 serve exited"; }
    sleep 0.2
done
[ -n "$serve_url" ] || { cat "$work/serve.log" >&2; die "sigv4 serve did not start within 30 s"; }
say "sigv4 serve at $serve_url, bucket $SIGV4_S3S_URL/$bucket"

# --- the browser --------------------------------------------------------------

head -c 102400 /dev/urandom > "$work/small.bin"
head -c 12582912 /dev/urandom > "$work/big.bin"
page="$serve_url/index.html?endpoint=$SIGV4_S3S_URL/$bucket&bucket=$bucket&accessKey=$SIGV4_S3S_ACCESS_KEY_ID&region=$region"

say "Chromium uploads small.bin (100 KiB) and big.bin (12 MiB), at most ${upload_timeout} s"
t=$SECONDS
browser_rc=0
# s3s-fs sends no CORS headers (OPTIONS gets 501), so the page's origin (sigv4 serve)
# could not reach it: the browser runs with web security off (see the example's README).
(cd "$example" && BROWSER_DISABLE_WEB_SECURITY=1 UPLOAD_TIMEOUT_MS="$((upload_timeout * 1000))" \
    SCREENSHOT="$work/page.png" \
    timeout "$((upload_timeout + 90))" node browser_test.mjs "$page" "$work/small.bin" "$work/big.bin") \
    > "$work/browser.out" 2> "$work/browser.log" || browser_rc=$?
browser_seconds=$((SECONDS - t))
result="$(sed -n 's/^RESULT //p' "$work/browser.out" | tail -n 1)"
[ -n "$result" ] || result='{}'

# The same page asking for keys outside the rules' prefixes: both uploads must fail,
# refused by serve (the policy, and the multipart initiate).
say "Chromium tries the same files under the prefix private/ (must be refused)"
signed_before="$(grep -c 'signed a' "$work/serve.log" || true)"
refused_before="$(grep -c 'refused' "$work/serve.log" || true)"
refusal_rc=0
(cd "$example" && BROWSER_DISABLE_WEB_SECURITY=1 UPLOAD_TIMEOUT_MS=60000 \
    timeout 150 node browser_test.mjs "$page&prefix=private/" "$work/small.bin" "$work/big.bin") \
    > "$work/refusal.out" 2>> "$work/browser.log" || refusal_rc=$?
refusal="$(sed -n 's/^RESULT //p' "$work/refusal.out" | tail -n 1)"
[ -n "$refusal" ] || refusal='{}'
signed_extra=$(($(grep -c 'signed a' "$work/serve.log" || true) - signed_before))
refused_extra=$(($(grep -c 'refused' "$work/serve.log" || true) - refused_before))

# --- checks --------------------------------------------------------------------

passed=0
failed=0
check() { # check NAME OK(0|1) DETAIL
    if [ "$2" = 0 ]; then
        printf '  PASS  %s (%s)\n' "$1" "$3"
        passed=$((passed + 1))
    else
        printf '  FAIL  %s (%s)\n' "$1" "$3"
        failed=$((failed + 1))
    fi
}
field() { # field JS-EXPRESSION-ON-r: prints it from the browser's result
    RESULT="$result" node -e 'const r = JSON.parse(process.env.RESULT); const v = ('"$1"'); console.log(v == null ? "" : v)'
}

printf '\nbrowser upload test: Fine Uploader %s in %s, sigv4 serve, s3s-fs\n' \
    "$(node -p 'require("'"$example"'/node_modules/fine-uploader/package.json").version')" \
    "$(/usr/bin/chromium --version 2>/dev/null | head -n 1)"

check "browser finished" "$browser_rc" "exit $browser_rc, ${browser_seconds} s$(
    err="$(field 'r.error')"; [ -z "$err" ] || printf ', %s' "$err")"

policies="$(grep -c 'signed a policy$' "$work/serve.log" || true)"
parts="$(grep -c 'signed a multipart request: PUT .*?partNumber=' "$work/serve.log" || true)"
initiates="$(grep -c 'signed a multipart request: POST .*?uploads=$' "$work/serve.log" || true)"
completes="$(grep -c 'signed a multipart request: POST .*?uploadId=' "$work/serve.log" || true)"
check "serve signed the policy upload" "$([ "$policies" -ge 1 ] && echo 0 || echo 1)" "$policies policy"
check "serve signed the multipart upload" \
    "$([ "$initiates" -ge 1 ] && [ "$parts" -ge 3 ] && [ "$completes" -ge 1 ] && echo 0 || echo 1)" \
    "$initiates initiate, $parts upload-part, $completes complete; browser saw $(field 'r.partPuts') parts stored"
check "serve refused nothing for them" "$([ "$refused_before" = 0 ] && echo 0 || echo 1)" "$refused_before refused"

for name in small.bin big.bin; do
    ok="$(field "(r.results || []).some((x) => x.name === '$name' && x.ok) ? 'yes' : ''")"
    key="$(field "((r.results || []).find((x) => x.name === '$name') || {}).key")"
    err="$(field "((r.results || []).find((x) => x.name === '$name') || {}).error")"
    if [ "$ok" != yes ] || [ -z "$key" ]; then
        check "$name uploaded" 1 "${err:-no result}"
        check "$name read back" 1 "not uploaded"
        continue
    fi
    check "$name uploaded" 0 "$key"
    if s3 -o "$work/$name.back" "$SIGV4_S3S_URL/$bucket/$key" && cmp -s "$work/$name" "$work/$name.back"; then
        check "$name read back" 0 "$(wc -c < "$work/$name.back") bytes, identical"
    else
        check "$name read back" 1 "missing or different from the file sent"
    fi
done

refused_uploads="$(RESULT="$refusal" node -e 'const r = JSON.parse(process.env.RESULT); console.log(new Set((r.results || []).filter((x) => !x.ok).map((x) => x.name)).size)')"
check "keys outside the prefixes refused" \
    "$([ "$refusal_rc" = 1 ] && [ "$refused_uploads" = 2 ] && [ "$refused_extra" -ge 2 ] && [ "$signed_extra" = 0 ] && echo 0 || echo 1)" \
    "$refused_uploads of 2 uploads failed, serve refused $refused_extra requests and signed $signed_extra"
# Only the page's folder is served, not the one holding rules.toml.
rules_status="$(curl -s -o /dev/null -w '%{http_code}' "$serve_url/rules.toml" || true)"
page_status="$(curl -s -o /dev/null -w '%{http_code}' "$serve_url/upload.js" || true)"
check "the rules file is not served" \
    "$([ "$rules_status" = 404 ] && [ "$page_status" = 200 ] && echo 0 || echo 1)" \
    "/rules.toml $rules_status, /upload.js $page_status"

if [ "$failed" != 0 ]; then
    say "serve's log:"
    sed 's/^/    /' "$work/serve.log" >&2
    say "the browser's log:"
    sed 's/^/    /' "$work/browser.log" >&2
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
say "done in $((SECONDS - begin)) s"
[ "$failed" = 0 ]
