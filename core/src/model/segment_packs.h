#pragma once
// Packed-weight products for the segment layers of grouped dispatch (grouped_linear.cpp; issue
// 20, session 14). OpenBLAS packs a member's weight again on every product, and a group of E=32
// experts has ~23 live members of ~90 rows each per call: there the packing and the
// small-matrix kernels are most of the extra time over E=2. Here a member's weight columns are
// packed into fused_gemm's panels for y = x W^T + b by the thread that computes the member,
// into its own buffer, right before the product (session 39: kept for the pass instead, the
// packs of every member went to memory and back), and once per backward pass and column range
// as W's columns, for dx = dy W; every product then runs fused_gemm's register-blocked kernel.
// The weight gradient of a block of up to kMaxDwKernelRows rows runs on the same kernel
// (operands read in place), larger ones on BLAS; layers with few outputs (narrow*) or calls on
// few columns (fewInput*) run plain loops.
#include "model/fused_gemm.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mor::model {

/// Per-thread switch (default on): whether segment layers created on this thread use packed
/// products where a kernel is available (fused::packedGemmIsa(), float CPU weights). Off:
/// every product is the BLAS one, as before (A/B runs, tests).
bool packedSegmentProducts();
void setPackedSegmentProducts(bool on);

namespace segment {

/// The smallest number of outputs / inputs for which a packed product is used: a narrower
/// layer (the 4-class head, the critic's 1-output layer, the 5 feedback columns' input
/// gradient) wastes most of a 16- or 32-wide panel.
constexpr int64_t kMinOutputs = 16;
constexpr int64_t kMinInputs = 16;

/// The input gradient dx = dy W is packed only for weights of at least this many rows (its
/// products' depth): at 64 (the critic) the kernel is no faster than BLAS.
constexpr int64_t kMinDxDepth = 256;

/// The fewest rows for which a member's weight is packed for a call (dx: once packed, every
/// later call of the backward pass uses the pack, whatever its rows): below, BLAS's
/// small-matrix kernel costs less than the packing (issue20.md, session 14, helper K2). dx: the
/// input gradient's packing (columns of W).
int64_t minRowsToPack(fused::GemmIsa isa, bool dx);

/// The most rows of a member's block whose weight gradient dW (+)= dy^T x runs on the packed
/// kernel (fused::packedProductStrided, dy^T and x read in place) instead of a BLAS product:
/// at E = 32 experts a member has ~64 rows, where sgemm's packing of both operands and zeroing
/// of dW cost more than the product (bench_dispatch, top-2 with every expert busy, E=32 / E=2:
/// 1.42x, 1.37x, 1.40x against 1.46x, 1.48x, 1.45x with MOR_BENCH_DW=blas, session 35). With
/// ~1000 rows a member (E = 2) the kernel for every block was no faster (step 32.8, 34.7, 24.2
/// ms against 30.5, 31.9, 26.6 ms): there sgemm's cache blocking keeps dy in cache, where the
/// kernel reads it again for each panel of x's columns. Since session 42 the deferred kernel
/// copies its rows into panels first (fused::weightGradientSegments): in a scratch program (one
/// thread, two calls of a GRU's weights) 66-69 GFLOP/s at 1024 rows a call against sgemm's
/// 71-76, 72-74 against 64-67 at 64 rows: the limit stays.
constexpr int64_t kMaxDwKernelRows = 256;
/// The segment backward's own paths that a per-thread switch (default on) can turn off, each
/// then running BLAS products instead (A/B runs in bench_dispatch, tests):
enum class BackwardPath {
    WeightGradientKernel, ///< dW of blocks up to kMaxDwKernelRows rows (MOR_BENCH_DW=blas)
    FewInputs,            ///< the fewInput* loops below, forward too (MOR_BENCH_FEW=blas)
    /// dW of the kernel's blocks left to the gradient node, all calls of a weight on the same
    /// columns in one pass per member (segment_gradients.h; MOR_BENCH_DEFER=0); off: each
    /// call's backward adds its part at once.
    DeferredWeightGradient,
};
bool backwardPath(BackwardPath path);
void setBackwardPath(BackwardPath path, bool on);

/// Narrow layers (at most this many outputs: the 4-class head, the critic's and the halting
/// head's 1-output layers): their products are loops over raw arrays (below) instead of a BLAS
/// call, tensor views and (backward) a row sum per member (~5 us a member and call at E=32;
/// issue20.md, session 16).
constexpr int64_t kMaxNarrowOutputs = 8;

/// y [n, out] (rows ldy apart) = x [n, k] (rows k apart) W[:, 0:k]^T (+ bias, or none: nullptr),
/// each output summed in double.
void narrowForward(const float* x, int64_t n, int64_t k, const float* w, int64_t ldw, int64_t out,
                   const float* bias, float* y, int64_t ldy);
/// dx [n, k] (rows k apart) = dy [n, out] (rows out apart) W[:, 0:k] (W's rows ldw apart).
void narrowInputGradient(const float* dy, int64_t n, int64_t out, const float* w, int64_t ldw,
                         int64_t k, float* dx);
/// dW[:, 0:k] (rows lddw apart) = or += dy^T x (x [n, k], rows k apart), and with db: db =
/// or += the column sums of dy; summed in double over the rows.
void narrowWeightGradient(const float* dy, const float* x, int64_t n, int64_t out, int64_t k,
                          float* dw, int64_t lddw, bool accumulate, float* db,
                          bool accumulateBias);

/// Calls on few of a weight's columns (at most this many, on a layer wider than a narrow one:
/// the cell's 5 feedback columns [draft | critique]): their backward products are loops over
/// the outputs, with one register accumulator per column, instead of BLAS products 5 columns
/// wide (sgemm ran those at ~26 GFLOP/s, 8-10 us per member and product at 64 rows and
/// ~140 us at 1024; session 36).
constexpr int64_t kMaxFewInputs = 8;

/// The AVX2/FMA loops where the calling thread's packed kernel (fused::packedGemmIsa()) is not
/// None, else plain ones.
/// y [n, out] (rows ldy apart) = x [n, k] (rows k apart) W[:, 0:k]^T (+ bias, or none:
/// nullptr), 1 <= k <= kMaxFewInputs (the forward of such a call; BLAS ran it at ~16-25
/// GFLOP/s, session 39); each output summed in float, bias first, column after column.
void fewInputForward(const float* x, int64_t n, int64_t k, const float* w, int64_t ldw,
                     int64_t out, const float* bias, float* y, int64_t ldy);
/// W[:, 0:k] (W's rows ldw apart) written as k rows of out floats (W's columns as rows, the
/// layout the few-input loops read): `rows` holds k * out floats.
void fewColumnsAsRows(const float* w, int64_t ldw, int64_t out, int64_t k, float* rows);
/// fewInputForward and fewInputGradient on W[:, 0:k] given as fewColumnsAsRows wrote it (a
/// segment layer makes it once per pass and member: grouped_linear.cpp).
void fewInputForwardRows(const float* x, int64_t n, int64_t k, const float* rows, int64_t out,
                         const float* bias, float* y, int64_t ldy);
void fewInputGradientRows(const float* dy, int64_t n, int64_t out, const float* rows, int64_t k,
                          float* dx);
/// dx [n, k] (rows k apart) = dy [n, out] (rows out apart) W[:, 0:k] (W's rows ldw apart),
/// 1 <= k <= kMaxFewInputs; each output summed in float over 16 lanes, added in a fixed order.
void fewInputGradient(const float* dy, int64_t n, int64_t out, const float* w, int64_t ldw,
                      int64_t k, float* dx);
/// dW[:, 0:k] (rows lddw apart) = or += dy^T x (dy [n, out], x [n, k], rows out and k apart),
/// 1 <= k <= kMaxFewInputs; summed in float over the rows.
void fewInputWeightGradient(const float* dy, const float* x, int64_t n, int64_t out, int64_t k,
                            float* dw, int64_t lddw, bool accumulate);

/// out[0, width) = or += the sums of n rows of width values `stride` apart: blocks of 32 rows
/// summed in the values' type (32 columns at a time, a vectorised loop), the blocks in double.
void columnSums(const float* rows, int64_t n, int64_t width, int64_t stride, float* out,
                bool accumulate);
void columnSums(const double* rows, int64_t n, int64_t width, int64_t stride, double* out,
                bool accumulate);

/// Member products run by the packed kernel or the narrow loops so far (all threads; tests check
/// they ran).
int64_t packedProducts();
void countPackedProduct();

/// One packed layout of every member's weight of a segment layer, packed member by member on
/// first use (by the thread computing that member: members are disjoint).
class MemberPacks {
public:
    MemberPacks(int64_t members, size_t floatsPerMember);
    /// Whether member g is packed from its weight at `version` (the weight's version counter:
    /// an in-place update since the packing makes the pack stale).
    bool ready(int64_t g, uint32_t version) const
    {
        return m_ready[size_t(g)] != 0 && m_versions[size_t(g)] == version;
    }
    float* slot(int64_t g) { return m_data + size_t(g) * m_floats; }
    void set(int64_t g, const fused::PackedDense& layer, uint32_t version);
    const fused::PackedDense& layer(int64_t g) const { return m_layers[size_t(g)]; }

private:
    std::unique_ptr<float[]> m_storage;
    float* m_data = nullptr;
    size_t m_floats = 0;
    std::vector<uint8_t> m_ready;
    std::vector<uint32_t> m_versions;
    std::vector<fused::PackedDense> m_layers;
};

} // namespace segment

} // namespace mor::model
