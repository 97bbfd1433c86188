#!/usr/bin/env python3
"""Sum LibTorch profiler traces (bench_dispatch's MOR_BENCH_PROFILE) by operator.

Usage: op_profile.py A.json [B.json] [--steps N] [--top K]
One file: each operator's calls and self time (its time less its nested operators') per step.
Two files: the same side by side and B - A, sorted by the difference: which operators' counts
and times grow from A (e.g. E = 2) to B (E = 32).
"""
import argparse
import json
from collections import defaultdict


def self_times(path, steps):
    events = [e for e in json.load(open(path)) if e.get("ph") == "X"]
    by_thread = defaultdict(list)
    for e in events:
        by_thread[e["tid"]].append(e)
    calls = defaultdict(float)
    self_us = defaultdict(float)
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [end, name, child time]
        def pop():
            end, name, child, dur = stack.pop()
            self_us[name] += dur - child
        for e in evs:
            while stack and stack[-1][0] <= e["ts"]:
                pop()
            if stack:
                stack[-1][2] += e["dur"]
            stack.append([e["ts"] + e["dur"], e["name"], 0.0, e["dur"]])
            calls[e["name"]] += 1
        while stack:
            pop()
    return ({k: v / steps for k, v in calls.items()},
            {k: v / steps for k, v in self_us.items()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    runs = [self_times(f, a.steps) for f in a.files[:2]]
    names = set().union(*[r[0] for r in runs])
    if len(runs) == 1:
        calls, us = runs[0]
        print(f"total self time per step {sum(us.values())/1000:.2f} ms, "
              f"{sum(calls.values()):.0f} operator calls")
        for n in sorted(names, key=lambda n: -us.get(n, 0))[: a.top]:
            print(f"{us[n]/1000:9.3f} ms {calls[n]:8.0f}  {n}")
        return
    (ca, ua), (cb, ub) = runs
    print(f"per step: A {sum(ua.values())/1000:.2f} ms in {sum(ca.values()):.0f} calls, "
          f"B {sum(ub.values())/1000:.2f} ms in {sum(cb.values()):.0f} calls")
    print(f"{'B-A ms':>8} {'A ms':>8} {'B ms':>8} {'A calls':>8} {'B calls':>8}  operator")
    for n in sorted(names, key=lambda n: -(ub.get(n, 0) - ua.get(n, 0)))[: a.top]:
        print(f"{(ub.get(n,0)-ua.get(n,0))/1000:8.3f} {ua.get(n,0)/1000:8.3f} "
              f"{ub.get(n,0)/1000:8.3f} {ca.get(n,0):8.0f} {cb.get(n,0):8.0f}  {n}")


if __name__ == "__main__":
    main()
