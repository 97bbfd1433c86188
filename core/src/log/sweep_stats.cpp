// SPDX-License-Identifier: GPL-3.0-or-later
// Student-t quantiles and confidence intervals of a mean over seeds.
#include "mor/sweep.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mor {

namespace {

/// Continued fraction of the regularised incomplete beta function (modified Lentz).
double betaContinuedFraction(double a, double b, double x) {
    constexpr double tiny = 1e-300, eps = 1e-15;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 500; ++m) {
        const double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int half = 0; half < 2; ++half) {
            d = 1.0 + num * d;
            d = 1.0 / (std::fabs(d) < tiny ? tiny : d);
            c = 1.0 + num / c;
            c = std::fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
        if (std::fabs(d * c - 1.0) < eps) {
            break;
        }
    }
    return h;
}

/// I_x(a, b).
double regularisedBeta(double a, double b, double x) {
    if (x <= 0.0) {
        return 0.0;
    }
    if (x >= 1.0) {
        return 1.0;
    }
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                  a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        return front * betaContinuedFraction(a, b, x) / a;
    }
    return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

/// P(T <= t) for t >= 0.
double studentTCdfPositive(double t, double df) {
    return 1.0 - 0.5 * regularisedBeta(df / 2.0, 0.5, df / (df + t * t));
}

} // namespace

double studentTCdf(double t, double df) {
    if (!(df > 0.0) || std::isnan(t)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (std::isinf(t)) {
        return t > 0 ? 1.0 : 0.0;
    }
    const double upper = studentTCdfPositive(std::abs(t), df);
    return t >= 0.0 ? upper : 1.0 - upper;
}

double studentTQuantile(double p, int64_t df) {
    if (df < 1 || !(p > 0.0 && p < 1.0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (p < 0.5) {
        return -studentTQuantile(1.0 - p, df);
    }
    const double v = double(df);
    double lo = 0.0, hi = 1.0;
    while (studentTCdfPositive(hi, v) < p && hi < 1e12) {
        hi *= 2.0;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, hi); ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTCdfPositive(mid, v) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

MeanInterval meanInterval(const std::vector<double>& values, double level) {
    MeanInterval out;
    out.n = int64_t(values.size());
    if (values.empty()) {
        return out;
    }
    double sum = 0.0;
    for (double v : values) {
        sum += v;
    }
    out.mean = sum / double(values.size());
    if (values.size() < 2) {
        return out; // one seed says nothing about the spread
    }
    double squares = 0.0;
    for (double v : values) {
        squares += (v - out.mean) * (v - out.mean);
    }
    const double sd = std::sqrt(squares / double(values.size() - 1));
    const double half = studentTQuantile(1.0 - (1.0 - level) / 2.0, out.n - 1) * sd /
                        std::sqrt(double(values.size()));
    out.low = out.mean - half;
    out.high = out.mean + half;
    return out;
}

} // namespace mor
