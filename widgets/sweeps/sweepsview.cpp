// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweepsview.h"

#include "sweeps/importancetable.h"
#include "sweeps/parallelcoordinates.h"
#include "sweeps/paretoplot.h"
#include "sweeps/sweepdata.h"
#include "sweeps/sweepgrouptable.h"
#include "sweeps/sweeplauncher.h"
#include "shell/logsession.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"

#include "mor/log_reader.h"
#include "mor/sweep.h"

#include <QSignalBlocker>

#include <QAbstractItemView>
#include <QComboBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace sweeps {

SweepsView::SweepsView(shell::LogSession* session, shell::RunBrowser* browser,
                       std::function<std::string()> baseConfig, QWidget* parent)
    : QWidget(parent), m_session(session), m_browser(browser),
      m_baseConfig(std::move(baseConfig)), m_data(std::make_unique<SweepData>()),
      m_sweepLabel(new QLabel(this)), m_sweep(new QComboBox(this)),
      m_progress(new QProgressBar(this)), m_costLabel(new QLabel(this)),
      m_cost(new QComboBox(this)), m_launch(new QPushButton(this)), m_hint(new QLabel(this)),
      m_parallelHint(new QLabel(this)), m_groups(new SweepGroupTable(this)),
      m_importance(new ImportanceTable(this)), m_parallel(new ParallelCoordinates(this)),
      m_pareto(new ParetoPlot(this)) {
    setObjectName(QStringLiteral("sweepsView"));
    m_sweep->setObjectName(QStringLiteral("sweepChoice"));
    m_sweep->setMinimumContentsLength(24);
    m_sweep->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_progress->setObjectName(QStringLiteral("sweepProgress"));
    m_progress->setMaximumWidth(120); // "12 / 40": the room goes to the sweep's name
    m_progress->setFormat(QStringLiteral("%v / %m"));
    m_cost->setObjectName(QStringLiteral("sweepCost"));
    for (Result r : {Flops, ExpertSteps, LatencyMs}) {
        m_cost->addItem(QString(), int(r));
    }
    m_launch->setObjectName(QStringLiteral("launchSweep"));
    m_hint->setObjectName(QStringLiteral("sweepsHint"));
    m_parallelHint->setObjectName(QStringLiteral("sweepsParallelHint"));
    m_hint->setWordWrap(true);
    m_parallelHint->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_sweepLabel);
    controls->addWidget(m_sweep, 1);
    controls->addWidget(m_progress);
    controls->addSpacing(12);
    controls->addWidget(m_costLabel);
    controls->addWidget(m_cost);
    controls->addSpacing(12);
    controls->addWidget(m_launch);

    // The table over the whole width; under it the parallel coordinates beside the Pareto plot
    // and the importance table.
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_pareto);
    right->addWidget(m_importance);
    right->setSizes({3000, 2000});
    auto* parallelBox = new QWidget(this);
    auto* parallelLayout = new QVBoxLayout(parallelBox);
    parallelLayout->setContentsMargins(0, 0, 0, 0);
    parallelLayout->addWidget(m_parallelHint);
    parallelLayout->addWidget(m_parallel, 1);
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(parallelBox);
    bottom->addWidget(right);
    bottom->setStretchFactor(0, 11);
    bottom->setStretchFactor(1, 9);
    bottom->setSizes({5500, 4500});
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("sweepsSplitter"));
    split->addWidget(m_groups);
    split->addWidget(bottom);
    split->setSizes({1000, 2000});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_hint);
    layout->addWidget(split, 1);

    connect(m_sweep, &QComboBox::currentIndexChanged, this, [this] {
        m_parallel->clearBrushes(); // another sweep: other axes
        read(false, currentSweep());
    });
    connect(m_cost, &QComboBox::currentIndexChanged, this,
            [this] { m_pareto->setCost(Result(m_cost->currentData().toInt())); });
    connect(m_launch, &QPushButton::clicked, this, &SweepsView::openLauncher);
    connect(m_parallel, &ParallelCoordinates::brushed, this, &SweepsView::selectInBrowser);
    connect(m_groups->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        QList<qint64> runs;
        for (int g : m_groups->selectedGroups()) {
            for (int64_t id : m_data->groups.value(g).group.runIds) {
                runs << id;
            }
        }
        if (!runs.isEmpty()) {
            selectInBrowser(runs);
        }
    });
    if (m_session) {
        connect(m_session, &shell::LogSession::opened, this, [this] {
            m_store.reset();
            m_dirty = true;
            refresh();
        });
        connect(m_session, &shell::LogSession::changed, this, &SweepsView::onLogChanged);
    }
    if (m_browser) {
        connect(m_browser, &shell::RunBrowser::selectionChanged, this,
                &SweepsView::onBrowserSelection);
    }
    m_pareto->setCost(Flops);
    retranslateUi();
    refresh();
}

SweepsView::~SweepsView() = default;

/// What one read of the log gives the view.
struct SweepsView::Read {
    std::shared_ptr<mor::SweepStore> store;
    bool listed = false; ///< `sweeps` was read
    std::vector<mor::SweepInfo> sweeps;
    qint64 sweepId = -1; ///< the sweep `data` is of (-1: none)
    SweepData data;
};

void SweepsView::onLogChanged() {
    m_dirty = true;
    if (isVisible()) {
        refresh();
    }
}

void SweepsView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_dirty) {
        refresh();
    }
}

void SweepsView::refresh() {
    m_dirty = false;
    read(true, currentSweep());
    retranslateUi(); // the tab's title and whether a log is open, before the read is back
}

void SweepsView::read(bool list, qint64 sweepId) {
    const bool open = m_session && m_session->isOpen();
    const std::string path = open ? m_session->path().toStdString() : std::string();
    const auto reader = open ? m_session->viewReader() : nullptr;
    auto store = m_store;
    const auto readLog = [path, reader, store, list, sweepId] {
        Read r;
        r.store = store;
        if (!r.store && !path.empty()) {
            std::string error; // no sweep tables (an older log): no sweeps
            r.store = mor::SweepStore::open(path, false, &error);
        }
        r.listed = list;
        if (list && r.store) {
            r.sweeps = r.store->sweeps();
        }
        r.sweepId = sweepId;
        if (list) { // the sweep shown before while the log has it, else the newest
            const bool has = std::any_of(r.sweeps.begin(), r.sweeps.end(),
                                         [&](const auto& s) { return s.id == sweepId; });
            r.sweepId = has ? sweepId : r.sweeps.empty() ? -1 : r.sweeps.back().id;
        }
        if (r.store && reader && r.sweepId >= 0) {
            r.data = loadSweep(*r.store, *reader, r.sweepId);
        }
        return r;
    };
    m_reads.readOrClear<Read>(path.empty(), this, readLog, [this](Read& r) { apply(r); });
}

void SweepsView::apply(Read& r) {
    m_store = r.store;
    if (r.listed) {
        QSignalBlocker block(m_sweep);
        m_sweep->clear();
        // Short in the box (at 1280x800 the long form was cut off: the progress bar beside it
        // shows the counts anyway), whole in the tooltip and the open list.
        int widest = 0;
        const QFontMetrics metrics(m_sweep->font());
        for (const mor::SweepInfo& s : r.sweeps) {
            const QString name = QString::fromStdString(s.name);
            const QString status = shell::RunTableModel::statusText(s.status);
            m_sweep->addItem(
                tr("#%1 %2 (%3, %4/%5)").arg(s.id).arg(name, status).arg(s.finished).arg(s.total),
                qint64(s.id));
            const QString whole = tr("#%1 %2 (%3, %4 of %5 runs finished)")
                                      .arg(s.id)
                                      .arg(name, status)
                                      .arg(s.finished)
                                      .arg(s.total);
            m_sweep->setItemData(m_sweep->count() - 1, whole, Qt::ToolTipRole);
            widest = std::max(widest, metrics.horizontalAdvance(whole));
        }
        m_sweep->view()->setMinimumWidth(widest + 40);
        m_sweep->setCurrentIndex(m_sweep->findData(r.sweepId));
    }
    const qint64 id = r.sweepId;
    *m_data = std::move(r.data);
    m_groups->setData(*m_data);
    m_importance->setData(*m_data);
    m_parallel->setData(*m_data);
    updateParallelHint();
    // The compute axis shown must have values for this sweep's runs (a sweep of runs that
    // logged only some measures); else the first axis with values.
    const auto hasValues = [this](Result cost) { return anyGroupHas(*m_data, cost); };
    if (!hasValues(Result(m_cost->currentData().toInt()))) {
        for (int i = 0; i < m_cost->count(); ++i) {
            if (hasValues(Result(m_cost->itemData(i).toInt()))) {
                m_cost->setCurrentIndex(i); // sets the Pareto plot's cost too
                break;
            }
        }
    }
    m_pareto->setData(*m_data);
    m_sweep->setToolTip(m_sweep->currentData(Qt::ToolTipRole).toString());
    m_progress->setVisible(id >= 0);
    m_progress->setRange(0, int(std::max<int64_t>(1, m_data->info.total)));
    m_progress->setValue(int(m_data->info.finished));
    m_progress->setToolTip(tr("%1 finished, %2 running, %3 interrupted, %4 to do, %5 failed")
                               .arg(m_data->info.finished)
                               .arg(m_data->info.running)
                               .arg(m_data->info.interrupted)
                               .arg(m_data->info.toDo)
                               .arg(m_data->info.failed));
    if (m_browser) {
        onBrowserSelection(m_browser->selectedRuns());
    }
    retranslateUi();
}

bool SweepsView::showSweep(qint64 sweepId) {
    const int index = m_sweep->findData(sweepId);
    if (index < 0) {
        return false;
    }
    m_sweep->setCurrentIndex(index);
    return true;
}

qint64 SweepsView::currentSweep() const {
    return m_sweep->currentIndex() >= 0 ? m_sweep->currentData().toLongLong() : -1;
}

int SweepsView::sweepCount() const {
    return m_sweep->count();
}

void SweepsView::onBrowserSelection(const QList<qint64>& runs) {
    QList<qint64> mine;
    QList<int> groups;
    for (const RunRow& run : m_data->runs) {
        if (runs.contains(run.runId)) {
            mine << run.runId;
            if (!groups.contains(run.group)) {
                groups << run.group;
            }
        }
    }
    // Runs of another sweep only (picked in the browser, or `--run N`): show their sweep. A
    // selection with any run of the shown sweep keeps it (brushing selects runs of this one).
    if (mine.isEmpty() && m_browser) {
        for (const qint64 id : runs) {
            const qint64 sweep = sweepOfRun(id);
            if (sweep >= 0 && sweep != currentSweep() && showSweep(sweep)) {
                return; // the sweep's read calls this again, with its runs
            }
        }
    }
    m_parallel->setHighlighted(mine);
    m_pareto->setHighlightedGroups(groups);
}

qint64 SweepsView::sweepOfRun(qint64 runId) const {
    const int row = m_browser ? m_browser->model()->rowOf(runId) : -1;
    const mor::RunSummary* run = row >= 0 ? m_browser->model()->run(row) : nullptr;
    if (run == nullptr) {
        return -1;
    }
    // The tag the sweep's worker gives its run (mor::SweepStore::runTag).
    for (const std::string& tag : run->tags) {
        const int64_t id = mor::SweepStore::sweepOfRunTag(tag);
        if (id >= 0) {
            return id;
        }
    }
    return -1;
}

void SweepsView::selectInBrowser(const QList<qint64>& runs) {
    if (!m_browser) {
        onBrowserSelection(runs);
        return;
    }
    QItemSelection selection;
    for (qint64 id : runs) {
        const int row = m_browser->model()->rowOf(id);
        if (row < 0) {
            continue;
        }
        const QModelIndex index =
            m_browser->proxy()->mapFromSource(m_browser->model()->index(row, 0));
        if (index.isValid()) {
            selection.select(index, index);
        }
    }
    // One selection change: the browser (and the views following it) update once.
    m_browser->view()->selectionModel()->select(
        selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

SweepLauncher* SweepsView::openLauncher() {
    if (!m_launcher) {
        m_launcher = new SweepLauncher(this);
        m_launcher->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_launcher, &SweepLauncher::sweepStarted, this, [this](qint64 id) {
            m_dirty = false;
            read(true, id); // the list with the new sweep, and the new sweep shown
        });
        connect(m_launcher, &SweepLauncher::progressed, this, [this] {
            if (m_session) {
                m_session->pollInBackground(); // runs ended: read the log now, not at the next poll
            }
        });
    }
    m_launcher->setLogPath(m_session ? m_session->path() : QString());
    m_launcher->setBaseConfig(m_baseConfig ? QString::fromStdString(m_baseConfig()) : QString());
    m_launcher->show();
    m_launcher->raise();
    return m_launcher;
}

void SweepsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        if (m_sweep->count() > 0) {
            refresh(); // the sweeps' status words in the new language
        }
    } else if (event->type() == QEvent::ParentChange) {
        retranslateUi(); // the tab title
    }
    QWidget::changeEvent(event);
}

void SweepsView::retranslateUi() {
    // The tab title is ours to keep translated (the main window titles its own tabs).
    QWidget* stack = parentWidget();
    if (auto* tabs = qobject_cast<QTabWidget*>(stack ? stack->parentWidget() : nullptr)) {
        const int index = tabs->indexOf(this);
        if (index >= 0) {
            tabs->setTabText(index, tr("Sweeps"));
        }
    }
    m_sweepLabel->setText(tr("Sweep:"));
    m_costLabel->setText(tr("Compute axis:"));
    m_cost->setItemText(0, flopsName(m_data->perToken, false));
    m_cost->setItemText(1, tr("Expert-steps per input"));
    m_cost->setItemText(2, tr("Time per input"));
    m_launch->setText(tr("Launch sweep…"));
    m_launch->setToolTip(tr("Run a grid of the setup's config over chosen fields and seeds "
                            "(mor sweep) into this log"));
    m_launch->setEnabled(m_session && m_session->isOpen());
    if (!m_session || !m_session->isOpen()) {
        m_hint->setText(tr("Open a log to see its sweeps."));
    } else if (m_sweep->count() == 0) {
        m_hint->setText(tr("This log has no sweeps. Launch one here or with "
                           "`mor sweep --config BASE.json --log LOG --grid KEY=V1,V2 "
                           "--seeds 1-5`."));
    } else {
        m_hint->clear();
    }
    m_hint->setVisible(!m_hint->text().isEmpty());
    updateParallelHint();
}

void SweepsView::updateParallelHint() {
    QString text = tr("Drag along an axis to select runs in the run browser; click the axis to "
                      "clear.");
    QStringList constants;
    for (const auto& [name, value] : m_parallel->constantParameters()) {
        constants << tr("%1 %2").arg(name, value);
    }
    if (!constants.isEmpty()) {
        text += QLatin1Char('\n') + tr("The same in every configuration (no axis): %1")
                                       .arg(constants.join(QStringLiteral(" · ")));
    }
    m_parallelHint->setText(text);
}

} // namespace sweeps
