#!/usr/bin/env bash
# Stopping a data-parallel run (SIGTERM to `mor train --nproc 2`) stops every worker at the
# same step with a checkpoint; `mor resume` launched torchrun-style (RANK, WORLD_SIZE, ...)
# on 2 processes continues it from rank 0's checkpoint to the end.
set -euo pipefail
source "$(dirname "$0")/../lib/free_port.sh"
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$tmp"/*.err >&2 || true; exit 1; }
export OMP_WAIT_POLICY=PASSIVE MOR_DIST_TIMEOUT=30
cat > "$tmp/c.json" <<'JSON'
{"name":"ddp-resume","data":{"kind":"parity","length":8,"samples":2000,"probe_size":4},
 "model":{"encoder":{"hidden":24},"experts":[{"width":24,"max_depth":3},{"width":24,"max_depth":3}]},
 "train":{"epochs":3,"batch_size":32,"eval_every":10,"threads":1}}
JSON
log="$tmp/log.sqlite"
"$mor" train --config "$tmp/c.json" --log "$log" --nproc 2 --json > "$tmp/train.out" 2> "$tmp/train.err" &
launcher=$!
for _ in $(seq 1 300); do
    n=$(sqlite3 "$log" "select count(*) from checkpoints" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 2 ] && break
    sleep 0.1
done
[ "${n:-0}" -ge 2 ] || fail "no checkpoint appeared"
kill -TERM "$launcher"
rc=0; wait "$launcher" || rc=$?
[ "$rc" -eq 130 ] || fail "stopped run exited with $rc, not 130"
grep -q '"status":"stopped"' "$tmp/train.out" || fail "not stopped: $(cat "$tmp/train.out")"
[ "$(sqlite3 "$log" 'select status from runs')" = stopped ] || fail "run not marked stopped"
stopped=$(sqlite3 "$log" "select max(step) from checkpoints")

port=$(free_port)
RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$mor" resume --log "$log" --run 1 > "$tmp/r1.out" 2> "$tmp/r1.err" &
rank1=$!
RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$mor" resume --log "$log" --run 1 --json > "$tmp/r0.out" 2> "$tmp/r0.err" || fail "rank 0 resume failed"
wait "$rank1" || fail "rank 1 resume failed"
[ ! -s "$tmp/r1.out" ] || fail "rank 1 printed an outcome: $(cat "$tmp/r1.out")"
grep -q '"status":"finished"' "$tmp/r0.out" || fail "resume: $(cat "$tmp/r0.out")"
[ "$(sqlite3 "$log" 'select count(*) from runs')" = 1 ] || fail "resume created runs"
last=$(sqlite3 "$log" "select max(step) from metrics where key='train/loss'")
[ "$last" -gt "$stopped" ] || fail "resume did not continue ($last <= $stopped)"
# Every step was logged once: the resumed run went on from the checkpoint, not from 0.
[ "$(sqlite3 "$log" "select count(*) from metrics where key='train/loss'")" -eq "$last" ] \
    || fail "steps logged twice or missing"
echo "ddp_stop_resume: stopped at step $stopped, resumed on 2 processes to step $last"
