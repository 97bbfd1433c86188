// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Which of a traced token's stored router scores are a router's decisions (TokenStep::
// routerScores holds a value at every recursion or block). One rule for the model
// (core/src/seq/recursion_model.cpp), `mor trace` and the Sequence and Routing views. No torch
// types (the GUI reads it).
#include <algorithm>
#include <cstdint>
#include <string>

namespace mor {

/// Whether block `block` (0-based) of a Mixture-of-Depths model (Raposo et al. 2024) with
/// model.recursion.depth_every = depthEvery has a router: every depthEvery-th block (blocks 1, 3,
/// 5, ... for 2); the other blocks process every token (their traces store 1, "every token
/// selected"). A depthEvery below 1 reads as 1 (a router at every block).
constexpr bool depthBlockHasRouter(int64_t depthEvery, int64_t block) {
    return block >= 0 && (block + 1) % std::max<int64_t>(depthEvery, 1) == 0;
}

/// Whether a trace's routing ("expert_choice", "token_choice", "mixture_of_depths", "fixed",
/// "vanilla") has a router. Fixed and vanilla have none: their traces store a 1/0 "went
/// through" mask in place of scores.
inline bool routingHasRouter(const std::string& routing) {
    return routing == "expert_choice" || routing == "token_choice" ||
           routing == "mixture_of_depths";
}

/// Whether the stored score at recursion (Mixture-of-Depths: block) `index` (0-based) of a token
/// that received `depth` recursions is a router's decision. Expert choice: up to depth + 1 (the
/// router of recursion r ranks the tokens that went through recursion r - 1; a token that left
/// is never ranked again, the trace stores 0). Token choice: at every recursion (the share
/// P(depth >= r), decided once, before recursion 1). Mixture-of-Depths: at the blocks with a
/// router. Fixed and vanilla: never.
inline bool routerScored(const std::string& routing, int64_t depth, int64_t index,
                         int64_t depthEvery = 1) {
    if (index < 0 || !routingHasRouter(routing)) {
        return false;
    }
    if (routing == "mixture_of_depths") {
        return depthBlockHasRouter(depthEvery, index);
    }
    return routing == "token_choice" || index <= depth;
}

} // namespace mor
