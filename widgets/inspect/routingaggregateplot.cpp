#include "inspect/routingaggregateplot.h"

#include "common/mapgrid.h"
#include "common/plotstyle.h"

#include <algorithm>
#include <map>

namespace inspect {

RoutingAggregatePlot::RoutingAggregatePlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("aggregateHeatmap");
    setMinimumSize(220, 160);
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setInterpolate(false);
    m_map->setGradient(common::probabilityGradient());
    m_map->setDataRange(QCPRange(0.0, 1.0));
    xAxis->setLabel(tr("expert"));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0,
                             new QCPTextElement(this, tr("Mean routing probability"),
                                                QFont(font().family(), 9, QFont::Bold)));
}

void RoutingAggregatePlot::setData(const mor::RoutingSnapshot& snapshot,
                                   const std::vector<common::RowMeta>& meta, bool byDomain) {
    for (QCPItemText* label : m_labels) {
        removeItem(label);
    }
    m_labels.clear();
    m_experts = int(snapshot.nExperts);
    std::map<int64_t, std::pair<std::vector<double>, int64_t>> sums; // group -> (sum p, count)
    // Bounded by every array, so a damaged snapshot shows less instead of crashing.
    const int64_t rows =
        std::min<int64_t>({snapshot.nSamples, int64_t(meta.size()),
                           m_experts > 0 ? int64_t(snapshot.probs.size()) / m_experts : 0});
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t g = byDomain ? meta[size_t(r)].domain : meta[size_t(r)].label;
        auto& [sum, count] = sums[g];
        sum.resize(size_t(m_experts), 0.0);
        for (int e = 0; e < m_experts; ++e) {
            sum[size_t(e)] += snapshot.probs[size_t(r * m_experts + e)];
        }
        ++count;
    }
    m_groups.clear();
    m_means.clear();
    for (const auto& [g, entry] : sums) {
        m_groups.push_back(g);
        for (double s : entry.first) {
            m_means.push_back(s / double(std::max<int64_t>(entry.second, 1)));
        }
    }
    const int groups = int(m_groups.size());
    yAxis->setLabel(byDomain ? tr("domain") : tr("class"));
    if (groups == 0 || m_experts == 0) {
        m_map->data()->clear();
        replot();
        return;
    }
    // Row 0 at the top without reversing the axis (see RoutingHeatmap).
    common::MapGrid grid(m_map->data(), m_experts, 0, m_experts - 1, groups, 0, groups - 1);
    QSharedPointer<QCPAxisTickerText> rowTicks(new QCPAxisTickerText);
    const bool labelCells = groups * m_experts <= 160;
    const int everyRow = (groups + 19) / 20; // at most ~20 row labels
    for (int g = 0; g < groups; ++g) {
        if (g % everyRow == 0) {
            rowTicks->addTick(groups - 1 - g, QString::number(m_groups[size_t(g)]));
        }
        for (int e = 0; e < m_experts; ++e) {
            const double v = m_means[size_t(g * m_experts + e)];
            grid.set(e, groups - 1 - g, v);
            if (labelCells) {
                auto* text = new QCPItemText(this);
                text->position->setCoords(e, groups - 1 - g);
                text->setText(QString::number(v, 'f', 2));
                common::setCellLabelColor(text, m_map->gradient().color(v, m_map->dataRange()));
                text->setFont(QFont(font().family(), 8));
                m_labels.push_back(text);
            }
        }
    }
    yAxis->setTicker(rowTicks);
    QSharedPointer<QCPAxisTickerText> expertTicks(new QCPAxisTickerText);
    const int every = m_experts > 32 ? 8 : (m_experts > 16 ? 4 : 1);
    for (int e = 0; e < m_experts; e += every) {
        const bool nested = size_t(e) < m_widths.size() && m_widths[size_t(e)] > 0;
        expertTicks->addTick(e, nested ? tr("E%1\n%2 u").arg(e).arg(m_widths[size_t(e)])
                                       : QString("E%1").arg(e));
    }
    xAxis->setTicker(expertTicks);
    xAxis->setRange(-0.5, m_experts - 0.5);
    yAxis->setRange(-0.5, groups - 0.5);
    replot();
}

double RoutingAggregatePlot::meanAt(int groupIndex, int expert) const {
    if (groupIndex < 0 || groupIndex >= int(m_groups.size()) || expert < 0 || expert >= m_experts) {
        return 0.0;
    }
    return m_means[size_t(groupIndex * m_experts + expert)];
}

} // namespace inspect
