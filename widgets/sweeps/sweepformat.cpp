// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweepformat.h"

#include <algorithm>
#include <cmath>

namespace sweeps {

namespace {

/// Divisor and suffix for a magnitude: 1e3 k, 1e6 M, 1e9 G.
std::pair<double, QString> scaleOf(double magnitude) {
    if (magnitude >= 1e9) {
        return {1e9, QStringLiteral("G")};
    }
    if (magnitude >= 1e6) {
        return {1e6, QStringLiteral("M")};
    }
    if (magnitude >= 1e4) {
        return {1e3, QStringLiteral("k")};
    }
    return {1.0, QString()};
}

/// Decimals that show `step` with two significant digits (at least 0, at most 6).
int decimalsFor(double step) {
    if (!(step > 0.0) || !std::isfinite(step)) {
        return 3;
    }
    return std::clamp(1 - int(std::floor(std::log10(step))), 0, 6);
}

} // namespace

QString formatNumber(double value) {
    if (!std::isfinite(value)) {
        return QStringLiteral("—");
    }
    const auto [div, suffix] = scaleOf(std::abs(value));
    const double v = value / div;
    // Three significant digits.
    const int decimals =
        v == 0.0 ? 0 : std::clamp(2 - int(std::floor(std::log10(std::abs(v)))), 0, 6);
    return QString::number(v, 'f', decimals) + suffix;
}

QString formatInterval(const mor::MeanInterval& m) {
    if (!std::isfinite(m.mean)) {
        return QStringLiteral("—");
    }
    if (!std::isfinite(m.low) || !std::isfinite(m.high)) {
        return formatNumber(m.mean);
    }
    if (!(m.halfWidth() > 0.0)) {
        return formatNumber(m.mean) + QStringLiteral(" ± 0"); // the seeds agree exactly
    }
    const auto [div, suffix] = scaleOf(std::abs(m.mean));
    const double half = m.halfWidth() / div;
    const int decimals = decimalsFor(half);
    return QStringLiteral("%1%3 ± %2%3")
        .arg(QString::number(m.mean / div, 'f', decimals), QString::number(half, 'f', decimals),
             suffix);
}

} // namespace sweeps
