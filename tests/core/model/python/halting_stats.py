#!/usr/bin/env python3
"""Halting statistics of a trained one-expert GRU run (pondernet-parity / act-parity lessons).

Loads the weights written by `mor export --weights FILE` and re-runs the expert on fresh
variable-length parity inputs (PonderNet's data: 1..L entries set to +-1, label = odd number of
+1), all max_depth steps, to report what the log does not: the expected halting step
E[t] = sum_t t p_t of the learned halting distribution next to the median step the model halts
at, and the accuracy at the median (PonderNet) or of the mean-field answer (ACT).
Needs PyTorch (Debian: python3-torch). Assumes the lesson configs: encoder.layers 0,
initial_state zero, feedback false, a GRU cell.

Run: python3 halting_stats.py WEIGHTS --length 8 --depth 20 [--act-epsilon 0.01]
"""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("weights")
parser.add_argument("--length", type=int, default=8)
parser.add_argument("--depth", type=int, default=20)
parser.add_argument("--samples", type=int, default=20000)
parser.add_argument("--act-epsilon", type=float, default=None, help="ACT instead of PonderNet")
args = parser.parse_args()

w = {k: v.detach() for k, v in torch.jit.load(args.weights).named_parameters()}
g = torch.Generator().manual_seed(7)
n, L = args.samples, args.length
x = torch.zeros(n, L)
count = torch.randint(1, L + 1, (n,), generator=g)
for i in range(n):
    pos = torch.randperm(L, generator=g)[: count[i]]
    x[i, pos] = torch.randint(0, 2, (int(count[i]),), generator=g).float() * 2 - 1
y = (x == 1).sum(1) % 2



def linear(name, v):
    return v @ w[name + ".weight"].T + w[name + ".bias"]


buffers = dict(torch.jit.load(args.weights).named_buffers())
temperature = buffers["expert0.critic_temperature"].item()
e = torch.nn.functional.gelu(linear("encoder.net.0", x)) if "encoder.net.0.weight" in w else x
width = w["expert0.cell.gru.weight_hh"].shape[1]
gru = torch.nn.GRUCell(w["expert0.cell.gru.weight_ih"].shape[1], width)
gru.load_state_dict({k.split("gru.")[1]: v for k, v in w.items() if ".gru." in k})
feedback = gru.input_size > e.shape[1]
classes = w["expert0.head.weight"].shape[0]
h = torch.tanh(linear("expert0.init", e)) if "expert0.init.weight" in w else torch.zeros(n, width)
draft, critique = torch.full((n, classes), 1.0 / classes), torch.zeros(n, 1)
lambdas, probs = [], []
with torch.no_grad():
    for t in range(args.depth):
        h = gru(torch.cat([e, draft, critique], 1) if feedback else e, h)
        draft = torch.softmax(linear("expert0.head", h), 1)
        z = linear("expert0.critic2",
                   torch.nn.functional.gelu(linear("expert0.critic1", torch.cat([h, draft], 1))))
        critique = torch.sigmoid(z / temperature)
        probs.append(draft)
        lambdas.append(torch.sigmoid(linear("expert0.halt", h))[:, 0])
lam = torch.stack(lambdas)            # [T, n]
probs = torch.stack(probs)            # [T, n, C]
T = args.depth
steps = torch.arange(1, T + 1, dtype=torch.float).unsqueeze(1)
if args.act_epsilon is None:
    before = torch.cat([torch.ones(1, n), torch.cumprod(1 - lam, 0)[:-1]])
    p = torch.cat([(lam * before)[:-1], before[-1:]])
    median = (torch.cumsum(p, 0) < 0.5).sum(0).clamp(max=T - 1)  # 0-based
    answer = probs[median, torch.arange(n)]
    print("expected halting step E[t] = %.2f" % (steps * p).sum(0).mean())
    print("median halting step: mean %.2f (min %d, max %d)"
          % (median.float().mean() + 1, median.min() + 1, median.max() + 1))
else:
    reached = (torch.cumsum(lam, 0) >= 1 - args.act_epsilon)
    reached[-1] = True
    N = (reached.long().cumsum(0) == 0).sum(0)  # 0-based halting step
    wts = lam * (torch.arange(T).unsqueeze(1) < N)
    wts[N, torch.arange(n)] = 1 - wts.sum(0)
    answer = (wts.unsqueeze(2) * probs).sum(0)
    print("ACT halting step N: mean %.2f (min %d, max %d), ponder cost N + R = %.2f"
          % (N.float().mean() + 1, N.min() + 1, N.max() + 1,
             (N.float() + 1 + wts[N, torch.arange(n)]).mean()))
print("accuracy on %d fresh inputs: %.4f" % (n, (answer.argmax(1) == y).float().mean()))
