// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The arithmetic behind the Sweeps tab, Qt-free so it is tested on its own against numbers
// worked out by hand: how much each swept parameter explains of a result (Pearson correlation
// and a one-way ANOVA), and which configurations are Pareto-optimal in accuracy vs compute.
// Confidence intervals are not computed here: they come from mor::meanInterval (mor/sweep.h).
#include <cmath>
#include <string>
#include <vector>

namespace sweeps {

/// One parameter's importance for one result over the runs of a sweep.
struct Importance {
    /// Pearson correlation of the parameter's value with the result; NaN when the parameter
    /// is not numeric, has one value only, or the result does not vary.
    double correlation = std::nan("");
    /// One-way ANOVA over the parameter's values: the share of the result's variance that the
    /// parameter's levels explain (eta squared = SS_between / SS_total), in [0, 1].
    double etaSquared = std::nan("");
    /// F = (SS_between / (k - 1)) / (SS_within / (N - k)); NaN when k < 2 or N <= k; +inf when
    /// the runs of every level agree exactly.
    double f = std::nan("");
    int levels = 0; ///< distinct values of the parameter
    int n = 0;      ///< runs with a finite result
};

/// `levels[i]` is run i's parameter value as text (JSON: "4", "\"gru\"", "true"); `results[i]`
/// its result (NaN: the run is left out). The correlation treats levels that all parse as
/// numbers as numbers.
Importance parameterImportance(const std::vector<std::string>& levels,
                               const std::vector<double>& results);

/// Pearson's r of two equally long samples (NaN when either has no spread or n < 2).
double pearson(const std::vector<double>& x, const std::vector<double>& y);

/// Indexes of the points no other point beats: nothing with cost <= and accuracy >= (one of
/// them strictly). Points with a non-finite coordinate are left out. Sorted by cost.
std::vector<int> paretoFront(const std::vector<double>& cost, const std::vector<double>& accuracy);

} // namespace sweeps
