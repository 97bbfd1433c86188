#pragma once
// A small, hand-made but plausible Mixture-of-Reflection run written through mor::ExperimentLog,
// so the inspect views are tested (and screenshotted) against real log content.
#include <cstdint>
#include <string>
#include <vector>

namespace inspect_test {

struct FixtureOptions {
    int experts = 3;
    int maxDepth = 4;
    int classes = 3;
    int domains = 2;
    int samples = 60;
    int evalSteps = 3;
    int inputLength = 12;
    unsigned seed = 7;
    int readFeatures = 0; ///< experts[].read_features written into the run's config
};

struct FixtureRun {
    int64_t runId = -1;
    std::vector<int64_t> steps; ///< evaluation steps with traces and routing
    double conflictThreshold = 0.15;
};

/// Writes one run into the log at `path` (created if needed) and flushes it.
/// Returns runId -1 and sets *error when the log cannot be opened.
FixtureRun writeFixtureRun(const std::string& path, const FixtureOptions& options,
                           std::string* error);

} // namespace inspect_test
