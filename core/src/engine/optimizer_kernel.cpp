// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/optimizer_kernel.h"

#include <algorithm>
#include <cmath>

// An AVX2/FMA copy beside the plain one, picked when the library loads (GCC 11 or newer on x86-64:
// "arch=x86-64-v3"; elsewhere the plain loop only).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__)
#define MOR_KERNEL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MOR_KERNEL_CLONES
#endif

namespace mor::engine::kernel {

namespace {

/// Work is cut into chunks of at most this many values (a few hundred KiB of the five arrays),
/// handed to the threads in turn; a step with fewer values in all runs on the caller.
constexpr int64_t kChunk = 16384;
constexpr int64_t kMinParallelValues = 65536;

struct Chunk {
    int64_t tensor, begin, end;
};

/// fn(c, chunk) for every chunk c of arrays of the given sizes, on up to `threads` threads
/// (on the caller when there are few values in all).
template <typename Fn>
void forEachChunk(const std::vector<int64_t>& sizes, int threads, Fn&& fn)
{
    std::vector<Chunk> chunks;
    int64_t total = 0;
    for (int64_t t = 0; t < int64_t(sizes.size()); ++t) {
        const int64_t n = sizes[size_t(t)];
        total += n;
        for (int64_t b = 0; b < n; b += kChunk) {
            chunks.push_back({t, b, std::min(n, b + kChunk)});
        }
    }
    const int64_t count = int64_t(chunks.size());
    const bool parallel = threads > 1 && total >= kMinParallelValues;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (parallel)
    for (int64_t c = 0; c < count; ++c) {
        fn(c, chunks[size_t(c)]);
    }
}

template <typename Items, typename Size>
std::vector<int64_t> sizesOf(const Items& items, Size size)
{
    std::vector<int64_t> sizes;
    for (const auto& item : items) {
        sizes.push_back(size(item));
    }
    return sizes;
}

/// torch::optim::AdamW's operations on values [b, e), in their order. Cloned for AVX2/FMA
/// (the loop vectorises: no errno for sqrt in this file, -fno-math-errno).
MOR_KERNEL_CLONES void
adamwRange(const AdamWTensor& t, int64_t b, int64_t e)
{
    float* __restrict p = t.p;
    const float* __restrict g = t.g;
    float* __restrict m = t.m;
    float* __restrict v = t.v;
    if (t.vMax != nullptr) {
        float* __restrict vMax = t.vMax;
        for (int64_t i = b; i < e; ++i) {
            const float pi = t.decay ? p[i] * t.decayFactor : p[i];
            const float mi = m[i] * t.beta1 + t.oneMinusBeta1 * g[i];
            const float vi = v[i] * t.beta2 + t.oneMinusBeta2 * g[i] * g[i];
            const float top = std::max(vMax[i], vi);
            m[i] = mi;
            v[i] = vi;
            vMax[i] = top;
            p[i] = pi + t.negStepSize * (mi / (std::sqrt(top) / t.rootCorrection2 + t.eps));
        }
        return;
    }
    for (int64_t i = b; i < e; ++i) {
        const float pi = t.decay ? p[i] * t.decayFactor : p[i];
        const float mi = m[i] * t.beta1 + t.oneMinusBeta1 * g[i];
        const float vi = v[i] * t.beta2 + t.oneMinusBeta2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] = pi + t.negStepSize * (mi / (std::sqrt(vi) / t.rootCorrection2 + t.eps));
    }
}

/// torch::optim::SGD's operations on values [b, e), in their order.
MOR_KERNEL_CLONES void sgdRange(const SgdTensor& t, int64_t b, int64_t e)
{
    float* __restrict p = t.p;
    const float* __restrict g = t.g;
    float* __restrict buf = t.buf;
    for (int64_t i = b; i < e; ++i) {
        float d = g[i];
        if (t.weightDecay != 0.0f) {
            d = d + t.weightDecay * p[i];
        }
        if (buf != nullptr) {
            const float m = t.first ? d : buf[i] * t.momentum + t.oneMinusDampening * d;
            buf[i] = m;
            d = t.nesterov ? d + t.momentum * m : m;
        }
        p[i] = p[i] + t.negLr * d;
    }
}

MOR_KERNEL_CLONES double
squaresRange(const float* __restrict x, int64_t b, int64_t e)
{
    double part[8] = {};
    int64_t i = b;
    for (; i + 8 <= e; i += 8) {
        for (int l = 0; l < 8; ++l) {
            part[l] += double(x[i + l]) * double(x[i + l]);
        }
    }
    for (; i < e; ++i) {
        part[0] += double(x[i]) * double(x[i]);
    }
    return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

} // namespace

void adamw(const std::vector<AdamWTensor>& tensors, int threads)
{
    forEachChunk(sizesOf(tensors, [](const AdamWTensor& t) { return t.n; }), threads,
                 [&](int64_t, const Chunk& chunk) {
                     adamwRange(tensors[size_t(chunk.tensor)], chunk.begin, chunk.end);
                 });
}

void sgd(const std::vector<SgdTensor>& tensors, int threads)
{
    forEachChunk(sizesOf(tensors, [](const SgdTensor& t) { return t.n; }), threads,
                 [&](int64_t, const Chunk& chunk) {
                     sgdRange(tensors[size_t(chunk.tensor)], chunk.begin, chunk.end);
                 });
}

double sumOfSquares(const std::vector<std::pair<const float*, int64_t>>& arrays, int threads)
{
    const auto sizes = sizesOf(arrays, [](const auto& a) { return a.second; });
    int64_t chunks = 0;
    for (const int64_t n : sizes) {
        chunks += (n + kChunk - 1) / kChunk;
    }
    // Per chunk, then summed in chunk order: the same sum whatever the threads.
    std::vector<double> parts(size_t(chunks), 0.0);
    forEachChunk(sizes, threads, [&](int64_t c, const Chunk& chunk) {
        parts[size_t(c)] = squaresRange(arrays[size_t(chunk.tensor)].first, chunk.begin, chunk.end);
    });
    double sum = 0.0;
    for (const double part : parts) {
        sum += part;
    }
    return sum;
}

void scale(const std::vector<std::pair<float*, int64_t>>& arrays, float c, int threads)
{
    forEachChunk(sizesOf(arrays, [](const auto& a) { return a.second; }), threads,
                 [&](int64_t, const Chunk& chunk) {
                     float* x = arrays[size_t(chunk.tensor)].first;
                     for (int64_t i = chunk.begin; i < chunk.end; ++i) {
                         x[i] *= c;
                     }
                 });
}

} // namespace mor::engine::kernel
