#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor {

/// Metrics of one pass over a split. Keys of `scalars()` are the metric names in the log.
struct EvalResult {
    std::string split;                   ///< validation | test | train
    int64_t samples = 0;
    double loss = 0.0;                   ///< fused task loss
    double accuracy = 0.0;
    std::vector<double> activation;      ///< per expert: fraction of inputs routed to it
    std::vector<double> depthPerExpert;  ///< per expert: mean iterations over its inputs
    std::vector<double> accuracyPerStep; ///< fused accuracy if every expert stopped at t (1..T)
    double loadIdealMax = 0.0;           ///< max over experts of load / ideal load
    int64_t deadExperts = 0;             ///< experts that received no input
    double meanDepth = 0.0;              ///< mean iterations per (input, selected expert)
    double conflictRate = 0.0;
    double expertStepsPerInput = 0.0;
    double flopsPerInput = 0.0;
    double latencyMsPerInput = 0.0;
    std::map<std::string, double> lossTerms; ///< every loss term, averaged

    /// Flattened as log metrics with a prefix, e.g. "val/accuracy", "val/activation/2".
    std::map<std::string, double> scalars(const std::string& prefix) const;
};

} // namespace mor
