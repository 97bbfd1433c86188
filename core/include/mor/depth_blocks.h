// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Mixture-of-Depths (Raposo et al. 2024): which blocks carry a router. One rule for the model
// (core/src/seq/recursion_model.cpp), `mor trace` and the Sequence and Routing views. No torch
// types (the GUI reads it).
#include <algorithm>
#include <cstdint>

namespace mor {

/// Whether block `block` (0-based) of a Mixture-of-Depths model with model.recursion.depth_every
/// = depthEvery has a router: every depthEvery-th block (blocks 1, 3, 5, ... for 2); the other
/// blocks process every token. A depthEvery below 1 reads as 1 (a router at every block).
constexpr bool depthBlockHasRouter(int64_t depthEvery, int64_t block) {
    return block >= 0 && (block + 1) % std::max<int64_t>(depthEvery, 1) == 0;
}

} // namespace mor
