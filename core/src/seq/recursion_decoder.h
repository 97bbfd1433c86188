#pragma once
// Token-by-token inference with recursion-wise KV caching: at recursion r only the tokens
// still active at r are attended and cached (with KV sharing, recursions after the first read
// the first recursion's cache). A token that leaves early costs nothing in deeper recursions.
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <vector>

namespace mor::seq {

class RecursionDecoder {
public:
    /// The model must be in eval mode; the caches hold up to model->maxLen() tokens.
    explicit RecursionDecoder(RecursionModel model);

    /// Forgets every cached token (the next token is at position 0).
    void reset();
    /// Feeds the token at position length(); returns its next-token logits [V] and sets
    /// *depth to the recursions it received. Needs length() < maxLen.
    torch::Tensor step(int64_t token, int* depth);
    int64_t length() const { return m_length; }
    /// Cached key/value entries over every recursion and layer (memory of the cache).
    int64_t cachedEntries() const;

private:
    struct Cache {
        torch::Tensor k, v; ///< [1, heads, maxLen, dh]
        int64_t n = 0;
    };
    /// One layer's attention for the new token at position length(): appends its keys and
    /// values to `cache` unless `append` is false (KV sharing reads the first recursion's).
    torch::Tensor attendCached(AttentionLayer& layer, const torch::Tensor& x, Cache& cache,
                               bool append);

    RecursionModel m_model;
    std::vector<std::vector<Cache>> m_cache; ///< [recursion][layer]
    std::vector<Cache> m_edgeCache;          ///< middle_cycle: first and last layer
    int64_t m_length = 0;
};

} // namespace mor::seq
