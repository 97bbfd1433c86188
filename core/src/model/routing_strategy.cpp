#include "model/routing_strategy.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mor::model {

namespace {

// Marks the first `count` entries of `order` (indices along dim) in a bool mask shaped like probs.
torch::Tensor maskFromOrder(const torch::Tensor& probs, const torch::Tensor& order, int64_t dim,
                            int64_t count)
{
    auto marks = torch::zeros(probs.sizes(), probs.options().dtype(torch::kFloat));
    count = std::min<int64_t>(count, order.size(dim));
    if (count <= 0) {
        return marks.gt(0.5);
    }
    return marks.scatter(dim, order.narrow(dim, 0, count), 1.0).gt(0.5);
}

// Stable descending sort: equal probabilities keep expert order, so ties go to the lower index.
torch::Tensor descendingOrder(const torch::Tensor& values, int64_t dim)
{
    return std::get<1>(values.sort(/*stable=*/true, dim, /*descending=*/true));
}

} // namespace

bool parseRoutingStrategy(const std::string& name, RoutingStrategy& strategy)
{
    static const std::pair<const char*, RoutingStrategy> names[] = {
        {"top_k", RoutingStrategy::TopK},
        {"threshold", RoutingStrategy::Threshold},
        {"top_p", RoutingStrategy::TopP},
        {"expert_choice", RoutingStrategy::ExpertChoice},
        {"shared_routed", RoutingStrategy::SharedRouted},
        {"random", RoutingStrategy::Random},
    };
    for (const auto& [text, value] : names) {
        if (name == text) {
            strategy = value;
            return true;
        }
    }
    return false;
}

namespace {

/// selectTopK on a CPU float tensor: topKRowMask per row, instead of a stable sort of every row
/// (+ scatter and compare). Returns false when a row holds a NaN, which the sort orders first;
/// the caller then sorts.
template <typename T>
bool topKByScan(const T* p, int64_t rows, int64_t experts, int64_t stride, int64_t k, bool* mask)
{
    for (int64_t r = 0; r < rows; ++r) {
        const T* row = p + r * stride;
        for (int64_t e = 0; e < experts; ++e) {
            if (std::isnan(row[e])) {
                return false;
            }
        }
        topKRowMask(row, experts, k, mask + r * experts);
    }
    return true;
}

} // namespace

torch::Tensor selectTopK(const torch::Tensor& probs, int64_t k)
{
    const int64_t experts = probs.size(1);
    k = std::clamp<int64_t>(k, 1, experts);
    if (probs.is_cpu() && probs.dim() == 2 && probs.stride(1) == 1
        && (probs.scalar_type() == torch::kFloat || probs.scalar_type() == torch::kDouble)) {
        auto mask = torch::empty(probs.sizes(), probs.options().dtype(torch::kBool));
        const bool ok = probs.scalar_type() == torch::kFloat
                            ? topKByScan(probs.data_ptr<float>(), probs.size(0), experts,
                                         probs.stride(0), k, mask.data_ptr<bool>())
                            : topKByScan(probs.data_ptr<double>(), probs.size(0), experts,
                                         probs.stride(0), k, mask.data_ptr<bool>());
        if (ok) {
            return mask;
        }
    }
    return maskFromOrder(probs, descendingOrder(probs.detach(), 1), 1, k);
}

torch::Tensor selectThreshold(const torch::Tensor& probs, double threshold)
{
    const auto p = probs.detach();
    return p.ge(threshold).logical_or(selectTopK(p, 1));
}

torch::Tensor selectTopP(const torch::Tensor& probs, double topP)
{
    const auto p = probs.detach();
    const auto [sorted, order] = p.sort(/*stable=*/true, 1, /*descending=*/true);
    // Keep an expert while the mass before it is still short of topP (tolerance for float sums).
    const auto before = sorted.cumsum(1) - sorted;
    auto keep = before.lt(topP - 1e-6).to(torch::kFloat);
    keep.select(1, 0).fill_(1.0);
    return torch::zeros_like(keep).scatter(1, order, keep).gt(0.5);
}

namespace {
int64_t expertCapacity(int64_t batch, int64_t experts, int64_t k, double capacityFactor)
{
    const double wanted = std::ceil(capacityFactor * double(batch) * double(std::max<int64_t>(k, 1))
                                    / double(experts) - 1e-9);
    return std::clamp<int64_t>(int64_t(wanted), 1, std::max<int64_t>(batch, 1));
}
} // namespace

torch::Tensor expertChoiceCutoffs(const torch::Tensor& probs, int64_t k, double capacityFactor)
{
    const auto p = probs.detach();
    if (p.size(0) == 0) {
        return torch::full({p.size(1)}, -1.0, p.options());
    }
    const int64_t capacity = expertCapacity(p.size(0), p.size(1), k, capacityFactor);
    const auto sorted = std::get<0>(p.sort(/*stable=*/true, 0, /*descending=*/true));
    return sorted.select(0, capacity - 1);
}

torch::Tensor sampleTopK(const torch::Tensor& probs, int64_t k, torch::Tensor* logProb)
{
    const int64_t experts = probs.size(1);
    k = std::clamp<int64_t>(k, 1, experts);
    const auto logp = probs.clamp_min(1e-12).log();
    const auto u = torch::rand(probs.sizes(), probs.options()).clamp(1e-10, 1.0 - 1e-7);
    const auto keys = logp.detach() - (-u.log()).log();
    const auto order = descendingOrder(keys, 1).narrow(1, 0, k);
    if (logProb) {
        // log P(o_1..o_k) = sum_i log p_{o_i} - log(1 - sum_{l<i} p_{o_l})
        const auto picked = probs.gather(1, order);
        const auto before = (picked.cumsum(1) - picked).clamp_max(1.0 - 1e-6);
        *logProb = (picked.clamp_min(1e-12).log() - (1.0 - before).log()).sum(1);
    }
    return maskFromOrder(probs, order, 1, k);
}

torch::Tensor selectHashed(const torch::Tensor& probs, int64_t k)
{
    const int64_t experts = probs.size(1);
    k = std::clamp<int64_t>(k, 1, experts);
    // p rounded to 1e-3 (so float noise between batch shapes does not change the draw), mixed
    // into one integer per input, then one pseudo-random key per expert.
    const auto q = probs.detach().mul(1000.0).round().to(torch::kLong).cpu();
    const auto longs = q.options();
    auto powers = torch::ones({experts}, longs);
    for (int64_t j = 1; j < experts; ++j) {
        powers[j] = (powers[j - 1].item<int64_t>() * 1009) % 1000003;
    }
    const auto seed = (q * powers.unsqueeze(0)).sum(1, true).remainder(1000003);
    const auto salt = torch::arange(experts, longs).mul(7919).add(104729).unsqueeze(0);
    const auto keys = (seed.add(1).mul(salt).add(salt.pow(2).remainder(65521)))
                          .remainder(999983)
                          .to(probs.device());
    return maskFromOrder(probs, descendingOrder(keys, 1), 1, k);
}

torch::Tensor selectExpertChoice(const torch::Tensor& probs, int64_t k, double capacityFactor)
{
    const auto p = probs.detach();
    const int64_t batch = p.size(0);
    const int64_t experts = p.size(1);
    const int64_t capacity = expertCapacity(batch, experts, k, capacityFactor);
    auto mask = maskFromOrder(p, descendingOrder(p, 0), 0, capacity);
    const auto orphan = mask.any(1).logical_not().unsqueeze(1);
    return mask.logical_or(orphan.logical_and(selectTopK(p, 1)));
}

torch::Tensor selectSharedRouted(const torch::Tensor& probs, int64_t shared, int64_t k)
{
    const auto p = probs.detach();
    const int64_t experts = p.size(1);
    shared = std::clamp<int64_t>(shared, 0, experts);
    const int64_t routed = experts - shared;
    auto sharedMask = torch::ones({p.size(0), shared}, p.options().dtype(torch::kBool));
    if (routed == 0) {
        return sharedMask;
    }
    const auto rest = p.narrow(1, shared, routed);
    // Without shared experts every input still needs one routed expert.
    const int64_t kk = std::clamp<int64_t>(k, shared > 0 ? 0 : 1, routed);
    auto restMask = maskFromOrder(rest, descendingOrder(rest, 1), 1, kk);
    return torch::cat({sharedMask, restMask}, 1);
}

torch::Tensor selectRandom(const torch::Tensor& probs, int64_t k)
{
    const int64_t experts = probs.size(1);
    k = std::clamp<int64_t>(k, 1, experts);
    // The k largest of uniform scores: selectTopK's scan on the CPU (picks what the stable sort
    // picks, O(E) a row instead of a sort of every row: 1 ms of a 40 ms step at E = 32).
    const auto scores = torch::rand(probs.sizes(), probs.options().dtype(torch::kFloat));
    return selectTopK(scores, k);
}

torch::Tensor selectProbes(const torch::Tensor& mask, double fraction)
{
    auto probes = torch::zeros(mask.sizes(), mask.options().dtype(torch::kBool));
    const int64_t batch = mask.size(0);
    if (fraction <= 0.0 || batch == 0) {
        return probes;
    }
    const auto eligible = mask.logical_not().any(1).nonzero().squeeze(1);
    const int64_t wanted = std::min<int64_t>(
        std::max<int64_t>(1, std::llround(fraction * double(batch))), eligible.numel());
    if (wanted == 0) {
        return probes;
    }
    const auto longs = eligible.options();
    const auto rows = eligible.index_select(
        0, torch::randperm(eligible.numel(), longs).narrow(0, 0, wanted));
    // Uniform over the unselected experts: every expert keeps being tried, so one the router
    // ignores can still become good at an input and win it.
    const auto scores = torch::rand({wanted, mask.size(1)}, mask.options().dtype(torch::kFloat))
                            .masked_fill(mask.index_select(0, rows), -1.0);
    probes.index_put_({rows, scores.argmax(1)}, true);
    return probes;
}

torch::Tensor gatesFromMask(const torch::Tensor& probs, const torch::Tensor& mask,
                            bool renormalize)
{
    auto gates = probs * mask.to(probs.scalar_type());
    if (renormalize) {
        gates = gates / gates.sum(1, true).clamp_min(1e-12);
    }
    return gates;
}

torch::Tensor switchMixture(const torch::Tensor& fused, const torch::Tensor& gates)
{
    const auto mass = gates.sum(1, true).clamp_max(1.0);
    return mass * fused + (1.0 - mass) / double(fused.size(1));
}

Routing route(const torch::Tensor& probs, const RouterConfig& config, bool training,
              const torch::Tensor& expertThresholds)
{
    const RoutingStrategy strategy = config.strategy;
    Routing routing;
    const bool sampled = training && config.sampling == RouterSampling::Gumbel;
    const int64_t experts = probs.size(1);
    const int64_t shared = strategy == RoutingStrategy::SharedRouted
                               ? std::clamp<int64_t>(config.sharedExperts, 0, experts)
                               : 0;
    switch (strategy) {
    case RoutingStrategy::TopK:
        routing.mask = sampled ? sampleTopK(probs, config.topK, &routing.logProb)
                               : selectTopK(probs, config.topK);
        break;
    case RoutingStrategy::Threshold:
        routing.mask = selectThreshold(probs, config.threshold);
        break;
    case RoutingStrategy::TopP: routing.mask = selectTopP(probs, config.topP); break;
    case RoutingStrategy::ExpertChoice:
        routing.batchMask = selectExpertChoice(probs, config.topK, config.capacityFactor);
        if (training || !expertThresholds.defined()) {
            routing.mask = routing.batchMask;
        } else {
            // Per input: every expert whose p reaches the capacity cut-off it learned in
            // training, and the argmax when none does.
            const auto keep = probs.detach().ge(expertThresholds.to(probs.device()).unsqueeze(0));
            const auto none = keep.any(1).logical_not().unsqueeze(1);
            routing.mask = keep.logical_or(none.logical_and(selectTopK(probs, 1)));
        }
        break;
    case RoutingStrategy::SharedRouted:
        if (sampled && experts - shared > 0) {
            const auto routed = probs.narrow(1, shared, experts - shared);
            const auto sum = routed.sum(1, true).clamp_min(1e-12);
            const auto pick = sampleTopK(routed / sum, std::max<int64_t>(config.topK, 1),
                                         &routing.logProb);
            routing.mask = torch::cat(
                {torch::ones({probs.size(0), shared}, pick.options()), pick}, 1);
        } else {
            routing.mask = selectSharedRouted(probs, config.sharedExperts, config.topK);
        }
        break;
    case RoutingStrategy::Random:
        routing.mask = training ? selectRandom(probs, config.topK)
                                : selectHashed(probs, config.topK);
        break;
    }
    if (shared > 0) {
        // DeepSeekMoE: shared experts are always on with gate 1; the routed experts' gates are
        // the router's distribution over the routed experts only.
        const auto routed = probs.narrow(1, shared, experts - shared);
        const auto routedGates =
            gatesFromMask(routed / routed.sum(1, true).clamp_min(1e-12),
                          routing.mask.narrow(1, shared, experts - shared), config.renormalize);
        routing.gates = torch::cat({torch::ones({probs.size(0), shared}, probs.options()),
                                    routedGates}, 1);
    } else {
        routing.gates = gatesFromMask(probs, routing.mask, config.renormalize);
    }
    if (training && config.objective != RouterObjective::Routed) {
        // Competitive objectives (mixture likelihood, hard EM): every expert answers every
        // training input; the gate is the router's whole distribution.
        routing.selection = routing.mask;
        routing.mask = torch::ones_like(routing.selection);
        routing.gates = probs;
    }
    return routing;
}

} // namespace mor::model

namespace mor::model {

std::vector<int64_t> groupOfExperts(const RouterConfig& config, int64_t experts)
{
    std::vector<int64_t> group(size_t(std::max<int64_t>(experts, 0)), -1);
    for (size_t g = 0; g < config.groups.size(); ++g) {
        for (const int64_t j : config.groups[g].experts) {
            if (j >= 0 && j < experts) {
                group[size_t(j)] = int64_t(g);
            }
        }
    }
    return group;
}

Routing routeGroups(const torch::Tensor& probs, const torch::Tensor& domain,
                    const RouterConfig& config, bool training,
                    const torch::Tensor& expertThresholds)
{
    TORCH_CHECK(!config.groups.empty(), "routeGroups needs model.router.groups");
    const int64_t batch = probs.size(0);
    const int64_t experts = probs.size(1);
    // Each input's group: its domain's, or (no label / unknown domain) its argmax expert's.
    const auto ofExpert = groupOfExperts(config, experts);
    auto expertTable = torch::tensor(ofExpert, torch::kLong).clamp_min(0).to(probs.device());
    auto group = expertTable.index_select(0, probs.detach().argmax(1));
    if (domain.defined() && batch > 0) {
        int64_t maxDomain = 0;
        for (const auto& gc : config.groups) {
            for (const int64_t d : gc.domains) {
                maxDomain = std::max(maxDomain, d);
            }
        }
        std::vector<int64_t> table(size_t(maxDomain) + 1, -1);
        for (size_t g = 0; g < config.groups.size(); ++g) {
            for (const int64_t d : config.groups[g].domains) {
                if (d >= 0) {
                    table[size_t(d)] = int64_t(g);
                }
            }
        }
        const auto d = domain.to(probs.device(), torch::kLong).view({batch});
        const auto known = d.ge(0).logical_and(d.le(maxDomain));
        const auto byDomain = torch::tensor(table, torch::kLong)
                                  .to(probs.device())
                                  .index_select(0, d.clamp(0, maxDomain));
        group = torch::where(known.logical_and(byDomain.ge(0)), byDomain, group);
    }
    Routing routing;
    routing.group = group;
    routing.mask = torch::zeros({batch, experts}, probs.options().dtype(torch::kBool));
    routing.gates = torch::zeros_like(probs);
    routing.batchMask = routing.mask.clone();
    routing.cutoffs = torch::zeros({experts}, probs.options());
    bool anyBatchMask = false;
    for (size_t g = 0; g < config.groups.size(); ++g) {
        const auto& gc = config.groups[g];
        const auto rows = group.eq(int64_t(g)).nonzero().squeeze(1);
        const auto cols = torch::tensor(gc.experts, torch::kLong).to(probs.device());
        const bool expertChoice = gc.strategy == RoutingStrategy::ExpertChoice;
        if (rows.numel() == 0) {
            if (expertChoice) {
                routing.cutoffs.index_fill_(0, cols, -1.0);
            }
            continue;
        }
        // MoMa: the group's own router distribution, p renormalised over its experts.
        const auto sub = probs.index_select(0, rows).index_select(1, cols);
        const auto within = sub / sub.sum(1, true).clamp_min(1e-12);
        RouterConfig inner = config;
        inner.groups.clear();
        inner.strategy = gc.strategy;
        inner.topK = gc.topK;
        inner.capacityFactor = gc.capacityFactor;
        inner.sampling = RouterSampling::Deterministic;
        const auto thresholds =
            expertThresholds.defined() ? expertThresholds.to(probs.device()).index_select(0, cols)
                                       : torch::Tensor();
        const auto part = route(within, inner, training, thresholds);
        const auto at = std::vector<torch::Tensor>{rows.unsqueeze(1), cols.unsqueeze(0)};
        routing.mask.index_put_({at[0], at[1]}, part.mask);
        routing.gates = routing.gates.index_put({at[0], at[1]}, part.gates);
        if (part.batchMask.defined()) {
            routing.batchMask.index_put_({at[0], at[1]}, part.batchMask);
            anyBatchMask = true;
        } else {
            routing.batchMask.index_put_({at[0], at[1]}, part.mask);
        }
        if (expertChoice) {
            routing.cutoffs.index_copy_(
                0, cols, expertChoiceCutoffs(within, gc.topK, gc.capacityFactor)
                             .to(routing.cutoffs.scalar_type()));
        }
    }
    if (!anyBatchMask) {
        routing.batchMask = torch::Tensor();
    }
    return routing;
}

} // namespace mor::model
