#pragma once
// Tensors that meet under autocast (train.precision "bf16"): CUDA's autocast runs matrix
// products in the low type but softmax, log and sums in float32, so a buffer made like one
// activation can receive values of the other type. Scatters here promote instead of failing
// ("index_copy_(): self and source expected to have the same dtype"). Without autocast both sides
// have one type and the casts are no-ops.
#include "compat/torch_compat.h"

#include <torch/torch.h>

namespace mor::model {

/// base.index_copy(dim, index, values) in the wider of the two types.
inline torch::Tensor indexCopyPromoted(const torch::Tensor& base, int64_t dim,
                                       const torch::Tensor& index, const torch::Tensor& values)
{
    const auto type = torch::promote_types(base.scalar_type(), values.scalar_type());
    return base.to(type).index_copy(dim, index, values.to(type));
}

/// torch::binary_cross_entropy(p, target, {}, reduction) (None or Mean). Autocast refuses that
/// op on CUDA ("unsafe to autocast"); under autocast the same loss, -(t log p + (1-t) log(1-p))
/// with each log clamped at -100 as PyTorch does, is computed in float32 from its parts.
inline torch::Tensor binaryCrossEntropy(const torch::Tensor& p, const torch::Tensor& target,
                                        at::Reduction::Reduction reduction = at::Reduction::Mean)
{
    if (!compat::AutocastGuard::enabled(p.device().type())) {
        return torch::binary_cross_entropy(p, target, {}, reduction);
    }
    const auto pf = p.to(torch::kFloat);
    const auto tf = target.to(torch::kFloat);
    const auto loss = -(tf * pf.log().clamp_min(-100.0)
                        + (1.0 - tf) * torch::log1p(-pf).clamp_min(-100.0));
    return reduction == at::Reduction::Mean ? loss.mean() : loss;
}

} // namespace mor::model
