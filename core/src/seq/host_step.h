#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// What the host-array decoder (seq/host_batched_decoder.h: depth-wise batching; one row for
// RecursionDecoder) is built on, internal to core/src/seq (issue 20): the snapshot of an
// eval-mode, CPU, float32 RecursionModel's weights in contiguous host arrays (products packed
// once for model/fused_gemm.h's kernels where the CPU has them), its stale check, and the
// host K/V cache of one sequence. The step itself is seq/host_rows.h.
#include "seq/recursion_model.h"

#include "model/fused_gemm.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace mor::seq::host_step {

/// out = in W^T + b for m rows, over weights copied (and packed) at the snapshot.
struct Linear {
    int64_t outputs = 0, inputs = 0;
    std::vector<float> weight, bias; ///< [outputs][inputs], [outputs]
    std::unique_ptr<float[]> storage;
    model::fused::PackedDense packed;

    /// in [m][inputs] -> out [m][outputs] (rows contiguous).
    void apply(const float* in, float* out, int64_t m = 1) const;
};

/// LayerNorm over the last dimension (mean and variance accumulated in double).
struct Norm {
    std::vector<float> gamma, beta;
    double eps = 1e-5;

    /// x [m][d] -> out [m][d].
    void apply(const float* x, float* out, int64_t m = 1) const;
};

struct Layer {
    Norm ln1, ln2;
    Linear qkv, out, ff1, ff2;
    /// qkv's first d outputs alone: a recursion that shares the first recursion's keys and
    /// values (kv_sharing) projects only its queries.
    Linear q;
};

/// What stale() compares: a tensor of the model and what it was at the snapshot.
struct Watched {
    torch::Tensor tensor;
    int64_t version = 0;
    const void* data = nullptr;
    bool cpu = true;
    torch::ScalarType dtype = torch::kFloat;
};

/// The snapshot of a model's weights and routing settings.
struct Weights {
    int64_t d = 0, heads = 0, dh = 0, ffn = 0, vocab = 0, maxLen = 0, recursions = 0;
    std::vector<float> tok, pos; ///< [vocab][d], [maxLen][d]
    std::vector<Layer> layers;   ///< every distinct layer
    std::vector<std::vector<int64_t>> blocks; ///< per recursion: its layers (indices)
    int64_t first = -1, last = -1;            ///< middle_cycle's edge layers
    std::vector<Linear> routers; ///< expert/depth: per router (outputs 0: none); token: one
    Norm lnf;
    Linear head;
    RecursionRouting routing = RecursionRouting::Fixed;
    bool kvSharing = false, routerPerStep = true, softmaxGate = false;
    float alpha = 1.0f;
    double threshold = 0.5;
    std::vector<double> capacity;
    std::vector<bool> depthRouted;
    int64_t depthLimit = 0; ///< token_choice: tokenDepthLimit() at the snapshot
    std::vector<Watched> watched;
};

/// The snapshot of `model`, or nullptr where the host step does not apply: a parameter off
/// the CPU or not float32, a module training (dropout), or a module layout it does not know.
std::unique_ptr<Weights> snapshotOf(RecursionModelImpl& model);

/// Whether a parameter or buffer (token_depth_cap included) of `model` changed since `w` was
/// taken: an in-place write (its version counter), new storage, another device or dtype. With
/// `deep`, also whether the model now holds other tensors (one traversal of the modules).
bool staleSnapshot(const Weights& w, const RecursionModelImpl& model, bool deep);

/// One layer's keys [d][maxLen] (transposed: a query's scores are axpys over the positions)
/// and values [maxLen][d] of the first n positions.
struct Cache {
    std::vector<float> k, v;
    int64_t n = 0;
};

/// One sequence's caches: [recursion][layer] and middle_cycle's first and last layer.
struct SequenceCache {
    std::vector<std::vector<Cache>> blocks;
    std::vector<Cache> edge;

    /// Made once for `w`'s shapes (they do not change), then only the counts are cleared.
    /// With KV sharing only recursion 0's caches hold storage.
    void reset(const Weights& w);
    int64_t entries() const;
};

} // namespace mor::seq::host_step
