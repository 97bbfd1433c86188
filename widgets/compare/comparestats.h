// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Qt-free statistics of the Compare view: Welch's t-test between two seed groups, and the
// cumulative compute (FLOPs or expert-steps) that a run has spent by each training step.
#include <cmath>
#include <vector>

namespace compare {

/// Welch's unequal-variances t-test of mean(a) - mean(b).
struct WelchResult {
    double t = std::nan("");
    double dof = std::nan("");  ///< Welch–Satterthwaite degrees of freedom
    double p = std::nan("");    ///< two-sided
    double meanDifference = std::nan("");
};
/// NaN fields when either sample has fewer than two values or both have no spread.
WelchResult welchTTest(const std::vector<double>& a, const std::vector<double>& b);

/// The compute spent by each of `steps` (ascending): the sum over training steps 1..s of
/// inputsPerStep x the per-input cost then. The per-input cost is measured at evaluations
/// (`costSteps` ascending, `costs`): a step uses the latest measurement at or before the step
/// it starts from, the first measurement before there is one. Empty when there is none.
std::vector<double> cumulativeCost(const std::vector<double>& steps,
                                   const std::vector<double>& costSteps,
                                   const std::vector<double>& costs, double inputsPerStep);

} // namespace compare
