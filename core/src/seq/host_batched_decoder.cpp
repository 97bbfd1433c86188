// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/host_batched_decoder.h"

#include "seq/host_rows.h"

#include <algorithm>
#include <vector>

namespace mor::seq {

struct HostBatchedDecoder::State {
    std::unique_ptr<host_step::Weights> weights;
    std::vector<host_step::SequenceCache> caches; ///< one per sequence
    host_step::RowStep work;
};

HostBatchedDecoder::HostBatchedDecoder(RecursionModel model, int64_t batch)
    : m_model(std::move(model)), m_batch(std::max<int64_t>(batch, 1)),
      m_state(std::make_unique<State>()) {
    m_state->caches.resize(static_cast<size_t>(m_batch));
}

HostBatchedDecoder::~HostBatchedDecoder() = default;

std::unique_ptr<HostBatchedDecoder> HostBatchedDecoder::create(RecursionModel model,
                                                               int64_t batch) {
    std::unique_ptr<HostBatchedDecoder> decoder(new HostBatchedDecoder(std::move(model), batch));
    if (!decoder->snapshot()) {
        return nullptr;
    }
    decoder->reset();
    return decoder;
}

bool HostBatchedDecoder::snapshot() {
    auto w = host_step::snapshotOf(*m_model);
    if (!w) {
        return false;
    }
    m_state->weights = std::move(w);
    return true;
}

bool HostBatchedDecoder::stale(bool deep) const {
    return host_step::staleSnapshot(*m_state->weights, *m_model, deep);
}

void HostBatchedDecoder::reset() {
    for (auto& cache : m_state->caches) {
        cache.reset(*m_state->weights);
    }
    m_length = 0;
}

int64_t HostBatchedDecoder::vocab() const {
    return m_state->weights->vocab;
}

int64_t HostBatchedDecoder::cachedEntries(int64_t row) const {
    return m_state->caches.at(static_cast<size_t>(row)).entries();
}

const float* HostBatchedDecoder::step(const int64_t* tokens, int* depths) {
    const float* logits = m_state->work.step(*m_state->weights, m_state->caches.data(), tokens,
                                             m_batch, m_length, depths);
    ++m_length;
    return logits;
}

HostBatchedDecoder* HostPath::forStep(const RecursionModel& model, bool forced) {
    if (m_unsupported || forced || model->is_training()) {
        return nullptr;
    }
    if (!m_host) {
        m_host = HostBatchedDecoder::create(model, m_batch);
    } else if (m_host->stale() && !m_host->snapshot()) {
        m_host.reset();
    }
    m_unsupported = !m_host;
    return m_host.get();
}

void HostPath::restart() {
    m_unsupported = false;
    if (m_host) {
        if (m_host->stale(true) && !m_host->snapshot()) {
            m_host.reset();
        } else {
            m_host->reset();
        }
    }
}

} // namespace mor::seq
