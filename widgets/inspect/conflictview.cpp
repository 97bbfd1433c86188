#include "inspect/conflictview.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "inspect/conflictfilterproxy.h"
#include "inspect/conflictplots.h"
#include "inspect/conflicttablemodel.h"
#include "inspect/runsettings.h"

#include <mor/log_reader.h>

#include "shell/logreads.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <map>

namespace inspect {

/// What setRun() and refresh() read, off the GUI thread in a window.
struct ConflictView::Read {
    bool reset = false;
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    RunSettings settings;
    std::vector<mor::ConflictRecord> conflicts;
    std::vector<int64_t> steps;
    std::vector<mor::MetricPoint> loggedRate;
    int64_t probeInputs = 0, allInputs = 0;
};

struct ConflictView::Private {
    std::shared_ptr<const mor::LogReader> reader; ///< of the run shown
    qint64 runId = -1;
    std::shared_ptr<const mor::LogReader> wantReader; ///< the run asked for (setRun)
    qint64 wantRun = -1;
    bool resetPending = false;
    shell::LogReads reads;
    RunSettings settings;
    RateSeries rate;
    ConflictTableModel* model = nullptr;
    ConflictFilterProxy* proxy = nullptr;
    QTableView* table = nullptr;
    QLineEdit* text = nullptr;
    QCheckBox* wrongOnly = nullptr;
    QComboBox* stepCombo = nullptr;
    QLabel* count = nullptr;
    QLabel* note = nullptr; ///< why there can be no conflicts (one selected expert)
    ConflictPlots* plots = nullptr;
};

ConflictView::ConflictView(QWidget* parent)
    : common::InspectView(parent), d(std::make_unique<Private>()) {
    setObjectName("conflictView");
    d->model = new ConflictTableModel(this);
    d->proxy = new ConflictFilterProxy(this);
    d->proxy->setSourceModel(d->model);
    d->table = new QTableView(this);
    d->table->setObjectName("conflictTable");
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(ConflictTableModel::Score, Qt::DescendingOrder);
    d->table->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->table->setAlternatingRowColors(true);
    d->table->verticalHeader()->setVisible(false);
    d->table->verticalHeader()->setDefaultSectionSize(22);
    d->table->horizontalHeader()->setStretchLastSection(true);
    d->text = new QLineEdit(this);
    d->text->setObjectName("conflictFilter");
    d->text->setPlaceholderText(tr("Filter: input, expert (E2), resolution…"));
    d->text->setClearButtonEnabled(true);
    d->text->setMinimumWidth(200);
    d->wrongOnly = new QCheckBox(tr("Wrong only"), this);
    d->wrongOnly->setObjectName("wrongOnly");
    d->stepCombo = new QComboBox(this);
    d->stepCombo->setObjectName("stepFilter");
    d->count = new QLabel(this);
    d->count->setObjectName("conflictCount");
    // Its own line over the table: in the filter row the long note squeezed the filter field.
    d->note = new QLabel(this);
    d->note->setObjectName("conflictNote");
    d->note->setWordWrap(true);
    d->note->setVisible(false);
    d->plots = new ConflictPlots(this);

    auto* filters = new QHBoxLayout;
    filters->addWidget(d->text, 2);
    filters->addWidget(d->wrongOnly);
    filters->addWidget(new QLabel(tr("Step"), this));
    filters->addWidget(d->stepCombo);
    filters->addWidget(d->count, 1);
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(filters);
    topLayout->addWidget(d->note);
    topLayout->addWidget(d->table, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(d->plots);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    auto filterChanged = [this] {
        d->proxy->setText(d->text->text());
        d->proxy->setWrongOnly(d->wrongOnly->isChecked());
        d->proxy->setStep(
            d->stepCombo->currentIndex() <= 0 ? -1 : d->stepCombo->currentData().toLongLong());
        updatePlots();
    };
    connect(d->text, &QLineEdit::textChanged, this, filterChanged);
    connect(d->wrongOnly, &QCheckBox::toggled, this, filterChanged);
    connect(d->stepCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, filterChanged);
    connect(d->table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = d->proxy->mapToSource(index);
        if (source.isValid()) {
            const mor::ConflictRecord& c = d->model->conflict(source.row());
            Q_EMIT sampleActivated(c.step, c.sampleId, true);
        }
    });
    common::installExportMenus(this);
    common::followTheme(this);
    setRun(nullptr, -1);
}

ConflictView::~ConflictView() = default;

void ConflictView::setReadPool(QThreadPool* pool) {
    d->reads.setPool(pool);
}

bool ConflictView::isReading() const {
    return d->reads.isPending();
}

qint64 ConflictView::shownRun() const {
    return d->runId;
}

void ConflictView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->wantReader = runId >= 0 ? std::move(reader) : nullptr;
    d->wantRun = d->wantReader ? runId : -1;
    d->resetPending = true;
    refresh();
}

void ConflictView::refresh() {
    const bool reset = d->resetPending;
    const auto reader = reset ? d->wantReader : d->reader;
    const qint64 runId = reset ? d->wantRun : d->runId;
    const RunSettings known = d->settings;
    const auto read = [reset, reader, runId, known] {
        Read r;
        r.reset = reset;
        r.reader = reader;
        r.runId = reader ? runId : -1;
        r.settings = known;
        if (!reader) {
            r.settings = readRunSettings(nullptr, -1);
            return r;
        }
        if (reset) {
            r.settings = readRunSettings(reader.get(), runId);
        }
        r.conflicts = reader->conflicts(runId, -1);
        r.steps = reader->traceSteps(runId);
        r.loggedRate = reader->metric(runId, "val/conflict_rate");
        if (r.loggedRate.empty()) {
            for (const mor::SampleInfo& s : reader->samples(runId)) {
                ++r.allInputs;
                r.probeInputs += s.split == "probe" ? 1 : 0;
            }
        }
        return r;
    };
    const auto apply = [this](Read& r) { applyRead(r); };
    d->reads.readOrClear<Read>(!reader, this, read, apply); // no log: cleared at once
}

void ConflictView::applyRead(Read& r) {
    if (r.reset) {
        d->resetPending = false;
        d->reader = std::move(r.reader);
        d->runId = r.runId;
        d->settings = std::move(r.settings);
    }
    std::vector<mor::ConflictRecord> conflicts = std::move(r.conflicts);
    std::vector<int64_t> steps = std::move(r.steps);
    d->rate = {};
    if (d->reader) {
        // Prefer the rate the evaluator logged (over the whole validation set); fall back to
        // conflicts per probe input at each traced step.
        if (!r.loggedRate.empty()) {
            for (const mor::MetricPoint& p : r.loggedRate) {
                d->rate.steps.push_back(double(p.step));
                d->rate.rates.push_back(p.value);
            }
            d->rate.source = tr("val/conflict_rate");
        } else {
            const int64_t probe = r.probeInputs, all = r.allInputs;
            const double denominator = double(std::max<int64_t>(probe > 0 ? probe : all, 1));
            std::map<int64_t, int> perStep;
            for (int64_t s : steps) {
                perStep[s] = 0;
            }
            for (const mor::ConflictRecord& c : conflicts) {
                ++perStep[c.step];
            }
            for (const auto& [step, n] : perStep) {
                d->rate.steps.push_back(double(step));
                d->rate.rates.push_back(n / denominator);
            }
            d->rate.source = tr("conflicts per probe input");
        }
    }
    for (const mor::ConflictRecord& c : conflicts) {
        if (std::find(steps.begin(), steps.end(), c.step) == steps.end()) {
            steps.push_back(c.step);
        }
    }
    std::sort(steps.begin(), steps.end());
    {
        const QSignalBlocker blocker(d->stepCombo);
        const QVariant keep = d->stepCombo->currentData();
        d->stepCombo->clear();
        d->stepCombo->addItem(tr("All steps"), QVariant::fromValue<qlonglong>(-1));
        for (int64_t s : steps) {
            d->stepCombo->addItem(tr("step %1").arg(s), QVariant::fromValue<qlonglong>(s));
        }
        const int index = d->stepCombo->findData(keep);
        d->stepCombo->setCurrentIndex(std::max(index, 0));
    }
    d->model->setConflicts(std::move(conflicts));
    d->proxy->setStep(d->stepCombo->currentIndex() <= 0 ? -1
                                                        : d->stepCombo->currentData().toLongLong());
    d->table->resizeColumnsToContents();
    updatePlots();
}

void ConflictView::updatePlots() {
    std::vector<mor::ConflictRecord> shown;
    shown.reserve(size_t(d->proxy->rowCount()));
    for (int r = 0; r < d->proxy->rowCount(); ++r) {
        shown.push_back(d->model->conflict(d->proxy->mapToSource(d->proxy->index(r, 0)).row()));
    }
    const bool oneExpert = d->settings.experts == 1
                           || (d->settings.topK == 1
                               && (d->settings.strategy == "top_k" || d->settings.strategy == "random"));
    // A conflict needs two selected experts' answers: an empty table would look like "no
    // disagreement" when it is "nothing to compare".
    d->note->setText(d->reader && oneExpert
                         ? tr("This run selects one expert per input (%1, top_k 1): conflicts "
                              "need at least 2 selected experts.")
                               .arg(d->settings.strategy)
                         : QString());
    d->note->setVisible(!d->note->text().isEmpty());
    d->count->setText(tr("%1 of %2 conflicts").arg(shown.size()).arg(d->model->rowCount()));
    d->plots->setData(shown, d->rate, d->settings.conflictThreshold);
}

} // namespace inspect
