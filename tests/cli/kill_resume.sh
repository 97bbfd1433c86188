#!/usr/bin/env bash
# kill -9 during training: the log passes integrity_check, the run shows as interrupted,
# and `mor resume` continues from the last checkpoint to the end.
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat > "$tmp/c.json" <<'JSON'
{"name":"killme","data":{"kind":"parity","length":8,"samples":2000,"probe_size":8},
 "model":{"encoder":{"hidden":32},"experts":[{"width":32,"max_depth":4},{"width":32,"max_depth":4}]},
 "train":{"epochs":8,"batch_size":16,"eval_every":20,"threads":1}}
JSON
"$mor" train --config "$tmp/c.json" --log "$tmp/log.sqlite" --quiet &
pid=$!
for _ in $(seq 1 600); do
    n=$(sqlite3 "$tmp/log.sqlite" "select count(*) from checkpoints" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 2 ] && break
    sleep 0.1
done
[ "${n:-0}" -ge 2 ] || fail "no checkpoint appeared"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ "$(sqlite3 "$tmp/log.sqlite" 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check"
# The dead writer's heartbeat goes stale after 15 s; then the run reads as interrupted.
sleep 16
"$mor" runs --log "$tmp/log.sqlite" | grep "interrupted" >/dev/null || fail "run not shown as interrupted"
steps_before=$(sqlite3 "$tmp/log.sqlite" "select max(step) from checkpoints")
out=$("$mor" resume --log "$tmp/log.sqlite" --run 1 --json 2>/dev/null | tail -1)
grep -q '"status":"finished"' <<<"$out" || fail "resume: $out"
[ "$(sqlite3 "$tmp/log.sqlite" 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check after resume"
total=$(sqlite3 "$tmp/log.sqlite" "select max(step) from metrics where key='train/loss'")
[ "$total" -gt "$steps_before" ] || fail "resume did not continue ($total <= $steps_before)"
echo "kill_resume: resumed from step $steps_before to $total"
