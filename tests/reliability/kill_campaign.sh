#!/usr/bin/env bash
# kill -9 campaign: trains KILLS runs into one experiment log and kills each `mor train` at a
# random moment (seeded, so a failing campaign can be replayed). After every kill:
#   - the log passes PRAGMA integrity_check,
#   - every checkpoint row the log had just before the kill is still there, and every
#     checkpoint row points to a complete file (no *.tmp left as the named file).
# After all kills, the next open (`mor runs`) shows every run finished or interrupted (never
# "running"), and `mor resume` finishes every interrupted run that has a checkpoint.
#   tests/reliability/kill_campaign.sh MOR [KILLS=20] [SEED=$RANDOM] [KEEP_DIR]
# Prints a summary line with the figures; exits non-zero on the first broken promise.
set -euo pipefail
mor="$1"
kills="${2:-20}"
seed="${3:-$RANDOM}"
tmp="${4:-}"
if [ -z "$tmp" ]; then tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi
mkdir -p "$tmp"
log="$tmp/log.sqlite"
RANDOM=$seed
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
fail() { echo "FAIL (seed $seed): $*" >&2; exit 1; }
q() { sqlite3 -cmd ".timeout 10000" "$log" "$1"; }

cat > "$tmp/c.json" <<'JSON'
{"name":"kill-campaign","data":{"kind":"parity","length":8,"samples":1200,"probe_size":8},
 "model":{"encoder":{"hidden":16},"experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":4,"batch_size":32,"eval_every":10,"threads":1}}
JSON

# How long one undisturbed run takes here, so the kill moments cover its whole life.
# The kill moments are drawn from the run's life: after its row exists, before it ends.
start_ms=$(date +%s%3N)
"$mor" train --config "$tmp/c.json" --log "$log" --name reference --quiet >/dev/null ||
    fail "reference run failed"
duration_ms=$(( $(date +%s%3N) - start_ms ))
startup_ms=$(( $(q "select created_ms from runs where id = 1") - start_ms ))
[ "$startup_ms" -ge 0 ] && [ "$startup_ms" -lt "$duration_ms" ] || startup_ms=0
echo "kill_campaign: seed $seed, reference run ${duration_ms} ms (run row after" \
     "${startup_ms} ms), $kills kills"

check_checkpoints() {
    while IFS='|' read -r run step path; do
        [ -s "$path" ] || fail "run $run: checkpoint at step $step is missing: $path"
    done < <(q "select run_id, step, path from checkpoints")
}

killed_before_run=0
for i in $(seq 1 "$kills"); do
    # Uniform over the run's life, in 1 ms steps (bash RANDOM is 15 bits: combine two).
    at_ms=$(( startup_ms + ((RANDOM << 15) | RANDOM) % (duration_ms - startup_ms + 1) ))
    runs_before=$(q "select count(*) from runs")
    "$mor" train --config "$tmp/c.json" --log "$log" --name "kill-$i" --quiet >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((at_ms / 1000)) $((at_ms % 1000)))"
    ckpt_before=$(q "select count(*) from checkpoints" 2>/dev/null || echo 0)
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ "$(q 'PRAGMA integrity_check')" = "ok" ] || fail "kill $i at ${at_ms} ms: integrity_check"
    ckpt_after=$(q "select count(*) from checkpoints")
    [ "$ckpt_after" -ge "$ckpt_before" ] ||
        fail "kill $i at ${at_ms} ms: checkpoints $ckpt_before -> $ckpt_after"
    check_checkpoints
    [ "$(q "select count(*) from runs")" -gt "$runs_before" ] ||
        killed_before_run=$((killed_before_run + 1))
done

# The dead writers' heartbeats go stale after 15 s; the next open marks their runs.
sleep 16
"$mor" runs --log "$log" >/dev/null || fail "mor runs"
running=$(q "select count(*) from runs where status = 'running'")
[ "$running" -eq 0 ] || fail "$running runs still 'running' after reopening"
bad=$(q "select count(*) from runs where status not in ('finished','interrupted')")
[ "$bad" -eq 0 ] || fail "$bad runs neither finished nor interrupted"
finished_at_kill=$(( $(q "select count(*) from runs where status = 'finished'") - 1 ))
interrupted=$(q "select count(*) from runs where status = 'interrupted'")

resumed=0; no_checkpoint=0
for run in $(q "select id from runs where status = 'interrupted' order by id"); do
    if [ "$(q "select count(*) from checkpoints where run_id = $run")" -eq 0 ]; then
        # Killed before its first checkpoint: resume restarts it from step 0.
        no_checkpoint=$((no_checkpoint + 1))
    fi
    out=$("$mor" resume --log "$log" --run "$run" --json 2>/dev/null | tail -1) || true
    grep -q '"status":"finished"' <<<"$out" || fail "resume of run $run: $out"
    resumed=$((resumed + 1))
done
[ "$(q 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check after resume"
steps=$(q "select max(step) from metrics where run_id = 1 and key = 'train/loss'")
short=$(q "select count(*) from runs r where status = 'finished' and
           (select max(step) from metrics m where m.run_id = r.id and key = 'train/loss') < $steps")
[ "$short" -eq 0 ] || fail "$short finished runs stopped short of step $steps"

echo "kill_campaign: seed $seed: $kills kills (${killed_before_run} before the run was created," \
     "$finished_at_kill after it finished), $interrupted interrupted, $resumed resumed to step" \
     "$steps, $no_checkpoint of them restarted from step 0 (no checkpoint yet); integrity ok after every kill," \
     "$(q 'select count(*) from checkpoints') checkpoints all present"
