#include "model/segment_packs.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace mor::model {

namespace {
thread_local bool t_packedSegments = true;
std::atomic<int64_t> g_packedProducts{0};
} // namespace

bool packedSegmentProducts()
{
    return t_packedSegments;
}

void setPackedSegmentProducts(bool on)
{
    t_packedSegments = on;
}

namespace segment {

namespace {
thread_local bool t_backwardPaths[3] = {true, true, true}; // by BackwardPath
} // namespace

bool backwardPath(BackwardPath path)
{
    return t_backwardPaths[size_t(path)];
}

void setBackwardPath(BackwardPath path, bool on)
{
    t_backwardPaths[size_t(path)] = on;
}

int64_t packedProducts()
{
    return g_packedProducts.load(std::memory_order_relaxed);
}

void countPackedProduct()
{
    g_packedProducts.fetch_add(1, std::memory_order_relaxed);
}

int64_t minRowsToPack(fused::GemmIsa isa, bool dx)
{
    // AVX-512: the forward product repays its packing from 4 rows on, dx (the pack used by
    // fewer products) from 8. AVX2: forward at every row count since session 41
    // (fused::packedRowLimit); dx won by at most 5% at 1-16 rows before its packing (session
    // 14, forced on a Zen 4, before the kernel's plain stores): not used.
    if (dx) {
        return isa == fused::GemmIsa::Avx512 ? 8 : INT64_MAX;
    }
    return 4;
}

namespace {

/// The loops of the narrow products, inlined into a plain and (x86) an AVX2/FMA copy: the inner
/// loops run over the k inputs, contiguous in dx, W's rows, x and dW.
[[gnu::always_inline]] inline void forwardLoops(const float* x, int64_t n, int64_t k,
                                                const float* w, int64_t ldw, int64_t out,
                                                const float* bias, float* y, int64_t ldy)
{
    for (int64_t r = 0; r < n; ++r) {
        const float* xr = x + r * k;
        for (int64_t j = 0; j < out; ++j) {
            const float* wj = w + j * ldw;
            double part[8] = {}; // eight running sums (vector lanes), added in a fixed order
            int64_t i = 0;
            for (; i + 8 <= k; i += 8) {
                for (int64_t l = 0; l < 8; ++l) {
                    part[l] += double(xr[i + l]) * double(wj[i + l]);
                }
            }
            double sum = bias != nullptr ? double(bias[j]) : 0.0;
            for (; i < k; ++i) {
                sum += double(xr[i]) * double(wj[i]);
            }
            sum += ((part[0] + part[4]) + (part[1] + part[5]))
                   + ((part[2] + part[6]) + (part[3] + part[7]));
            y[r * ldy + j] = float(sum);
        }
    }
}

[[gnu::always_inline]] inline void inputGradientLoops(const float* dy, int64_t n, int64_t out,
                                                      const float* w, int64_t ldw, int64_t k,
                                                      float* dx)
{
    for (int64_t r = 0; r < n; ++r) {
        const float* d = dy + r * out;
        float* o = dx + r * k;
        const float d0 = d[0];
        for (int64_t i = 0; i < k; ++i) {
            o[i] = d0 * w[i];
        }
        for (int64_t j = 1; j < out; ++j) {
            const float dj = d[j];
            const float* wj = w + j * ldw;
            for (int64_t i = 0; i < k; ++i) {
                o[i] += dj * wj[i];
            }
        }
    }
}

[[gnu::always_inline]] inline void weightGradientLoops(const float* dy, const float* x, int64_t n,
                                                       int64_t out, int64_t k, double* sums,
                                                       double* biasSums)
{
    for (int64_t r = 0; r < n; ++r) {
        const float* d = dy + r * out;
        const float* xr = x + r * k;
        for (int64_t j = 0; j < out; ++j) {
            const double dj = d[j];
            double* s = sums + j * k;
            for (int64_t i = 0; i < k; ++i) {
                s[i] += dj * double(xr[i]);
            }
            biasSums[j] += dj;
        }
    }
}


#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void forwardAvx2(const float* x, int64_t n, int64_t k,
                                                     const float* w, int64_t ldw, int64_t out,
                                                     const float* bias, float* y, int64_t ldy)
{
    forwardLoops(x, n, k, w, ldw, out, bias, y, ldy);
}

__attribute__((target("avx2,fma"))) void inputGradientAvx2(const float* dy, int64_t n,
                                                           int64_t out, const float* w,
                                                           int64_t ldw, int64_t k, float* dx)
{
    inputGradientLoops(dy, n, out, w, ldw, k, dx);
}

__attribute__((target("avx2,fma"))) void weightGradientAvx2(const float* dy, const float* x,
                                                            int64_t n, int64_t out, int64_t k,
                                                            double* sums, double* biasSums)
{
    weightGradientLoops(dy, x, n, out, k, sums, biasSums);
}
#endif

bool avx2()
{
    static const bool available = fused::gemmIsaAvailable(fused::GemmIsa::Avx2);
    return available;
}

template <typename T>
void columnSumsOf(const T* src, int64_t n, int64_t width, int64_t stride, T* out,
                  bool accumulate)
{
    constexpr int64_t kCols = 32, kRows = 32;
    std::vector<double> total(static_cast<size_t>(width), 0.0);
    for (int64_t first = 0; first < n; first += kRows) {
        const int64_t last = std::min(n, first + kRows);
        for (int64_t c0 = 0; c0 < width; c0 += kCols) {
            const int64_t cols = std::min(kCols, width - c0);
            T part[kCols] = {};
            for (int64_t r = first; r < last; ++r) {
                const T* row = src + r * stride + c0;
                if (cols == kCols) {
                    for (int64_t c = 0; c < kCols; ++c) {
                        part[c] += row[c];
                    }
                } else {
                    for (int64_t c = 0; c < cols; ++c) {
                        part[c] += row[c];
                    }
                }
            }
            for (int64_t c = 0; c < cols; ++c) {
                total[size_t(c0 + c)] += double(part[c]);
            }
        }
    }
    for (int64_t c = 0; c < width; ++c) {
        const double sum = total[size_t(c)];
        out[c] = T(accumulate ? double(out[c]) + sum : sum);
    }
}

} // namespace

void columnSums(const float* rows, int64_t n, int64_t width, int64_t stride, float* out,
                bool accumulate)
{
    columnSumsOf(rows, n, width, stride, out, accumulate);
}

void columnSums(const double* rows, int64_t n, int64_t width, int64_t stride, double* out,
                bool accumulate)
{
    columnSumsOf(rows, n, width, stride, out, accumulate);
}

void narrowForward(const float* x, int64_t n, int64_t k, const float* w, int64_t ldw, int64_t out,
                   const float* bias, float* y, int64_t ldy)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (avx2()) {
        forwardAvx2(x, n, k, w, ldw, out, bias, y, ldy);
        return;
    }
#endif
    forwardLoops(x, n, k, w, ldw, out, bias, y, ldy);
}

void narrowInputGradient(const float* dy, int64_t n, int64_t out, const float* w, int64_t ldw,
                         int64_t k, float* dx)
{
    if (n <= 0 || k <= 0) {
        return;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (avx2()) {
        inputGradientAvx2(dy, n, out, w, ldw, k, dx);
        return;
    }
#endif
    inputGradientLoops(dy, n, out, w, ldw, k, dx);
}

void narrowWeightGradient(const float* dy, const float* x, int64_t n, int64_t out, int64_t k,
                          float* dw, int64_t lddw, bool accumulate, float* db,
                          bool accumulateBias)
{
    // Sums in double (out x k <= 8 x a few hundred: in L1), then one pass over dW.
    thread_local std::vector<double> sums;
    sums.assign(size_t(out * (k + 1)), 0.0);
    double* biasSums = sums.data() + out * k;
#if defined(__x86_64__) && defined(__GNUC__)
    if (avx2()) {
        weightGradientAvx2(dy, x, n, out, k, sums.data(), biasSums);
    } else {
        weightGradientLoops(dy, x, n, out, k, sums.data(), biasSums);
    }
#else
    weightGradientLoops(dy, x, n, out, k, sums.data(), biasSums);
#endif
    for (int64_t j = 0; j < out; ++j) {
        float* row = dw + j * lddw;
        const double* s = sums.data() + j * k;
        for (int64_t i = 0; i < k; ++i) {
            row[i] = accumulate ? float(double(row[i]) + s[i]) : float(s[i]);
        }
        if (db != nullptr) {
            db[j] = accumulateBias ? float(double(db[j]) + biasSums[j]) : float(biasSums[j]);
        }
    }
}

MemberPacks::MemberPacks(int64_t members, size_t floatsPerMember)
    : m_floats((floatsPerMember + 15) / 16 * 16), // each member's panels 64-byte aligned
      m_ready(size_t(members), 0),
      m_versions(size_t(members), 0),
      m_layers(size_t(members))
{
    // Not zeroed: a member's panels are written when it is packed (members never packed are
    // never touched).
    m_storage.reset(new float[size_t(members) * m_floats + 16]);
    const auto address = reinterpret_cast<uintptr_t>(m_storage.get());
    m_data = reinterpret_cast<float*>((address + 63) & ~uintptr_t(63));
}

void MemberPacks::set(int64_t g, const fused::PackedDense& layer, uint32_t version)
{
    m_layers[size_t(g)] = layer;
    m_versions[size_t(g)] = version;
    m_ready[size_t(g)] = 1;
}

} // namespace segment

} // namespace mor::model
