// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/paretoplot.h"

#include "sweeps/sweepstats.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/theme.h"

#include <QEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace sweeps {

namespace {
double orZero(double v) {
    return std::isfinite(v) ? v : 0.0;
}
} // namespace

ParetoPlot::ParetoPlot(QWidget* parent)
    : QWidget(parent), m_plot(common::makePlot(this, QStringLiteral("sweepPareto"))) {
    m_plot->setMinimumSize(280, 200);
    // The legend gets its own row under the axes: it never covers a point.
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setMargins(QMargins(4, 2, 4, 2));
    m_plot->legend->setVisible(true);
    m_plot->setMouseTracking(true);
    // Said in the plot when nothing can be drawn, instead of bare placeholder axes.
    m_empty = new QCPItemText(m_plot);
    m_empty->setObjectName(QStringLiteral("paretoEmpty"));
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setPositionAlignment(Qt::AlignCenter);
    m_empty->setTextAlignment(Qt::AlignCenter); // the notes have several lines
    m_empty->setClipToAxisRect(false);
    common::installExportMenu(m_plot);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ParetoPlot::onMouseMove);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    restyle();
}

void ParetoPlot::setData(const SweepData& data) {
    m_data = data;
    rebuild();
}

QString ParetoPlot::emptyText() const {
    return m_empty->visible() ? m_empty->text() : QString();
}

void ParetoPlot::setCost(Result cost) {
    m_cost = cost;
    rebuild();
}

void ParetoPlot::setHighlightedGroups(const QList<int>& groups) {
    if (groups == m_highlighted) {
        return;
    }
    m_highlighted = groups;
    rebuild();
}

void ParetoPlot::rebuild() {
    m_plot->clearPlottables();
    std::vector<double> cost, accuracy;
    for (const GroupRow& g : m_data.groups) {
        cost.push_back(g.interval(m_cost).mean);
        accuracy.push_back(g.interval(Accuracy).mean);
    }
    m_front.clear();
    for (int i : paretoFront(cost, accuracy)) {
        m_front << i;
    }
    const QColor pointColor(common::Theme::curveColor(0)), frontColor(common::Theme::curveColor(1));
    // The drawable configurations in order of cost: the graph keeps its points sorted by key,
    // and the error bars pair with them by index (in the groups' order a bar sat on another
    // configuration's point).
    std::vector<int> order;
    for (int i = 0; i < m_data.groups.size(); ++i) {
        if (std::isfinite(cost[size_t(i)]) && std::isfinite(accuracy[size_t(i)])) {
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&cost](int a, int b) { return cost[size_t(a)] < cost[size_t(b)]; });
    // Faint points first, then the strong ones (highlighted or all), so these are on top.
    for (int pass = 0; pass < 2; ++pass) {
        const bool strong = pass == 1;
        // The Student-t interval of a mean of few seeds can reach past what the measure can be;
        // the bars stop at accuracy 0 and 1 and at zero compute.
        QVector<double> x, y, xMinus, xPlus, yMinus, yPlus;
        for (const int i : order) {
            const bool isStrong = m_highlighted.isEmpty() || m_highlighted.contains(i);
            if (isStrong != strong) {
                continue;
            }
            x << cost[i];
            y << accuracy[i];
            const double xHalf = orZero(m_data.groups[i].interval(m_cost).halfWidth());
            const double yHalf = orZero(m_data.groups[i].interval(Accuracy).halfWidth());
            xMinus << std::clamp(xHalf, 0.0, std::max(0.0, cost[i]));
            xPlus << xHalf;
            yMinus << std::clamp(yHalf, 0.0, std::max(0.0, accuracy[i]));
            yPlus << std::clamp(yHalf, 0.0, std::max(0.0, 1.0 - accuracy[i]));
        }
        if (x.isEmpty()) {
            continue;
        }
        QColor c = pointColor;
        if (!strong) {
            c.setAlpha(80);
        }
        QCPGraph* points = m_plot->addGraph();
        points->setLineStyle(QCPGraph::lsNone);
        points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, strong ? 7 : 5));
        points->setData(x, y);
        points->setName(tr("configuration: mean ± 95% CI"));
        if (!strong) {
            points->removeFromLegend();
        }
        for (const auto& [minus, plus, type] :
             {std::make_tuple(&yMinus, &yPlus, QCPErrorBars::etValueError),
              std::make_tuple(&xMinus, &xPlus, QCPErrorBars::etKeyError)}) {
            auto* bars = new QCPErrorBars(m_plot->xAxis, m_plot->yAxis);
            bars->setDataPlottable(points);
            bars->setErrorType(type);
            bars->setData(*minus, *plus);
            bars->setPen(QPen(c, 1.2));
            bars->setWhiskerWidth(6);
            bars->removeFromLegend();
        }
    }
    if (m_front.size() >= 2) {
        QVector<double> fx, fy;
        for (int i : m_front) {
            fx << cost[i];
            fy << accuracy[i];
        }
        QCPGraph* line = m_plot->addGraph();
        line->setData(fx, fy, true);
        line->setPen(QPen(frontColor, 2, Qt::DashLine));
        line->setName(tr("Pareto front"));
    }
    const QString costNames[ResultCount] = {QString(), tr("expert-steps per input"),
                                            flopsName(m_data.perToken, false), tr("ms per input")};
    m_plot->xAxis->setLabel(costNames[m_cost]);
    const bool drawn = !order.empty(); // the configurations with a cost and an accuracy
    // Another compute axis helps only when some run logged it.
    const bool anyCost = anyGroupHas(m_data, ExpertSteps) || anyGroupHas(m_data, Flops) ||
                         anyGroupHas(m_data, LatencyMs);
    m_empty->setText(m_data.groups.isEmpty() ? tr("No finished run in this sweep yet.")
                     : anyCost ? tr("No run of this sweep logged %1:\nchoose another compute "
                                    "axis.")
                                     .arg(costNames[m_cost])
                               : tr("The runs of this sweep logged no compute measure\n"
                                    "(%1),\n"
                                    "so there is no front to draw.\n"
                                    "The table gives their run time.")
                                     // a sequence sweep's one compute measure (test/flops)
                                     .arg(m_data.perToken
                                              ? costNames[Flops]
                                              : tr("expert-steps, FLOPs or time per input")));
    m_empty->setVisible(!drawn);
    m_plot->yAxis->setLabel(tr("test accuracy"));
    m_plot->rescaleAxes(true);
    // Room around the points for their error bars and whiskers.
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < m_plot->plottableCount(); ++i) {
            bool found = false;
            const QCPRange r = axis == m_plot->xAxis
                                   ? m_plot->plottable(i)->getKeyRange(found)
                                   : m_plot->plottable(i)->getValueRange(found);
            if (found) {
                lo = std::min(lo, r.lower);
                hi = std::max(hi, r.upper);
            }
        }
        if (!std::isfinite(lo)) {
            // Nothing drawn: a plain [0, 1], not the range of the sweep shown before (its
            // FLOPs stayed on the axis of a sweep that logged none).
            axis->setRange(0.0, 1.0);
            continue;
        }
        const double pad = std::max((hi - lo) * 0.08, std::max(std::abs(hi) * 0.02, 1e-9));
        axis->setRange(lo - pad, hi + pad);
    }
    m_plot->legend->setVisible(m_plot->legend->itemCount() > 0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ParetoPlot::onMouseMove(QMouseEvent* event) {
    // The nearest configuration within 12 px: its label, n and intervals.
    int best = -1;
    double bestDistance = 12.0;
    for (int i = 0; i < m_data.groups.size(); ++i) {
        const double cx = m_data.groups[i].interval(m_cost).mean;
        const double cy = m_data.groups[i].interval(Accuracy).mean;
        if (!std::isfinite(cx) || !std::isfinite(cy)) {
            continue;
        }
        const double d = std::hypot(m_plot->xAxis->coordToPixel(cx) - event->position().x(),
                                    m_plot->yAxis->coordToPixel(cy) - event->position().y());
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    if (best < 0) {
        QToolTip::hideText();
        return;
    }
    const GroupRow& g = m_data.groups[best];
    auto text = [](const mor::MeanInterval& m) {
        return std::isfinite(m.low) ? tr("%1 [%2, %3]")
                                          .arg(QString::number(m.mean, 'g', 4),
                                               QString::number(m.low, 'g', 4),
                                               QString::number(m.high, 'g', 4))
                                    : QString::number(m.mean, 'g', 4);
    };
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1 (n = %2)\naccuracy %3\ncompute %4%5")
                           .arg(g.label.isEmpty() ? tr("base config") : g.label)
                           .arg(g.group.n)
                           .arg(text(g.interval(Accuracy)), text(g.interval(m_cost)),
                                m_front.contains(best) ? tr("\non the Pareto front")
                                                       : QString()),
                       m_plot);
}

void ParetoPlot::restyle() {
    common::applyPalette(m_plot, {m_plot->xAxis, m_plot->yAxis});
    const QPalette pal = palette();
    m_plot->legend->setBrush(pal.color(QPalette::Base));
    m_plot->legend->setTextColor(pal.color(QPalette::WindowText));
    m_plot->legend->setBorderPen(Qt::NoPen);
    rebuild();
}

void ParetoPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange) {
        restyle();
    }
    QWidget::changeEvent(event);
}

} // namespace sweeps
