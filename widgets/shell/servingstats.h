// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Qt-free statistics of the serving view: latency quantiles from a serving record's histogram
// and the significance of the accuracy difference between two served variants.
#include <cmath>
#include <cstdint>
#include <vector>

namespace shell {

namespace serving {

/// The q-quantile (0..1) of a latency histogram: `bounds` are the buckets' upper bounds
/// (ascending), `counts` the observations per bucket (not cumulative), one more than bounds
/// for the bucket above every bound. Linear within the bucket, as Prometheus'
/// histogram_quantile: the first bucket starts at 0; a quantile in the top bucket is the
/// largest bound. NaN when the histogram is empty.
double servingHistogramQuantile(const std::vector<double>& bounds,
                                const std::vector<int64_t>& counts, double q);

/// Two-sided tests of p1 = correct1 / n1 against p2 = correct2 / n2.
struct ProportionTest {
    double p1 = std::nan(""), p2 = std::nan("");
    double z = std::nan("");       ///< pooled two-proportion z statistic of p1 - p2
    double pZ = std::nan("");      ///< two-sided p-value of z (normal)
    double pFisher = std::nan(""); ///< Fisher's exact test, two-sided (2x2 table)
};
/// NaN fields when either n is 0; z and pZ NaN when the pooled proportion is 0 or 1.
ProportionTest servingProportionTest(int64_t correct1, int64_t n1, int64_t correct2, int64_t n2);

} // namespace serving

} // namespace shell
