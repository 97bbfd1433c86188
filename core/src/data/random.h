#pragma once
// Portable random numbers for data generation. std::uniform_int_distribution and friends
// differ between standard libraries, so a data set would change with the compiler; these
// helpers only use the raw std::mt19937_64 stream, whose output the standard fixes.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace mor::detail {

/// SplitMix64 finaliser: spreads nearby seeds (1, 2, 3 ...) over the whole 64-bit range.
inline uint64_t mixSeed(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

class Random {
public:
    /// `stream` separates independent uses of one user seed (data, splits, label noise).
    Random(int64_t seed, uint64_t stream)
        : m_engine(mixSeed(mixSeed(static_cast<uint64_t>(seed)) ^ mixSeed(stream + 1))) {}

    uint64_t next() { return m_engine(); }

    /// Uniform integer in [0, n), n >= 1, without modulo bias (rejection sampling).
    int64_t below(int64_t n) {
        const auto range = static_cast<uint64_t>(n);
        const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
        uint64_t x = next();
        while (x >= limit) {
            x = next();
        }
        return static_cast<int64_t>(x % range);
    }

    /// Uniform double in [0, 1) from the top 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    bool bit() { return (next() >> 63) != 0; }

    /// Fisher-Yates with below(), so the order is the same on every platform.
    template <class T> void shuffle(std::vector<T>& items) {
        for (size_t i = items.size(); i > 1; --i) {
            const auto j = static_cast<size_t>(below(static_cast<int64_t>(i)));
            std::swap(items[i - 1], items[j]);
        }
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace mor::detail
