#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 20, "Recursion models against their peer claims": generation tokens/s of
# Mixture-of-Recursions against a vanilla transformer of equal validation loss (+-1%) and one of
# equal unique parameters, with and without the recursion-wise KV cache, and MoR with KV sharing.
#
# Usage: tests/bench/seq_peer_throughput.sh MOR_BINARY [WORK_DIR] [OUT_MD]
# Environment: SEED (default 1), REPS (default 7, odd), TOKENS (default 600: the characters of
# each generation on the ATen paths), HOST_TOKENS (default 6000: those of the modes that run on
# host arrays, `cache`; at ~35k tokens/s 600 would take less time than the loading it is
# measured against), BATCH_TOKENS (default TOKENS: those of each sequence of `batchN`), BATCH (default
# "8 64": the batch sizes of the batched columns when `mor generate` has --batch; "" skips
# them), TEMP (default 0.8), REUSE=1 (generation only, on the models a previous run left in
# WORK_DIR).
#
# Models (bundled fortunes corpus, character level, context 64, d_model 64, 4 heads, ffn 256,
# batch 32, lr 0.003; each trained on one thread, about a minute on an idle core):
#   mor          expert-choice, 1 shared block of 2 layers, 2 recursions, capacity (1, 0.5),
#                4 epochs (the paper's best routing; seq_compare.sh's MoR)
#   mor_kvshare  the same with model.recursion.kv_sharing (recursion 2 reads recursion 1's keys)
#   vanilla4     4 distinct layers (2 blocks of 2), trained 4 epochs; the generation uses the
#                checkpoint (one per epoch) whose validation loss is nearest MoR's: the
#                equal-quality peer (the table says whether it is within 1%)
#   vanilla3     3 distinct layers, 4 epochs, nearest checkpoint likewise: a second, cheaper
#                equal-quality candidate (3 layer applications per token, MoR's expected count)
#   vanilla2     2 distinct layers = MoR's unique parameters (less MoR's router), 4 epochs
# Generation: prompt "The ", TOKENS characters at temperature TEMP, seed 7, one thread, with the
# cache on host arrays (`cache`: seq/host_batched_decoder.h, HOST_TOKENS characters), with the cache on
# the ATen reference path (`cacheref`: MOR_DECODER_REFERENCE=1) and without the cache
# (`nocache`); every repetition runs each (model, mode) once, the order rotated per
# repetition; the table gives the median tokens/s and ratios within this one run, from CPU time
# (the process's user + sys seconds less those of the same command with --tokens 0: robust on a
# shared machine) and from the wall time generate reports (swings with the other load).
set -euo pipefail
mor=${1:?usage: seq_peer_throughput.sh MOR_BINARY [WORK_DIR] [OUT_MD]}
work=${2:-/tmp/mor-seq-peer}
out=${3:-$work/table.md}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(cd "$here/../.." && pwd)/resources/corpus/fortunes.txt
seed=${SEED:-1}
reps=${REPS:-7}
tokens=${TOKENS:-600}
host_tokens=${HOST_TOKENS:-6000}
batch_tokens=${BATCH_TOKENS:-$tokens}
batches=${BATCH-8 64}
temp=${TEMP:-0.8}
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
mkdir -p "$work"
log="$work/peer.morlog"
[ "${REUSE:-0}" = 1 ] || rm -rf "$log" "$log"-* "$log.checkpoints"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
start_s=$(date +%s)

config() { # name routing recursions layers_per_block kv_sharing epochs
    cat > "$work/$1.json" <<JSON
{"name": "$1",
 "data": {"kind": "text", "text_path": "$corpus", "seq_len": 64, "probe_size": 4},
 "model": {"family": "recursion",
           "recursion": {"routing": "$2", "recursions": $3, "layers_per_block": $4,
                         "kv_sharing": $5, "d_model": 64, "heads": 4, "ffn": 256}},
 "train": {"epochs": $6, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 30,
           "threads": 1, "seed": $seed}}
JSON
}
config mor expert_choice 2 2 false 4
config mor_kvshare expert_choice 2 2 true 4
config vanilla4 vanilla 2 2 false 4
config vanilla3 vanilla 3 1 false 4
config vanilla2 vanilla 1 2 false 4
models="mor mor_kvshare vanilla4 vanilla3 vanilla2"

declare -A run params step loss
for m in $models; do
    if [ "${REUSE:-0}" != 1 ]; then
        "$mor" train --config "$work/$m.json" --log "$log" --name "$m" --threads 1 --quiet --json \
            | tail -n 1 > "$work/$m.train.json"
    fi
    run[$m]=$(sed -n 's/.*"run_id":\([0-9]*\).*/\1/p' "$work/$m.train.json")
    params[$m]=$(sed -n 's/.*"parameters":\([0-9]*\).*/\1/p' "$work/$m.train.json")
    [ -n "${run[$m]}" ] || { echo "training $m failed:" >&2; cat "$work/$m.train.json" >&2; exit 1; }
    echo "trained $m: run ${run[$m]}, ${params[$m]} parameters" >&2
done
q() { sqlite3 "$log" "$1"; }
valAt() { # run step -> val loss at that step
    q "SELECT value FROM metrics WHERE run_id = $1 AND key = 'val/loss' AND step = $2"
}
for m in mor mor_kvshare vanilla2; do
    step[$m]=$(q "SELECT max(step) FROM checkpoints WHERE run_id = ${run[$m]}")
    loss[$m]=$(valAt "${run[$m]}" "${step[$m]}")
done
# Equal quality: of the vanilla run's per-epoch checkpoints, the one whose validation loss is
# nearest MoR's final validation loss.
for m in vanilla4 vanilla3; do
    step[$m]=$(q "SELECT c.step FROM checkpoints c JOIN metrics v ON v.run_id = c.run_id
                  AND v.step = c.step AND v.key = 'val/loss' WHERE c.run_id = ${run[$m]}
                  ORDER BY abs(v.value - ${loss[mor]}) LIMIT 1")
    loss[$m]=$(valAt "${run[$m]}" "${step[$m]}")
done
train_s=$(( $(date +%s) - start_s ))

batched=0
modes="cache nocache"
# cacheref: the cached decoder's ATen reference path (MOR_DECODER_REFERENCE=1), beside the
# host-array step that `cache` takes on a CPU (seq/host_batched_decoder.h), where the binary has it.
if grep -q MOR_DECODER_REFERENCE "$mor" 2>/dev/null; then
    modes="cache cacheref nocache"
fi
if [ -n "$batches" ] && "$mor" generate --help 2>&1 | grep -q -- '--batch'; then
    batched=1
    for b in $batches; do modes="$modes batch$b"; done
fi
field() { sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p" "$2"; }
# CPU seconds: `mor generate --json` reports the process's CPU time of the generation
# (cpu_seconds, the checkpoint's loading included): on a shared machine the wall time of a
# one-thread program swings with the other programs' load, its CPU time much less.
gen() { # model mode -> appends tok/s (wall, in-process) and tok/s (CPU) to $work/{tps,cpu}.*
    local m=$1 mode=$2 flags="" ref=0 n=$tokens
    case $mode in
        cache) [ "$modes" = "${modes#cache cacheref}" ] || n=$host_tokens ;;
        cacheref) ref=1 ;;
        nocache) flags="--no-cache" ;;
        batch*) flags="--batch ${mode#batch}"; n=$batch_tokens ;;
    esac
    MOR_DECODER_REFERENCE=$ref "$mor" generate --log "$log" --run "${run[$m]}" --step "${step[$m]}" --prompt "The " \
        --tokens "$n" --temperature "$temp" --seed 7 --threads 1 $flags --json \
        > "$work/gen.json"
    field tokens_per_second "$work/gen.json" >> "$work/tps.$m.$mode"
    field mean_depth "$work/gen.json" >> "$work/depth.$m.$mode"
    # less the loading (the CPU seconds of the same command with no token to sample)
    awk -v n="$(field generated "$work/gen.json")" -v s="$(field cpu_seconds "$work/gen.json")" \
        -v z="${zero[$m]}" 'BEGIN {print n / (s - z)}' >> "$work/cpu.$m.$mode"
}
rm -f "$work"/tps.* "$work"/depth.* "$work"/cpu.*
declare -A zero
loads=""
set -- $models
order=("$@")
n=${#order[@]}
for ((r = 0; r < reps; ++r)); do
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
    for m in $models; do # the loading cost: the same command with no token to sample
        "$mor" generate --log "$log" --run "${run[$m]}" --step "${step[$m]}" --prompt "The " \
            --tokens 0 --seed 7 --threads 1 --json > "$work/gen.json"
        zero[$m]=$(field cpu_seconds "$work/gen.json")
    done
    for ((i = 0; i < n; ++i)); do
        m=${order[$(( (i + r) % n ))]}
        if (( r % 2 )); then ms=$(echo $modes | tr ' ' '\n' | tac | tr '\n' ' '); else ms=$modes; fi
        for mode in $ms; do
            gen "$m" "$mode"
        done
    done
done
median() { sort -g "$1" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A tps ctps
for m in $models; do
    for mode in $modes; do
        tps[$m.$mode]=$(median "$work/tps.$m.$mode")
        ctps[$m.$mode]=$(median "$work/cpu.$m.$mode")
    done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.2f%%", 100 * (a - b) / b}'; }
{
    echo "Commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC')," \
         "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(getconf _NPROCESSORS_ONLN) cores;" \
         "one thread (OMP_NUM_THREADS=1, OMP_WAIT_POLICY=PASSIVE); seed $seed."
    echo "Load average at start $load_start, at end $load_end; 1-min load at each repetition:$loads."
    echo "Training took $train_s s; generation: $tokens characters (cache on host arrays: $host_tokens; batches: $batch_tokens per sequence) after \"The \", temperature $temp, seed 7," \
         "median of $reps alternated repetitions.$([ $batched = 1 ] && echo " Batched (batchN): --batch N sequences (seeds 7..6+N), tokens/s over all of them.")"
    echo
    printf '| model | unique params | checkpoint step | val loss | vs MoR val loss | gen. mean depth |'
    for mode in $modes; do printf ' tok/s %s (CPU) | tok/s %s (wall) |' "$mode" "$mode"; done
    for mode in $modes; do printf ' %s: MoR / this (CPU) | (wall) |' "$mode"; done
    echo
    printf '|---|---|---|---|---|---|'
    for mode in $modes; do printf -- '---|---|---|---|'; done
    echo
    for m in $models; do
        printf '| %s | %s | %s | %.4f | %s | %.3f |' "$m" "${params[$m]}" "${step[$m]}" \
            "${loss[$m]}" "$(pct "${loss[$m]}" "${loss[mor]}")" "$(median "$work/depth.$m.cache")"
        for mode in $modes; do printf ' %.1f | %.1f |' "${ctps[$m.$mode]}" "${tps[$m.$mode]}"; done
        for mode in $modes; do
            printf ' %s | %s |' "$(ratio "${ctps[mor.$mode]}" "${ctps[$m.$mode]}")" \
                "$(ratio "${tps[mor.$mode]}" "${tps[$m.$mode]}")"
        done
        echo
    done
    echo
    echo "Validation loss at each epoch's checkpoint: $(for m in $models; do printf '%s %s; ' "$m" "$(q "SELECT group_concat(step || ': ' || printf('%.4f', value), ', ') FROM (SELECT step, value FROM metrics WHERE run_id = ${run[$m]} AND key = 'val/loss' ORDER BY step)")"; done)"
    echo "Cache speed-up (cache / no cache, CPU): $(for m in $models; do printf '%s %s; ' "$m" "$(ratio "${ctps[$m.cache]}" "${ctps[$m.nocache]}")"; done)"
    for b in $([ $batched = 1 ] && echo $batches); do
        echo "Batch speed-up (batch $b / one sequence, cache, CPU): $(for m in $models; do printf '%s %s; ' "$m" "$(ratio "${ctps[$m.batch$b]}" "${ctps[$m.cache]}")"; done)"
    done
    for kind in cpu tps; do
        echo
        echo "All repetitions, tok/s ($([ $kind = cpu ] && echo CPU time || echo wall time)):"
        for m in $models; do for mode in $modes; do
            printf -- '- %s/%s: %s\n' "$m" "$mode" "$(awk '{printf "%.0f ", $1}' "$work/$kind.$m.$mode")"
        done; done
    done
} | tee "$out"
