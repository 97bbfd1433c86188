#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Depth-wise batching on host arrays (issue 20): BatchedRecursionDecoder::step for B
// sequences without an ATen op, on a snapshot of an eval-mode, CPU, float32 RecursionModel's
// weights (seq/host_step.h). Each sequence keeps its own host K/V caches; at each recursion
// the rows that continue to it run through the shared block together, so every weight
// product runs once for all of them (seq/host_rows.h). Row b gives what one row (batch 1)
// gives that sequence alone. BatchedRecursionDecoder takes this path where it applies, and
// RecursionDecoder with batch 1; both keep their ATen paths as the reference.
#include "seq/recursion_model.h"

#include <cstdint>
#include <memory>

namespace mor::seq {

class HostBatchedDecoder {
public:
    /// `batch` (>= 1) sequences on a snapshot of `model`'s weights, or nullptr where the host
    /// step does not apply: a parameter off the CPU or not float32, the model training
    /// (dropout), or a module layout it does not know.
    static std::unique_ptr<HostBatchedDecoder> create(RecursionModel model, int64_t batch);
    ~HostBatchedDecoder();
    HostBatchedDecoder(const HostBatchedDecoder&) = delete;
    HostBatchedDecoder& operator=(const HostBatchedDecoder&) = delete;

    /// Whether a parameter or buffer (token_depth_cap included) changed since the snapshot:
    /// an in-place write (its version counter), new storage, another device or dtype. With
    /// `deep`, also whether the model now holds other tensors than those snapshotted (one
    /// traversal of the modules: at reset, not per token).
    bool stale(bool deep = false) const;
    /// Takes the weights again (the caches are kept, as the reference path keeps its keys
    /// across a weight change); false where the host step no longer applies.
    bool snapshot();

    /// Forgets every cached token of every sequence (the next tokens are at position 0).
    void reset();
    /// One token per sequence (tokens[0..batch)), all at position length(): returns the
    /// next-token logits [batch][vocab] (valid until the next step or reset) and sets
    /// depths[b] (when given) to the recursions row b received.
    const float* step(const int64_t* tokens, int* depths);
    int64_t length() const { return m_length; }
    int64_t batch() const { return m_batch; }
    int64_t vocab() const;
    /// Cached key/value entries of sequence `row` over every recursion and layer.
    int64_t cachedEntries(int64_t row) const;

private:
    HostBatchedDecoder(RecursionModel model, int64_t batch);
    struct State; ///< the snapshot, the caches, the work arrays (host_batched_decoder.cpp)

    RecursionModel m_model;
    int64_t m_batch;
    std::unique_ptr<State> m_state;
    int64_t m_length = 0;
};

/// The host path of a decoder (RecursionDecoder: one row; BatchedRecursionDecoder: its batch):
/// a HostBatchedDecoder made on first use, its snapshot taken again when the weights change,
/// and none where the host step does not apply (until the next reset()).
class HostPath {
public:
    explicit HostPath(int64_t batch) : m_batch(batch) {}
    /// The decoder for the next step, or nullptr where it runs on the reference path:
    /// `forced` (a DecoderReferenceGuard, MOR_DECODER_REFERENCE=1), the model training, or a
    /// model the host step does not apply to.
    HostBatchedDecoder* forStep(const RecursionModel& model, bool forced);
    /// At the decoder's reset: the snapshot checked deeply (taken again, or dropped where it
    /// no longer applies), every cache emptied; the next step tries the host path again.
    void restart();
    HostBatchedDecoder* operator->() const { return m_host.get(); }
    explicit operator bool() const { return m_host != nullptr; }

private:
    int64_t m_batch;
    std::unique_ptr<HostBatchedDecoder> m_host;
    bool m_unsupported = false; ///< checked since the last reset: the host step cannot run
};

} // namespace mor::seq
