#include "inspect/routingloadplot.h"

#include "common/plotstyle.h"

#include <algorithm>
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

RoutingLoadPlot::RoutingLoadPlot(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("loadPlot");
    setMinimumSize(220, 150);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(
        0, 0,
        new QCPTextElement(this, tr("Load per expert"), QFont(font().family(), 9, QFont::Bold)));
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

void RoutingLoadPlot::setSummary(const LoadSummary& summary) {
    const QVector<double> load(summary.load.begin(), summary.load.end());
    const QVector<double> prob(summary.meanProb.begin(), summary.meanProb.end());
    common::setBarValues(m_load, load);
    QVector<double> keys(prob.size());
    std::iota(keys.begin(), keys.end(), 0.0);
    m_prob->setData(keys, prob, true);
    common::setIndexTicks(xAxis, int(load.size()), "E");
    m_ideal->point1->setCoords(0, summary.ideal);
    m_ideal->point2->setCoords(1, summary.ideal);
    m_idealLabel->position->setCoords(load.size() - 0.45, summary.ideal);
    m_idealLabel->setText(tr("ideal %1").arg(summary.ideal, 0, 'f', 2));
    // No experts, no share: no line and no "ideal 0.00" over empty axes.
    m_ideal->setVisible(!load.isEmpty());
    m_idealLabel->setVisible(!load.isEmpty());
    double top = summary.ideal;
    for (double v : load) {
        top = std::max(top, v);
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
