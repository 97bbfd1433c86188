#!/usr/bin/env bash
# Re-measures the "what it must show" figures of the engine issue (#3) with the mor CLI:
#   parity   - reflection vs one-step dense baselines (tests/bench/parity_compare.sh):
#              variable-length 24-bit parity with a reading expert (parity-24v-*, ~10 min per
#              reflecting run on one thread) and the data-scarce 12-bit settings (parity-12-*)
#   adaptive - critique-gated vs fixed depth, expert-steps of easy vs hard inputs
#   routing  - routing specialisation on the mixed-domain task, with the supervised selector
#              loss (the demo) and without it (tests/bench/configs/routing-unsupervised*.json,
#              routing-probe*.json: training-only router probes, tests/bench/results/issue3_routing.md)
# Usage: tests/bench/issue3_checks.sh [mor] [sections...]   (default: all three sections)
# Results of the last run are written up in tests/bench/results/issue3.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
mor="${1:-build/dev/app/cli/mor}"
shift || true
sections="${*:-parity adaptive routing}"
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
demos=resources/demos
field() { grep -o "\"$1\":[0-9.]*" <<<"$2" | cut -d: -f2; }

if [[ " $sections " == *" parity "* ]]; then
    echo "== parity: variable-length 24-bit, reading expert vs one-step baselines"
    tests/bench/parity_compare.sh "$mor" tests/bench/configs/parity-24v-*.json
    echo "== parity: 12-bit, 20% / 30% of the strings for training"
    tests/bench/parity_compare.sh "$mor" tests/bench/configs/parity-12-*.json
fi

if [[ " $sections " == *" adaptive "* ]]; then
    python3 - "$demos/adaptive-depth.json" "$tmp/fixed.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["name"] += "-fixed"
for e in c["model"]["experts"]: e["halting"] = "fixed"
json.dump(c, open(sys.argv[2], "w"))
PY
    a=$(nice "$mor" train --config "$demos/adaptive-depth.json" --log "$tmp/a.sqlite" --json | tail -1)
    f=$(nice "$mor" train --config "$tmp/fixed.json" --log "$tmp/f.sqlite" --json | tail -1)
    echo "== adaptive depth"
    echo "critique-gated accuracy $(field test_accuracy "$a"), expert-steps/input $(field expert_steps_per_input "$a")"
    echo "fixed depth    accuracy $(field test_accuracy "$f"), expert-steps/input $(field expert_steps_per_input "$f")"
    echo "expert-steps per probe input by domain (critique-gated; domain names in the data set order):"
    sqlite3 "$tmp/a.sqlite" "SELECT s.domain, avg(t.expert_steps), count(*) FROM trace_summary t
      JOIN samples s ON s.run_id = t.run_id AND s.sample_id = t.sample_id
      WHERE t.step = (SELECT max(step) FROM trace_summary) GROUP BY s.domain"
fi

if [[ " $sections " == *" routing "* ]]; then
    for config in "$demos/mixed-routing.json" tests/bench/configs/routing-unsupervised*.json \
                  tests/bench/configs/routing-probe*.json; do
        name=$(basename "$config" .json)
        out=$(nice "$mor" train --config "$config" --log "$tmp/$name.sqlite" --json | tail -1)
        echo "== routing: $name (test accuracy $(field test_accuracy "$out"))"
        /usr/bin/python3 tests/bench/routing_specialisation.py "$tmp/$name.sqlite" 1 || true
    done
fi
