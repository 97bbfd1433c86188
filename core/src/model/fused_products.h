#pragma once
// Dense products of the fused CPU float32 paths (fused_reflect.cpp: the expert step,
// answer_only.cpp: the encoder and router of the answer-only pass): out = in W^T + b on raw
// row-major buffers through the BLAS sgemm that ATen's addmm calls for a float linear layer,
// called directly (no tensor, no dispatch); ATen's addmm_out on views where that sgemm is not
// visible. Same products, same results as torch::nn::Linear on those inputs.
#include <cstdint>

namespace mor::model::fused {

struct Dense {
    const float* weight = nullptr; ///< [outputs, inputs], contiguous
    const float* bias = nullptr;   ///< [outputs]
    int64_t outputs = 0;
    int64_t inputs = 0;
};

/// out [m x outputs] (row stride ldo) = in [m x inputs] (row stride ldi) W^T + b.
void denseProduct(const Dense& layer, const float* in, int64_t ldi, int64_t m, float* out,
                  int64_t ldo);

/// c [m x n] (row-major, rows ldc apart) = (accumulate ? c : 0) + op(a) op(b), op(a) [m x k],
/// op(b) [k x n], each row-major (rows lda / ldb apart) or, with transA / transB, the
/// transpose of a row-major matrix: the sgemm call ATen's addmm makes for these operands, made
/// directly (no tensors, no dispatch; grouped_linear.cpp's per-member products). False (c
/// untouched) where that sgemm is not visible or a leading dimension is too small for BLAS.
bool rowMajorProduct(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float* a,
                     int64_t lda, const float* b, int64_t ldb, bool accumulate, float* c,
                     int64_t ldc);

/// Whether denseProduct calls sgemm directly on this thread (else through at::cpu::addmm_out).
bool directBlas();
void setDirectBlas(bool direct);

/// torch::gelu's exact form, in place, as ATen's GELU kernel computes erf (fused_reflect.cpp,
/// beside the vectorised exp it shares).
void geluInPlace(float* x, int64_t count);

/// The GRU cell's gates as ATen's gru_cell combines gi = x W_ih^T + b_ih and gh = h W_hh^T +
/// b_hh ([m, 3w] each, chunks r, z, n): h' = (h - n) z + n overwrites h [m, w] (row stride
/// ldh); sigmoid and tanh through fused_reflect.cpp's vectorised exp.
void gruGatesInPlace(const float* gi, const float* gh, float* h, int64_t ldh, int64_t m,
                     int64_t w);

} // namespace mor::model::fused
