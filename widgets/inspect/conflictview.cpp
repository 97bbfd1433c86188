#include "inspect/conflictview.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "inspect/conflictfilterproxy.h"
#include "inspect/conflictplots.h"
#include "inspect/conflicttablemodel.h"
#include "inspect/runsettings.h"

#include <mor/log_reader.h>

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

struct ConflictView::Private {
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    RunSettings settings;
    RateSeries rate;
    ConflictTableModel* model = nullptr;
    ConflictFilterProxy* proxy = nullptr;
    QTableView* table = nullptr;
    QLineEdit* text = nullptr;
    QCheckBox* wrongOnly = nullptr;
    QComboBox* stepCombo = nullptr;
    QLabel* count = nullptr;
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
    d->wrongOnly = new QCheckBox(tr("Wrong only"), this);
    d->wrongOnly->setObjectName("wrongOnly");
    d->stepCombo = new QComboBox(this);
    d->stepCombo->setObjectName("stepFilter");
    d->count = new QLabel(this);
    d->count->setObjectName("conflictCount");
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

void ConflictView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    d->reader = runId >= 0 ? std::move(reader) : nullptr;
    d->runId = d->reader ? runId : -1;
    d->settings = readRunSettings(d->reader.get(), d->runId);
    refresh();
}

void ConflictView::refresh() {
    std::vector<mor::ConflictRecord> conflicts;
    std::vector<int64_t> steps;
    d->rate = {};
    if (d->reader) {
        conflicts = d->reader->conflicts(d->runId, -1);
        steps = d->reader->traceSteps(d->runId);
        // Prefer the rate the evaluator logged (over the whole validation set); fall back to
        // conflicts per probe input at each traced step.
        const auto logged = d->reader->metric(d->runId, "val/conflict_rate");
        if (!logged.empty()) {
            for (const mor::MetricPoint& p : logged) {
                d->rate.steps.push_back(double(p.step));
                d->rate.rates.push_back(p.value);
            }
            d->rate.source = tr("val/conflict_rate");
        } else {
            int64_t probe = 0, all = 0;
            for (const mor::SampleInfo& s : d->reader->samples(d->runId)) {
                ++all;
                probe += s.split == "probe" ? 1 : 0;
            }
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
    if (d->reader && oneExpert) {
        // A conflict needs two selected experts' answers: an empty table would look like "no
        // disagreement" when it is "nothing to compare".
        d->count->setText(tr("This run selects one expert per input (%1, top_k 1): conflicts need "
                             "at least 2 selected experts.")
                              .arg(d->settings.strategy));
    } else {
        d->count->setText(
            tr("%1 of %2 conflicts").arg(shown.size()).arg(d->model->rowCount()));
    }
    d->plots->setData(shown, d->rate, d->settings.conflictThreshold);
}

} // namespace inspect
