#pragma once
// Segment (grouped) products for grouped dispatch (grouped_experts.cpp): the rows of a group's
// members lie in consecutive blocks, member by member, and each block is multiplied by its own
// member's weight, read in place: no padding, no stacked copy of the weights.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace mor::model {

/// One weight of every member of a group (e.g. each member's gru.weight_ih) and its bias, or
/// none. Each call multiplies every member's block of rows by that member's weight (one BLAS
/// product per block, inside one autograd node per call). In training a call's backward gives
/// its input gradient and adds its part of each member's weight and bias gradient into one
/// buffer per weight shared by all calls (the reflection steps, column ranges of one weight);
/// one node that runs after the backward of every call hands the buffers to the parameters:
/// no per-call gradient tensors, no stacked copy of the weights or their gradients. A member's
/// blocks of the packed weight-gradient kernel's size are added by that node instead, every call
/// on the same columns in one pass (segment_gradients.h).
class SegmentWeight {
public:
    /// weights: per member [out, in], all of one shape; biases: per member [out], or none.
    explicit SegmentWeight(std::vector<torch::Tensor> weights,
                           std::vector<torch::Tensor> biases = {});

    /// y = x W_g[:, column : column + k]^T (+ b_g with `bias`) on each member g's block:
    /// x [N, k] holds counts[g] rows of member g after those of members 0..g-1 (sum of counts =
    /// N, a count may be 0). Returns [N, out].
    torch::Tensor operator()(const torch::Tensor& x, const std::vector<int64_t>& counts,
                             int64_t column = 0, bool bias = true) const;

    struct Shared;

private:
    std::shared_ptr<Shared> m_shared;
    torch::Tensor m_token; ///< in training: the gradient node's output that every call reads
};

/// What a thread of a segment layer's member loop sees (for tests): the distinct threads that
/// ran `members` members of one row costing `macsPerMember` multiply-adds each, the most OpenMP
/// threads any of them would give a nested team (a BLAS product's), and whether any recorded
/// autograd.
struct MemberThreadsProbe {
    int threads = 0;
    int nestedThreads = 0;
    bool gradMode = false;
};
MemberThreadsProbe probeMemberThreads(int64_t members, int64_t macsPerMember);

} // namespace mor::model
