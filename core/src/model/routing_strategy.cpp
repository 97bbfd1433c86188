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

torch::Tensor selectTopK(const torch::Tensor& probs, int64_t k)
{
    const int64_t experts = probs.size(1);
    k = std::clamp<int64_t>(k, 1, experts);
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

torch::Tensor selectExpertChoice(const torch::Tensor& probs, int64_t k, double capacityFactor)
{
    const auto p = probs.detach();
    const int64_t batch = p.size(0);
    const int64_t experts = p.size(1);
    const double wanted = std::ceil(capacityFactor * double(batch) * double(std::max<int64_t>(k, 1))
                                    / double(experts) - 1e-9);
    const int64_t capacity = std::clamp<int64_t>(int64_t(wanted), 1, batch);
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
    const auto scores = torch::rand(probs.sizes(), probs.options().dtype(torch::kFloat));
    return maskFromOrder(probs, descendingOrder(scores, 1), 1, k);
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

Routing route(const torch::Tensor& probs, const RouterConfig& config)
{
    RoutingStrategy strategy;
    if (!parseRoutingStrategy(config.strategy, strategy)) {
        throw std::invalid_argument("model.router.strategy: unknown strategy '" + config.strategy
                                    + "'");
    }
    Routing routing;
    switch (strategy) {
    case RoutingStrategy::TopK: routing.mask = selectTopK(probs, config.topK); break;
    case RoutingStrategy::Threshold:
        routing.mask = selectThreshold(probs, config.threshold);
        break;
    case RoutingStrategy::TopP: routing.mask = selectTopP(probs, config.topP); break;
    case RoutingStrategy::ExpertChoice:
        routing.mask = selectExpertChoice(probs, config.topK, config.capacityFactor);
        break;
    case RoutingStrategy::SharedRouted:
        routing.mask = selectSharedRouted(probs, config.sharedExperts, config.topK);
        break;
    case RoutingStrategy::Random: routing.mask = selectRandom(probs, config.topK); break;
    }
    routing.gates = gatesFromMask(probs, routing.mask, config.renormalize);
    return routing;
}

} // namespace mor::model
