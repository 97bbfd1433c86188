#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 20, recursion peers on pointer chasing (data.kind pointer_chase): tokens/s of the
# recursion-wise KV-cached decoder processing whole task sequences, MoR against its peers.
# Every (model, repetition) runs `mor generate` on one full sequence (a permutation and 8
# queries with their answers, the last one generated) for BATCH rows at once, alternating the
# models in rotated order; CPU seconds less the same command at --batch 1 --tokens 0 (the
# loading). Tokens/s = BATCH x 25 positions / those seconds.
#
# Usage: tests/bench/seq_pointer_throughput.sh MOR_BINARY LOG NAME=RUN_ID [NAME=RUN_ID ...]
#   e.g. ... build/ci/app/cli/mor claims.morlog mor=31 fixed=2 vanilla2=21 vanilla3=26
# Environment: REPS (default 7), BATCH (default 1024), PROMPT (the sequence; default below).
set -euo pipefail
mor=${1:?usage: seq_pointer_throughput.sh MOR_BINARY LOG NAME=RUN_ID ...}
log=${2:?log}
shift 2
reps=${REPS:-7}
batch=${BATCH:-1024}
# Default: a sequence with the task's mix of steps (1, 2, 3, 1, 2, 3, 1, 2; the data draws them
# uniformly). The answers are right, so every model reads what it would have generated.
# Seeds: names that end in a seed number (mor1 ... mor5, vanilla1 ... vanilla5) form groups.
# After the table, per group: the mean of the medians with its Student-t 95% interval over the
# seeds, and the first group's tokens/s over each other group's, paired by seed number (mean
# and 95% interval of the per-seed ratios).
prompt=${PROMPT:-"8745239061 3>5 1>>0 4>>>2 9>1 6>>1 2>>>4 0>8 5>>"}
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
names=() runs=()
for arg in "$@"; do names+=("${arg%%=*}"); runs+=("${arg#*=}"); done
n=${#names[@]}
cpu() { sed -n 's/.*"cpu_seconds":\([0-9.eE+-]*\).*/\1/p'; }
depth() { sed -n 's/.*"mean_depth":\([0-9.eE+-]*\).*/\1/p'; }
loads="$(cut -d' ' -f1 /proc/loadavg)"
for ((r = 0; r < reps; ++r)); do
    for ((k = 0; k < n; ++k)); do
        i=$(( (k + r) % n ))
        zero=$("$mor" generate --log "$log" --run "${runs[$i]}" --prompt "$prompt" --tokens 0 \
                   --threads 1 --json | cpu)
        out=$("$mor" generate --log "$log" --run "${runs[$i]}" --prompt "$prompt" --tokens 1 \
                  --temperature 0 --batch "$batch" --threads 1 --json)
        echo "$out" | depth > "$work/depth.${names[$i]}"
        awk -v s="$(echo "$out" | cpu)" -v z="$zero" -v b="$batch" \
            'BEGIN {printf "%.1f\n", b * 25 / (s - z)}' >> "$work/tps.${names[$i]}"
    done
    loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
done
median() { sort -g "$1" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
first=${names[0]}
echo "Commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
     "$(date -u '+%Y-%m-%d %H:%M UTC'), $(getconf _NPROCESSORS_ONLN) cores, one thread;" \
     "batch $batch, $reps alternated repetitions; 1-min load:$loads."
echo
echo "| model | run | depth of the generated answer | tok/s (median, CPU) | all repetitions | $first / this |"
echo "|---|---|---|---|---|---|"
for ((i = 0; i < n; ++i)); do
    m=${names[$i]}
    printf '| %s | %s | %s | %s | %s | %s |\n' "$m" "${runs[$i]}" "$(cat "$work/depth.$m")" \
        "$(median "$work/tps.$m")" "$(tr '\n' ' ' < "$work/tps.$m")" \
        "$(awk -v a="$(median "$work/tps.$first")" -v b="$(median "$work/tps.$m")" \
              'BEGIN {printf "%.2fx", a / b}')"
done
for ((i = 0; i < n; ++i)); do
    echo "${names[$i]} $(median "$work/tps.${names[$i]}")"
done > "$work/medians"
if grep -Eq '^[^ ]*[^0-9 ][0-9]+ ' "$work/medians"; then
    /usr/bin/python3 - "$work/medians" <<'PY'
import re
import statistics
import sys

# Student-t 0.975 quantiles for 1..10 degrees of freedom (more: 2.2 is within 1% up to 15).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]

def interval(values, digits):
    m = statistics.mean(values)
    if len(values) < 2:
        return "%.*f (one seed)" % (digits, m)
    h = T975[min(len(values), 11) - 2] * statistics.stdev(values) / len(values) ** 0.5
    return "%.*f [%.*f, %.*f]" % (digits, m, digits, m - h, digits, m + h)

groups = {}
order = []
for line in open(sys.argv[1]):
    name, value = line.split()
    match = re.fullmatch(r"(.*?[^0-9])([0-9]+)", name)
    if not match:
        continue
    group, seed = match.group(1), int(match.group(2))
    if group not in groups:
        groups[group] = {}
        order.append(group)
    groups[group][seed] = float(value)
first = order[0]
print()
print("| group | seeds | tok/s: mean [95%% CI] over seeds | %s / this, paired by seed: mean [95%% CI] |"
      % first)
print("|---|---|---|---|")
for g in order:
    seeds = sorted(groups[g])
    paired = [groups[first][s] / groups[g][s] for s in seeds if s in groups[first]]
    print("| %s | %s | %s | %s |" % (g, ",".join(map(str, seeds)), interval(list(groups[g].values()), 0),
                                     interval(paired, 3) if paired else "no common seed"))
PY
fi
