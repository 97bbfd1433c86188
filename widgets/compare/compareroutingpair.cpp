#include "compare/compareroutingpair.h"

#include "common/routingheatmap.h"

#include "compare/compareread.h"

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
        // Nothing between the maps: they share one colour scale (on the right) and their
        // titles name the number of inputs. The left map's rotated scale title and the right
        // map's "input (N)", cut by the short pane, stood there as stray letters.
        m_maps[side]->setInputAxisTitled(false);
        m_maps[side]->setColorScaleShown(side == 1);
        m_titles[side]->setWordWrap(true);
        grid->addWidget(m_titles[side], 0, side);
        grid->addWidget(m_maps[side], 1, side);
    }
    m_note->setWordWrap(true);
    grid->addWidget(m_note, 2, 0, 1, 2);
    grid->setRowStretch(1, 1);
    retranslateUi();
}

void CompareRoutingPair::setPair(RoutingPairRead pair) {
    for (int side = 0; side < 2; ++side) {
        RoutingSideRead& read = pair.sides[side];
        if (read.unchanged) {
            continue;
        }
        m_runs[side] = read.run;
        m_steps[side] = read.step;
        if (read.run < 0) {
            m_maps[side]->clear();
            m_names[side].clear();
            continue;
        }
        if (!read.snapshot) {
            m_maps[side]->clear();
            continue;
        }
        m_names[side] = read.name;
        m_maps[side]->setSnapshot(std::move(*read.snapshot), std::move(read.meta));
    }
    retranslateUi();
}

RoutingShown CompareRoutingPair::shown() const {
    RoutingShown shown;
    for (int side = 0; side < 2; ++side) {
        shown.runs[side] = m_runs[side];
        shown.steps[side] = m_steps[side];
    }
    return shown;
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
                                    : tr("<b>%1</b> (#%2), routing at step %3, %4 inputs "
                                         "in rows by class")
                                          .arg(m_names[side].toHtmlEscaped())
                                          .arg(m_runs[side])
                                          .arg(m_steps[side])
                                          .arg(m_maps[side]->rowCount()));
    }
    m_note->setText(tr("Both heatmaps use the same fixed colour scale, router probability 0 to "
                       "1, so equal colours mean equal probabilities. The first two compared "
                       "runs with routing snapshots are shown."));
}

} // namespace compare
