// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/points2d.h"

#include "data/random.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace mor::detail {

namespace {

// Separate streams: the shape positions do not change when only the noise does.
enum PointStream : uint64_t { ShapeStream = 31, JitterStream };

constexpr double Pi = 3.14159265358979323846;

struct Point {
    double x = 0.0, y = 0.0;
};

Point polar(double radius, double angle, Point centre = {}) {
    return {centre.x + radius * std::cos(angle), centre.y + radius * std::sin(angle)};
}

/// Standard normal by Box-Muller from the portable uniform stream (std::normal_distribution
/// differs between standard libraries).
double gaussian(Random& random) {
    const double u = 1.0 - random.uniform(); // (0, 1]: log(u) is finite
    const double v = random.uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * Pi * v);
}

Point spiral(int64_t arm, int64_t arms, Random& random) {
    constexpr double Turns = 1.25, Inner = 0.05;
    const double t = random.uniform();
    const double angle = 2.0 * Pi * (Turns * t + static_cast<double>(arm) / arms);
    return polar(Inner + (1.0 - Inner) * t, angle);
}

/// Uniform in [margin, 1) with a random sign.
double awayFromAxis(double margin, Random& random) {
    const double magnitude = margin + (1.0 - margin) * random.uniform();
    return random.bit() ? magnitude : -magnitude;
}

Point xorPoint(int64_t label, Random& random) {
    const double x = awayFromAxis(0.1, random);
    const double y = awayFromAxis(0.1, random);
    // class 1 where the signs differ: flip y's sign when it does not fit the label
    const bool opposite = (x < 0.0) != (y < 0.0);
    return {x, opposite == (label == 1) ? y : -y};
}

Point checkerboard(int64_t label, Random& random) {
    constexpr int64_t Cells = 4;
    constexpr double Side = 2.0 / Cells;
    const int64_t row = random.below(Cells);
    // of the row's cells, the ones whose colour (row + column) % 2 is the label
    const int64_t column = 2 * random.below(Cells / 2) + ((label + row) % 2);
    return {-1.0 + Side * (static_cast<double>(column) + random.uniform()),
            -1.0 + Side * (static_cast<double>(row) + random.uniform())};
}

Point moon(int64_t label, Random& random) {
    const double angle = Pi * random.uniform();
    return label == 0 ? polar(1.0, angle, {-0.5, -0.25}) : polar(1.0, angle + Pi, {0.5, 0.25});
}

Point shapePoint(DataKind kind, int64_t label, int64_t classes, Random& random) {
    if (kind == DataKind::Spirals) {
        return spiral(label, classes, random);
    }
    if (kind == DataKind::Circles) {
        return polar(label == 0 ? 0.5 : 1.0, 2.0 * Pi * random.uniform());
    }
    if (kind == DataKind::Xor) {
        return xorPoint(label, random);
    }
    if (kind == DataKind::Blobs) {
        return polar(0.8, Pi / 2.0 + 2.0 * Pi * static_cast<double>(label) / classes);
    }
    if (kind == DataKind::Checkerboard) {
        return checkerboard(label, random);
    }
    return moon(label, random);
}

std::vector<std::string> classNamesOf(DataKind kind, int64_t classes) {
    if (kind == DataKind::Circles) {
        return {"inner", "outer"};
    }
    if (kind == DataKind::Xor) {
        return {"same sign", "opposite signs"};
    }
    if (kind == DataKind::Checkerboard) {
        return {"dark", "light"};
    }
    if (kind == DataKind::Moons) {
        return {"upper", "lower"};
    }
    std::vector<std::string> names;
    for (int64_t k = 0; k < classes; ++k) {
        names.push_back((kind == DataKind::Spirals ? "arm " : "blob ") + std::to_string(k));
    }
    return names;
}

} // namespace

bool isPointDataKind(DataKind kind) {
    return kind == DataKind::Spirals || kind == DataKind::Circles || kind == DataKind::Xor ||
           kind == DataKind::Blobs || kind == DataKind::Checkerboard || kind == DataKind::Moons;
}

int64_t pointDataClasses(DataKind kind) { return kind == DataKind::Blobs ? 3 : 2; }

Dataset makePointDataset(const DataConfig& c, int64_t seed) {
    Dataset d;
    d.numClasses = pointDataClasses(c.kind);
    d.numFeatures = 2;
    d.inputKind = "vector";
    d.featureNames = {"x", "y"};
    d.classNames = classNamesOf(c.kind, d.numClasses);
    d.domainNames = {"all"};
    std::ostringstream name;
    name << dataKindName(c.kind) << "(noise " << std::setprecision(3) << c.noise << ")";
    d.name = name.str();

    const auto n = static_cast<size_t>(c.samples);
    d.features.resize(2 * n);
    d.labels.resize(n);
    d.domains.assign(n, 0);
    Random shape(seed, ShapeStream), jitter(seed, JitterStream);
    for (size_t i = 0; i < n; ++i) {
        const int64_t label = static_cast<int64_t>(i) % d.numClasses;
        const Point p = shapePoint(c.kind, label, d.numClasses, shape);
        // both draws always happen, so noise 0 and noise 0.3 use the same stream positions
        const double dx = gaussian(jitter), dy = gaussian(jitter);
        d.features[2 * i] = static_cast<float>(p.x + c.noise * dx);
        d.features[2 * i + 1] = static_cast<float>(p.y + c.noise * dy);
        d.labels[i] = label;
    }
    return d;
}

} // namespace mor::detail
