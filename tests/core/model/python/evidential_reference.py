#!/usr/bin/python3
"""Reference numbers for tests/core/model/tst_integration_model.cpp (evidential fusion, the
subjective-logic combination and the conflict score), computed in float64.

Sensoy, Kaplan, Kandemir 2018, "Evidential Deep Learning to Quantify Classification
Uncertainty": alpha = evidence + 1, S = sum alpha, u = K / S; loss eq. 4 (expected
cross-entropy under Dir(alpha)) + lambda_t KL(Dir(alpha~) || Dir(1)), alpha~ = y + (1 - y) alpha.
Han et al. 2021, "Trusted Multi-View Classification": reduced Dempster-Shafer combination.

Run: /usr/bin/python3 tests/core/model/python/evidential_reference.py
Uses torch (torch.digamma / torch.lgamma) when installed, otherwise scipy.special.
"""
import math

try:
    import torch

    def digamma(x):
        return torch.digamma(torch.tensor(x, dtype=torch.float64)).item()

    def lgamma(x):
        return torch.lgamma(torch.tensor(x, dtype=torch.float64)).item()

    def trigamma(x):
        return torch.polygamma(1, torch.tensor(x, dtype=torch.float64)).item()

    BACKEND = "torch " + torch.__version__
except ImportError:
    import scipy
    from scipy.special import digamma, gammaln as lgamma, polygamma

    def trigamma(x):
        return float(polygamma(1, x))

    BACKEND = "scipy " + scipy.__version__


def expected_ce(alpha, y):
    return digamma(sum(alpha)) - digamma(alpha[y])


def kl_to_uniform(alpha):
    k = len(alpha)
    s = sum(alpha)
    return (lgamma(s) - lgamma(k) - sum(lgamma(a) for a in alpha)
            + sum((a - 1.0) * (digamma(a) - digamma(s)) for a in alpha))


def misleading(alpha, y):
    return [1.0 if k == y else a for k, a in enumerate(alpha)]


def loss(alpha, y, lam):
    return expected_ce(alpha, y) + lam * kl_to_uniform(misleading(alpha, y))


def softplus_inverse(e):
    return math.log(math.expm1(e))


def opinion(alpha):
    s = sum(alpha)
    return [(a - 1.0) / s for a in alpha], len(alpha) / s


def combine(o1, o2):
    b1, u1 = o1
    b2, u2 = o2
    c = sum(b1[i] * b2[j] for i in range(len(b1)) for j in range(len(b2)) if i != j)
    b = [(b1[k] * b2[k] + b1[k] * u2 + b2[k] * u1) / (1.0 - c) for k in range(len(b1))]
    return b, u1 * u2 / (1.0 - c), c


def entropy_bits(p):
    return -sum(x * math.log2(x) for x in p if x > 0)


def jsd(answers, weights):
    k = len(answers[0])
    mix = [sum(w * q[c] for w, q in zip(weights, answers)) for c in range(k)]
    return entropy_bits(mix) - sum(w * entropy_bits(q) for w, q in zip(weights, answers))


def show(name, values):
    if isinstance(values, (list, tuple)):
        print(f"{name}: " + ", ".join(f"{v:.9f}" for v in values))
    else:
        print(f"{name}: {values:.9f}")


print("backend:", BACKEND)

print("\n# 1. alpha = [2, 1, 1], y = 0 (closed form: u = 3/4, CE = 1/2 + 1/3 = 5/6, KL = 0)")
a = [2.0, 1.0, 1.0]
show("u", len(a) / sum(a))
show("expected CE", expected_ce(a, 0))
show("KL(Dir(alpha~)||Dir(1))", kl_to_uniform(misleading(a, 0)))

print("\n# 2. alpha = [2, 3, 1], y = 0 (closed form: u = 1/2, CE = 77/60,"
      " KL(Dir(1, 3, 1)) = ln 6 - 7/6)")
a = [2.0, 3.0, 1.0]
show("u", len(a) / sum(a))
show("expected CE", expected_ce(a, 0))
show("KL", kl_to_uniform(misleading(a, 0)))
show("ln 6 - 7/6", math.log(6.0) - 7.0 / 6.0)
show("loss at lambda 1", loss(a, 0, 1.0))
print("# 2b. the same alpha, y = 1 (closed form: CE = 1/3 + 1/4 + 1/5, KL(Dir(2, 1, 1)) ="
      " ln 3 - 5/6)")
show("expected CE", expected_ce(a, 1))
show("KL", kl_to_uniform(misleading(a, 1)))
show("ln 3 - 5/6", math.log(3.0) - 5.0 / 6.0)
# d CE / d alpha_k = trigamma(S) - [k == y] trigamma(alpha_y)
s = sum(a)
show("d CE / d alpha", [trigamma(s) - (trigamma(a[0]) if k == 0 else 0.0) for k in range(3)])

print("\n# 3. batch: alpha [B=2, E=2, K=3], mask [[1, 1], [1, 0]], y = [1, 2], KL weight 1,")
print("#    anneal 4 steps: the mean over the 3 selected pairs at lambda 1/4 and 2/4")
alpha = [[[1.5, 4.0, 2.0], [3.0, 1.2, 1.0]], [[2.0, 2.0, 6.0], [9.0, 9.0, 9.0]]]
mask = [[True, True], [True, False]]
y = [1, 2]
for lam in (0.25, 0.5):
    terms = [loss(alpha[b][j], y[b], lam) for b in range(2) for j in range(2) if mask[b][j]]
    show(f"mean loss at lambda {lam}", sum(terms) / len(terms))

print("\n# 4. TMC combination of two opinions, K = 3")
a1 = [8.5, 4.0, 2.5]   # S = 15: b = [0.5, 0.2, 0.1], u = 0.2
a2 = [2.5, 10.0, 2.5]  # S = 15: b = [0.1, 0.6, 0.1], u = 0.2
o1, o2 = opinion(a1), opinion(a2)
show("b1", o1[0]); show("u1", o1[1])
show("b2", o2[0]); show("u2", o2[1])
b, u, c = combine(o1, o2)
show("C", c)
show("b", b)
show("u", u)
show("probs b + u/K", [x + u / 3.0 for x in b])
print("# hand: C = 0.8 * 0.8 - (0.05 + 0.12 + 0.01) = 0.46; b = [0.17, 0.28, 0.05] / 0.54;"
      " u = 0.04 / 0.54")

print("\n# 5. three experts through softplus(bias) = evidence, expert 2 vacuous-or-unselected")
e = [[4.0, 1.0, 0.5], [0.5, 2.0, 0.5], [30.0, 0.0, 0.0]]
show("bias expert 0", [softplus_inverse(v) for v in e[0]])
show("bias expert 1", [softplus_inverse(v) for v in e[1]])
ops = [opinion([v + 1.0 for v in row]) for row in e[:2]]
b, u, _ = combine(ops[0], ops[1])
show("u per expert", [ops[0][1], ops[1][1]])
show("probs", [x + u / 3.0 for x in b])
share = [1.0 - ops[0][1], 1.0 - ops[1][1]]
show("weights (1 - u_j) shares", [v / sum(share) for v in share])

print("\n# 6. conflict score: one-hot opposite answers, w = 0.95 / 0.05")
ans = [[1.0, 0.0], [0.0, 1.0]]
show("unweighted JSD (bits)", jsd(ans, [0.5, 0.5]))
show("weighted JSD (bits)", jsd(ans, [0.95, 0.05]))
ans3 = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6]]
show("unweighted JSD of 3 soft answers", jsd(ans3, [1 / 3, 1 / 3, 1 / 3]))
show("unweighted JSD of the first 2", jsd(ans3[:2], [0.5, 0.5]))
