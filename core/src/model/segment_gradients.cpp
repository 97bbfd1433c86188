// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/segment_gradients.h"

#include "model/member_parallel.h"
#include "model/segment_views.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <utility>

namespace mor::model::segment {

namespace {
std::atomic<int64_t> g_deferredPasses{0};
} // namespace

int64_t deferredWeightGradients()
{
    return g_deferredPasses.load(std::memory_order_relaxed);
}

void zeroUnwritten(const torch::Tensor& dw, const torch::Tensor& db,
                   const std::vector<std::vector<bool>>& written,
                   const std::vector<uint8_t>& biasWritten)
{
    const int64_t in = dw.size(2);
    for (int64_t g = 0; g < dw.size(0); ++g) {
        const auto& cols = written[size_t(g)];
        for (int64_t c = 0; c < in;) { // runs of columns never written: zero
            if (cols[size_t(c)]) {
                ++c;
                continue;
            }
            int64_t end = c;
            while (end < in && !cols[size_t(end)]) {
                ++end;
            }
            columns(member(dw, g), c, end - c).zero_();
            c = end;
        }
        if (db.defined() && biasWritten[size_t(g)] == 0) {
            member(db, g).zero_();
        }
    }
}

void accumulateIntoParameter(const torch::Tensor& p, torch::Tensor gradient)
{
    const torch::NoGradGuard noGrad;
    if (gradient.scalar_type() != p.scalar_type() || gradient.device() != p.device()) {
        gradient = gradient.to(p.options());
    }
    auto& grad = p.mutable_grad();
    if (!grad.defined()) {
        grad = std::move(gradient);
    } else {
        grad.add_(gradient);
    }
}

void addDeferredWeightGradients(const std::vector<DeferredCall>& calls, torch::Tensor& dw,
                                std::vector<std::vector<bool>>& written, fused::GemmIsa isa)
{
    if (calls.empty()) {
        return;
    }
    const int64_t members = dw.size(0), out = dw.size(1), in = dw.size(2);
    // The distinct column ranges, in the order of their first call.
    std::vector<std::pair<int64_t, int64_t>> ranges;
    for (const auto& call : calls) {
        const std::pair<int64_t, int64_t> range(call.column, call.x.size(1));
        if (std::find(ranges.begin(), ranges.end(), range) == ranges.end()) {
            ranges.push_back(range);
        }
    }
    std::vector<int64_t> load(size_t(members), 0);
    for (const auto& call : calls) {
        for (int64_t g = 0; g < members; ++g) {
            load[size_t(g)] += call.members[size_t(g)] ? call.counts[size_t(g)] : 0;
        }
    }
    float* dwData = dw.data_ptr<float>();
    forEachMember(load, out * in, dw.is_cpu(), [&](int64_t g) {
        if (load[size_t(g)] == 0) {
            return;
        }
        std::vector<fused::GradientSegment> segments;
        for (const auto& [column, k] : ranges) {
            segments.clear();
            for (const auto& call : calls) {
                const int64_t n = call.counts[size_t(g)];
                if (call.column != column || call.x.size(1) != k || !call.members[size_t(g)]
                    || n == 0) {
                    continue;
                }
                const int64_t offset = call.offsets[size_t(g)];
                segments.push_back(fused::GradientSegment{
                    call.dy.data_ptr<float>() + offset * out, call.x.data_ptr<float>() + offset * k,
                    n});
            }
            if (segments.empty()) {
                continue;
            }
            auto& cols = written[size_t(g)];
            const bool accumulate = startColumns(cols, member(dw, g), column, k);
            if (!fused::weightGradientSegments(segments.data(), segments.size(), out, out, k, k,
                                               dwData + g * out * in + column, in, accumulate,
                                               isa)) {
                // Calls are only deferred where the kernel runs (grouped_linear.cpp).
                throw std::logic_error("addDeferredWeightGradients: no kernel for the columns");
            }
            std::fill(cols.begin() + column, cols.begin() + column + k, true);
            g_deferredPasses.fetch_add(1, std::memory_order_relaxed);
        }
    });
}

} // namespace mor::model::segment
