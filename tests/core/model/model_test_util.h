#pragma once
// Small helpers shared by the model tests (parameter counts, gradient sums).
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace model_test {

/// Number of scalar parameters of `module` and its submodules.
inline int64_t parameterCount(torch::nn::Module& module)
{
    int64_t count = 0;
    for (const auto& p : module.parameters()) {
        count += p.numel();
    }
    return count;
}

/// Sum of |grad| over the parameters whose name starts with `prefix` (0 when none has a grad).
inline double gradSum(torch::nn::Module& module, const std::string& prefix)
{
    double sum = 0.0;
    for (const auto& item : module.named_parameters()) {
        if (item.key().rfind(prefix, 0) == 0 && item.value().grad().defined()) {
            sum += item.value().grad().abs().sum().item<double>();
        }
    }
    return sum;
}

} // namespace model_test
