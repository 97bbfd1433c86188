#include "inspect/groupexpertheatmap.h"

#include "common/mapgrid.h"
#include "common/plotstyle.h"

#include <algorithm>

namespace inspect {

GroupExpertHeatmap::GroupExpertHeatmap(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("groupExpertHeatmap");
    setMinimumSize(220, 170);
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setInterpolate(false);
    m_map->setGradient(common::probabilityGradient());
    xAxis->setLabel(tr("expert"));
    yAxis->setLabel(tr("group"));
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, tr("Expert groups: traced inputs per group × expert"),
                                 QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    m_caption = new QCPTextElement(this, QString(), QFont(font().family(), 8));
    plotLayout()->addElement(2, 0, m_caption);
    setMessage(QString());
}

void GroupExpertHeatmap::clearLabels() {
    for (QCPItemText* label : m_labels) {
        removeItem(label);
    }
    m_labels.clear();
}

void GroupExpertHeatmap::setMessage(const QString& message) {
    clearLabels();
    m_counts = GroupExpertCounts{};
    m_map->data()->clear();
    m_caption->setText(message);
    m_caption->setVisible(!message.isEmpty());
    replot(QCustomPlot::rpQueuedReplot);
}

void GroupExpertHeatmap::setTraces(const std::vector<mor::SampleTrace>& traces,
                                   const RunFeatures& features, int experts,
                                   const QString& source) {
    clearLabels();
    const int groups = int(features.groups.size());
    m_counts = countGroupExperts(traces, groups, experts);
    const int recorded = int(traces.size()) - m_counts.notRecorded;
    QString caption = tr("%n traced input(s)", nullptr, recorded);
    if (!source.isEmpty()) {
        caption += QStringLiteral(", ") + source;
    }
    if (m_counts.notRecorded > 0) {
        caption += tr("; group not recorded for %n input(s)", nullptr, m_counts.notRecorded);
    }
    m_caption->setText(caption);
    m_caption->setVisible(true);
    if (groups == 0 || experts <= 0) {
        m_map->data()->clear();
        replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    // Row 0 at the top (as the other heatmaps): value coordinate groups - 1 - g.
    common::MapGrid grid(m_map->data(), experts, 0, experts - 1, groups, 0, groups - 1);
    int most = 1;
    for (int c : m_counts.counts) {
        most = std::max(most, c);
    }
    m_map->setDataRange(QCPRange(0.0, double(most)));
    const bool labelCells = groups * experts <= 200;
    QSharedPointer<QCPAxisTickerText> rowTicks(new QCPAxisTickerText);
    for (int g = 0; g < groups; ++g) {
        rowTicks->addTick(groups - 1 - g,
                          features.groupLabel(g) + QStringLiteral("\n") +
                              tr("%n input(s)", nullptr, m_counts.inputsPerGroup[size_t(g)]));
        const auto& own = features.groups[size_t(g)].experts;
        for (int e = 0; e < experts; ++e) {
            const int n = m_counts.at(g, e);
            grid.set(e, groups - 1 - g, n);
            if (labelCells) {
                auto* text = new QCPItemText(this);
                text->position->setCoords(e, groups - 1 - g);
                const bool inGroup = std::find(own.begin(), own.end(), e) != own.end();
                // Outside the group a zero is expected: a dot, so a stray count stands out.
                text->setText(n == 0 && !inGroup ? QStringLiteral("·") : QString::number(n));
                common::setCellLabelColor(text, m_map->gradient().color(n, m_map->dataRange()));
                text->setFont(QFont(font().family(), 8, inGroup ? QFont::Bold : QFont::Normal));
                m_labels.push_back(text);
            }
        }
    }
    yAxis->setTicker(rowTicks);
    QSharedPointer<QCPAxisTickerText> expertTicks(new QCPAxisTickerText);
    const int every = experts > 32 ? 8 : (experts > 16 ? 4 : 1);
    for (int e = 0; e < experts; e += every) {
        expertTicks->addTick(e, QStringLiteral("E%1").arg(e));
    }
    xAxis->setTicker(expertTicks);
    xAxis->setRange(-0.5, experts - 0.5);
    yAxis->setRange(-0.5, groups - 0.5);
    replot(QCustomPlot::rpQueuedReplot);
}

double GroupExpertHeatmap::shownValueAt(int group, int expert) const {
    if (group < 0 || group >= m_counts.groups || expert < 0 || expert >= m_counts.experts) {
        return 0.0;
    }
    return common::MapGrid::cell(m_map->data(), m_counts.experts, m_counts.groups, expert,
                         m_counts.groups - 1 - group);
}

QString GroupExpertHeatmap::cellText(int group, int expert) const {
    const size_t i = size_t(group * m_counts.experts + expert);
    if (group < 0 || group >= m_counts.groups || expert < 0 || expert >= m_counts.experts ||
        i >= m_labels.size()) {
        return QString();
    }
    return m_labels[i]->text();
}

QString GroupExpertHeatmap::caption() const {
    return m_caption->text();
}

} // namespace inspect
