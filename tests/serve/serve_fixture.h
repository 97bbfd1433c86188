#pragma once
// A tiny trained run on a CSV table whose columns have very different scales, so a client
// that forgot the standardisation would get different answers. Shared by the serve tests.
#include "mor/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace serve_test {

struct Fixture {
    std::string dir; ///< temporary folder (removed by the caller's QTemporaryDir)
    std::string csvPath;
    std::string logPath;
    int64_t runId = 0;
    mor::CsvTable raw;    ///< the CSV as read, raw features per row
    mor::Dataset dataset; ///< the run's data set (scaled features, splits)
    std::string error;
};

/// Writes the CSV into `dir` and trains a few epochs; `error` is set when anything failed.
/// `strategy`: model.router.strategy of the run (top_k by default).
Fixture makeFixture(const std::string& dir, const std::string& strategy = "top_k");

/// A tiny recursion (sequence) run on the addition task in `dir`/seq.sqlite; `error` set on
/// failure. The dataset fields stay empty.
Fixture makeSequenceFixture(const std::string& dir);

/// Raw feature row i of the CSV.
std::vector<float> rawRow(const Fixture& f, int64_t i);

} // namespace serve_test
