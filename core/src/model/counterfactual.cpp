#include "model/counterfactual.h"

#include "model/fused_reflect.h"
#include "model/mor_model.h"

#include <algorithm>

namespace mor::model {

std::string checkIntervention(const Intervention& iv, int64_t experts)
{
    const auto bad = [experts](int j) { return j < 0 || j >= experts; };
    const std::string range = " (the model has experts 0.." + std::to_string(experts - 1) + ")";
    for (int j : iv.veto) {
        if (bad(j)) {
            return "veto: no expert " + std::to_string(j) + range;
        }
    }
    for (int j : iv.route) {
        if (bad(j)) {
            return "route: no expert " + std::to_string(j) + range;
        }
    }
    if (!iv.routeGates.empty() && iv.routeGates.size() != iv.route.size()) {
        return "route: " + std::to_string(iv.routeGates.size()) + " gates for "
               + std::to_string(iv.route.size()) + " experts (give one gate per expert, or none)";
    }
    if (iv.forceHalt < 0 || iv.extraSteps < 0) {
        return "force-halt and extra-steps must be >= 0";
    }
    return {};
}

void interveneRouting(const Intervention& iv, const torch::Tensor& probs, bool renormalize,
                      torch::Tensor& mask, torch::Tensor& gates)
{
    const int64_t batch = probs.size(0);
    const int64_t experts = probs.size(1);
    const auto boolOpts = mask.options().dtype(torch::kBool);
    if (!iv.route.empty()) {
        auto set = torch::zeros({experts}, boolOpts);
        auto given = torch::zeros({experts}, gates.options());
        for (size_t i = 0; i < iv.route.size(); ++i) {
            set[iv.route[i]] = true;
            if (!iv.routeGates.empty()) {
                given[iv.route[i]] = iv.routeGates[i];
            }
        }
        mask = set.unsqueeze(0).expand({batch, experts}).clone();
        if (!iv.routeGates.empty()) {
            gates = given.unsqueeze(0).expand({batch, experts}).clone();
        } else {
            gates = probs.to(gates.scalar_type()) * mask.to(gates.scalar_type());
            if (renormalize) {
                gates = gates / gates.sum(1, true).clamp_min(1e-12);
            }
        }
    }
    if (iv.veto.empty()) {
        return;
    }
    auto allowed = torch::ones({experts}, boolOpts);
    for (int j : iv.veto) {
        allowed[j] = false;
    }
    const auto total = gates.sum(1, true);
    auto kept = mask.logical_and(allowed.unsqueeze(0));
    auto keptGates = gates * kept.to(gates.scalar_type());
    // Every selected expert vetoed: the best remaining one by router p takes the input.
    const auto empty = kept.any(1).logical_not();
    if (empty.any().item<bool>() && allowed.any().item<bool>()) {
        const auto scores = probs.masked_fill(allowed.logical_not().unsqueeze(0), -1.0);
        const auto best = scores.argmax(1);
        const auto fallback = torch::one_hot(best, experts).to(torch::kBool)
                                  .logical_and(empty.unsqueeze(1));
        kept = kept.logical_or(fallback);
        const auto p = probs.to(gates.scalar_type());
        keptGates = torch::where(fallback, renormalize ? torch::ones_like(p) : p, keptGates);
    }
    if (renormalize) {
        const auto sum = keptGates.sum(1, true);
        keptGates = torch::where(sum.gt(0), keptGates * total / sum.clamp_min(1e-12), keptGates);
    }
    mask = kept;
    gates = keptGates;
}

ExpertRun reflectUnder(ReflectionExpertImpl& expert, const torch::Tensor& e,
                       const HaltingPolicy& policy, const Intervention& iv,
                       const TokenMemory& memory)
{
    if (!iv.changesReflection()) {
        return expert.reflect(e, policy, /*shrink=*/true, memory);
    }
    const int64_t n = e.size(0);
    const int64_t classes = expert.options.classes();
    const int64_t maxDepth = std::max<int64_t>(expert.options.maxDepth(), 1);
    const bool forced = iv.forceHalt > 0 || iv.extraSteps > 0;
    const int64_t depth = (iv.forceHalt > 0 ? std::min(iv.forceHalt, maxDepth) : maxDepth)
                          + std::max<int64_t>(iv.extraSteps, 0);
    const int64_t steps = forced ? depth : maxDepth;
    const auto longOpts = e.options().dtype(torch::kLong);

    auto state = expert.initialState(e);
    auto draft = torch::full({n, classes}, 1.0 / double(classes), e.options());
    auto fed = torch::zeros({n}, e.options());
    const auto zero = torch::zeros({n}, e.options());
    const auto all = torch::ones({n}, e.options().dtype(torch::kBool));
    auto progress = policy.start(e);
    auto halt = forced ? torch::full({n}, depth, longOpts) : torch::zeros({n}, longOpts);
    std::vector<torch::Tensor> logits, probs, critique, z, lambda, states;
    for (int64_t t = 1; t <= steps; ++t) {
        const auto s = expert.step(state, e, draft, iv.noCritiqueFeedback ? zero : fed, t, memory);
        state = s.state;
        draft = s.probs;
        fed = s.fedCritique;
        logits.push_back(s.logits);
        probs.push_back(s.probs);
        critique.push_back(s.critique);
        z.push_back(s.criticLogit);
        lambda.push_back(s.lambda);
        states.push_back(s.state);
        if (!forced) {
            auto now = policy.haltsNow(progress, s.critique, s.lambda, all,
                                       expert.activeHaltThreshold());
            if (t == steps) {
                now = torch::ones_like(now);
            }
            halt = torch::where(halt.eq(0).logical_and(now), torch::full_like(halt, t), halt);
        }
    }

    ExpertRun run;
    run.logits = torch::stack(logits, 0);
    run.critique = torch::stack(critique, 0);
    run.criticLogit = torch::stack(z, 0);
    run.lambda = torch::stack(lambda, 0);
    const auto t = torch::arange(1, steps + 1, longOpts).unsqueeze(1);
    run.computed = t.le(halt.unsqueeze(0));
    run.haltStep = halt;
    run.iterations = halt.clone();
    finishExpertRun(run, torch::stack(probs, 0), torch::stack(states, 0), halt,
                    policy.kind() == HaltingKind::Act);
    return run;
}

CounterfactualRow evaluateUnder(MoRModelImpl& model, const torch::Tensor& x,
                                const torch::Tensor& y, const torch::Tensor& domain,
                                const Intervention& iv, int64_t batchSize)
{
    CounterfactualRow row;
    const int64_t n = x.size(0);
    int64_t right = 0;
    int64_t steps = 0;
    for (int64_t start = 0; start < n; start += batchSize) {
        const int64_t len = std::min(batchSize, n - start);
        const auto out = model.forwardUnder(x.narrow(0, start, len), y.narrow(0, start, len),
                                            domain.defined() ? domain.narrow(0, start, len)
                                                             : torch::Tensor(),
                                            iv);
        const auto labels = y.narrow(0, start, len).to(out.logits.device(), torch::kLong);
        right += out.logits.argmax(1).eq(labels).sum().item<int64_t>();
        steps += out.steps.sum().item<int64_t>();
    }
    row.accuracy = n > 0 ? double(right) / double(n) : 0.0;
    row.expertSteps = n > 0 ? double(steps) / double(n) : 0.0;
    return row;
}

std::vector<CounterfactualRow> counterfactualRows(MoRModelImpl& model, const torch::Tensor& x,
                                                  const torch::Tensor& y,
                                                  const torch::Tensor& domain,
                                                  int64_t batchSize, int64_t* maxDepth,
                                                  int* bestExpert)
{
    // Every row on reflect()'s ATen step, as the forced-halt rows (reflectUnder's loop) are: a
    // near tie cannot then flip between "model as trained" and an intervention by the fused CPU
    // step's different float rounding alone (fused_reflect.h).
    const FusedReflectGuard aten(false);
    const auto& experts = model.config().experts;
    const int64_t count = int64_t(experts.size());
    int64_t depth = 1;
    for (const auto& ec : experts) {
        depth = std::max<int64_t>(depth, ec.maxDepth);
    }
    std::vector<CounterfactualRow> rows;
    const auto add = [&](const std::string& kind, int64_t value, const std::string& label,
                         const Intervention& iv) {
        auto row = evaluateUnder(model, x, y, domain, iv, std::max<int64_t>(batchSize, 1));
        row.kind = kind;
        row.value = value;
        row.label = label;
        rows.push_back(row);
        return row.accuracy;
    };
    add("model", -1, "model as trained", {});
    for (int64_t k = 1; k <= depth; ++k) {
        Intervention iv;
        iv.forceHalt = k;
        add("halt", k, "halt at t=" + std::to_string(k) + (k == depth ? " (fixed depth)" : ""),
            iv);
    }
    if (count > 1) {
        for (int j = 0; j < int(count); ++j) {
            Intervention iv;
            iv.veto = {j};
            add("veto", j, "veto expert " + std::to_string(j), iv);
        }
    }
    int best = -1;
    double bestAccuracy = -1.0;
    for (int j = 0; j < int(count); ++j) {
        Intervention iv;
        iv.route = {j};
        iv.routeGates = {1.f}; // the router replaced: the expert alone, at full weight
        const double accuracy = add("route", j, "route all to expert " + std::to_string(j), iv);
        if (accuracy > bestAccuracy) {
            bestAccuracy = accuracy;
            best = j;
        }
    }
    if (maxDepth) {
        *maxDepth = depth;
    }
    if (bestExpert) {
        *bestExpert = best;
    }
    return rows;
}

} // namespace mor::model
