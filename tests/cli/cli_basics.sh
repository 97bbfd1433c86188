#!/usr/bin/env bash
# mor's user-facing contract: --version, --help, errors to stderr with non-zero exit codes,
# train --json's last line, runs/show/trace/export on the run it made.
set -euo pipefail
mor="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$mor" --version | grep -Eq '^mor [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
help=$("$mor" --help)
for sub in train resume eval validate runs show trace export prune retrain; do
    grep -q "$sub" <<<"$help" || fail "--help does not list $sub"
done

# A bad config: exit code 2, message names the field and the allowed range.
echo '{"data":{"kind":"parity"},"model":{"router":{"top_k":9}}}' > "$tmp/bad.json"
set +e
err=$("$mor" train --config "$tmp/bad.json" --log "$tmp/log.sqlite" 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "bad config exit code $rc"
grep -q "model.router.top_k = 9 but there are 4 experts" <<<"$err" || fail "bad config message: $err"
[ ! -e "$tmp/log.sqlite" ] || fail "a refused config created a log"

# A foreign file is refused and left untouched.
echo "not a database" > "$tmp/foreign.sqlite"
before=$(sha256sum "$tmp/foreign.sqlite")
set +e; "$mor" runs --log "$tmp/foreign.sqlite" 2>/dev/null; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "foreign file accepted"
[ "$before" = "$(sha256sum "$tmp/foreign.sqlite")" ] || fail "foreign file modified"

# A real (tiny) run.
cat > "$tmp/tiny.json" <<'JSON'
{"name":"tiny","data":{"kind":"parity","length":6,"samples":400,"probe_size":6},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":2,"batch_size":32,"threads":1}}
JSON
last=$("$mor" train --config "$tmp/tiny.json" --log "$tmp/log.sqlite" --json 2>/dev/null | tail -1)
for key in run_id status test_accuracy mean_depth expert_steps_per_input conflict_rate seconds; do
    grep -q "\"$key\"" <<<"$last" || fail "--json lacks $key: $last"
done
grep -q '"status":"finished"' <<<"$last" || fail "run did not finish: $last"
"$mor" runs --log "$tmp/log.sqlite" | grep "tiny" >/dev/null || fail "runs"
"$mor" show --log "$tmp/log.sqlite" --run 1 | grep "test/accuracy" >/dev/null || fail "show"
"$mor" trace --log "$tmp/log.sqlite" --run 1 --sample "$(sqlite3 "$tmp/log.sqlite" "select sample_id from samples where split='probe' limit 1")" \
    | grep "final answer" >/dev/null || fail "trace of a probe input"
"$mor" trace --log "$tmp/log.sqlite" --run 1 --sample 0 | grep "final answer" >/dev/null || fail "trace by re-run"
"$mor" export --log "$tmp/log.sqlite" --run 1 --csv "$tmp/csv" >/dev/null
[ "$(wc -l < "$tmp/csv/run-1-metrics.csv")" -gt 10 ] || fail "metrics.csv"
head -1 "$tmp/csv/run-1-traces.csv" | grep "critique" >/dev/null || fail "traces.csv"
# Pruning writes a child run linked to its parent, which evaluates like any run.
"$mor" prune --log "$tmp/log.sqlite" --run 1 --method magnitude --amount 0.5 --json \
    >"$tmp/prune.json" || fail "prune magnitude"
"$mor" eval --log "$tmp/log.sqlite" --run 2 --json >"$tmp/eval2.json" || fail "eval pruned run"
shown=$("$mor" show --log "$tmp/log.sqlite" --run 2)
grep -q "pruned-from:1" <<<"$shown" || fail "no pruned-from tag: $shown"
"$mor" prune --log "$tmp/log.sqlite" --run 1 --method depth --amount 1 --json \
    >"$tmp/depth.json" || fail "prune depth"
/usr/bin/python3 - "$tmp" <<'PY' || fail "prune numbers"
import json, sys
d = sys.argv[1]
p, e = json.load(open(f"{d}/prune.json")), json.load(open(f"{d}/eval2.json"))
assert p["run_id"] == 2 and p["parent_id"] == 1, p
assert abs(p["after"]["test_accuracy"] - e["test_accuracy"]) < 1e-12, (p, e)
assert p["pruned_entries"] == p["candidates"] // 2, p
removed = p["before"]["nonzero_parameters"] - p["after"]["nonzero_parameters"]
assert removed == p["pruned_entries"], p
q = json.load(open(f"{d}/depth.json"))
assert q["after"]["expert_steps_per_input"] == 1.0, q  # top_k 1: one expert, one step
assert q["before"]["expert_steps_per_input"] >= 1.0, q
PY
set +e
err=$("$mor" prune --log "$tmp/log.sqlite" --run 1 --method magnitude --amount 2 2>&1 >/dev/null)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "fraction in \[0, 1\]" <<<"$err" || fail "prune --amount 2: $rc $err"
set +e; "$mor" show --log "$tmp/log.sqlite" --run 99 2>/dev/null; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "unknown run accepted"

# Audit trail: show --json names who/where/how and the config hash (SHA-256 of the compact,
# key-sorted config JSON); verify re-hashes the config and the data files (exit 0 / 1).
"$mor" show --log "$tmp/log.sqlite" --run 1 --json >"$tmp/show1.json"
"$mor" show --log "$tmp/log.sqlite" --run 2 --json >"$tmp/show2.json"
/usr/bin/python3 - "$tmp/show1.json" "$tmp/log.sqlite" "$tmp/show2.json" <<'PY' || fail "show --json audit"
import hashlib, json, sqlite3, sys
pruned = json.load(open(sys.argv[3]))["audit"]
assert pruned["parent"] == {"run": 1, "kind": "pruned"} and " prune " in pruned["command_line"], pruned
j = json.load(open(sys.argv[1]))
a = j["audit"]
config = sqlite3.connect(sys.argv[2]).execute("select config_json from runs where id=1").fetchone()[0]
canonical = json.dumps(json.loads(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
assert a["config_sha256"] == hashlib.sha256(canonical.encode()).hexdigest(), a
assert " train " in a["command_line"] and a["user"] and a["host"] and a["device"] == "cpu", a
assert a["torch_version"].count(".") == 2 and a["app_version"], a
assert j["data_sha256"] == {}, j["data_sha256"]  # generated parity data: no files
PY
"$mor" verify --log "$tmp/log.sqlite" --run 1 | grep "can be reproduced" >/dev/null || fail "verify run 1"
printf 'a,b,label\n' >"$tmp/audit.csv"
for i in $(seq 1 60); do echo "$((i % 7)),$((i % 5)),$((i % 2))" >>"$tmp/audit.csv"; done
sed -e 's/"kind":"parity","length":6,"samples":400/"kind":"csv","path":"audit.csv"/' \
    -e 's/"epochs":2/"epochs":1/' "$tmp/tiny.json" >"$tmp/audit.json"
morAbs=$(realpath "$mor") # data.path is relative to the working directory: the run's folder
(cd "$tmp" && "$morAbs" train --config audit.json --log log.sqlite --quiet --json | tail -1) \
    >"$tmp/audit_run.json" || fail "csv run"
arun=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' \
    "$tmp/audit_run.json")
data=$("$mor" show --log "$tmp/log.sqlite" --run "$arun" --json | /usr/bin/python3 -c \
    'import json,sys; print(json.dumps(json.load(sys.stdin)["data_sha256"]))')
want=$(sha256sum "$tmp/audit.csv" | cut -d' ' -f1)
[ "$data" = "{\"$(realpath "$tmp/audit.csv")\": \"$want\"}" ] || fail "data_sha256: $data"
"$mor" show --log "$tmp/log.sqlite" --run "$arun" | grep "sha256 $want" >/dev/null || fail "show audit"
"$mor" verify --log "$tmp/log.sqlite" --run "$arun" >/dev/null || fail "verify of an intact run"
echo "9,9,1" >>"$tmp/audit.csv"
set +e; "$mor" verify --log "$tmp/log.sqlite" --run "$arun" --json >"$tmp/verify.json"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "verify of a changed data file: exit $rc"
/usr/bin/python3 - "$tmp/verify.json" <<'PY' || fail "verify --json names the changed file"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["reproducible"] is False, v
bad = [c for c in v["checks"] if c["status"] != "ok"]
assert len(bad) == 1 and bad[0]["item"] == "data.path" and bad[0]["status"] == "mismatch", v
assert "audit.csv" in bad[0]["detail"] and bad[0]["expected"] != bad[0]["actual"], v
PY
rm "$tmp/audit.csv"
set +e; out=$("$mor" verify --log "$tmp/log.sqlite" --run "$arun"); rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q "missing .*no such file" <<<"$out" || fail "verify, file gone: $out"

# mor retrain: a child trained on new data is promoted only when it beats its parent on the
# same held-out inputs (test.csv, data.test_path) by the margin with the paired CI.
mkdir "$tmp/rt"
/usr/bin/python3 - "$tmp/rt" <<'PY'
import random, sys
r = random.Random(7)
def rows(path, n, flip=False):
    with open(f"{sys.argv[1]}/{path}", "w") as f:
        f.write("a,b,label\n")
        for _ in range(n):
            a, b = r.uniform(-3, 3), r.uniform(-3, 3)
            f.write(f"{a:.3f},{b:.3f},{int((a + b > 0) != flip)}\n")
rows("old.csv", 40); rows("test.csv", 300); rows("more.csv", 600); rows("flipped.csv", 600, True)
PY
sed -e 's/"kind":"parity","length":6,"samples":400/"kind":"csv","path":"old.csv","test_path":"test.csv"/' \
    -e 's/"epochs":2/"epochs":1/' "$tmp/tiny.json" >"$tmp/rt/parent.json"
rt() { (cd "$tmp/rt" && "$morAbs" retrain --log rt.sqlite --threads 1 "$@"); }
(cd "$tmp/rt" && "$morAbs" train --config parent.json --log rt.sqlite --quiet >/dev/null) \
    || fail "retrain parent"
out=$(rt --run 1 --data flipped.csv --epochs 3) || fail "retrain on flipped labels"
grep -q "not promoted: child - parent accuracy -" <<<"$out" || fail "flipped child: $out"
rt --run 1 --data more.csv --epochs 3 --json >"$tmp/rt/better.json" || fail "retrain better"
# --watch: round 1 at once (from the promoted run 3), round 2 when the file's mtime changes
# (from the then promoted run, with the same config, seed and data: the very same model)
rt --run 1 --data more.csv --from-scratch --epochs 6 --watch --rounds 2 --poll 0.1 --json \
    >"$tmp/rt/watch.json" &
watcher=$!
for _ in $(seq 1 300); do grep -q run_id "$tmp/rt/watch.json" && break; sleep 0.1; done
touch -d "@$(($(date +%s) + 5))" "$tmp/rt/more.csv"
wait "$watcher" || fail "retrain --watch"
rt --run 1 --data more.csv --epochs 1 --margin 0.9 --json >"$tmp/rt/margin.json" \
    || fail "retrain with margin"
"$mor" runs --log "$tmp/rt/rt.sqlite" --json >"$tmp/rt/runs.json"
"$mor" show --log "$tmp/rt/rt.sqlite" --run 3 --json >"$tmp/rt/show3.json"
/usr/bin/python3 - "$tmp/rt" <<'PY' || fail "retrain decisions"
import json, sys
d = sys.argv[1]
better, margin = (json.load(open(f"{d}/{n}.json")) for n in ("better", "margin"))
watch = [json.loads(line) for line in open(f"{d}/watch.json")]
runs = {r["id"]: r for r in json.load(open(f"{d}/runs.json"))}
tags = {i: set(r["tags"]) for i, r in runs.items()}
# run 2: flipped labels, clearly worse on the clean held-out file; never promoted
assert "not-promoted" in tags[2] and "promoted" not in tags[2], tags
assert runs[2]["test_accuracy"] < 0.2 and runs[1]["test_accuracy"] < 0.8, runs
# run 3: more rows, from the parent's weights: promoted with the CI above 0
assert better["run_id"] == 3 and better["start"] == "from-parent", better
assert better["parent_checkpoint"].endswith("run-1/best.pt"), better
assert better["compared"] == 300 and better["parent_accuracy"] == runs[1]["test_accuracy"], better
assert abs(better["child_accuracy"] - runs[3]["test_accuracy"]) < 1e-12, (better, runs[3])
assert better["child_accuracy"] > 0.85 and 0 < better["ci_low"] < better["difference"] < better["ci_high"], better
n = better["compared"]
assert abs(better["difference"] - (better["child_better"] - better["parent_better"]) / n) < 1e-12, better
assert better["promoted"] and better["demoted"] == [], better
# run 4 (watch round 1): from scratch, better than the promoted run 3: the tag moves to run 4
assert len(watch) == 2, watch
assert watch[0]["run_id"] == 4 and watch[0]["parent_id"] == 3 and watch[0]["start"] == "from-scratch", watch
assert watch[0]["promoted"] and watch[0]["demoted"] == [3] and watch[0]["ci_low"] > 0, watch
assert "promoted" in tags[4] and "promoted" not in tags[3] and "retrained-from:3" in tags[4], tags
# run 5 (watch round 2): from run 4 with the same config, seed and data: no difference at all
assert watch[1]["run_id"] == 5 and watch[1]["parent_id"] == 4 and not watch[1]["promoted"], watch
assert watch[1]["difference"] == 0 and watch[1]["child_better"] == watch[1]["parent_better"] == 0, watch
assert "not-promoted" in tags[5] and "retrained-from:4" in tags[5], tags
# run 6: better than run 1, but not by the margin 0.9: not promoted, run 4 keeps the tag
assert margin["run_id"] == 6 and not margin["promoted"] and margin["difference"] > 0, margin
assert "margin 0.9" in margin["reason"] and "not-promoted" in tags[6] and "promoted" in tags[4], tags
audit = json.load(open(f"{d}/show3.json"))["audit"]
assert audit["parent"] == {"run": 1, "kind": "retrained"} and " retrain " in audit["command_line"], audit
PY
echo "cli_basics: all checks passed"
