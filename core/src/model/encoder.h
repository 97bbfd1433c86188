#pragma once
// Encoder: the input features -> the encoding e that the router and every expert read.
#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

struct EncoderOptions {
    EncoderOptions(int64_t inputs, int64_t hidden) : inputs_(inputs), hidden_(hidden) {}
    TORCH_ARG(int64_t, inputs);
    TORCH_ARG(int64_t, hidden);
    /// Hidden layers. 0: no encoder at all, e = x (as PonderNet / ACT read their input); then
    /// `hidden` is ignored and the encoding is `inputs` wide (see outputs()).
    TORCH_ARG(int64_t, layers) = 1;
    TORCH_ARG(double, dropout) = 0.0;
};

/// A small MLP: x [B, F] -> e [B, H]; with layers 0 the identity (no parameters).
class EncoderImpl : public torch::nn::Module {
public:
    explicit EncoderImpl(const EncoderOptions& options);
    void reset();
    torch::Tensor forward(const torch::Tensor& x);
    /// Multiply-add FLOPs of one row (2 * in * out per linear layer; 0 for the identity).
    double flopsPerRow() const;
    /// Width of e: hidden, or inputs with layers 0. Experts and the router must be this wide.
    int64_t outputs() const;

    EncoderOptions options;

private:
    torch::nn::Sequential m_net{nullptr};
};
TORCH_MODULE(Encoder);

} // namespace mor::model
