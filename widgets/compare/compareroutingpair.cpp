#include "compare/compareroutingpair.h"

#include "common/routingheatmap.h"

#include <mor/log_reader.h>

#include <QEvent>
#include <QGridLayout>
#include <QLabel>

namespace compare {

CompareRoutingPair::CompareRoutingPair(QWidget* parent)
    : QWidget(parent), m_note(new QLabel(this)) {
    setObjectName(QStringLiteral("compareRouting"));
    auto* grid = new QGridLayout(this);
    for (int side = 0; side < 2; ++side) {
        m_titles[side] = new QLabel(this);
        m_maps[side] = new common::RoutingHeatmap(this);
        m_maps[side]->setSortKey(common::RoutingHeatmap::SortKey::Class);
        grid->addWidget(m_titles[side], 0, side);
        grid->addWidget(m_maps[side], 1, side);
    }
    m_note->setWordWrap(true);
    grid->addWidget(m_note, 2, 0, 1, 2);
    grid->setRowStretch(1, 1);
    retranslateUi();
}

void CompareRoutingPair::setRuns(const mor::LogReader* reader, const QList<qint64>& runIds) {
    qint64 runs[2] = {-1, -1};
    int found = 0;
    for (qint64 id : runIds) {
        if (found < 2 && reader && !reader->routingSteps(id).empty()) {
            runs[found++] = id;
        }
    }
    for (int side = 0; side < 2; ++side) {
        const qint64 run = runs[side];
        const int64_t step = run >= 0 ? reader->routingSteps(run).back() : -1;
        if (run == m_runs[side] && step == m_steps[side]) {
            continue; // unchanged: a large snapshot is not re-read every poll
        }
        m_runs[side] = run;
        m_steps[side] = step;
        if (run < 0) {
            m_maps[side]->clear();
            m_names[side].clear();
            continue;
        }
        std::optional<mor::RoutingSnapshot> snapshot = reader->routing(run, step);
        if (!snapshot) {
            m_maps[side]->clear();
            continue;
        }
        std::map<int64_t, mor::SampleInfo> samples;
        for (mor::SampleInfo& s : reader->samples(run)) {
            samples.emplace(s.sampleId, std::move(s));
        }
        std::vector<common::RowMeta> meta(size_t(snapshot->nSamples));
        for (size_t r = 0; r < meta.size() && r < snapshot->sampleIds.size(); ++r) {
            const auto it = samples.find(snapshot->sampleIds[r]);
            if (it != samples.end()) {
                meta[r] = {it->second.label, it->second.domain, it->second.preview};
            }
        }
        const auto summary = reader->run(run);
        m_names[side] = summary ? QString::fromStdString(summary->name) : QString();
        m_maps[side]->setSnapshot(std::move(*snapshot), std::move(meta));
    }
    retranslateUi();
}

void CompareRoutingPair::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void CompareRoutingPair::retranslateUi() {
    for (int side = 0; side < 2; ++side) {
        m_titles[side]->setText(m_runs[side] < 0
                                    ? tr("(no run with a routing snapshot)")
                                    : tr("<b>%1</b> (#%2), routing at step %3, rows by class")
                                          .arg(m_names[side].toHtmlEscaped())
                                          .arg(m_runs[side])
                                          .arg(m_steps[side]));
    }
    m_note->setText(tr("Both heatmaps use the same fixed colour scale, router probability 0 to "
                       "1, so equal colours mean equal probabilities. The first two compared "
                       "runs with routing snapshots are shown."));
}

} // namespace compare
