#include "inspect/routingview.h"

#include "inspect/groupexpertheatmap.h"
#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "inspect/routingaggregateplot.h"
#include "common/routingheatmap.h"
#include "inspect/routingloadplot.h"
#include "common/engineaccess.h"

#include <mor/log_reader.h>
#include <mor/engine_interface.h>

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace inspect {

struct RoutingView::Private {
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    std::unordered_map<int64_t, mor::SampleInfo> samples;
    std::vector<int64_t> steps;
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
    layout->addWidget(splitter, 1);

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
    connect(d->heatmap, &common::RoutingHeatmap::cellClicked, this, [this](qint64 sampleId, int) {
        Q_EMIT sampleActivated(d->shownStep, sampleId, false);
    });
    common::installExportMenus(this);
    common::followTheme(this);
    setRun(nullptr, -1);
}

RoutingView::~RoutingView() = default;

void RoutingView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->reader = runId >= 0 ? std::move(reader) : nullptr;
    d->runId = d->reader ? runId : -1;
    d->shownStep = -1;
    d->steps.clear();
    d->features = readRunFeatures(d->reader.get(), d->runId);
    d->groupTraces.clear();
    d->groups->setVisible(d->features.grouped());
    d->heatmap->setExpertWidths(d->features.nestedWidths);
    d->aggregate->setExpertWidths(d->features.nestedWidths);
    refresh();
}

void RoutingView::refresh() {
    d->samples.clear();
    if (d->reader) {
        for (mor::SampleInfo& s : d->reader->samples(d->runId)) {
            const int64_t id = s.sampleId;
            d->samples.emplace(id, std::move(s));
        }
    }
    const bool wasAtEnd = d->steps.empty() || d->shownStep == d->steps.back();
    d->steps = d->reader ? d->reader->routingSteps(d->runId) : std::vector<int64_t>{};
    {
        const QSignalBlocker blocker(d->slider);
        d->slider->setRange(0, std::max(0, int(d->steps.size()) - 1));
        d->slider->setEnabled(d->steps.size() > 1);
    }
    d->play->setEnabled(d->steps.size() > 1);
    if (d->steps.empty()) {
        showStep(-1);
        return;
    }
    // Follow a growing run when the user was looking at its newest snapshot.
    const auto it = std::find(d->steps.begin(), d->steps.end(), d->shownStep);
    const qint64 step = (wasAtEnd || it == d->steps.end()) ? d->steps.back() : d->shownStep;
    d->shownStep = -1; // force a reload
    showStep(step);
}

void RoutingView::showStep(qint64 step) {
    if (step == d->shownStep && step >= 0) {
        return;
    }
    d->shownStep = step;
    std::optional<mor::RoutingSnapshot> snap;
    if (d->reader && step >= 0) {
        snap = d->reader->routing(d->runId, step);
    }
    mor::RoutingSnapshot snapshot = snap ? std::move(*snap) : mor::RoutingSnapshot{};
    d->meta.assign(size_t(snapshot.nSamples), common::RowMeta{});
    for (size_t r = 0; r < d->meta.size() && r < snapshot.sampleIds.size(); ++r) {
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
        step < 0 ? tr("no routing logged")
                 : tr("step %1 (%2 / %3)").arg(step).arg(index + 1).arg(d->steps.size()));
    d->aggregate->setData(snapshot, d->meta, d->groupCombo->currentIndex() == 1);
    const LoadSummary load = summarizeLoad(snapshot);
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
    qint64 traceStep = -1;
    if (d->reader && d->shownStep >= 0) {
        for (int64_t s : d->reader->traceSteps(d->runId)) {
            if (s <= d->shownStep) {
                traceStep = s;
            }
        }
    }
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
    const std::vector<mor::SampleTrace> logged = d->reader->traces(d->runId, traceStep);
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

qint64 RoutingView::shownStep() const {
    return d->shownStep;
}

} // namespace inspect
