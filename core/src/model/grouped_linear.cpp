#include "model/grouped_linear.h"

#include <ATen/ops/addmm_cpu_dispatch.h>
#include <ATen/ops/mm_cpu_dispatch.h>
#include <ATen/ops/sum_cpu_dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace mor::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// A view made without a dispatched op on the CPU (a dispatched view costs ~1 us, and a group
/// makes a few per member and step): t's sizes and strides from dimension `from` on, starting
/// `offset` elements into t, optionally with the first two dimensions swapped.
torch::Tensor rawView(const torch::Tensor& t, int64_t offset, std::vector<int64_t> sizes,
                      std::vector<int64_t> strides, bool transposed)
{
    if (transposed) {
        std::swap(sizes[0], sizes[1]);
        std::swap(strides[0], strides[1]);
    }
    char* base = static_cast<char*>(t.data_ptr()) + offset * int64_t(t.element_size());
    return torch::from_blob(base, sizes, strides, t.options());
}

/// Rows [offset, offset + n) of a 2-d tensor (transposed: as [cols, n]).
torch::Tensor segmentRows(const torch::Tensor& t, int64_t offset, int64_t n,
                          bool transposed = false)
{
    if (!t.is_cpu()) {
        const auto v = t.narrow(0, offset, n);
        return transposed ? v.t() : v;
    }
    return rawView(t, offset * t.stride(0), {n, t.size(1)}, {t.stride(0), t.stride(1)}, transposed);
}

/// Member g of a stacked tensor: t.select(0, g) (transposed: of a 3-d one, as [in, out]).
torch::Tensor segmentMember(const torch::Tensor& t, int64_t g, bool transposed = false)
{
    if (!t.is_cpu()) {
        const auto v = t.select(0, g);
        return transposed ? v.t() : v;
    }
    const auto sizes = t.sizes().slice(1).vec();
    const auto strides = t.strides().slice(1).vec();
    return rawView(t, g * t.stride(0), sizes, strides, transposed);
}

void addmmOut(torch::Tensor& out, const torch::Tensor& self, const torch::Tensor& a,
              const torch::Tensor& b)
{
    if (out.is_cpu()) {
        at::cpu::addmm_out(out, self, a, b);
    } else {
        at::addmm_out(out, self, a, b);
    }
}

void mmOut(torch::Tensor& out, const torch::Tensor& a, const torch::Tensor& b)
{
    if (out.is_cpu()) {
        at::cpu::mm_out(out, a, b);
    } else {
        at::mm_out(out, a, b);
    }
}

void sumRowsOut(torch::Tensor& out, const torch::Tensor& a)
{
    if (out.is_cpu()) {
        at::cpu::sum_out(out, a, at::IntArrayRef{0});
    } else {
        at::sum_out(out, a, at::IntArrayRef{0});
    }
}

/// fn(g, offset, n) for every member g (offset: its first row). On the CPU with several
/// threads the members are spread over the threads, largest first onto the least loaded
/// thread, and each product runs on one thread: a group's blocks are many small products, which
/// one thread each computes better than all threads in turn.
template <typename Fn>
void forEachMember(const std::vector<int64_t>& counts, bool cpu, const Fn& fn)
{
    const size_t members = counts.size();
    std::vector<int64_t> offsets(members, 0);
    for (size_t g = 1; g < members; ++g) {
        offsets[g] = offsets[g - 1] + counts[g - 1];
    }
    const int threads = cpu && !at::in_parallel_region() ? at::get_num_threads() : 1;
    if (threads <= 1 || members < 2) {
        for (size_t g = 0; g < members; ++g) {
            fn(int64_t(g), offsets[g], counts[g]);
        }
        return;
    }
    std::vector<size_t> order(members);
    for (size_t g = 0; g < members; ++g) {
        order[g] = g;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&counts](size_t a, size_t b) { return counts[a] > counts[b]; });
    std::vector<std::vector<size_t>> work(static_cast<size_t>(threads));
    std::vector<int64_t> load(static_cast<size_t>(threads), 0);
    for (const size_t g : order) {
        const auto least = size_t(std::min_element(load.begin(), load.end()) - load.begin());
        work[least].push_back(g);
        load[least] += counts[g] + 1;
    }
    at::parallel_for(0, threads, 1, [&](int64_t begin, int64_t end) {
        for (int64_t t = begin; t < end; ++t) {
            for (const size_t g : work[size_t(t)]) {
                fn(int64_t(g), offsets[g], counts[g]);
            }
        }
    });
}

struct SegmentLinear : torch::autograd::Function<SegmentLinear> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& xIn,
                                 const torch::Tensor& w, const torch::Tensor& b,
                                 const std::vector<int64_t>& counts, bool bias)
    {
        const auto x = xIn.contiguous();
        const auto bc = bias ? b.contiguous() : b;
        auto y = torch::empty({x.size(0), w.size(1)}, x.options());
        forEachMember(counts, x.is_cpu(), [&](int64_t g, int64_t offset, int64_t n) {
            if (n == 0) {
                return;
            }
            auto out = segmentRows(y, offset, n);
            const auto wt = segmentMember(w, g, true);
            if (bias && out.is_cpu()) {
                // The bias rows written in place, then out += x W^T (addmm with out as its
                // own input adds without a copy): no dispatched expand and copy per member.
                const auto bytes = size_t(out.size(1)) * out.element_size();
                const char* row = static_cast<const char*>(bc.data_ptr()) + size_t(g) * bytes;
                char* dst = static_cast<char*>(out.data_ptr());
                for (int64_t r = 0; r < n; ++r) {
                    std::memcpy(dst + size_t(r) * bytes, row, bytes);
                }
                at::cpu::addmm_out(out, out, segmentRows(x, offset, n), wt);
            } else if (bias) {
                addmmOut(out, segmentMember(b, g), segmentRows(x, offset, n), wt);
            } else {
                mmOut(out, segmentRows(x, offset, n), wt);
            }
        });
        ctx->save_for_backward({x, w});
        ctx->saved_data["counts"] = counts;
        ctx->saved_data["bias"] = bias;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        const auto& w = saved[1];
        const auto counts = ctx->saved_data["counts"].toIntVector();
        const bool bias = ctx->saved_data["bias"].toBool();
        const auto dy = grads[0].contiguous();
        const bool needX = ctx->needs_input_grad(0);
        const bool needW = ctx->needs_input_grad(1);
        const bool needB = bias && ctx->needs_input_grad(2);
        torch::Tensor dx, dw, db;
        if (needX) {
            dx = torch::empty_like(x);
        }
        if (needW) {
            dw = torch::empty({w.size(0), w.size(1), w.size(2)}, w.options());
        }
        if (needB) {
            db = torch::empty({w.size(0), w.size(1)}, w.options());
        }
        forEachMember(counts, dy.is_cpu(), [&](int64_t member, int64_t offset, int64_t n) {
            if (n == 0) {
                if (needW) {
                    segmentMember(dw, member).zero_();
                }
                if (needB) {
                    segmentMember(db, member).zero_();
                }
                return;
            }
            const auto dyg = segmentRows(dy, offset, n);
            if (needX) {
                auto out = segmentRows(dx, offset, n);
                mmOut(out, dyg, segmentMember(w, member));
            }
            if (needW) {
                auto out = segmentMember(dw, member);
                mmOut(out, segmentRows(dy, offset, n, true), segmentRows(x, offset, n));
            }
            if (needB) {
                auto out = segmentMember(db, member);
                sumRowsOut(out, dyg);
            }
        });
        return {dx, dw, db, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor segmentLinear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
                            const std::vector<int64_t>& counts)
{
    TORCH_CHECK(x.dim() == 2 && w.dim() == 3 && w.size(0) == int64_t(counts.size())
                    && w.size(2) == x.size(1),
                "segmentLinear: x [N, in], w [G, out, in] with one count per member");
    // A custom function's inputs must be defined tensors (torch 1.13): no bias is an empty one.
    return SegmentLinear::apply(x, w, b.defined() ? b : torch::empty({0}, x.options()), counts,
                                b.defined());
}

} // namespace mor::model
