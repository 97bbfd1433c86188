#include "model/fused_products.h"

#include <torch/torch.h>

#include <ATen/ops/addmm_cpu_dispatch.h>

#include <algorithm>
#include <cstring>

#if defined(__linux__)
#include <dlfcn.h>
#endif

namespace mor::model::fused {

namespace {

// ---------------------------------------------------------------------------------------------
// Products: out [m x N] (row stride ldo) = in [m x K] (row stride ldi) W^T + b, W [N, K]
// contiguous. The BLAS sgemm that ATen's addmm calls for a float linear layer, called directly
// with the arguments addmm gives it (out as column-major out^T = W in^T): no tensor, no
// dispatch. Where the BLAS symbol is not visible (a libtorch with a private MKL) or fails a
// one-time check, the same product through at::cpu::addmm_out on views of the buffers.
//
// The sizes go to sgemm_ as 64-bit integers: an LP64 BLAS reads their low 32 bits (little
// endian), an ILP64 one all 64, so either gets the right values.

using SgemmFn = void (*)(const char*, const char*, const int64_t*, const int64_t*,
                         const int64_t*, const float*, const float*, const int64_t*,
                         const float*, const int64_t*, const float*, float*, const int64_t*);

/// c [m x n] (row-major, rows ldc apart) = beta c + op(a) op(b), each operand row-major or (with
/// transA / transB) the transpose of a row-major matrix: column-major, c^T = op(b)^T op(a)^T,
/// where a row-major b [k x n] is b^T column-major ('N') and a transposed one needs 'T'.
void callSgemm(SgemmFn sgemm, bool transA, bool transB, int64_t m, int64_t n, int64_t k,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc)
{
    const char tb = transB ? 'T' : 'N';
    const char ta = transA ? 'T' : 'N';
    const float one = 1.0f;
    sgemm(&tb, &ta, &n, &m, &k, &one, b, &ldb, a, &lda, &beta, c, &ldc);
}

SgemmFn lookupSgemm()
{
#if defined(__linux__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const auto fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "sgemm_"));
    if (fn == nullptr) {
        return nullptr;
    }
    // A product with exact float results: X [2, 2] W^T, W [3, 2], out preset to the bias.
    const float weight[6] = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
    const float in[4] = {1.0f, -1.0f, 2.0f, 0.5f};
    float out[6] = {0.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    callSgemm(fn, false, true, 2, 3, 2, in, 2, weight, 2, 1.0f, out, 3);
    const float expected[6] = {-0.5f, -1.0f, -1.0f, 3.0f, 8.0f, 13.0f};
    return std::equal(out, out + 6, expected) ? fn : nullptr;
#else
    return nullptr;
#endif
}

thread_local bool t_directBlas = true;

SgemmFn blasSgemm()
{
    static const SgemmFn fn = lookupSgemm();
    return t_directBlas ? fn : nullptr;
}

} // namespace

void denseProduct(const Dense& layer, const float* in, int64_t ldi, int64_t m, float* out,
                  int64_t ldo)
{
    const int64_t n = layer.outputs;
    const int64_t k = layer.inputs;
    for (int64_t r = 0; r < m; ++r) {
        std::memcpy(out + r * ldo, layer.bias, size_t(n) * sizeof(float));
    }
    if (const SgemmFn sgemm = blasSgemm()) {
        callSgemm(sgemm, false, true, m, n, k, in, ldi, layer.weight, k, 1.0f, out, ldo);
        return;
    }
    const auto options = torch::TensorOptions(torch::kFloat);
    auto result = torch::from_blob(out, {m, n}, {ldo, 1}, options);
    const auto input = torch::from_blob(const_cast<float*>(in), {m, k}, {ldi, 1}, options);
    const auto weightT =
        torch::from_blob(const_cast<float*>(layer.weight), {k, n}, {1, k}, options);
    at::cpu::addmm_out(result, result, input, weightT);
}

bool rowMajorProduct(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float* a,
                     int64_t lda, const float* b, int64_t ldb, bool accumulate, float* c,
                     int64_t ldc)
{
    const SgemmFn sgemm = blasSgemm();
    // Leading dimensions BLAS accepts: b row-major needs ld >= n, transposed ld >= k; likewise a.
    if (sgemm == nullptr || m <= 0 || n <= 0 || k <= 0 || ldc < n
        || lda < (transA ? m : k) || ldb < (transB ? k : n)) {
        return false;
    }
    callSgemm(sgemm, transA, transB, m, n, k, a, lda, b, ldb, accumulate ? 1.0f : 0.0f, c, ldc);
    return true;
}

bool directBlas()
{
    return blasSgemm() != nullptr;
}

void setDirectBlas(bool direct)
{
    t_directBlas = direct;
}

} // namespace mor::model::fused
