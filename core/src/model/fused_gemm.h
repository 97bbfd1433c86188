#pragma once
// Products over weights packed once (issue 20, fused_reflect.cpp): out = in W^T + b for a
// layer whose weights do not change while they are used, e.g. during one answer-only
// reflection (no grad, eval mode), which runs up to maxDepth steps of the same four products.
// fused::denseProduct's sgemm packs each weight matrix again on every product (~12 us for a
// 384 x 128 one, whatever the rows); here the weights are packed once per reflection into
// panels [outputs / NR][inputs][NR] (zero-padded, the bias padded beside them) and every
// product runs a register-blocked kernel over them: AVX-512 (8 rows x 32 outputs) or AVX2/FMA
// (6 rows x 16 outputs), chosen at run time. Where neither is available (other CPUs,
// non-x86) packedGemmIsa() is None and callers use fused::denseProduct instead.
#include "model/fused_products.h"

#include <cstddef>
#include <cstdint>

namespace mor::model::fused {

enum class GemmIsa { None, Avx2, Avx512 };

/// Whether this CPU (and build) can run the kernel of `isa` (None: always true).
bool gemmIsaAvailable(GemmIsa isa);

/// The kernel packed products use on the calling thread: the best available one unless
/// setPackedGemmIsa chose another; None: packed products are off (callers take
/// denseProduct).
GemmIsa packedGemmIsa();
/// Chooses the kernel for the calling thread (tests, A/B runs); one that is not available
/// turns packed products off (None).
void setPackedGemmIsa(GemmIsa isa);
/// Back to the default (the best available kernel) for the calling thread.
void resetPackedGemmIsa();

/// The most rows for which the kernel of `isa` is measured at least as fast as sgemm on one
/// thread: AVX-512 and AVX2 any number (issue20.md, sessions 14 and 41), None 0. `blasThreads`:
/// the threads the sgemm in its place could use; with more than one, at most 64 rows (only one
/// thread was measured, and sgemm may split a larger product over them).
int64_t packedRowLimit(GemmIsa isa, int blasThreads = 1);

/// A layer packed for one kernel: panels [panels][inputs][nr] and the bias [panels * nr].
struct PackedDense {
    const float* panels = nullptr;
    const float* bias = nullptr;
    int64_t outputs = 0;
    int64_t inputs = 0;
    int64_t nr = 0; ///< outputs per panel: 32 (AVX-512), 16 (AVX2)
    GemmIsa isa = GemmIsa::None;
    int64_t panelStride = 0;    ///< floats from one panel to the next; 0: inputs * nr
    int64_t panelRowStride = 0; ///< floats from one input's nr weights to the next; 0: nr
};

/// Outputs per panel of `isa`'s kernel: 32 (AVX-512), 16 (AVX2), 0 (None).
int64_t panelWidth(GemmIsa isa);

/// Floats that packDense writes for a layer of this shape and kernel (0 for None).
size_t packedFloats(int64_t outputs, int64_t inputs, GemmIsa isa);

/// Packs `layer` for `isa` (not None) into dest (packedFloats() floats, 64-byte aligned).
PackedDense packDense(const Dense& layer, GemmIsa isa, float* dest);

/// Packs W [outputs, inputs] (rows ldw floats apart; bias [outputs] or nullptr: zero) for
/// out = in W^T + b, as packDense (dest: packedFloats(outputs, inputs, isa) floats).
PackedDense packWeightRows(const float* weight, int64_t ldw, int64_t outputs, int64_t inputs,
                           const float* bias, GemmIsa isa, float* dest);
/// Packs W^T for W [rows, columns] (rows ldw floats apart), for out = in W (in [m, rows], out
/// [m, columns]), without bias (dest: packedFloats(columns, rows, isa) floats).
PackedDense packWeightColumns(const float* weight, int64_t ldw, int64_t rows, int64_t columns,
                              GemmIsa isa, float* dest);
/// W [rows, columns] (rows ldw floats apart) read in place as the layer W^T (out = in W, no
/// bias: zeroBias holds >= columns rounded up to panelWidth(isa) zeros): W's rows are already
/// its panels' rows. Only for columns a multiple of panelWidth(isa) (the kernel reads whole
/// panels).
PackedDense weightColumns(const float* weight, int64_t ldw, int64_t rows, int64_t columns,
                          GemmIsa isa, const float* zeroBias);
/// The inputs [first, first + count) of a packed layer (a view of its panels, same bias).
PackedDense packedInputs(const PackedDense& layer, int64_t first, int64_t count);

/// The calling thread's buffer for packed layers: at least `floats` floats, 64-byte aligned,
/// reused by the next call on the thread (its contents are not kept across calls).
float* packBuffer(size_t floats);
/// Frees the calling thread's buffer if it holds more than `floats` floats.
void trimPackBuffer(size_t floats);

/// out [m x outputs] (row stride ldo) = in [m x inputs] (row stride ldi) W^T + b.
void packedProduct(const PackedDense& layer, const float* in, int64_t ldi, int64_t m,
                   float* out, int64_t ldo);

/// out [m x outputs] = A W^T + b (as packedProduct) or, with accumulate, out += A W^T, where A's
/// input p of row r is in[r ldi + p step]: with ldi 1 and step the row width of a row-major
/// dy [inputs, m], A is dy^T read in place. A weight gradient dW [out, k] += dy^T x for dy [n, out] and x [n, k]:
/// the layer weightColumns(x, k, n, k, ...) (x's rows are its panels' rows, k a multiple of the
/// panel width), in = dy, ldi 1, step out, m = out (grouped_linear.cpp's segment backward).
void packedProductStrided(const PackedDense& layer, const float* in, int64_t ldi, int64_t step,
                          int64_t m, float* out, int64_t ldo, bool accumulate);

/// One block of rows of a weight gradient's product: dy [n, outputs] and x [n, k], rows ldy and
/// ldx floats apart (weightGradientSegments).
struct GradientSegment {
    const float* dy = nullptr;
    const float* x = nullptr;
    int64_t n = 0;
};

/// dW [outputs, k] (rows lddw apart) = or, with accumulate, += the sum over the segments of
/// dy^T x, summed in float row after row, segment after segment, in registers: dW is read (with
/// accumulate) and written once, however many segments (fused_gemm_segments.cpp). The rows are
/// first copied into a buffer of the calling thread (n (k + outputs) floats for n rows in all,
/// kept for its next call), laid out as the kernel reads them. k a multiple of panelWidth(isa)
/// (x's rows are read as whole panels). False, and nothing written, where `isa` has no kernel
/// here or k is not such a multiple.
bool weightGradientSegments(const GradientSegment* segments, size_t count, int64_t outputs,
                            int64_t ldy, int64_t k, int64_t ldx, float* dw, int64_t lddw,
                            bool accumulate, GemmIsa isa);

} // namespace mor::model::fused
