#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Depth-wise batching (Bae et al. 2025): several sequences are generated together,
// one token of each per step, and at every recursion only the tokens that continue to it are
// batched through the shared block (a token that leaves early costs nothing deeper, and the
// others do not wait for it one by one). Each sequence keeps its own recursion-wise KV cache;
// every row computes what RecursionDecoder::step computes for that sequence alone. On the CPU
// in float32 (eval mode) the step runs on host arrays (seq/host_batched_decoder.h), as
// RecursionDecoder's does; under a DecoderReferenceGuard (MOR_DECODER_REFERENCE=1) and
// elsewhere on ATen ops (the reference path).
#include "seq/host_batched_decoder.h"
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace mor::seq {

class BatchedRecursionDecoder {
public:
    /// `batch` sequences; the model must be in eval mode; caches hold model->maxLen() tokens.
    BatchedRecursionDecoder(RecursionModel model, int64_t batch);
    ~BatchedRecursionDecoder();
    BatchedRecursionDecoder(BatchedRecursionDecoder&&) noexcept;
    BatchedRecursionDecoder& operator=(BatchedRecursionDecoder&&) noexcept;

    /// Forgets every cached token of every sequence (the next tokens are at position 0).
    void reset();
    /// Feeds one token per sequence (tokens [batch] int64), all at position length(); returns
    /// the next-token logits [batch, V] and sets (*depths)[b] to the recursions row b received.
    torch::Tensor step(const torch::Tensor& tokens, std::vector<int>* depths);
    /// step() for tokens[0..batch) without a tensor where it runs on host arrays: returns the
    /// logits there ([batch][vocab] floats, valid until the next step or reset); on the
    /// reference path returns nullptr and sets *logits (when given) to [batch, V].
    const float* stepLogits(const int64_t* tokens, std::vector<int>* depths,
                            torch::Tensor* logits);
    int64_t length() const { return m_length; }
    int64_t batch() const { return m_batch; }
    /// Whether the last step ran on host arrays (false: the ATen reference path).
    bool lastStepOnHost() const { return m_onHost; }

private:
    /// One layer's keys and values for every sequence and how many each holds: [batch, heads,
    /// maxLen, dh] (sequences at the same position differ in what reached a recursion).
    struct Cache {
        torch::Tensor k, v;
        std::vector<int64_t> n;
    };
    /// The rows of the batch a recursion processes (all, or the continuing ones).
    struct Rows {
        std::vector<int64_t> index;
        torch::Tensor tensor; ///< the same, int64 [k]; undefined when every row is in
        bool all() const { return !tensor.defined(); }
    };
    /// One layer's attention for x [k, 1, d] (the rows `rows`, in order): appends their keys
    /// and values to their caches unless `append` is false (KV sharing reads recursion 1's).
    torch::Tensor attend(AttentionLayer& layer, const torch::Tensor& x, Cache& cache,
                         const Rows& rows, bool append);
    Rows allRows() const;
    Rows rowsOf(std::vector<int64_t> index) const;
    torch::Tensor referenceStep(const torch::Tensor& tokens, std::vector<int>* depths);
    void resetReference();
    /// Whether this step can run on host arrays (the snapshot made or refreshed as needed),
    /// as RecursionDecoder decides.
    bool hostApplies();

    RecursionModel m_model;
    int64_t m_batch;
    std::vector<std::vector<Cache>> m_cache; ///< [recursion][layer]
    std::vector<Cache> m_edgeCache;          ///< middle_cycle: first and last layer
    int64_t m_length = 0;
    HostPath m_host;
    bool m_onHost = false;          ///< which path holds the cached tokens (when m_length > 0)
    std::vector<int64_t> m_tokens;  ///< columns fed since reset: replayed when the path changes
};

/// The sampling rule of every generator: argmax at temperature 0, else one draw from
/// softmax(logits / temperature) computed in double with `rng`.
int64_t sampleToken(const torch::Tensor& logits, double temperature, std::mt19937_64& rng);
/// sampleToken for host logits[0..n) (RecursionDecoder's host step): the same rule, argmax
/// (the first of equal maxima) at temperature 0, else softmax(logits / temperature) in double
/// computed as ATen's (the maximum subtracted, times 1 / sum) and the same draw; no tensor.
int64_t sampleToken(const float* logits, int64_t n, double temperature, std::mt19937_64& rng);
/// The draw of sampleToken from probabilities p[0..n) (they sum to 1).
int64_t drawToken(const double* p, int64_t n, std::mt19937_64& rng);
/// sampleToken for every row of logits [rows, V], row b with rngs[b], in one softmax.
std::vector<int64_t> sampleTokens(const torch::Tensor& logits, double temperature,
                                  std::vector<std::mt19937_64>& rngs);

} // namespace mor::seq
