#pragma once
// A/B serving: which variant answers a request. Without a key, a smooth weighted round robin
// (the observed split equals the configured one within one request per cycle); with a key
// (a sticky request header), a hash of the key, so one client always gets the same variant.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace mor::serve {

class VariantRouter {
public:
    /// Shares per variant (e.g. {90, 10}); at least one positive.
    explicit VariantRouter(std::vector<int64_t> shares);

    size_t pick();
    size_t pickForKey(const std::string& key) const;
    size_t size() const { return m_shares.size(); }

    /// "90:10" -> {90, 10}; false with a message for anything else.
    static bool parseSplit(const std::string& text, size_t variants, std::vector<int64_t>* shares,
                           std::string* error);

private:
    std::vector<int64_t> m_shares;
    int64_t m_total = 0;
    std::mutex m_mutex;
    std::vector<int64_t> m_current; ///< smooth weighted round robin state
};

} // namespace mor::serve
