#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// RecursionDecoder::step on plain float arrays (issue 20): at d_model 64 a cached token costs
// ~680 ATen ops whose dispatch and allocation, not their arithmetic, is >85% of the time. Here
// the weights of an eval-mode, CPU, float32 RecursionModel are copied once into contiguous
// host arrays (the products' weights packed once for model/fused_gemm.h's kernels where the
// CPU has them) and every step runs the same computation -- embedding, edge layers, the
// routing of every kind, the pre-norm layers over host K/V caches [recursion][layer], final
// norm and head -- without creating a tensor. RecursionDecoder takes this path where it
// applies and keeps its ATen path as the reference. It is the host batched step
// (seq/host_batched_decoder.h) with one sequence: the snapshot, the caches and the step are
// shared (seq/host_step.h, seq/host_rows.h).
#include "seq/recursion_model.h"

#include <cstdint>
#include <memory>

namespace mor::seq {

class HostBatchedDecoder;

class HostDecoder {
public:
    /// A decoder on a snapshot of `model`'s weights, or nullptr where the host step does not
    /// apply: a parameter off the CPU or not float32, the model training (dropout), or a
    /// module layout it does not know.
    static std::unique_ptr<HostDecoder> create(RecursionModel model);
    ~HostDecoder();
    HostDecoder(const HostDecoder&) = delete;
    HostDecoder& operator=(const HostDecoder&) = delete;

    /// Whether a parameter or buffer (token_depth_cap included) changed since the snapshot:
    /// an in-place write (its version counter), new storage, another device or dtype. With
    /// `deep`, also whether the model now holds other tensors than those snapshotted (one
    /// traversal of the modules: at reset, not per token).
    bool stale(bool deep = false) const;
    /// Takes the weights again (the caches are kept, as the reference path keeps its keys
    /// across a weight change); false where the host step no longer applies.
    bool snapshot();

    /// Forgets every cached token (the next token is at position 0).
    void reset();
    /// RecursionDecoder::step on host arrays: returns the next-token logits (vocab() floats,
    /// valid until the next step or reset) and sets *depth to the recursions received.
    const float* step(int64_t token, int* depth);
    int64_t length() const;
    int64_t vocab() const;
    /// Cached key/value entries over every recursion and layer (and the edge layers).
    int64_t cachedEntries() const;

private:
    explicit HostDecoder(std::unique_ptr<HostBatchedDecoder> one);

    std::unique_ptr<HostBatchedDecoder> m_one; ///< the batched step with one sequence
};

} // namespace mor::seq
