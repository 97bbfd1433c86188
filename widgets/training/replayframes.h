#pragma once
// The evaluations of one run, read back from the log as "frames" for the training replay:
// every metric logged at that evaluation step, the activation per expert and the accuracy per
// reflection step. Routing snapshots and probe traces are read per frame when shown.
#include <QString>
#include <QVector>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor {
class LogReader;
}

namespace training {

struct EvaluationFrame {
    qint64 step = 0;
    std::map<std::string, double> metrics; ///< every "val/" metric logged at this step
    QVector<double> activation;            ///< val/activation/<e>, index = expert
    QVector<double> stepAccuracy;          ///< val/accuracy_step/<t>, index = t - 1
    bool hasRouting = false;               ///< a routing snapshot exists at this step
    bool hasTraces = false;                ///< probe traces exist at this step

    /// The metric's value at this step, or `fallback` when it was not logged here.
    double value(const std::string& key, double fallback = -1.0) const;
};

/// Evaluation steps of run `runId`: the steps of its "val/" metrics, routing snapshots and
/// probe traces, in order. Missing per-expert or per-step values are 0.
std::vector<EvaluationFrame> readEvaluationFrames(const mor::LogReader& reader, qint64 runId);

} // namespace training
