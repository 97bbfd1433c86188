#pragma once
// Token-by-token inference with recursion-wise KV caching: at recursion r only the tokens
// still active at r are attended and cached (with KV sharing, recursions after the first read
// the first recursion's cache). A token that leaves early costs nothing in deeper recursions.
#include "seq/host_batched_decoder.h"
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace mor::seq {

/// While one lives on a thread, RecursionDecoder::step takes its ATen reference path there
/// (tests, A/B timing). MOR_DECODER_REFERENCE=1 in the environment (read once) does the same
/// for the whole process.
class DecoderReferenceGuard {
public:
    DecoderReferenceGuard();
    ~DecoderReferenceGuard();
    DecoderReferenceGuard(const DecoderReferenceGuard&) = delete;
    DecoderReferenceGuard& operator=(const DecoderReferenceGuard&) = delete;

private:
    bool m_previous;
};

/// An empty key or value cache for `rows` sequences: zeros [rows, heads, maxLen, dModel / heads].
inline torch::Tensor emptyCacheTensor(const RecursionModelImpl& model, int64_t rows) {
    const auto& c = model.config();
    return torch::zeros({rows, c.heads, model.maxLen(), c.dModel / c.heads},
                        model.parameters().front().options());
}

/// A decoder's reference caches, each one `fresh()`: one per recursion and layer of the shared
/// block, and the two edge layers' (middle_cycle) where the model has them. RecursionDecoder
/// and BatchedRecursionDecoder each keep their own Cache type.
template <typename Cache, typename Fresh>
void makeReferenceCaches(const RecursionModelImpl& model, const Fresh& fresh,
                         std::vector<std::vector<Cache>>* layers, std::vector<Cache>* edges) {
    const auto& c = model.config();
    layers->assign(static_cast<size_t>(c.recursions), {});
    for (auto& perLayer : *layers) {
        for (int64_t l = 0; l < c.layersPerBlock; ++l) {
            perLayer.push_back(fresh());
        }
    }
    edges->clear();
    if (model.hasEdgeLayers()) {
        *edges = {fresh(), fresh()};
    }
}

/// Whether RecursionDecoder::step takes the reference path on this thread (a
/// DecoderReferenceGuard or MOR_DECODER_REFERENCE=1).
bool decoderReferenceForced();

class RecursionDecoder {
public:
    /// The model must be in eval mode; the caches hold up to model->maxLen() tokens. On the
    /// CPU in float32 (not training) step() runs on host arrays (seq/host_batched_decoder.h with one row, a
    /// snapshot of the weights taken again whenever a parameter or buffer changes); elsewhere,
    /// and under a DecoderReferenceGuard, it runs ATen ops (the reference path).
    explicit RecursionDecoder(RecursionModel model);
    ~RecursionDecoder();
    RecursionDecoder(RecursionDecoder&&) noexcept;
    RecursionDecoder& operator=(RecursionDecoder&&) noexcept;

    /// Forgets every cached token (the next token is at position 0).
    void reset();
    /// Feeds the token at position length(); returns its next-token logits [V] and sets
    /// *depth to the recursions it received. Needs length() < maxLen.
    torch::Tensor step(int64_t token, int* depth);
    /// step() without a tensor where it runs on host arrays: returns the logits there (vocab()
    /// floats, valid until the next step or reset); on the reference path returns nullptr and
    /// sets *logits (when given).
    const float* stepLogits(int64_t token, int* depth, torch::Tensor* logits);
    int64_t length() const { return m_length; }
    /// Cached key/value entries over every recursion and layer (memory of the cache).
    int64_t cachedEntries() const;
    /// Whether the last step ran on host arrays (false: the ATen reference path).
    bool lastStepOnHost() const { return m_onHost; }
    /// The last step's logits as a host array of vocab floats when it ran on host arrays
    /// (valid until the next step or reset), else nullptr.
    const float* hostLogits() const { return m_hostLogits; }

private:
    struct Cache {
        torch::Tensor k, v; ///< [1, heads, maxLen, dh]
        int64_t n = 0;
    };
    /// One layer's attention for the new token at position length(): appends its keys and
    /// values to `cache` unless `append` is false (KV sharing reads the first recursion's).
    torch::Tensor attendCached(AttentionLayer& layer, const torch::Tensor& x, Cache& cache,
                               bool append);
    torch::Tensor referenceStep(int64_t token, int* depth);
    void resetReference();
    /// Whether this step can run on host arrays (the snapshot made or refreshed as needed).
    bool hostApplies();

    RecursionModel m_model;
    std::vector<std::vector<Cache>> m_cache; ///< [recursion][layer]
    std::vector<Cache> m_edgeCache;          ///< middle_cycle: first and last layer
    int64_t m_length = 0;
    HostPath m_host{1};
    bool m_onHost = false;          ///< which path holds the cached tokens (when m_length > 0)
    const float* m_hostLogits = nullptr;
    std::vector<int64_t> m_tokens;  ///< fed since reset: replayed when the path changes
};

} // namespace mor::seq
