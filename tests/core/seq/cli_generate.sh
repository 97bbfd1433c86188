#!/bin/bash
# `mor generate` as a user runs it: train a tiny addition model, then sample with and without
# the recursion-wise KV cache (plain [token|depth] output when piped, JSON) and check errors.
set -euo pipefail
mor=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=PASSIVE
cat > "$work/add.json" <<'JSON'
{"name": "cli addition",
 "data": {"kind": "addition", "digits": 3, "samples": 400, "probe_size": 2},
 "model": {"family": "recursion",
           "recursion": {"recursions": 3, "d_model": 32, "heads": 4, "ffn": 64}},
 "train": {"epochs": 1, "batch_size": 32, "threads": 1}}
JSON
"$mor" train --config "$work/add.json" --log "$work/a.morlog" --quiet --json > "$work/train.out"
grep -q '"status":"finished"' "$work/train.out"

out=$("$mor" generate --log "$work/a.morlog" --run 1 --prompt "123+456=" --tokens 4 \
      --temperature 0 2> "$work/err")
echo "$out"
# 8 prompt tokens + 4 sampled, each as [token|depth] with depth 1..3
[ "$(echo "$out" | grep -o '\[[0-9+=]|[1-3]\]' | wc -l)" -eq 12 ]
grep -q 'tokens/s (recursion-wise KV cache)' "$work/err"

nocache=$("$mor" generate --log "$work/a.morlog" --run 1 --prompt "123+456=" --tokens 4 \
          --temperature 0 --no-cache 2> "$work/err2")
[ "$out" = "$nocache" ]
grep -q 'tokens/s (no cache)' "$work/err2"

"$mor" generate --log "$work/a.morlog" --run 1 --prompt "1+2=" --tokens 3 --json > "$work/g.json"
grep -q '"generated":3' "$work/g.json"
grep -q '"max_recursions":3' "$work/g.json"
grep -q '"tokens_per_second":' "$work/g.json"

# mor trace on a recursion run: each token's recursions and the prediction after each, for typed
# text (traced now) and a logged probe sequence; the text table and the JSON say the same.
"$mor" trace --log "$work/a.morlog" --run 1 --text "123+456=579" > "$work/t.txt"
cat "$work/t.txt"
"$mor" trace --log "$work/a.morlog" --run 1 --text "123+456=579" --json > "$work/t.json"
"$mor" trace --log "$work/a.morlog" --run 1 --sample 1 --json > "$work/s.json"
"$mor" trace --log "$work/a.morlog" --run 1 --sample 1 > "$work/s.txt"
python3 - "$work/t.json" "$work/t.txt" "$work/s.json" "$work/s.txt" <<'PY'
import json, re, sys
for js, txt, text in ((sys.argv[1], sys.argv[2], "123+456=579"), (sys.argv[3], sys.argv[4], None)):
    j = json.load(open(js))
    toks = j["tokens"]
    assert j["max_recursions"] == 3, j["max_recursions"]
    assert j["routing"] == "expert_choice", j["routing"]
    if text is not None:
        assert "".join(t["text"] for t in toks) == text
        # addition: the answer's digits have targets (the next character), the question none
        targets = [(i, t["target_text"]) for i, t in enumerate(toks) if t["target"] >= 0]
        assert targets == [(i, text[i + 1]) for i in range(7, 10)], targets
    else:
        assert j["sample_id"] == 1 and j["step"] > 0, (j["sample_id"], j["step"])
    fixed = broken = deeper = scored = 0
    for t in toks:
        assert 1 <= t["depth"] <= 3
        assert len(t["recursion_preds"]) == t["depth"]
        assert len(t["recursion_target_probs"]) == (t["depth"] if t["target"] >= 0 else 0)
        assert len(t["router_scores"]) == 3
        assert t["pred"] == t["recursion_preds"][-1]
        if t["target"] < 0:
            continue
        scored += 1
        if t["depth"] > 1:
            deeper += 1
            first = t["recursion_preds"][0] == t["target"]
            last = t["recursion_preds"][-1] == t["target"]
            fixed += (not first) and last
            broken += first and not last
    assert j["effect"] == {"scored": scored, "deeper": deeper, "fixed": fixed,
                           "broken": broken}, j["effect"]
    # The counts, in the JSON and in the table's header line, from the tokens themselves.
    depth = sum(t["depth"] for t in toks) / len(toks)
    right = sum(1 for t in toks if t["target"] >= 0 and t["pred"] == t["target"])
    c = j["counts"]
    assert c["tokens"] == len(toks) and c["targets"] == scored and c["right"] == right, c
    assert abs(c["mean_depth"] - depth) < 1e-9, (c, depth)
    head = "%d token(s), mean depth %.2f, %d of %d predicted right" % (len(toks), depth, right,
                                                                       scored)
    assert head in open(txt, encoding="utf-8").read(), head
    # The table: one row per token with its depth, a cell per recursion, "left" past the depth.
    rows = [l for l in open(txt, encoding="utf-8") if re.match(r"^ +\d+  ", l)]
    assert len(rows) == len(toks), (len(rows), len(toks))
    for row, t in zip(rows, toks):
        assert row.count(" | r") == 3, row
        assert row.count(" left") == 3 - t["depth"], row
        # Router scores where the router decided: expert choice up to depth + 1, else "-".
        cells = re.findall(r" \| r(\d) (\S+)", row)
        assert [int(r) for r, _ in cells] == [1, 2, 3], row
        for r, cell in cells:
            r = int(r)
            if j["routing"] == "expert_choice" and r > t["depth"] + 1:
                assert cell == "-" and t["router_values"][r - 1] is None, (row, r)
            else:
                assert cell == "%.3f" % t["router_scores"][r - 1], (row, r)
                assert cell == "%.3f" % t["router_values"][r - 1], (row, r)
        verdicts = re.findall(r" (right|wrong) ", row + " ")
        if t["target"] >= 0:
            expect = ["right" if p == t["target"] else "wrong" for p in t["recursion_preds"]]
            assert verdicts == expect, (row, expect)
print("trace json and table agree")
PY
# characters the model does not know are named on stderr, the rest is traced
"$mor" trace --log "$work/a.morlog" --run 1 --text "12x+3=" > "$work/x.txt" 2> "$work/x.err"
grep -q 'left out: “x”' "$work/x.err"
grep -q '; 5 token(s)' "$work/x.txt"
set +e
"$mor" trace --log "$work/a.morlog" --run 1 --sample 7 2> "$work/e3"; code3=$?
"$mor" trace --log "$work/a.morlog" --run 1 --text "1+2=" --veto 1 2> "$work/e4"; code4=$?
"$mor" trace --log "$work/a.morlog" --run 1 2> "$work/e5"; code5=$?
set -e
[ "$code3" -eq 2 ] && grep -q 'probe sequences are 0, 1' "$work/e3"
[ "$code4" -eq 2 ] && grep -q 'is a recursion run' "$work/e4"
[ "$code5" -eq 2 ] && grep -q -- '--sample N (a logged probe sequence) or --text' "$work/e5"

# Mixture-of-Depths (run 2): a cell per block; blocks 1 and 3 have no router (depth_every 2) and
# are written "-", a block the token skipped "skip"; the prediction after every block is traced.
cat > "$work/mod.json" <<'JSON'
{"name": "cli depths",
 "data": {"kind": "addition", "digits": 3, "samples": 400, "probe_size": 2},
 "model": {"family": "recursion",
           "recursion": {"routing": "mixture_of_depths", "recursions": 4, "depth_every": 2,
                         "depth_capacity": 0.5, "d_model": 32, "heads": 4, "ffn": 64}},
 "train": {"epochs": 1, "batch_size": 32, "threads": 1}}
JSON
"$mor" train --config "$work/mod.json" --log "$work/a.morlog" --quiet
"$mor" trace --log "$work/a.morlog" --run 2 --sample 1 > "$work/m.txt"
"$mor" trace --log "$work/a.morlog" --run 2 --sample 1 --json > "$work/m.json"
cat "$work/m.txt"
python3 - "$work/m.json" "$work/m.txt" <<'PY'
import json, re, sys
toks = json.load(open(sys.argv[1]))["tokens"]
text = open(sys.argv[2], encoding="utf-8").read()
assert "4 block(s)" in text and "mean blocks used" in text, text
rows = [l for l in text.splitlines() if re.match(r"^ +\d+  ", l)]
assert len(rows) == len(toks), (len(rows), len(toks))
skips = 0
for row, t in zip(rows, toks):
    cells = row.split(" | ")[1:]
    assert [c.split()[0] for c in cells] == ["b1", "b2", "b3", "b4"], row
    assert cells[0].split()[1] == "-" and cells[2].split()[1] == "-", row
    assert t["router_values"][0] is None and t["router_values"][2] is None, t
    assert cells[1].split()[1] == "%.3f" % t["router_values"][1], row
    for b in (1, 3):
        assert (" skip" in cells[b]) == (b in t["skipped_blocks"]), (row, t["skipped_blocks"])
        skips += " skip" in cells[b]
    assert all(b in (1, 3) for b in t["skipped_blocks"]), t
    assert t["depth"] == 4 - len(t["skipped_blocks"]), t
    assert len(t["recursion_preds"]) == 4, t
print("mixture-of-depths trace: %d skipped block(s) in %d tokens" % (skips, len(toks)))
PY

# Token choice (run 3): the traces store the router's shares P(depth >= r); the table shows its
# probability for each depth, P(depth = r) = P(>= r) - P(>= r + 1), at every recursion.
sed 's/"recursions": 3,/"routing": "token_choice", "recursions": 3,/' "$work/add.json" \
    > "$work/tc.json"
"$mor" train --config "$work/tc.json" --log "$work/a.morlog" --quiet
"$mor" trace --log "$work/a.morlog" --run 3 --sample 1 > "$work/c.txt"
"$mor" trace --log "$work/a.morlog" --run 3 --sample 1 --json > "$work/c.json"
cat "$work/c.txt"
python3 - "$work/c.json" "$work/c.txt" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
assert j["routing"] == "token_choice", j["routing"]
text = open(sys.argv[2], encoding="utf-8").read()
assert "the router's P(depth = r), chosen before r1" in text, text
rows = [l for l in text.splitlines() if re.match(r"^ +\d+  ", l)]
assert len(rows) == len(j["tokens"]), (len(rows), len(j["tokens"]))
for row, t in zip(rows, j["tokens"]):
    s = t["router_scores"] + [0.0]
    assert abs(s[0] - 1.0) < 1e-5, s  # every token enters recursion 1
    cells = re.findall(r" \| r(\d) (\S+)", row)
    assert [int(r) for r, _ in cells] == [1, 2, 3], row
    for r, cell in cells:
        r = int(r)
        assert abs(float(cell) - max(0.0, s[r - 1] - s[r])) < 6e-4, (row, r, s)
        assert cell == "%.3f" % t["router_values"][r - 1], (row, r)
print("token-choice trace: P(depth = r) in every cell")
PY

# errors: unknown run, missing log -> exit code 2 and a message naming the problem
set +e
"$mor" generate --log "$work/a.morlog" --run 99 2> "$work/e1"; code1=$?
"$mor" generate --log "$work/missing.morlog" --run 1 2> "$work/e2"; code2=$?
set -e
[ "$code1" -eq 2 ] && grep -q 'run 99' "$work/e1"
[ "$code2" -eq 2 ] && grep -q 'missing.morlog' "$work/e2"
echo "cli_generate: ok"
