#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Views and products of the segment layers (grouped_linear.cpp): a member's block of rows, a
// weight's column range, a member of a stacked gradient buffer, and the per-member BLAS product
// and row sum on them. On the CPU the views are made without a dispatched op (a dispatched view
// costs ~1 us, and a group makes a few per member and call) and the product calls sgemm directly.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model::segment {

/// Start row of each member's block.
std::vector<int64_t> offsetsOf(const std::vector<int64_t>& counts);

/// Rows [offset, offset + n) of a 2-d tensor (transposed: as [cols, n]).
torch::Tensor rows(const torch::Tensor& t, int64_t offset, int64_t n, bool transposed = false);
/// Columns [column, column + k) of a 2-d tensor (transposed: as [k, rows]).
torch::Tensor columns(const torch::Tensor& t, int64_t column, int64_t k, bool transposed = false);

/// Member g of a stacked [G, ...] buffer (on the CPU a tensor on the buffer's storage, made
/// without select's dispatch and view bookkeeping); it keeps the buffer's memory alive (a
/// gradient handed to a parameter outlives the buffer's other handles).
torch::Tensor member(const torch::Tensor& t, int64_t g);

/// out = a b (accumulate: out += a b), out possibly a strided view: one BLAS call on the CPU,
/// for float tensors the sgemm called directly (fused::rowMajorProduct: no tensor checks and
/// dispatched ops per member and call; hundreds of calls a step with 32 experts).
void product(torch::Tensor& out, const torch::Tensor& a, const torch::Tensor& b, bool accumulate);

/// out (a [width] vector) = or += the column sums of `block` [n, width] (rows stride(0) apart),
/// without a dispatched op on the CPU (a row sum per member and weight otherwise costs a
/// dispatched sum and fill each).
void rowSum(torch::Tensor& out, const torch::Tensor& block, bool accumulate);

/// Before a product adds into columns [column, column + k) of a member's gradient `dw` [out,
/// in]: whether any of them was written by an earlier call (`written`, per column: the product
/// then accumulates); where only some were, the others are zeroed first.
bool startColumns(const std::vector<bool>& written, const torch::Tensor& dw, int64_t column,
                  int64_t k);

} // namespace mor::model::segment
