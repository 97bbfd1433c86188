#!/usr/bin/env bash
# Issue #22 pruning table: trains one config (one seed, one thread), then prunes the run's best
# checkpoint with `mor prune` at each method / amount, with and without fine-tuning, and prints
# one Markdown row per child run: test accuracy before, right after pruning and at the end
# (after fine-tuning, when asked), nonzero parameters, dense and nonzero FLOPs, expert-steps.
# Usage: tests/bench/prune_table.sh MOR CONFIG.json LOG.sqlite [FINETUNE_STEPS] [DEAD_AMOUNTS]
set -euo pipefail
mor="$1"; config="$2"; log="$3"; ft="${4:-132}"; dead="${5:-0.01 0.25}"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
rm -rf "$log" "$log".checkpoints "$log"-wal "$log"-shm
nice -n 10 "$mor" train --config "$config" --log "$log" --threads 1 --quiet >/dev/null
echo "| method | amount | fine-tune steps | test acc. parent | pruned | final | Δ points |" \
     "nonzero params final / parent | FLOPs/input final (nonzero) / parent |" \
     "expert-steps final / parent | note |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
json=$(mktemp); trap 'rm -f "$json"' EXIT
row() {
    nice -n 10 "$mor" prune --log "$log" --run 1 --threads 1 --json "$@" >"$json"
    /usr/bin/python3 - "$json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
b, p, a = j["before"], j["pruned"], j["after"]
d = 100 * (a["test_accuracy"] - b["test_accuracy"])
print(f"| {j['method']} | {j['amount']:g} | {j['finetune_steps']} | {100*b['test_accuracy']:.2f} | "
      f"{100*p['test_accuracy']:.2f} | {100*a['test_accuracy']:.2f} | {d:+.2f} | "
      f"{a['nonzero_parameters']} / {b['nonzero_parameters']} | "
      f"{a['flops_per_input']:.0f} ({a['sparse_flops_per_input']:.0f}) / {b['flops_per_input']:.0f} | "
      f"{a['expert_steps_per_input']:.2f} / {b['expert_steps_per_input']:.2f} | {j['note']} |")
if j["activation"]:
    print("| | | | | | | | | | | validation routing share per expert: "
          + ", ".join(f"{100 * s:.1f}%" for s in j["activation"]) + " |")
PY
}
row --method magnitude --amount 0 --finetune-steps "$ft" # control: fine-tuning alone
for amount in 0 0.5 0.8 0.9; do
    row --method magnitude --amount "$amount"
    [ "$amount" = 0 ] || row --method magnitude --amount "$amount" --finetune-steps "$ft"
done
for amount in 0.5 0.8; do
    row --method structured --amount "$amount"
    row --method structured --amount "$amount" --finetune-steps "$ft"
done
for amount in $dead; do
    row --method dead-experts --amount "$amount"
done
for amount in 2 1; do
    row --method depth --amount "$amount"
done
