#include "serve/variant_router.h"

#include <sstream>

namespace mor::serve {

VariantRouter::VariantRouter(std::vector<int64_t> shares)
    : m_shares(std::move(shares)), m_current(m_shares.size(), 0) {
    if (m_shares.empty()) {
        m_shares = {1};
        m_current = {0};
    }
    for (int64_t s : m_shares) {
        m_total += s > 0 ? s : 0;
    }
    if (m_total == 0) {
        m_shares[0] = 1;
        m_total = 1;
    }
}

size_t VariantRouter::pick() {
    std::lock_guard<std::mutex> lock(m_mutex);
    size_t best = 0;
    for (size_t i = 0; i < m_shares.size(); ++i) {
        m_current[i] += m_shares[i] > 0 ? m_shares[i] : 0;
        if (m_current[i] > m_current[best]) {
            best = i;
        }
    }
    m_current[best] -= m_total;
    return best;
}

size_t VariantRouter::pickForKey(const std::string& key) const {
    // FNV-1a, then a multiplicative mix so that similar keys spread over the range.
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : key) {
        h = (h ^ c) * 1099511628211ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    const auto slot = int64_t(h % uint64_t(m_total));
    int64_t cumulative = 0;
    for (size_t i = 0; i < m_shares.size(); ++i) {
        cumulative += m_shares[i] > 0 ? m_shares[i] : 0;
        if (slot < cumulative) {
            return i;
        }
    }
    return 0;
}

bool VariantRouter::parseSplit(const std::string& text, size_t variants,
                               std::vector<int64_t>* shares, std::string* error) {
    std::vector<int64_t> out;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ':')) {
        size_t used = 0;
        long long v = -1;
        try {
            v = std::stoll(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != part.size() || part.empty() || v < 0 || v > 1000000) {
            *error = "--split must be shares like 90:10, not \"" + text + "\"";
            return false;
        }
        out.push_back(v);
    }
    if (out.size() != variants) {
        *error = "--split \"" + text + "\" has " + std::to_string(out.size()) +
                 " shares for " + std::to_string(variants) + " runs";
        return false;
    }
    int64_t total = 0;
    for (int64_t v : out) {
        total += v;
    }
    if (total <= 0) {
        *error = "--split needs at least one positive share";
        return false;
    }
    *shares = out;
    return true;
}

} // namespace mor::serve
