#include "inspect/routingaggregateplot.h"

#include "common/mapgrid.h"
#include "common/plotstyle.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace inspect {

RoutingAggregatePlot::RoutingAggregatePlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("aggregateHeatmap");
    setMinimumSize(220, 160);
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setInterpolate(false);
    m_map->setGradient(common::probabilityGradient()); // NaN: a cell no token was scored in
    m_map->setDataRange(QCPRange(0.0, 1.0));
    xAxis->setLabel(tr("expert"));
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, tr("Mean routing probability"),
                                 QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
}

void RoutingAggregatePlot::setColumns(common::RoutingHeatmap::Columns columns,
                                      std::map<int64_t, QString> domainNames) {
    using Columns = common::RoutingHeatmap::Columns;
    m_columns = columns;
    m_domainNames = std::move(domainNames);
    m_title->setText(columns == Columns::Experts  ? tr("Mean routing probability")
                     : columns == Columns::Depths ? tr("Router's mean P(depth = r)")
                                                  : tr("Mean router score"));
    xAxis->setLabel(columns == Columns::Recursions ? tr("recursion")
                    : columns == Columns::Blocks   ? tr("block")
                    : columns == Columns::Depths   ? tr("depth r")
                                                   : tr("expert"));
}

void RoutingAggregatePlot::setData(const mor::RoutingSnapshot& snapshot,
                                   const std::vector<common::RowMeta>& meta, bool byDomain) {
    using Columns = common::RoutingHeatmap::Columns;
    const bool tokens = m_columns != Columns::Experts; // recursions or blocks
    for (QCPItemText* label : m_labels) {
        removeItem(label);
    }
    m_labels.clear();
    m_experts = int(snapshot.nExperts);
    // group -> (sum p, count) per column
    std::map<int64_t, std::pair<std::vector<double>, std::vector<int64_t>>> sums;
    // Bounded by every array, so a damaged snapshot shows less instead of crashing.
    const int64_t rows =
        std::min<int64_t>({snapshot.nSamples, int64_t(meta.size()),
                           m_experts > 0 ? int64_t(snapshot.probs.size()) / m_experts : 0});
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t g = byDomain ? meta[size_t(r)].domain : meta[size_t(r)].label;
        auto& [sum, count] = sums[g];
        sum.resize(size_t(m_experts), 0.0);
        count.resize(size_t(m_experts), 0);
        for (int e = 0; e < m_experts; ++e) {
            const float p = snapshot.probs[size_t(r * m_experts + e)];
            if (!std::isnan(p)) { // a recursion a token had left before is not scored
                sum[size_t(e)] += p;
                ++count[size_t(e)];
            }
        }
    }
    m_groups.clear();
    m_means.clear();
    for (const auto& [g, entry] : sums) {
        m_groups.push_back(g);
        for (size_t e = 0; e < entry.first.size(); ++e) {
            const int64_t n = entry.second[e];
            m_means.push_back(n > 0 ? entry.first[e] / double(n)
                                    : std::numeric_limits<double>::quiet_NaN());
        }
    }
    const int groups = int(m_groups.size());
    yAxis->setLabel(byDomain                         ? (tokens ? tr("difficulty class")
                                                               : tr("domain"))
                    : m_columns == Columns::Blocks     ? tr("blocks used")
                    : m_columns == Columns::Experts    ? tr("class")
                                                       : tr("depth"));
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
            const auto name = byDomain ? m_domainNames.find(m_groups[size_t(g)])
                                       : m_domainNames.end();
            rowTicks->addTick(groups - 1 - g, name != m_domainNames.end()
                                                  ? name->second
                                                  : QString::number(m_groups[size_t(g)]));
        }
        for (int e = 0; e < m_experts; ++e) {
            const double v = m_means[size_t(g * m_experts + e)];
            grid.set(e, groups - 1 - g, v);
            if (labelCells) {
                auto* text = new QCPItemText(this);
                text->position->setCoords(e, groups - 1 - g);
                text->setText(std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', 2));
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
        expertTicks->addTick(
            e, nested && m_columns == Columns::Experts
                   ? tr("E%1\n%2 u").arg(e).arg(m_widths[size_t(e)])
                   : common::RoutingHeatmap::columnName(m_columns, e));
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
