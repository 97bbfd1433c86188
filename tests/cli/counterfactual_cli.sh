#!/usr/bin/env bash
# mor trace counterfactuals (#19) and mor eval --counterfactual on a tiny trained run:
# --json parses and is the same object for a plain trace; interventions that change nothing
# reproduce the plain trace; the JSON equals the trace the trainer logged (core) for a probe.
set -euo pipefail
mor="$1"
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE

cat > "$tmp/cf.json" <<'JSON'
{"name":"cf","data":{"kind":"parity","length":6,"samples":400,"probe_size":6},
 "model":{"encoder":{"hidden":16},"router":{"top_k":2,"hidden":16},
          "experts":[{"width":16,"max_depth":3,"halting":"fixed"},{"width":16,"max_depth":3,"halting":"fixed"},
                     {"width":16,"max_depth":3,"halting":"fixed"}]},
 "train":{"epochs":3,"batch_size":32,"threads":1}}
JSON
"$mor" train --config "$tmp/cf.json" --log "$tmp/log.sqlite" --threads 1 --quiet >/dev/null
trace() { "$mor" trace --log "$tmp/log.sqlite" --run 1 "$@"; }

probe=$(sqlite3 "$tmp/log.sqlite" "select sample_id from samples where split='probe' limit 1")
step=$(sqlite3 "$tmp/log.sqlite" "select max(step) from reflection where run_id=1")
trace --sample "$probe" --step "$step" --json > "$tmp/plain.json"
$py -m json.tool "$tmp/plain.json" >/dev/null || fail "--json does not parse"
# the JSON equals the trace core logged at that evaluation (same checkpoint)
sqlite3 -csv "$tmp/log.sqlite" "select expert, iter, critique, halt_p, pred from reflection
    where run_id=1 and step=$step and sample_id=$probe order by expert, iter" > "$tmp/logged.csv"
$py - "$tmp/plain.json" "$tmp/logged.csv" <<'PY' || fail "--json differs from the logged core trace"
import csv, json, sys
t = json.load(open(sys.argv[1]))
for key in ("sample", "label", "answer", "confidence", "correct", "conflict_score", "experts"):
    assert key in t, key
got = [(e["expert"], s["t"], s["critique"], s["halt_p"], s["pred"]) for e in t["experts"] for s in e["steps"]]
want = [(int(r[0]), int(r[1]), float(r[2]), float(r[3]), int(r[4])) for r in csv.reader(open(sys.argv[2]))]
assert len(got) == len(want) and got, (got, want)
for g, w in zip(got, want):
    assert g[0] == w[0] and g[1] == w[1] and g[4] == w[4], (g, w)
    assert abs(g[2] - w[2]) < 1e-5 and abs(g[3] - w[3]) < 1e-5, (g, w)
PY

# Interventions that change nothing give the same object (fixed halting, depth 3).
same() { # $1 $2: traces equal apart from the "intervention" key
    $py - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
b.pop("intervention", None)
def close(x, y):
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(close(x[k], y[k]) for k in x)
    if isinstance(x, list):
        return len(x) == len(y) and all(close(u, v) for u, v in zip(x, y))
    if isinstance(x, float):
        return abs(x - y) < 1e-5
    return x == y
sys.exit(0 if close(a, b) else 1)
PY
}
trace --sample 5 --json > "$tmp/p5.json"
trace --sample 5 --force-halt 3 --json > "$tmp/h3.json"
same "$tmp/p5.json" "$tmp/h3.json" || fail "force-halt at max depth changed a fixed-depth trace"
read -r unselected selected gates < <($py -c '
import json, sys
t = json.load(open(sys.argv[1]))
sel = [e["expert"] for e in t["experts"]]
un = [j for j in range(3) if j not in sel][0]
print(un, ",".join(map(str, sel)), ",".join(repr(e["gate"]) for e in t["experts"]))' "$tmp/p5.json")
trace --sample 5 --veto "$unselected" --json > "$tmp/v.json"
same "$tmp/p5.json" "$tmp/v.json" || fail "veto of unselected expert $unselected changed the trace"
trace --sample 5 --route "$selected" --gates "$gates" --json > "$tmp/r.json"
same "$tmp/p5.json" "$tmp/r.json" || fail "routing to the selected set changed the trace"
trace --sample 5 --force-halt 1 --json > "$tmp/h1.json"
$py -c 'import json,sys; t=json.load(open(sys.argv[1])); assert all(e["halt_step"]==1 and len(e["steps"])==1 for e in t["experts"]); assert t["expert_steps"]==len(t["experts"])' "$tmp/h1.json" \
    || fail "force-halt 1"
trace --sample 5 --extra-steps 2 --no-critique-feedback --json | $py -c 'import json,sys; t=json.load(sys.stdin); assert all(e["halt_step"]==5 for e in t["experts"])' \
    || fail "extra steps"

# Text mode: original beside the counterfactual, a one-line summary, the one-expert note.
out=$(trace --sample 5 --veto "${selected%%,*}")
grep -q "original:" <<<"$out" || fail "text: no original"
grep -q "^counterfactual (veto " <<<"$out" || fail "text: no counterfactual"
grep -q "^changed: answer .* expert-steps 6 -> 3" <<<"$out" || fail "text: summary: $out"
grep -q "one selected expert: no conflict possible (needs >= 2; raise model.router.top_k)" <<<"$out" \
    || fail "text: one-expert note"
set +e; err=$(trace --sample 5 --veto 9 2>&1 >/dev/null); rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "no expert 9" <<<"$err" || fail "bad veto: $rc $err"

# mor eval --counterfactual: halt at the max depth = the fixed-depth (= plain) accuracy.
"$mor" eval --log "$tmp/log.sqlite" --run 1 --counterfactual --json > "$tmp/table.json"
"$mor" eval --log "$tmp/log.sqlite" --run 1 --json | tail -1 > "$tmp/eval.json"
$py - "$tmp/table.json" "$tmp/eval.json" <<'PY' || fail "counterfactual table"
import json, sys
t, e = (json.load(open(p)) for p in sys.argv[1:3])
rows = {(r["kind"], r["value"]): r for r in t["rows"]}
assert t["max_depth"] == 3
assert abs(rows[("halt", 3)]["accuracy"] - e["test_accuracy"]) < 1e-12, (rows[("halt", 3)], e)
assert abs(rows[("model", -1)]["accuracy"] - e["test_accuracy"]) < 1e-12
assert rows[("halt", 1)]["expert_steps"] == 2.0
assert {k for k, _ in rows} == {"model", "halt", "veto", "route"}
best = max(r["accuracy"] for r in t["rows"] if r["kind"] == "route")
assert rows[("route", t["best_expert"])]["accuracy"] == best
PY
"$mor" eval --log "$tmp/log.sqlite" --run 1 --counterfactual | grep "halt at t=3 (fixed depth)" >/dev/null \
    || fail "text table"
echo "counterfactual_cli: all checks passed"
