// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/servingstats.h"

#include <algorithm>

namespace shell {

namespace serving {

double servingHistogramQuantile(const std::vector<double>& bounds,
                                const std::vector<int64_t>& counts, double q) {
    int64_t total = 0;
    for (int64_t c : counts) {
        total += std::max<int64_t>(0, c);
    }
    if (total == 0 || bounds.empty()) {
        return std::nan("");
    }
    const double rank = std::clamp(q, 0.0, 1.0) * double(total);
    double cumulative = 0.0;
    for (size_t b = 0; b < counts.size(); ++b) {
        const double count = double(std::max<int64_t>(0, counts[b]));
        if (count > 0 && cumulative + count >= rank) {
            if (b >= bounds.size()) {
                return bounds.back(); // above every bound: the largest bound is all we know
            }
            const double lower = b == 0 ? 0.0 : bounds[b - 1];
            return lower + (bounds[b] - lower) * (rank - cumulative) / count;
        }
        cumulative += count;
    }
    return bounds.back();
}

namespace {

/// log of the hypergeometric probability of `a` in the 2x2 table with the given margins.
double servingLogHypergeometric(int64_t a, int64_t row1, int64_t col1, int64_t total) {
    const auto logChoose = [](int64_t n, int64_t k) {
        return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) -
               std::lgamma(double(n - k) + 1);
    };
    return logChoose(col1, a) + logChoose(total - col1, row1 - a) - logChoose(total, row1);
}

} // namespace

ProportionTest servingProportionTest(int64_t correct1, int64_t n1, int64_t correct2, int64_t n2) {
    ProportionTest t;
    if (n1 <= 0 || n2 <= 0) {
        return t;
    }
    t.p1 = double(correct1) / double(n1);
    t.p2 = double(correct2) / double(n2);
    const double pooled = double(correct1 + correct2) / double(n1 + n2);
    const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / double(n1) + 1.0 / double(n2)));
    if (se > 0) {
        t.z = (t.p1 - t.p2) / se;
        t.pZ = std::erfc(std::abs(t.z) / std::sqrt(2.0));
    }
    // Fisher: every table with the observed margins that is no more probable than the observed
    // one (a relative tolerance of 1e-7, as SciPy uses, so ties of equal probability count).
    const int64_t total = n1 + n2, col1 = correct1 + correct2;
    const int64_t lo = std::max<int64_t>(0, n1 - (total - col1)), hi = std::min(n1, col1);
    const double observed = servingLogHypergeometric(correct1, n1, col1, total);
    double p = 0.0;
    for (int64_t a = lo; a <= hi; ++a) {
        const double lp = servingLogHypergeometric(a, n1, col1, total);
        if (lp <= observed + 1e-7) {
            p += std::exp(lp);
        }
    }
    t.pFisher = std::min(1.0, p);
    return t;
}

} // namespace serving

} // namespace shell
