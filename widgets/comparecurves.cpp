#include "comparecurves.h"

#include "comparedata.h"
#ifdef MOR_HAVE_INSPECT_VIEWS
#include "inspect/plotexport.h"
#include "inspect/plotstyle.h"
#endif

#include <QApplication>
#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>

namespace {
QString number(double v) {
    return QString::number(v, 'g', 4);
}

QCPTextElement* titleElement(QCustomPlot* plot) {
    return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
}
} // namespace

CompareCurves::CompareCurves(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    m_plot->setObjectName(QStringLiteral("comparePlot"));
    m_plot->setMinimumSize(320, 220);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_plot, QString(), QFont(font().family(), -1, QFont::Bold)));
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
#ifdef MOR_HAVE_INSPECT_VIEWS
    inspect::installExportMenu(m_plot); // right click: PNG, SVG, PDF, copy
#endif
    connect(m_plot, &QCustomPlot::mouseMove, this, &CompareCurves::onMouseMove);
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
    const bool wall = m_xAxis == XAxis::WallTime;
    auto curveOf = [wall](const Series& s, bool smooth, double weight) {
        return compare::Curve{wall ? s.seconds : s.steps,
                              smooth ? compare::emaSmooth(s.values, weight) : s.values};
    };
    QList<QList<int>> units = m_groups;
    if (!m_grouped) {
        units.clear();
        for (int i = 0; i < m_series.size(); ++i) {
            units.append(QList<int>{i});
        }
    }
    for (const QList<int>& unit : units) {
        if (unit.isEmpty() || unit.front() >= m_series.size()) {
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
            shown.label = tr("seed group %1: mean, min–max").arg(ids.join(QStringLiteral(", ")));
            shown.x = band.x;
            shown.raw = rawBand.mean;
            shown.smooth = band.mean;
            shown.min = band.min;
            shown.max = band.max;
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
        if (!shown.min.isEmpty()) {
            QColor fill = shown.color;
            fill.setAlpha(50);
            QCPGraph* lower = m_plot->addGraph();
            QCPGraph* upper = m_plot->addGraph();
            lower->setData(shown.x, shown.min, true);
            upper->setData(shown.x, shown.max, true);
            lower->setPen(Qt::NoPen);
            upper->setPen(Qt::NoPen);
            lower->setBrush(fill);
            lower->setChannelFillGraph(upper);
            lower->removeFromLegend();
            upper->removeFromLegend();
        }
        QCPGraph* line = m_plot->addGraph();
        line->setName(shown.label);
        line->setPen(QPen(shown.color, 2));
        line->setData(shown.x, shown.smooth, true);
    }
    m_plot->xAxis->setLabel(wall ? tr("wall time (s)") : tr("step"));
    m_plot->yAxis->setLabel(m_metric);
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

QString CompareCurves::valuesAt(double x) const {
    QStringList lines;
    lines << (m_xAxis == XAxis::Step ? tr("step %1").arg(std::llround(x))
                                     : tr("%1 s").arg(number(x)));
    for (const Shown& shown : m_shown) {
        const int i = compare::nearestIndex(shown.x, x);
        if (i < 0) {
            continue;
        }
        const QString at = m_xAxis == XAxis::Step ? tr("step %1").arg(std::llround(shown.x[i]))
                                                  : tr("%1 s").arg(number(shown.x[i]));
        if (m_smoothing > 0.0) {
            lines << tr("%1: %2 (raw %3, %4)")
                         .arg(shown.label, number(shown.smooth[i]), number(shown.raw[i]), at);
        } else {
            lines << tr("%1: %2 (%3)").arg(shown.label, number(shown.raw[i]), at);
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
    inspect::applyPalette(m_plot, {m_plot->xAxis, m_plot->yAxis});
    QColor legendBg = bg;
    legendBg.setAlpha(215);
    m_plot->legend->setBrush(QBrush(legendBg));
    m_plot->legend->setTextColor(fg);
    m_plot->legend->setBorderPen(QPen(grid));
    if (QCPTextElement* title = titleElement(m_plot)) {
        title->setTextColor(fg);
    }
    m_plot->xAxis->setLabel(m_xAxis == XAxis::WallTime ? tr("wall time (s)") : tr("step"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareCurves::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        restyle();
    }
    QWidget::changeEvent(event);
}
