#!/usr/bin/env bash
# Every serving/export feature for both model families, through the mor binary: a recursion
# run is served (POST /v1/generate answers tokens with their recursion depth, /v1/health,
# /v1/metrics), `mor export --weights` in float32 and int8 for both families (Python's
# torch.jit.load opens them; int8 dequantises to within half a step of float32), `mor serve
# --weights` serves an int8 export, and `mor export --csv` writes one traces schema per family.
set -euo pipefail
mor="$1"
. "$(dirname "$0")/serve_lib.sh"

cat > "$tmp/flat.json" <<'JSON'
{"name":"tiny-flat","data":{"kind":"parity","length":6,"samples":300,"probe_size":4},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":2},{"width":16,"max_depth":2}]},
 "train":{"epochs":2,"batch_size":32,"threads":1}}
JSON
cat > "$tmp/seq.json" <<'JSON'
{"name":"tiny-seq","data":{"kind":"addition","digits":2,"samples":200,"probe_size":2},
 "model":{"family":"recursion","recursion":{"recursions":3,"d_model":16,"heads":2,"ffn":32}},
 "train":{"epochs":1,"batch_size":32,"warmup_steps":2,"threads":1,"eval_every":5}}
JSON
"$mor" train --config "$tmp/flat.json" --log "$tmp/log.sqlite" --quiet >/dev/null
"$mor" train --config "$tmp/seq.json" --log "$tmp/log.sqlite" --quiet >/dev/null

# --- serving a recursion run ---------------------------------------------------------------
start_server --run 2
grep -q "recursion, addition" "$tmp/out" || fail "start line: $(cat "$tmp/out")"
url="http://127.0.0.1:$port"
answer=$(curl -sf -d '{"prompt": "12+34=", "max_tokens": 4}' "$url/v1/generate") \
    || fail "generate"
"$py" - "$answer" <<'PY' || fail "generate body: $answer"
import json, sys
r = json.loads(sys.argv[1])
assert len(r["tokens"]) == 4 and len(r["prompt_tokens"]) == 6, r
assert all(1 <= t["depth"] <= r["max_recursions"] == 3 for t in r["tokens"]), r
assert r["text"] == "".join(t["text"] for t in r["tokens"]), r
PY
health=$(curl -sf "$url/v1/health") || fail "health"
grep -q '"family":"recursion"' <<<"$health" || fail "health family: $health"
metrics=$(curl -sf "$url/v1/metrics") || fail "metrics"
grep -q '^mor_generated_tokens_total 4$' <<<"$metrics" || fail "metrics count"
code=$(curl -s -o "$tmp/err" -w '%{http_code}' -d '{"inputs": [[1]]}' "$url/v1/predict")
[ "$code" = 404 ] && grep -q "use POST /v1/generate" "$tmp/err" || fail "predict on recursion: $code"
stop_server

# --- weights, both families, float32 and int8 ----------------------------------------------
for run in 1 2; do
    for dtype in float32 int8; do
        compare=(); [ "$dtype" = int8 ] && compare=(--compare)
        "$mor" export --log "$tmp/log.sqlite" --run "$run" --weights "$tmp/w$run-$dtype.pt" \
            --dtype "$dtype" "${compare[@]}" >"$tmp/exp" || fail "export run $run $dtype: $(cat "$tmp/exp")"
        [ "$dtype" = float32 ] || grep -q "agreement" "$tmp/exp" || fail "no comparison: $(cat "$tmp/exp")"
        echo "run $run $dtype: $(tr '\n' ' ' <"$tmp/exp")"
    done
done
if "$py" -c "import torch" 2>/dev/null; then
    "$py" - "$tmp" <<'PY' || fail "python could not load the exports"
import sys, torch
d = sys.argv[1]
for run in (1, 2):
    f = torch.jit.load(f"{d}/w{run}-float32.pt", map_location="cpu")
    q = torch.jit.load(f"{d}/w{run}-int8.pt", map_location="cpu")
    floats = dict(f.named_parameters())
    stored = dict(q.named_buffers())
    stored.update(dict(q.named_parameters()))
    n = 0
    for name, t in stored.items():
        if t.dtype == torch.int8:
            scale = stored[name + "_scale"]
            w = t.float() * scale[:, None]
            assert (w - floats[name]).abs().le(scale[:, None] * 0.5 + 1e-7).all(), name
            n += 1
        elif not name.endswith("_scale"):
            assert torch.equal(t, floats.get(name, dict(f.named_buffers()).get(name))), name
    assert n > 0, f"run {run}: no int8 matrix"
    # Output heads and routers stay float32 (an argmax over the head's rows, routing decisions).
    kept = [k for k in stored if k.endswith("head.weight") or "router" in k]
    assert kept and all(stored[k].dtype == torch.float32 for k in kept), (run, kept)
    print(f"python: run {run}: {len(floats)} float tensors, {n} int8 matrices dequantised")
PY
else
    echo "SKIP: /usr/bin/python3 has no torch; the exports were loaded by mor only"
fi
start_server --run 1 --weights "$tmp/w1-int8.pt"
served=$(curl -sf -d '{"input": [1,0,1,1,0,0]}' "http://127.0.0.1:$port/v1/predict") \
    || fail "predict from the int8 export"
grep -q '"checkpoint_step":-1' <<<"$served" || fail "serving the int8 export: $served"
stop_server

# --- CSV: one schema per family ------------------------------------------------------------
"$mor" export --log "$tmp/log.sqlite" --run 1 --csv "$tmp/csv" >/dev/null
"$mor" export --log "$tmp/log.sqlite" --run 2 --csv "$tmp/csv" >/dev/null
[ "$(head -1 "$tmp/csv/run-1-traces.csv" | tr ',' '\n' | wc -l)" = 22 ] || fail "reflection traces"
head -1 "$tmp/csv/run-2-traces.csv" | grep -q '^step,sample_id,position,token,' || fail "token traces"
[ "$(wc -l <"$tmp/csv/run-2-traces.csv")" -gt 1 ] || fail "no token rows"
[ ! -e "$tmp/csv/run-2-conflicts.csv" ] || fail "conflicts file for a recursion run"
# --- a CSV run with its own dialect and test file is served like `mor eval`/trace see it -------
# ';' separators, decimal commas and data.test_path: the serving scaler must be the one
# training used (Dataset::featureMean/featureScale), not a reread with the default dialect.
"$py" - "$tmp" <<'PY'
import random, sys
d = sys.argv[1]
rng = random.Random(7)
def rows(n):
    out = ["a;b;c;label"]
    for _ in range(n):
        a, b, c = rng.uniform(990, 1010), rng.uniform(-3, 3), rng.uniform(0, 1)
        label = "hi" if (a - 1000) + 2 * b > 0 else "lo"
        out.append(";".join(f"{v:.3f}".replace(".", ",") for v in (a, b, c)) + ";" + label)
    return "\n".join(out) + "\n"
open(f"{d}/dialect-train.csv", "w").write(rows(160))
open(f"{d}/dialect-test.csv", "w").write(rows(40))
PY
cat > "$tmp/dialect.json" <<JSON
{"name":"tiny-dialect","data":{"kind":"csv","path":"$tmp/dialect-train.csv",
  "test_path":"$tmp/dialect-test.csv","delimiter":";","decimal":",","label_column":"label",
  "probe_size":4},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":2},{"width":16,"max_depth":2}]},
 "train":{"epochs":3,"batch_size":16,"threads":1}}
JSON
"$mor" train --config "$tmp/dialect.json" --log "$tmp/log.sqlite" --quiet >/dev/null \
    || fail "training on the ';'/decimal-comma CSV"
"$mor" eval --log "$tmp/log.sqlite" --run 3 --json >"$tmp/eval3.json" || fail "eval run 3"
# The first test sample comes after the 160 training-file rows.
"$mor" trace --log "$tmp/log.sqlite" --run 3 --sample 160 --json >"$tmp/trace160.json" \
    || fail "trace sample 160"
"$mor" trace --log "$tmp/log.sqlite" --run 3 --sample 161 --json >"$tmp/trace161.json" \
    || fail "trace sample 161"
start_server --run 3
"$py" - "$tmp" "$port" <<'PY' || fail "served answers differ from eval/trace"
import json, sys, urllib.request
d, port = sys.argv[1], sys.argv[2]
lines = open(f"{d}/dialect-test.csv").read().split("\n")[1:-1]
rows = [[float(v.replace(",", ".")) for v in l.split(";")[:3]] for l in lines]
labels = [l.split(";")[3] for l in lines]
req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/predict",
                             data=json.dumps({"inputs": rows}).encode(),
                             headers={"Content-Type": "application/json"})
preds = json.loads(urllib.request.urlopen(req).read())["predictions"]
assert len(preds) == 40, len(preds)
ev = json.load(open(f"{d}/eval3.json"))
served = sum(p["class"] == y for p, y in zip(preds, labels)) / 40
assert abs(served - ev["test_accuracy"]) < 1e-9, (served, ev["test_accuracy"])
for k in (0, 1):
    t = json.load(open(f"{d}/trace16{k}.json"))
    assert preds[k]["answer"] == t["answer"], (k, preds[k], t["answer"])
    assert abs(preds[k]["confidence"] - t["confidence"]) < 1e-5, (k, preds[k]["confidence"], t)
print(f"dialect run: served test accuracy {served:.3f} = mor eval; traces 160/161 agree")
PY
stop_server

# --- mor serve --follow-promoted: a retrained, promoted run is switched in under load --------
"$py" - "$tmp" <<'PY'
import random, sys
r = random.Random(7)
def rows(path, n):
    with open(f"{sys.argv[1]}/{path}", "w") as f:
        f.write("a,b,label\n")
        for _ in range(n):
            a, b = r.uniform(-3, 3), r.uniform(-3, 3)
            f.write(f"{a:.3f},{b:.3f},{int(a + b > 0)}\n")
rows("fp-old.csv", 40); rows("fp-test.csv", 300); rows("fp-more.csv", 600)
PY
sed -e "s|\"path\":\"[^\"]*\"|\"path\":\"$tmp/fp-old.csv\"|" \
    -e "s|\"test_path\":\"[^\"]*\"|\"test_path\":\"$tmp/fp-test.csv\"|" \
    -e 's/"delimiter":";","decimal":",",//' -e 's/"epochs":3/"epochs":1/' \
    "$tmp/dialect.json" >"$tmp/fp.json"
"$mor" train --config "$tmp/fp.json" --log "$tmp/log.sqlite" --quiet >/dev/null || fail "fp parent"
start_server --run 4 --follow-promoted --checkpoint best
grep -q "run 4 (fp-old.csv" "$tmp/out" || fail "follow start: $(cat "$tmp/out")"
# A client sends requests back to back until told to stop, counting answers per run and failures.
"$py" - "$port" "$tmp/fp-stop" >"$tmp/fp-load.json" <<'PY' &
import json, os, sys, time, urllib.request
port, stop = sys.argv[1], sys.argv[2]
body = json.dumps({"inputs": [[1.0, 0.5], [-2.0, 0.25]]}).encode()
runs, failed = {}, []
while not os.path.exists(stop):
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/predict", data=body,
                                     headers={"Content-Type": "application/json"})
        r = json.loads(urllib.request.urlopen(req, timeout=10).read())
        assert len(r["predictions"]) == 2, r
        runs[r["run"]] = runs.get(r["run"], 0) + 1
    except Exception as e:  # any refused, failed or malformed answer
        failed.append(repr(e))
    time.sleep(0.005)
print(json.dumps({"runs": runs, "failed": failed}))
PY
client=$!
"$mor" retrain --log "$tmp/log.sqlite" --run 4 --data "$tmp/fp-more.csv" --epochs 3 \
    --threads 1 --json >"$tmp/fp-retrain.json" || fail "retrain under serving"
grep -q '"run_id":5' "$tmp/fp-retrain.json" && grep -q '"promoted":true' "$tmp/fp-retrain.json" \
    || fail "run 5 not promoted: $(cat "$tmp/fp-retrain.json")"
for _ in $(seq 1 100); do
    grep -q "now serving promoted run 5" "$tmp/out" && break; sleep 0.1
done
sleep 0.5
touch "$tmp/fp-stop"; wait "$client" || fail "load client"
health=$(curl -sf "http://127.0.0.1:$port/v1/health") || fail "health after the switch"
stop_server
"$py" - "$tmp/fp-load.json" "$health" <<'PY' || fail "follow-promoted switch"
import json, sys
load, health = json.load(open(sys.argv[1])), json.loads(sys.argv[2])
assert load["failed"] == [], load["failed"][:3]
assert load["runs"].get("4", 0) > 0 and load["runs"].get("5", 0) > 0, load["runs"]
assert health["run"] == 5 and health["model"]["run"] == 5, health
print(f"follow-promoted: answers per run {load['runs']}, 0 failed; health now run 5")
PY
echo "serve_export_cli: ok"
