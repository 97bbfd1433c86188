// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One sweep of the log as the Sweeps tab shows it: its configurations (the summary over seeds
// from mor::SweepStore, with the Student-t intervals computed there) and its finished runs with
// their parameter values and results, for the parallel coordinates and the importance table.
#include "mor/sweep.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <array>

namespace mor {
class LogReader;
}

namespace sweeps {

/// The results every configuration is summarised by (test split, per input where it says so).
enum Result { Accuracy, ExpertSteps, Flops, LatencyMs, ResultCount };
/// The metric key of a result in the log ("test/accuracy", ...).
const char* resultMetric(Result result);

struct GroupRow {
    QString label;       ///< "router.top_k=1, experts[0].max_depth=4" ("base config" when none)
    QStringList params;  ///< values (JSON text) in the order of SweepData::paramKeys
    mor::SweepGroup group;                 ///< n, run ids, intervals (accuracy, steps, FLOPs, s)
    mor::MeanInterval latencyMs;           ///< test/latency_ms over the finished seeds
    int entries = 0;                       ///< seeds asked for (finished or not)
    const mor::MeanInterval& interval(Result result) const;
};

struct RunRow {
    qint64 runId = -1;
    int group = -1;      ///< index into SweepData::groups
    qint64 seed = 0;
    QStringList params;
    std::array<double, ResultCount> results{}; ///< NaN where the run has no such metric
};

struct SweepData {
    mor::SweepInfo info;
    QStringList paramKeys; ///< dotted config paths the sweep varies, in order of appearance
    QList<GroupRow> groups;
    QList<RunRow> runs;    ///< finished runs only
    /// The runs are Mixture-of-Recursions sequence models (model.family "recursion"): their
    /// test/flops are forward FLOPs per token, not per input.
    bool perToken = false;
};
/// Whether some configuration of the sweep has a value (finite mean) for `result`.
bool anyGroupHas(const SweepData& data, Result result);
/// "FLOPs per token" for a sweep of sequence models, else "FLOPs per input"; `shortForm`
/// gives the column and axis form ("FLOPs / token").
QString flopsName(bool perToken, bool shortForm);

/// Reads sweep `sweepId`: the store's summary (intervals) plus the runs' last test metrics.
SweepData loadSweep(const mor::SweepStore& store, const mor::LogReader& reader, qint64 sweepId);

/// A JSON value as compact text ("4", "\"gru\"" -> "gru" for display is done by displayValue).
/// An empty text (a configuration that leaves the parameter at its default) shows as "default".
QString displayValue(const QString& jsonText);

} // namespace sweeps
