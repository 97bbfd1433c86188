#!/usr/bin/env bash
# Issue #3 "reflection helps where it should": trains each parity config with the mor CLI (one
# thread) and prints one Markdown table row per run: test accuracy, accuracy per reflection
# step, parameters, wall time. Usage: tests/bench/parity_compare.sh [mor] [config.json ...]
# Without configs it runs every tests/bench/configs/parity-*.json. The machine is shared, so
# set OMP_WAIT_POLICY=PASSIVE (done here) and run at most two of these at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
mor="${1:-build/dev/app/cli/mor}"
shift || true
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
    configs=(tests/bench/configs/parity-*.json)
fi
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "| config | test accuracy | accuracy per step | parameters | seconds |"
echo "|---|---|---|---|---|"
for config in "${configs[@]}"; do
    name=$(basename "$config" .json)
    out=$(nice "$mor" train --config "$config" --log "$tmp/$name.sqlite" --json | tail -1)
    python3 - "$name" "$out" <<'PY'
import json, sys
name, j = sys.argv[1], json.loads(sys.argv[2])
steps = " → ".join(f"{100 * a:.1f}" for a in (j.get("accuracy_per_step") or []))
acc = j.get("test_accuracy")
acc = f"{100 * acc:.1f}%" if acc is not None else j.get("error", "failed")
print(f"| {name} | {acc} | {steps} | {j.get('parameters')} | {j.get('seconds', 0):.0f} |")
PY
done
