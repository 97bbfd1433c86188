#include "inspect/calibrationview.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/engineaccess.h"
#include "shell/logreads.h"

#include <mor/log_reader.h>
#include <mor/engine_interface.h>
#include <mor/trainer.h>

#include <qcustomplot.h>

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace inspect {

namespace {

/// Inputs traced for the per-step diagrams at most (the log lists probe + validation inputs).
constexpr size_t kMaxTracedInputs = 2000;

struct TraceResult {
    std::vector<std::vector<mor::ReliabilityBin>> perStep;
    int64_t inputs = 0;
    QString error;
};

/// Colours every axis of every axis rect of `plot` from the palette (theme).
void paletteAll(QCustomPlot* plot) {
    const QPalette pal = QApplication::palette();
    for (QCPAxisRect* rect : plot->axisRects()) {
        QList<QCPAxis*> axes = rect->axes();
        for (QCPAxis* axis : axes) {
            common::applyPalette(plot, {axis}, true);
        }
        rect->setBackground(pal.color(QPalette::Base));
    }
    if (plot->legend) {
        plot->legend->setTextColor(pal.color(QPalette::WindowText));
        plot->legend->setBrush(Qt::NoBrush);
        plot->legend->setBorderPen(Qt::NoPen);
    }
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
            text->setTextColor(pal.color(QPalette::WindowText));
        }
    }
}

QCPTextElement* addTitle(QCustomPlot* plot, const QString& text) {
    plot->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot, text, QFont(plot->font().family(), 9, QFont::Bold));
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

/// Moves the legend into its own column right of the axis rects, so it covers no data.
void legendBeside(QCustomPlot* plot) {
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->take(plot->legend);
    auto* side = new QCPLayoutGrid;
    plot->plotLayout()->addElement(1, 1, side);
    plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, plot->legend);
    side->addElement(1, 0, new QCPLayoutElement(plot));
    side->setRowStretchFactors({0.001, 1.0});
    plot->legend->setIconSize(16, 8);
}

} // namespace

/// What load() reads of a run, off the GUI thread in a window.
struct CalibrationView::Loaded {
    qint64 runId = -1;
    bool exists = false;
    std::vector<mor::RunSummary> others; ///< the overlay's choices (setRun only)
    bool withOthers = false;
    std::vector<mor::CalibrationPoint> history;
    std::vector<std::vector<mor::ReliabilityBin>> perStep; ///< of the last logged probe traces
    int64_t tracedInputs = 0;
    std::vector<int64_t> ids; ///< inputs to trace through the last checkpoint
    bool hasCheckpoint = false;
};

namespace {
CalibrationView::Loaded readLoad(const mor::LogReader* reader, qint64 runId, bool withOthers) {
    CalibrationView::Loaded l;
    l.runId = reader ? runId : -1;
    l.withOthers = withOthers;
    if (!reader) {
        return l;
    }
    if (withOthers) {
        l.others = reader->runs();
    }
    if (l.runId < 0) {
        return l;
    }
    l.exists = reader->run(l.runId).has_value();
    l.history = mor::readCalibration(*reader, l.runId, "val");
    // At once: the probe traces the log holds for the last evaluation.
    const std::vector<int64_t> steps = reader->traceSteps(l.runId);
    if (!steps.empty()) {
        const auto traces = reader->traces(l.runId, steps.back());
        l.perStep = mor::reliabilityPerStep(traces);
        l.tracedInputs = int64_t(traces.size());
    }
    for (const mor::SampleInfo& s : reader->samples(l.runId)) {
        l.ids.push_back(s.sampleId);
    }
    l.hasCheckpoint = !reader->checkpoints(l.runId).empty();
    return l;
}
} // namespace

struct CalibrationView::Private {
    std::shared_ptr<const mor::LogReader> reader;
    shell::LogReads reads[2]; ///< the selected run's, the overlay's
    RunData runs[2];
    int generation[2] = {0, 0};
    bool busy[2] = {false, false}; ///< a background trace of that run is under way
    int shownStep = 1;
    QComboBox* stepCombo = nullptr;
    QComboBox* overlayCombo = nullptr;
    QLabel* status = nullptr;
    QCustomPlot* reliability = nullptr;
    QCPAxisRect* countRect = nullptr;
    QCPTextElement* reliabilityTitle = nullptr;
    QCustomPlot* perStep = nullptr;
    QCPTextElement* perStepTitle = nullptr;
    QCustomPlot* history = nullptr;
};

CalibrationView::CalibrationView(QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>()) {
    setObjectName("calibrationView");
    d->stepCombo = new QComboBox(this);
    d->stepCombo->setObjectName("calibrationStepCombo");
    d->overlayCombo = new QComboBox(this);
    d->overlayCombo->setObjectName("calibrationOverlayCombo");
    // Run names can be long: the box shows about 28 characters (the list shows them whole).
    d->overlayCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    d->overlayCombo->setMinimumContentsLength(28);
    d->stepCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    d->status = new QLabel(this);
    d->status->setObjectName("calibrationStatus");
    d->status->setWordWrap(true);

    d->reliability = common::makePlot(this, "reliabilityPlot");
    d->reliability->setMinimumSize(320, 320);
    d->reliabilityTitle = addTitle(d->reliability, tr("Reliability of the critique"));
    QCPAxisRect* top = d->reliability->axisRect();
    top->axis(QCPAxis::atBottom)->setLabel(tr("critique c (predicted P(right))"));
    top->axis(QCPAxis::atLeft)->setLabel(tr("observed accuracy"));
    top->axis(QCPAxis::atBottom)->setRange(0, 1);
    top->axis(QCPAxis::atLeft)->setRange(0, 1);
    d->countRect = new QCPAxisRect(d->reliability);
    d->reliability->plotLayout()->addElement(2, 0, d->countRect);
    d->reliability->plotLayout()->setRowStretchFactors({0.001, 3.0, 1.0});
    d->countRect->axis(QCPAxis::atBottom)->setRange(0, 1);
    d->countRect->axis(QCPAxis::atLeft)->setLabel(tr("expert drafts"));
    d->countRect->axis(QCPAxis::atBottom)->setLabel(tr("critique bin"));
    auto* group = new QCPMarginGroup(d->reliability);
    top->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    d->countRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    legendBeside(d->reliability);

    d->perStep = common::makePlot(this, "ecePerStepPlot");
    d->perStepTitle = addTitle(d->perStep, tr("ECE per reflection step"));
    d->perStep->xAxis->setLabel(tr("reflection step t"));
    d->perStep->yAxis->setLabel(tr("ECE"));
    d->perStep->setMinimumHeight(180);

    d->history = common::makePlot(this, "eceHistoryPlot");
    addTitle(d->history, tr("ECE over training (validation)"));
    d->history->xAxis->setLabel(tr("training step"));
    d->history->yAxis->setLabel(tr("ECE"));
    d->history->setMinimumHeight(180);
    legendBeside(d->history);
    for (QCustomPlot* plot : {d->reliability, d->perStep, d->history}) {
        common::installExportMenu(plot);
    }

    auto* controls = new QHBoxLayout;
    auto* form = new QFormLayout;
    form->addRow(tr("Diagram of"), d->stepCombo);
    auto* form2 = new QFormLayout;
    form2->addRow(tr("Overlay run"), d->overlayCombo);
    controls->addLayout(form);
    controls->addLayout(form2);
    controls->addStretch(1);
    auto* grid = new QGridLayout;
    grid->addWidget(d->reliability, 0, 0, 2, 1);
    grid->addWidget(d->perStep, 0, 1);
    grid->addWidget(d->history, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    // The note in a line of its own: beside the boxes it was a column too narrow to read.
    layout->addWidget(d->status);
    layout->addLayout(grid, 1);

    connect(d->stepCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (i >= 0) {
            d->shownStep = d->stepCombo->itemData(i).toInt();
            drawReliability();
        }
    });
    connect(d->overlayCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (i >= 0) {
            setOverlayRun(d->overlayCombo->itemData(i).toLongLong());
        }
    });
    setRun(nullptr, -1);
}

CalibrationView::~CalibrationView() = default;

const CalibrationView::RunData& CalibrationView::runData(int which) const {
    return d->runs[which == 0 ? 0 : 1];
}
bool CalibrationView::isBusy() const {
    return d->busy[0] || d->busy[1];
}
QCustomPlot* CalibrationView::reliabilityPlot() const {
    return d->reliability;
}
QCustomPlot* CalibrationView::ecePerStepPlot() const {
    return d->perStep;
}
QCustomPlot* CalibrationView::eceHistoryPlot() const {
    return d->history;
}

void CalibrationView::setReadPool(QThreadPool* pool) {
    d->reads[0].setPool(pool);
    d->reads[1].setPool(pool);
}

bool CalibrationView::isReading() const {
    return d->reads[0].isPending() || d->reads[1].isPending();
}

void CalibrationView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->reader = runId >= 0 ? std::move(reader) : nullptr;
    d->reads[1].cancel();
    load(0, d->reader ? runId : -1);
}

void CalibrationView::setOverlayRun(qint64 runId) {
    const int index = d->overlayCombo->findData(qlonglong(runId));
    if (index >= 0 && index != d->overlayCombo->currentIndex()) {
        const QSignalBlocker blocker(d->overlayCombo);
        d->overlayCombo->setCurrentIndex(index);
    }
    load(1, index > 0 ? runId : -1);
}

void CalibrationView::setShownStep(int t) {
    const int index = d->stepCombo->findData(t);
    if (index >= 0) {
        d->stepCombo->setCurrentIndex(index);
    }
}

void CalibrationView::load(int which, qint64 runId) {
    d->busy[which] = false; // a background trace of the replaced run is dropped
    ++d->generation[which];
    const auto reader = d->reader;
    const bool withOthers = which == 0; // a new selected run: the overlay's choices too
    const auto read = [reader, runId, withOthers] {
        return readLoad(reader.get(), runId, withOthers);
    };
    const auto apply = [this, which](Loaded& loaded) { applyLoad(which, loaded); };
    if (!reader || runId < 0) {
        if (!withOthers || !reader) { // nothing to read: at once
            d->reads[which].cancel();
            Loaded none = read();
            apply(none);
            return;
        }
    }
    d->reads[which].read<Loaded>(this, read, apply);
}

void CalibrationView::applyLoad(int which, Loaded& loaded) {
    if (loaded.withOthers) {
        const QSignalBlocker blocker(d->overlayCombo);
        d->overlayCombo->clear();
        d->overlayCombo->addItem(tr("none"), qlonglong(-1));
        for (const mor::RunSummary& r : loaded.others) {
            if (r.id != loaded.runId) {
                d->overlayCombo->addItem(
                    tr("run %1: %2").arg(r.id).arg(QString::fromStdString(r.name)),
                    qlonglong(r.id));
            }
        }
        // The overlay of the previous run goes with it.
        d->busy[1] = false;
        ++d->generation[1];
        d->runs[1] = RunData{};
    }
    RunData& data = d->runs[which];
    d->busy[which] = false;
    ++d->generation[which];
    data = RunData{};
    data.runId = loaded.runId;
    if (data.runId >= 0) {
        data.name = loaded.exists ? tr("run %1").arg(data.runId) : QString();
        data.history = std::move(loaded.history);
        data.perStep = std::move(loaded.perStep);
        data.tracedInputs = loaded.tracedInputs;
        traceInBackground(which, std::move(loaded.ids), loaded.hasCheckpoint);
    }
    rebuildStepChoices();
    redraw();
}

void CalibrationView::traceInBackground(int which, std::vector<int64_t> ids, bool hasCheckpoint) {
    RunData& data = d->runs[which];
    if (ids.empty() || !hasCheckpoint || !d->reader) {
        data.traceError = tr("no checkpoint to re-run");
        return;
    }
    if (ids.size() > kMaxTracedInputs) {
        ids.resize(kMaxTracedInputs);
    }
    d->busy[which] = true;
    const int generation = d->generation[which];
    const std::string path = d->reader->path();
    const qint64 runId = data.runId;
    auto* watcher = new QFutureWatcher<TraceResult>(this);
    connect(watcher, &QFutureWatcher<TraceResult>::finished, this,
            [this, watcher, which, generation, runId] {
                watcher->deleteLater();
                if (generation != d->generation[which]) {
                    return;
                }
                d->busy[which] = false;
                const TraceResult result = watcher->result();
                RunData& data = d->runs[which];
                if (result.error.isEmpty()) {
                    data.perStep = result.perStep;
                    data.tracedInputs = result.inputs;
                    data.fromCheckpoint = true;
                } else {
                    data.traceError = result.error;
                }
                rebuildStepChoices();
                redraw();
                Q_EMIT traced(runId);
            });
    watcher->setFuture(QtConcurrent::run([path, runId, ids] {
        TraceResult result;
        const auto traces = common::EngineAccess::engine().traceSamples(path, runId, -1, ids);
        if (!traces || traces->empty()) {
            result.error = traces ? CalibrationView::tr("no traces")
                                  : QString::fromStdString(traces.error());
        } else {
            result.perStep = mor::reliabilityPerStep(traces.value());
            result.inputs = int64_t(traces->size());
        }
        return result;
    }));
}

void CalibrationView::rebuildStepChoices() {
    const int keep = d->shownStep;
    const QSignalBlocker blocker(d->stepCombo);
    d->stepCombo->clear();
    size_t steps = 0;
    for (const RunData& r : d->runs) {
        steps = std::max(steps, r.perStep.size());
    }
    for (size_t t = 1; t <= steps; ++t) {
        d->stepCombo->addItem(tr("critique at step t = %1").arg(t), int(t));
    }
    const RunData& a = d->runs[0];
    if (!a.history.empty() && !a.history.back().reliability.empty()) {
        d->stepCombo->addItem(tr("answer critique (logged)"), 0);
    }
    int index = d->stepCombo->findData(keep);
    if (index < 0) {
        index = 0;
    }
    d->stepCombo->setCurrentIndex(index);
    d->shownStep = d->stepCombo->count() > 0 ? d->stepCombo->itemData(index).toInt() : 1;
}

void CalibrationView::redraw() {
    const RunData& a = d->runs[0];
    if (a.runId < 0) {
        d->status->setText(d->reader ? tr("No run selected.") : tr("No run open."));
    } else {
        QString source = a.fromCheckpoint
                             ? tr("Diagrams: the last checkpoint re-run on %1 logged inputs.")
                                   .arg(a.tracedInputs)
                             : tr("Diagrams: the %1 logged probe traces of the last evaluation.")
                                   .arg(a.tracedInputs);
        if (isBusy()) {
            source += QLatin1Char(' ') + tr("Re-running the checkpoint on every logged input …");
        } else if (!a.traceError.isEmpty()) {
            source += QLatin1Char(' ') + tr("(%1)").arg(a.traceError);
        }
        d->status->setText(source);
    }
    drawReliability();
    drawEcePerStep();
    drawHistory();
}

void CalibrationView::drawReliability() {
    QCustomPlot* plot = d->reliability;
    plot->clearPlottables();
    plot->clearItems();
    paletteAll(plot);
    QCPAxisRect* top = plot->axisRect(0);
    const QColor fg = palette().color(QPalette::WindowText);
    auto* diagonal = new QCPItemLine(plot);
    diagonal->setClipAxisRect(top);
    diagonal->start->setAxes(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    diagonal->end->setAxes(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    diagonal->start->setCoords(0, 0);
    diagonal->end->setCoords(1, 1);
    diagonal->setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
    double maxCount = 1.0;
    QStringList eces;
    for (int which = 0; which < 2; ++which) {
        const RunData& r = d->runs[which];
        if (r.runId < 0) {
            continue;
        }
        std::vector<mor::ReliabilityBin> table;
        if (d->shownStep == 0) {
            if (!r.history.empty()) {
                table = r.history.back().reliability;
            }
        } else if (size_t(d->shownStep) <= r.perStep.size()) {
            table = r.perStep[size_t(d->shownStep - 1)];
        }
        const QColor color = which == 0 ? common::expertColor(0) : common::expertColor(1);
        auto* graph = plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
        graph->setName(which == 0 ? r.name : tr("%1 (overlay)").arg(r.name));
        graph->setPen(QPen(color, 2, which == 0 ? Qt::SolidLine : Qt::DashLine));
        graph->setScatterStyle(QCPScatterStyle(
            which == 0 ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare, color, color, 7));
        auto* counts =
            new QCPBars(d->countRect->axis(QCPAxis::atBottom), d->countRect->axis(QCPAxis::atLeft));
        counts->setName(QString());
        counts->removeFromLegend();
        counts->setBrush(which == 0 ? color
                                    : QColor(color.red(), color.green(), color.blue(), 120));
        counts->setPen(Qt::NoPen);
        const double width = table.empty() ? 0.1 : (table.front().hi - table.front().lo);
        counts->setWidth(width * 0.42);
        for (const mor::ReliabilityBin& b : table) {
            const double mid = 0.5 * (b.lo + b.hi);
            counts->addData(mid + (which == 0 ? -0.22 : 0.22) * width, double(b.count));
            maxCount = std::max(maxCount, double(b.count));
            if (b.count > 0) {
                graph->addData(b.meanConfidence, b.accuracy);
            }
        }
        if (!table.empty()) {
            eces << tr("%1 ECE %2")
                        .arg(graph->name(), common::fmt(mor::expectedCalibrationError(table), 3));
        }
    }
    d->countRect->axis(QCPAxis::atLeft)->setRange(0, maxCount * 1.1);
    // Per step every selected expert's draft has a critique (k per input); the answer
    // critique is one per input.
    d->countRect->axis(QCPAxis::atLeft)->setLabel(d->shownStep == 0 ? tr("inputs")
                                                                     : tr("expert drafts"));
    top->axis(QCPAxis::atBottom)->setRange(0, 1);
    top->axis(QCPAxis::atLeft)->setRange(0, 1.02);
    const QString what = d->shownStep == 0 ? tr("answer critique, last validation")
                                           : tr("critique at step t = %1").arg(d->shownStep);
    d->reliabilityTitle->setText(eces.isEmpty()
                                     ? tr("Reliability: %1 (no data)").arg(what)
                                     : tr("Reliability: %1\n%2").arg(what, eces.join("   ")));
    d->reliabilityTitle->setTextColor(fg);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void CalibrationView::drawEcePerStep() {
    QCustomPlot* plot = d->perStep;
    plot->clearPlottables();
    paletteAll(plot);
    int steps = 0;
    double top = 0.05;
    bool logged = true;
    for (int which = 0; which < 2; ++which) {
        const RunData& r = d->runs[which];
        if (r.runId < 0) {
            continue;
        }
        // The evaluator's ECE over the whole validation split (last evaluation) when logged,
        // else the ECE of the traced inputs.
        std::vector<double> ece;
        if (!r.history.empty() && !r.history.back().ecePerStep.empty()) {
            ece = r.history.back().ecePerStep;
        } else {
            logged = false;
            for (const auto& table : r.perStep) {
                ece.push_back(mor::expectedCalibrationError(table));
            }
        }
        auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(r.name);
        const QColor color = common::expertColor(which);
        bars->setBrush(which == 0 ? color : QColor(color.red(), color.green(), color.blue(), 140));
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.38);
        for (size_t t = 0; t < ece.size(); ++t) {
            bars->addData(double(t + 1) + (which == 0 ? -0.2 : 0.2), ece[t]);
            top = std::max(top, ece[t]);
        }
        steps = std::max(steps, int(ece.size()));
    }
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int t = 1; t <= steps; ++t) {
        ticker->addTick(t, QString::number(t));
    }
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(0.4, std::max(1, steps) + 0.6);
    plot->yAxis->setRange(0, top * 1.15);
    d->perStepTitle->setText(logged ? tr("ECE per reflection step (last validation, logged)")
                                    : tr("ECE per reflection step (traced inputs)"));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void CalibrationView::drawHistory() {
    QCustomPlot* plot = d->history;
    plot->clearPlottables();
    paletteAll(plot);
    double lo = 0, hi = 1, top = 0.05;
    bool any = false;
    for (int which = 0; which < 2; ++which) {
        const RunData& r = d->runs[which];
        if (r.runId < 0 || r.history.empty()) {
            continue;
        }
        const Qt::PenStyle style = which == 0 ? Qt::SolidLine : Qt::DashLine;
        size_t steps = 0;
        for (const auto& p : r.history) {
            steps = std::max(steps, p.ecePerStep.size());
        }
        for (size_t t = 0; t <= steps; ++t) { // t = 0: the answer critique
            auto* graph = plot->addGraph();
            graph->setPen(QPen(t == 0 ? palette().color(QPalette::WindowText)
                                      : common::expertColor(int(t) + 1),
                               t == 0 ? 2 : 1.5, style));
            graph->setName(t == 0 ? tr("%1 answer").arg(r.name) : tr("%1 t=%2").arg(r.name).arg(t));
            for (const auto& p : r.history) {
                const double v =
                    t == 0 ? p.ece : (t <= p.ecePerStep.size() ? p.ecePerStep[t - 1] : -1);
                if (v >= 0) {
                    graph->addData(double(p.step), v);
                    top = std::max(top, v);
                }
            }
            if (graph->dataCount() == 0) {
                plot->removeGraph(graph);
            }
        }
        lo = any ? std::min(lo, double(r.history.front().step)) : double(r.history.front().step);
        hi = any ? std::max(hi, double(r.history.back().step)) : double(r.history.back().step);
        any = true;
    }
    plot->legend->setVisible(plot->graphCount() > 0);
    plot->xAxis->setRange(lo, std::max(hi, lo + 1));
    plot->yAxis->setRange(0, top * 1.1);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void CalibrationView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        redraw();
    }
    QWidget::changeEvent(event);
}

} // namespace inspect
