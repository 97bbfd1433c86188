#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor {

/// One bin of a reliability table: inputs whose confidence lies in [lo, hi).
struct ReliabilityBin {
    double lo = 0.0;
    double hi = 0.0;
    int64_t count = 0;
    double meanConfidence = 0.0;
    double accuracy = 0.0;
};

/// One pass over a split, for every model family: a summary (split, samples, loss, accuracy,
/// mean depth; the reflection family fills the per-expert fields too) and `metrics`, every
/// metric of the pass exactly as the log stores it. Keys of `scalars()` are the log's names of
/// the summary fields.
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
    /// Expected calibration error (10 equal-width bins) of the critique at reflection step t
    /// (1..T) against whether that step's draft was right, over (input, selected expert).
    std::vector<double> ecePerStep;
    double critiqueEce = 0.0;                  ///< ECE of the critique of each expert's answer
    std::vector<ReliabilityBin> reliability;   ///< that answer-critique's reliability table
    /// Share of inputs whose per-input (inference-time) routing equals the training-time
    /// selection (expert_choice: the batch's capacity-limited choice); -1 when not applicable.
    double routingAgreement = -1.0;
    /// [domain][expert]: share of that domain's inputs routed to the expert (mixed data), and
    /// the same per class.
    std::vector<std::vector<double>> routingByDomain;
    std::vector<std::vector<double>> routingByClass;
    /// Every metric of this pass as logged, with its prefix ("val/accuracy", "test/bpc",
    /// "val/depth_class/2", "val/critic_temperature/0", ...): the complete result of either
    /// family (the fields above are the part both families share or the reflection's).
    std::map<std::string, double> metrics;

    /// Flattened as log metrics with a prefix, e.g. "val/accuracy", "val/activation/2".
    std::map<std::string, double> scalars(const std::string& prefix) const;
};

} // namespace mor
