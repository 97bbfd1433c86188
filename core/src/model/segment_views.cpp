// SPDX-License-Identifier: GPL-3.0-or-later
// The segment layers' views and products (segment_views.h).
#include "model/segment_views.h"

#include "model/fused_products.h"
#include "model/segment_packs.h"

#include <ATen/ops/addmm_cpu_dispatch.h>
#include <ATen/ops/mm_cpu_dispatch.h>

#include <utility>

namespace mor::model::segment {

namespace {

/// Rows (dim 0) or columns (dim 1) [offset, offset + n) of a 2-d tensor (transposed: as [cols,
/// n] / [n, rows]). On the CPU a view made without a dispatched op (a dispatched view costs
/// ~1 us, and a group makes a few per member and call).
torch::Tensor part(const torch::Tensor& t, int64_t dim, int64_t offset, int64_t n, bool transposed)
{
    if (!t.is_cpu()) {
        const auto v = t.narrow(dim, offset, n);
        return transposed ? v.t() : v;
    }
    std::vector<int64_t> sizes{t.size(0), t.size(1)}, strides{t.stride(0), t.stride(1)};
    sizes[size_t(dim)] = n;
    if (transposed) {
        std::swap(sizes[0], sizes[1]);
        std::swap(strides[0], strides[1]);
    }
    char* base = static_cast<char*>(t.data_ptr()) + offset * t.stride(dim) * t.element_size();
    return torch::from_blob(base, sizes, strides, t.options());
}

/// Whether a 2-d CPU float tensor is row-major (rows stride(0) apart) or the transpose of a
/// row-major matrix; its leading dimension.
bool blasOperand(const torch::Tensor& t, bool& transposed, int64_t& ld)
{
    if (!t.is_cpu() || t.scalar_type() != torch::kFloat || t.dim() != 2) {
        return false;
    }
    transposed = t.stride(1) != 1;
    ld = transposed ? t.stride(1) : t.stride(0);
    return !transposed || t.stride(0) == 1;
}

} // namespace

std::vector<int64_t> offsetsOf(const std::vector<int64_t>& counts)
{
    std::vector<int64_t> offsets(counts.size(), 0);
    for (size_t g = 1; g < counts.size(); ++g) {
        offsets[g] = offsets[g - 1] + counts[g - 1];
    }
    return offsets;
}

torch::Tensor rows(const torch::Tensor& t, int64_t offset, int64_t n, bool transposed)
{
    return part(t, 0, offset, n, transposed);
}

torch::Tensor columns(const torch::Tensor& t, int64_t column, int64_t k, bool transposed)
{
    return part(t, 1, column, k, transposed);
}

torch::Tensor member(const torch::Tensor& t, int64_t g)
{
    if (!t.is_cpu()) {
        return t.select(0, g);
    }
    // A tensor on t's storage (which it keeps alive): no dispatched select, no view tracking,
    // no deleter context as from_blob would allocate.
    auto impl = c10::make_intrusive<c10::TensorImpl>(c10::Storage(t.storage()), t.key_set(),
                                                     t.dtype());
    impl->set_sizes_and_strides(t.sizes().slice(1), t.strides().slice(1));
    impl->set_storage_offset(t.storage_offset() + g * t.stride(0));
    return torch::Tensor(std::move(impl));
}

void product(torch::Tensor& out, const torch::Tensor& a, const torch::Tensor& b, bool accumulate)
{
    bool ta = false, tb = false, to = false;
    int64_t lda = 0, ldb = 0, ldo = 0;
    if (blasOperand(out, to, ldo) && !to && blasOperand(a, ta, lda) && blasOperand(b, tb, ldb)
        && fused::rowMajorProduct(ta, tb, a.size(0), b.size(1), a.size(1), a.data_ptr<float>(),
                                  lda, b.data_ptr<float>(), ldb, accumulate,
                                  out.data_ptr<float>(), ldo)) {
        return;
    }
    if (out.is_cpu()) {
        if (accumulate) {
            at::cpu::addmm_out(out, out, a, b);
        } else {
            at::cpu::mm_out(out, a, b);
        }
    } else if (accumulate) {
        out.addmm_(a, b);
    } else {
        at::mm_out(out, a, b);
    }
}

void rowSum(torch::Tensor& out, const torch::Tensor& block, bool accumulate)
{
    const auto type = out.scalar_type();
    if (!out.is_cpu() || !out.is_contiguous() || block.stride(1) != 1
        || (type != torch::kFloat && type != torch::kDouble)) {
        const auto s = block.sum(0);
        accumulate ? out.add_(s) : out.copy_(s);
        return;
    }
    const int64_t n = block.size(0), width = block.size(1), stride = block.stride(0);
    if (type == torch::kFloat) {
        columnSums(block.data_ptr<float>(), n, width, stride, out.data_ptr<float>(), accumulate);
    } else {
        columnSums(block.data_ptr<double>(), n, width, stride, out.data_ptr<double>(),
                   accumulate);
    }
}

bool startColumns(const std::vector<bool>& written, const torch::Tensor& dw, int64_t column,
                  int64_t k)
{
    int64_t before = 0;
    for (int64_t c = column; c < column + k; ++c) {
        before += written[size_t(c)] ? 1 : 0;
    }
    if (before > 0 && before < k) {
        for (int64_t c = column; c < column + k; ++c) {
            if (!written[size_t(c)]) {
                columns(dw, c, 1).zero_();
            }
        }
    }
    return before > 0;
}

} // namespace mor::model::segment
