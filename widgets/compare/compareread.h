// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the Compare view shows, read from the log in one go (readCompare) on the log session's
// view pool (issue 21), as plain data the view and its tabs show on the GUI thread. The view
// never reads the log on the GUI thread: another process holding the log (a WAL reader stuck in
// recovery holds every read mark, and SQLite then retries for ~10 s) would freeze the window.
#include "common/routingheatmap.h"

#include <mor/log_reader.h>

#include <QList>
#include <QString>
#include <QVector>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace compare {

/// One compared run: its row of the summary and the metrics it has.
struct RunRead {
    qint64 id = -1;
    std::optional<mor::RunSummary> summary;
    std::vector<std::string> metricKeys;
    std::map<std::string, double> lastMetrics;
    std::vector<mor::MetricPoint> valAccuracy; ///< for the final and best validation accuracy
};

/// One run's curve of the chosen metric and the compute each point had spent.
struct CurveRead {
    qint64 id = -1;
    std::vector<mor::MetricPoint> points; ///< downsampled to at most kMaxCurvePoints
    QVector<double> flops, expertSteps;   ///< cumulative, per point (empty when not measured)
};
constexpr int kMaxCurvePoints = 2000;

/// The Before/after tab: the first pruned run of a list and its parent.
struct PrunePairRead {
    qint64 child = -1, parent = -1;
    std::optional<mor::RunSummary> childRun;
    QString parentName;
    std::map<std::string, double> childMetrics; ///< its last values (prune/before|after/*)
};

/// One side of the Routing tab: a run's newest routing snapshot with its rows' samples.
struct RoutingSideRead {
    qint64 run = -1;
    int64_t step = -1;
    bool unchanged = false; ///< the side shows this run and step already: nothing was read
    std::optional<mor::RoutingSnapshot> snapshot;
    std::vector<common::RowMeta> meta;
    QString name;
};
struct RoutingPairRead {
    RoutingSideRead sides[2];
};
/// What a Routing tab shows (run and step per side): a side still showing them is not re-read.
struct RoutingShown {
    qint64 runs[2] = {-1, -1};
    int64_t steps[2] = {-1, -1};
};

struct CompareRead {
    QList<qint64> requested;
    QList<qint64> shown; ///< requested, or (fewer than two) the newest runs of the log
    std::vector<RunRead> runs; ///< of `shown`, in its order
    qint64 prunedAlone = -1, prunedParent = -1; ///< a requested pruned run without its parent
    PrunePairRead prunePair;
    RoutingPairRead routing;
    std::vector<std::string> metricKeys; ///< every metric of the shown runs (metricKeysOf)
    std::string metric; ///< the metric chosen (see chooseMetric) whose curves were read
    std::vector<CurveRead> curves;
};

/// Reads everything the Compare view shows for `requested` (fewer than two: the log's newest
/// kMaxFallbackRuns runs). `previousMetric` is kept when a shown run has it.
CompareRead readCompare(const mor::LogReader& reader, const QList<qint64>& requested,
                        const std::string& previousMetric, const RoutingShown& routingShown);
constexpr int kMaxFallbackRuns = 8;

/// The metric to show: `previous` when one of `keys` (sorted, unique), else val/accuracy, else
/// the first key ("" when none).
std::string chooseMetric(const std::vector<std::string>& keys, const std::string& previous);

/// Each run's curve of `key`.
std::vector<CurveRead> readCurves(const mor::LogReader& reader, const std::vector<RunRead>& runs,
                                  const std::string& key);
PrunePairRead readPrunePair(const mor::LogReader* reader, const QList<qint64>& runIds);
RoutingPairRead readRoutingPair(const mor::LogReader* reader, const QList<qint64>& runIds,
                                const RoutingShown& shown);

} // namespace compare
