// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/host_decoder.h"

#include "seq/host_batched_decoder.h"

namespace mor::seq {

HostDecoder::HostDecoder(std::unique_ptr<HostBatchedDecoder> one) : m_one(std::move(one)) {}

HostDecoder::~HostDecoder() = default;

std::unique_ptr<HostDecoder> HostDecoder::create(RecursionModel model) {
    auto one = HostBatchedDecoder::create(std::move(model), 1);
    if (!one) {
        return nullptr;
    }
    return std::unique_ptr<HostDecoder>(new HostDecoder(std::move(one)));
}

bool HostDecoder::stale(bool deep) const {
    return m_one->stale(deep);
}

bool HostDecoder::snapshot() {
    return m_one->snapshot();
}

void HostDecoder::reset() {
    m_one->reset();
}

const float* HostDecoder::step(int64_t token, int* depth) {
    return m_one->step(&token, depth);
}

int64_t HostDecoder::length() const {
    return m_one->length();
}

int64_t HostDecoder::vocab() const {
    return m_one->vocab();
}

int64_t HostDecoder::cachedEntries() const {
    return m_one->cachedEntries(0);
}

} // namespace mor::seq
