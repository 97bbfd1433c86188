#include "sequence/sequenceview.h"

#include "common/plotexport.h"
#include "common/stepcursorbar.h"
#include "sequence/depthblocks.h"
#include "sequence/depthlegend.h"
#include "sequence/depthplots.h"
#include "sequence/engineadapters.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceread.h"
#include "sequence/sequencestats.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/tokenstyle.h"
#include "shell/logreads.h"

#include <mor/log_reader.h>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>
#include <tuple>

namespace sequence {
namespace {
QString previewOf(const mor::TokenTrace& trace) {
    QString text;
    for (const auto& token : trace.tokens) {
        text += displayText(token.text);
    }
    if (text.size() > 48) {
        text = text.left(47) + QStringLiteral("…");
    }
    return text;
}
} // namespace

struct SequenceView::Private {
    std::shared_ptr<const mor::LogReader> reader; ///< of the run shown
    qint64 runId = -1;
    std::shared_ptr<const mor::LogReader> wantReader; ///< the run setRun() asked for ...
    qint64 wantRun = -1;
    bool resetPending = false; ///< ... until a read of it is shown
    shell::LogReads reads;
    bool inMemory = false;
    std::map<int64_t, std::vector<mor::TokenTrace>> byStep; ///< cache (all of it when in memory)
    std::vector<int64_t> steps;
    /// Texts the user traced, per evaluation step (listed after the probe sequences).
    std::map<int64_t, std::vector<mor::TokenTrace>> typed;
    Vocabulary vocabulary;
    /// The run's whole vocabulary (its checkpoint's .vocab file): names predictions that no
    /// target of the traces names (they showed as "?").
    Vocabulary runVocabulary;
    TextTracer tracer = engineTextTracer();
    bool dirty = false; ///< steps changed while hidden: their traces are read when shown
    /// showToken() waiting for a read: step (-1: none), sequence, token, recursion.
    std::tuple<qint64, int, int, int> pendingToken{-1, 0, 0, 0};
    int pendingTraces = 0;

    QComboBox* stepCombo = nullptr;
    QComboBox* sequenceCombo = nullptr;
    QLineEdit* textEdit = nullptr;
    QPushButton* traceButton = nullptr;
    QLabel* status = nullptr;
    QLabel* summary = nullptr;
    QLabel* stepLabel = nullptr;
    QLabel* sequenceLabel = nullptr;
    TokenDepthModel* model = nullptr;
    TokenFlowWidget* flow = nullptr;
    DepthLegend* legend = nullptr;
    QCheckBox* ladderCheck = nullptr; ///< the recursion ladder under the tokens on or off
    RecursionStepper* stepper = nullptr;
    DepthPlots* plots = nullptr;
    GeneratePanel* generate = nullptr;

    /// The traces read of `step` (none while they are not read: the view never reads here).
    const std::vector<mor::TokenTrace>& tracesAt(int64_t step) const {
        static const std::vector<mor::TokenTrace> none;
        const auto it = byStep.find(step);
        return it != byStep.end() ? it->second : none;
    }
};

void SequenceView::setTextGenerator(GeneratePanel::TextGenerator generator) {
    d->generate->setGenerator(std::move(generator));
}
bool SequenceView::generateText(const QString& prompt) {
    return d->generate->generate(prompt);
}
GeneratePanel* SequenceView::generatePanel() const {
    return d->generate;
}

SequenceView::SequenceView(QWidget* parent) : common::InspectView(parent), d(new Private) {
    setObjectName(QStringLiteral("sequenceView"));
    d->stepLabel = new QLabel(this);
    d->stepCombo = new QComboBox(this);
    d->stepCombo->setObjectName(QStringLiteral("evalStepCombo"));
    // As wide as its longest step ("step 880" was cut to "step 8": sized at the first show).
    d->stepCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    d->sequenceLabel = new QLabel(this);
    d->sequenceCombo = new QComboBox(this);
    d->sequenceCombo->setObjectName(QStringLiteral("sequenceCombo"));
    d->sequenceCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    d->sequenceCombo->setMinimumContentsLength(28);
    d->textEdit = new QLineEdit(this);
    d->textEdit->setObjectName(QStringLiteral("customTextEdit"));
    d->textEdit->setClearButtonEnabled(true);
    d->traceButton = new QPushButton(this);
    d->traceButton->setObjectName(QStringLiteral("traceButton"));
    d->status = new QLabel(this);
    d->status->setObjectName(QStringLiteral("sequenceStatus"));
    d->status->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(d->stepLabel);
    top->addWidget(d->stepCombo);
    top->addSpacing(12);
    top->addWidget(d->sequenceLabel);
    top->addWidget(d->sequenceCombo, 1);
    top->addSpacing(12);
    top->addWidget(d->textEdit, 2);
    top->addWidget(d->traceButton);

    d->model = new TokenDepthModel(this);
    d->flow = new TokenFlowWidget(this);
    d->flow->setModel(d->model);
    d->legend = new DepthLegend(this);
    d->summary = new QLabel(this);
    d->summary->setObjectName(QStringLiteral("sequenceSummary"));
    d->summary->setWordWrap(true); // a second line (what the later recursions changed) is long
    d->stepper = new RecursionStepper(this);
    d->plots = new DepthPlots(this);
    d->generate = new GeneratePanel(this);
    d->generate->setGenerator(engineTextGenerator());

    auto* textBox = new QWidget(this);
    auto* textLayout = new QVBoxLayout(textBox);
    textLayout->setContentsMargins(0, 0, 0, 0);
    textLayout->addWidget(d->flow, 1);
    d->ladderCheck = new QCheckBox(this);
    d->ladderCheck->setObjectName(QStringLiteral("ladderCheck"));
    d->ladderCheck->setChecked(d->flow->isLadderShown());
    d->ladderCheck->setVisible(false);
    auto* legendRow = new QHBoxLayout;
    legendRow->addWidget(d->legend);
    legendRow->addStretch(1);
    legendRow->addWidget(d->ladderCheck);
    textLayout->addLayout(legendRow);
    textLayout->addWidget(d->summary);
    textLayout->addWidget(d->generate);

    auto* middle = new QSplitter(Qt::Horizontal, this);
    middle->addWidget(textBox);
    middle->addWidget(d->stepper);
    middle->setStretchFactor(0, 3);
    middle->setStretchFactor(1, 2);
    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(middle);
    vertical->addWidget(d->plots);
    // The tokens and the recursion stepper get the larger share: at 1280x800 in presentation
    // mode an equal share cut off the stepper plot's legend. At 2:1 the plots below were
    // squeezed at 1600x1000.
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(d->status);
    layout->addWidget(vertical, 1);

    connect(d->stepCombo, &QComboBox::currentIndexChanged, this, [this] { onStepChosen(); });
    connect(d->sequenceCombo, &QComboBox::currentIndexChanged, this,
            [this] { onSequenceChosen(); });
    connect(d->flow, &TokenFlowWidget::currentTokenChanged, this, [this](int row) {
        if (const mor::TokenTrace* trace = currentTrace()) {
            d->stepper->setToken(*trace, row, d->vocabulary);
        }
        d->flow->setCurrentRecursion(d->stepper->recursion());
    });
    // The ladder under the tokens and the stepper show the same recursion: a cell clicked (or
    // Up/Down) moves the stepper, the stepper's cursor marks its cell.
    connect(d->flow, &TokenFlowWidget::recursionPicked, d->stepper,
            &RecursionStepper::setRecursion);
    connect(d->stepper->cursor(), &common::StepCursorBar::currentChanged, this,
            [this] { d->flow->setCurrentRecursion(d->stepper->recursion()); });
    connect(d->ladderCheck, &QCheckBox::toggled, d->flow, &TokenFlowWidget::setLadderShown);
    connect(d->traceButton, &QPushButton::clicked, this,
            [this] { traceText(d->textEdit->text()); });
    connect(d->textEdit, &QLineEdit::returnPressed, this,
            [this] { traceText(d->textEdit->text()); });
    connect(d->textEdit, &QLineEdit::textChanged, this, [this] { updateTracingControls(); });
    connect(d->generate->generateButton(), &QPushButton::clicked, this,
            [this] { generateText(d->textEdit->text()); });
    retranslate();
    reload();
}

SequenceView::~SequenceView() = default;

void SequenceView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->wantReader = runId >= 0 ? std::move(reader) : nullptr;
    d->wantRun = d->wantReader ? runId : -1;
    d->resetPending = true;
    d->inMemory = false;
    read(true);
}

void SequenceView::setReadPool(QThreadPool* pool) {
    d->reads.setPool(pool);
}

bool SequenceView::isReading() const {
    return d->reads.isPending();
}

qint64 SequenceView::shownRun() const {
    return d->runId;
}

void SequenceView::read(bool reset) {
    const auto reader = reset ? d->wantReader : d->reader;
    const qint64 runId = reset ? d->wantRun : d->runId;
    // Training writes often and the tab may be hidden: then only the list of steps (whether
    // the run has traces at all); their traces when the view is shown.
    const bool withTraces = reset || isVisible();
    const auto known = d->steps;
    const bool complete = !d->dirty;
    const auto readRun = [reader, runId, reset, withTraces, known, complete] {
        return readSequenceRun(reader, runId, reset, withTraces, known, complete);
    };
    const auto apply = [this](SequenceRead& r) {
        if (r.failed || r.unchanged) {
            return; // what is shown stays; a failed newly asked run is read at the next change
        }
        const bool had = hasTokenTraces();
        if (r.reset) {
            d->resetPending = false;
            d->reader = std::move(r.reader);
            d->runId = r.runId;
            d->typed.clear();
            d->runVocabulary.clear();
            d->stepper->setDepthEvery(r.depthEvery); // Mixture-of-Depths: which blocks route
            d->model->setDepthEvery(r.depthEvery);
        }
        d->steps = std::move(r.steps);
        d->byStep = std::move(r.byStep);
        d->dirty = !r.tracesRead;
        if (r.tracesRead) {
            d->runVocabulary = std::move(r.runVocabulary);
            reload();
            showPendingToken();
        }
        if (had != hasTokenTraces()) {
            Q_EMIT tokenTracesAvailable(hasTokenTraces());
        }
    };
    d->reads.readOrClear<SequenceRead>(!reader || runId < 0, this, readRun, apply);
}

void SequenceView::setTraces(const std::map<int64_t, std::vector<mor::TokenTrace>>& byStep) {
    const bool had = hasTokenTraces();
    d->reads.cancel(); // a read of the log under way is not shown over these
    d->inMemory = true;
    d->resetPending = false;
    d->wantReader.reset();
    d->wantRun = -1;
    d->dirty = false;
    d->reader.reset();
    d->runId = -1;
    d->byStep = byStep;
    d->typed.clear();
    d->runVocabulary.clear();
    d->steps.clear();
    for (const auto& entry : byStep) {
        d->steps.push_back(entry.first);
    }
    reload();
    if (had != hasTokenTraces()) {
        Q_EMIT tokenTracesAvailable(hasTokenTraces());
    }
}

bool SequenceView::hasTokenTraces() const {
    return !d->steps.empty();
}

void SequenceView::refresh() {
    if (d->inMemory) {
        return;
    }
    read(d->resetPending); // a run asked for and not read yet (the log did not answer) first
}

void SequenceView::showEvent(QShowEvent* event) {
    common::InspectView::showEvent(event);
    if (d->dirty && !d->resetPending) {
        read(false); // the steps that came while hidden, on the pool
    }
}

void SequenceView::reload() {
    const qint64 previous = evaluationStep();
    const QSignalBlocker block(d->stepCombo);
    d->stepCombo->clear();
    int select = int(d->steps.size()) - 1;
    for (size_t i = 0; i < d->steps.size(); ++i) {
        d->stepCombo->addItem(tr("step %1").arg(d->steps[i]), qint64(d->steps[i]));
        if (d->steps[i] == previous) {
            select = int(i);
        }
    }
    d->stepCombo->setCurrentIndex(select);
    d->status->setText(d->steps.empty()
                           ? (d->runId >= 0 || d->inMemory
                                  ? tr("This run has no token traces: only sequence models "
                                       "(Mixture-of-Recursions) log them.")
                                  : tr("Select a sequence run in the run browser."))
                           : QString());
    d->status->setVisible(!d->status->text().isEmpty());
    onStepChosen();
}

qint64 SequenceView::evaluationStep() const {
    return d->stepCombo->currentIndex() >= 0 ? d->stepCombo->currentData().toLongLong() : -1;
}

void SequenceView::onStepChosen() {
    const qint64 step = evaluationStep();
    const auto& traces = step >= 0 ? d->tracesAt(step) : std::vector<mor::TokenTrace>{};
    d->vocabulary = mor::mergedTokenNames(vocabularyOf(traces), d->runVocabulary);
    const int keep = d->sequenceCombo->currentIndex();
    fillSequenceCombo(keep >= 0 && keep < int(traces.size()) ? keep : 0);
    updatePlots();
    updateTracingControls();
}

void SequenceView::fillSequenceCombo(int select) {
    const qint64 step = evaluationStep();
    {
        const QSignalBlocker block(d->sequenceCombo);
        d->sequenceCombo->clear();
        if (step >= 0) {
            for (const auto& trace : d->tracesAt(step)) {
                d->sequenceCombo->addItem(tr("#%1: %2").arg(trace.sampleId).arg(previewOf(trace)));
            }
            for (const auto& trace : d->typed[step]) {
                d->sequenceCombo->addItem(tr("typed: %1").arg(previewOf(trace)));
            }
        }
        d->sequenceCombo->setCurrentIndex(std::min(select, d->sequenceCombo->count() - 1));
    }
    onSequenceChosen();
}

const mor::TokenTrace* SequenceView::currentTrace() const {
    const qint64 step = evaluationStep();
    const int index = d->sequenceCombo->currentIndex();
    if (step < 0 || index < 0) {
        return nullptr;
    }
    const auto& probes = d->tracesAt(step);
    if (index < int(probes.size())) {
        return &probes[size_t(index)];
    }
    const auto it = d->typed.find(step);
    const size_t t = size_t(index) - probes.size();
    return it != d->typed.end() && t < it->second.size() ? &it->second[t] : nullptr;
}

void SequenceView::onSequenceChosen() {
    const mor::TokenTrace* trace = currentTrace();
    if (!trace) {
        d->model->clear();
        d->stepper->clear();
        d->legend->setMaxDepth(0);
        d->legend->setBlocksMode(false);
        d->ladderCheck->setVisible(false);
        d->summary->clear();
        return;
    }
    // Typed texts may use tokens the probes never targeted: name them too.
    for (const auto& [id, text] : vocabularyOf({*trace})) {
        d->vocabulary.emplace(id, text);
    }
    d->model->setTrace(*trace, d->vocabulary);
    d->legend->setMaxDepth(d->model->maxDepth());
    d->legend->setBlocksMode(isMixtureOfDepths(*trace));
    d->ladderCheck->setVisible(d->flow->hasLadder());
    d->summary->setText(summaryOf(*trace));
    // Open the first token the model has to predict (in addition tasks the question has none).
    int first = trace->tokens.empty() ? -1 : 0;
    for (size_t i = 0; i < trace->tokens.size(); ++i) {
        if (trace->tokens[i].target >= 0) {
            first = int(i);
            break;
        }
    }
    selectToken(first);
}

void SequenceView::selectToken(int row) {
    d->flow->setCurrentToken(row);
    if (const mor::TokenTrace* trace = currentTrace()) {
        if (d->stepper->tokenRow() != row || row < 0) {
            d->stepper->setToken(*trace, row, d->vocabulary);
        }
    }
    d->flow->setCurrentRecursion(d->stepper->recursion());
}

void SequenceView::showToken(qint64 step, int index, int row, int r) {
    d->pendingToken = {step, index, row, r};
    if (d->reads.isPending() || d->dirty) {
        refresh(); // shown by the read's reload()
    } else {
        showPendingToken();
    }
}

void SequenceView::showPendingToken() {
    const auto [step, index, row, r] = d->pendingToken;
    d->pendingToken = {-1, 0, 0, 0};
    if (step >= 0 && showSequence(step, index)) {
        selectToken(row);
        d->stepper->setRecursion(r);
    }
}

bool SequenceView::showSequence(qint64 step, int index) {
    const int stepIndex = d->stepCombo->findData(step);
    if (stepIndex < 0) {
        return false;
    }
    d->stepCombo->setCurrentIndex(stepIndex);
    if (index < 0 || index >= d->sequenceCombo->count()) {
        return false;
    }
    d->sequenceCombo->setCurrentIndex(index);
    return true;
}

void SequenceView::updatePlots() {
    const qint64 step = evaluationStep();
    if (step < 0) {
        d->plots->clear();
        return;
    }
    const auto& traces = d->tracesAt(step);
    d->plots->setBlocksMode(!traces.empty() && isMixtureOfDepths(traces.front()));
    const auto classes = depthByClass(traces);
    d->plots->setClassDepths(classes, maxDepthOf(traces), usesDifficultyClasses(traces));
    std::vector<double> overall;
    std::vector<std::vector<double>> perClass(classes.size());
    QStringList names;
    for (const auto& c : classes) {
        names << c.name;
    }
    for (int64_t s : d->steps) {
        const auto& atStep = d->tracesAt(s);
        overall.push_back(meanDepth(atStep));
        const auto stepClasses = depthByClass(atStep);
        for (size_t c = 0; c < perClass.size(); ++c) {
            const bool has = c < stepClasses.size() && stepClasses[c].tokens > 0;
            perClass[c].push_back(has ? stepClasses[c].meanDepth
                                      : std::numeric_limits<double>::quiet_NaN());
        }
    }
    d->plots->setDepthByStep(d->steps, overall, perClass, names);
}

void SequenceView::setTextTracer(TextTracer tracer) {
    d->tracer = std::move(tracer);
    updateTracingControls();
}

void SequenceView::updateTracingControls() {
    d->generate->setContext(d->reader ? d->reader->path() : std::string(),
                            d->inMemory ? -1 : d->runId, evaluationStep());
    const bool canTrace = d->tracer && evaluationStep() >= 0;
    d->textEdit->setEnabled(canTrace);
    d->traceButton->setEnabled(canTrace && !d->textEdit->text().isEmpty() && d->pendingTraces == 0);
    d->textEdit->setPlaceholderText(canTrace ? tr("Type any text to trace it through the model")
                                             : tr("Tracing typed text needs a run checkpoint"));
}

bool SequenceView::traceText(const QString& text) {
    const qint64 step = evaluationStep();
    if (!d->tracer || step < 0 || text.isEmpty()) {
        return false;
    }
    const std::string path = d->reader ? d->reader->path() : std::string();
    const qint64 runId = d->runId;
    const std::string utf8 = text.toStdString();
    TextTracer tracer = d->tracer;
    ++d->pendingTraces;
    updateTracingControls();
    d->status->setText(tr("Tracing “%1” through the checkpoint of step %2…").arg(text).arg(step));
    d->status->setVisible(true);
    struct Result {
        std::vector<mor::TokenTrace> traces;
        QString error;
    };
    // The watcher is a child of the view: if the view goes first, the result is dropped.
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this,
            [this, watcher, step, runId, text] {
                watcher->deleteLater();
                --d->pendingTraces;
                updateTracingControls();
                const Result result = watcher->result();
                if (runId != d->runId || d->stepCombo->findData(step) < 0) {
                    return; // another run was opened meanwhile
                }
                if (result.traces.empty()) {
                    d->status->setText(tr("Tracing failed: %1").arg(result.error));
                    Q_EMIT textTraced(false);
                    return;
                }
                // Say what the model did not see: characters outside its vocabulary (left
                // out by the tokenizer), or the start of a text longer than its context.
                const int traced = int(result.traces.front().tokens.size());
                bool cut = false;
                const QString dropped = droppedCharacters(text, result.traces.front(), &cut);
                d->status->setText(
                    !dropped.isEmpty()
                        ? tr("Not in the model's vocabulary, left out: %1").arg(dropped)
                    : cut ? tr("The model's context holds %n token(s): the last ones were "
                               "traced.",
                               nullptr, traced)
                          : QString());
                d->status->setVisible(!d->status->text().isEmpty());
                auto& typed = d->typed[step];
                typed.push_back(result.traces.front());
                if (evaluationStep() != step) {
                    showSequence(step, 0);
                }
                fillSequenceCombo(int(d->tracesAt(step).size() + typed.size()) - 1);
                Q_EMIT textTraced(true);
            });
    watcher->setFuture(QtConcurrent::run([tracer, path, runId, step, utf8] {
        Result result;
        std::string error;
        try {
            result.traces = tracer(path, runId, step, utf8, &error);
        } catch (const std::exception& e) {
            error = e.what(); // never let a tracer's exception end the worker thread
        }
        if (result.traces.empty()) {
            result.error = QString::fromStdString(error.empty() ? "no trace" : error);
        }
        return result;
    }));
    return true;
}

TokenDepthModel* SequenceView::tokenModel() const {
    return d->model;
}
TokenFlowWidget* SequenceView::tokenFlow() const {
    return d->flow;
}
RecursionStepper* SequenceView::recursionStepper() const {
    return d->stepper;
}
DepthPlots* SequenceView::depthPlots() const {
    return d->plots;
}

void SequenceView::retranslate() {
    d->stepLabel->setText(tr("Evaluation step"));
    d->sequenceLabel->setText(tr("Sequence"));
    d->traceButton->setText(tr("Trace"));
    d->ladderCheck->setText(tr("Prediction after each recursion"));
    d->ladderCheck->setToolTip(
        tr("Under each token, one cell per recursion it went through: what the model would "
           "have predicted had the token left there (green right, purple wrong), the bar the "
           "target's probability; the framed cell is the answer the token leaves with"));
    d->traceButton->setToolTip(tr("Run the typed text through the checkpoint of this step"));
    updateTracingControls();
}

void SequenceView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        reload();
    }
    common::InspectView::changeEvent(event);
}
} // namespace sequence
