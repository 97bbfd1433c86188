#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Weight gradients of a segment layer left for its gradient node (grouped_linear.cpp; issue 20,
// session 38). A call's backward computes its input gradient at once (the next call's backward
// needs it) but its part of the weight gradient dW += dy^T x only needs to be in dW when the
// gradient node hands dW over. A member's blocks that the packed kernel would add (at most
// segment::kMaxDwKernelRows rows, the few rows a member gets at many experts) are kept (the
// call's x and dy tensors) and added in the node, all calls on the same columns in one pass per
// member (fused::weightGradientSegments): dW is read and written once per weight instead of once
// per call (the GRU's hidden weight [384, 128]: 6 MB for 32 experts, once per reflection step).
#include "model/fused_gemm.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model::segment {

/// One call whose weight-gradient part was left for later, for the members marked.
struct DeferredCall {
    torch::Tensor x, dy;                  ///< the call's input [N, k], output gradient [N, out]
    std::vector<int64_t> counts, offsets; ///< each member's rows, and where its block starts
    int64_t column = 0;                   ///< the call's columns of the weight: [column, +k)
    std::vector<uint8_t> members;         ///< 1: the member's part is deferred
};

/// Adds the calls' deferred parts into the members' gradients dw [G, out, in] (float, CPU,
/// contiguous): per member, the calls on the same columns in one pass, in the calls' order;
/// a pass accumulates where an earlier product wrote those columns (`written`, per member and
/// column, then marked) and overwrites otherwise. Members run on the intra-op threads
/// (forEachMember).
void addDeferredWeightGradients(const std::vector<DeferredCall>& calls, torch::Tensor& dw,
                                std::vector<std::vector<bool>>& written, fused::GemmIsa isa);

/// Zeroes what no call wrote in the gradient buffers dw [G, out, in] and db [G, out] (or
/// undefined): per member the columns not marked in `written`, and db's row where
/// `biasWritten` is 0 (members without rows, columns no call reads).
void zeroUnwritten(const torch::Tensor& dw, const torch::Tensor& db,
                   const std::vector<std::vector<bool>>& written,
                   const std::vector<uint8_t>& biasWritten);

/// Adds `gradient` into parameter p's gradient as the engine's AccumulateGrad would for a leaf
/// without hooks (compat::plainLeafGradient): it becomes p's gradient where p has none (kept
/// as it is, e.g. a view of the node's buffer), and is added in place otherwise.
void accumulateIntoParameter(const torch::Tensor& p, torch::Tensor gradient);

/// Member passes addDeferredWeightGradients has run so far (all threads; tests check that
/// deferral took place).
int64_t deferredWeightGradients();

} // namespace mor::model::segment
