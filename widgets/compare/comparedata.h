#pragma once
// The arithmetic behind the Compare view, kept apart from the widgets so it can be tested on
// its own: EMA smoothing, seed groups and the mean / min / max of a group of curves.
#include <QList>
#include <QVector>

#include <string>
#include <utility>
#include <vector>

namespace compare {

/// Exponential moving average with bias correction (as in TensorBoard): the first points are
/// not pulled towards zero. weight 0 returns the input; NaN points stay NaN and are skipped.
QVector<double> emaSmooth(const QVector<double>& values, double weight);

/// The config leaves that define a seed group: every leaf except "train.seed" and "name".
std::vector<std::pair<std::string, std::string>> seedInvariantLeaves(const std::string& configJson);

/// Indexes of `configJsons` grouped by seedInvariantLeaves(); groups and members keep the
/// order of first appearance.
QList<QList<int>> seedGroups(const std::vector<std::string>& configJsons);

/// A curve as x (step or seconds) and y.
struct Curve {
    QVector<double> x, y;
};

/// Mean, min and max of several curves, sampled at the x of the first curve where every curve
/// has data (the others interpolated linearly), and the 95% Student-t interval of the mean
/// there (mor::meanInterval; NaN for a single curve). Empty when the curves do not overlap.
struct Band {
    QVector<double> x, mean, min, max, low, high;
};
Band meanBand(const QList<Curve>& curves);

/// Index of the point of sorted `x` nearest to `at` (-1 when x is empty).
int nearestIndex(const QVector<double>& x, double at);

} // namespace compare
