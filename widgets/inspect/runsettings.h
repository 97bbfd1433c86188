#pragma once
// The few config values the inspect views draw as reference lines (thresholds, k of top-k),
// read from the run's stored config JSON. Missing or unreadable fields keep the defaults.
#include <QString>

#include <cstdint>
#include <vector>

namespace mor {
class LogReader;
}

namespace inspect {

struct RunSettings {
    double conflictThreshold = 0.3;
    std::vector<double> haltThresholds; ///< per expert (empty when unknown)
    std::vector<int> readFeatures;      ///< per expert: features read per iteration (0 = none)
    QString strategy;                   ///< router strategy
    int topK = 0;    ///< experts per input for top-k like strategies (0 = unknown)
    int experts = 0; ///< number of experts in the config (0 = unknown)
    double haltThreshold(int expert) const;
    /// The input features expert `expert` reads at iteration `iteration` (1-based) of an input
    /// with `features` features: the same schedule as the core's read_features.
    std::vector<int> featuresRead(int expert, int iteration, int features) const;
};

RunSettings readRunSettings(const mor::LogReader* reader, int64_t runId);
RunSettings parseRunSettings(const QByteArray& configJson);

} // namespace inspect
