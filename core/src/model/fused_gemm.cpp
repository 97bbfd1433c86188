#include "model/fused_gemm.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#if defined(__x86_64__) && defined(__GNUC__)
#define MOR_GEMM_X86 1
#include <immintrin.h>
#define MOR_GEMM_AVX512 __attribute__((target("avx512f")))
#define MOR_GEMM_AVX2 __attribute__((target("avx2,fma")))
#else
#define MOR_GEMM_X86 0
#endif

namespace mor::model::fused {

namespace {

// ---------------------------------------------------------------------------------------------
// Layout: a layer W [N, K] (row-major, out = in W^T + b) becomes ceil(N / NR) panels, panel p
// holding W[p NR + j][k] at [k][j] (j < NR, zero where p NR + j >= N), followed by the bias
// padded to a multiple of NR. A kernel call computes MR rows x NR outputs of one panel: its
// accumulators start at the bias, and step k adds in[r][k] (broadcast) times the panel's row
// k (NR floats, contiguous) to each row's accumulators; the outputs past N are not stored.
// The loop over panels is the outer one, so a panel (K NR floats: 16 KB at K = 128, NR = 32)
// stays in L1 while the row blocks stream past it.

} // namespace

int64_t panelWidth(GemmIsa isa)
{
    return isa == GemmIsa::Avx512 ? 32 : isa == GemmIsa::Avx2 ? 16 : 0;
}

namespace {

#if MOR_GEMM_X86

/// How a kernel reads its rows and starts its accumulators. Rows: row r's input p is
/// a[r lda + p] (kRows), or a[r lda + p step] (kStrided: e.g. dy^T of a row-major dy, lda 1).
/// Accumulators: from the bias, or with `accumulate` (kStrided only) from the outputs.
enum KernelMode { kRows, kStrided };

/// AVX-512: MR (1..8) rows x 32 outputs, two zmm accumulators per row.
template <int MR, KernelMode Mode = kRows>
MOR_GEMM_AVX512 void gemmKernel512(const float* a, int64_t lda, const float* w, int64_t ldw,
                                   const float* bias, int64_t k, float* out, int64_t ldo,
                                   __mmask16 mask0, __mmask16 mask1, int64_t step = 1,
                                   bool accumulate = false)
{
    __m512 c0[MR];
    __m512 c1[MR];
    const __m512 b0 = _mm512_loadu_ps(bias);
    const __m512 b1 = _mm512_loadu_ps(bias + 16);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        if (Mode == kStrided && accumulate) {
            c0[r] = _mm512_maskz_loadu_ps(mask0, out + r * ldo);
            c1[r] = _mm512_maskz_loadu_ps(mask1, out + r * ldo + 16);
        } else {
            c0[r] = b0;
            c1[r] = b1;
        }
    }
    for (int64_t p = 0; p < k; ++p) {
        const __m512 w0 = _mm512_loadu_ps(w + p * ldw);
        const __m512 w1 = _mm512_loadu_ps(w + p * ldw + 16);
        const float* ap = Mode == kStrided ? a + p * step : a + p;
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const __m512 x = _mm512_set1_ps(ap[r * lda]);
            c0[r] = _mm512_fmadd_ps(x, w0, c0[r]);
            c1[r] = _mm512_fmadd_ps(x, w1, c1[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
        _mm512_mask_storeu_ps(out + r * ldo, mask0, c0[r]);
        _mm512_mask_storeu_ps(out + r * ldo + 16, mask1, c1[r]);
    }
}

template <KernelMode Mode = kRows>
MOR_GEMM_AVX512 void productAvx512(const PackedDense& layer, const float* in, int64_t ldi,
                                   int64_t m, float* out, int64_t ldo, int64_t step = 1,
                                   bool accumulate = false)
{
    constexpr int64_t kRows = 8;
    const int64_t k = layer.inputs;
    const int64_t panels = (layer.outputs + 31) / 32;
    const int64_t stride = layer.panelStride > 0 ? layer.panelStride : k * 32;
    const int64_t ldw = layer.panelRowStride > 0 ? layer.panelRowStride : 32;
    for (int64_t p = 0; p < panels; ++p) {
        const float* w = layer.panels + p * stride;
        const float* bias = layer.bias + p * 32;
        const int64_t cols = std::min<int64_t>(32, layer.outputs - p * 32);
        const auto mask0 = __mmask16(cols >= 16 ? 0xFFFF : (1u << cols) - 1u);
        const auto mask1 = __mmask16(cols >= 32 ? 0xFFFF : cols > 16 ? (1u << (cols - 16)) - 1u : 0u);
        float* o = out + p * 32;
        int64_t r = 0;
        for (; r + kRows <= m; r += kRows) {
            gemmKernel512<8, Mode>(in + r * ldi, ldi, w, ldw, bias, k, o + r * ldo, ldo, mask0,
                                   mask1, step, accumulate);
        }
        const float* a = in + r * ldi;
        float* c = o + r * ldo;
#define MOR_TAIL(R)                                                                          \
    case R:                                                                                  \
        gemmKernel512<R, Mode>(a, ldi, w, ldw, bias, k, c, ldo, mask0, mask1, step, accumulate); \
        break;
        switch (m - r) {
            MOR_TAIL(7) MOR_TAIL(6) MOR_TAIL(5) MOR_TAIL(4) MOR_TAIL(3) MOR_TAIL(2) MOR_TAIL(1)
#undef MOR_TAIL
        default: break;
        }
    }
}

/// AVX2/FMA: MR (1..6) rows x 16 outputs, two ymm accumulators per row (KernelMode as
/// gemmKernel512). `full`: all 16 outputs are stored (and, accumulating, loaded) by plain
/// moves; the masked ones only for a layer's last, partial panel. VMASKMOVPS is microcoded on
/// AMD's cores: with it on every panel the kernel ran 1.07-1.18x sgemm's time at 128-256 rows
/// on an AVX2-only EPYC (issue20.md, session 41), 0.88-0.98x without.
template <int MR, KernelMode Mode = kRows>
MOR_GEMM_AVX2 void gemmKernel256(const float* a, int64_t lda, const float* w, int64_t ldw,
                                 const float* bias, int64_t k, float* out, int64_t ldo,
                                 __m256i mask0, __m256i mask1, bool full, int64_t step = 1,
                                 bool accumulate = false)
{
    __m256 c0[MR];
    __m256 c1[MR];
    const __m256 b0 = _mm256_loadu_ps(bias);
    const __m256 b1 = _mm256_loadu_ps(bias + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
        if (Mode == kStrided && accumulate && full) {
            c0[r] = _mm256_loadu_ps(out + r * ldo);
            c1[r] = _mm256_loadu_ps(out + r * ldo + 8);
        } else if (Mode == kStrided && accumulate) {
            c0[r] = _mm256_maskload_ps(out + r * ldo, mask0);
            c1[r] = _mm256_maskload_ps(out + r * ldo + 8, mask1);
        } else {
            c0[r] = b0;
            c1[r] = b1;
        }
    }
    for (int64_t p = 0; p < k; ++p) {
        const __m256 w0 = _mm256_loadu_ps(w + p * ldw);
        const __m256 w1 = _mm256_loadu_ps(w + p * ldw + 8);
        const float* ap = Mode == kStrided ? a + p * step : a + p;
#pragma GCC unroll 6
        for (int r = 0; r < MR; ++r) {
            const __m256 x = _mm256_broadcast_ss(ap + r * lda);
            c0[r] = _mm256_fmadd_ps(x, w0, c0[r]);
            c1[r] = _mm256_fmadd_ps(x, w1, c1[r]);
        }
    }
    if (full) {
#pragma GCC unroll 6
        for (int r = 0; r < MR; ++r) {
            _mm256_storeu_ps(out + r * ldo, c0[r]);
            _mm256_storeu_ps(out + r * ldo + 8, c1[r]);
        }
        return;
    }
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
        _mm256_maskstore_ps(out + r * ldo, mask0, c0[r]);
        _mm256_maskstore_ps(out + r * ldo + 8, mask1, c1[r]);
    }
}

template <KernelMode Mode = kRows>
MOR_GEMM_AVX2 void productAvx2(const PackedDense& layer, const float* in, int64_t ldi, int64_t m,
                               float* out, int64_t ldo, int64_t step = 1, bool accumulate = false)
{
    constexpr int64_t kRows = 6;
    const int64_t k = layer.inputs;
    const int64_t panels = (layer.outputs + 15) / 16;
    const int64_t stride = layer.panelStride > 0 ? layer.panelStride : k * 16;
    const int64_t ldw = layer.panelRowStride > 0 ? layer.panelRowStride : 16;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int64_t p = 0; p < panels; ++p) {
        const float* w = layer.panels + p * stride;
        const float* bias = layer.bias + p * 16;
        const int cols = int(std::min<int64_t>(16, layer.outputs - p * 16));
        const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lanes);
        const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8), lanes);
        const bool full = cols == 16;
        float* o = out + p * 16;
        int64_t r = 0;
        for (; r + kRows <= m; r += kRows) {
            gemmKernel256<6, Mode>(in + r * ldi, ldi, w, ldw, bias, k, o + r * ldo, ldo, mask0,
                                   mask1, full, step, accumulate);
        }
        const float* a = in + r * ldi;
        float* c = o + r * ldo;
#define MOR_TAIL(R)                                                                          \
    case R:                                                                                  \
        gemmKernel256<R, Mode>(a, ldi, w, ldw, bias, k, c, ldo, mask0, mask1, full, step,    \
                               accumulate);                                                  \
        break;
        switch (m - r) {
            MOR_TAIL(5) MOR_TAIL(4) MOR_TAIL(3) MOR_TAIL(2) MOR_TAIL(1)
#undef MOR_TAIL
        default: break;
        }
    }
}

/// Packs the rows [j0, j0 + 8) of one panel (rows `ld` floats apart): 8 x 8 blocks transposed
/// in registers (the inputs past the last multiple of 8 one by one). ~4x faster than the scalar
/// copy.
MOR_GEMM_AVX2 void packRows8(const float* rows, int64_t ld, int64_t k, float* panel, int64_t nr)
{
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        __m256 r[8];
        for (int j = 0; j < 8; ++j) {
            r[j] = _mm256_loadu_ps(rows + j * ld + i);
        }
        const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
        const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
        const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
        const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
        const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
        float* out = panel + i * nr;
        _mm256_storeu_ps(out, _mm256_permute2f128_ps(u0, u4, 0x20));
        _mm256_storeu_ps(out + nr, _mm256_permute2f128_ps(u1, u5, 0x20));
        _mm256_storeu_ps(out + 2 * nr, _mm256_permute2f128_ps(u2, u6, 0x20));
        _mm256_storeu_ps(out + 3 * nr, _mm256_permute2f128_ps(u3, u7, 0x20));
        _mm256_storeu_ps(out + 4 * nr, _mm256_permute2f128_ps(u0, u4, 0x31));
        _mm256_storeu_ps(out + 5 * nr, _mm256_permute2f128_ps(u1, u5, 0x31));
        _mm256_storeu_ps(out + 6 * nr, _mm256_permute2f128_ps(u2, u6, 0x31));
        _mm256_storeu_ps(out + 7 * nr, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (; i < k; ++i) {
        for (int j = 0; j < 8; ++j) {
            panel[i * nr + j] = rows[j * ld + i];
        }
    }
}

GemmIsa detectGemmIsa()
{
    __builtin_cpu_init();
    // AVX-512 only with AVX2 and FMA as well (a hypervisor may mask some of them), so that
    // every kernel below the best one is available too (gemmIsaAvailable).
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        return GemmIsa::None;
    }
    return __builtin_cpu_supports("avx512f") ? GemmIsa::Avx512 : GemmIsa::Avx2;
}

#else

GemmIsa detectGemmIsa()
{
    return GemmIsa::None;
}

#endif

GemmIsa bestGemmIsa()
{
    static const GemmIsa best = detectGemmIsa();
    return best;
}

/// The calling thread's choice; -1: the default (the best available kernel).
thread_local int t_packedIsa = -1;

struct PackBuffer {
    std::unique_ptr<float[]> data;
    float* aligned = nullptr;
    size_t size = 0;
};
thread_local PackBuffer t_packBuffer;

} // namespace

bool gemmIsaAvailable(GemmIsa isa)
{
    switch (isa) {
    case GemmIsa::None: return true;
    case GemmIsa::Avx2: return bestGemmIsa() != GemmIsa::None;
    case GemmIsa::Avx512: return bestGemmIsa() == GemmIsa::Avx512;
    }
    return false;
}

GemmIsa packedGemmIsa()
{
    return t_packedIsa < 0 ? bestGemmIsa() : static_cast<GemmIsa>(t_packedIsa);
}

void setPackedGemmIsa(GemmIsa isa)
{
    t_packedIsa = int(gemmIsaAvailable(isa) ? isa : GemmIsa::None);
}

void resetPackedGemmIsa()
{
    t_packedIsa = -1;
}

int64_t packedRowLimit(GemmIsa isa, int blasThreads)
{
    const int64_t limit = isa == GemmIsa::None ? 0 : INT64_MAX;
    return blasThreads > 1 ? std::min<int64_t>(limit, 64) : limit;
}

float* packBuffer(size_t floats)
{
    if (t_packBuffer.size < floats) {
        t_packBuffer.data.reset(new float[floats + 16]);
        const auto address = reinterpret_cast<uintptr_t>(t_packBuffer.data.get());
        t_packBuffer.aligned = reinterpret_cast<float*>((address + 63) & ~uintptr_t(63));
        t_packBuffer.size = floats;
    }
    return t_packBuffer.aligned;
}

void trimPackBuffer(size_t floats)
{
    if (t_packBuffer.size > floats) {
        t_packBuffer = PackBuffer();
    }
}

size_t packedFloats(int64_t outputs, int64_t inputs, GemmIsa isa)
{
    const int64_t nr = panelWidth(isa);
    if (nr == 0) {
        return 0;
    }
    const int64_t panels = (outputs + nr - 1) / nr;
    return size_t(panels * nr * (inputs + 1));
}

PackedDense packDense(const Dense& layer, GemmIsa isa, float* dest)
{
    return packWeightRows(layer.weight, layer.inputs, layer.outputs, layer.inputs, layer.bias, isa,
                          dest);
}

namespace {

/// The layout packDense, packWeightRows and packWeightColumns write at dest: the panels of an
/// [outputs, inputs] layer, then its bias rounded up to whole panels (packedFloats floats).
PackedDense panelLayout(float* dest, int64_t outputs, int64_t inputs, GemmIsa isa)
{
    const int64_t nr = panelWidth(isa);
    const int64_t panels = (outputs + nr - 1) / nr;
    PackedDense packed;
    packed.panels = dest;
    packed.bias = dest + panels * nr * inputs;
    packed.outputs = outputs;
    packed.inputs = inputs;
    packed.nr = nr;
    packed.isa = isa;
    return packed;
}

} // namespace

PackedDense packWeightRows(const float* weight, int64_t ldw, int64_t outputs, int64_t inputs,
                           const float* bias, GemmIsa isa, float* dest)
{
    const PackedDense packed = panelLayout(dest, outputs, inputs, isa);
    const int64_t nr = packed.nr;
    const int64_t n = outputs;
    const int64_t k = inputs;
    const int64_t panels = (n + nr - 1) / nr;
    for (int64_t p = 0; p < panels; ++p) {
        float* panel = dest + p * k * nr;
        const int64_t cols = std::min(nr, n - p * nr);
        if (cols < nr) {
            std::fill(panel, panel + k * nr, 0.0f);
        }
        int64_t j = 0;
#if MOR_GEMM_X86
        for (; j + 8 <= cols; j += 8) { // isa is Avx2 or Avx512: AVX2 is there
            packRows8(weight + (p * nr + j) * ldw, ldw, k, panel + j, nr);
        }
#endif
        for (; j < cols; ++j) {
            const float* row = weight + (p * nr + j) * ldw;
            for (int64_t i = 0; i < k; ++i) {
                panel[i * nr + j] = row[i];
            }
        }
    }
    float* packedBias = dest + panels * nr * k;
    if (bias != nullptr) {
        std::memcpy(packedBias, bias, size_t(n) * sizeof(float));
        std::fill(packedBias + n, packedBias + panels * nr, 0.0f);
    } else {
        std::fill(packedBias, packedBias + panels * nr, 0.0f);
    }
    return packed;
}

PackedDense packWeightColumns(const float* weight, int64_t ldw, int64_t rows, int64_t columns,
                              GemmIsa isa, float* dest)
{
    // The layer W^T: outputs = W's columns, inputs = W's rows; panel p holds W[i][p nr + j] at
    // [i][j]: a copy of nr consecutive floats of each row of W (no transpose).
    const PackedDense packed = panelLayout(dest, columns, rows, isa);
    const int64_t nr = packed.nr;
    const int64_t n = columns;
    const int64_t k = rows;
    const int64_t panels = (n + nr - 1) / nr;
    for (int64_t p = 0; p < panels; ++p) {
        float* panel = dest + p * k * nr;
        const int64_t cols = std::min(nr, n - p * nr);
        for (int64_t i = 0; i < k; ++i) {
            std::memcpy(panel + i * nr, weight + i * ldw + p * nr, size_t(cols) * sizeof(float));
            if (cols < nr) {
                std::fill(panel + i * nr + cols, panel + (i + 1) * nr, 0.0f);
            }
        }
    }
    std::fill(dest + panels * nr * k, dest + panels * nr * (k + 1), 0.0f);
    return packed;
}

PackedDense weightColumns(const float* weight, int64_t ldw, int64_t rows, int64_t columns,
                          GemmIsa isa, const float* zeroBias)
{
    PackedDense view;
    view.panels = weight;
    view.bias = zeroBias;
    view.outputs = columns;
    view.inputs = rows;
    view.nr = panelWidth(isa);
    view.isa = isa;
    view.panelStride = view.nr;
    view.panelRowStride = ldw;
    return view;
}

PackedDense packedInputs(const PackedDense& layer, int64_t first, int64_t count)
{
    PackedDense part = layer;
    part.panels = layer.panels + first * (layer.panelRowStride > 0 ? layer.panelRowStride : layer.nr);
    part.panelStride = layer.panelStride > 0 ? layer.panelStride : layer.inputs * layer.nr;
    part.panelRowStride = layer.panelRowStride;
    part.inputs = count;
    return part;
}

void packedProduct(const PackedDense& layer, const float* in, int64_t ldi, int64_t m, float* out,
                   int64_t ldo)
{
#if MOR_GEMM_X86
    if (layer.isa == GemmIsa::Avx512) {
        productAvx512(layer, in, ldi, m, out, ldo);
        return;
    }
    if (layer.isa == GemmIsa::Avx2) {
        productAvx2(layer, in, ldi, m, out, ldo);
        return;
    }
#endif
    // Not reached: packDense is only called with an available kernel.
    (void)layer, (void)in, (void)ldi, (void)m, (void)out, (void)ldo;
}

void packedProductStrided(const PackedDense& layer, const float* in, int64_t ldi, int64_t step,
                          int64_t m, float* out, int64_t ldo, bool accumulate)
{
#if MOR_GEMM_X86
    if (layer.isa == GemmIsa::Avx512) {
        productAvx512<kStrided>(layer, in, ldi, m, out, ldo, step, accumulate);
        return;
    }
    if (layer.isa == GemmIsa::Avx2) {
        productAvx2<kStrided>(layer, in, ldi, m, out, ldo, step, accumulate);
        return;
    }
#endif
    (void)layer, (void)in, (void)ldi, (void)step, (void)m, (void)out, (void)ldo,
        (void)accumulate;
}

} // namespace mor::model::fused
