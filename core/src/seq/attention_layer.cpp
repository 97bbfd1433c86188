// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/attention_layer.h"

#include <cmath>

namespace mor::seq {

AttentionLayerImpl::AttentionLayerImpl(int64_t dModel, int64_t heads, int64_t ffn, double dropout)
    : m_heads(heads), m_dh(dModel / heads) {
    m_ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel})));
    m_ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dModel})));
    m_qkv = register_module("qkv", torch::nn::Linear(dModel, 3 * dModel));
    m_out = register_module("out", torch::nn::Linear(dModel, dModel));
    m_ff1 = register_module("ff1", torch::nn::Linear(dModel, ffn));
    m_ff2 = register_module("ff2", torch::nn::Linear(ffn, dModel));
    m_drop = register_module("drop", torch::nn::Dropout(dropout));
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor>
AttentionLayerImpl::project(const torch::Tensor& x) {
    const int64_t B = x.size(0), n = x.size(1);
    auto qkv = m_qkv(m_ln1(x)).view({B, n, 3, m_heads, m_dh}).permute({2, 0, 3, 1, 4});
    return {qkv[0], qkv[1], qkv[2]};
}

torch::Tensor AttentionLayerImpl::finish(const torch::Tensor& x, const torch::Tensor& y) {
    auto h = x + m_drop(m_out(y));
    return h + m_drop(m_ff2(torch::gelu(m_ff1(m_ln2(h)))));
}

torch::Tensor AttentionLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& qPos,
                                          const torch::Tensor& valid, const Keys* shared,
                                          Keys* own) {
    const int64_t B = x.size(0), n = x.size(1);
    auto [q, k, v] = project(x);
    if (own) {
        *own = Keys{k, v, qPos, valid};
    }
    const torch::Tensor& K = shared ? shared->k : k;
    const torch::Tensor& V = shared ? shared->v : v;
    const torch::Tensor& kPos = shared ? shared->pos : qPos;
    const torch::Tensor& kValid = shared ? shared->valid : valid;
    auto scores = torch::matmul(q, K.transpose(-2, -1)) / std::sqrt(static_cast<double>(m_dh));
    // Causal by position (the gathered tokens need not be contiguous) and only valid keys.
    auto allowed = kPos.unsqueeze(1).le(qPos.unsqueeze(2)).logical_and(kValid.unsqueeze(1));
    scores = scores.masked_fill(allowed.unsqueeze(1).logical_not(), -1e9);
    auto att = m_drop(torch::softmax(scores, -1));
    auto y = torch::matmul(att, V).transpose(1, 2).reshape({B, n, m_heads * m_dh});
    return finish(x, y);
}

} // namespace mor::seq
