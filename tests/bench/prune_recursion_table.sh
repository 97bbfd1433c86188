#!/usr/bin/env bash
# Issue #22, recursion runs: trains one Mixture-of-Recursions config (one seed, one thread),
# then prunes the run's best checkpoint with `mor prune` (depth caps, magnitude and structured
# pruning of the recursion blocks, with and without fine-tuning) and prints one Markdown row per
# child run: test token accuracy and loss before / after, mean recursion depth, nonzero
# parameters and FLOPs per token (dense and nonzero).
# Usage: [KEEP_LOG=1] tests/bench/prune_recursion_table.sh MOR CONFIG.json LOG.sqlite
#            [FINETUNE_STEPS] [EPOCHS]
set -euo pipefail
mor="$1"; config="$2"; log="$3"; ft="${4:-100}"; epochs="${5:-}"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
json=$(mktemp); cfg=$(mktemp --suffix=.json); trap 'rm -f "$json" "$cfg"' EXIT
# The config as given, or with train.epochs replaced (a shorter run of a demo).
/usr/bin/python3 - "$config" "$cfg" "$epochs" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
if sys.argv[3]:
    c["train"]["epochs"] = int(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"))
PY
# KEEP_LOG=1: prune run 1 of an existing log (trained before) instead of training afresh.
if [ "${KEEP_LOG:-0}" != 1 ]; then
    rm -rf "$log" "$log".checkpoints "$log"-wal "$log"-shm
    nice -n 10 "$mor" train --config "$cfg" --log "$log" --threads 1 --quiet >/dev/null
fi
echo "| method | amount | fine-tune steps | token acc. parent | pruned | final | Δ points |" \
     "test loss parent / final | mean depth parent / final | nonzero params final / parent |" \
     "FLOPs/token final (nonzero) / parent | note |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
row() {
    nice -n 10 "$mor" prune --log "$log" --run 1 --threads 1 --json "$@" >"$json"
    /usr/bin/python3 - "$json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
b, p, a = j["before"], j["pruned"], j["after"]
d = 100 * (a["test_accuracy"] - b["test_accuracy"])
print(f"| {j['method']} | {j['amount']:g} | {j['finetune_steps']} | {100*b['test_accuracy']:.2f} | "
      f"{100*p['test_accuracy']:.2f} | {100*a['test_accuracy']:.2f} | {d:+.2f} | "
      f"{b['test_loss']:.4f} / {a['test_loss']:.4f} | {b['mean_depth']:.3f} / {a['mean_depth']:.3f} | "
      f"{a['nonzero_parameters']} / {b['nonzero_parameters']} | "
      f"{a['flops_per_input']:.0f} ({a['sparse_flops_per_input']:.0f}) / {b['flops_per_input']:.0f} | "
      f"{j['note']} |")
PY
}
row --method depth --amount 2
row --method depth --amount 1
for a in 0.5 0.8 0.9; do
    row --method magnitude --amount "$a"
done
row --method magnitude --amount 0.5 --finetune-steps "$ft"
row --method magnitude --amount 0.9 --finetune-steps "$ft"
row --method structured --amount 0.5
row --method structured --amount 0.5 --finetune-steps "$ft"
