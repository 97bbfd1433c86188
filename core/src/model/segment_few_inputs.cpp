// SPDX-License-Identifier: GPL-3.0-or-later
// The few-input loops of the segment layers (segment_packs.h: fewInput*): a call on at most
// kMaxFewInputs of a weight's columns (the cell's 5 feedback columns), whose products BLAS ran
// at ~16-26 GFLOP/s (sessions 36 and 39). Each loop exists once per number of columns K
// (1..8), as plain C++ and with AVX2/FMA intrinsics.
#include "model/segment_packs.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <c10/util/Exception.h>

namespace mor::model::segment {

namespace {

/// Lanes of the few-input loops' accumulators (two AVX2 registers a column).
constexpr int64_t kFewLanes = 16;

/// sums[c * out + t] for the outputs t in [j, out) past the last whole block of lanes.
template <int K>
[[gnu::always_inline]] inline void fewInputWeightGradientTail(const float* dy, const float* x,
                                                              int64_t n, int64_t out, int64_t j,
                                                              float* sums)
{
    for (; j < out; ++j) {
        for (int c = 0; c < K; ++c) {
            float sum = 0.0f;
            for (int64_t r = 0; r < n; ++r) {
                sum += dy[r * out + j] * x[r * K + c];
            }
            sums[c * out + j] = sum;
        }
    }
}

/// y[r][t] for the outputs t in [j, out) past the last whole block of lanes.
template <int K>
[[gnu::always_inline]] inline void fewInputForwardTail(const float* x, int64_t n, const float* wt,
                                                       int64_t out, const float* bias, float* y,
                                                       int64_t ldy, int64_t j)
{
    for (; j < out; ++j) {
        for (int64_t r = 0; r < n; ++r) {
            float sum = bias != nullptr ? bias[j] : 0.0f;
            for (int c = 0; c < K; ++c) {
                sum += x[r * K + c] * wt[c * out + j];
            }
            y[r * ldy + j] = sum;
        }
    }
}

/// The few-input loops on any CPU. gradient: dx = dy W[:, 0:K] with wt = W[:, 0:K]^T ([K, out],
/// contiguous), the K sums of a row sharing each load of dy's row; weightGradient: sums [K, out]
/// = (dy^T x)^T, per block of 16 outputs K accumulators over all rows; forward: y = bias + x
/// W[:, 0:K]^T, per block of 16 outputs its K weights held while every row passes (y written
/// once, bias first, then the columns in order).
struct PlainFewInputLoops {
    template <int K>
    static void forward(const float* x, int64_t n, const float* wt, int64_t out,
                        const float* bias, float* y, int64_t ldy)
    {
        int64_t j = 0;
        for (; j + kFewLanes <= out; j += kFewLanes) {
            float w[K][kFewLanes];
            float b[kFewLanes];
            for (int64_t l = 0; l < kFewLanes; ++l) {
                b[l] = bias != nullptr ? bias[j + l] : 0.0f;
                for (int c = 0; c < K; ++c) {
                    w[c][l] = wt[c * out + j + l];
                }
            }
            for (int64_t r = 0; r < n; ++r) {
                float acc[kFewLanes];
                for (int64_t l = 0; l < kFewLanes; ++l) {
                    acc[l] = b[l];
                }
                for (int c = 0; c < K; ++c) {
                    const float xc = x[r * K + c];
                    for (int64_t l = 0; l < kFewLanes; ++l) {
                        acc[l] += xc * w[c][l];
                    }
                }
                for (int64_t l = 0; l < kFewLanes; ++l) {
                    y[r * ldy + j + l] = acc[l];
                }
            }
        }
        fewInputForwardTail<K>(x, n, wt, out, bias, y, ldy, j);
    }

    template <int K>
    static void gradient(const float* dy, int64_t n, int64_t out, const float* wt, float* dx)
    {
        for (int64_t r = 0; r < n; ++r) {
            const float* d = dy + r * out;
            float acc[K][kFewLanes] = {};
            int64_t j = 0;
            for (; j + kFewLanes <= out; j += kFewLanes) {
                for (int c = 0; c < K; ++c) {
                    for (int64_t l = 0; l < kFewLanes; ++l) {
                        acc[c][l] += d[j + l] * wt[c * out + j + l];
                    }
                }
            }
            for (int c = 0; c < K; ++c) {
                float sum = 0.0f;
                for (int64_t l = 0; l < kFewLanes; ++l) {
                    sum += acc[c][l];
                }
                for (int64_t t = j; t < out; ++t) {
                    sum += d[t] * wt[c * out + t];
                }
                dx[r * K + c] = sum;
            }
        }
    }

    template <int K>
    static void weightGradient(const float* dy, const float* x, int64_t n, int64_t out,
                               float* sums)
    {
        int64_t j = 0;
        for (; j + kFewLanes <= out; j += kFewLanes) {
            float acc[K][kFewLanes] = {};
            for (int64_t r = 0; r < n; ++r) {
                for (int c = 0; c < K; ++c) {
                    for (int64_t l = 0; l < kFewLanes; ++l) {
                        acc[c][l] += dy[r * out + j + l] * x[r * K + c];
                    }
                }
            }
            for (int c = 0; c < K; ++c) {
                for (int64_t l = 0; l < kFewLanes; ++l) {
                    sums[c * out + j + l] = acc[c][l];
                }
            }
        }
        fewInputWeightGradientTail<K>(dy, x, n, out, j, sums);
    }
};

#if defined(__x86_64__) && defined(__GNUC__)
/// The sum of a register's 8 lanes.
__attribute__((target("avx2,fma"))) inline float laneSum(__m256 v)
{
    const __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 pairs = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
}

/// PlainFewInputLoops with AVX2/FMA intrinsics: two registers a column (its accumulators, or in
/// forward its weights).
struct Avx2FewInputLoops {
    template <int K>
    __attribute__((target("avx2,fma"))) static void forward(const float* x, int64_t n,
                                                            const float* wt, int64_t out,
                                                            const float* bias, float* y,
                                                            int64_t ldy)
    {
        int64_t j = 0;
        for (; j + kFewLanes <= out; j += kFewLanes) {
            __m256 w[K][2];
            for (int c = 0; c < K; ++c) {
                w[c][0] = _mm256_loadu_ps(wt + c * out + j);
                w[c][1] = _mm256_loadu_ps(wt + c * out + j + 8);
            }
            const __m256 b0 = bias != nullptr ? _mm256_loadu_ps(bias + j) : _mm256_setzero_ps();
            const __m256 b1 =
                bias != nullptr ? _mm256_loadu_ps(bias + j + 8) : _mm256_setzero_ps();
            for (int64_t r = 0; r < n; ++r) {
                __m256 a0 = b0, a1 = b1;
                for (int c = 0; c < K; ++c) {
                    const __m256 xc = _mm256_broadcast_ss(x + r * K + c);
                    a0 = _mm256_fmadd_ps(xc, w[c][0], a0);
                    a1 = _mm256_fmadd_ps(xc, w[c][1], a1);
                }
                _mm256_storeu_ps(y + r * ldy + j, a0);
                _mm256_storeu_ps(y + r * ldy + j + 8, a1);
            }
        }
        fewInputForwardTail<K>(x, n, wt, out, bias, y, ldy, j);
    }

    template <int K>
    __attribute__((target("avx2,fma"))) static void gradient(const float* dy, int64_t n,
                                                             int64_t out, const float* wt,
                                                             float* dx)
    {
        for (int64_t r = 0; r < n; ++r) {
            const float* d = dy + r * out;
            __m256 acc[K][2];
            for (int c = 0; c < K; ++c) {
                acc[c][0] = _mm256_setzero_ps();
                acc[c][1] = _mm256_setzero_ps();
            }
            int64_t j = 0;
            for (; j + kFewLanes <= out; j += kFewLanes) {
                const __m256 d0 = _mm256_loadu_ps(d + j), d1 = _mm256_loadu_ps(d + j + 8);
                for (int c = 0; c < K; ++c) {
                    const float* wc = wt + c * out + j;
                    acc[c][0] = _mm256_fmadd_ps(d0, _mm256_loadu_ps(wc), acc[c][0]);
                    acc[c][1] = _mm256_fmadd_ps(d1, _mm256_loadu_ps(wc + 8), acc[c][1]);
                }
            }
            for (int c = 0; c < K; ++c) {
                float sum = laneSum(_mm256_add_ps(acc[c][0], acc[c][1]));
                for (int64_t t = j; t < out; ++t) {
                    sum += d[t] * wt[c * out + t];
                }
                dx[r * K + c] = sum;
            }
        }
    }

    template <int K>
    __attribute__((target("avx2,fma"))) static void weightGradient(const float* dy,
                                                                   const float* x, int64_t n,
                                                                   int64_t out, float* sums)
    {
        int64_t j = 0;
        for (; j + kFewLanes <= out; j += kFewLanes) {
            __m256 acc[K][2];
            for (int c = 0; c < K; ++c) {
                acc[c][0] = _mm256_setzero_ps();
                acc[c][1] = _mm256_setzero_ps();
            }
            for (int64_t r = 0; r < n; ++r) {
                const float* d = dy + r * out + j;
                const __m256 d0 = _mm256_loadu_ps(d), d1 = _mm256_loadu_ps(d + 8);
                for (int c = 0; c < K; ++c) {
                    const __m256 xc = _mm256_broadcast_ss(x + r * K + c);
                    acc[c][0] = _mm256_fmadd_ps(d0, xc, acc[c][0]);
                    acc[c][1] = _mm256_fmadd_ps(d1, xc, acc[c][1]);
                }
            }
            for (int c = 0; c < K; ++c) {
                _mm256_storeu_ps(sums + c * out + j, acc[c][0]);
                _mm256_storeu_ps(sums + c * out + j + 8, acc[c][1]);
            }
        }
        fewInputWeightGradientTail<K>(dy, x, n, out, j, sums);
    }
};
#endif

using FewInputForwardFn = void (*)(const float*, int64_t, const float*, int64_t, const float*,
                                   float*, int64_t);
using FewInputGradientFn = void (*)(const float*, int64_t, int64_t, const float*, float*);
using FewInputWeightGradientFn = void (*)(const float*, const float*, int64_t, int64_t, float*);

/// Loops' functions for k = 1..kMaxFewInputs columns (index k - 1).
template <typename Loops, size_t... I>
std::array<FewInputForwardFn, kMaxFewInputs> forwardTable(std::index_sequence<I...>)
{
    return {{&Loops::template forward<int(I) + 1>...}};
}
template <typename Loops, size_t... I>
std::array<FewInputGradientFn, kMaxFewInputs> gradientTable(std::index_sequence<I...>)
{
    return {{&Loops::template gradient<int(I) + 1>...}};
}
template <typename Loops, size_t... I>
std::array<FewInputWeightGradientFn, kMaxFewInputs> weightGradientTable(std::index_sequence<I...>)
{
    return {{&Loops::template weightGradient<int(I) + 1>...}};
}

#if defined(__x86_64__) && defined(__GNUC__)
using VectorFewInputLoops = Avx2FewInputLoops;
#else
using VectorFewInputLoops = PlainFewInputLoops;
#endif

using FewInputIndices = std::make_index_sequence<size_t(kMaxFewInputs)>;

/// Whether the calling thread takes the vector loops: where its packed kernel is not None.
bool vectorFewInputLoops()
{
    return fused::packedGemmIsa() != fused::GemmIsa::None;
}

/// The calling thread's loops for k columns.
FewInputForwardFn fewInputForwardLoops(int64_t k)
{
    static const auto plain = forwardTable<PlainFewInputLoops>(FewInputIndices());
    static const auto vector = forwardTable<VectorFewInputLoops>(FewInputIndices());
    return (vectorFewInputLoops() ? vector : plain)[size_t(k - 1)];
}

FewInputGradientFn fewInputGradientLoops(int64_t k)
{
    static const auto plain = gradientTable<PlainFewInputLoops>(FewInputIndices());
    static const auto vector = gradientTable<VectorFewInputLoops>(FewInputIndices());
    return (vectorFewInputLoops() ? vector : plain)[size_t(k - 1)];
}

FewInputWeightGradientFn fewInputWeightGradientLoops(int64_t k)
{
    static const auto plain = weightGradientTable<PlainFewInputLoops>(FewInputIndices());
    static const auto vector = weightGradientTable<VectorFewInputLoops>(FewInputIndices());
    return (vectorFewInputLoops() ? vector : plain)[size_t(k - 1)];
}
} // namespace

void fewColumnsAsRows(const float* w, int64_t ldw, int64_t out, int64_t k, float* rows)
{
    for (int64_t j = 0; j < out; ++j) {
        for (int64_t c = 0; c < k; ++c) {
            rows[c * out + j] = w[j * ldw + c];
        }
    }
}

void fewInputForwardRows(const float* x, int64_t n, int64_t k, const float* rows, int64_t out,
                         const float* bias, float* y, int64_t ldy)
{
    TORCH_CHECK(k >= 1 && k <= kMaxFewInputs, "fewInputForward: 1 to 8 columns");
    if (n <= 0) {
        return;
    }
    fewInputForwardLoops(k)(x, n, rows, out, bias, y, ldy);
}

void fewInputGradientRows(const float* dy, int64_t n, int64_t out, const float* rows, int64_t k,
                          float* dx)
{
    TORCH_CHECK(k >= 1 && k <= kMaxFewInputs, "fewInputGradient: 1 to 8 columns");
    if (n <= 0) {
        return;
    }
    fewInputGradientLoops(k)(dy, n, out, rows, dx);
}

namespace {
/// W's k columns as rows in the calling thread's buffer (k x out floats, a few KB; the Rows
/// functions check k).
const float* columnsAsRows(const float* w, int64_t ldw, int64_t out, int64_t k)
{
    thread_local std::vector<float> wt;
    wt.resize(size_t(std::max<int64_t>(k, 0) * out));
    fewColumnsAsRows(w, ldw, out, k, wt.data());
    return wt.data();
}
} // namespace

void fewInputForward(const float* x, int64_t n, int64_t k, const float* w, int64_t ldw,
                     int64_t out, const float* bias, float* y, int64_t ldy)
{
    fewInputForwardRows(x, n, k, columnsAsRows(w, ldw, out, k), out, bias, y, ldy);
}

void fewInputGradient(const float* dy, int64_t n, int64_t out, const float* w, int64_t ldw,
                      int64_t k, float* dx)
{
    fewInputGradientRows(dy, n, out, columnsAsRows(w, ldw, out, k), k, dx);
}

void fewInputWeightGradient(const float* dy, const float* x, int64_t n, int64_t out, int64_t k,
                            float* dw, int64_t lddw, bool accumulate)
{
    TORCH_CHECK(k >= 1 && k <= kMaxFewInputs, "fewInputWeightGradient: 1 to 8 columns");
    thread_local std::vector<float> sums;
    sums.resize(size_t(k * out));
    fewInputWeightGradientLoops(k)(dy, x, n, out, sums.data());
    for (int64_t j = 0; j < out; ++j) {
        float* row = dw + j * lddw;
        for (int64_t c = 0; c < k; ++c) {
            const float v = sums[size_t(c * out + j)];
            row[c] = accumulate ? row[c] + v : v;
        }
    }
}

} // namespace mor::model::segment
