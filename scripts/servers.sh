#!/usr/bin/env bash
# Real SigV4-checking servers on 127.0.0.1 for the CLI's integration tests.
#
#   scripts/servers.sh start   install what is missing, (re)start both servers, set up
#                              moto, write target/servers/env and target/servers/env.json
#   scripts/servers.sh stop    stop them (pid files under target/servers/)
#   scripts/servers.sh status  say what runs where
#   scripts/servers.sh check   signed calls to every service work, wrong secrets are
#                              refused (tools/servers/check_servers.py)
#
# s3s-fs (crates.io, S3 on a directory) is installed with cargo into target/tools;
# moto (PyPI, many AWS services; tools/servers/requirements.txt) into .venv through
# scripts/python-venv.sh. Preferred ports: 9100 (s3s-fs) and 9200 (moto), overridable
# with SIGV4_S3S_PORT / SIGV4_MOTO_PORT; a free port is taken when one is in use.
# Logs: target/servers/{s3s-fs,moto,moto-setup}.log. Use the servers with
#   . target/servers/env
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

state="$repo_root/target/servers"
tools_root="$repo_root/target/tools"
s3s_version="0.14.1"
s3s_bin="$tools_root/bin/s3s-fs"
region="us-east-1"
wait_seconds="${SIGV4_SERVERS_WAIT_SECONDS:-60}"

say() { printf 'servers.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# --- installs ---------------------------------------------------------------

install_s3s() {
    if [ -x "$s3s_bin" ] && [ "$("$s3s_bin" --version 2>/dev/null || true)" = "s3s-fs $s3s_version" ]; then
        return
    fi
    command -v cargo >/dev/null || die "cargo not found (needed to install s3s-fs)"
    say "installing s3s-fs $s3s_version into $tools_root (cargo install, a few minutes)"
    local start=$SECONDS
    # --force: replace a binary of another version. Without --locked only if the
    # locked dependencies fail to build.
    if ! cargo install s3s-fs --version "$s3s_version" --features binary --locked \
        --force --root "$tools_root" >&2; then
        say "cargo install --locked failed; retrying without --locked"
        cargo install s3s-fs --version "$s3s_version" --features binary \
            --force --root "$tools_root" >&2 || die "could not install s3s-fs $s3s_version"
    fi
    say "s3s-fs installed in $((SECONDS - start)) s"
}

install_python() {
    local start=$SECONDS
    py="$("$repo_root/scripts/python-venv.sh" | tail -n 1)"
    [ -x "$py" ] || die "scripts/python-venv.sh gave no python"
    moto_bin="$(dirname "$py")/moto_server"
    [ -x "$moto_bin" ] || die "$moto_bin missing: is moto[server] in tools/servers/requirements.txt?"
    if [ $((SECONDS - start)) -gt 2 ]; then
        say "python venv ready in $((SECONDS - start)) s"
    fi
}

# --- processes --------------------------------------------------------------

# pid from NAME.pid if that process is alive and is still our server.
live_pid() {
    local name="$1" pattern="$2" pid
    pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || return 1
    [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
    printf '%s\n' "$pid"
}

stop_one() {
    local name="$1" pattern="$2" pid _
    if pid="$(live_pid "$name" "$pattern")"; then
        say "stopping $name (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name (pid $pid) did not stop on TERM; killing it"
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$state/$name.pid"
}

stop_all() {
    stop_one s3s-fs s3s-fs
    stop_one moto moto_server
    rm -f "$state/env" "$state/env.json"
}

# True if nothing listens on 127.0.0.1:PORT (a bind test, so it sees any listener).
port_free() {
    "$py" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

pick_port() {
    local want="$1"
    if port_free "$want"; then
        printf '%s\n' "$want"
        return
    fi
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start a server in its own session (so a Ctrl-C in the caller's terminal does not
# reach it), record its pid. Without job control the background child is no group
# leader, so setsid execs the server itself and $! is the server's pid.
launch() {
    local name="$1"; shift
    : > "$state/$name.log"
    setsid "$@" >> "$state/$name.log" 2>&1 < /dev/null &
    printf '%s\n' "$!" > "$state/$name.pid"
}

# Wait until URL answers with any HTTP status; fail with the log's tail if the
# process dies or the time runs out.
wait_http() {
    local name="$1" pattern="$2" url="$3" deadline=$((SECONDS + wait_seconds)) code
    while :; do
        code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" || true)"
        if [ -n "$code" ] && [ "$code" != "000" ]; then
            say "$name answers at $url (HTTP $code)"
            return
        fi
        if ! live_pid "$name" "$pattern" >/dev/null; then
            say "$name exited before answering; last lines of $state/$name.log:"
            tail -n 30 "$state/$name.log" >&2 || true
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "$name did not answer at $url within ${wait_seconds} s; last lines of $state/$name.log:"
            tail -n 30 "$state/$name.log" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
}

# --- commands ---------------------------------------------------------------

start() {
    local begin=$SECONDS
    command -v curl >/dev/null || die "curl not found"
    command -v setsid >/dev/null || die "setsid not found (util-linux)"
    mkdir -p "$state"
    stop_all
    # Whatever fails from here on (die, set -e), leave no half-started server behind.
    started=0
    trap 'if [ "$started" != 1 ]; then say "start failed; stopping what was started"; stop_all; fi' EXIT
    install_s3s
    install_python

    local s3s_port moto_port
    s3s_port="$(pick_port "${SIGV4_S3S_PORT:-9100}")"
    moto_port="$(pick_port "${SIGV4_MOTO_PORT:-9200}")"
    [ "$s3s_port" != "$moto_port" ] || moto_port="$(pick_port 0)"

    # s3s-fs: fresh root and fresh random credentials on every start. The secret has
    # the '+' and '/' that real AWS secrets have.
    local s3s_root="$state/s3s-root" s3s_key s3s_secret
    rm -rf "$s3s_root"
    mkdir -p "$s3s_root"
    s3s_key="$("$py" -c 'import secrets, string; print("AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16)))')"
    s3s_secret="$("$py" -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(30)).decode())')"
    # --domain enables virtual-hosted style (Host: BUCKET.localhost:PORT); path
    # style keeps working on 127.0.0.1:PORT and localhost:PORT.
    launch s3s-fs "$s3s_bin" --host 127.0.0.1 --port "$s3s_port" \
        --access-key "$s3s_key" --secret-key "$s3s_secret" \
        --domain "localhost:$s3s_port" "$s3s_root"

    # moto: the first 3 requests are free (spent by moto_setup.py), every later one
    # is signature-checked and IAM-authorized.
    launch moto env INITIAL_NO_AUTH_ACTION_COUNT=3 MOTO_PORT="$moto_port" \
        "$moto_bin" -H 127.0.0.1 -p "$moto_port"

    wait_http s3s-fs s3s-fs "http://127.0.0.1:$s3s_port/"
    # /moto-api/ is moto's own API, not an AWS action: it does not use up a free request.
    wait_http moto moto_server "http://127.0.0.1:$moto_port/moto-api/"

    # s3s-fs rejects unsigned requests and wrong secrets; show both in the log.
    local empty=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 good bad
    good="$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$region:s3" \
        --user "$s3s_key:$s3s_secret" -H "x-amz-content-sha256: $empty" "http://127.0.0.1:$s3s_port/")"
    bad="$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$region:s3" \
        --user "$s3s_key:${s3s_secret}x" -H "x-amz-content-sha256: $empty" "http://127.0.0.1:$s3s_port/")"
    say "check: s3s-fs ListBuckets signed with the key -> HTTP $good; with a wrong secret -> HTTP $bad"
    if [ "$good" != 200 ] || [ "$bad" != 403 ]; then
        die "s3s-fs does not check signatures as expected"
    fi

    local moto_json
    if ! moto_json="$("$py" tools/servers/moto_setup.py --endpoint "http://127.0.0.1:$moto_port" \
        --region "$region" 2> >(tee "$state/moto-setup.log" >&2))"; then
        say "moto setup failed; last lines of $state/moto.log:"
        tail -n 30 "$state/moto.log" >&2 || true
        exit 1
    fi

    MOTO_JSON="$moto_json" \
    SIGV4_MOTO_URL="http://127.0.0.1:$moto_port" \
    SIGV4_S3S_URL="http://127.0.0.1:$s3s_port" \
    SIGV4_S3S_ACCESS_KEY_ID="$s3s_key" \
    SIGV4_S3S_SECRET_ACCESS_KEY="$s3s_secret" \
    SIGV4_S3S_ROOT="$s3s_root" \
    SIGV4_S3S_VHOST_DOMAIN="localhost:$s3s_port" \
    SIGV4_REGION="$region" \
    "$py" - "$state" <<'EOF'
import json, os, shlex, sys
state = sys.argv[1]
moto = json.loads(os.environ["MOTO_JSON"])
env = {
    "SIGV4_MOTO_URL": os.environ["SIGV4_MOTO_URL"],
    "SIGV4_MOTO_REGION": moto["region"],
    "SIGV4_MOTO_ACCOUNT_ID": moto["account_id"],
    "SIGV4_MOTO_ACCESS_KEY_ID": moto["access_key_id"],
    "SIGV4_MOTO_SECRET_ACCESS_KEY": moto["secret_access_key"],
    "SIGV4_MOTO_ROLE_ARN": moto["role_arn"],
    "SIGV4_S3S_URL": os.environ["SIGV4_S3S_URL"],
    "SIGV4_S3S_REGION": os.environ["SIGV4_REGION"],
    "SIGV4_S3S_ACCESS_KEY_ID": os.environ["SIGV4_S3S_ACCESS_KEY_ID"],
    "SIGV4_S3S_SECRET_ACCESS_KEY": os.environ["SIGV4_S3S_SECRET_ACCESS_KEY"],
    "SIGV4_S3S_ROOT": os.environ["SIGV4_S3S_ROOT"],
    "SIGV4_S3S_VHOST_DOMAIN": os.environ["SIGV4_S3S_VHOST_DOMAIN"],
}
for name, text in (
    ("env", "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())),
    ("env.json", json.dumps(env, indent=2) + "\n"),
):
    tmp = os.path.join(state, name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(state, name))
EOF

    say "s3s-fs: http://127.0.0.1:$s3s_port (pid $(cat "$state/s3s-fs.pid"), root $s3s_root)"
    say "moto:   http://127.0.0.1:$moto_port (pid $(cat "$state/moto.pid"), region $region)"
    started=1
    say "ready in $((SECONDS - begin)) s; variables in $state/env (shell) and $state/env.json"
    printf '%s\n' "$state/env"
}

status() {
    local name pattern pid rc=0
    for name in s3s-fs:s3s-fs moto:moto_server; do
        pattern="${name#*:}"; name="${name%%:*}"
        if pid="$(live_pid "$name" "$pattern")"; then
            say "$name running (pid $pid)"
        else
            say "$name not running"
            rc=1
        fi
    done
    [ -f "$state/env" ] && cat "$state/env"
    return "$rc"
}

check() {
    [ -f "$state/env.json" ] || die "no $state/env.json: run scripts/servers.sh start first"
    install_python
    "$py" tools/servers/check_servers.py "$state/env.json"
}

case "${1:-}" in
    start) start ;;
    stop) mkdir -p "$state"; stop_all; say "stopped" ;;
    status) status ;;
    check) check ;;
    *) echo "usage: scripts/servers.sh start|stop|status|check" >&2; exit 2 ;;
esac
