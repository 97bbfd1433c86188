#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The best validation's weights, kept in memory by the training session so that the test split
// is evaluated on them with or without a log (issue 20, session 16).
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace mor::engine {

class BestWeights {
public:
    /// Copies every parameter and buffer of `module` (by name; into the previous copy where the
    /// tensor has the same place, so no allocation per evaluation) as the weights of `step`.
    void keep(torch::nn::Module& module, int64_t step);
    /// Puts the kept weights back into `module`; false (nothing changed) when it no longer has
    /// the same tensors (names and shapes) or nothing was kept.
    bool restore(torch::nn::Module& module) const;
    /// The step of the kept weights; -1: none yet.
    int64_t step() const { return m_step; }

private:
    std::vector<std::pair<std::string, torch::Tensor>> m_tensors;
    int64_t m_step = -1;
};

} // namespace mor::engine
