#!/usr/bin/python3
"""Issue 20 (session 10): where a training step's time goes, C++ beside the Python twin.

usage: profile_step.py BENCH_BINARY WORK_DIR BATCH [TOP]

WORK_DIR is a directory that `BENCH_BINARY prepare` (or compare.py) filled. Runs
`BENCH_BINARY profile WORK_DIR BATCH` (20 training steps under LibTorch's autograd profiler, after
5 warm-up steps) and the same 20 steps of the Python twin under torch.autograd.profiler, both on
2 threads with the same exported weights and inputs, and prints per step: the number of
profiled ops, the summed self time of all ops, and the TOP ops by self time of each side.
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mor_reference import MoRReference, load_exported_weights  # noqa: E402

STEPS = 20


def self_times(events):
    """Self time (us) and count per op name from complete ("X") chrome-trace events of one
    thread: an event's self time is its duration minus that of its direct children."""
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            by_thread[e.get("tid")].append(e)
    total = collections.Counter()
    count = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child time]
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                end, name, child, d = stack.pop()
                total[name] += d - child
            if stack:
                stack[-1][2] += dur
            stack.append([ts + dur, e["name"], 0.0, dur])
            count[e["name"]] += 1
        while stack:
            end, name, child, d = stack.pop()
            total[name] += d - child
    return total, count


def load_trace(path):
    with open(path) as f:
        data = json.load(f)
    return data["traceEvents"] if isinstance(data, dict) else data


def python_trace(work, batch, out):
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    config = meta["config"]
    n, feats, classes = meta["rows"], meta["features"], meta["classes"]
    x = torch.from_numpy(np.fromfile(os.path.join(work, "x.f32"), dtype=np.float32)
                         .reshape(n, feats).copy())[:batch]
    y = torch.from_numpy(np.fromfile(os.path.join(work, "y.i64"), dtype=np.int64)
                         .reshape(n).copy())[:batch]
    model = MoRReference(config, feats, classes)
    load_exported_weights(model, os.path.join(work, "weights.pt"))
    model.train()
    t = config["train"]
    opt = torch.optim.AdamW(model.parameters(), lr=t["learning_rate"],
                            weight_decay=t["weight_decay"])

    def step():
        opt.zero_grad()
        model(x, y)["total_loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t["clip_norm"])
        opt.step()
    for _ in range(5):
        step()
    with torch.autograd.profiler.profile() as prof:
        for _ in range(STEPS):
            step()
    prof.export_chrome_trace(out)


def main():
    binary, work, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 12
    torch.set_num_threads(2)
    tmp = tempfile.mkdtemp()
    cpp_json, py_json = os.path.join(tmp, "cpp.json"), os.path.join(tmp, "py.json")
    subprocess.run([binary, "profile", work, str(batch), cpp_json], check=True)
    python_trace(work, batch, py_json)
    sides = {}
    for side, path in (("C++", cpp_json), ("Python", py_json)):
        total, count = self_times(load_trace(path))
        sides[side] = (total, count)
        print(f"{side}, batch {batch}: {sum(count.values()) / STEPS:.0f} profiled ops per step, "
              f"self time {sum(total.values()) / STEPS / 1000:.2f} ms per step")
    for side, (total, count) in sides.items():
        print(f"\n{side}: top {top} ops by self time per step (ms, calls per step)")
        for name, us in total.most_common(top):
            print(f"  {name:45s} {us / STEPS / 1000:8.3f} ms {count[name] / STEPS:7.1f}")
    names = set(sides["C++"][1]) | set(sides["Python"][1])
    diff = sorted(names, key=lambda k: -abs(sides["C++"][1][k] - sides["Python"][1][k]))
    print(f"\ncalls per step, largest differences (C++ vs Python)")
    for name in diff[:top]:
        print(f"  {name:45s} {sides['C++'][1][name] / STEPS:7.1f} vs "
              f"{sides['Python'][1][name] / STEPS:7.1f}")
    for path in (cpp_json, py_json):
        os.remove(path)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
