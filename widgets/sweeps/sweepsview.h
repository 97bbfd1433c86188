// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Sweeps tab: a sweep of the log (mor sweep) as one row per configuration with mean ± 95%
// interval over seeds, parallel coordinates of parameters and results linked to the run
// browser's selection, parameter importance, and accuracy against compute with the Pareto
// front. Runs of a running sweep appear as they finish (the log session's change poll). A
// sweep over the setup's config is launched from here (SweepLauncher). In a window the view
// reads the log on the log session's view pool (issue 21), never on the GUI thread.
#include "shell/logreads.h"

#include <QList>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>
#include <string>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QThreadPool;

namespace mor {
class SweepStore;
}

namespace shell {
class LogSession;
class RunBrowser;
} // namespace shell

namespace sweeps {

class ImportanceTable;
class ParallelCoordinates;
class ParetoPlot;
class SweepGroupTable;
class SweepLauncher;
struct SweepData;

class SweepsView : public QWidget {
    Q_OBJECT
public:
    /// `browser` may be null (no selection link); `baseConfig` gives the config JSON a new
    /// sweep starts from (the setup view's), may be empty (the launcher then loads a file).
    SweepsView(shell::LogSession* session, shell::RunBrowser* browser,
               std::function<std::string()> baseConfig, QWidget* parent = nullptr);
    ~SweepsView() override;

    /// Reads of the log run on `pool` (the log session's view pool) and are shown when they
    /// come back. Without a pool the view reads on the calling thread (a view on its own).
    void setReadPool(QThreadPool* pool) { m_reads.setPool(pool); }
    /// True from a read of the log until what it read is shown.
    bool isReading() const { return m_reads.isPending(); }

    /// Re-reads the sweeps of the log (the sweep shown stays shown while the log has it).
    void refresh();
    /// Shows a sweep (by id); false when the log has no such sweep.
    bool showSweep(qint64 sweepId);
    qint64 currentSweep() const;
    int sweepCount() const;
    const SweepData& data() const { return *m_data; }

    SweepGroupTable* groupTable() const { return m_groups; }
    ParallelCoordinates* parallelCoordinates() const { return m_parallel; }
    ParetoPlot* paretoPlot() const { return m_pareto; }
    ImportanceTable* importance() const { return m_importance; }
    /// Opens the launcher dialog (non-modal) and returns it.
    SweepLauncher* openLauncher();

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Read;
    void onLogChanged();
    /// Reads the list of sweeps (with `list`) and sweep `sweepId` (-1: the newest).
    void read(bool list, qint64 sweepId);
    void apply(Read& read);
    void onBrowserSelection(const QList<qint64>& runs);
    /// The sweep a run of the browser belongs to (by its sweep tag), or -1.
    qint64 sweepOfRun(qint64 runId) const;
    void selectInBrowser(const QList<qint64>& runs);
    void retranslateUi();
    /// How to brush, and the parameters that got no axis (the same in every configuration).
    void updateParallelHint();

    shell::LogSession* m_session;
    QPointer<shell::RunBrowser> m_browser;
    std::function<std::string()> m_baseConfig;
    /// The log's sweeps, opened by the first read (on the pool, the only thread that uses it).
    std::shared_ptr<mor::SweepStore> m_store;
    std::unique_ptr<SweepData> m_data;
    shell::LogReads m_reads;
    bool m_dirty = true;
    bool m_selecting = false; ///< our own selection of runs in the browser is under way
    QLabel* m_sweepLabel;
    QComboBox* m_sweep;
    QProgressBar* m_progress;
    QLabel* m_costLabel;
    QComboBox* m_cost;
    QPushButton* m_launch;
    QLabel* m_hint;
    QLabel* m_parallelHint;
    SweepGroupTable* m_groups;
    ImportanceTable* m_importance;
    ParallelCoordinates* m_parallel;
    ParetoPlot* m_pareto;
    QPointer<SweepLauncher> m_launcher;
};

} // namespace sweeps
