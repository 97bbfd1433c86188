#include "inspect/reflectionstepperview.h"

#include "inspect/calibrationview.h"
#include "inspect/counterfactualsummary.h"
#include "inspect/counterfactualview.h"
#include "inspect/expertpanel.h"
#include "inspect/inputpreview.h"
#include "inspect/integrationpanel.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "inspect/runsettings.h"
#include "inspect/samplepicker.h"
#include "inspect/stepperread.h"
#include "common/stepcursorbar.h"
#include "inspect/tracefeatures.h"
#include "common/engineaccess.h"
#include "shell/logreads.h"

#include <mor/log_reader.h>
#include <mor/engine_interface.h>
#include <mor/trainer.h>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>
#include <map>
#include <set>

namespace inspect {

struct ReflectionStepperView::Private {
    std::shared_ptr<const mor::LogReader> reader; ///< of the run shown
    qint64 runId = -1;
    std::shared_ptr<const mor::LogReader> wantReader; ///< the run asked for (setRun)
    qint64 wantRun = -1;
    bool resetPending = false;
    /// An input opened at another evaluation step in a window: opened once that step's traces
    /// were read on the pool (openStep -1: none).
    qint64 openStep = -1, openSample = -1;
    bool openAtIntegration = false;
    shell::LogReads reads;
    RunSettings settings;
    RunFeatures features; ///< nested widths / expert groups (issue 23)
    std::map<int64_t, mor::SampleInfo> samples;
    std::vector<mor::SampleTrace> traces;  ///< of the current evaluation step
    std::optional<mor::SampleTrace> trace; ///< the input on screen
    int numClasses = 0;
    int maxIterations = 0;

    SamplePicker* picker = nullptr;
    InputPreview* input = nullptr;
    QLabel* info = nullptr;
    QCustomPlot* router = nullptr;
    QCPBars* routerSelected = nullptr;
    QCPBars* routerOther = nullptr;
    QCPBars* routerGates = nullptr;
    common::StepCursorBar* cursor = nullptr;
    QScrollArea* scroll = nullptr;
    QWidget* panelBox = nullptr;
    QVBoxLayout* panelLayout = nullptr;
    QLabel* emptyNote = nullptr;
    std::vector<ExpertPanel*> panels;
    IntegrationPanel* integration = nullptr;
    QTabWidget* pages = nullptr;
    CounterfactualView* whatIf = nullptr;
    CounterfactualSummary* summary = nullptr;
    CalibrationView* calibration = nullptr;

    /// Inputs that are not in the probe set: traced by re-running the checkpoint of that
    /// evaluation step off the GUI thread, keyed by (evaluation step, sample id).
    struct ComputedTrace {
        std::optional<mor::SampleTrace> trace;
        QString error;
    };
    std::map<std::pair<qint64, qint64>, ComputedTrace> computed;
    std::set<std::pair<qint64, qint64>> pending;

    /// The logged probe traces of evaluation step `step` plus the inputs traced from its
    /// checkpoint so far (so the list holds every input that was opened, e.g. from a heatmap).
    std::vector<mor::SampleTrace> tracesOf(qint64 step) const {
        return withComputed(
            step, reader ? reader->traces(runId, step) : std::vector<mor::SampleTrace>{});
    }
    /// The logged traces of `step` plus the inputs traced from its checkpoint so far.
    std::vector<mor::SampleTrace> withComputed(qint64 step,
                                               std::vector<mor::SampleTrace> out) const {
        for (const auto& [key, done] : computed) {
            if (key.first == step && done.trace) {
                out.push_back(*done.trace);
            }
        }
        return out;
    }
};

ReflectionStepperView::ReflectionStepperView(QWidget* parent)
    : common::InspectView(parent), d(std::make_unique<Private>()) {
    setObjectName("reflectionStepperView");
    d->picker = new SamplePicker(this);
    d->input = new InputPreview(this);
    d->input->setObjectName("inputPreview");
    d->info = new QLabel(this);
    d->info->setObjectName("sampleInfo");
    d->info->setTextFormat(Qt::RichText);
    d->info->setWordWrap(true);
    d->info->setMinimumWidth(200);

    d->router = common::makePlot(this, "routerPlot");
    d->router->setMinimumHeight(150);
    d->router->setMinimumWidth(260);
    d->router->plotLayout()->insertRow(0);
    d->router->plotLayout()->addElement(0, 0,
                                        new QCPTextElement(d->router, tr("Router p and gates g"),
                                                           QFont(font().family(), 9, QFont::Bold)));
    QCPAxis* rx = d->router->xAxis;
    QCPAxis* ry = d->router->yAxis;
    ry->setRange(0, 1.05);
    d->routerSelected = new QCPBars(rx, ry);
    d->routerSelected->setName(tr("p, selected"));
    d->routerSelected->setWidth(0.38);
    d->routerSelected->setBrush(QColor(0x4e, 0x79, 0xa7));
    d->routerOther = new QCPBars(rx, ry);
    d->routerOther->setName(tr("p, not run"));
    d->routerOther->setWidth(0.38);
    d->routerOther->setBrush(QColor(200, 200, 200));
    d->routerOther->setPen(QPen(QColor(150, 150, 150)));
    d->routerGates = new QCPBars(rx, ry);
    d->routerGates->setName(tr("gate g"));
    d->routerGates->setWidth(0.38);
    d->routerGates->setBrush(QColor(0xf2, 0x8e, 0x2b));
    d->router->legend->setVisible(true);
    d->router->legend->setIconSize(12, 8);
    // The legend gets its own column: inside the axis rect it covers bars of height 1, and
    // more so at presentation-mode font sizes.
    d->router->axisRect()->insetLayout()->take(d->router->legend);
    auto* side = new QCPLayoutGrid; // legend on top, empty space below
    d->router->plotLayout()->addElement(1, 1, side);
    d->router->plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, d->router->legend);
    side->addElement(1, 0, new QCPLayoutElement(d->router));
    side->setRowStretchFactors({0.001, 1.0});
    d->router->legend->setBorderPen(Qt::NoPen);
    d->router->legend->setBrush(Qt::NoBrush);
    d->router->legend->setMargins(QMargins(4, 2, 2, 2));

    d->cursor = new common::StepCursorBar(this);
    d->cursor->setObjectName("stepCursor");

    d->panelBox = new QWidget;
    d->panelLayout = new QVBoxLayout(d->panelBox);
    d->emptyNote = new QLabel(tr("Open a run with traces: pick an evaluation step and an input on "
                                 "the left."),
                              d->panelBox);
    d->emptyNote->setAlignment(Qt::AlignCenter);
    d->panelLayout->addWidget(d->emptyNote);
    d->integration = new IntegrationPanel(d->panelBox);
    d->panelLayout->addWidget(d->integration);
    d->panelLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("panelScroll");
    scroll->setWidgetResizable(true);
    scroll->setWidget(d->panelBox);
    d->scroll = scroll;

    auto* header = new QHBoxLayout;
    header->addWidget(d->input, 2);
    header->addWidget(d->info, 2);
    header->addWidget(d->router, 3);
    auto* rightBox = new QWidget(this);
    auto* right = new QVBoxLayout(rightBox);
    right->setContentsMargins(0, 0, 0, 0);
    right->addLayout(header);
    right->addWidget(d->cursor);
    right->addWidget(scroll, 1);
    // Pages beside the input list: the input's reflection, what if (a counterfactual beside
    // the original), and the run's counterfactual summary.
    d->pages = new QTabWidget(this);
    d->pages->setObjectName("stepperPages");
    d->pages->addTab(rightBox, tr("Reflection"));
    d->whatIf = new CounterfactualView(d->pages);
    d->pages->addTab(d->whatIf, tr("What if"));
    d->summary = new CounterfactualSummary(d->pages);
    d->pages->addTab(d->summary, tr("Run summary"));
    d->calibration = new CalibrationView(d->pages);
    d->pages->addTab(d->calibration, tr("Calibration"));
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(d->picker);
    splitter->addWidget(d->pages);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 900});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(d->picker, &SamplePicker::stepChanged, this, [this](qint64 step) {
        d->summary->setStep(step);
        if (d->reads.isAsync()) {
            return refresh(); // in a window: that step's traces read on the pool
        }
        d->traces = d->tracesOf(step);
        d->picker->setTraces(d->traces);
        if (d->traces.empty()) {
            d->trace.reset();
        }
    });
    connect(d->picker, &SamplePicker::sampleChosen, this, [this](qint64 id) {
        // Rebuild the panels for this input; the cursor restarts at t = 1.
        showSample(d->picker->currentStep(), id, false);
    });
    connect(d->cursor, &common::StepCursorBar::currentChanged, this,
            &ReflectionStepperView::setCurrentStep);
    // Keyboard stepping: Left/Right move the cursor, Space plays or pauses.
    auto addKey = [this](QKeySequence key, auto slot) {
        auto* shortcut = new QShortcut(key, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, d->cursor, slot);
    };
    addKey(QKeySequence(Qt::Key_Right), &common::StepCursorBar::next);
    addKey(QKeySequence(Qt::Key_Left), &common::StepCursorBar::back);
    addKey(QKeySequence(Qt::Key_Space), [this] { d->cursor->setPlaying(!d->cursor->isPlaying()); });
    common::installExportMenu(d->router);
    common::installExportMenu(d->integration);
    common::followTheme(this);
    setRun(nullptr, -1);
}

ReflectionStepperView::~ReflectionStepperView() = default;

void ReflectionStepperView::setReadPool(QThreadPool* pool) {
    d->reads.setPool(pool);
    d->calibration->setReadPool(pool);
}

bool ReflectionStepperView::isReading() const {
    return d->reads.isPending() || d->calibration->isReading();
}

qint64 ReflectionStepperView::shownRun() const { return d->runId; }

void ReflectionStepperView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->wantReader = runId >= 0 ? std::move(reader) : nullptr;
    d->wantRun = d->wantReader ? runId : -1;
    d->resetPending = true;
    refresh();
}

void ReflectionStepperView::refresh() {
    const bool reset = d->resetPending;
    const auto reader = reset ? d->wantReader : d->reader;
    const qint64 runId = reset ? d->wantRun : d->runId;
    // A step asked for (an input opened at another evaluation step), else the picker's.
    const qint64 keepStep = d->openStep >= 0 ? d->openStep : d->picker->currentStep();
    const auto read = [reset, reader, runId, keepStep] {
        return readStepperRun(reader, runId, reset, keepStep);
    };
    const auto apply = [this](Read& r) { applyRead(r); };
    d->reads.readOrClear<Read>(!reader, this, read, apply); // no log: cleared at once
}

void ReflectionStepperView::applyRead(Read& r) {
    if (r.reset) {
        d->resetPending = false;
        d->reader = std::move(r.reader);
        d->runId = r.runId;
        d->computed.clear();
        d->pending.clear();
        d->samples.clear();
        d->traces.clear();
        d->trace.reset();
        d->settings = std::move(r.settings);
        d->features = std::move(r.features);
        // What if gets the config read above; Calibration reads on the view pool itself.
        d->whatIf->setRun(d->reader, d->runId, r.configJson);
        d->summary->setRun(d->reader, d->runId);
        d->calibration->setRun(d->reader, d->runId);
    }
    const qint64 keepSample = currentSampleId();
    const int keepCursor = currentStep();
    if (!d->reader) {
        d->openStep = -1;
        d->picker->setSteps({}, -1);
        d->picker->setTraces({});
        d->trace.reset();
        showSample(-1, -1, false);
        return;
    }
    d->samples.clear();
    QHash<qint64, QString> previews;
    for (mor::SampleInfo& s : r.samples) {
        const int64_t id = s.sampleId;
        previews.insert(id, QString::fromStdString(s.preview));
        d->samples.emplace(id, std::move(s));
    }
    d->picker->setPreviews(std::move(previews));
    {
        const QSignalBlocker blocker(d->picker);
        d->picker->setSteps(r.steps, r.wantStep);
        d->traces = d->picker->currentStep() == r.step
                        ? d->withComputed(r.step, std::move(r.traces))
                        : d->tracesOf(d->picker->currentStep());
        d->picker->setTraces(d->traces);
    }
    if (const qint64 open = std::exchange(d->openStep, -1); open >= 0) {
        return showSample(d->picker->currentStep(), d->openSample, d->openAtIntegration);
    }
    const qint64 sample = keepSample >= 0 ? keepSample : d->picker->currentSample();
    if (sample >= 0 && d->picker->selectSample(sample)) {
        // sampleChosen rebuilt the panels; a live run refreshes often, so keep the cursor.
        if (sample == keepSample) {
            setCurrentStep(keepCursor);
        }
        return;
    }
    d->trace.reset();
    showSample(d->picker->currentStep(), -1, false);
}

void ReflectionStepperView::showSample(qint64 step, qint64 sampleId, bool atIntegration) {
    if (d->reader && step >= 0 && step != d->picker->currentStep() && d->reads.isAsync()) {
        d->openStep = step; // that step's traces are read on the pool; the input opens then
        d->openSample = sampleId;
        d->openAtIntegration = atIntegration;
        return refresh();
    }
    if (d->reader && step >= 0 && step != d->picker->currentStep()) {
        const QSignalBlocker blocker(d->picker);
        d->picker->setSteps(d->reader->traceSteps(d->runId), step);
        d->traces = d->tracesOf(d->picker->currentStep());
        d->picker->setTraces(d->traces);
    }
    if (sampleId >= 0) {
        // Always look the trace up again: the same input differs between evaluation steps.
        const QSignalBlocker blocker(d->picker);
        if (!d->picker->selectSample(sampleId)) {
            // Not in the list (yet): no old input may stay selected, or Next would jump
            // from there.
            d->picker->clearSelection();
        }
        const auto it =
            std::find_if(d->traces.begin(), d->traces.end(),
                         [sampleId](const mor::SampleTrace& t) { return t.sampleId == sampleId; });
        d->trace.reset();
        if (it != d->traces.end()) {
            d->trace = *it;
        } else if (d->reader) {
            const auto key = std::make_pair(qint64(d->picker->currentStep()), sampleId);
            const auto done = d->computed.find(key);
            if (done != d->computed.end()) {
                d->trace = done->second.trace;
            } else if (!d->pending.count(key)) {
                traceByCheckpoint(key.first, sampleId, atIntegration);
            }
        }
    }
    if (sampleId < 0) {
        d->trace.reset();
    }

    for (ExpertPanel* p : d->panels) {
        p->deleteLater();
        p->hide();
    }
    d->panels.clear();
    const bool have = d->trace.has_value();
    d->emptyNote->setVisible(!have);
    d->integration->setVisible(have);
    d->router->setVisible(have);
    if (!have) {
        d->input->setInput({});
        if (!d->reader) {
            d->info->setText(tr("No run open."));
        } else if (sampleId >= 0) {
            // E.g. a routing heatmap row: every validation input is routed, only the probe
            // inputs are traced iteration by iteration.
            const auto key = std::make_pair(qint64(d->picker->currentStep()), sampleId);
            const auto done = d->computed.find(key);
            if (d->pending.count(key)) {
                d->info->setText(tr("Input #%1 is not a probe input: running the checkpoint of "
                                    "step %2 on it…")
                                     .arg(sampleId)
                                     .arg(key.first));
            } else if (done != d->computed.end() && !done->second.error.isEmpty()) {
                d->info->setText(tr("Input #%1 has no logged trace at step %2, and re-running "
                                    "the checkpoint failed: %3")
                                     .arg(sampleId)
                                     .arg(key.first)
                                     .arg(done->second.error));
            } else {
                d->info->setText(tr("Input #%1 has no reflection trace at step %2: only the "
                                    "probe inputs are traced. Pick one on the left.")
                                     .arg(sampleId)
                                     .arg(key.first));
            }
        } else {
            d->info->setText(tr("No traced input selected."));
        }
        d->cursor->setCount(0);
        d->cursor->setCaption(QString());
        d->whatIf->setInput(d->picker->currentStep(), -1);
        return;
    }
    const mor::SampleTrace& t = *d->trace;
    d->whatIf->setInput(d->picker->currentStep(), t.sampleId);
    d->summary->setStep(d->picker->currentStep());
    d->numClasses = int(t.fusedProbs.size());
    d->maxIterations = 0;
    for (const mor::ExpertTrace& e : t.experts) {
        d->maxIterations = std::max(d->maxIterations, int(e.steps.size()));
        for (const mor::StepTrace& s : e.steps) {
            d->numClasses = std::max(d->numClasses, int(s.probs.size()));
        }
    }

    // Header: the input, its label and answer, the router.
    const auto info = d->samples.find(t.sampleId);
    d->input->setInput(info != d->samples.end() ? info->second.input : std::vector<float>{});
    const QString preview = info != d->samples.end()
                                ? QString::fromStdString(info->second.preview).toHtmlEscaped()
                                : QString();
    d->info->setText(tr("<b>Input #%1</b> (step %2)<br>%3<br>label <b>%4</b>, domain %5<br>"
                        "final answer <b style='color:%6'>%7 (%8)</b><br>%9 expert(s), %10 "
                        "expert-steps")
                         .arg(t.sampleId)
                         .arg(d->picker->currentStep())
                         .arg(preview.left(160))
                         .arg(t.label)
                         .arg(t.domain)
                         .arg(common::verdictColor(t.correct).name())
                         .arg(t.finalPred)
                         .arg(t.correct ? tr("right") : tr("wrong"))
                         .arg(t.experts.size())
                         .arg(t.expertSteps) +
                     TraceFeatures::inputSummaryHtml(t, d->traces, d->features));
    const int nExperts = int(t.routerProbs.size());
    QVector<double> sel(nExperts, 0.0), other(nExperts, 0.0), gates(nExperts, 0.0);
    for (int e = 0; e < nExperts; ++e) {
        const bool ran = e < int(t.mask.size()) && t.mask[size_t(e)] != 0;
        (ran ? sel : other)[e] = t.routerProbs[size_t(e)];
        gates[e] = e < int(t.gates.size()) ? t.gates[size_t(e)] : 0.0;
    }
    common::setBarValues(d->routerSelected, sel, -0.2);
    common::setBarValues(d->routerOther, other, -0.2);
    common::setBarValues(d->routerGates, gates, 0.2);
    common::setIndexTicks(d->router->xAxis, nExperts, "E");
    d->router->replot(QCustomPlot::rpQueuedReplot);

    // One panel per selected expert, all on the same time axis.
    int index = 0;
    for (const mor::ExpertTrace& e : t.experts) {
        auto* panel = new ExpertPanel(d->panelBox);
        common::installExportMenu(panel);
        common::themePlot(panel);
        panel->setTrace(e, d->numClasses, t.label, d->maxIterations,
                        d->settings.haltThreshold(e.expert));
        panel->setWidthText(TraceFeatures::widthText(e, d->features));
        d->panelLayout->insertWidget(index++, panel);
        d->panels.push_back(panel);
    }
    d->integration->setTrace(t, d->numClasses, d->settings.conflictThreshold);

    d->cursor->setCount(d->maxIterations + 1);
    const int position = atIntegration ? d->maxIterations : 0;
    d->cursor->setCurrent(position);
    setCurrentStep(position);
}

int ReflectionStepperView::currentStep() const {
    return d->cursor->current();
}
int ReflectionStepperView::stepCount() const {
    return d->cursor->count();
}
bool ReflectionStepperView::isAtIntegration() const {
    return stepCount() > 0 && currentStep() == stepCount() - 1;
}

void ReflectionStepperView::setCurrentStep(int position) {
    if (stepCount() == 0) {
        return;
    }
    d->cursor->setCurrent(position); // clamps; re-enters here only when it changed
    position = d->cursor->current();
    const bool integration = position == stepCount() - 1;
    std::vector<int> read;
    for (ExpertPanel* p : d->panels) {
        p->setCursor(position + 1, integration);
        if (!integration) { // experts with read_features: what this step takes in
            const auto mine = d->settings.featuresRead(p->expert(), position + 1,
                                                       int(d->input->values().size()));
            read.insert(read.end(), mine.begin(), mine.end());
        }
    }
    std::sort(read.begin(), read.end());
    read.erase(std::unique(read.begin(), read.end()), read.end());
    d->input->setHighlighted(read);
    d->integration->setActive(integration);
    if (integration) {
        // With many experts the integration is below the fold: bring it into view.
        d->scroll->ensureWidgetVisible(d->integration, 0, 0);
    }
    d->cursor->setCaption(
        integration ? tr("Integration (after %1 iterations)").arg(d->maxIterations)
                    : tr("Reflection step t = %1 of %2").arg(position + 1).arg(d->maxIterations));
}

qint64 ReflectionStepperView::currentSampleId() const {
    return d->trace ? d->trace->sampleId : -1;
}
qint64 ReflectionStepperView::evaluationStep() const {
    return d->picker->currentStep();
}
CounterfactualView* ReflectionStepperView::counterfactualView() const {
    return d->whatIf;
}
CounterfactualSummary* ReflectionStepperView::counterfactualSummary() const {
    return d->summary;
}
CalibrationView* ReflectionStepperView::calibrationView() const {
    return d->calibration;
}
void ReflectionStepperView::setPage(int index) {
    d->pages->setCurrentIndex(index);
}

void ReflectionStepperView::traceByCheckpoint(qint64 step, qint64 sampleId, bool atIntegration) {
    const auto key = std::make_pair(step, sampleId);
    d->pending.insert(key);
    const std::string path = d->reader->path();
    const qint64 runId = d->runId;
    // The watcher is a child of the view: if the view goes first, the result is dropped.
    auto* watcher = new QFutureWatcher<Private::ComputedTrace>(this);
    connect(watcher, &QFutureWatcher<Private::ComputedTrace>::finished, this,
            [this, watcher, key, runId, atIntegration] {
                watcher->deleteLater();
                d->pending.erase(key);
                if (runId != d->runId) {
                    return; // another run was opened meanwhile
                }
                d->computed[key] = watcher->result();
                if (d->picker->currentStep() == key.first && d->computed[key].trace) {
                    // The input joins the list, selected: Next continues from it.
                    d->traces.push_back(*d->computed[key].trace);
                    const QSignalBlocker blocker(d->picker);
                    d->picker->addTrace(*d->computed[key].trace);
                }
                if (d->picker->currentStep() == key.first) {
                    showSample(key.first, key.second, atIntegration);
                }
            });
    watcher->setFuture(QtConcurrent::run([path, runId, step, sampleId] {
        Private::ComputedTrace result;
        const auto traces =
            common::EngineAccess::engine().traceSamples(path, runId, step, {sampleId});
        if (!traces || traces->empty()) {
            result.error = QString::fromStdString(traces.error());
        } else {
            result.trace = traces->front();
        }
        return result;
    }));
}

} // namespace inspect
