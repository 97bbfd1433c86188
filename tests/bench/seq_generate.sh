#!/bin/sh
# Generation throughput of a recursion run with the recursion-wise KV cache against without it
# (every token recomputes its whole context), side by side, same seed, greedy and sampled.
# Usage: tests/bench/seq_generate.sh LOG RUN [build dir] [tokens]
set -eu
log=$1
run=$2
build=${3:-build/seqcore}
tokens=${4:-600}
export OMP_WAIT_POLICY=PASSIVE
mor="$build/app/cli/mor"
printf '%-10s %-8s %12s %10s %10s\n' mode temp tokens_per_s seconds mean_depth
for temp in 0 0.8; do
    for mode in cache no-cache; do
        flag=""
        [ "$mode" = no-cache ] && flag=--no-cache
        "$mor" generate --log "$log" --run "$run" --prompt "The " --tokens "$tokens" \
            --temperature "$temp" --seed 7 --threads 1 $flag --json > /tmp/mor-seq-gen.json
        python3 - "$mode" "$temp" <<'PY'
import json, sys
j = json.load(open('/tmp/mor-seq-gen.json'))
print('%-10s %-8s %12.1f %10.3f %10.3f' % (sys.argv[1], sys.argv[2], j['tokens_per_second'],
      j['seconds'], j['mean_depth']))
PY
    done
done
