#!/usr/bin/env bash
# Issue 20 (session 10): glibc malloc thresholds (mor::tuneAllocator, core/src/engine/allocator.cpp)
# against glibc's defaults, side by side. Runs `bench_scaling tokens` (one-thread training step,
# batch 64, 4 GRU experts, depth 2, token input of 16..128, median of 7 alternated rounds)
# alternately with MOR_MALLOC_TUNING=off and with the tuning every entry point applies, and
# prints one @@ROW per length with the median step times and their ratio.
#
#   tests/bench/bench_allocator.sh [BUILD_DIR] [PAIRS]     (default build/release-bench, 3 pairs)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${MOR_BENCH_BUILD:-$here/../../build/release-bench}}
pairs=${2:-3}
exe=$build/bench/bench_scaling
[ -x "$exe" ] || { echo "no $exe" >&2; exit 1; }
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((p = 0; p < pairs; ++p)); do
    # alternate the order of the two variants every pair
    if ((p % 2 == 0)); then order="off on"; else order="on off"; fi
    for v in $order; do
        if [ $v = off ]; then
            MOR_MALLOC_TUNING=off "$exe" tokens > "$tmp/$v.$p" || exit 1
        else
            "$exe" tokens > "$tmp/$v.$p" || exit 1
        fi
    done
done
# median over the pairs of each length, and of the per-pair ratio tuned / default
python3 - "$tmp" "$pairs" <<'PY'
import sys, statistics, os
tmp, pairs = sys.argv[1], int(sys.argv[2])
def read(v, p):
    out, alloc = {}, ""
    for line in open(os.path.join(tmp, f"{v}.{p}")):
        f = line.rstrip("\n").split("\t")
        if f[0] == "@@SCALE":
            out[int(float(f[5]))] = float(f[6])
        elif f[0] == "@@ALLOC":
            alloc = f[1]
    return out, alloc
runs = {v: [read(v, p) for p in range(pairs)] for v in ("off", "on")}
alloc = runs["on"][0][1]
for x in sorted(runs["off"][0][0]):
    off = [r[0][x] for r in runs["off"]]
    on = [r[0][x] for r in runs["on"]]
    ratio = statistics.median(a / b for a, b in zip(on, off))
    verdict = "info"
    print("@@ROW\t8 scaling\ttraining step at %d tokens (batch 64), malloc tuned / glibc defaults"
          "\t(lower)\t%.2f\t%s\t%.1f vs %.1f ms (median of %d alternated process pairs; "
          "tuned: %s; defaults: MOR_MALLOC_TUNING=off)"
          % (x, ratio, verdict, statistics.median(on), statistics.median(off), pairs, alloc))
PY
