#pragma once
// The main window: wiring only. Views (setup, training, inspect views) as central tabs, the
// run browser and the event log as docks, menus and toolbar from MainWindowActions. Owns the
// open log (LogSession) and the training thread (TrainingController).
#include "shell/logreads.h"

#include <QByteArray>
#include <QList>
#include <QMainWindow>
#include <QPair>
#include <QPointer>
#include <QRect>
#include <QStringList>

class QDockWidget;
class QLabel;
class QPlainTextEdit;
class QSplitter;
class QTabWidget;

namespace common {
class InspectView;
} // namespace common
namespace compare {
class CompareView;
} // namespace compare
namespace inspect {
class ReflectionStepperView;
} // namespace inspect
namespace playground {
class PlaygroundView;
} // namespace playground
namespace sequence {
class SequenceView;
} // namespace sequence
namespace setup {
class SetupView;
} // namespace setup
namespace training {
class TrainingController;
class TrainingView;
} // namespace training

namespace shell {

class LanguageManager;
class LogSession;
class MainWindowActions;
class RunBrowser;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum View { Setup, Training, Stepper, Routing, Conflicts, Compare, Sequence, Playground };
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens (or creates) a log; shows a message box only when `interactive`.
    bool openLog(const QString& path, bool interactive = true);
    /// What File > Open and the recent logs do: openLog() on a thread of the session's own,
    /// the window responsive while another process holds the log (the run list is read there
    /// too). The current log stays shown until then; a failure shows a message box.
    void openLogInBackground(const QString& path);
    /// The default log: <AppDataLocation>/experiments.sqlite.
    static QString defaultLogPath();
    bool loadDemo(const QString& name);
    /// Selects a run in the browser (and so in every view).
    void selectRun(qint64 runId);
    /// Selects a view tab by name (setup, training, stepper, routing, conflicts, compare,
    /// sequence, playground, sweeps); "name:N" also page N of the view's inner pages.
    bool showView(const QString& name);
    void setPresentationMode(bool on);
    void setDarkTheme(bool dark);
    void setLanguage(const QString& code);
    /// Trains the setup's config into the open log (what Start does).
    void startTraining();
    /// The run's config into the setup view (run browser: "Load into Setup").
    bool loadRunIntoSetup(qint64 runId);
    /// Continues an interrupted or stopped run (run browser: "Resume").
    void resumeRun(qint64 runId);
    /// Writes the selected run's probe traces as CSV to `path` (File > Export traces) on the
    /// session's view pool, never on the GUI thread; says how it went in the status bar (a
    /// failure also in a message box when `interactive`) and emits tracesExported(). False when
    /// no run is selected.
    bool exportTraces(const QString& path, bool interactive = true);

Q_SIGNALS:
    /// An exportTraces() ended: `rows` data rows written, or `error` (non-empty) why not.
    void tracesExported(const QString& path, int rows, const QString& error);

public:

    setup::SetupView* setupView() const { return m_setup; }
    training::TrainingView* trainingView() const { return m_training; }
    compare::CompareView* compareView() const { return m_compare; }
    RunBrowser* runBrowser() const { return m_browser; }
    LogSession* session() const { return m_session; }
    training::TrainingController* controller() const { return m_controller; }
    QTabWidget* tabs() const { return m_tabs; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void createViews();
    void createDocks();
    void connectActions();
    void connectFileActions(); ///< mainwindowfileactions.cpp
    void onRunSelected(qint64 runId);
    /// A training runs, so no other log may open (a message box says so when `interactive`).
    bool trainingBlocksOpen(bool interactive);
    /// What the window does once a log is open (title, recent logs, views cleared).
    void onLogOpened();
    /// A log could not be opened: the event and, when `interactive`, a message box.
    void reportOpenFailure(const QString& path, const QString& error, bool interactive);
    void onLogChanged();
    void onTrainingFinished(qint64 runId, const QString& status, const QString& error);
    void addRecentLog(const QString& path);
    void appendEvent(const QString& level, const QString& message);
    void refreshInspectView(int tab);
    void refreshCompareView();
    void retranslateUi();
    /// `wanted`, shrunk to fit the available area of the window's screen (frame included).
    QSize fittedSize(const QSize& wanted) const;
    void restoreLayoutAfterPresentation();

    LogSession* m_session;
    training::TrainingController* m_controller;
    LanguageManager* m_language;
    MainWindowActions* m_actions = nullptr;
    QTabWidget* m_tabs = nullptr;
    int m_pendingView = -1; ///< a view asked for while its tab was hidden: shown with its tab
    setup::SetupView* m_setup = nullptr;
    training::TrainingView* m_training = nullptr;
    playground::PlaygroundView* m_playground = nullptr;
    inspect::ReflectionStepperView* m_stepper = nullptr;
    QList<common::InspectView*> m_inspect; ///< stepper, routing, conflicts (when built)
    QList<bool> m_inspectDirty;
    compare::CompareView* m_compare = nullptr;
    sequence::SequenceView* m_sequence = nullptr; ///< shown for runs with token traces
    bool m_compareDirty = false;
    bool m_compareRunsChanged = false; ///< the selection changed since Compare read it
    RunBrowser* m_browser = nullptr;
    QDockWidget* m_browserDock = nullptr;
    QDockWidget* m_eventsDock = nullptr;
    QPlainTextEdit* m_events = nullptr;
    QLabel* m_logLabel = nullptr;
    qint64 m_currentRun = -1;
    LogReads m_exports; ///< exportTraces() on the session's view pool
    qreal m_normalFontSize = 0;
    bool m_presenting = false;
    QByteArray m_layoutBeforePresentation; ///< docks and toolbars (saveState)
    QRect m_geometryBeforePresentation;
    struct SplitterBeforePresentation {
        QPointer<QSplitter> splitter;
        QByteArray state;
        QList<int> sizes;
    };
    QList<SplitterBeforePresentation> m_splittersBeforePresentation;
};

} // namespace shell
