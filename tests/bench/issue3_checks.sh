#!/usr/bin/env bash
# Re-measures the "what it must show" figures of the engine issue with the mor CLI:
# adaptive depth (critique-gated vs fixed depth, expert-steps of easy vs hard inputs) and
# routing specialisation on the mixed-domain task. Usage: tests/bench/issue3_checks.sh [mor]
set -euo pipefail
cd "$(dirname "$0")/../.."
mor="${1:-build/dev/app/cli/mor}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
demos=resources/demos
python3 - "$demos/adaptive-depth.json" "$tmp/fixed.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["name"] += "-fixed"
for e in c["model"]["experts"]: e["halting"] = "fixed"
json.dump(c, open(sys.argv[2], "w"))
PY
field() { grep -o "\"$1\":[0-9.]*" <<<"$2" | cut -d: -f2; }
a=$("$mor" train --config "$demos/adaptive-depth.json" --log "$tmp/a.sqlite" --json | tail -1)
f=$("$mor" train --config "$tmp/fixed.json" --log "$tmp/f.sqlite" --json | tail -1)
echo "adaptive depth: critique-gated accuracy $(field test_accuracy "$a"), expert-steps/input $(field expert_steps_per_input "$a")"
echo "                fixed depth   accuracy $(field test_accuracy "$f"), expert-steps/input $(field expert_steps_per_input "$f")"
echo "expert-steps per probe input by domain (critique-gated; domain names in the data set order):"
sqlite3 "$tmp/a.sqlite" "SELECT s.domain, avg(t.expert_steps), count(*) FROM trace_summary t
  JOIN samples s ON s.run_id = t.run_id AND s.sample_id = t.sample_id
  WHERE t.step = (SELECT max(step) FROM trace_summary) GROUP BY s.domain"
"$mor" train --config "$demos/mixed-routing.json" --log "$tmp/m.sqlite" --json >/dev/null
/usr/bin/python3 tests/bench/routing_specialisation.py "$tmp/m.sqlite" 1 || true
