// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/best_weights.h"

namespace mor::engine {

namespace {

/// Every parameter and buffer of `module` (recursively) by name, in one order.
std::vector<std::pair<std::string, torch::Tensor>> namedTensors(torch::nn::Module& module) {
    std::vector<std::pair<std::string, torch::Tensor>> all;
    for (const auto& p : module.named_parameters()) {
        all.emplace_back(p.key(), p.value());
    }
    for (const auto& b : module.named_buffers()) {
        all.emplace_back("buffer:" + b.key(), b.value());
    }
    return all;
}

} // namespace

void BestWeights::keep(torch::nn::Module& module, int64_t step) {
    torch::NoGradGuard noGrad;
    auto current = namedTensors(module);
    if (m_tensors.size() != current.size()) {
        m_tensors.clear();
    }
    for (size_t i = 0; i < current.size(); ++i) {
        const auto& [name, t] = current[i];
        if (i < m_tensors.size() && m_tensors[i].first == name &&
            m_tensors[i].second.sizes() == t.sizes() &&
            m_tensors[i].second.options().type_equal(t.options())) {
            m_tensors[i].second.copy_(t);
        } else {
            m_tensors.resize(i);
            m_tensors.emplace_back(name, t.detach().clone());
        }
    }
    m_step = step;
}

bool BestWeights::restore(torch::nn::Module& module) const {
    if (m_step < 0) {
        return false;
    }
    torch::NoGradGuard noGrad;
    auto current = namedTensors(module);
    if (current.size() != m_tensors.size()) {
        return false;
    }
    for (size_t i = 0; i < current.size(); ++i) {
        if (current[i].first != m_tensors[i].first ||
            current[i].second.sizes() != m_tensors[i].second.sizes()) {
            return false;
        }
    }
    for (size_t i = 0; i < current.size(); ++i) {
        current[i].second.copy_(m_tensors[i].second);
    }
    return true;
}

} // namespace mor::engine
