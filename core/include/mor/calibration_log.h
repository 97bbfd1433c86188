#pragma once
// Calibration of the critique as a run logged it (expected calibration error per reflection
// step over training, the answer-critique's reliability table), and reliability tables per
// reflection step built from traces. Read-only, no torch: the calibration view uses it.
#include "mor/evaluation.h"
#include "mor/trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

class LogReader;

/// The calibration metrics of one evaluation of a run.
struct CalibrationPoint {
    int64_t step = 0;
    double ece = -1.0;                       ///< ECE of the answer-critique (-1: not logged)
    std::vector<double> ecePerStep;          ///< ECE of the critique at t = 1..T
    std::vector<ReliabilityBin> reliability; ///< the answer-critique's reliability table
};

/// Every evaluation of run `runId` that logged calibration metrics ("<split>/ece",
/// "<split>/ece/step/<t>", "<split>/reliability/<b>/{count,confidence,accuracy}"), ascending by
/// step. `split` is the metric prefix: "val" (every evaluation) or "test" (the final one).
std::vector<CalibrationPoint> readCalibration(const LogReader& reader, int64_t runId,
                                              const std::string& split = "val");

/// The reliability table of the critique at each reflection step (index t - 1) over the
/// (input, selected expert) pairs of `traces` whose expert computed step t: confidence = c_t,
/// right = whether draft t was right. `bins` equal-width bins on [0, 1]; the evaluator's rule
/// (core/src/train/calibration.cpp): bin = min(bins - 1, floor(c * bins)).
std::vector<std::vector<ReliabilityBin>> reliabilityPerStep(const std::vector<SampleTrace>& traces,
                                                            int bins = 10);

/// Expected calibration error of a reliability table: sum_b n_b / N * |acc_b - conf_b|
/// (0 for an empty table).
double expectedCalibrationError(const std::vector<ReliabilityBin>& table);

} // namespace mor
