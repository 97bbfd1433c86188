// Weight gradients over several row blocks in one pass (fused_gemm.h: weightGradientSegments;
// issue 20, session 38). A segment layer's weight is used by several calls in a pass (the GRU's
// hidden weight at every reflection step); adding each call's dy^T x into dW on its own reads
// and writes dW once per call, which at E = 32 experts (12 MB of weights) comes from memory each
// time. Here every call's rows are summed into one register block of dW before it is stored:
// dW is written once, and read once only when it already holds a sum.
#include "model/fused_gemm.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#define MOR_SEGMENTS_X86 1
#include <immintrin.h>
#define MOR_SEGMENTS_AVX512 __attribute__((target("avx512f")))
#define MOR_SEGMENTS_AVX2 __attribute__((target("avx2,fma")))
#else
#define MOR_SEGMENTS_X86 0
#endif

namespace mor::model::fused {

namespace {

#if MOR_SEGMENTS_X86

/// AVX-512: an MR x 32 block of dW from packed rows (panels() below): accumulators from dW
/// (accumulate) or zero, then for every row p: += dy[p][r] (broadcast; rows ldy apart) times
/// x[p][0 : 32] (rows 32 apart). Rows are summed in order, in float (as one
/// packedProductStrided call per segment with accumulate would, without the stores and loads
/// in between).
template <int MR>
MOR_SEGMENTS_AVX512 void segmentsKernel512(const float* dy, int64_t ldy, const float* x,
                                           int64_t n, float* out, int64_t ldo, bool accumulate)
{
    __m512 c0[MR];
    __m512 c1[MR];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        c0[r] = accumulate ? _mm512_loadu_ps(out + r * ldo) : _mm512_setzero_ps();
        c1[r] = accumulate ? _mm512_loadu_ps(out + r * ldo + 16) : _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < n; ++p) {
        const __m512 w0 = _mm512_loadu_ps(x + p * 32);
        const __m512 w1 = _mm512_loadu_ps(x + p * 32 + 16);
        const float* dp = dy + p * ldy;
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const __m512 d = _mm512_set1_ps(dp[r]);
            c0[r] = _mm512_fmadd_ps(d, w0, c0[r]);
            c1[r] = _mm512_fmadd_ps(d, w1, c1[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        _mm512_storeu_ps(out + r * ldo, c0[r]);
        _mm512_storeu_ps(out + r * ldo + 16, c1[r]);
    }
}

/// AVX2/FMA: an MR x 16 block of dW (x's rows 16 apart), as segmentsKernel512.
template <int MR>
MOR_SEGMENTS_AVX2 void segmentsKernel256(const float* dy, int64_t ldy, const float* x,
                                         int64_t n, float* out, int64_t ldo, bool accumulate)
{
    __m256 c0[MR];
    __m256 c1[MR];
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
        c0[r] = accumulate ? _mm256_loadu_ps(out + r * ldo) : _mm256_setzero_ps();
        c1[r] = accumulate ? _mm256_loadu_ps(out + r * ldo + 8) : _mm256_setzero_ps();
    }
    for (int64_t p = 0; p < n; ++p) {
        const __m256 w0 = _mm256_loadu_ps(x + p * 16);
        const __m256 w1 = _mm256_loadu_ps(x + p * 16 + 8);
        const float* dp = dy + p * ldy;
#pragma GCC unroll 6
        for (int r = 0; r < MR; ++r) {
            const __m256 d = _mm256_broadcast_ss(dp + r);
            c0[r] = _mm256_fmadd_ps(d, w0, c0[r]);
            c1[r] = _mm256_fmadd_ps(d, w1, c1[r]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
        _mm256_storeu_ps(out + r * ldo, c0[r]);
        _mm256_storeu_ps(out + r * ldo + 8, c1[r]);
    }
}

/// The calling thread's buffer for the packed rows: grown when a call needs more, never shrunk.
float* segmentBuffer(size_t floats)
{
    thread_local std::vector<float> buffer;
    if (buffer.size() < floats) {
        buffer.assign(floats, 0.0f);
    }
    return buffer.data();
}

/// Every segment's rows, concatenated in order, packed so that the kernel reads contiguous
/// memory: x as column panels [k / Width][n][Width], dy as blocks of kRows outputs
/// [blocks][n][rows] (the last block as wide as the outputs left). Read in place, x's and dy's
/// rows are ldx and ldy floats apart: at 256 to 1536 bytes they fall into a few of L1's sets,
/// and every pass of the kernel over the rows missed L1 (issue 20, session 42).
template <int64_t Width, int kRows>
void packSegments(const GradientSegment* segments, size_t count, int64_t outputs, int64_t ldy,
                  int64_t k, int64_t ldx, int64_t n, float* xp, float* dyp)
{
    int64_t row = 0;
    for (size_t s = 0; s < count; ++s) {
        const GradientSegment& seg = segments[s];
        for (int64_t p = 0; p < seg.n; ++p, ++row) {
            const float* x = seg.x + p * ldx;
            for (int64_t j = 0; j < k; j += Width) {
                std::memcpy(xp + j * n + row * Width, x + j, sizeof(float) * Width);
            }
            // Constant sizes: the copies compile to a few moves, not calls to memcpy.
            const float* dy = seg.dy + p * ldy;
            int64_t o = 0;
            for (; o + kRows <= outputs; o += kRows) {
                std::memcpy(dyp + o * n + row * kRows, dy + o, sizeof(float) * kRows);
            }
            for (int64_t r = o; r < outputs; ++r) {
                dyp[o * n + row * (outputs - o) + (r - o)] = dy[r];
            }
        }
    }
}

/// Packs the rows (packSegments), then runs the kernel over dW: columns in blocks of the
/// kernel's width (outer: the block's x panel stays in L1), dW's rows in blocks of kRows, then
/// the tail. kernel(rows, dy block, its row stride, x panel, n, dW block): the packed rows, in
/// the segments' order.
template <int64_t Width, int kRows, typename Kernel>
void panels(const GradientSegment* segments, size_t count, int64_t outputs, int64_t ldy,
            int64_t k, int64_t ldx, float* dw, int64_t lddw, const Kernel& kernel)
{
    int64_t n = 0;
    for (size_t s = 0; s < count; ++s) {
        n += segments[s].n;
    }
    float* xp = segmentBuffer(size_t(n * (k + outputs)));
    float* dyp = xp + n * k;
    packSegments<Width, kRows>(segments, count, outputs, ldy, k, ldx, n, xp, dyp);
    for (int64_t j = 0; j < k; j += Width) {
        const float* x = xp + j * n;
        int64_t o = 0;
        for (; o + kRows <= outputs; o += kRows) {
            kernel(std::integral_constant<int, kRows>(), dyp + o * n, kRows, x, n,
                   dw + o * lddw + j);
        }
        const int64_t tail = outputs - o;
        const float* y = dyp + o * n;
        float* c = dw + o * lddw + j;
        switch (tail) { // kRows is 8 (AVX-512) or 6 (AVX2); a tail is 1 .. kRows - 1
        case 7: kernel(std::integral_constant<int, 7 % kRows>(), y, tail, x, n, c); break;
        case 6: kernel(std::integral_constant<int, 6 % kRows>(), y, tail, x, n, c); break;
        case 5: kernel(std::integral_constant<int, 5>(), y, tail, x, n, c); break;
        case 4: kernel(std::integral_constant<int, 4>(), y, tail, x, n, c); break;
        case 3: kernel(std::integral_constant<int, 3>(), y, tail, x, n, c); break;
        case 2: kernel(std::integral_constant<int, 2>(), y, tail, x, n, c); break;
        case 1: kernel(std::integral_constant<int, 1>(), y, tail, x, n, c); break;
        default: break;
        }
    }
}

#endif

} // namespace

bool weightGradientSegments(const GradientSegment* segments, size_t count, int64_t outputs,
                            int64_t ldy, int64_t k, int64_t ldx, float* dw, int64_t lddw,
                            bool accumulate, GemmIsa isa)
{
    const int64_t width = panelWidth(isa);
    if (width == 0 || k % width != 0 || !gemmIsaAvailable(isa)) {
        return false;
    }
#if MOR_SEGMENTS_X86
    if (isa == GemmIsa::Avx512) {
        panels<32, 8>(segments, count, outputs, ldy, k, ldx, dw, lddw,
                      [&](auto rows, const float* y, int64_t ly, const float* x, int64_t n,
                          float* c) {
                          segmentsKernel512<decltype(rows)::value>(y, ly, x, n, c, lddw,
                                                                   accumulate);
                      });
        return true;
    }
    panels<16, 6>(segments, count, outputs, ldy, k, ldx, dw, lddw,
                  [&](auto rows, const float* y, int64_t ly, const float* x, int64_t n,
                      float* c) {
                      segmentsKernel256<decltype(rows)::value>(y, ly, x, n, c, lddw, accumulate);
                  });
    return true;
#else
    (void)segments, (void)count, (void)outputs, (void)ldy, (void)ldx, (void)dw, (void)lddw,
        (void)accumulate;
    return false;
#endif
}

} // namespace mor::model::fused
