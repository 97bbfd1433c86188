#pragma once
// Segment (grouped) products for grouped dispatch (grouped_experts.cpp): the rows of a group's
// members lie in consecutive blocks, member by member, and each block is multiplied by its own
// member's weight, with no padding and no copy of the weights. One autograd node per call: its
// backward gives the input gradient and every member's weight and bias gradient in one pass
// (a stacked [G, out, in] tensor), whatever the number of members.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model {

/// y = x W_g^T + b_g on each member g's block of rows: x [N, in] holds counts[g] rows of member
/// g after those of members 0..g-1 (sum of counts = N, a count may be 0); w [G, out, in] (any
/// strides), b [G, out] or undefined. Returns [N, out]. Members without rows get zero weight
/// and bias gradients. Each block is one matrix product (BLAS on the CPU) inside the node.
torch::Tensor segmentLinear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
                            const std::vector<int64_t>& counts);

} // namespace mor::model
