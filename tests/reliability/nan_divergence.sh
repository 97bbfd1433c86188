#!/usr/bin/env bash
# NaN in the loss, produced the way a user would: a valid config whose weights blow up
# (SGD, learning rate 10, weight decay 1 and a slow warmup: the decay factor |1 - lr_t * wd|
# passes 1 after a few checkpoints, the weights grow past float range, the loss turns NaN).
# No test hook in the product. Checks:
#   - `mor train` fails (exit 1) naming the step and the non-finite term,
#   - the run is "failed" in the log with that message as an error event,
#   - the last good checkpoint (the one the message names) is kept, is the newest checkpoint
#     row, lies before the failing step, and loads: `mor resume` continues from it.
#   tests/reliability/nan_divergence.sh MOR
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
fail() { echo "FAIL: $*" >&2; exit 1; }
log="$tmp/log.sqlite"
q() { sqlite3 "$log" "$1"; }
cat > "$tmp/c.json" <<'JSON'
{"name":"diverges","data":{"kind":"parity","length":8,"samples":1200,"probe_size":8},
 "model":{"encoder":{"hidden":16},"experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":4,"batch_size":32,"eval_every":10,"threads":1,"optimizer":"sgd",
          "learning_rate":10,"weight_decay":1,"warmup_steps":200,"clip_norm":0,
          "schedule":"constant"}}
JSON
"$mor" validate "$tmp/c.json" >/dev/null || fail "the config should be valid"

set +e
out=$("$mor" train --config "$tmp/c.json" --log "$log" --json 2>"$tmp/err")
rc=$?
set -e
[ $rc -eq 1 ] || fail "mor train exit code $rc, expected 1"
json=$(tail -1 <<<"$out")
grep -q '"status":"failed"' <<<"$json" || fail "status: $json"
message=$(sed -n 's/.*"error":"\([^"]*\)".*/\1/p' <<<"$json")
step=$(sed -n 's/.*diverged at step \([0-9]*\).*/\1/p' <<<"$message")
[ -n "$step" ] || fail "the message does not name the step: $message"
grep -q "non-finite" <<<"$message" || fail "the message does not say what: $message"

[ "$(q 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check"
[ "$(q 'select status from runs where id = 1')" = "failed" ] || fail "run not marked failed"
q "select message from events where run_id = 1 and level = 'error'" | grep -q "step $step" ||
    fail "no error event naming step $step"

kept=$(sed -n 's/.*the last good checkpoint is kept: \([^ ]*\.pt\).*/\1/p' <<<"$message")
[ -n "$kept" ] || fail "the message names no kept checkpoint: $message"
last=$(q "select path from checkpoints where run_id = 1 and path not like '%best.pt'
          order by step desc limit 1")
last_step=$(q "select max(step) from checkpoints where run_id = 1")
[ "$(basename "$kept")" = "$(basename "$last")" ] || fail "kept $kept but the newest row is $last"
[ -s "$kept" ] || fail "the kept checkpoint file is gone: $kept"
[ "$last_step" -lt "$step" ] || fail "newest checkpoint at $last_step is not before step $step"

# The kept checkpoint evaluates: `mor eval` of the failed run uses it (exit 0, finite accuracy).
evaluated=$("$mor" eval --log "$log" --run 1 --json) || fail "mor eval of the failed run"
grep -q '"test_accuracy":[0-9]' <<<"$evaluated" || fail "mor eval: $evaluated"

# The kept checkpoint loads: resume continues from it (and diverges again, deterministically).
set +e
again=$("$mor" resume --log "$log" --run 1 --json 2>/dev/null | tail -1)
set -e
grep -q "resumed from checkpoint at step $last_step" <<<"$(q "select message from events where run_id = 1")" ||
    fail "resume did not start from the kept checkpoint (step $last_step): $again"
echo "nan_divergence: NaN at step $step (config-driven, no test hook): run failed with" \
     "\"$message\"; checkpoint at step $last_step kept and resumable"
