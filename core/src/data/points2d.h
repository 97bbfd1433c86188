#pragma once
// 2-D point sets for teaching (the Playground): spirals, circles, xor, blobs, checkerboard,
// moons. Two features (x, y), classes balanced exactly, deterministic in the seed.
#include "mor/dataset.h"

#include <string>

namespace mor::detail {

/// True for spirals | circles | xor | blobs | checkerboard | moons.
bool isPointDataKind(DataKind kind);

/// Number of classes of a 2-D kind: 3 for blobs (three clusters), 2 for the others.
int64_t pointDataClasses(DataKind kind);

/// `config.samples` points of `config.kind`, class i % classes for sample i. Every point is
/// first placed exactly on its generating shape (scale about [-1, 1]), then moved by Gaussian
/// jitter of standard deviation `config.noise` drawn from its own random stream, so changing
/// the noise moves the same points instead of drawing new ones. Shapes:
/// - spirals: 2 arms, radius 0.05..1 over 1.25 turns, the arms half a turn apart;
/// - circles: class 0 on the ring of radius 0.5, class 1 on the ring of radius 1;
/// - xor: uniform in the four quadrants at least 0.1 from both axes, class 1 where x·y < 0;
/// - blobs: 3 clusters centred 0.8 from the origin at 90°, 210°, 330°; the jitter is their
///   spread (with noise 0 every point sits on its centre);
/// - checkerboard: 4 × 4 squares of side 0.5 over [-1, 1]², class = colour of the square;
/// - moons: two interleaved half circles of radius 1 (class 0 the upper one, centred at
///   (-0.5, -0.25); class 1 the lower one, centred at (0.5, 0.25)).
Dataset makePointDataset(const DataConfig& config, int64_t seed);

} // namespace mor::detail
