#pragma once
// Routing strategies: pure tensor functions turning router probabilities into the set of experts
// that run (mask) and their weights (gates).
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mor::model {

using RoutingStrategy = mor::RoutingStrategy; ///< model.router.strategy (mor/config.h)

/// "top_k" | "threshold" | "top_p" | "expert_choice" | "shared_routed" | "random";
/// false for an unknown name.
bool parseRoutingStrategy(const std::string& name, RoutingStrategy& strategy);

struct Routing {
    torch::Tensor mask;  ///< bool [B, E]: expert runs on input; every row has >= 1 expert
    /// [B, E]: the gate of each selected expert (0 elsewhere), keeps p's graph. Switch-style
    /// (renormalize false): p_j itself; shared_routed: 1 for the shared experts (DeepSeekMoE),
    /// p_j / sum of the routed p for the routed ones.
    torch::Tensor gates;
    /// Sampled routing (sampling "gumbel", training): log-probability [B] of the sampled ordered
    /// expert set under p (Plackett-Luce), with p's graph; undefined otherwise.
    torch::Tensor logProb;
    /// expert_choice: the batch's capacity-limited selection (what training uses). In eval the
    /// mask is the per-input rule instead, so an input's answer does not depend on its batch.
    torch::Tensor batchMask;
    /// router.groups: int64 [B], the group of each input; undefined without groups.
    torch::Tensor group;
    /// router.groups with expert_choice groups: per expert [E], the capacity cut-off of p (within
    /// its group) in this batch; -1 where the expert's group had no input, 0 for experts of
    /// other strategies. Undefined without groups.
    torch::Tensor cutoffs;
    /// router.objective "mixture_likelihood" / "hard_em" in training: every expert runs (mask
    /// all true, gates = p) and this is the selection the strategy would make (for the balance
    /// loss); undefined otherwise.
    torch::Tensor selection;
};

/// Applies config.strategy to probs [B, E]. In training with router.objective other than
/// "routed", every expert is selected (gates = p) and the strategy's choice is `selection`. Throws std::invalid_argument for an unknown strategy.
/// training: sampled routing (sampling "gumbel") and expert_choice's batch capacity apply; in
/// eval every strategy decides per input: expert_choice keeps expert j when p_j >= its learned
/// threshold `expertThresholds[j]` (the capacity cut-off seen in training; undefined = batch
/// rule), random draws from a fixed pseudo-random function of the input's p.
Routing route(const torch::Tensor& probs, const RouterConfig& config, bool training = false,
              const torch::Tensor& expertThresholds = {});
/// MoMa (Lin et al. 2024): routing within modality-aware expert groups (config.groups, not
/// empty). Each input goes to the group of its domain (domain [B] int64; undefined, or a domain
/// no group lists: the group of its most probable expert), and is routed only among that
/// group's experts, with p renormalised over the group and the group's strategy, top_k and
/// capacity_factor (expert_choice: each expert takes its top-C of its group's inputs in
/// training; in eval the per-expert thresholds learned from `cutoffs`, when given). Experts
/// outside the input's group are never selected.
Routing routeGroups(const torch::Tensor& probs, const torch::Tensor& domain,
                    const RouterConfig& config, bool training = false,
                    const torch::Tensor& expertThresholds = {});
/// The group of each expert under config.groups (-1 for an expert in no group), size experts.
std::vector<int64_t> groupOfExperts(const RouterConfig& config, int64_t experts);
/// expert_choice: per expert, the smallest p among the C inputs it takes in this batch [E]
/// (the capacity cut-off), for the model's running inference threshold.
torch::Tensor expertChoiceCutoffs(const torch::Tensor& probs, int64_t k, double capacityFactor);
/// Gumbel top-k: k experts sampled without replacement from p (torch's default generator);
/// *logProb gets the Plackett-Luce log-probability of the sampled order (with p's graph).
torch::Tensor sampleTopK(const torch::Tensor& probs, int64_t k, torch::Tensor* logProb);
/// k experts per input from a fixed pseudo-random function of the input's p: the same input
/// gets the same experts alone and in any batch.
torch::Tensor selectHashed(const torch::Tensor& probs, int64_t k);

// The selections (bool masks [B, E]). Ties go to the lower expert index.
/// The k largest p (k clamped to [1, E]).
torch::Tensor selectTopK(const torch::Tensor& probs, int64_t k);
/// selectTopK's rule on one row of `experts` values without NaN, 1 <= k <= experts: marks the k
/// largest in `mask` (ties: the lower index) by k passes of a strict maximum, O(k E). The CPU
/// selectTopK and the answer-only routing (answer_only.cpp) both call it.
template <typename T>
void topKRowMask(const T* row, int64_t experts, int64_t k, bool* mask)
{
    for (int64_t e = 0; e < experts; ++e) {
        mask[e] = false;
    }
    for (int64_t pick = 0; pick < k; ++pick) {
        int64_t best = -1;
        for (int64_t e = 0; e < experts; ++e) {
            if (!mask[e] && (best < 0 || row[e] > row[best])) {
                best = e;
            }
        }
        mask[best] = true;
    }
}
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

/// Switch-style gating of a fused answer [B, C]: mass * fused + (1 - mass) / C with
/// mass = sum of the selected gates (at most 1): the selected experts count with their router
/// probability and the rest of the mass is the uniform answer, so d loss / d p is non-zero at
/// top-1.
torch::Tensor switchMixture(const torch::Tensor& fused, const torch::Tensor& gates);
/// gates = p * mask, renormalised over the selected experts when renormalize.
torch::Tensor gatesFromMask(const torch::Tensor& probs, const torch::Tensor& mask,
                            bool renormalize);

} // namespace mor::model
