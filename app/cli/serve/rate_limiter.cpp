#include "serve/rate_limiter.h"

#include <algorithm>

namespace mor::serve {

namespace {
/// Above this many addresses, full (idle) buckets are dropped so the map stays bounded.
constexpr size_t kPruneAbove = 4096;
} // namespace

RateLimiter::RateLimiter(double perSecond, int64_t burst)
    : m_rate(perSecond), m_burst(double(std::max<int64_t>(1, burst))) {}

bool RateLimiter::allow(const std::string& client, double* retryAfter) {
    return allowAt(client, std::chrono::steady_clock::now(), retryAfter);
}

bool RateLimiter::allowAt(const std::string& client, std::chrono::steady_clock::time_point now,
                          double* retryAfter) {
    if (m_rate <= 0.0) {
        return true;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_buckets.size() > kPruneAbove) {
        for (auto it = m_buckets.begin(); it != m_buckets.end();) {
            const double idle = std::chrono::duration<double>(now - it->second.last).count();
            it = it->second.tokens + idle * m_rate >= m_burst ? m_buckets.erase(it) : std::next(it);
        }
    }
    auto [it, fresh] = m_buckets.try_emplace(client);
    Bucket& b = it->second;
    if (fresh) {
        b.tokens = m_burst;
    } else {
        const double elapsed = std::chrono::duration<double>(now - b.last).count();
        b.tokens = std::min(m_burst, b.tokens + std::max(0.0, elapsed) * m_rate);
    }
    b.last = now;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    if (retryAfter) {
        *retryAfter = (1.0 - b.tokens) / m_rate;
    }
    return false;
}

size_t RateLimiter::trackedClients() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_buckets.size();
}

} // namespace mor::serve
