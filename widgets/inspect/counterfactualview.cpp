#include "inspect/counterfactualview.h"

#include "inspect/counterfactualcontrols.h"
#include "inspect/tracecomparison.h"
#include "common/engineaccess.h"

#include <mor/config.h>
#include <mor/log_reader.h>
#include <mor/engine_interface.h>
#include <mor/trainer.h>

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace inspect {

namespace {

struct Result {
    std::vector<mor::SampleTrace> original, changed;
    QString error;
};

} // namespace

struct CounterfactualView::Private {
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    qint64 step = -1;
    qint64 sampleId = -1;
    int generation = 0; ///< raised by every change of run or input: older results are dropped
    bool busy = false;
    CounterfactualControls* controls = nullptr;
    TraceComparison* comparison = nullptr;
    QLabel* input = nullptr;
};

CounterfactualView::CounterfactualView(QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>()) {
    setObjectName("counterfactualView");
    d->input = new QLabel(this);
    d->input->setObjectName("cfInput");
    d->input->setWordWrap(true);
    d->controls = new CounterfactualControls(this);
    d->comparison = new TraceComparison(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(d->input);
    layout->addWidget(d->controls);
    layout->addWidget(d->comparison, 1);
    connect(d->controls, &CounterfactualControls::runRequested, this, &CounterfactualView::run);
    setRun(nullptr, -1);
}

CounterfactualView::~CounterfactualView() = default;

CounterfactualControls* CounterfactualView::controls() const {
    return d->controls;
}
TraceComparison* CounterfactualView::comparison() const {
    return d->comparison;
}
bool CounterfactualView::isBusy() const {
    return d->busy;
}

void CounterfactualView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    std::string config;
    if (reader && runId >= 0) {
        if (const auto run = reader->run(runId)) {
            config = run->configJson;
        }
    }
    setRun(std::move(reader), runId, config);
}

void CounterfactualView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId,
                                const std::string& configJson) {
    d->reader = runId >= 0 ? std::move(reader) : nullptr;
    d->runId = d->reader ? runId : -1;
    int experts = 0, depth = 1;
    if (d->reader && !configJson.empty()) {
        const auto parsed = mor::parseConfig(configJson);
        if (parsed.ok()) {
            experts = int(parsed.config.model.experts.size());
            for (const auto& e : parsed.config.model.experts) {
                depth = std::max(depth, int(e.maxDepth));
            }
        }
    }
    d->controls->setModel(experts, depth);
    d->controls->setIntervention(mor::Intervention{});
    setInput(-1, -1);
}

void CounterfactualView::setInput(qint64 step, qint64 sampleId) {
    if (step == d->step && sampleId == d->sampleId && d->reader) {
        return;
    }
    ++d->generation;
    d->busy = false;
    d->step = step;
    d->sampleId = d->reader ? sampleId : -1;
    d->controls->setRunEnabled(d->sampleId >= 0);
    if (d->sampleId < 0) {
        d->input->setText(d->reader ? tr("No input selected: pick one in the list on the left.")
                                    : tr("No run open."));
    } else {
        d->input->setText(tr("Input #%1 on the checkpoint of evaluation step %2 (or the last "
                             "one before it).")
                              .arg(d->sampleId)
                              .arg(d->step));
    }
    d->comparison->clear(tr("Choose a change above and press Run what-if."));
}

void CounterfactualView::run() {
    if (!d->reader || d->sampleId < 0) {
        return;
    }
    const int generation = ++d->generation;
    d->busy = true;
    d->controls->setRunEnabled(false);
    const mor::Intervention intervention = d->controls->intervention();
    const QString what = CounterfactualControls::describe(intervention);
    d->comparison->clear(
        tr("Running the checkpoint on input #%1: %2 …").arg(d->sampleId).arg(what));
    const std::string logPath = d->reader->path();
    const int64_t runId = d->runId;
    mor::TraceRequest request;
    request.step = d->step;
    request.sampleIds = {d->sampleId};
    // The watcher is a child of the view: if the view goes first, the result is dropped.
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation, what] {
        watcher->deleteLater();
        if (generation != d->generation) {
            return; // another input or run was chosen meanwhile
        }
        d->busy = false;
        d->controls->setRunEnabled(true);
        const Result result = watcher->result();
        if (!result.error.isEmpty()) {
            d->comparison->clear(tr("The what-if could not be computed: %1").arg(result.error));
        } else {
            d->comparison->setTraces(result.original.front(), result.changed.front(), what);
        }
        Q_EMIT computed();
    });
    watcher->setFuture(QtConcurrent::run([logPath, runId, request, intervention]() mutable {
        Result result;
        std::string error;
        // Both from the same checkpoint and code path, as `mor trace` does: the original is
        // the intervention-free pass.
        mor::EngineInterface& engine = common::EngineAccess::engine();
        auto original = engine.traceRequest(logPath, runId, request);
        if (original) {
            result.original = std::move(original).value();
            request.intervention = intervention;
            auto changed = engine.traceRequest(logPath, runId, request);
            if (changed) {
                result.changed = std::move(changed).value();
            } else {
                error = changed.error();
            }
        } else {
            error = original.error();
        }
        if (result.original.empty() || result.changed.empty()) {
            result.error =
                error.empty() ? CounterfactualView::tr("no trace") : QString::fromStdString(error);
        }
        return result;
    }));
}

} // namespace inspect
