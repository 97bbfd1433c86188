// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparestats.h"

#include <algorithm>

namespace compare {

namespace {

/// I_x(a, b), the regularised incomplete beta function, by its continued fraction (modified
/// Lentz). mor::studentTQuantile keeps its own for whole degrees of freedom; Welch's are
/// fractional, which that public API does not take.
double incompleteBeta(double a, double b, double x) {
    if (x <= 0.0) {
        return 0.0;
    }
    if (x >= 1.0) {
        return 1.0;
    }
    if (x > (a + 1.0) / (a + b + 2.0)) {
        return 1.0 - incompleteBeta(b, a, 1.0 - x);
    }
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                  a * std::log(x) + b * std::log1p(-x)) /
                         a;
    constexpr double tiny = 1e-300;
    double f = 1.0, c = 1.0, d = 0.0;
    for (int i = 0; i <= 400; ++i) {
        const int m = i / 2;
        double numerator;
        if (i == 0) {
            numerator = 1.0;
        } else if (i % 2 == 0) {
            numerator = (m * (b - m) * x) / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        } else {
            numerator = -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        }
        d = 1.0 + numerator * d;
        d = std::abs(d) < tiny ? 1.0 / tiny : 1.0 / d;
        c = 1.0 + numerator / c;
        c = std::abs(c) < tiny ? tiny : c;
        const double cd = c * d;
        f *= cd;
        if (std::abs(1.0 - cd) < 1e-14) {
            return front * (f - 1.0);
        }
    }
    return front * (f - 1.0);
}

void meanAndVariance(const std::vector<double>& v, double* mean, double* variance) {
    double sum = 0.0;
    for (double x : v) {
        sum += x;
    }
    *mean = sum / double(v.size());
    double squares = 0.0;
    for (double x : v) {
        squares += (x - *mean) * (x - *mean);
    }
    *variance = squares / double(v.size() - 1);
}

} // namespace

double studentTCdf(double t, double dof) {
    if (!(dof > 0.0) || std::isnan(t)) {
        return std::nan("");
    }
    if (std::isinf(t)) {
        return t > 0 ? 1.0 : 0.0;
    }
    const double tail = 0.5 * incompleteBeta(dof / 2.0, 0.5, dof / (dof + t * t));
    return t >= 0.0 ? 1.0 - tail : tail;
}

WelchResult welchTTest(const std::vector<double>& a, const std::vector<double>& b) {
    WelchResult r;
    if (a.size() < 2 || b.size() < 2) {
        return r;
    }
    double ma = 0, va = 0, mb = 0, vb = 0;
    meanAndVariance(a, &ma, &va);
    meanAndVariance(b, &mb, &vb);
    r.meanDifference = ma - mb;
    const double sa = va / double(a.size()), sb = vb / double(b.size());
    if (sa + sb <= 0.0) {
        return r;
    }
    r.t = (ma - mb) / std::sqrt(sa + sb);
    r.dof = (sa + sb) * (sa + sb) /
            (sa * sa / double(a.size() - 1) + sb * sb / double(b.size() - 1));
    r.p = std::min(1.0, 2.0 * (1.0 - studentTCdf(std::abs(r.t), r.dof)));
    return r;
}

std::vector<double> cumulativeCost(const std::vector<double>& steps,
                                   const std::vector<double>& costSteps,
                                   const std::vector<double>& costs, double inputsPerStep) {
    std::vector<double> out;
    const size_t evals = std::min(costSteps.size(), costs.size());
    if (evals == 0) {
        return out;
    }
    double total = 0.0, at = 0.0, current = costs[0];
    size_t next = 0; // the first measurement not yet in effect
    for (double s : steps) {
        while (at < s) {
            // Measurements at or before `at` are in effect from here on.
            while (next < evals && costSteps[next] <= at) {
                current = costs[next++];
            }
            const double until = next < evals ? std::min(s, costSteps[next]) : s;
            total += (until - at) * current * inputsPerStep;
            at = until;
        }
        out.push_back(total);
    }
    return out;
}

} // namespace compare
