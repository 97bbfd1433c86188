#include "model/cells.h"

#include "model/fused_products.h"
#include "model/fused_reflect.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace mor::model {

namespace {

bool cellFusable(const torch::Tensor& t)
{
    return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

/// Per-thread buffers of the GRU cell's two products, reused call to call.
thread_local std::vector<float> t_gruScratch;
constexpr size_t kKeptGruScratch = size_t(1) << 20; // floats: 4 MB

} // namespace

ResidualMlpCellImpl::ResidualMlpCellImpl(const CellOptions& options_) : options(options_)
{
    const int64_t w = options.width();
    m_in = register_module("input", torch::nn::Linear(w + options.inputs(), w));
    m_out = register_module("out", torch::nn::Linear(w, w));
    m_norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({w})));
}

torch::Tensor ResidualMlpCellImpl::forward(const torch::Tensor& state, const torch::Tensor& input)
{
    const auto h = torch::gelu(m_in->forward(torch::cat({state, input}, 1)));
    return m_norm->forward(state + m_out->forward(h));
}

double ResidualMlpCellImpl::flopsPerRow() const
{
    const double w = double(options.width());
    return 2.0 * (w + double(options.inputs())) * w + 2.0 * w * w;
}

GruCellImpl::GruCellImpl(const CellOptions& options_) : options(options_)
{
    m_gru = register_module(
        "gru", torch::nn::GRUCell(torch::nn::GRUCellOptions(options.inputs(), options.width())));
}

torch::Tensor GruCellImpl::forward(const torch::Tensor& state, const torch::Tensor& input)
{
    // Without autograd (evaluation with its detail, traces) one call of the ATen cell is ~15
    // dispatched ops (two linear layers, chunks, in-place gates): at a few rows their
    // overhead is the whole cost (issue 20). The same two products through the sgemm ATen's
    // addmm calls and one loop for the gates, as the fused answer-only step computes them
    // (fused_reflect.h; FusedReflectGuard(false) keeps the ATen cell, the reference).
    const int64_t w = options.width();
    const auto& g = *m_gru;
    if (torch::GradMode::is_enabled() || !fusedReflectEnabled() || !cellFusable(state)
        || !cellFusable(input) || state.dim() != 2 || input.dim() != 2
        || state.size(0) != input.size(0) || state.size(1) != w || state.size(0) == 0
        || !cellFusable(g.weight_ih) || !cellFusable(g.weight_hh) || !cellFusable(g.bias_ih)
        || !cellFusable(g.bias_hh) || g.weight_ih.size(0) != 3 * w
        || g.weight_ih.size(1) != input.size(1) || g.weight_hh.size(1) != w) {
        return m_gru->forward(input, state);
    }
    const int64_t n = state.size(0);
    const int64_t k = input.size(1);
    const fused::Dense ih{g.weight_ih.data_ptr<float>(), g.bias_ih.data_ptr<float>(), 3 * w, k};
    const fused::Dense hh{g.weight_hh.data_ptr<float>(), g.bias_hh.data_ptr<float>(), 3 * w, w};
    const size_t floats = size_t(6 * n * w);
    t_gruScratch.resize(std::max(t_gruScratch.size(), floats));
    float* gi = t_gruScratch.data();
    float* gh = gi + 3 * n * w;
    fused::denseProduct(ih, input.data_ptr<float>(), k, n, gi, 3 * w);
    fused::denseProduct(hh, state.data_ptr<float>(), w, n, gh, 3 * w);
    auto next = torch::empty({n, w}, state.options());
    float* h = next.data_ptr<float>();
    std::memcpy(h, state.data_ptr<float>(), size_t(n * w) * sizeof(float));
    fused::gruGatesInPlace(gi, gh, h, w, n, w);
    if (floats > kKeptGruScratch) {
        t_gruScratch = std::vector<float>();
    }
    return next;
}

double GruCellImpl::flopsPerRow() const
{
    const double w = double(options.width());
    return 2.0 * 3.0 * (double(options.inputs()) * w + w * w);
}

TransformerCellImpl::TransformerCellImpl(const CellOptions& options_) : options(options_)
{
    const int64_t w = options.width();
    m_tokens = options.tokens() > 0 && w % options.tokens() == 0 ? options.tokens() : 1;
    m_dim = w / m_tokens;
    m_inputToken = register_module("input_token", torch::nn::Linear(options.inputs(), m_dim));
    m_norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({m_dim})));
    m_qkv = register_module("qkv", torch::nn::Linear(m_dim, 3 * m_dim));
    m_proj = register_module("proj", torch::nn::Linear(m_dim, m_dim));
    m_norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({m_dim})));
    m_ff1 = register_module("ff1", torch::nn::Linear(m_dim, 2 * m_dim));
    m_ff2 = register_module("ff2", torch::nn::Linear(2 * m_dim, m_dim));
}

torch::Tensor TransformerCellImpl::forward(const torch::Tensor& state, const torch::Tensor& input)
{
    const int64_t n = state.size(0);
    auto seq = torch::cat({state.view({n, m_tokens, m_dim}),
                           m_inputToken->forward(input).unsqueeze(1)},
                          1); // [n, tokens + 1, dim]
    const auto qkv = m_qkv->forward(m_norm1->forward(seq)).chunk(3, -1);
    const auto scores = torch::matmul(qkv[0], qkv[1].transpose(1, 2)) / std::sqrt(double(m_dim));
    seq = seq + m_proj->forward(torch::matmul(torch::softmax(scores, -1), qkv[2]));
    seq = seq + m_ff2->forward(torch::gelu(m_ff1->forward(m_norm2->forward(seq))));
    return seq.narrow(1, 0, m_tokens).reshape({n, m_tokens * m_dim});
}

double TransformerCellImpl::flopsPerRow() const
{
    const double d = double(m_dim);
    const double len = double(m_tokens + 1);
    const double perToken = 2.0 * d * 3.0 * d + 2.0 * d * d + 2.0 * 2.0 * d * 2.0 * d;
    return 2.0 * double(options.inputs()) * d + len * perToken + 2.0 * 2.0 * len * len * d;
}

std::shared_ptr<ReflectionCellImpl> makeCell(const std::string& kind, const CellOptions& options)
{
    if (kind == "mlp") {
        return std::make_shared<ResidualMlpCellImpl>(options);
    }
    if (kind == "gru") {
        return std::make_shared<GruCellImpl>(options);
    }
    if (kind == "transformer") {
        return std::make_shared<TransformerCellImpl>(options);
    }
    throw std::invalid_argument("model.experts[].cell: unknown cell '" + kind
                                + "' (use mlp, gru or transformer)");
}

} // namespace mor::model
