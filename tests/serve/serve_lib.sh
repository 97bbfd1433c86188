# Shared by the serve shell tests (source it after `mor="$1"`): a temporary folder removed on
# exit with the server, fail(), and start_server/stop_server for `mor serve` on a free port.
py=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/out" ] && cat "$tmp/out" >&2; exit 1; }

# start_server ARGS...: runs mor serve (HTTP or HTTPS) on a free port; sets pid and port.
start_server() {
    # Emptied here, not only by the background job's redirection: the loop below could
    # otherwise read the previous server's address before the new job has truncated the file.
    : >"$tmp/out"
    "$mor" serve --log "$tmp/log.sqlite" --port 0 --threads 1 "$@" >"$tmp/out" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 1 200); do
        port=$(grep -o 'https\?://127.0.0.1:[0-9]*' "$tmp/out" | head -1 | sed 's/.*://') || true
        [ -n "$port" ] && return 0
        kill -0 "$pid" 2>/dev/null || fail "mor serve exited early"
        sleep 0.05
    done
    fail "mor serve did not print its address"
}

# stop_server: SIGTERM, and the server must exit with 0.
stop_server() {
    kill -TERM "$pid"
    set +e; wait "$pid"; local rc=$?; set -e
    pid=""
    [ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"
}
