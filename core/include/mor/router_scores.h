// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Which of a traced token's stored router scores are a router's decisions (TokenStep::
// routerScores holds a value at every recursion or block). One rule for the model
// (core/src/seq/recursion_model.cpp), `mor trace` and the Sequence and Routing views. No torch
// types (the GUI reads it).
#include "mor/token_trace.h"

#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <vector>

namespace mor {

/// Whether block `block` (0-based) of a Mixture-of-Depths model (Raposo et al. 2024) with
/// model.recursion.depth_every = depthEvery has a router: every depthEvery-th block (blocks 1, 3,
/// 5, ... for 2); the other blocks process every token (their traces store 1, "every token
/// selected"). A depthEvery below 1 reads as 1 (a router at every block).
constexpr bool depthBlockHasRouter(int64_t depthEvery, int64_t block) {
    return block >= 0 && (block + 1) % std::max<int64_t>(depthEvery, 1) == 0;
}

/// Whether a trace's model has a router: expert or token choice, Mixture-of-Depths. Fixed and
/// vanilla routing have none: their traces store a 1/0 "went through" mask in place of scores.
inline bool hasRouter(const TokenTrace& trace) {
    return trace.routing == "expert_choice" || trace.routing == "token_choice" ||
           trace.routing == "mixture_of_depths";
}

/// Whether `token`'s stored score at recursion (Mixture-of-Depths: block) `index` (0-based) is
/// a router's decision. Expert choice: up to the token's depth + 1 (the router of recursion r
/// ranks the tokens that went through recursion r - 1; a token that left is never ranked again,
/// the trace stores 0). Token choice: at every recursion (the router decides the depth once,
/// before recursion 1: routerValue). Mixture-of-Depths: at the blocks with a router. Fixed and
/// vanilla: never. False past the stored scores.
inline bool routerScored(const TokenTrace& trace, const TokenStep& token, int64_t index,
                         int64_t depthEvery = 1) {
    if (index < 0 || size_t(index) >= token.routerScores.size() || !hasRouter(trace)) {
        return false;
    }
    if (trace.routing == "mixture_of_depths") {
        return depthBlockHasRouter(depthEvery, index);
    }
    return trace.routing == "token_choice" || index <= token.depth;
}

/// What readers show as the router's value at recursion `index` (0-based) from `token`'s stored
/// scores. Expert choice and Mixture-of-Depths: the stored score (the sigmoid of the router's
/// logit). Token choice: its router's own output, the probability it gives depth index + 1,
/// P(depth = r) = P(depth >= r) - P(depth >= r + 1), from the stored shares P(depth >= r)
/// (under an evaluation depth cap the shares past the cap are 0, so the cap's depth holds the
/// mass of every deeper one: the depth the capped model runs). 0 past the stored scores.
inline float routerValue(const TokenTrace& trace, const TokenStep& token, size_t index) {
    const std::vector<float>& scores = token.routerScores;
    if (index >= scores.size()) {
        return 0.f;
    }
    if (trace.routing != "token_choice") {
        return scores[index];
    }
    const float deeper = index + 1 < scores.size() ? scores[index + 1] : 0.f;
    return std::max(0.f, scores[index] - deeper);
}

} // namespace mor
