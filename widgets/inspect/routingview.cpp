#include "inspect/routingview.h"

#include "inspect/groupexpertheatmap.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "inspect/recursionrouting.h"
#include "inspect/routingaggregateplot.h"
#include "common/routingheatmap.h"
#include "inspect/routingloadplot.h"
#include "common/engineaccess.h"
#include "shell/logreads.h"

#include <mor/log_reader.h>
#include <mor/engine_interface.h>

#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace inspect {

/// What showStep() reads: the snapshot of a step and, for a run with expert groups, the
/// traced inputs of the last traced step at or before it.
struct RoutingView::StepRead {
    qint64 step = -1;
    mor::RoutingSnapshot snapshot;
    bool recursion = false;     ///< a recursion run: the snapshot is its tokens x recursions
    RecursionRouting tokens;    ///< ... read from its token traces at `step`
    qint64 traceStep = -1;
    std::vector<mor::SampleTrace> logged;
};

/// What setRun() and refresh() read: the run's inputs and routing steps, and the step to show.
struct RoutingView::RunRead {
    bool reset = false; ///< a new run (setRun): its features too
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    RunFeatures features;
    std::unordered_map<int64_t, mor::SampleInfo> samples;
    std::vector<int64_t> steps;
    bool recursion = false; ///< no routing snapshots, token traces: a recursion run
    StepRead shown;
};

namespace {
RoutingView::StepRead readStep(const mor::LogReader& reader, qint64 runId, qint64 step,
                               const RunFeatures& features, bool recursion);
} // namespace

struct RoutingView::Private {
    std::shared_ptr<const mor::LogReader> reader; ///< of the run shown
    qint64 runId = -1;
    /// The run asked for (setRun) and the step (showStep); shown once read.
    std::shared_ptr<const mor::LogReader> wantReader;
    qint64 wantRun = -1;
    qint64 wantStep = -1;
    bool resetPending = false; ///< a setRun() not shown yet
    shell::LogReads reads;
    qint64 groupTraceStep = -1;              ///< traced inputs of the groups heatmap
    std::vector<mor::SampleTrace> groupLogged; ///< as logged at groupTraceStep
    std::unordered_map<int64_t, mor::SampleInfo> samples;
    std::vector<int64_t> steps;
    bool recursion = false; ///< the run shown is a recursion run (steps = token trace steps)
    std::vector<std::pair<int, int>> tokens; ///< recursion run: heatmap row -> (sequence, token)
    qint64 shownStep = -1;
    std::vector<common::RowMeta> meta;
    RunFeatures features; ///< nested widths / expert groups (issue 23)
    /// Traces of a grouped run whose log did not record the group, re-traced from the
    /// checkpoint of their evaluation step (or the error), keyed by that step.
    struct GroupTraces {
        std::vector<mor::SampleTrace> traces;
        QString error;
    };
    std::map<qint64, GroupTraces> groupTraces;
    qint64 tracingStep = -1; ///< the step being traced now (-1: none)

    QComboBox* sortCombo = nullptr;
    QComboBox* groupCombo = nullptr;
    QPushButton* play = nullptr;
    QSlider* slider = nullptr;
    QLabel* stepLabel = nullptr;
    QTimer* timer = nullptr;
    common::RoutingHeatmap* heatmap = nullptr;
    RoutingAggregatePlot* aggregate = nullptr;
    RoutingLoadPlot* load = nullptr;
    GroupExpertHeatmap* groups = nullptr;
    QLabel* warnings = nullptr;
    QStackedWidget* pages = nullptr; ///< the plots, or the note when there is nothing to plot
    QLabel* note = nullptr;
};

RoutingView::RoutingView(QWidget* parent)
    : common::InspectView(parent), d(std::make_unique<Private>()) {
    setObjectName("routingView");
    d->sortCombo = new QComboBox(this);
    d->sortCombo->setObjectName("sortCombo");
    d->sortCombo->addItem(tr("Input (log order)"), int(common::RoutingHeatmap::SortKey::Input));
    d->sortCombo->addItem(tr("Class"), int(common::RoutingHeatmap::SortKey::Class));
    d->sortCombo->addItem(tr("Domain"), int(common::RoutingHeatmap::SortKey::Domain));
    d->sortCombo->addItem(tr("Top expert"), int(common::RoutingHeatmap::SortKey::TopExpert));
    d->sortCombo->setCurrentIndex(1);
    d->groupCombo = new QComboBox(this);
    d->groupCombo->setObjectName("groupCombo");
    d->groupCombo->addItem(tr("Class × expert"));
    d->groupCombo->addItem(tr("Domain × expert"));
    // Their texts change with the run (experts, recursions or blocks): sized to what they say.
    d->sortCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    d->groupCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    d->play = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play"), this);
    d->play->setObjectName("evolutionPlay");
    d->play->setCheckable(true);
    d->slider = new QSlider(Qt::Horizontal, this);
    d->slider->setObjectName("evolutionSlider");
    d->slider->setPageStep(1);
    d->stepLabel = new QLabel(this);
    d->stepLabel->setObjectName("stepLabel");
    d->stepLabel->setMinimumWidth(140);
    d->timer = new QTimer(this);
    d->timer->setInterval(700);

    d->heatmap = new common::RoutingHeatmap(this);
    d->aggregate = new RoutingAggregatePlot(this);
    d->load = new RoutingLoadPlot(this);
    d->groups = new GroupExpertHeatmap(this);
    d->warnings = new QLabel(this);
    d->warnings->setObjectName("routingWarnings");
    d->warnings->setWordWrap(true);
    d->warnings->setStyleSheet("QLabel { color: #b03000; }");

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Sort rows by"), this));
    controls->addWidget(d->sortCombo);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Aggregate"), this));
    controls->addWidget(d->groupCombo);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Evolution"), this));
    controls->addWidget(d->play);
    controls->addWidget(d->slider, 1);
    controls->addWidget(d->stepLabel);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(d->aggregate, 1);
    sideLayout->addWidget(d->groups, 1);
    sideLayout->addWidget(d->load, 1);
    sideLayout->addWidget(d->warnings);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(d->heatmap);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    // Without a routing snapshot (no run, a recursion run) a note instead of empty axes.
    d->note = new QLabel(this);
    d->note->setObjectName("routingNote");
    d->note->setWordWrap(true);
    d->note->setAlignment(Qt::AlignCenter);
    d->note->setMargin(24);
    d->pages = new QStackedWidget(this);
    d->pages->addWidget(splitter);
    d->pages->addWidget(d->note);
    layout->addWidget(d->pages, 1);

    connect(d->sortCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        d->heatmap->setSortKey(
            common::RoutingHeatmap::SortKey(d->sortCombo->currentData().toInt()));
    });
    d->heatmap->setSortKey(common::RoutingHeatmap::SortKey(d->sortCombo->currentData().toInt()));
    connect(d->groupCombo, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int i) { d->aggregate->setData(d->heatmap->snapshot(), d->meta, i == 1); });
    connect(d->slider, &QSlider::valueChanged, this, [this](int i) {
        if (i >= 0 && i < int(d->steps.size())) {
            showStep(d->steps[size_t(i)]);
        }
    });
    connect(d->play, &QPushButton::toggled, this, [this](bool on) {
        if (on && d->slider->value() >= d->slider->maximum()) {
            d->slider->setValue(0);
        }
        on ? d->timer->start() : d->timer->stop();
        d->load->setFixedRange(on); // axes that jump between frames hide the change
        d->play->setText(on ? tr("Pause") : tr("Play"));
        d->play->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    });
    connect(d->timer, &QTimer::timeout, this, [this] {
        if (d->slider->value() >= d->slider->maximum()) {
            d->play->setChecked(false);
        } else {
            d->slider->setValue(d->slider->value() + 1);
        }
    });
    connect(d->heatmap, &common::RoutingHeatmap::cellClicked, this,
            [this](qint64 sampleId, int column) {
                if (!d->recursion) {
                    Q_EMIT sampleActivated(d->shownStep, sampleId, false);
                } else if (sampleId >= 0 && sampleId < qint64(d->tokens.size())) {
                    const auto [sequence, token] = d->tokens[size_t(sampleId)];
                    Q_EMIT tokenActivated(d->shownStep, sequence, token, column + 1);
                }
            });
    common::installExportMenus(this);
    common::followTheme(this);
    setRun(nullptr, -1);
}

RoutingView::~RoutingView() = default;

void RoutingView::setReadPool(QThreadPool* pool) {
    d->reads.setPool(pool);
}

void RoutingView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->wantReader = runId >= 0 ? std::move(reader) : nullptr;
    d->wantRun = d->wantReader ? runId : -1;
    d->wantStep = -1;
    d->resetPending = true;
    refresh();
}

void RoutingView::refresh() {
    const bool reset = d->resetPending;
    const auto reader = reset ? d->wantReader : d->reader;
    const qint64 runId = reset ? d->wantRun : d->runId;
    // Follow a growing run when the user was looking at its newest snapshot.
    const bool follow = reset || d->steps.empty() || d->wantStep == d->steps.back();
    const qint64 keep = reset ? -1 : d->wantStep;
    const RunFeatures known = d->features;
    const auto read = [reset, reader, runId, follow, keep, known] {
        RunRead r;
        r.reset = reset;
        r.reader = reader;
        r.runId = reader ? runId : -1;
        if (!reader) {
            return r;
        }
        r.features = reset ? readRunFeatures(reader.get(), runId) : known;
        for (mor::SampleInfo& s : reader->samples(runId)) {
            const int64_t id = s.sampleId;
            r.samples.emplace(id, std::move(s));
        }
        r.steps = reader->routingSteps(runId);
        if (r.steps.empty()) { // a recursion run: its tokens' routing at each evaluation
            r.steps = reader->tokenTraceSteps(runId);
            r.recursion = !r.steps.empty();
        }
        if (!r.steps.empty()) {
            const auto it = std::find(r.steps.begin(), r.steps.end(), keep);
            const qint64 step = (follow || it == r.steps.end()) ? r.steps.back() : keep;
            r.shown = readStep(*reader, runId, step, r.features, r.recursion);
        }
        return r;
    };
    const auto apply = [this](RunRead& r) {
        if (r.reset) {
            d->resetPending = false;
            d->reader = std::move(r.reader);
            d->runId = r.runId;
            d->features = std::move(r.features);
            d->groupTraces.clear();
            d->groups->setVisible(d->features.grouped());
            d->heatmap->setExpertWidths(d->features.nestedWidths);
            d->aggregate->setExpertWidths(d->features.nestedWidths);
        }
        d->samples = std::move(r.samples);
        d->steps = std::move(r.steps);
        setRecursionMode(r.recursion);
        {
            const QSignalBlocker blocker(d->slider);
            d->slider->setRange(0, std::max(0, int(d->steps.size()) - 1));
            d->slider->setEnabled(d->steps.size() > 1);
        }
        d->play->setEnabled(d->steps.size() > 1);
        d->shownStep = -2; // force a reload
        applyStep(r.shown);
    };
    d->reads.readOrClear<RunRead>(!reader, this, read, apply); // no log: cleared at once
}

void RoutingView::showStep(qint64 step) {
    if (step == d->shownStep && step >= 0 && !d->reads.isPending()) {
        return;
    }
    d->wantStep = step;
    if (d->resetPending) {
        return; // another run is being read: the old run's steps no longer matter
    }
    if (d->reads.isPending()) {
        refresh(); // a refresh under way would be superseded: read it again with this step
        return;
    }
    const auto reader = d->reader;
    const qint64 runId = d->runId;
    const RunFeatures features = d->features;
    const bool recursion = d->recursion;
    d->reads.read<StepRead>(
        this,
        [reader, runId, step, features, recursion] {
            return reader ? readStep(*reader, runId, step, features, recursion) : StepRead{};
        },
        [this](StepRead& r) { applyStep(r); });
}

namespace {
RoutingView::StepRead readStep(const mor::LogReader& reader, qint64 runId, qint64 step,
                               const RunFeatures& features, bool recursion) {
    RoutingView::StepRead r;
    r.step = step;
    r.recursion = recursion;
    if (step < 0) {
        return r;
    }
    if (recursion) {
        r.tokens = recursionRouting(reader.tokenTraces(runId, step), step, features.depthEvery);
        return r;
    }
    if (std::optional<mor::RoutingSnapshot> snap = reader.routing(runId, step)) {
        r.snapshot = std::move(*snap);
    }
    if (features.grouped()) {
        for (int64_t s : reader.traceSteps(runId)) {
            if (s <= step) {
                r.traceStep = s;
            }
        }
        if (r.traceStep >= 0) {
            r.logged = reader.traces(runId, r.traceStep);
        }
    }
    return r;
}
} // namespace

void RoutingView::applyStep(StepRead& read) {
    const qint64 step = read.step;
    d->shownStep = step;
    d->wantStep = step;
    mor::RoutingSnapshot snapshot = std::move(read.snapshot);
    d->groupTraceStep = read.traceStep;
    d->groupLogged = std::move(read.logged);
    if (read.recursion) {
        snapshot = std::move(read.tokens.snapshot);
        d->meta = std::move(read.tokens.meta);
        d->tokens = std::move(read.tokens.tokens);
        setColumns(read.tokens.blocks        ? common::RoutingHeatmap::Columns::Blocks
                   : read.tokens.depthChoice ? common::RoutingHeatmap::Columns::Depths
                                             : common::RoutingHeatmap::Columns::Recursions);
        d->heatmap->setDomainNames(read.tokens.classNames);
        d->aggregate->setColumns(d->heatmap->columns(), std::move(read.tokens.classNames));
    } else {
        d->tokens.clear();
        d->meta.assign(size_t(snapshot.nSamples), common::RowMeta{});
    }
    for (size_t r = 0; !read.recursion && r < d->meta.size() && r < snapshot.sampleIds.size();
         ++r) {
        const auto info = d->samples.find(snapshot.sampleIds[r]);
        if (info != d->samples.end()) {
            d->meta[r] =
                common::RowMeta{info->second.label, info->second.domain, info->second.preview};
        }
    }
    const auto index = std::find(d->steps.begin(), d->steps.end(), step) - d->steps.begin();
    {
        const QSignalBlocker blocker(d->slider);
        d->slider->setValue(int(index));
    }
    d->stepLabel->setText(
        step < 0 ? (d->runId < 0 ? QString() : tr("no routing logged"))
                 : tr("step %1 (%2 / %3)").arg(step).arg(index + 1).arg(d->steps.size()));
    // A recursion model with fixed or vanilla routing has no router: no score to show.
    const bool unrouted = read.recursion && step >= 0 && !read.tokens.routed;
    d->note->setText(d->runId < 0
                         ? tr("Select a run in the run browser to see how it routes its inputs.")
                     : unrouted
                         ? tr("This run's model has no router (routing “%1”): every token goes "
                              "through the recursions the model fixes. The Sequence tab shows "
                              "what each recursion predicted.")
                               .arg(QString::fromStdString(read.tokens.routing))
                         : tr("This run has logged no routing yet. A reflection run shows "
                              "how it routes its inputs to experts here once its first "
                              "evaluation is logged; a recursion run shows its tokens' router "
                              "scores at each recursion once its first evaluation with token "
                              "traces (train.log_traces) is logged."));
    d->pages->setCurrentIndex(step < 0 || unrouted ? 1 : 0);
    // Nothing to sort or aggregate without a router's scores.
    d->sortCombo->setEnabled(step >= 0 && !unrouted);
    d->groupCombo->setEnabled(step >= 0 && !unrouted);
    d->aggregate->setData(snapshot, d->meta, d->groupCombo->currentIndex() == 1);
    const LoadSummary load = read.recursion ? summarizeRecursionLoad(snapshot, read.tokens.blocks)
                                            : summarizeLoad(snapshot);
    // The heatmap keeps the one copy (a 100,000 x 64 snapshot is 25 MB of probabilities).
    d->heatmap->setSnapshot(std::move(snapshot), d->meta);
    d->load->setSummary(load);
    d->warnings->setText(load.warnings.join("\n"));
    d->warnings->setVisible(!load.warnings.isEmpty());
    updateGroups();
}

void RoutingView::updateGroups() {
    d->groups->setVisible(d->features.grouped());
    if (!d->features.grouped()) {
        return;
    }
    // The traced inputs of the last evaluation step with traces at or before the shown one.
    const qint64 traceStep = d->reader && d->shownStep >= 0 ? d->groupTraceStep : -1;
    if (traceStep < 0) {
        d->groups->setMessage(tr("No traced inputs at or before this step."));
        return;
    }
    const int experts = int(d->heatmap->snapshot().nExperts);
    const auto done = d->groupTraces.find(traceStep);
    if (done != d->groupTraces.end() && done->second.error.isEmpty()) {
        d->groups->setTraces(done->second.traces, d->features, experts,
                             tr("step %1, traced from its checkpoint").arg(traceStep));
        return;
    }
    const std::vector<mor::SampleTrace>& logged = d->groupLogged;
    const bool recorded = std::any_of(logged.begin(), logged.end(),
                                      [](const mor::SampleTrace& t) { return t.group >= 0; });
    if (recorded || logged.empty()) {
        d->groups->setTraces(logged, d->features, experts,
                             tr("probe inputs of step %1 from the log").arg(traceStep));
        return;
    }
    if (done != d->groupTraces.end()) {
        d->groups->setTraces(logged, d->features, experts,
                             tr("step %1; re-running its checkpoint failed: %2")
                                 .arg(traceStep)
                                 .arg(done->second.error));
        return;
    }
    // The log did not record the groups: trace the same inputs through the checkpoint of that
    // step off the GUI thread (one step at a time; a step shown meanwhile is traced next).
    d->groups->setTraces(logged, d->features, experts,
                         tr("step %1; tracing them through its checkpoint…").arg(traceStep));
    if (d->tracingStep >= 0) {
        return;
    }
    d->tracingStep = traceStep;
    std::vector<int64_t> ids;
    for (const mor::SampleTrace& t : logged) {
        ids.push_back(t.sampleId);
    }
    const std::string path = d->reader->path();
    const qint64 runId = d->runId;
    // The watcher is a child of the view: if the view goes first, the result is dropped.
    auto* watcher = new QFutureWatcher<Private::GroupTraces>(this);
    connect(watcher, &QFutureWatcher<Private::GroupTraces>::finished, this,
            [this, watcher, runId, traceStep] {
                watcher->deleteLater();
                d->tracingStep = -1;
                if (runId == d->runId) { // else another run was opened meanwhile
                    d->groupTraces[traceStep] = watcher->result();
                }
                updateGroups();
            });
    watcher->setFuture(QtConcurrent::run([path, runId, traceStep, ids] {
        Private::GroupTraces result;
        const auto traces =
            common::EngineAccess::engine().traceSamples(path, runId, traceStep, ids);
        if (!traces || traces->empty()) {
            result.error = QString::fromStdString(traces ? "no trace" : traces.error());
        } else {
            result.traces = traces.value();
        }
        return result;
    }));
}

void RoutingView::setRecursionMode(bool recursion) {
    d->recursion = recursion;
    if (!recursion) {
        d->heatmap->setDomainNames({});
        setColumns(common::RoutingHeatmap::Columns::Experts);
    } // a recursion run's columns (recursions or blocks) follow its traces (applyStep)
}

void RoutingView::setColumns(common::RoutingHeatmap::Columns columns) {
    if (columns != d->heatmap->columns()) {
        d->heatmap->setColumns(columns);
        d->aggregate->setColumns(columns);
        d->load->setColumns(columns);
    }
    retranslateModes();
}

void RoutingView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateModes();
    }
    common::InspectView::changeEvent(event);
}

void RoutingView::retranslateModes() {
    // The same sort keys and groupings, named for what the rows are.
    using Columns = common::RoutingHeatmap::Columns;
    const Columns c = d->heatmap->columns();
    const bool r = c != Columns::Experts;
    const bool b = c == Columns::Blocks;
    d->sortCombo->setItemText(0, r ? tr("Token (in sequence order)") : tr("Input (log order)"));
    d->sortCombo->setItemText(1, b ? tr("Blocks used") : r ? tr("Depth") : tr("Class"));
    d->sortCombo->setItemText(2, r ? tr("Difficulty class") : tr("Domain"));
    d->sortCombo->setItemText(3, b                       ? tr("Highest-scoring block")
                                 : c == Columns::Depths ? tr("Router's most probable depth")
                                 : r                    ? tr("Highest-scoring recursion")
                                                        : tr("Top expert"));
    d->groupCombo->setItemText(0, b   ? tr("Blocks used × block")
                                  : r ? tr("Depth × recursion")
                                      : tr("Class × expert"));
    d->groupCombo->setItemText(1, b   ? tr("Difficulty class × block")
                                  : r ? tr("Difficulty class × recursion")
                                      : tr("Domain × expert"));
}

qint64 RoutingView::shownStep() const {
    return d->shownStep;
}

qint64 RoutingView::shownRun() const {
    return d->runId;
}

bool RoutingView::isReading() const {
    return d->reads.isPending();
}

} // namespace inspect
