#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mor sweep: 2 configurations x 3 seeds with --jobs 2; kill -9 of the sweep and its workers
# midway; `mor sweeps --json` shows it interrupted; `mor sweep --resume` finishes it with
# 6 finished runs, one per (configuration, seed), and a summary of 2 groups with n = 3.
# Bad input (unknown key, bad value, missing base file) fails before any run is made.
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/err" ] && tail -20 "$tmp/err" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE
json() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print($1)"; }
cat > "$tmp/c.json" <<'JSON'
{"name":"sweepme","data":{"kind":"parity","length":8,"samples":800,"probe_size":4},
 "model":{"encoder":{"hidden":16},"experts":[{"width":16,"max_depth":2},{"width":16,"max_depth":2}]},
 "train":{"epochs":4,"batch_size":16,"eval_every":10,"threads":1}}
JSON
log="$tmp/log.sqlite"

# ---- bad input: one clear error, exit code != 0, no log and no run --------------------------
expect_error() { # message-part, then the mor arguments
    local want="$1"; shift
    set +e; "$mor" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"; local rc=$?; set -e
    [ "$rc" -ne 0 ] || fail "exit 0 for: $*"
    grep -q -- "$want" "$tmp/bad.err" || fail "error for '$*' does not name '$want': $(cat "$tmp/bad.err")"
    [ ! -e "$tmp/bad.sqlite" ] || fail "a log was created for bad input: $*"
}
expect_error "model.routr" sweep --config "$tmp/c.json" --log "$tmp/bad.sqlite" --grid model.routr.top_k=1,2 --seeds 1
expect_error "model.router.top_k" sweep --config "$tmp/c.json" --log "$tmp/bad.sqlite" --grid model.router.top_k=1,5 --seeds 1
expect_error "max_depth" sweep --config "$tmp/c.json" --log "$tmp/bad.sqlite" --grid "model.experts[0].max_depth=0,2" --seeds 1
expect_error "missing.json" sweep --config "$tmp/missing.json" --log "$tmp/bad.sqlite" --grid model.router.top_k=1,2 --seeds 1
expect_error "model.experts" sweep --config "$tmp/c.json" --log "$tmp/bad.sqlite" --grid "model.experts[5].width=8" --seeds 1

# ---- a --list of entries that name themselves: each run is named by its own entry -----------
cat > "$tmp/list.json" <<'JSON'
[{"name":"first entry","train.epochs":1},{"name":"second entry","train.epochs":1,"model.experts[0].max_depth":1}]
JSON
"$mor" sweep --config "$tmp/c.json" --log "$tmp/list.sqlite" --list "$tmp/list.json" --seeds 3 \
    --jobs 1 --threads 1 --json >"$tmp/out" 2>"$tmp/err" || fail "list sweep exited with $?"
names=$(sqlite3 "$tmp/list.sqlite" "select group_concat(name, '|') from (select name from runs order by id)")
[ "$names" = "first entry seed=3|second entry seed=3" ] || fail "list run names: '$names'"

# ---- the sweep, killed midway ----------------------------------------------------------------
"$mor" sweep --config "$tmp/c.json" --log "$log" --grid "model.experts[0].max_depth=1,3" \
    --seeds 1,2,3 --jobs 2 --threads 1 --json >"$tmp/out" 2>"$tmp/err" &
pid=$!
# Wait for a finished run and a running run with a checkpoint, then freeze the sweep and its
# workers (SIGSTOP) and look again: a run may finish between the look and the kill, so the
# kill -9 only comes while the frozen state still has a running run with a checkpoint.
ready() {
    done_runs=$(sqlite3 "$log" "select count(*) from runs where status='finished'" 2>/dev/null || echo 0)
    ckpt=$(sqlite3 "$log" "select count(*) from checkpoints c join runs r on r.id=c.run_id where r.status='running'" 2>/dev/null || echo 0)
    [ "${done_runs:-0}" -ge 1 ] && [ "${ckpt:-0}" -ge 1 ]
}
killed=0
for _ in $(seq 1 900); do
    kill -0 "$pid" 2>/dev/null || fail "the sweep ended before it could be killed"
    if ready; then
        kill -STOP "$pid"
        workers=$(pgrep -P "$pid" || true)
        [ -z "$workers" ] || kill -STOP $workers
        if ready; then
            kill -9 "$pid" $workers
            killed=1
            break
        fi
        [ -z "$workers" ] || kill -CONT $workers
        kill -CONT "$pid"
    fi
    sleep 0.1
done
[ "$killed" = 1 ] || fail "no finished run and running checkpoint appeared"
wait "$pid" 2>/dev/null || true
[ "$(sqlite3 "$log" 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check after kill -9"

listing=$("$mor" sweeps --log "$log" --json)
echo "after kill -9: $listing"
s=$(json 'd[0]["status"]' <<<"$listing")
fin=$(json 'd[0]["finished"]' <<<"$listing")
intr=$(json 'd[0]["interrupted"]' <<<"$listing")
todo=$(json 'd[0]["to_do"]' <<<"$listing")
[ "$s" = "interrupted" ] || fail "sweep status after kill -9 is '$s', not interrupted"
[ "$intr" -ge 1 ] || fail "no interrupted run listed"
[ $((fin + intr + todo)) -eq 6 ] || fail "finished + interrupted + to do = $((fin + intr + todo)), not 6"
[ "$fin" -lt 6 ] || fail "everything finished before the kill"

# ---- resume --------------------------------------------------------------------------------
"$mor" sweep --log "$log" --resume 1 --jobs 2 --threads 1 --json >"$tmp/out" 2>"$tmp/err" ||
    fail "resume exited with $?"
summary=$(tail -1 "$tmp/out")
echo "summary: $summary"
[ "$(json 'd["sweep_id"]' <<<"$summary")" = "1" ] || fail "summary sweep_id"
[ "$(json 'd["runs"]' <<<"$summary")" = "6" ] || fail "summary runs"
[ "$(json 'len(d["groups"])' <<<"$summary")" = "2" ] || fail "summary has not 2 groups"
[ "$(json '" ".join(str(g["n"]) for g in d["groups"])' <<<"$summary")" = "3 3" ] || fail "n is not 3 per group"
[ "$(json 'all(len(g["test_accuracy"]["ci95"]) == 2 and g["test_accuracy"]["ci95"][0] <= g["test_accuracy"]["mean"] <= g["test_accuracy"]["ci95"][1] for g in d["groups"])' <<<"$summary")" = "True" ] ||
    fail "test_accuracy intervals"
[ "$(json 'sorted(g["params"]["model.experts[0].max_depth"] for g in d["groups"])' <<<"$summary")" = "[1, 3]" ] ||
    fail "group params"
[ "$(sqlite3 "$log" "select count(*) from runs")" = "6" ] || fail "$(sqlite3 "$log" "select count(*) from runs") runs, not 6 (a duplicate)"
[ "$(sqlite3 "$log" "select count(*) from runs where status='finished'")" = "6" ] || fail "not 6 finished runs"
# one run per (configuration, seed): 6 distinct entry tags, 6 distinct (config, seed) pairs
[ "$(sqlite3 "$log" "select count(distinct tag) from tags where tag like 'sweep:1:%'")" = "6" ] || fail "entry tags"
[ "$(sqlite3 "$log" "select count(*) from (select distinct s.overrides_json, s.seed from sweep_runs s join runs r on r.id = s.run_id)")" = "6" ] ||
    fail "duplicate (configuration, seed)"
resumed=$(sqlite3 "$log" "select count(*) from events where message like 'resumed from checkpoint%' or message like 'no checkpoint to resume%'")
[ "$resumed" -ge 1 ] || fail "no interrupted run was resumed"
[ "$(json 'd[0]["status"]' <<<"$("$mor" sweeps --log "$log" --json)")" = "finished" ] || fail "sweeps: not finished"
[ "$(sqlite3 "$log" 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check after resume"
# A second resume has nothing to do and makes no run.
"$mor" sweep --log "$log" --resume 1 --json >/dev/null 2>&1 || fail "resume of a finished sweep"
[ "$(sqlite3 "$log" "select count(*) from runs")" = "6" ] || fail "a finished sweep's resume made runs"
echo "sweep_kill_resume: $fin finished, $intr interrupted, $todo to do at the kill; $resumed resumed; 6 runs after --resume"
