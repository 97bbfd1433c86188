#pragma once
// Routing strategies: pure tensor functions turning router probabilities into the set of experts
// that run (mask) and their weights (gates).
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace mor::model {

enum class RoutingStrategy { TopK, Threshold, TopP, ExpertChoice, SharedRouted, Random };

/// "top_k" | "threshold" | "top_p" | "expert_choice" | "shared_routed" | "random";
/// false for an unknown name.
bool parseRoutingStrategy(const std::string& name, RoutingStrategy& strategy);

struct Routing {
    torch::Tensor mask;  ///< bool [B, E]: expert runs on input; every row has >= 1 expert
    torch::Tensor gates; ///< [B, E]: p on selected experts (0 elsewhere), keeps p's graph
};

/// Applies config.strategy to probs [B, E]. Throws std::invalid_argument for an unknown strategy.
Routing route(const torch::Tensor& probs, const RouterConfig& config);

// The selections (bool masks [B, E]). Ties go to the lower expert index.
/// The k largest p (k clamped to [1, E]).
torch::Tensor selectTopK(const torch::Tensor& probs, int64_t k);
/// Every p >= threshold, and always the argmax.
torch::Tensor selectThreshold(const torch::Tensor& probs, double threshold);
/// The smallest set (largest p first) whose cumulative p >= topP.
torch::Tensor selectTopP(const torch::Tensor& probs, double topP);
/// Each expert takes its C = ceil(capacityFactor * B * k / E) most probable inputs of the batch;
/// an input no expert took goes to its argmax expert so nothing is dropped.
torch::Tensor selectExpertChoice(const torch::Tensor& probs, int64_t k, double capacityFactor);
/// Experts 0..shared-1 always, plus the k most probable of the others.
torch::Tensor selectSharedRouted(const torch::Tensor& probs, int64_t shared, int64_t k);
/// k experts drawn uniformly at random (torch's default generator, so torch::manual_seed fixes it).
torch::Tensor selectRandom(const torch::Tensor& probs, int64_t k);

/// Training probes: round(fraction * B) rows (at least one when fraction > 0), drawn at random
/// among the rows that left some expert unselected, each get one unselected expert drawn
/// uniformly (torch's default generator). Returns bool [B, E], at most one true per row and
/// disjoint from mask; all false when fraction <= 0.
torch::Tensor selectProbes(const torch::Tensor& mask, double fraction);

/// gates = p * mask, renormalised over the selected experts when renormalize.
torch::Tensor gatesFromMask(const torch::Tensor& probs, const torch::Tensor& mask,
                            bool renormalize);

} // namespace mor::model
