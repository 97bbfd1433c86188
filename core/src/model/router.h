#pragma once
// Expert selector: logits r = MLP(e), p = softmax(r / temperature). For token sequences the MLP
// reads the router's own attention pooling of the token states instead of e.
#include "model/attention_pooling.h"

#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

struct RouterOptions {
    RouterOptions(int64_t inputs, int64_t experts) : inputs_(inputs), experts_(experts) {}
    TORCH_ARG(int64_t, inputs);
    TORCH_ARG(int64_t, experts);
    TORCH_ARG(int64_t, hidden) = 64;
    TORCH_ARG(double, temperature) = 1.0;
    TORCH_ARG(double, jitter) = 0.0; ///< training only: input *= U(1 - jitter, 1 + jitter)
    TORCH_ARG(int64_t, tokens) = 0;  ///< > 0: token input of this length, pooled by attention
    /// Localized gate (Xu, Jordan & Hinton 1995): logits = log a_j + log N(x; m_j, diag s_j^2),
    /// the joint log density of the input and expert j; p = the posterior p(j | x).
    TORCH_ARG(bool, gaussian) = false;
};

/// Variance floor of the Gaussian gate: no component can collapse onto a constant feature.
constexpr double kGaussianGateVarianceFloor = 0.01;

struct RouterOutput {
    torch::Tensor logits;   ///< r [B, E]
    torch::Tensor logProbs; ///< log_softmax(r / temperature)
    torch::Tensor probs;    ///< p [B, E]
    torch::Tensor poolWeights; ///< token input: attention pooling weights [B, L]
};

class RouterImpl : public torch::nn::Module {
public:
    explicit RouterImpl(const RouterOptions& options);
    void reset();
    RouterOutput forward(const torch::Tensor& e);
    /// Token input: tokens [B, L, H], mask bool [B, L]; the MLP reads the attention pooling.
    RouterOutput forward(const torch::Tensor& tokens, const torch::Tensor& mask);
    double flopsPerRow() const;

    RouterOptions options;

private:
    torch::Tensor gaussianLogits(const torch::Tensor& x);

    torch::nn::Linear m_hidden{nullptr};
    torch::Tensor m_mean, m_logVar, m_prior; ///< Gaussian gate: m [E, D], log(s^2 - floor), a
    torch::Tensor m_initialised;             ///< Gaussian gate: means set from the first batch
    torch::nn::Linear m_out{nullptr};
    AttentionPooling m_pool{nullptr};
};
TORCH_MODULE(Router);

} // namespace mor::model
