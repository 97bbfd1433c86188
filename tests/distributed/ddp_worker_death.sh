#!/usr/bin/env bash
# A data-parallel worker killed with SIGKILL makes the others stop: they exit non-zero within
# a bounded time with a message that says a worker was lost, and rank 0 marks the run failed
# (not left "running"). Checked for a lost rank 1, a lost rank 0, and under `--nproc`.
set -euo pipefail
source "$(dirname "$0")/../lib/free_port.sh"
mor="$1"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$tmp"/*.err; do echo "--- $f" >&2; cat "$f" >&2; done; exit 1; }
export OMP_WAIT_POLICY=PASSIVE MOR_DIST_TIMEOUT=20
limit=25 # seconds a survivor may take to notice (the peer's socket closes at once)
cat > "$tmp/c.json" <<'JSON'
{"name":"ddp-kill","data":{"kind":"parity","length":8,"samples":4000,"probe_size":4},
 "model":{"encoder":{"hidden":24},"experts":[{"width":24,"max_depth":3},{"width":24,"max_depth":3}]},
 "train":{"epochs":200,"batch_size":32,"eval_every":40,"threads":1}}
JSON

# wait_steps LOG N: until the log holds N train/loss rows (training is under way).
wait_steps() {
    local n=0
    for _ in $(seq 1 300); do
        n=$(sqlite3 "$1" "select count(*) from metrics where key='train/loss'" 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$2" ] && return 0
        sleep 0.1
    done
    fail "training did not start in $1"
}

# start_rank RANK LOG PORT: one worker in the background; its pid goes to pid_<rank>.
start_rank() {
    RANK=$1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$3 \
        "$mor" train --config "$tmp/c.json" --log "$2" --quiet > "$tmp/r$1.out" 2> "$tmp/r$1.err" &
    pids+=($!)
    eval "pid_$1=$!"
}

# expect_failure PID WHAT: PID exits non-zero within $limit seconds.
expect_failure() {
    local start=$SECONDS rc=0
    wait "$1" || rc=$?
    local took=$((SECONDS - start))
    [ "$rc" -ne 0 ] || fail "$2 exited 0 after its peer was killed"
    [ "$took" -le "$limit" ] || fail "$2 took ${took}s (> ${limit}s) to stop"
    echo "$2 stopped with exit code $rc after ${took}s"
}

port=$(free_port)

# 1. rank 1 dies: rank 0 stops, says why, and marks the run failed.
start_rank 0 "$tmp/a.sqlite" $port
start_rank 1 "$tmp/a.sqlite" $port
wait_steps "$tmp/a.sqlite" 5
kill -9 "$pid_1"
expect_failure "$pid_0" "rank 0"
grep -q "data-parallel .* failed (a worker died" "$tmp/r0.err" || fail "rank 0 gave no clear message"
[ "$(sqlite3 "$tmp/a.sqlite" 'select status from runs')" = failed ] || fail "run not marked failed"
sqlite3 "$tmp/a.sqlite" "select message from events where level='error'" | grep -q "worker died" \
    || fail "no error event in the log"

# 2. rank 0 dies: rank 1 stops with a clear message.
port=$(free_port)
start_rank 0 "$tmp/b.sqlite" $port
start_rank 1 "$tmp/b.sqlite" $port
wait_steps "$tmp/b.sqlite" 5
kill -9 "$pid_0"
expect_failure "$pid_1" "rank 1"
grep -q "rank 1: data-parallel .* failed" "$tmp/r1.err" || fail "rank 1 gave no clear message"

# 3. --nproc 2, one worker killed: the launcher exits non-zero and the run is failed.
"$mor" train --config "$tmp/c.json" --log "$tmp/c.sqlite" --nproc 2 --quiet 2> "$tmp/launcher.err" &
launcher=$!
pids+=($launcher)
wait_steps "$tmp/c.sqlite" 5
# The launcher's children are the workers; rank 1 is the one with MOR_LAUNCHED_RANK=1.
rank1=""
workers=0
for d in /proc/[0-9]*; do
    [ "$(awk '{print $4}' "$d/stat" 2>/dev/null)" = "$launcher" ] || continue
    workers=$((workers + 1))
    tr '\0' '\n' < "$d/environ" 2>/dev/null | grep -qx "MOR_LAUNCHED_RANK=1" && rank1=${d#/proc/}
done
[ "$workers" -eq 2 ] || fail "--nproc 2 started $workers workers"
[ -n "$rank1" ] || fail "no worker with rank 1"
kill -9 "$rank1"
expect_failure "$launcher" "the --nproc launcher"
[ "$(sqlite3 "$tmp/c.sqlite" 'select status from runs')" = failed ] || fail "--nproc run not failed"
echo "ddp_worker_death: survivors stop and the run is failed"
