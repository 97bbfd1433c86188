// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/nested_expert.h"

#include <algorithm>

namespace mor::model {

NestedExpertImpl::NestedExpertImpl(const NestedExpertOptions& options_) : options(options_)
{
    reset();
}

void NestedExpertImpl::reset()
{
    const int64_t w = std::max<int64_t>(options.width(), 1);
    m_in = register_module("in", torch::nn::Linear(options.inputs(), w));
    m_out = register_module("out", torch::nn::Linear(w, options.classes()));
    m_critic = register_module("critic", torch::nn::Linear(w, 1));
    m_rows.assign(size_t(w) + 1, 0);
}

torch::Tensor NestedExpertImpl::hidden(const torch::Tensor& e, int64_t width)
{
    TORCH_CHECK(width >= 1 && width <= options.width(), "nested expert: width ", width,
                " outside 1..", options.width());
    // Only the first `width` rows of W1 are read: units >= width are never computed, so they
    // get no gradient from this input (the slice is a view of the shared weight).
    const auto w1 = m_in->weight.narrow(0, 0, width);
    const auto b1 = m_in->bias.narrow(0, 0, width);
    return torch::gelu(torch::nn::functional::linear(e, w1, b1));
}

torch::Tensor NestedExpertImpl::logits(const torch::Tensor& e, int64_t width)
{
    const auto h = hidden(e, width);
    return torch::nn::functional::linear(h, m_out->weight.narrow(1, 0, width), m_out->bias);
}

ExpertRun NestedExpertImpl::run(const torch::Tensor& e, int64_t width)
{
    const auto h = hidden(e, width);
    const auto y = torch::nn::functional::linear(h, m_out->weight.narrow(1, 0, width),
                                                 m_out->bias);
    const auto z = torch::nn::functional::linear(h, m_critic->weight.narrow(1, 0, width),
                                                 m_critic->bias)
                       .squeeze(1);
    const int64_t n = e.size(0);
    m_rows[size_t(width)] += n;
    ExpertRun run;
    run.logits = y.unsqueeze(0);
    run.probs = torch::softmax(run.logits, 2);
    run.criticLogit = z.unsqueeze(0);
    run.critique = torch::sigmoid(run.criticLogit);
    run.heldCritique = run.critique;
    run.lambda = torch::ones({1, n}, y.options());
    run.computed = torch::ones({1, n}, y.options().dtype(torch::kBool));
    run.haltStep = torch::ones({n}, y.options().dtype(torch::kLong));
    run.iterations = run.haltStep;
    // The state is the full-width hidden vector with the units the slice did not use at 0.
    run.state = torch::constant_pad_nd(h, {0, options.width() - width});
    run.answer = run.probs.select(0, 0);
    run.confidence = run.critique.select(0, 0);
    return run;
}

double NestedExpertImpl::flopsPerRow(int64_t width) const
{
    return 2.0 * double(width) * double(options.inputs() + options.classes() + 1);
}

int64_t NestedExpertImpl::rowsProcessed(int64_t width) const
{
    return width >= 1 && width < int64_t(m_rows.size()) ? m_rows[size_t(width)] : 0;
}

ExpertConfig nestedPolicyConfig(const ExpertConfig& config)
{
    ExpertConfig fixed = config;
    fixed.halting = HaltingRule::Fixed;
    fixed.maxDepth = 1;
    return fixed;
}

} // namespace mor::model
