#!/bin/sh
# Mixture-of-Recursions against its baselines on the bundled fortunes corpus, at equal training
# compute (issue #11). All models: d_model 64, 4 heads, ffn 256, 2 layers per block, 2
# recursions / blocks, context 64 characters, batch 32.
#   vanilla        2 distinct blocks (4 layers)            2 block applications per token
#   recursive      1 shared block applied twice (fixed)    2 block applications per token
#   mor            1 shared block, expert-choice routing   1 + 0.5 = 1.5 applications per token
# So MoR trains 4/3 as many steps (4 epochs against 3) for the same compute.
# Usage: tests/bench/seq_compare.sh [build dir] [work dir]   (prints a table; ~10 min loaded)
# Environment: SEED (default 1); SCALE multiplies every run's epochs (default 1);
# MODELS lists the models to train (default "vanilla recursive mor").
set -eu
build=${1:-build/seqcore}
work=${2:-/tmp/mor-seq-compare}
mor="$build/app/cli/mor"
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$work"
log="$work/compare.morlog"
rm -f "$log" "$log"-* 
rm -rf "$log.checkpoints"

config() { # name routing epochs
    cat > "$work/$1.json" <<JSON
{
  "name": "$1",
  "data": {"kind": "text", "seq_len": 64, "probe_size": 4},
  "model": {"family": "recursion",
            "recursion": {"routing": "$2", "recursions": 2, "layers_per_block": 2,
                          "d_model": 64, "heads": 4, "ffn": 256}},
  "train": {"epochs": $3, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 30,
            "threads": 2, "seed": ${SEED:-1}}
}
JSON
}
scale=${SCALE:-1}
models=${MODELS:-vanilla recursive mor}
config vanilla vanilla $((3 * scale))
config recursive fixed $((3 * scale))
config mor expert_choice $((4 * scale))
for name in $models; do
    "$mor" train --config "$work/$name.json" --log "$log" --name "$name" --quiet --json \
        | tail -n 1 > "$work/$name.out"
    cat "$work/$name.out"
done
echo
printf '%-10s %10s %8s %9s %9s %8s %10s\n' model params steps val_loss val_bpc depth seconds
for id in $(sqlite3 "$log" "SELECT id FROM runs ORDER BY id"); do
    sqlite3 -separator ' ' "$log" "SELECT r.name,
        (SELECT max(step) FROM metrics WHERE run_id = r.id AND key = 'val/loss'),
        (SELECT value FROM metrics WHERE run_id = r.id AND key = 'val/loss' ORDER BY step DESC LIMIT 1),
        (SELECT value FROM metrics WHERE run_id = r.id AND key = 'val/bpc' ORDER BY step DESC LIMIT 1),
        (SELECT value FROM metrics WHERE run_id = r.id AND key = 'val/mean_depth' ORDER BY step DESC LIMIT 1),
        (r.finished_ms - r.created_ms) / 1000.0
        FROM runs r WHERE r.id = $id" | while read -r name steps loss bpc depth secs; do
        params=$(sed -n 's/.*"parameters":\([0-9]*\).*/\1/p' "$work/$name.out")
        printf '%-10s %10s %8s %9.4f %9.4f %8.3f %10.1f\n' "$name" "$params" "$steps" "$loss" "$bpc" "$depth" "$secs"
    done
done
