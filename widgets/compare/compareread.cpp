// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/compareread.h"

#include "compare/compareprunepair.h"
#include "compare/comparestats.h"

#include "mor/config.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace compare {

namespace {
const char* const kDefaultMetric = "val/accuracy";

/// Inputs one optimizer step sees: train.batch_size x train.accumulation (1 when unknown).
double inputsPerStep(const std::string& configJson) {
    double batch = 1.0, accumulation = 1.0;
    for (const auto& [key, value] : mor::flattenConfigJson(configJson)) {
        if (key == "train.batch_size") {
            batch = std::max(1.0, std::atof(value.c_str()));
        } else if (key == "train.accumulation") {
            accumulation = std::max(1.0, std::atof(value.c_str()));
        }
    }
    return batch * accumulation;
}

/// The compute spent by each point of `points`: per-input cost from the run's val/ metric
/// (test/ when it has no val/ one) times the inputs seen.
QVector<double> computeAxis(const mor::LogReader& reader, int64_t runId,
                            const std::vector<mor::MetricPoint>& points, const char* cost,
                            double perStep) {
    std::vector<mor::MetricPoint> measured = reader.metric(runId, std::string("val/") + cost);
    if (measured.empty()) {
        measured = reader.metric(runId, std::string("test/") + cost);
    }
    std::vector<double> steps, costSteps, costs;
    for (const mor::MetricPoint& p : points) {
        steps.push_back(double(p.step));
    }
    for (const mor::MetricPoint& m : measured) {
        costSteps.push_back(double(m.step));
        costs.push_back(m.value);
    }
    const std::vector<double> x = cumulativeCost(steps, costSteps, costs, perStep);
    return QVector<double>(x.begin(), x.end());
}

/// The union of the runs' metric keys, sorted.
std::vector<std::string> metricKeysOf(const std::vector<RunRead>& runs) {
    std::set<std::string> keys;
    for (const RunRead& run : runs) {
        keys.insert(run.metricKeys.begin(), run.metricKeys.end());
    }
    return {keys.begin(), keys.end()};
}

} // namespace

std::string chooseMetric(const std::vector<std::string>& keys, const std::string& previous) {
    for (const std::string& wanted : {previous, std::string(kDefaultMetric)}) {
        if (!wanted.empty() && std::binary_search(keys.begin(), keys.end(), wanted)) {
            return wanted;
        }
    }
    return keys.empty() ? std::string() : keys.front();
}

std::vector<CurveRead> readCurves(const mor::LogReader& reader, const std::vector<RunRead>& runs,
                                  const std::string& key) {
    std::vector<CurveRead> curves;
    for (const RunRead& run : runs) {
        CurveRead curve;
        curve.id = run.id;
        if (!key.empty()) {
            curve.points = reader.metricDownsampled(run.id, key, kMaxCurvePoints);
            const double perStep =
                inputsPerStep(run.summary ? run.summary->configJson : std::string());
            curve.flops = computeAxis(reader, run.id, curve.points, "flops", perStep);
            curve.expertSteps = computeAxis(reader, run.id, curve.points, "expert_steps", perStep);
        }
        curves.push_back(std::move(curve));
    }
    return curves;
}

PrunePairRead readPrunePair(const mor::LogReader* reader, const QList<qint64>& runIds) {
    PrunePairRead pair;
    if (!reader) {
        return pair;
    }
    for (qint64 id : runIds) {
        std::optional<mor::RunSummary> run = reader->run(id);
        if (run && ComparePrunePair::parentOf(*run) >= 0) {
            pair.child = id;
            pair.parent = ComparePrunePair::parentOf(*run);
            pair.childRun = std::move(run);
            break;
        }
    }
    if (pair.child >= 0) {
        const std::optional<mor::RunSummary> parent = reader->run(pair.parent);
        pair.parentName = parent ? QString::fromStdString(parent->name) : QString();
        pair.childMetrics = reader->lastMetrics(pair.child);
    }
    return pair;
}

RoutingPairRead readRoutingPair(const mor::LogReader* reader, const QList<qint64>& runIds,
                                const RoutingShown& shown) {
    RoutingPairRead pair;
    int found = 0;
    for (qint64 id : runIds) {
        if (found == 2 || !reader) {
            break;
        }
        const std::vector<int64_t> steps = reader->routingSteps(id);
        if (!steps.empty()) {
            pair.sides[found].run = id;
            pair.sides[found].step = steps.back();
            ++found;
        }
    }
    for (int side = 0; side < 2; ++side) {
        RoutingSideRead& s = pair.sides[side];
        if (s.run == shown.runs[side] && s.step == shown.steps[side]) {
            s.unchanged = true; // a large snapshot is not re-read every poll
            continue;
        }
        if (s.run < 0) {
            continue;
        }
        s.snapshot = reader->routing(s.run, s.step);
        if (!s.snapshot) {
            continue;
        }
        std::map<int64_t, mor::SampleInfo> samples;
        for (mor::SampleInfo& info : reader->samples(s.run)) {
            samples.emplace(info.sampleId, std::move(info));
        }
        s.meta.resize(size_t(s.snapshot->nSamples));
        for (size_t r = 0; r < s.meta.size() && r < s.snapshot->sampleIds.size(); ++r) {
            const auto it = samples.find(s.snapshot->sampleIds[r]);
            if (it != samples.end()) {
                s.meta[r] = {it->second.label, it->second.domain, it->second.preview};
            }
        }
        const auto summary = reader->run(s.run);
        s.name = summary ? QString::fromStdString(summary->name) : QString();
    }
    return pair;
}

CompareRead readCompare(const mor::LogReader& reader, const QList<qint64>& requested,
                        const std::string& previousMetric, const RoutingShown& routingShown) {
    CompareRead read;
    read.requested = requested;
    read.shown = requested;
    if (read.shown.size() < 2) {
        // Nothing (or one run) selected: compare the latest runs instead of an empty view.
        read.shown.clear();
        std::vector<mor::RunSummary> runs = reader.runs();
        std::sort(runs.begin(), runs.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        const size_t first = runs.size() > kMaxFallbackRuns ? runs.size() - kMaxFallbackRuns : 0;
        for (size_t i = first; i < runs.size(); ++i) {
            read.shown << runs[i].id;
        }
    }
    for (qint64 id : read.shown) {
        RunRead run;
        run.id = id;
        run.summary = reader.run(id);
        run.metricKeys = reader.metricKeys(id);
        run.lastMetrics = reader.lastMetrics(id);
        run.valAccuracy = reader.metric(id, kDefaultMetric);
        read.runs.push_back(std::move(run));
    }
    // A pruned run selected without its parent: the view offers the pair.
    for (qint64 id : requested) {
        const std::optional<mor::RunSummary> run = reader.run(id);
        const qint64 parent = run ? ComparePrunePair::parentOf(*run) : -1;
        if (parent >= 0 && !requested.contains(parent)) {
            read.prunedAlone = id;
            read.prunedParent = parent;
            break;
        }
    }
    read.prunePair = readPrunePair(&reader, read.shown);
    read.routing = readRoutingPair(&reader, read.shown, routingShown);
    read.metricKeys = metricKeysOf(read.runs);
    read.metric = chooseMetric(read.metricKeys, previousMetric);
    read.curves = readCurves(reader, read.runs, read.metric);
    return read;
}

} // namespace compare
