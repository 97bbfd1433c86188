#include "inspect/routingloadplot.h"

#include "common/plotstyle.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace inspect {

LoadSummary summarizeLoad(const mor::RoutingSnapshot& snapshot) {
    LoadSummary s;
    const int64_t n = snapshot.nSamples;
    const int e = int(snapshot.nExperts);
    if (n <= 0 || e <= 0 || snapshot.probs.size() < size_t(n * e)) {
        return s; // nothing (or a damaged snapshot): no loads rather than a crash
    }
    s.load.assign(size_t(e), 0.0);
    s.meanProb.assign(size_t(e), 0.0);
    const bool haveMask = snapshot.mask.size() >= size_t(n * e);
    for (int64_t r = 0; r < n; ++r) {
        for (int j = 0; j < e; ++j) {
            const size_t i = size_t(r * e + j);
            s.meanProb[size_t(j)] += snapshot.probs[i];
            if (haveMask) {
                s.load[size_t(j)] += snapshot.mask[i] != 0 ? 1.0 : 0.0;
            }
        }
    }
    double selectedPerInput = 0.0;
    for (int j = 0; j < e; ++j) {
        s.meanProb[size_t(j)] /= double(n);
        s.load[size_t(j)] /= double(n);
        selectedPerInput += s.load[size_t(j)];
    }
    if (!haveMask) {
        s.load = s.meanProb; // no mask logged: the probability mass is the best proxy
        selectedPerInput = 1.0;
    }
    s.ideal = selectedPerInput / e;

    QStringList dead;
    for (int j = 0; j < e; ++j) {
        // "Dead": (almost) never selected, so it gets no gradient and cannot learn.
        if (s.load[size_t(j)] < 0.01) {
            dead << QString("E%1").arg(j);
        }
    }
    if (!dead.isEmpty()) {
        s.warnings
            << QObject::tr("Dead expert(s): %1 (routed < 1% of inputs)").arg(dead.join(", "));
    }
    const auto [lo, hi] = std::minmax_element(s.load.begin(), s.load.end());
    if (s.ideal > 0 && *hi > 2.0 * s.ideal) {
        s.warnings << QObject::tr("Imbalance: E%1 takes %2× its fair share (%3 vs ideal %4)")
                          .arg(int(hi - s.load.begin()))
                          .arg(*hi / s.ideal, 0, 'f', 1)
                          .arg(*hi, 0, 'f', 2)
                          .arg(s.ideal, 0, 'f', 2);
    } else if (s.ideal > 0 && dead.isEmpty() && *lo < 0.5 * s.ideal) {
        s.warnings << QObject::tr("Imbalance: E%1 gets only %2 of inputs (ideal %3)")
                          .arg(int(lo - s.load.begin()))
                          .arg(*lo, 0, 'f', 2)
                          .arg(s.ideal, 0, 'f', 2);
    }
    return s;
}

LoadSummary summarizeRecursionLoad(const mor::RoutingSnapshot& snapshot, bool blocks) {
    LoadSummary s;
    const int64_t n = snapshot.nSamples;
    const int depth = int(snapshot.nExperts);
    if (n <= 0 || depth <= 0 || snapshot.probs.size() < size_t(n * depth) ||
        snapshot.mask.size() < size_t(n * depth)) {
        return s;
    }
    s.load.assign(size_t(depth), 0.0);
    s.meanProb.assign(size_t(depth), 0.0);
    std::vector<int64_t> scored(size_t(depth), 0);
    for (int64_t t = 0; t < n; ++t) {
        for (int r = 0; r < depth; ++r) {
            const size_t i = size_t(t * depth + r);
            s.load[size_t(r)] += snapshot.mask[i] != 0 ? 1.0 : 0.0;
            if (!std::isnan(snapshot.probs[i])) { // NaN: not scored there
                s.meanProb[size_t(r)] += snapshot.probs[i];
                ++scored[size_t(r)];
            }
        }
    }
    QStringList unused;
    for (int r = 0; r < depth; ++r) {
        s.load[size_t(r)] /= double(n);
        s.meanProb[size_t(r)] = scored[size_t(r)] > 0 // NaN: no marker where none was scored
                                    ? s.meanProb[size_t(r)] / double(scored[size_t(r)])
                                    : std::numeric_limits<double>::quiet_NaN();
        if (s.load[size_t(r)] == 0.0) {
            unused << common::RoutingHeatmap::columnName(
                blocks ? common::RoutingHeatmap::Columns::Blocks
                       : common::RoutingHeatmap::Columns::Recursions,
                r);
        }
    }
    if (!unused.isEmpty()) {
        s.warnings << QObject::tr("No token went through %1").arg(unused.join(", "));
    }
    return s;
}

RoutingLoadPlot::RoutingLoadPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("loadPlot");
    setMinimumSize(220, 150);
    plotLayout()->insertRow(0);
    m_title =
        new QCPTextElement(this, tr("Load per expert"), QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, m_title);
    xAxis->grid()->setZeroLinePen(Qt::NoPen); // E0 / r1 is a column like the others
    m_load = new QCPBars(xAxis, yAxis);
    m_load->setName(tr("fraction routed"));
    m_load->setBrush(QColor(0x4e, 0x79, 0xa7));
    m_load->setWidth(0.6);
    m_prob = addGraph();
    m_prob->setName(tr("mean p"));
    m_prob->setLineStyle(QCPGraph::lsNone);
    m_prob->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(0xf2, 0x8e, 0x2b),
                                            QColor(0xf2, 0x8e, 0x2b), 8));
    m_ideal = new QCPItemStraightLine(this);
    m_ideal->setPen(QPen(QColor(200, 30, 30), 1.5, Qt::DashLine));
    m_idealLabel = new QCPItemText(this);
    m_idealLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_idealLabel->setColor(QColor(200, 30, 30));
    m_idealLabel->setFont(QFont(font().family(), 8));
    yAxis->setLabel(tr("fraction of inputs"));
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 7));
    legend->setIconSize(12, 8);
    // The legend in a row of its own under the axes: inside them it touched the bars at
    // 1280x800 (issue 21). Both entries side by side, the row as low as the text.
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(2, 0, legend);
    plotLayout()->setRowStretchFactor(2, 0.001);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(2);
    legend->setMargins(QMargins(4, 1, 4, 1));
    legend->setRowSpacing(0);
    legend->setBorderPen(Qt::NoPen);
}

void RoutingLoadPlot::setColumns(common::RoutingHeatmap::Columns columns) {
    using Columns = common::RoutingHeatmap::Columns;
    m_columns = columns;
    const bool recursions = columns != Columns::Experts;
    m_title->setText(columns == Columns::Blocks    ? tr("Tokens per block")
                     : columns == Columns::Experts ? tr("Load per expert")
                                                   : tr("Tokens per recursion"));
    m_load->setName(recursions ? tr("fraction of tokens") : tr("fraction routed"));
    m_prob->setName(columns == Columns::Depths ? tr("router's mean P(depth = r)")
                    : recursions               ? tr("mean router score")
                                               : tr("mean p"));
    yAxis->setLabel(recursions ? tr("fraction of tokens") : tr("fraction of inputs"));
}

void RoutingLoadPlot::setSummary(const LoadSummary& summary) {
    const QVector<double> load(summary.load.begin(), summary.load.end());
    const QVector<double> prob(summary.meanProb.begin(), summary.meanProb.end());
    common::setBarValues(m_load, load);
    QVector<double> keys(prob.size());
    std::iota(keys.begin(), keys.end(), 0.0);
    m_prob->setData(keys, prob, true);
    const bool tokens = m_columns != common::RoutingHeatmap::Columns::Experts;
    if (tokens) { // recursions and blocks count from 1
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int r = 0; r < load.size(); ++r) {
            ticker->addTick(r, common::RoutingHeatmap::columnName(m_columns, r));
        }
        xAxis->setTicker(ticker);
        xAxis->setRange(-0.6, load.size() - 0.4);
    } else {
        common::setIndexTicks(xAxis, int(load.size()), "E");
    }
    m_ideal->point1->setCoords(0, summary.ideal);
    m_ideal->point2->setCoords(1, summary.ideal);
    m_idealLabel->position->setCoords(load.size() - 0.45, summary.ideal);
    m_idealLabel->setText(tr("ideal %1").arg(summary.ideal, 0, 'f', 2));
    // No experts, no share: no line and no "ideal 0.00" over empty axes; none for recursions.
    m_ideal->setVisible(!load.isEmpty() && !tokens);
    m_idealLabel->setVisible(!load.isEmpty() && !tokens);
    double top = summary.ideal;
    for (double v : load + prob) { // the mean score's marker stays in view too
        top = std::isnan(v) ? top : std::max(top, v);
    }
    m_top = std::max(0.05, top * 1.25);
    updateRange();
    replot();
}

void RoutingLoadPlot::setFixedRange(bool fixed) {
    m_fixed = fixed;
    updateRange();
    replot(QCustomPlot::rpQueuedReplot);
}

void RoutingLoadPlot::updateRange() {
    yAxis->setRange(0, m_fixed ? 1.05 : m_top);
}

} // namespace inspect
