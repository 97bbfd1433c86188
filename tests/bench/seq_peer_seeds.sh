#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 20, recursion peers over training seeds: runs tests/bench/seq_peer_throughput.sh once
# per seed (each trains its own five models with that seed) and summarises the tokens/s ratios
# MoR / peer over the seeds: mean and 95% confidence interval (Student's t, n - 1 degrees of
# freedom) of the per-seed medians, per generation mode, and the validation loss of each
# peer's chosen checkpoint relative to MoR's. A ratio whose interval does not lie above the
# goal is "not shown".
#
# Usage: tests/bench/seq_peer_seeds.sh MOR_BINARY [WORK_DIR] [OUT_MD]
# Environment: SEEDS (default "1 2 3 4 5"), GOAL (default 1.5), REUSE=1 (generation only, on
# the models of a previous run in WORK_DIR/seedN), and everything seq_peer_throughput.sh reads
# (REPS, TOKENS, HOST_TOKENS, BATCH, BATCH_TOKENS, TEMP); SUMMARY_ONLY=1 only summarises the
# tables already in WORK_DIR.
set -euo pipefail
mor=${1:?usage: seq_peer_seeds.sh MOR_BINARY [WORK_DIR] [OUT_MD]}
work=${2:-/tmp/mor-seq-peer-seeds}
out=${3:-$work/summary.md}
here=$(cd "$(dirname "$0")" && pwd)
seeds=${SEEDS:-1 2 3 4 5}
mkdir -p "$work"
for s in $([ "${SUMMARY_ONLY:-0}" = 1 ] || echo $seeds); do
    echo "== seed $s ($(date -u +%H:%M:%S) UTC)" >&2
    SEED=$s "$here/seq_peer_throughput.sh" "$mor" "$work/seed$s" "$work/seed$s.md" > /dev/null
done
/usr/bin/env python3 - "$work" "${GOAL:-1.5}" "$seeds" <<'PY' | tee "$out"
import math, os, re, statistics, sys

work, goal, seeds = sys.argv[1], float(sys.argv[2]), sys.argv[3].split()
# two-sided 95% quantiles of Student's t by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 15: 2.131, 20: 2.086, 30: 2.042}

def t95(df):
    keys = sorted(k for k in T95 if k <= df)
    return T95[keys[-1]] if keys else float("nan")

def median(values):
    return statistics.median(values)

def interval(values):
    m = statistics.mean(values)
    if len(values) < 2:
        return m, float("nan"), float("nan")
    h = t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    return m, m - h, m + h

models, modes, per_seed, losses, depths = [], [], {}, {}, {}
for s in seeds:
    d = os.path.join(work, "seed" + s)
    table = open(os.path.join(work, "seed%s.md" % s)).read()
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 5 and re.fullmatch(r"[0-9]+", cells[1] or "x"):
            losses.setdefault(cells[0], {})[s] = float(cells[3])
            depths.setdefault(cells[0], {})[s] = float(cells[5])
            if cells[0] not in models:
                models.append(cells[0])
    for name in sorted(os.listdir(d)):
        if name.startswith("cpu."):
            _, m, mode = name.split(".", 2)
            if mode not in modes:
                modes.append(mode)
            vals = [float(x) for x in open(os.path.join(d, name)).read().split()]
            per_seed.setdefault((m, mode), {})[s] = median(vals)
order = ["cache", "cacheref", "nocache"] + sorted((m for m in modes if m.startswith("batch")),
                                                  key=lambda m: int(m[5:]))
modes = [m for m in order if m in modes]
print("Seeds %s; %d seeds. Per seed: the median over repetitions of tokens/s by CPU time "
      "(seq_peer_throughput.sh); below: mean [95%% CI] over seeds of MoR's tokens/s over the "
      "peer's, and of the peer's validation loss relative to MoR's." % (" ".join(seeds), len(seeds)))
print()
print("| peer | val loss vs MoR | gen. mean depth | " +
      " | ".join("%s: MoR / peer" % m for m in modes) + " |")
print("|---|---|---|" + "---|" * len(modes))
verdicts = []
for m in models:
    rel = [100.0 * (losses[m][s] - losses["mor"][s]) / losses["mor"][s] for s in seeds]
    lm, llo, lhi = interval(rel)
    dm, _, _ = interval([depths[m][s] for s in seeds])
    cells = []
    for mode in modes:
        ratios = [per_seed[("mor", mode)][s] / per_seed[(m, mode)][s] for s in seeds]
        rm, rlo, rhi = interval(ratios)
        cells.append("%.2fx [%.2f, %.2f]" % (rm, rlo, rhi))
        if m != "mor" and mode == "cache":
            verdicts.append((m, rm, rlo, rhi, lm, llo, lhi))
    print("| %s | %+.2f%% [%+.2f, %+.2f] | %.3f | %s |" % (m, lm, llo, lhi, dm, " | ".join(cells)))
print()
print("Cached generation (host arrays), MoR / peer, against the goal >= %.2fx:" % goal)
for m, rm, rlo, rhi, lm, llo, lhi in verdicts:
    shown = "shown" if rlo >= goal else "not shown"
    print("- %s (val loss %+.2f%% [%+.2f, %+.2f] vs MoR): %.2fx [%.2f, %.2f]: >= %.2fx %s" %
          (m, lm, llo, lhi, rm, rlo, rhi, goal, shown))
PY
