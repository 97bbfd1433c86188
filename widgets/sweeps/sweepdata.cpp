// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweepdata.h"

#include "mor/log_reader.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <map>

namespace sweeps {

namespace {

QString jsonText(const QJsonValue& value) {
    // QJsonDocument writes only arrays and objects: wrap the value and strip the brackets.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

} // namespace

const char* resultMetric(Result result) {
    switch (result) {
    case Accuracy: return "test/accuracy";
    case ExpertSteps: return "test/expert_steps";
    case Flops: return "test/flops";
    case LatencyMs: return "test/latency_ms";
    case ResultCount: break;
    }
    return "";
}

const mor::MeanInterval& GroupRow::interval(Result result) const {
    switch (result) {
    case Accuracy: return group.testAccuracy;
    case ExpertSteps: return group.expertSteps;
    case Flops: return group.flops;
    default: return latencyMs;
    }
}

bool anyGroupHas(const SweepData& data, Result result) {
    return std::any_of(data.groups.begin(), data.groups.end(), [result](const GroupRow& g) {
        return std::isfinite(g.interval(result).mean);
    });
}

QString flopsName(bool perToken, bool shortForm) {
    if (perToken) {
        return shortForm ? QCoreApplication::translate("sweeps", "FLOPs / token")
                         : QCoreApplication::translate("sweeps", "FLOPs per token");
    }
    return shortForm ? QCoreApplication::translate("sweeps", "FLOPs / input")
                     : QCoreApplication::translate("sweeps", "FLOPs per input");
}

QString displayValue(const QString& jsonText) {
    if (jsonText.isEmpty()) {
        return QCoreApplication::translate("sweeps", "default");
    }
    if (jsonText.size() >= 2 && jsonText.startsWith(QLatin1Char('"')) &&
        jsonText.endsWith(QLatin1Char('"'))) {
        return jsonText.mid(1, jsonText.size() - 2);
    }
    return jsonText;
}

SweepData loadSweep(const mor::SweepStore& store, const mor::LogReader& reader, qint64 sweepId) {
    SweepData data;
    if (const auto info = store.sweep(sweepId)) {
        data.info = *info;
    }
    const mor::SweepSummary summary = store.summary(sweepId);
    const QJsonObject base =
        QJsonDocument::fromJson(QByteArray::fromStdString(data.info.baseConfigJson)).object();
    data.perToken = base.value(QStringLiteral("model")).toObject().value(
                        QStringLiteral("family")).toString() == QStringLiteral("recursion");
    std::map<std::string, int> entriesOf;
    std::map<qint64, qint64> seedOf;
    for (const mor::SweepEntry& e : store.entries(sweepId)) {
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(e.overridesJson))
                                  .object();
        ++entriesOf[QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString()];
        if (e.runId >= 0) {
            seedOf[e.runId] = e.seed;
        }
    }
    QList<QJsonObject> objects;
    for (const mor::SweepGroup& g : summary.groups) {
        const QJsonObject o =
            QJsonDocument::fromJson(QByteArray::fromStdString(g.paramsJson)).object();
        objects << o;
        const QJsonValue family = o.value(QStringLiteral("model.family"));
        if (family.isString()) { // a sweep over the family itself: per token when any is
            data.perToken = data.perToken || family.toString() == QStringLiteral("recursion");
        }
        for (const QString& key : o.keys()) {
            if (!data.paramKeys.contains(key)) {
                data.paramKeys << key;
            }
        }
    }
    for (int gi = 0; gi < int(summary.groups.size()); ++gi) {
        const mor::SweepGroup& g = summary.groups[gi];
        GroupRow row;
        row.group = g;
        for (const QString& key : data.paramKeys) {
            row.params << (objects[gi].contains(key) ? jsonText(objects[gi].value(key))
                                                     : QString());
        }
        row.label = QString::fromStdString(mor::overridesLabel(g.paramsJson));
        const auto entries = entriesOf.find(
            QJsonDocument(objects[gi]).toJson(QJsonDocument::Compact).toStdString());
        row.entries = entries == entriesOf.end() ? int(g.n) : entries->second;
        std::vector<double> latency;
        for (int64_t runId : g.runIds) {
            const std::map<std::string, double> last = reader.lastMetrics(runId);
            RunRow run;
            run.runId = runId;
            run.group = gi;
            run.seed = seedOf.count(runId) ? seedOf[runId] : 0;
            run.params = row.params;
            for (int r = 0; r < ResultCount; ++r) {
                const auto it = last.find(resultMetric(Result(r)));
                run.results[r] = it == last.end() ? std::nan("") : it->second;
            }
            if (std::isfinite(run.results[LatencyMs])) {
                latency.push_back(run.results[LatencyMs]);
            }
            data.runs << run;
        }
        row.latencyMs = mor::meanInterval(latency);
        data.groups << row;
    }
    return data;
}

} // namespace sweeps
