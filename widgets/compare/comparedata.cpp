#include "compare/comparedata.h"

#include "mor/config.h"
#include "mor/sweep.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace compare {

QVector<double> emaSmooth(const QVector<double>& values, double weight) {
    QVector<double> out(values.size());
    weight = std::clamp(weight, 0.0, 0.999);
    double average = 0.0;
    int count = 0;
    for (int i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            out[i] = v;
            continue;
        }
        average = average * weight + (1.0 - weight) * v;
        ++count;
        // Dividing by 1 - w^n undoes the pull towards the zero start value.
        const double correction = 1.0 - std::pow(weight, count);
        out[i] = correction > 0.0 ? average / correction : v;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>>
seedInvariantLeaves(const std::string& configJson) {
    auto leaves = mor::flattenConfigJson(configJson);
    leaves.erase(std::remove_if(leaves.begin(), leaves.end(),
                                [](const auto& leaf) {
                                    return leaf.first == "train.seed" || leaf.first == "name";
                                }),
                 leaves.end());
    std::sort(leaves.begin(), leaves.end());
    return leaves;
}

QList<QList<int>> seedGroups(const std::vector<std::string>& configJsons) {
    QList<QList<int>> groups;
    std::vector<std::vector<std::pair<std::string, std::string>>> keys;
    for (int i = 0; i < static_cast<int>(configJsons.size()); ++i) {
        auto key = seedInvariantLeaves(configJsons[i]);
        const auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) {
            keys.push_back(std::move(key));
            groups.append(QList<int>{i});
        } else {
            groups[static_cast<int>(it - keys.begin())].append(i);
        }
    }
    return groups;
}

namespace {
/// Linear interpolation of a curve with sorted x; NaN outside its range.
double valueAt(const Curve& c, double x) {
    if (c.x.isEmpty() || x < c.x.front() || x > c.x.back()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const auto it = std::lower_bound(c.x.begin(), c.x.end(), x);
    const int i = static_cast<int>(it - c.x.begin());
    if (c.x[i] == x || i == 0) {
        return c.y[i];
    }
    const double t = (x - c.x[i - 1]) / (c.x[i] - c.x[i - 1]);
    return c.y[i - 1] + t * (c.y[i] - c.y[i - 1]);
}
} // namespace

Band meanBand(const QList<Curve>& curves) {
    Band band;
    if (curves.isEmpty()) {
        return band;
    }
    std::vector<double> values(static_cast<size_t>(curves.size()));
    for (int i = 0; i < curves.front().x.size(); ++i) {
        const double x = curves.front().x[i];
        bool complete = true;
        for (int c = 0; c < curves.size() && complete; ++c) {
            values[size_t(c)] = c == 0 ? curves[0].y[i] : valueAt(curves[c], x);
            complete = std::isfinite(values[size_t(c)]);
        }
        if (complete) {
            const mor::MeanInterval m = mor::meanInterval(values);
            band.x << x;
            band.mean << m.mean;
            band.min << *std::min_element(values.begin(), values.end());
            band.max << *std::max_element(values.begin(), values.end());
            band.low << m.low;
            band.high << m.high;
        }
    }
    return band;
}

int nearestIndex(const QVector<double>& x, double at) {
    if (x.isEmpty()) {
        return -1;
    }
    const auto it = std::lower_bound(x.begin(), x.end(), at);
    const int i = static_cast<int>(it - x.begin());
    if (i == 0) {
        return 0;
    }
    if (i == x.size()) {
        return i - 1;
    }
    return (at - x[i - 1] <= x[i] - at) ? i - 1 : i;
}

} // namespace compare
