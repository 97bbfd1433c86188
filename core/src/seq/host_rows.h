#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The decoder step on host arrays for rows of sequences (issue 20), internal to core/src/seq:
// RecursionDecoder::step's computation -- embedding, edge layers, the routing of every kind,
// the pre-norm layers over each sequence's own K/V caches, final norm and head -- for B
// sequences at once, with depth-wise batching (Bae et al. 2025): at each recursion the rows
// that continue to it are gathered into one contiguous [m x d] block, so every weight product
// runs once for the m rows (the weights read once), attention runs per row over its own
// cache, and the results are scattered back. One row is the one-sequence step.
#include "seq/host_step.h"

#include <cstdint>
#include <vector>

namespace mor::seq::host_step {

class RowStep {
public:
    /// One step of `rows` sequences, all at position `position`: tokens[b] into caches[b];
    /// returns the next-token logits [rows][vocab] (valid until the next step) and sets
    /// depths[b] (when given) to the recursions row b received. Throws std::out_of_range for
    /// a position past maxLen, a token outside the vocabulary or a full cache.
    const float* step(const Weights& w, SequenceCache* caches, const int64_t* tokens,
                      int64_t rows, int64_t position, int* depths);

private:
    /// One pre-norm layer for x [m][d] (updated in place), row i over *m_rowCaches[i].
    void layerRows(const Weights& w, int64_t layer, float* x, int64_t m, bool append);
    /// x [m][d] = h's rows m_rows.
    void gather(const Weights& w, int64_t m);
    void prepare(const Weights& w, int64_t rows);

    int64_t m_capacity = -1; ///< rows the work arrays hold
    const Weights* m_shaped = nullptr;
    std::vector<float> m_h, m_h0, m_x, m_y, m_xn, m_qkv, m_att, m_tmp, m_ff, m_scores,
        m_logits, m_routed, m_gate, m_tcGate;
    std::vector<int64_t> m_tcDepth, m_active, m_rows;
    std::vector<int> m_received;
    std::vector<Cache*> m_rowCaches;
};

} // namespace mor::seq::host_step
