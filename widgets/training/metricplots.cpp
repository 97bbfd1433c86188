#include "common/plotstyler.h"
#include "training/metricplots.h"

#include "common/theme.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"

#include "mor/log_reader.h"

#include <QApplication>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace training {

namespace {
constexpr int kMaxPoints = 600;

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

/// Value range of an axis' graphs from 0 (or below, for negative values) with a margin,
/// never degenerate (one evaluation point is still a readable plot).
void fitFromZero(QCPAxis* axis) {
    bool any = false;
    double lo = 0.0, hi = 0.0;
    for (QCPGraph* graph : axis->graphs()) {
        bool found = false;
        const QCPRange r = graph->getValueRange(found);
        if (found) {
            lo = any ? std::min(lo, r.lower) : r.lower;
            hi = any ? std::max(hi, r.upper) : r.upper;
            any = true;
        }
    }
    if (!any) {
        axis->setRange(0.0, 1.0);
        return;
    }
    lo = std::min(lo, 0.0);
    const double span = std::max(hi - lo, std::max(std::abs(hi) * 0.1, 1e-6));
    axis->setRange(lo, lo + span * 1.08);
}

/// The metric a graph draws ("val/accuracy_step/3"); its name is what the legend shows.
QString metricPlotsKey(const QCPGraph* graph) {
    return graph->property("metricKey").toString();
}

/// A curve's legend text: the metric key, but "val, step 3" for the accuracy at reflection
/// step 3 (the key was too long for two legend columns in the narrow accuracy plot).
QString metricPlotsShownName(const QString& key) {
    static const QString stepPrefix = QStringLiteral("val/accuracy_step/");
    if (key.startsWith(stepPrefix)) {
        return QCoreApplication::translate("training::MetricPlots", "val, step %1")
            .arg(key.mid(stepPrefix.size()));
    }
    return key;
}

QCPTextElement* titleElement(QCustomPlot* plot) {
    return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
}
} // namespace

MetricPlots::MetricPlots(QWidget* parent) : QWidget(parent) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(6);
    for (int i = 0; i < PlotCount; ++i) {
        auto* plot = new QCustomPlot(this);
        plot->setObjectName(QStringLiteral("plot%1").arg(i));
        // Three columns and the replay panel fit a 1280 px window (3 x 260 did not: the
        // layout squeezed the plots below their minimum and the legends were cut).
        plot->setMinimumSize(220, 180);
        plot->plotLayout()->insertRow(0);
        auto* title = new QCPTextElement(plot, QString(), QFont(font().family(), -1, QFont::Bold));
        plot->plotLayout()->addElement(0, 0, title);
        plot->xAxis->setLabel(tr("step"));
        plot->legend->setVisible(true);
        plot->legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 2)));
        // The legend goes under the data, never over a curve: its own row of the layout,
        // entries side by side.
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->plotLayout()->addElement(2, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(2, 0.001);
        plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        plot->legend->setWrap(i == Losses ? 3 : 2); // the loss plot spans two columns
        plot->legend->setMargins(QMargins(4, 1, 4, 1));
        plot->legend->setRowSpacing(0);
        // A short line sample: the default 32 px icons left too little room for the names.
        plot->legend->setIconSize(18, 10);
        plot->legend->setIconTextPadding(4);
        plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        common::installExportMenu(plot); // right click: PNG, SVG, PDF, copy
        m_plots[i] = plot;
        // Before each layout: after a resize, and after a font change (presentation mode),
        // which a resize event preceded and which left the old tick count ("0102030").
        connect(plot, &QCustomPlot::beforeReplot, this, [this, plot] { fitToWidth(plot); });
    }
    m_plots[DepthConflict]->yAxis2->setVisible(true);
    m_plots[LearningRate]->yAxis2->setVisible(true);
    m_plots[Accuracy]->yAxis->setRange(0.0, 1.0);
    grid->addWidget(m_plots[Losses], 0, 0, 1, 2);
    grid->addWidget(m_plots[Accuracy], 0, 2);
    // The bottom row in a box of its own: a plot hidden there (a recursion run logs no expert
    // activation) leaves no empty cell, the others share the width.
    auto* bottom = new QHBoxLayout;
    bottom->setSpacing(grid->horizontalSpacing());
    for (const Plot p : {Activation, DepthConflict, LearningRate}) {
        bottom->addWidget(m_plots[p], 1);
    }
    grid->addLayout(bottom, 1, 0, 1, 3);
    for (int c = 0; c < 3; ++c) {
        grid->setColumnStretch(c, 1);
    }
    restyle();
}

MetricPlots::~MetricPlots() = default;

QString MetricPlots::titleOf(int plot) const {
    switch (plot) {
    case Losses:
        return tr("Loss terms");
    case Accuracy:
        return tr("Accuracy");
    case Activation:
        return tr("Activation per expert");
    case DepthConflict:
        return tr("Mean depth / conflict rate");
    case LearningRate:
        return tr("Learning rate / throughput");
    default:
        return {};
    }
}

void MetricPlots::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    Data data = read(reader.get(), runId);
    show(std::move(reader), runId, true, data);
}

void MetricPlots::refresh() {
    Data data = read(m_reader.get(), m_runId);
    show(m_reader, m_runId, false, data);
}

MetricPlots::Data MetricPlots::read(const mor::LogReader* reader, qint64 runId) {
    Data data;
    if (!reader || runId < 0) {
        return data;
    }
    for (const Curve& curve : curvesFor(reader->metricKeys(runId))) {
        QVector<QPointF> points;
        for (const mor::MetricPoint& p :
             reader->metricDownsampled(runId, curve.key.toStdString(), kMaxPoints)) {
            points << QPointF(static_cast<double>(p.step), p.value);
        }
        data.curves.emplace_back(curve.key, std::move(points));
    }
    return data;
}

std::vector<MetricPlots::Curve> MetricPlots::curvesFor(const std::vector<std::string>& keys) {
    // Accuracy per reflection step: with many steps (a 24-step reader) every curve would bury
    // the plot and its legend, so at most kMaxStepCurves evenly spaced steps are drawn (always
    // the first and the last); the replay's "Accuracy at step t" bars show all of them.
    constexpr int kMaxStepCurves = 6;
    int lastStep = 0;
    for (const std::string& key : keys) {
        if (startsWith(key, "val/accuracy_step/")) {
            lastStep = std::max(lastStep, std::atoi(key.c_str() + 18));
        }
    }
    std::set<int> shownSteps;
    for (int i = 0; i < kMaxStepCurves && lastStep > 0; ++i) {
        const double spread = double(i) * (lastStep - 1) / (kMaxStepCurves - 1);
        shownSteps.insert(lastStep <= kMaxStepCurves ? i + 1 : 1 + int(std::lround(spread)));
    }
    std::vector<Curve> curves;
    for (const std::string& key : keys) {
        if (startsWith(key, "val/accuracy_step/") &&
            shownSteps.count(std::atoi(key.c_str() + 18)) == 0) {
            continue;
        }
        const QString k = QString::fromStdString(key);
        if (startsWith(key, "train/loss") || key == "val/loss") {
            curves.push_back({k, Losses, false});
        } else if (key == "train/accuracy" || key == "val/accuracy") {
            curves.push_back({k, Accuracy, false});
        } else if (startsWith(key, "val/accuracy_step/")) {
            // Accuracy if every expert stopped at iteration t: shows what reflection adds.
            curves.push_back({k, Accuracy, true});
        } else if (startsWith(key, "val/activation/")) {
            curves.push_back({k, Activation, false});
        } else if (key == "val/mean_depth") {
            curves.push_back({k, DepthConflict, false});
        } else if (key == "val/conflict_rate") {
            curves.push_back({k, DepthConflict, true});
        } else if (key == "train/lr") {
            curves.push_back({k, LearningRate, false});
        } else if (key == "train/throughput") {
            curves.push_back({k, LearningRate, true});
        }
    }
    return curves;
}

void MetricPlots::show(std::shared_ptr<const mor::LogReader> reader, qint64 runId, bool newRun,
                       Data& data) {
    if (newRun) {
        m_reader = std::move(reader);
        m_runId = runId;
        m_points.clear();
        for (QCustomPlot* plot : m_plots) {
            plot->clearGraphs();
        }
    }
    if (!m_reader || m_runId < 0) {
        for (QCustomPlot* plot : m_plots) {
            plot->clearGraphs();
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
        return;
    }
    std::vector<std::string> keys;
    for (const auto& [key, points] : data.curves) {
        keys.push_back(key.toStdString());
    }
    const std::vector<Curve> curves = curvesFor(keys);
    int colorIndex[PlotCount] = {};
    for (size_t c = 0; c < curves.size() && c < data.curves.size(); ++c) {
        const Curve& curve = curves[c];
        if (data.curves[c].first != curve.key) {
            continue; // curvesFor() keeps the order of the keys it was given: never here
        }
        QCustomPlot* plot = m_plots[curve.plot];
        QCPGraph* graph = nullptr;
        for (int g = 0; g < plot->graphCount(); ++g) {
            if (metricPlotsKey(plot->graph(g)) == curve.key) {
                graph = plot->graph(g);
            }
        }
        if (!graph) {
            graph = plot->addGraph(plot->xAxis, curve.rightAxis ? plot->yAxis2 : plot->yAxis);
            graph->setProperty("metricKey", curve.key);
            graph->setName(metricPlotsShownName(curve.key));
            QPen pen(QColor(common::Theme::curveColor(colorIndex[curve.plot])));
            pen.setWidthF(curve.key == QLatin1String("train/loss") ? 2.2 : 1.5);
            if (curve.rightAxis) {
                pen.setStyle(Qt::DashLine);
                if (curve.plot == Accuracy) {
                    // Per-step accuracies share the left axis; dashed tells them apart.
                    graph->setValueAxis(plot->yAxis);
                }
            }
            graph->setPen(pen);
        }
        ++colorIndex[curve.plot];
        QVector<QPointF>& cached = m_points[curve.key];
        cached = std::move(data.curves[c].second);
        const QVector<QPointF>& points = cached;
        // Evaluations are sparse: show their points.
        graph->setScatterStyle(points.size() < 60 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 4)
                                                  : QCPScatterStyle());
    }
    applyPoints();
}

void MetricPlots::setStepLimit(qint64 step) {
    if (step == m_stepLimit) {
        return;
    }
    m_stepLimit = step;
    applyPoints();
}

QVector<QPointF> MetricPlots::shownPoints(const QString& key) const {
    QVector<QPointF> points;
    for (QCustomPlot* plot : m_plots) {
        for (int g = 0; g < plot->graphCount(); ++g) {
            if (metricPlotsKey(plot->graph(g)) != key) {
                continue;
            }
            for (auto it = plot->graph(g)->data()->constBegin();
                 it != plot->graph(g)->data()->constEnd(); ++it) {
                points << QPointF(it->key, it->value);
            }
        }
    }
    return points;
}

void MetricPlots::applyPoints() {
    // One step axis for every plot, so the curves line up; values get sensible floors.
    double lastStep = 1.0;
    for (QCustomPlot* plot : m_plots) {
        for (int g = 0; g < plot->graphCount(); ++g) {
            const QVector<QPointF> all = m_points.value(metricPlotsKey(plot->graph(g)));
            QVector<double> x, y;
            x.reserve(all.size());
            y.reserve(all.size());
            for (const QPointF& p : all) {
                lastStep = std::max(lastStep, p.x());
                if (m_stepLimit < 0 || p.x() <= double(m_stepLimit)) {
                    x << p.x();
                    y << p.y();
                }
            }
            plot->graph(g)->setData(x, y, true);
        }
    }
    for (int i = 0; i < PlotCount; ++i) {
        QCustomPlot* plot = m_plots[i];
        plot->xAxis->setRange(0.0, lastStep);
        if (i == Accuracy || i == Activation) {
            plot->yAxis->setRange(0.0, 1.02);
        } else {
            fitFromZero(plot->yAxis);
        }
        if (i == DepthConflict) {
            plot->yAxis2->setRange(0.0, 1.02);
        } else {
            fitFromZero(plot->yAxis2);
        }
        plot->legend->setVisible(plot->graphCount() > 0);
        fitToWidth(plot);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    // A family that does not log a plot's metrics (a recursion model has no experts'
    // activation or conflicts) does not get an empty panel for them.
    bool any = false;
    for (QCustomPlot* plot : m_plots) {
        any = any || plot->graphCount() > 0;
    }
    for (QCustomPlot* plot : m_plots) {
        plot->setVisible(!any || plot->graphCount() > 0);
    }
}

int MetricPlots::curveCount(Plot which) const {
    return m_plots[which]->graphCount();
}

void MetricPlots::restyle() {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText);
    for (int i = 0; i < PlotCount; ++i) {
        QCustomPlot* plot = m_plots[i];
        common::applyPalette(plot, {plot->xAxis, plot->yAxis, plot->yAxis2});
        plot->legend->setBrush(QBrush(pal.color(QPalette::Window)));
        common::PlotStyler::setLegendTextColor(plot->legend, fg);
        plot->legend->setBorderPen(Qt::NoPen);
        if (QCPTextElement* title = titleElement(plot)) {
            title->setText(titleOf(i));
            title->setTextColor(fg);
        }
        plot->xAxis->setLabel(tr("step"));
        for (int g = 0; g < plot->graphCount(); ++g) { // the language may have changed
            plot->graph(g)->setName(metricPlotsShownName(metricPlotsKey(plot->graph(g))));
        }
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void MetricPlots::fitToWidth(QCustomPlot* plot) {
    // The widget's font: the tick labels get its size before the next replot (PlotStyler), a
    // resize after a font change (presentation mode) comes first and measured the old size.
    const QFontMetrics fm(plot->font());
    // The widest step label, and room for a gap as wide as two digits between labels.
    const QString widest = QString::number(std::max(1.0, plot->xAxis->range().upper), 'f', 0);
    const int perLabel = fm.horizontalAdvance(widest + QStringLiteral("00"));
    // The axis rect gets the plot's width less the margins of its last layout.
    const QRect outer = plot->axisRect()->outerRect();
    const int margins = outer.width() > 0 ? outer.width() - plot->axisRect()->width() : 90;
    const int axisWidth = plot->width() - margins;
    plot->xAxis->ticker()->setTickCount(std::clamp(axisWidth / std::max(1, perLabel), 2, 5));
    int item = 1;
    int entries = 0;
    for (int i = 0; i < plot->legend->itemCount(); ++i) {
        if (QCPAbstractLegendItem* entry = plot->legend->item(i)) { // a wrapped grid has holes
            entry->setMargins(QMargins(3, 1, 3, 1)); // 8 px each side left two columns no room
            item = std::max(item, entry->minimumOuterSizeHint().width());
            ++entries;
        }
    }
    const int wrap = plot == m_plots[Losses] ? 3 : 2;
    // One column where two do not fit, but only for a few entries: eight under each other
    // crushed the accuracy plot at 1280 px. (The bottom row's three plots in presentation mode
    // cut off the ends of two names side by side: "val/mean_dept".)
    const int fewest = entries <= 4 ? 1 : 2;
    const int columns = std::clamp((plot->width() - 12) / item, fewest, wrap);
    if (plot->legend->wrap() != columns) {
        plot->legend->setWrap(columns);
        plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    }
}

void MetricPlots::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        restyle();
    }
    QWidget::changeEvent(event);
}

} // namespace training
