// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweepstats.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>

namespace sweeps {

namespace {

/// The level as a number when the whole text is one ("4", "0.5", "1e-3"; not "\"a\"").
bool asNumber(const std::string& text, double* value) {
    if (text == "true" || text == "false") {
        *value = text == "true" ? 1.0 : 0.0;
        return true;
    }
    if (text.empty()) {
        return false;
    }
    char* end = nullptr;
    *value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && std::isfinite(*value);
}

} // namespace

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    const size_t n = std::min(x.size(), y.size());
    if (n < 2) {
        return std::nan("");
    }
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= double(n);
    my /= double(n);
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx <= 0.0 || syy <= 0.0) {
        return std::nan("");
    }
    return sxy / std::sqrt(sxx * syy);
}

Importance parameterImportance(const std::vector<std::string>& levels,
                               const std::vector<double>& results) {
    Importance out;
    std::vector<std::string> kept;
    std::vector<double> y;
    for (size_t i = 0; i < levels.size() && i < results.size(); ++i) {
        if (std::isfinite(results[i])) {
            kept.push_back(levels[i]);
            y.push_back(results[i]);
        }
    }
    out.n = int(y.size());
    if (y.empty()) {
        return out;
    }
    std::map<std::string, std::vector<double>> byLevel;
    for (size_t i = 0; i < y.size(); ++i) {
        byLevel[kept[i]].push_back(y[i]);
    }
    out.levels = int(byLevel.size());

    std::vector<double> x(y.size());
    bool numeric = true;
    for (size_t i = 0; i < y.size() && numeric; ++i) {
        numeric = asNumber(kept[i], &x[i]);
    }
    if (numeric) {
        out.correlation = pearson(x, y);
    }

    double grand = 0.0;
    for (double v : y) {
        grand += v;
    }
    grand /= double(y.size());
    double total = 0.0, within = 0.0;
    for (double v : y) {
        total += (v - grand) * (v - grand);
    }
    for (const auto& [level, values] : byLevel) {
        double m = 0.0;
        for (double v : values) {
            m += v;
        }
        m /= double(values.size());
        for (double v : values) {
            within += (v - m) * (v - m);
        }
    }
    const double between = std::max(0.0, total - within);
    const int k = out.levels, n = out.n;
    if (k >= 2 && total > 0.0) {
        out.etaSquared = between / total;
    }
    if (k >= 2 && n > k) {
        const double msb = between / double(k - 1), msw = within / double(n - k);
        out.f = msw > 0.0 ? msb / msw
                          : (msb > 0.0 ? std::numeric_limits<double>::infinity() : std::nan(""));
    }
    return out;
}

std::vector<int> paretoFront(const std::vector<double>& cost,
                             const std::vector<double>& accuracy) {
    std::vector<int> candidates;
    for (int i = 0; i < int(std::min(cost.size(), accuracy.size())); ++i) {
        if (std::isfinite(cost[i]) && std::isfinite(accuracy[i])) {
            candidates.push_back(i);
        }
    }
    std::vector<int> front;
    for (int i : candidates) {
        bool beaten = false;
        for (int j : candidates) {
            if (j != i && cost[j] <= cost[i] && accuracy[j] >= accuracy[i] &&
                (cost[j] < cost[i] || accuracy[j] > accuracy[i])) {
                beaten = true;
                break;
            }
        }
        if (!beaten) {
            front.push_back(i);
        }
    }
    std::sort(front.begin(), front.end(), [&](int a, int b) {
        return cost[a] != cost[b] ? cost[a] < cost[b] : a < b;
    });
    return front;
}

} // namespace sweeps
