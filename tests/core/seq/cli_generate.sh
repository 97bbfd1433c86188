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
 "model": {"family": "recursion", "recursion": {"recursions": 3, "d_model": 32, "heads": 4, "ffn": 64}},
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

# errors: unknown run, missing log -> exit code 2 and a message naming the problem
set +e
"$mor" generate --log "$work/a.morlog" --run 99 2> "$work/e1"; code1=$?
"$mor" generate --log "$work/missing.morlog" --run 1 2> "$work/e2"; code2=$?
set -e
[ "$code1" -eq 2 ] && grep -q 'run 99' "$work/e1"
[ "$code2" -eq 2 ] && grep -q 'missing.morlog' "$work/e2"
echo "cli_generate: ok"
