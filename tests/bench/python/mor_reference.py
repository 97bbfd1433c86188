#!/usr/bin/python3
"""A faithful, vectorised PyTorch (Python) port of the C++ Mixture-of-Reflection model
(core/src/model/*.cpp) for the benchmark configuration of issue 8, item 1.

Supported: an MLP encoder, the MLP router with top-k routing, GRU reflection experts with
critique-gated or fixed halting, confidence fusion with the "weighted" resolution, the
"expected" task loss and every loss term the C++ model adds for such a config. The module and
parameter names are those of the C++ modules, so the weights exported by
`mor export --weights FILE` (a TorchScript archive) load by name.

No Python loop runs over samples: like the C++ core it loops over experts (gather, compute the
expert's rows, scatter back) and over reflection steps, everything else is batched.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, inputs, hidden, layers=1):
        super().__init__()
        mods, width = [], inputs
        for _ in range(max(layers, 1)):
            mods.append(nn.Linear(width, hidden))
            if layers > 0:
                mods.append(nn.GELU())
            width = hidden
        self.net = nn.Sequential(*mods)
        self.inputs, self.hidden, self.layers = inputs, hidden, max(layers, 1)

    def forward(self, x):
        return self.net(x)

    def flops_per_row(self):
        return 2.0 * self.inputs * self.hidden + (self.layers - 1) * 2.0 * self.hidden ** 2


class Router(nn.Module):
    def __init__(self, inputs, experts, hidden=64, temperature=1.0):
        super().__init__()
        self.hidden = nn.Linear(inputs, hidden)
        self.out = nn.Linear(hidden, experts)
        self.temperature = temperature if temperature > 0 else 1.0
        self.n_inputs, self.n_hidden, self.n_experts = inputs, hidden, experts

    def forward(self, e):
        logits = self.out(F.gelu(self.hidden(e)))
        log_probs = F.log_softmax(logits / self.temperature, 1)
        return logits, log_probs, log_probs.exp()

    def flops_per_row(self):
        return 2.0 * self.n_hidden * (self.n_inputs + self.n_experts)


class GruCell(nn.Module):
    def __init__(self, inputs, width):
        super().__init__()
        self.gru = nn.GRUCell(inputs, width)
        self.inputs, self.width = inputs, width

    def forward(self, state, inp):
        return self.gru(inp, state)

    def flops_per_row(self):
        return 2.0 * 3.0 * (self.inputs * self.width + self.width * self.width)


class ReflectionExpert(nn.Module):
    def __init__(self, inputs, classes, width, max_depth):
        super().__init__()
        ch = max(16, width // 2)
        self.cell = GruCell(inputs + classes + 1, width)
        self.init = nn.Linear(inputs, width)
        self.head = nn.Linear(width, classes)
        self.critic1 = nn.Linear(width + classes, ch)
        self.critic2 = nn.Linear(ch, 1)
        self.halt = nn.Linear(width, 1)
        self.inputs, self.classes, self.width, self.ch = inputs, classes, width, ch
        self.max_depth = max(max_depth, 1)

    def step(self, state, e, draft, critique):
        inp = torch.cat([e, draft, critique.unsqueeze(1)], 1)
        state = self.cell(state, inp)
        logits = self.head(state)
        probs = torch.softmax(logits, 1)
        crit = torch.sigmoid(self.critic2(F.gelu(self.critic1(torch.cat([state, probs], 1))))).squeeze(1)
        lam = torch.sigmoid(self.halt(state)).squeeze(1)
        return state, logits, probs, crit, lam

    def reflect(self, e, halting, threshold, shrink):
        """Up to max_depth steps; with shrink (eval) halted rows are no longer computed."""
        n, classes, steps = e.size(0), self.classes, self.max_depth
        state = torch.tanh(self.init(e))
        logits = e.new_zeros(n, classes)
        draft = e.new_full((n, classes), 1.0 / classes)
        critique = e.new_zeros(n)
        lam = e.new_zeros(n)
        cumulative = e.new_zeros(n)
        halt = torch.zeros(n, dtype=torch.long)
        active = torch.arange(n)
        all_active = True
        logits_s, probs_s, crit_s, lam_s, state_s, computed_s = [], [], [], [], [], []
        for t in range(1, steps + 1):
            computed = torch.zeros(n, dtype=torch.bool)
            if active.numel() > 0:
                if all_active:
                    state, logits, draft, critique, lam = self.step(state, e, draft, critique)
                    cumulative = cumulative + lam.detach()
                    halt_now = self._halts(critique, halting, threshold)
                    computed.fill_(True)
                else:
                    s, lg, pr, cr, la = self.step(state.index_select(0, active),
                                                  e.index_select(0, active),
                                                  draft.index_select(0, active),
                                                  critique.index_select(0, active))
                    state = state.index_copy(0, active, s)
                    logits = logits.index_copy(0, active, lg)
                    draft = draft.index_copy(0, active, pr)
                    critique = critique.index_copy(0, active, cr)
                    lam = lam.index_copy(0, active, la)
                    cum_active = cumulative.index_select(0, active) + la.detach()
                    cumulative = cumulative.index_copy(0, active, cum_active)
                    halt_now = self._halts(cr, halting, threshold)
                    computed.index_fill_(0, active, True)
                if t == steps:
                    halt_now = torch.ones_like(halt_now)
                first = halt_now & halt.index_select(0, active).eq(0)
                halt.index_fill_(0, active.masked_select(first), t)
                if shrink and bool(halt_now.any()):
                    active = active.masked_select(~halt_now)
                    all_active = False
            logits_s.append(logits)
            probs_s.append(draft)
            crit_s.append(critique)
            lam_s.append(lam)
            state_s.append(state)
            computed_s.append(computed)
        run = {}
        run["logits"] = torch.stack(logits_s, 0)
        run["critique"] = torch.stack(crit_s, 0)
        run["lambda"] = torch.stack(lam_s, 0)
        run["computed"] = torch.stack(computed_s, 0)
        run["halt"] = halt
        run["iterations"] = run["computed"].long().sum(0)
        t_idx = torch.arange(1, steps + 1).unsqueeze(1)
        held = torch.minimum(t_idx, halt.unsqueeze(0)) - 1
        raw_probs = torch.stack(probs_s, 0)
        run["probs"] = raw_probs.gather(0, held.unsqueeze(2).expand(steps, n, classes))
        run["held_critique"] = run["critique"].gather(0, held)
        last = (halt - 1).unsqueeze(0)
        run["answer"] = raw_probs.gather(0, last.unsqueeze(2).expand(1, n, classes)).squeeze(0)
        run["confidence"] = run["held_critique"].gather(0, last).squeeze(0)
        states = torch.stack(state_s, 0)
        run["state"] = states.gather(0, last.unsqueeze(2).expand(1, n, states.size(2))).squeeze(0)
        return run

    @staticmethod
    def _halts(critique, halting, threshold):
        if halting == "critique":
            return critique.detach() >= threshold
        return torch.zeros(critique.shape, dtype=torch.bool)

    def step_flops(self):
        w, c, ch = float(self.width), float(self.classes), float(self.ch)
        return self.cell.flops_per_row() + 2 * w * c + 2 * (w + c) * ch + 2 * ch + 2 * w

    def init_flops(self):
        return 2.0 * self.inputs * self.width


def entropy_bits(p):
    return -(p * torch.log2(p.clamp_min(1e-12))).sum(-1)


class MoRReference(nn.Module):
    """The whole model for a config dict as the C++ core writes it (snake_case keys)."""

    def __init__(self, config, inputs, classes):
        super().__init__()
        m = config["model"]
        self.cfg = m
        hidden = max(m["encoder"]["hidden"], 1)
        experts = m["experts"]
        r = m["router"]
        ic = m["integration"]
        assert r["strategy"] == "top_k" and r.get("jitter", 0.0) == 0.0
        assert ic["fusion"] == "confidence" and ic["resolution"] == "weighted"
        assert m["task_loss"] == "expected" and m["encoder"].get("dropout", 0.0) == 0.0
        self.encoder = Encoder(inputs, hidden, m["encoder"]["layers"])
        self.router = Router(hidden, len(experts), max(r["hidden"], 1), r["temperature"])
        self.experts_ = []
        for j, ec in enumerate(experts):
            assert ec["cell"] == "gru" and ec["halting"] in ("critique", "fixed")
            ex = ReflectionExpert(hidden, classes, max(ec["width"], 1), ec["max_depth"])
            self.add_module(f"expert{j}", ex)
            self.experts_.append(ex)
        self.classes = classes

    def forward(self, x, y=None):
        m, r, ic = self.cfg, self.cfg["router"], self.cfg["integration"]
        batch, classes, E = x.size(0), self.classes, len(self.experts_)
        e = self.encoder(x)
        router_logits, router_log_probs, probs_r = self.router(e)
        # top-k with a stable descending sort (ties go to the lower expert index)
        k = min(max(r["top_k"], 1), E)
        order = probs_r.detach().sort(dim=1, descending=True, stable=True)[1]
        mask = torch.zeros(probs_r.shape).scatter(1, order.narrow(1, 0, k), 1.0).gt(0.5)
        gates = probs_r * mask.to(probs_r.dtype)
        if r["renormalize"]:
            gates = gates / gates.sum(1, keepdim=True).clamp_min(1e-12)

        uniform = e.new_full((batch, classes), 1.0 / classes)
        zero_conf = e.new_zeros(batch)
        zero_steps = torch.zeros(batch, dtype=torch.long)
        answer_cols, conf_cols, step_cols, passes = [], [], [], []
        for j, ex in enumerate(self.experts_):
            ec = m["experts"][j]
            rows = mask[:, j].nonzero().squeeze(1)
            if rows.numel() == 0:
                answer_cols.append(uniform)
                conf_cols.append(zero_conf)
                step_cols.append(zero_steps)
                passes.append(None)
                continue
            run = ex.reflect(e.index_select(0, rows), ec["halting"], ec["halt_threshold"],
                             not self.training)
            passes.append((rows, run))
            answer_cols.append(uniform.index_copy(0, rows, run["answer"]))
            conf_cols.append(zero_conf.index_copy(0, rows, run["confidence"]))
            step_cols.append(zero_steps.index_copy(0, rows, run["iterations"]))
        answers = torch.stack(answer_cols, 1)
        confidences = torch.stack(conf_cols, 1)
        weights, probs, score, conflict = self._fuse(answers, confidences, gates, mask)
        out = {"logits": torch.log(probs.clamp_min(1e-12)), "router_probs": probs_r,
               "mask": mask, "gates": gates, "steps": torch.stack(step_cols, 1),
               "conflict": conflict, "conflict_score": score}

        with torch.no_grad():  # what the C++ forward also computes: per-step fused predictions
            max_depth = max([1] + [ex.max_depth for ex in self.experts_])
            preds = []
            for t in range(1, max_depth + 1):
                q, c = [], []
                for p in passes:
                    if p is None:
                        q.append(uniform)
                        c.append(zero_conf)
                        continue
                    rows, run = p
                    idx = min(t, run["probs"].size(0)) - 1
                    q.append(uniform.index_copy(0, rows, run["probs"][idx]))
                    c.append(zero_conf.index_copy(0, rows, run["held_critique"][idx]))
                preds.append(self._fuse(torch.stack(q, 1), torch.stack(c, 1), gates, mask)[1]
                             .argmax(1))
            out["step_preds"] = torch.stack(preds, 0)
        # analytic FLOPs per input, as the C++ model counts them
        flops = torch.full((batch,), self.encoder.flops_per_row() + self.router.flops_per_row(),
                           dtype=torch.double)
        mask_d = mask.double()
        for j, ex in enumerate(self.experts_):
            flops = flops + out["steps"][:, j].double() * ex.step_flops() \
                + mask_d[:, j] * ex.init_flops()
        out["flops"] = flops + mask_d.sum(1) * (4.0 + 2.0 * classes)

        if y is not None:
            out["total_loss"], out["losses"] = self._losses(out, y, passes, router_logits,
                                                            router_log_probs)
        return out

    def _fuse(self, answers, confidences, gates, mask):
        ic = self.cfg["integration"]
        raw = gates * torch.pow(confidences.clamp_min(1e-6), ic["gamma"])
        w = raw * mask.to(raw.dtype)
        w = w / w.sum(1, keepdim=True).clamp_min(1e-12)
        probs = (w.unsqueeze(2) * answers).sum(1)
        mixture = (w.unsqueeze(2) * answers).sum(1)
        score = (entropy_bits(mixture) - (w * entropy_bits(answers)).sum(1)).clamp_min(0.0)
        confident = confidences.detach().ge(ic["confident_threshold"]) & mask
        conflict = score.detach().gt(ic["conflict_threshold"]) & confident.sum(1).ge(2)
        return w, probs, score, conflict

    def _losses(self, out, y, passes, router_logits, router_log_probs):
        m, r = self.cfg, self.cfg["router"]
        losses = {"task": F.nll_loss(out["logits"], y)}
        task = crit = halting = weighted_halting = improvement = None
        rows_total = 0.0

        def add(acc, term, n):
            return term * n if acc is None else acc + term * n

        for j, p in enumerate(passes):
            if p is None:
                continue
            rows, run = p
            ec = m["experts"][j]
            yj = y.index_select(0, rows)
            steps, n, classes = run["logits"].shape
            step_loss = F.cross_entropy(run["logits"].reshape(steps * n, classes),
                                        yj.repeat(steps), reduction="none").view(steps, n)
            lam, cr = run["lambda"], run["critique"]
            if ec["halting"] == "fixed":
                sw = torch.zeros_like(lam)
                sw[steps - 1] = 1.0
            else:
                sw = torch.full_like(lam, 1.0 / steps)
            t_task = (sw * step_loss).sum(0).mean()
            correct = run["logits"].argmax(2).eq(yj.unsqueeze(0)).to(cr.dtype)
            computed = run["computed"].to(cr.dtype)
            bce = F.binary_cross_entropy(cr.clamp(1e-6, 1.0 - 1e-6), correct.detach(),
                                         reduction="none")
            t_crit = (bce * computed).sum() / computed.sum().clamp_min(1.0)
            if ec["halting"] == "critique":
                gate = cr.detach().ge(ec["halt_threshold"]).to(lam.dtype)
                t_halt = F.binary_cross_entropy(lam.clamp(1e-6, 1.0 - 1e-6), gate)
            else:
                t_halt = lam.sum() * 0.0
            if steps > 1:
                t_impr = F.relu(step_loss[1:] - step_loss[:-1]).sum(0).mean()
            else:
                t_impr = step_loss.sum() * 0.0
            nn_ = float(rows.numel())
            task = add(task, t_task, nn_)
            crit = add(crit, t_crit, nn_)
            halting = add(halting, t_halt, nn_)
            weighted_halting = add(weighted_halting, t_halt * ec["halt_weight"], nn_)
            improvement = add(improvement, t_impr, nn_)
            rows_total += nn_
        losses["expert"] = task / rows_total
        losses["critique"] = crit / rows_total
        losses["halting"] = halting / rows_total
        probs_r, mask = out["router_probs"], out["mask"]
        assigned = mask.to(probs_r.dtype).sum(0)
        share = assigned / assigned.sum().clamp_min(1.0)
        losses["balance"] = float(probs_r.size(1)) * (share * probs_r.mean(0)).sum()
        losses["z"] = torch.logsumexp(router_logits, 1).pow(2).mean()
        total = (losses["task"] + m["expert_weight"] * losses["expert"]
                 + m["critique_weight"] * losses["critique"] + weighted_halting / rows_total
                 + r["balance_weight"] * losses["balance"] + r["z_loss_weight"] * losses["z"])
        if r.get("feedback_weight", 0.0) > 0.0 and len(passes) > 1:
            # router feedback (score function): log p_j times the expert's loss on the input
            # relative to a uniform guess
            logp, loss = [], []
            for j, p in enumerate(passes):
                if p is None:
                    continue
                rows, run = p
                yj = y.index_select(0, rows)
                answer = run["answer"].detach().clamp_min(1e-12)
                loss.append(-answer.log().gather(1, yj.unsqueeze(1)).squeeze(1))
                logp.append(router_log_probs.index_select(0, rows).select(1, j))
            if loss:
                advantage = torch.cat(loss) - math.log(float(self.classes))
                losses["feedback"] = (torch.cat(logp) * advantage).mean()
                total = total + r["feedback_weight"] * losses["feedback"]
        assert r["selector_weight"] == 0.0 and m["integration"]["conflict_weight"] == 0.0
        if m["improvement_weight"] > 0.0:
            losses["improvement"] = improvement / rows_total
            total = total + m["improvement_weight"] * losses["improvement"]
        return total, losses


def load_exported_weights(model, path):
    """Copies the parameters of a `mor export --weights` archive into the port, by name."""
    archive = torch.jit.load(path, map_location="cpu")
    source = dict(archive.named_parameters())
    source.update(dict(archive.named_buffers()))
    own = dict(model.named_parameters())
    missing = [k for k in own if k not in source]
    # An unfitted critic temperature (1) changes nothing; the port applies none. Nor does an
    # unset calibrated halting threshold (-1: the config's halt_threshold applies).
    extra = [k for k in source if k not in own
             and not (k.endswith("critic_temperature") and bool((source[k] == 1).all()))
             and not (k.endswith("halt_threshold") and bool((source[k] == -1).all()))]
    if missing or extra:
        raise KeyError(f"parameter names differ: missing {missing[:5]}, unexpected {extra[:5]}")
    with torch.no_grad():
        for k, p in own.items():
            if p.shape != source[k].shape:
                raise ValueError(f"{k}: shape {tuple(source[k].shape)} != {tuple(p.shape)}")
            p.copy_(source[k])
    return len(own)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
