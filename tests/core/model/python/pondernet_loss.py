#!/usr/bin/env python3
"""Reference numbers for tst_halting.cpp (ponderNetLossMatchesPythonReference and
actMeanFieldMatchesPythonReference). Plain loops, independent of the C++ formulas.

PonderNet (Banino et al. 2021) on T steps, as MoR Studio defines it:
  p_t = lambda_t * prod_{s<t} (1 - lambda_s) for t < T, p_T = prod_{s<T} (1 - lambda_s)
  prior_t = pi (1 - pi)^(t-1), truncated to T steps and renormalised
  loss = mean_rows sum_t p_t CE(y_t, y) + beta * mean_rows KL(p || prior)
Note: labml's PonderNet port computes KL(prior || p) (nn.KLDivLoss(p.log(), prior)) and does
not renormalise the truncated prior; the paper and MoR Studio use KL(p || prior).

The reference is plain Python loops (no numpy), sharing no code with LibTorch; where PyTorch is
installed (Debian: python3-torch) the same numbers are recomputed with torch.nn.functional
(cross_entropy, kl_div) as a second opinion.
Run: /usr/bin/python3 tests/core/model/python/pondernet_loss.py
"""
import math


def log_softmax(row):
    m = max(row)
    z = math.log(sum(math.exp(v - m) for v in row)) + m
    return [v - z for v in row]


def softmax(row):
    return [math.exp(v) for v in log_softmax(row)]


lambdas = [[0.10, 0.60, 0.30],
           [0.20, 0.50, 0.70],
           [0.40, 0.30, 0.90],
           [0.50, 0.20, 0.80]]  # [T=4, n=3]
logits = [
    [[1.0, -0.5, 0.2], [0.3, 0.8, -1.0], [0.0, 0.0, 1.5]],
    [[1.5, -0.2, 0.0], [0.1, 1.2, -0.4], [-0.3, 0.4, 1.0]],
    [[2.0, 0.1, -0.3], [-0.2, 1.6, 0.0], [0.5, -0.5, 0.7]],
    [[2.2, 0.0, -0.5], [0.0, 2.0, 0.3], [1.0, -1.0, 0.2]],
]  # [T, n, C=3]
y = [0, 1, 2]
pi, beta = 0.2, 0.01
T, n = len(lambdas), len(lambdas[0])

p = [[0.0] * n for _ in range(T)]
for r in range(n):
    survive = 1.0
    for t in range(T):
        p[t][r] = survive * (lambdas[t][r] if t < T - 1 else 1.0)
        survive *= 1.0 - lambdas[t][r]
prior = [pi * (1 - pi) ** t for t in range(T)]
prior = [q / sum(prior) for q in prior]

ce = [[-log_softmax(logits[t][r])[y[r]] for r in range(n)] for t in range(T)]
expected = sum(p[t][r] * ce[t][r] for t in range(T) for r in range(n)) / n
kl = sum(p[t][r] * math.log(p[t][r] / prior[t]) for t in range(T) for r in range(n)) / n
print("p =", p)
print("expected task loss = %.10f" % expected)
print("KL(p || prior)     = %.10f" % kl)
print("total (beta %.2f)  = %.10f" % (beta, expected + beta * kl))

# Median halting step: first t with sum_{s<=t} p_s >= 0.5.
for r in range(n):
    cum, step = 0.0, T
    for t in range(T):
        cum += p[t][r]
        if cum >= 0.5:
            step = t + 1
            break
    print("row %d median halting step %d" % (r, step))

# ACT (Graves 2016) with eps 0.01 on the same lambdas: N = first t with sum lambda >= 0.99
# (or T), R = 1 - sum_{t<N} lambda_t, answer = sum_{t<N} lambda_t y_t + R y_N, cost N + R.
eps = 0.01
costs = []
for r in range(n):
    cum, N = 0.0, T
    for t in range(T):
        cum += lambdas[t][r]
        if cum >= 1 - eps:
            N = t + 1
            break
    R = 1.0 - sum(lambdas[t][r] for t in range(N - 1))
    w = [lambdas[t][r] for t in range(N - 1)] + [R] + [0.0] * (T - N)
    answer = [sum(w[t] * softmax(logits[t][r])[c] for t in range(T)) for c in range(3)]
    costs.append(N + R)
    print("row %d ACT N=%d R=%.4f answer=%s" % (r, N, R, [round(v, 10) for v in answer]))
print("ACT ponder cost mean(N + R) = %.10f" % (sum(costs) / n))

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the loops above are the reference; torch is only a second opinion
    torch = None
if torch is not None:
    lam = torch.tensor(lambdas, dtype=torch.float64)
    lam_halt = torch.cat([lam[:-1], torch.ones(1, n, dtype=torch.float64)])
    not_halted = torch.cat([torch.ones(1, n, dtype=torch.float64),
                            torch.cumprod(1 - lam, 0)[:-1]])
    p_t = lam_halt * not_halted  # [T, n]
    x = torch.tensor(logits, dtype=torch.float64)
    ce_t = torch.stack([F.cross_entropy(x[t], torch.tensor(y), reduction="none")
                        for t in range(T)])
    prior_t = torch.tensor(prior, dtype=torch.float64)
    # F.kl_div(log q, p) = sum p (log p - log q): KL(p || prior) with q = prior.
    kl_t = F.kl_div(prior_t.log()[:, None].expand(T, n), p_t, reduction="sum") / n
    task_t = (p_t * ce_t).sum(0).mean()
    assert abs(task_t.item() - expected) < 1e-12 and abs(kl_t.item() - kl) < 1e-12
    print("torch %s agrees: task %.10f, KL %.10f" % (torch.__version__, task_t, kl_t))
