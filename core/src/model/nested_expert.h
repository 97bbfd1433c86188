#pragma once
// Mixture of Nested Experts (Jain et al. 2024): the experts are nested slices of ONE network.
// Expert j uses the first w_j hidden units (and the matching columns of the output and critic
// layers), so every width shares the same weights and adding a width adds no parameters.
#include "model/reflection_expert.h"

#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

struct NestedExpertOptions {
    NestedExpertOptions(int64_t inputs, int64_t classes, int64_t width)
        : inputs_(inputs), classes_(classes), width_(width)
    {
    }
    TORCH_ARG(int64_t, inputs);  ///< width H of the encoding e
    TORCH_ARG(int64_t, classes);
    TORCH_ARG(int64_t, width);   ///< the full (largest) width; a slice uses its first w units
};

/// h_w = gelu(W1[:w] e + b1[:w]); logits = W2[:, :w] h_w + b2 (the slice's output is the full
/// network's with units >= w set to zero); critique c = sigmoid(v[:w] . h_w + c0).
class NestedExpertImpl : public torch::nn::Module {
public:
    explicit NestedExpertImpl(const NestedExpertOptions& options);
    void reset();

    /// One step of the slice of width `width` on rows e [n, H], as an ExpertRun with T = 1
    /// (halting step 1, lambda 1), so losses, fusion and traces read it like any expert's.
    ExpertRun run(const torch::Tensor& e, int64_t width);
    /// Logits [n, C] of the slice of width `width`.
    torch::Tensor logits(const torch::Tensor& e, int64_t width);

    /// FLOPs of one row through the slice of width `width` (hidden, output and critic layers).
    double flopsPerRow(int64_t width) const;
    /// Rows computed since construction by slices of exactly this width.
    int64_t rowsProcessed(int64_t width) const;

    NestedExpertOptions options;

private:
    torch::Tensor hidden(const torch::Tensor& e, int64_t width);

    torch::nn::Linear m_in{nullptr};     ///< H -> W
    torch::nn::Linear m_out{nullptr};    ///< W -> C
    torch::nn::Linear m_critic{nullptr}; ///< W -> 1
    std::vector<int64_t> m_rows;         ///< per width 1..W: rows computed
};
TORCH_MODULE(NestedExpert);

/// The halting policy of a nested slot: one fixed step, whatever the config says.
ExpertConfig nestedPolicyConfig(const ExpertConfig& config);

} // namespace mor::model
