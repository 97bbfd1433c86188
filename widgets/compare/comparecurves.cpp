#include "compare/comparecurves.h"

#include "compare/comparedata.h"
#include "common/plotstyler.h"
#include "common/theme.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"

#include <QApplication>
#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace compare {

namespace {
QString number(double v) {
    return QString::number(v, 'g', 4);
}

QCPTextElement* titleElement(QCustomPlot* plot) {
    return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
}

/// A legend curve's whole label (its name may be elided to fit the legend).
constexpr const char* kFullName = "fullName";
} // namespace

CompareCurves::CompareCurves(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    m_plot->setObjectName(QStringLiteral("comparePlot"));
    // Never below what its title, axes and legend rows need at the current font (a design
    // minimum of 160 px, grown with the font): in presentation mode at 1280x800 the tables
    // took the room and cut off the legend (issue 21). The design part stays small so that
    // plot and tables both fit the splitter there.
    m_plot->setMinimumSize(320, 160);
    common::PlotStyler::setFitHeight(m_plot);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_plot, QString(), QFont(font().family(), -1, QFont::Bold)));
    m_plot->legend->setVisible(true);
    // The legend sits in its own row under the axes, two entries a row: it never covers a curve.
    m_plot->plotLayout()->addElement(2, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(2, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(2);
    m_plot->legend->setMargins(QMargins(4, 2, 4, 2));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    common::installExportMenu(m_plot); // right click: PNG, SVG, PDF, copy
    connect(m_plot, &QCustomPlot::mouseMove, this, &CompareCurves::onMouseMove);
    // Before each layout: the plot's width or the legend's font (presentation mode) changed.
    connect(m_plot, &QCustomPlot::beforeReplot, this, &CompareCurves::fitLegendNames);
    // After the user pans or zooms, new data (a run still training) keeps their view.
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_userMoved = true; });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_userMoved = true; });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    restyle();
}

void CompareCurves::setSeries(const QList<Series>& series, const QList<QList<int>>& groups) {
    m_series = series;
    m_groups = groups;
    rebuild();
    if (m_userMoved) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    } else {
        resetView();
    }
}

void CompareCurves::setMetricName(const QString& key) {
    m_metric = key;
    if (QCPTextElement* title = titleElement(m_plot)) {
        title->setText(key);
    }
}

void CompareCurves::setSmoothing(double weight) {
    m_smoothing = weight;
    rebuild();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareCurves::setXAxis(XAxis axis) {
    m_xAxis = axis;
    rebuild();
    resetView();
}

void CompareCurves::setLogScale(bool on) {
    m_logScale = on;
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on) {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    resetView();
}

void CompareCurves::setGrouped(bool on) {
    m_grouped = on;
    rebuild();
    resetView();
}

int CompareCurves::curveCount() const {
    return static_cast<int>(m_shown.size());
}

void CompareCurves::rebuild() {
    m_shown.clear();
    auto xOf = [this](const Series& s) -> const QVector<double>& {
        switch (m_xAxis) {
        case XAxis::WallTime: return s.seconds;
        case XAxis::Flops: return s.flops;
        case XAxis::ExpertSteps: return s.expertSteps;
        case XAxis::Step: break;
        }
        return s.steps;
    };
    auto curveOf = [&xOf](const Series& s, bool smooth, double weight) {
        return compare::Curve{xOf(s), smooth ? compare::emaSmooth(s.values, weight) : s.values};
    };
    QList<QList<int>> units = m_groups;
    if (!m_grouped) {
        units.clear();
        for (int i = 0; i < m_series.size(); ++i) {
            units.append(QList<int>{i});
        }
    }
    for (QList<int> unit : units) {
        // Runs without this x (no compute measured) are left out.
        unit.erase(std::remove_if(unit.begin(), unit.end(),
                                  [&](int i) {
                                      return i >= m_series.size() ||
                                             xOf(m_series[i]).size() != m_series[i].values.size();
                                  }),
                   unit.end());
        if (unit.isEmpty()) {
            continue;
        }
        const Series& first = m_series[unit.front()];
        Shown shown;
        shown.color = first.color;
        if (unit.size() == 1) {
            const compare::Curve curve = curveOf(first, false, 0.0);
            shown.label = first.label;
            shown.x = curve.x;
            shown.raw = curve.y;
            shown.smooth = compare::emaSmooth(curve.y, m_smoothing);
        } else {
            QList<compare::Curve> raw, smooth;
            for (int i : unit) {
                raw << curveOf(m_series[i], false, 0.0);
                smooth << curveOf(m_series[i], true, m_smoothing);
            }
            const compare::Band rawBand = compare::meanBand(raw);
            const compare::Band band = compare::meanBand(smooth);
            QStringList ids;
            for (int i : unit) {
                ids << QStringLiteral("#%1").arg(m_series[i].runId);
            }
            // Groups by their own colour: the runs' colours (by id) could coincide.
            shown.color = QColor(common::Theme::curveColor(static_cast<int>(m_shown.size()) % 10));
            shown.label = tr("seed group %1 (n = %2): mean, 95% CI")
                              .arg(ids.join(QStringLiteral(", ")))
                              .arg(unit.size());
            shown.x = band.x;
            shown.raw = rawBand.mean;
            shown.smooth = band.mean;
            shown.low = band.low;
            shown.high = band.high;
        }
        m_shown << shown;
    }

    m_plot->clearGraphs();
    for (const Shown& shown : m_shown) {
        if (m_smoothing > 0.0) {
            QCPGraph* raw = m_plot->addGraph();
            QColor faint = shown.color;
            faint.setAlpha(70);
            raw->setPen(QPen(faint, 1));
            raw->setData(shown.x, shown.raw, true);
            raw->removeFromLegend();
        }
        if (!shown.low.isEmpty()) {
            QColor fill = shown.color;
            fill.setAlpha(50);
            QCPGraph* lower = m_plot->addGraph();
            QCPGraph* upper = m_plot->addGraph();
            lower->setData(shown.x, shown.low, true);
            upper->setData(shown.x, shown.high, true);
            lower->setPen(Qt::NoPen);
            upper->setPen(Qt::NoPen);
            lower->setBrush(fill);
            lower->setChannelFillGraph(upper);
            lower->removeFromLegend();
            upper->removeFromLegend();
        }
        QCPGraph* line = m_plot->addGraph();
        line->setName(shown.label);
        line->setProperty(kFullName, shown.label);
        line->setPen(QPen(shown.color, 2));
        line->setData(shown.x, shown.smooth, true);
    }
    m_plot->xAxis->setLabel(xLabel());
    m_plot->yAxis->setLabel(m_metric);
}

void CompareCurves::fitLegendNames() {
    QCPLegend* legend = m_plot->legend;
    const int columns = std::max(1, std::min(legend->wrap(), legend->itemCount()));
    const QMargins margins = legend->margins();
    const int column = (m_plot->width() - margins.left() - margins.right() -
                        legend->columnSpacing() * (columns - 1)) / columns;
    for (int i = 0; i < legend->itemCount(); ++i) {
        auto* entry = qobject_cast<QCPPlottableLegendItem*>(legend->item(i));
        if (!entry) {
            continue; // a wrapped grid has holes
        }
        const QString full = entry->plottable()->property(kFullName).toString();
        if (full.isEmpty()) {
            continue;
        }
        // What the entry needs besides its text (QCPPlottableLegendItem's size hint), and 2 px
        // for the text's bounding rect, which can be wider than its advance.
        const int other = legend->iconSize().width() + legend->iconTextPadding() +
                          entry->margins().left() + entry->margins().right() + 2;
        const QFontMetrics metrics(entry->font());
        entry->plottable()->setName(
            metrics.elidedText(full, Qt::ElideMiddle, std::max(0, column - other)));
    }
}

void CompareCurves::resetView() {
    m_userMoved = false;
    m_plot->rescaleAxes(true);
    // A margin so that curves at the top (accuracy 1.0) stay visible.
    const QCPRange y = m_plot->yAxis->range();
    if (m_logScale) {
        m_plot->yAxis->setRange(y.lower / 1.2, y.upper * 1.2);
    } else {
        const double span = std::max(y.size(), std::max(std::abs(y.upper) * 0.05, 1e-6));
        m_plot->yAxis->setRange(y.lower - span * 0.05, y.upper + span * 0.05);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString CompareCurves::xLabel() const {
    switch (m_xAxis) {
    case XAxis::WallTime: return tr("wall time (s)");
    case XAxis::Flops: return tr("training FLOPs (forward, inputs seen × FLOPs per input)");
    case XAxis::ExpertSteps: return tr("expert-steps (inputs seen × expert-steps per input)");
    case XAxis::Step: break;
    }
    return tr("step");
}

QString CompareCurves::xText(double x) const {
    switch (m_xAxis) {
    case XAxis::WallTime: return tr("%1 s").arg(number(x));
    case XAxis::Flops: return tr("%1 FLOPs").arg(number(x));
    case XAxis::ExpertSteps: return tr("%1 expert-steps").arg(number(x));
    case XAxis::Step: break;
    }
    return tr("step %1").arg(std::llround(x));
}

QString CompareCurves::valuesAt(double x) const {
    QStringList lines;
    lines << xText(x);
    for (const Shown& shown : m_shown) {
        const int i = compare::nearestIndex(shown.x, x);
        if (i < 0) {
            continue;
        }
        const QString at = xText(shown.x[i]);
        if (m_smoothing > 0.0) {
            lines << tr("%1: %2 (raw %3, %4)")
                         .arg(shown.label, number(shown.smooth[i]), number(shown.raw[i]), at);
        } else {
            lines << tr("%1: %2 (%3)").arg(shown.label, number(shown.raw[i]), at);
        }
        if (!shown.low.isEmpty() && std::isfinite(shown.low[i])) {
            lines.last() +=
                tr(", 95% CI [%1, %2]").arg(number(shown.low[i]), number(shown.high[i]));
        }
    }
    return lines.join(QLatin1Char('\n'));
}

void CompareCurves::onMouseMove(QMouseEvent* event) {
    if (m_shown.isEmpty() || !m_plot->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const double x = m_plot->xAxis->pixelToCoord(event->pos().x());
    QToolTip::showText(event->globalPosition().toPoint(), valuesAt(x), m_plot);
}

void CompareCurves::restyle() {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText), bg = pal.color(QPalette::Base);
    const QColor grid = pal.color(QPalette::Mid);
    common::applyPalette(m_plot, {m_plot->xAxis, m_plot->yAxis});
    QColor legendBg = bg;
    legendBg.setAlpha(215);
    m_plot->legend->setBrush(QBrush(legendBg));
    m_plot->legend->setTextColor(fg);
    m_plot->legend->setBorderPen(QPen(grid));
    if (QCPTextElement* title = titleElement(m_plot)) {
        title->setTextColor(fg);
    }
    m_plot->xAxis->setLabel(xLabel());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareCurves::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        restyle();
    }
    QWidget::changeEvent(event);
}

} // namespace compare
