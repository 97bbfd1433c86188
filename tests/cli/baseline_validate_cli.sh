#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mor baseline: dense / MoE / reflection-only baselines matched to a model in parameters
# (widened and deepened) and in FLOPs per input; the achieved ratio lies within the stated
# tolerance and no neighbouring width / depth is closer. mor sweep --baseline adds the matched
# baseline as a configuration. mor validate: both spellings, data checks with clear messages.
set -euo pipefail
mor="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/err" ] && tail -20 "$tmp/err" >&2; exit 1; }
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
last() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print($1)"; }

cat > "$tmp/mor.json" <<'JSON'
{"name":"small-mor","data":{"kind":"parity","length":8,"samples":200},
 "model":{"encoder":{"hidden":16},"router":{"top_k":2},
          "experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3},
                     {"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":1,"batch_size":32,"threads":1}}
JSON

# ---- parameters: widened (tolerance 3 %), deepened (closest integer) -------------------------
"$mor" baseline --config "$tmp/mor.json" --baseline dense --match params --out "$tmp/dense.json" \
    --json >"$tmp/out" 2>"$tmp/err" || fail "baseline dense params"
ratio=$(last 'd["ratio"]' <"$tmp/out")
python3 -c "import sys; r=$ratio; sys.exit(0 if abs(r-1)<=0.03 else 1)" || fail "dense params ratio $ratio"
[ "$(last 'd["axis"]' <"$tmp/out")" = "model.experts[*].width" ] || fail "axis"
width=$(last 'd["value"]' <"$tmp/out")
[ "$width" -gt 16 ] || fail "a dense baseline of 4 experts' parameters must be wider than 16 (got $width)"
python3 - "$tmp/dense.json" "$width" <<'PY' || fail "dense config"
import json, sys
c = json.load(open(sys.argv[1]))
e = c["model"]["experts"]
assert len(e) == 1 and e[0]["max_depth"] == 1 and e[0]["halting"] == "fixed", e
assert e[0]["width"] == int(sys.argv[2]) and c["model"]["router"]["top_k"] == 1
PY
"$mor" validate --config "$tmp/dense.json" >"$tmp/out" 2>"$tmp/err" || fail "the baseline config is not valid"

check_closest() { # the JSON line on stdin: no neighbour is closer to 1
    python3 -c "
import json, math, sys
d = json.loads(sys.stdin.read().strip().splitlines()[-1])
r = d['ratio']
for n in (d['ratio_below'], d['ratio_above']):
    if n is not None and abs(math.log(n)) < abs(math.log(r)) - 1e-12:
        sys.exit('neighbour %s is closer than %s' % (n, r))
print(r)"
}
python3 -c "import json; c=json.load(open('$tmp/mor.json')); c['model']['experts']=c['model']['experts'][:2]; json.dump(c, open('$tmp/mor2.json','w'))"
"$mor" baseline "$tmp/mor2.json" --baseline dense --match params --deepen --json >"$tmp/out" 2>"$tmp/err" \
    || fail "baseline dense params --deepen"
[ "$(last 'd["axis"]' <"$tmp/out")" = "model.encoder.layers" ] || fail "deepen axis"
check_closest <"$tmp/out" >/dev/null || fail "dense --deepen is not the closest layer count: $(cat "$tmp/out")"
[ "$(last 'd["value"]' <"$tmp/out")" -gt 1 ] || fail "dense --deepen must add layers: $(cat "$tmp/out")"
# One-step MoE has exactly the model's parameters (depth is weight-tied): width stays 16.
"$mor" baseline "$tmp/mor.json" --baseline moe --match params --json >"$tmp/out" 2>"$tmp/err" \
    || fail "baseline moe params"
[ "$(last 'd["value"]' <"$tmp/out")" = 16 ] && [ "$(last 'd["ratio"]' <"$tmp/out")" = 1.0 ] \
    || fail "moe params: $(cat "$tmp/out")"

# ---- FLOPs per input: one-step dense vs the model at its maximum depth (tolerance 5 %) --------
"$mor" baseline --config "$tmp/mor.json" --baseline dense --match flops --json >"$tmp/out" 2>"$tmp/err" \
    || fail "baseline dense flops"
ratio=$(check_closest <"$tmp/out") || fail "dense flops not closest: $(cat "$tmp/out")"
python3 -c "import sys; r=$ratio; sys.exit(0 if abs(r-1)<=0.05 else 1)" || fail "dense flops ratio $ratio"
"$mor" baseline --config "$tmp/mor.json" --baseline reflection-only --match flops --json \
    >"$tmp/out" 2>"$tmp/err" || fail "baseline reflection-only flops"
ratio=$(last 'd["ratio"]' <"$tmp/out")
python3 -c "import sys; r=$ratio; sys.exit(0 if abs(r-1)<=0.05 else 1)" || fail "reflection-only flops ratio $ratio"

# ---- mor sweep --baseline: the matched baseline is one more configuration --------------------
"$mor" sweep --config "$tmp/mor.json" --log "$tmp/none.sqlite" --grid model.router.top_k=1,2 \
    --seeds 1,2 --baseline dense --match params --dry-run >"$tmp/out" 2>"$tmp/err" || fail "sweep --baseline"
grep -q "^6 runs; every configuration is valid" "$tmp/out" || fail "2 configurations + 1 baseline x 2 seeds: $(cat "$tmp/out")"
grep -q "small-mor dense baseline (params ratio" "$tmp/out" || fail "baseline not listed: $(cat "$tmp/out")"
[ ! -e "$tmp/none.sqlite" ] || fail "--dry-run wrote a log"

# ---- mor validate: one convention (--config FILE), the old spelling kept, data checked -------
printf 'a;b;y\n1,5;2;x\n3;4;z\n5;6;x\n7;8;z\n9;10;x\n11;12;z\n' >"$tmp/t.csv"
cat > "$tmp/csv.json" <<JSON
{"data":{"kind":"csv","path":"$tmp/t.csv","decimal":","}}
JSON
"$mor" validate --config "$tmp/csv.json" >"$tmp/out" 2>"$tmp/err" || fail "validate --config"
grep -q "6 samples of 2 features, 2 classes (x, z)" "$tmp/out" || fail "validate facts: $(cat "$tmp/out")"
grep -q "separator ';'" "$tmp/out" || fail "separator: $(cat "$tmp/out")"
"$mor" validate "$tmp/csv.json" >"$tmp/out2" 2>"$tmp/err" || fail "validate FILE (old spelling)"
cmp -s "$tmp/out" "$tmp/out2" || fail "the two spellings differ"
cat > "$tmp/bad.json" <<JSON
{"data":{"kind":"csv","path":"$tmp/t.csv"}}
JSON
set +e; "$mor" validate --config "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "validate accepted 1,5 without data.decimal"
grep -q "its data is not" "$tmp/err" || fail "validate data message: $(cat "$tmp/err")"
grep -q 'line 2, column 1 ("a"): "1,5" is not a number' "$tmp/err" || fail "line/column: $(cat "$tmp/err")"
cat > "$tmp/nolabel.json" <<JSON
{"data":{"kind":"csv","path":"$tmp/t.csv","decimal":",","label_column":"species"}}
JSON
set +e; "$mor" validate --config "$tmp/nolabel.json" --json >"$tmp/out" 2>"$tmp/err"; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "validate accepted an unknown label column"
[ "$(last 'd["valid"]' <"$tmp/out")" = "False" ] || fail "--json valid"
last 'd["errors"][0]["message"]' <"$tmp/out" | grep -q 'data.label_column = "species" is not a column' \
    || fail "label column message: $(cat "$tmp/out")"
cat > "$tmp/missing.json" <<JSON
{"data":{"kind":"csv","path":"$tmp/nothing.csv"}}
JSON
set +e; "$mor" validate --config "$tmp/missing.json" >"$tmp/out" 2>"$tmp/err"; rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q "cannot open $tmp/nothing.csv" "$tmp/err" || fail "unreadable file: $(cat "$tmp/err")"
"$mor" validate --config "$tmp/missing.json" --config-only >"$tmp/out" 2>"$tmp/err" || fail "--config-only"
echo "PASS"
