#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference numbers for tests/core/seq/tst_recursion_reference.cpp.

A tiny Mixture-of-Recursions model written from Bae et al. 2025 ("Mixture-of-Recursions",
Sec. 2) and its official code, independently of core/src/seq: full-length attention with a
mask instead of gathering the active tokens. Every parameter is filled by the rule of
fillParameters() in the C++ test (by its name), so both sides compute the same function.

    /usr/bin/python3 tests/core/seq/python/mor_reference.py   # Debian: apt install python3-torch

prints, per case, the depth of every token and the logits, which the C++ test holds.
"""
import math

import torch
import torch.nn.functional as F

VOCAB, D, HEADS, FFN, MAXLEN = 5, 4, 2, 8, 8
TOKENS = [[3, 1, 4, 1, 0, 2]]


def fill(name, shape):
    """The C++ test's rule: 0.5 sin(0.7 i + 0.13 s), s = byte sum of the name mod 97;
    LayerNorm weights 1 + 0.1 sin(...)."""
    seed = sum(name.encode()) % 97
    n = 1
    for x in shape:
        n *= x
    i = torch.arange(n, dtype=torch.float64)
    v = torch.sin(0.7 * i + 0.13 * seed)
    last = name.split(".")[-2] if "." in name else name
    if last in ("ln1", "ln2", "lnf") and name.endswith(".weight"):
        v = 1.0 + 0.1 * v
    else:
        v = 0.5 * v
    return v.view(*shape)


def linear(p, x, out_dim, in_dim):
    return x @ fill(p + ".weight", (out_dim, in_dim)).T + fill(p + ".bias", (out_dim,))


def norm(p, x):
    return F.layer_norm(x, (D,), fill(p + ".weight", (D,)), fill(p + ".bias", (D,)), 1e-5)


def layer(p, x, keys):
    """Pre-norm transformer layer; a query attends to earlier-or-equal positions in `keys`."""
    B, T, _ = x.shape
    dh = D // HEADS
    qkv = linear(p + ".qkv", norm(p + ".ln1", x), 3 * D, D)
    qkv = qkv.view(B, T, 3, HEADS, dh).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    pos = torch.arange(T)
    allowed = (pos.view(1, T) <= pos.view(T, 1)).unsqueeze(0) & keys.unsqueeze(1)
    scores = scores.masked_fill(~allowed.unsqueeze(1), -1e9)
    y = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(B, T, D)
    h = x + linear(p + ".out", y, D, D)
    return h + linear(p + ".ff2", F.gelu(linear(p + ".ff1", norm(p + ".ln2", h), FFN, D)), D, FFN)


def forward(routing, recursions, layers, sharing="cycle", gate="sigmoid", alpha=1.0,
            capacity=None, threshold=0.5, top_k=False, router_per_step=True):
    ids = torch.tensor(TOKENS)
    B, T = ids.shape
    every = torch.ones(B, T, dtype=torch.bool)
    h = fill("tok.weight", (VOCAB, D))[ids] + fill("pos.weight", (MAXLEN, D))[torch.arange(T)]
    if sharing == "middle_cycle":
        h = layer("first_layer", h, every)
    h0 = h
    active = every.clone()
    depth = torch.zeros(B, T, dtype=torch.long)
    if capacity is None:
        capacity = [(recursions - r) / recursions for r in range(recursions)]
    if routing == "token_choice":
        logits = linear("token_router", h0, recursions, D)
        gates = alpha * (torch.softmax(logits, -1) if gate == "softmax" else torch.sigmoid(logits))
        chosen = gates.argmax(-1) + 1
        g = gates.gather(-1, (chosen - 1).unsqueeze(-1))
    for r in range(recursions):
        if routing == "expert_choice":
            name = "expert_router%d" % r if router_per_step else "expert_router"
            logit = linear(name, h, 1, D).squeeze(-1)
            if capacity[r] >= 1.0:
                selected = active
            elif top_k:
                k = max(1, int(math.floor(capacity[r] * T + 0.5)))
                top = logit.masked_fill(~active, -1e9).topk(min(k, T), -1).indices
                selected = torch.zeros_like(active).scatter(1, top, True) & active
            else:
                selected = active & (torch.sigmoid(logit) > threshold)
        elif routing == "token_choice":
            selected = active & (chosen > r)
        else:
            selected = active
        active = selected
        if not active.any():
            break
        y = h
        for l in range(layers):
            block = 0 if routing != "vanilla" else r
            y = layer("block%d_layer%d" % (block, l), y, active)
        if routing == "expert_choice":
            y = h + alpha * torch.sigmoid(logit).unsqueeze(-1) * y  # g f(h) + h
        h = torch.where(active.unsqueeze(-1), y, h)
        depth += active.long()
    out = h0 + g * h if routing == "token_choice" else h
    if sharing == "middle_cycle":
        out = layer("last_layer", out, every)
    return depth, linear("head", norm("lnf", out), VOCAB, D)


CASES = {
    "token_choice softmax": dict(routing="token_choice", recursions=3, layers=1,
                                 gate="softmax", alpha=1.0),
    "token_choice sigmoid alpha 0.5": dict(routing="token_choice", recursions=3, layers=1,
                                           gate="sigmoid", alpha=0.5),
    "expert_choice threshold": dict(routing="expert_choice", recursions=3, layers=1,
                                    alpha=0.5, capacity=[1.0, 0.5, 0.5]),
    "expert_choice top-k": dict(routing="expert_choice", recursions=3, layers=1, alpha=0.5,
                                capacity=[1.0, 0.5, 0.5], top_k=True),
    "middle_cycle expert_choice": dict(routing="expert_choice", recursions=2, layers=2,
                                       sharing="middle_cycle", alpha=1.0, top_k=True),
}

if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    for name, case in CASES.items():
        depth, logits = forward(**case)
        print(name)
        print("  depth ", depth.view(-1).tolist())
        print("  logits", ", ".join("%.6f" % v for v in logits.view(-1).tolist()))
