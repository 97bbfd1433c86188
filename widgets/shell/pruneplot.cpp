// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/pruneplot.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/theme.h"

#include <QEvent>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace shell {

PrunePlot::PrunePlot(QWidget* parent)
    : QWidget(parent), m_plot(common::makePlot(this, QStringLiteral("pruneSweepPlot"))) {
    m_plot->setMinimumSize(320, 240);
    // The legend in its own row under the axes, so it never covers a point.
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setMargins(QMargins(4, 2, 4, 2));
    common::installExportMenu(m_plot);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    rebuild();
}

void PrunePlot::setPoints(const QVector<Point>& points, double parentAccuracy, bool fineTuned,
                          bool depthAxis) {
    m_points = points;
    m_parentAccuracy = parentAccuracy;
    m_fineTuned = fineTuned;
    m_depthAxis = depthAxis;
    rebuild();
}

void PrunePlot::rebuild() {
    m_plot->clearPlottables();
    m_plot->clearItems();
    QVector<Point> sorted = m_points;
    std::sort(sorted.begin(), sorted.end(),
              [](const Point& a, const Point& b) { return a.x < b.x; });
    QVector<double> x, pruned, after;
    for (const Point& p : sorted) {
        x << p.x;
        pruned << p.pruned;
        after << p.after;
    }
    const auto addSeries = [this, &x](const QVector<double>& y, const QColor& color,
                                      QCPScatterStyle::ScatterShape shape, const QString& name) {
        QCPGraph* graph = m_plot->addGraph();
        graph->setData(x, y, true);
        graph->setPen(QPen(color, 2));
        graph->setScatterStyle(QCPScatterStyle(shape, color, color, 8));
        graph->setName(name);
    };
    if (!x.isEmpty()) {
        addSeries(pruned, QColor(common::Theme::curveColor(0)), QCPScatterStyle::ssDisc,
                  m_fineTuned ? tr("right after pruning") : tr("pruned child runs"));
        if (m_fineTuned) {
            addSeries(after, QColor(common::Theme::curveColor(1)), QCPScatterStyle::ssSquare,
                      tr("after fine-tuning"));
        }
        QCPGraph* parent = m_plot->addGraph();
        const double lo = x.front(), hi = std::max(x.back(), x.front() + 1.0);
        parent->setData(QVector<double>{lo, hi}, QVector<double>{m_parentAccuracy, m_parentAccuracy});
        parent->setPen(QPen(QColor(common::Theme::curveColor(2)), 1.5, Qt::DashLine));
        parent->setName(tr("parent run"));
    }
    m_plot->xAxis->setLabel(m_depthAxis ? tr("maximum reflection depth (steps)")
                                        : tr("sparsity of the expert weights (%)"));
    m_plot->yAxis->setLabel(tr("test accuracy (%)"));
    m_plot->rescaleAxes();
    // Room around the points; accuracy stays within 0–100 %.
    const QCPRange xr = m_plot->xAxis->range(), yr = m_plot->yAxis->range();
    const double xPad = std::max(xr.size() * 0.06, 0.5);
    const double yPad = std::max(yr.size() * 0.12, 1.0);
    m_plot->xAxis->setRange(xr.lower - xPad, xr.upper + xPad);
    m_plot->yAxis->setRange(std::max(0.0, yr.lower - yPad), std::min(100.0, yr.upper + yPad));
    if (x.isEmpty()) {
        m_plot->xAxis->setRange(0, m_depthAxis ? 5 : 100);
        m_plot->yAxis->setRange(0, 100);
    }
    common::applyPalette(m_plot, {m_plot->xAxis, m_plot->yAxis});
    const QPalette pal = palette();
    m_plot->legend->setBrush(pal.color(QPalette::Base));
    m_plot->legend->setTextColor(pal.color(QPalette::WindowText));
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setVisible(m_plot->graphCount() > 0);
    m_plot->replot(); // a handful of points: at once, so a grab right after shows them
}

void PrunePlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::ApplicationPaletteChange ||
        event->type() == QEvent::LanguageChange) {
        rebuild();
    }
    QWidget::changeEvent(event);
}

} // namespace shell
