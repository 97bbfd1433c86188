#include "inspect/tracefeatures.h"

#include "sequence/depthblocks.h"

#include <mor/log_reader.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace inspect {

int RunFeatures::nestedWidth(int expert) const {
    return expert >= 0 && expert < int(nestedWidths.size()) ? nestedWidths[size_t(expert)] : 0;
}

int RunFeatures::groupOfExpert(int expert) const {
    for (size_t g = 0; g < groups.size(); ++g) {
        const auto& e = groups[g].experts;
        if (std::find(e.begin(), e.end(), expert) != e.end()) {
            return int(g);
        }
    }
    return -1;
}

QString RunFeatures::groupLabel(int group) const {
    if (group < 0 || group >= int(groups.size())) {
        return QString();
    }
    const ExpertGroupInfo& info = groups[size_t(group)];
    QStringList domains, experts;
    for (int64_t d : info.domains) {
        domains << (d >= 0 && d < domainNames.size() ? domainNames[int(d)]
                                                     : QStringLiteral("d%1").arg(d));
    }
    for (int e : info.experts) {
        experts << QStringLiteral("E%1").arg(e);
    }
    QString label = QStringLiteral("G%1").arg(group);
    if (!domains.isEmpty()) {
        label += QStringLiteral(" · ") + domains.join(QStringLiteral(", "));
    }
    return label + QStringLiteral(" (%1)").arg(experts.join(QStringLiteral(", ")));
}

RunFeatures parseRunFeatures(const QByteArray& configJson) {
    RunFeatures features;
    const QJsonObject root = QJsonDocument::fromJson(configJson).object();
    const QJsonObject model = root.value("model").toObject();
    const QJsonArray experts = model.value("experts").toArray();
    std::vector<int> widths;
    bool anyNested = false;
    for (const QJsonValue& e : experts) {
        const QJsonObject o = e.toObject();
        const bool nested = o.value("kind").toString() == QLatin1String("nested");
        anyNested = anyNested || nested;
        widths.push_back(nested ? o.value("width").toInt(64) : 0);
    }
    if (anyNested) {
        features.nestedWidths = std::move(widths);
    }
    for (const QJsonValue& g : model.value("router").toObject().value("groups").toArray()) {
        const QJsonObject o = g.toObject();
        ExpertGroupInfo info;
        for (const QJsonValue& d : o.value("domains").toArray()) {
            info.domains.push_back(d.toInteger());
        }
        for (const QJsonValue& e : o.value("experts").toArray()) {
            info.experts.push_back(e.toInt());
        }
        info.strategy = o.value("strategy").toString(QStringLiteral("expert_choice"));
        features.groups.push_back(std::move(info));
    }
    features.depthEvery = sequence::depthEveryOf(configJson);
    for (const QJsonValue& d : root.value("data").toObject().value("domains").toArray()) {
        features.domainNames << d.toString();
    }
    return features;
}

RunFeatures readRunFeatures(const mor::LogReader* reader, int64_t runId) {
    if (!reader || runId < 0) {
        return {};
    }
    const auto run = reader->run(runId);
    return run ? parseRunFeatures(QByteArray::fromStdString(run->configJson)) : RunFeatures{};
}

int GroupExpertCounts::at(int group, int expert) const {
    if (group < 0 || group >= groups || expert < 0 || expert >= experts) {
        return 0;
    }
    return counts[size_t(group * experts + expert)];
}

GroupExpertCounts countGroupExperts(const std::vector<mor::SampleTrace>& traces, int groups,
                                    int experts) {
    GroupExpertCounts out;
    out.groups = std::max(0, groups);
    out.experts = std::max(0, experts);
    out.counts.assign(size_t(out.groups * out.experts), 0);
    out.inputsPerGroup.assign(size_t(out.groups), 0);
    for (const mor::SampleTrace& t : traces) {
        if (t.group < 0 || t.group >= out.groups) {
            ++out.notRecorded;
            continue;
        }
        ++out.inputsPerGroup[size_t(t.group)];
        for (int e = 0; e < out.experts && e < int(t.mask.size()); ++e) {
            if (t.mask[size_t(e)] != 0) {
                ++out.counts[size_t(t.group * out.experts + e)];
            }
        }
    }
    return out;
}

QString TraceFeatures::widthText(const mor::ExpertTrace& expert, const RunFeatures& features) {
    if (expert.width > 0) {
        return tr("width %1 units").arg(expert.width);
    }
    return features.nestedWidth(expert.expert) > 0 ? tr("width not recorded") : QString();
}

QString TraceFeatures::groupText(const mor::SampleTrace& trace, const RunFeatures& features) {
    if (!features.grouped()) {
        return QString();
    }
    if (trace.group < 0) {
        return tr("not recorded");
    }
    const QString label = features.groupLabel(trace.group);
    return label.isEmpty() ? QStringLiteral("G%1").arg(trace.group) : label;
}

QString TraceFeatures::inputSummaryHtml(const mor::SampleTrace& trace,
                                        const std::vector<mor::SampleTrace>& stepTraces,
                                        const RunFeatures& features) {
    QString html;
    if (features.nested()) {
        QStringList mine;
        for (const mor::ExpertTrace& e : trace.experts) {
            mine << (e.width > 0 ? tr("%1 units (E%2)").arg(e.width).arg(e.expert)
                                 : tr("not recorded (E%1)").arg(e.expert));
        }
        html += tr("<br>nested width: <b>%1</b>")
                    .arg(mine.isEmpty() ? tr("none") : mine.join(QStringLiteral(", ")));
        // How the traced inputs of this step spread over the widths (an input's widest slice).
        std::map<int, int> perWidth;
        int unknown = 0;
        for (const mor::SampleTrace& t : stepTraces) {
            int widest = 0;
            for (const mor::ExpertTrace& e : t.experts) {
                widest = std::max(widest, e.width);
            }
            widest > 0 ? ++perWidth[widest] : ++unknown;
        }
        QStringList spread;
        for (const auto& [width, n] : perWidth) {
            spread << tr("%1&nbsp;u:&nbsp;%2").arg(width).arg(n);
        }
        if (unknown > 0) {
            spread << tr("not&nbsp;recorded:&nbsp;%1").arg(unknown);
        }
        if (!spread.isEmpty()) {
            html += tr("<br>traced inputs per width: %1").arg(spread.join(QStringLiteral(", ")));
        }
    }
    if (features.grouped()) {
        html += tr("<br>expert group: <b>%1</b>").arg(groupText(trace, features).toHtmlEscaped());
    }
    return html;
}

} // namespace inspect
