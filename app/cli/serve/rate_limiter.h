#pragma once
// Per-client-address request rate limit (a token bucket per address).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mor::serve {

class RateLimiter {
public:
    /// `perSecond` <= 0: every request is allowed.
    RateLimiter(double perSecond, int64_t burst);

    /// Takes one token of `client`'s bucket; false (with the seconds until the next token in
    /// *retryAfter) when the bucket is empty.
    bool allow(const std::string& client, double* retryAfter = nullptr);
    /// Same with an explicit clock (tests).
    bool allowAt(const std::string& client, std::chrono::steady_clock::time_point now,
                 double* retryAfter);
    size_t trackedClients() const;

private:
    struct Bucket {
        double tokens = 0.0;
        std::chrono::steady_clock::time_point last;
    };
    const double m_rate;
    const double m_burst;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

} // namespace mor::serve
