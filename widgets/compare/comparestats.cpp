// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/comparestats.h"

#include "mor/sweep.h"

#include <algorithm>

namespace compare {

namespace {

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
    r.p = std::min(1.0, 2.0 * (1.0 - mor::studentTCdf(std::abs(r.t), r.dof)));
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
