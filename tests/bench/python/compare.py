#!/usr/bin/python3
"""Issue 8, item 1: the C++ core against the same model in Python PyTorch.

usage: compare.py BENCH_BINARY WORK_DIR [ROUNDS]

1. `BENCH_BINARY prepare WORK_DIR` trains the reference config briefly in C++, exports the
   weights (mor::exportWeights, as `mor export --weights`) and writes inputs and outputs.
2. The Python port (mor_reference.py) loads the exported weights by name; its forward passes
   must agree with the C++ ones to 1e-5 (eval and train mode logits, train loss, halting steps).
3. Timing, alternated in ROUNDS rounds (C++ then Python, then Python then C++, ...): inference
   latency and training-step time at batch 1, 32, 256, each the median of 5 blocks; the figure is
   the median over rounds of the per-round ratio C++ / Python.
Prints @@ROW lines (see tests/bench/benchutil.h).
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mor_reference import MoRReference, count_parameters, load_exported_weights  # noqa: E402

ITEM = "1 C++ vs Python"
BATCHES = (1, 32, 256)
# Goals per (kind, batch): issue 8 (inference) and issue 20 (training step: 0.6x at batch 1,
# 0.8x at batch 256).
GOALS = {("inference", 1): 0.6, ("inference", 256): 1.0, ("train", 1): 0.6, ("train", 256): 0.8}


def row(metric, goal, measured, verdict, note=""):
    print("\t".join(["@@ROW", ITEM, metric, goal, measured, verdict, note]), flush=True)


def load_raw(path, dtype, shape):
    return torch.from_numpy(np.fromfile(path, dtype=dtype).reshape(shape).copy())


def time_per_call(fn):
    for _ in range(3):
        fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    calls = max(1, int(0.1 / once))
    blocks = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        blocks.append((time.perf_counter() - start) / calls)
    return float(np.median(blocks))


def python_times(config, meta, weights, x, y):
    """The same measurements as `bench_cpp_python time`, on a freshly loaded model."""
    model = MoRReference(config, meta["features"], meta["classes"])
    load_exported_weights(model, weights)
    times = {}
    model.eval()
    for b in BATCHES:
        xb = x[:b]

        def infer():
            with torch.inference_mode():  # as the C++ side (c10::InferenceMode, session 10)
                model(xb)
        times[("inference", b)] = time_per_call(infer)
    model.train()
    t = config["train"]
    opt = torch.optim.AdamW(model.parameters(), lr=t["learning_rate"],
                            weight_decay=t["weight_decay"])
    for b in BATCHES:
        xb, yb = x[:b], y[:b]

        def step():
            opt.zero_grad()
            model(xb, yb)["total_loss"].backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), t["clip_norm"])
            opt.step()
        times[("train", b)] = time_per_call(step)
    return times


def cpp_times(binary, work):
    out = subprocess.run([binary, "time", work], capture_output=True, text=True, check=True).stdout
    times = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "@@TIME":
            times[(parts[1], int(parts[2]))] = float(parts[3])
    return times


def main():
    binary, work = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    torch.set_num_threads(2)  # as the C++ side (setThreads(2))
    torch.manual_seed(1)
    prep = subprocess.run([binary, "prepare", work], capture_output=True, text=True)
    if prep.returncode != 0:
        row("prepare (C++ training + export)", "", "", "failed", prep.stderr.strip()[-300:])
        return 1
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    config = meta["config"]
    n, feats, classes = meta["rows"], meta["features"], meta["classes"]
    x = load_raw(os.path.join(work, "x.f32"), np.float32, (n, feats))
    y = load_raw(os.path.join(work, "y.i64"), np.int64, (n,))
    weights = os.path.join(work, "weights.pt")

    # --- the same model? ---
    model = MoRReference(config, feats, classes)
    copied = load_exported_weights(model, weights)
    params = count_parameters(model)
    model.eval()
    with torch.no_grad():
        ev = model(x)
    model.train()
    with torch.no_grad():
        tr = model(x, y)
    cpp_eval = load_raw(os.path.join(work, "eval_logits.f32"), np.float32, (n, classes))
    cpp_steps = load_raw(os.path.join(work, "eval_steps.i64"), np.int64, (n, -1))
    cpp_train = load_raw(os.path.join(work, "train_logits.f32"), np.float32, (n, classes))
    d_eval = (ev["logits"] - cpp_eval).abs().max().item()
    d_train = (tr["logits"] - cpp_train).abs().max().item()
    d_loss = abs(tr["total_loss"].item() - meta["train_loss"])
    steps_equal = bool(torch.equal(ev["steps"], cpp_steps))
    worst = max(d_eval, d_train, d_loss)
    ok = worst <= 1e-5 and steps_equal and params == meta["parameters"]
    row("forward passes agree (max abs difference)", "<= 1e-5", f"{worst:.1e}",
        "met" if ok else "not met",
        f"eval logits {d_eval:.1e}, train logits {d_train:.1e}, train loss {d_loss:.1e}, "
        f"halting steps {'identical' if steps_equal else 'DIFFER'}; {n} test inputs; "
        f"parameters {params} (C++ {meta['parameters']}), {copied} tensors loaded from "
        f"the exported TorchScript archive")

    # --- timing, alternated ---
    ratios = {}
    abs_times = {"cpp": {}, "py": {}}
    for r in range(rounds):
        order = ("cpp", "py") if r % 2 == 0 else ("py", "cpp")
        got = {}
        for who in order:
            got[who] = cpp_times(binary, work) if who == "cpp" else \
                python_times(config, meta, weights, x, y)
        for key, cpp_t in got["cpp"].items():
            ratios.setdefault(key, []).append(cpp_t / got["py"][key])
            abs_times["cpp"].setdefault(key, []).append(cpp_t)
            abs_times["py"].setdefault(key, []).append(got["py"][key])
    for kind, label in (("inference", "inference latency"), ("train", "training step")):
        for b in BATCHES:
            key = (kind, b)
            ratio = float(np.median(ratios[key]))
            goal = GOALS.get(key)
            note = (f"C++ {1e3 * np.median(abs_times['cpp'][key]):.3f} ms vs Python "
                    f"{1e3 * np.median(abs_times['py'][key]):.3f} ms; median of {rounds} "
                    f"alternated rounds")
            if kind == "train":
                note += ("; a step is forward, backward, clipping and AdamW: C++ the engine's "
                         "(engine/optimizer.h, as mor train), Python torch.optim.AdamW and "
                         "clip_grad_norm_")
            if goal is None:
                row(f"{label}, batch {b}: C++ / Python time", "(no goal)", f"{ratio:.2f}x",
                    "info", note)
            else:
                row(f"{label}, batch {b}: C++ / Python time", f"<= {goal:.1f}x", f"{ratio:.2f}x",
                    "met" if ratio <= goal else "not met", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
