#pragma once
// Internal state of one MoRModel pass, shared by forward() and trace().
#include "model/encoder.h"
#include "model/halting_policy.h"
#include "model/integration.h"
#include "model/mor_model.h"
#include "model/nested_expert.h"
#include "model/reflection_expert.h"
#include "model/router.h"
#include "model/token_encoder.h"

#include <vector>

namespace mor::model {

struct MoRModelImpl::Parts {
    Encoder encoder{nullptr};           ///< encoder.input "vector"
    TokenEncoder tokenEncoder{nullptr}; ///< encoder.input "tokens"
    Router router{nullptr};
    /// Empty holders where model.experts[j].kind is "nested": that slot is the slice of width
    /// nestedWidth[j] of `nested` (the one shared network of every nested expert).
    std::vector<ReflectionExpert> experts;
    NestedExpert nested{nullptr};
    std::vector<int64_t> nestedWidth; ///< per expert: its slice width, 0 for reflection experts
    std::vector<HaltingPolicy> policies;
    Integration integration{nullptr};
    ResolutionKind resolution = ResolutionKind::Weighted;
};

/// What one expert did in a pass.
struct ExpertPass {
    bool ran = false;
    torch::Tensor rows;      ///< int64 [n]: batch rows routed to the expert
    ExpertRun run;
    torch::Tensor extraRows; ///< int64 [m]: batch rows re-reflected (undefined if none)
    torch::Tensor extraPos;  ///< int64 [m]: their positions in `rows`
    ExtraRun extra;
};

/// Grouped dispatch (training): one group of equal experts run together.
struct GroupPass {
    std::vector<int64_t> experts; ///< the members (expert indices)
    torch::Tensor rows;           ///< int64 [N]: batch row of each routed pair, member by member
    ExpertRun run;                ///< over the N pairs; each member's ExpertPass::run is a part
};

struct MoRModelImpl::Pass {
    ForwardOutput out;
    torch::Tensor encoding;     ///< e [B, H]
    torch::Tensor input;        ///< x [B, F] as the model received it
    torch::Tensor tokens;       ///< token input: states [B, L, H] (undefined for vectors)
    torch::Tensor tokenMask;    ///< token input: bool [B, L]
    torch::Tensor encoderPool;  ///< token input: encoder pooling weights [B, L]
    torch::Tensor routerPool;   ///< token input: router pooling weights [B, L]
    torch::Tensor routerLogits; ///< r [B, E]
    torch::Tensor routerLogProbs;
    std::vector<ExpertPass> experts;
    std::vector<GroupPass> groups; ///< grouped dispatch: the groups that ran together
    /// Training probes (router.probe_fraction): bool [B, E] (undefined when off) and what each
    /// expert computed on its probe rows; never fused into the answer.
    torch::Tensor probeMask;
    std::vector<ExpertPass> probes;
    torch::Tensor answers;      ///< q [B, E, C] after resolution (uniform where not selected)
    torch::Tensor confidences;  ///< c [B, E]
    torch::Tensor weights;      ///< final fusion weights [B, E]
    torch::Tensor probs;        ///< final answer [B, C]
    torch::Tensor winner;       ///< int64 [B]
    Fusion fusion;              ///< the first fusion (before any re-reflection)
    torch::Tensor routeLogProb; ///< sampled routing: log P(sampled set) [B] (undefined otherwise)
    torch::Tensor group;        ///< router.groups: int64 [B] group of each input (else undefined)
    /// router.objective other than "routed", training: the strategy's selection bool [B, E]
    /// (every expert ran; this is what inference would pick, for the balance loss).
    torch::Tensor selection;
};

} // namespace mor::model
