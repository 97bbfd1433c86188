#include "shell/mainwindow.h"

#include "common/demolibrary.h"
#include "common/plotstyler.h"
#include "common/theme.h"
#include "compare/compareview.h"
#include "setup/setupview.h"
#include "shell/helpdialog.h"
#include "shell/languagemanager.h"
#include "shell/logsession.h"
#include "shell/mainwindowactions.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "training/trainingcontroller.h"
#include "training/trainingview.h"

#include "playground/playgroundview.h"
#include "inspect/conflictview.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/routingview.h"
#include "sequence/sequenceview.h"

#include "sweeps/sweepsview.h"
#include "mor/config.h"
#include "mor/log_reader.h"
#include "mor/version.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

#include <algorithm>
#include <utility>

namespace shell {

namespace {
constexpr int kMaxRecentLogs = 8;
const char* kViewNames[] = {"setup",    "training", "stepper",    "routing", "conflicts",
                             "compare",  "sequence", "playground", "sweeps"};
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_session(new LogSession(this)),
      m_controller(new training::TrainingController(this)), m_language(new LanguageManager(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    common::PlotStyler::instance(); // every plot follows the font (presentation mode) from now on
    // The stored language before any view exists: every text is created in it (a view that
    // sets a text once would otherwise keep English until it handles LanguageChange).
    m_language->setLanguage(LanguageManager::stored());
    createViews();
    m_actions = new MainWindowActions(this, m_setup->undoStack());
    createDocks();
    connectActions();
    m_logLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_logLabel);
    m_actions->setRecentLogs(QSettings().value(QStringLiteral("recentLogs")).toStringList());
    QStringList demoNames, demoDescriptions;
    for (const common::DemoInfo& demo : common::DemoLibrary::demos()) {
        demoNames << demo.name;
        demoDescriptions << demo.description;
    }
    m_actions->setDemos(demoNames, demoDescriptions);
    m_actions->lightTheme->setChecked(common::Theme::current() == common::Theme::Kind::Light);
    m_actions->darkTheme->setChecked(common::Theme::current() == common::Theme::Kind::Dark);
    for (QAction* a : m_actions->languages) {
        a->setChecked(a->data().toString() == m_language->language());
    }
    m_normalFontSize = QApplication::font().pointSizeF();
    retranslateUi();
    // The views never push the window wider or taller than the user made it (a long compare
    // legend, a larger font): they get scroll bars or elide instead.
    m_tabs->setMinimumSize(320, 240);
    resize(fittedSize(QSize(1440, 900)));
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    resize(fittedSize(size())); // a geometry saved on a larger screen
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // A fifth of the window (at most 340): at 1280 px the setup's three columns still fit.
        resizeDocks({m_browserDock}, {std::min(340, width() / 5)}, Qt::Horizontal);
        resizeDocks({m_eventsDock}, {90}, Qt::Vertical);
    }
}

QSize MainWindow::fittedSize(const QSize& wanted) const {
    const QScreen* shown = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!shown) {
        return wanted;
    }
    // The frame (title bar, borders) comes on top of the size; leave room for it.
    const QSize frame = frameGeometry().size() - geometry().size();
    const QSize room = shown->availableGeometry().size() -
                       QSize(std::max(frame.width(), 16), std::max(frame.height(), 40));
    return wanted.boundedTo(room);
}

MainWindow::~MainWindow() = default;

void MainWindow::createViews() {
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("views"));
    m_tabs->setDocumentMode(true);
    m_setup = new setup::SetupView(m_tabs);
    m_training = new training::TrainingView(m_controller, m_tabs);
    m_tabs->addTab(m_setup, QString());
    m_tabs->addTab(m_training, QString());
    m_stepper = new inspect::ReflectionStepperView(m_tabs);
    m_inspect = {m_stepper, new inspect::RoutingView(m_tabs), new inspect::ConflictView(m_tabs)};
    for (common::InspectView* view : m_inspect) {
        m_tabs->addTab(view, QString());
        connect(view, &common::InspectView::sampleActivated, this,
                [this](qint64 step, qint64 sampleId, bool atIntegration) {
                    m_tabs->setCurrentWidget(m_stepper);
                    m_stepper->showSample(step, sampleId, atIntegration);
                });
        connect(view, &common::InspectView::tokenActivated, this, // a recursion run's token
                [this](qint64 step, int sequence, int token, int recursion) {
                    m_tabs->setCurrentWidget(m_sequence);
                    m_sequence->showToken(step, sequence, token, recursion);
                });
    }
    m_inspectDirty = {false, false, false};
    m_compare = new compare::CompareView(m_tabs);
    m_tabs->insertTab(Compare, m_compare, QString());
    // Only runs of sequence models have token traces: the tab shows for those alone.
    m_sequence = new sequence::SequenceView(m_tabs);
    m_tabs->insertTab(Sequence, m_sequence, QString());
    m_tabs->setTabVisible(Sequence, false);
    connect(m_sequence, &sequence::SequenceView::tokenTracesAvailable, this,
            [this](bool available) {
                const bool shown = m_tabs->currentIndex() == Sequence;
                m_tabs->setTabVisible(Sequence, available);
                // A page must not show under a hidden tab (a fragment of its title was left
                // above the bar): a view asked for waits for its tab, a shown one leaves for
                // Training (Qt would pick the next tab, the Playground).
                if (available && m_pendingView == Sequence) {
                    m_tabs->setCurrentIndex(Sequence);
                } else if (!available && shown) {
                    m_tabs->setCurrentIndex(Training);
                }
            });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { m_pendingView = -1; });
    m_playground = new playground::PlaygroundView(m_tabs);
    m_tabs->addTab(m_playground, QString());
    setCentralWidget(m_tabs);
    // Every view reads the log on the session's view pool and shows what it read when it comes
    // back (issue 21): a log another process holds never stalls the window, neither for a run
    // clicked in the browser nor for a tab shown after a change.
    m_training->setReadPool(m_session->viewReadPool());
    m_sequence->setReadPool(m_session->viewReadPool());
    m_compare->setReadPool(m_session->viewReadPool());
    for (common::InspectView* view : m_inspect) {
        view->setReadPool(m_session->viewReadPool());
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        refreshInspectView(tab); // its read runs on a worker
        refreshCompareView(); // when it is the tab shown, on the pool too
    });
}

void MainWindow::createDocks() {
    m_browser = new RunBrowser(m_session, this);
    m_browserDock = new QDockWidget(this);
    m_browserDock->setObjectName(QStringLiteral("runBrowserDock"));
    m_browserDock->setWidget(m_browser);
    addDockWidget(Qt::LeftDockWidgetArea, m_browserDock);
    m_actions->addDockToggle(m_browserDock->toggleViewAction());
    // The Sweeps tab (issue 18) follows the log and the browser's selection by itself.
    auto* sweepsView = new sweeps::SweepsView(
        m_session, m_browser, [this] { return mor::toJson(m_setup->config()); }, m_tabs);
    sweepsView->setReadPool(m_session->viewReadPool()); // as the other views (createViews)
    m_tabs->addTab(sweepsView, QString());

    m_events = new QPlainTextEdit(this);
    m_events->setObjectName(QStringLiteral("events"));
    m_events->setReadOnly(true);
    m_events->setMaximumBlockCount(2000);
    m_eventsDock = new QDockWidget(this);
    m_eventsDock->setObjectName(QStringLiteral("eventsDock"));
    m_eventsDock->setWidget(m_events);
    addDockWidget(Qt::BottomDockWidgetArea, m_eventsDock);
    m_actions->addDockToggle(m_eventsDock->toggleViewAction());
}

void MainWindow::connectActions() {
    MainWindowActions* a = m_actions;
    connectFileActions();
    connect(a->quit, &QAction::triggered, this, &QWidget::close);
    connect(a->start, &QAction::triggered, this, &MainWindow::startTraining);
    connect(m_setup, &setup::SetupView::startRequested, this, &MainWindow::startTraining);
    connect(a->pause, &QAction::triggered, this,
            [this] { m_controller->isPaused() ? m_controller->resume() : m_controller->pause(); });
    connect(a->stop, &QAction::triggered, m_controller, &training::TrainingController::stop);
    connect(a->lightTheme, &QAction::triggered, this, [this] { setDarkTheme(false); });
    connect(a->darkTheme, &QAction::triggered, this, [this] { setDarkTheme(true); });
    connect(a->presentation, &QAction::toggled, this, &MainWindow::setPresentationMode);
    for (int i = 0; i < a->viewTabs.size(); ++i) {
        connect(a->viewTabs[i], &QAction::triggered, this,
                [this, i] { m_tabs->setCurrentIndex(i); });
    }
    for (QAction* lang : a->languages) {
        connect(lang, &QAction::triggered, this,
                [this, lang] { setLanguage(lang->data().toString()); });
    }
    connect(a->about, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About MoR Studio"),
            tr("<h3>MoR Studio %1</h3><p>A workbench for Mixture-of-Reflection models: "
               "configure, train and inspect routers, reflecting experts and their "
               "integration.</p><p>License: GPL-3.0-or-later.</p>")
                .arg(QString::fromStdString(mor::versionString())));
    });
    connect(a->aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
    for (auto [action, page] : {std::pair{a->manual, HelpDialog::Manual},
                                std::pair{a->shortcuts, HelpDialog::Shortcuts}}) {
        connect(action, &QAction::triggered, this, [this, page = page] {
            auto* help = new HelpDialog(this, page, this);
            help->setAttribute(Qt::WA_DeleteOnClose);
            help->show();
        });
    }

    connect(m_session, &LogSession::changed, this, &MainWindow::onLogChanged);
    // A failed read keeps what every view shows; say so until a poll reads the log again.
    connect(m_session, &LogSession::readFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Cannot read the log (retrying): %1").arg(message));
    });
    connect(m_session, &LogSession::openFinished, this,
            [this](const QString& path, const QString& error) {
                if (!error.isNull()) {
                    statusBar()->clearMessage();
                    reportOpenFailure(path, error, true);
                    return;
                }
                onLogOpened();
                statusBar()->showMessage(
                    tr("Opened %1").arg(QDir::toNativeSeparators(m_session->path())), 4000);
            });
    connect(m_session, &LogSession::editFailed, this, [this](const QString& message) {
        statusBar()->showMessage(message, 8000);
        appendEvent(QStringLiteral("error"), message);
    });
    connect(m_session, &LogSession::readRecovered, this, [this] {
        statusBar()->showMessage(tr("The log is readable again"), 4000);
    });
    connect(m_browser, &RunBrowser::currentRunChanged, this, &MainWindow::onRunSelected);
    connect(m_browser, &RunBrowser::loadIntoSetupRequested, this, &MainWindow::loadRunIntoSetup);
    connect(m_browser, &RunBrowser::resumeRequested, this, &MainWindow::resumeRun);
    connect(m_browser, &RunBrowser::selectionChanged, this, [this] {
        // Compare reads the selected runs when it is shown (on the pool), never for a click
        // while another tab is up.
        m_compareRunsChanged = true;
        m_compareDirty = true;
        refreshCompareView();
    });
    connect(m_controller, &training::TrainingController::started, this,
            [this](qint64 runId, qint64) {
                m_session->pollInBackground();
                m_browser->selectRun(runId);
                statusBar()->showMessage(tr("Training run %1…").arg(runId));
            });
    connect(m_controller, &training::TrainingController::eventLogged, this,
            &MainWindow::appendEvent);
    connect(m_controller, &training::TrainingController::finished, this,
            &MainWindow::onTrainingFinished);
    connect(m_controller, &training::TrainingController::runningChanged, this,
            [this](bool running) {
                m_setup->setTrainingActive(running);
                m_actions->start->setEnabled(!running);
                m_actions->pause->setEnabled(running);
                m_actions->stop->setEnabled(running);
                // While a run trains, look at the log more often so the curves move smoothly.
                m_session->setPollInterval(running ? 500 : 1000);
            });
    connect(m_setup, &setup::SetupView::presetSaved, this, [this](const QString& path) {
        statusBar()->showMessage(tr("Preset saved to %1").arg(QDir::toNativeSeparators(path)),
                                 6000);
    });
    connect(m_setup, &setup::SetupView::configChanged, this, [this] {
        m_actions->start->setEnabled(m_setup->isValid() && !m_controller->isRunning());
    });
    m_actions->pause->setEnabled(false);
    m_actions->stop->setEnabled(false);
}

QString MainWindow::defaultLogPath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath(QStringLiteral("experiments.sqlite"));
}

bool MainWindow::trainingBlocksOpen(bool interactive) {
    if (!m_controller->isRunning()) {
        return false;
    }
    if (interactive) {
        QMessageBox::information(this, tr("Open log"),
                                 tr("Stop the running training before opening another log."));
    }
    return true;
}

bool MainWindow::openLog(const QString& path, bool interactive) {
    if (trainingBlocksOpen(interactive)) {
        return false;
    }
    QString error;
    if (!m_session->open(path, &error)) {
        reportOpenFailure(path, error, interactive);
        return false;
    }
    onLogOpened();
    return true;
}

void MainWindow::openLogInBackground(const QString& path) {
    if (trainingBlocksOpen(true)) {
        return;
    }
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
    m_session->openInBackground(path);
}

void MainWindow::reportOpenFailure(const QString& path, const QString& error, bool interactive) {
    if (interactive) {
        QMessageBox::warning(this, tr("Open log"), tr("Cannot open %1:\n%2").arg(path, error));
    }
    appendEvent(QStringLiteral("error"), tr("Cannot open %1: %2").arg(path, error));
}

void MainWindow::onLogOpened() {
    addRecentLog(m_session->path());
    setWindowTitle(tr("MoR Studio — %1").arg(QFileInfo(m_session->path()).fileName()));
    // The browser's current run: none, or a run selected while the log was opening (mor-studio
    // LOG --run N opens in the background) that its listing has just selected.
    onRunSelected(m_browser->currentRun());
    m_compareRunsChanged = true; // the log was just read: Compare reads its runs at once
    m_compareDirty = true;
    refreshCompareView();
}

bool MainWindow::loadDemo(const QString& name) {
    const bool ok = m_setup->loadDemo(name);
    if (ok) {
        // A playground demo (a 2-D data set) opens in the Playground tab, where it trains live;
        // Setup holds it too, so it can also be trained as a logged run from there.
        const bool playground =
            name.startsWith(QLatin1String("playground-")) && m_playground->loadDemo(name);
        m_tabs->setCurrentWidget(playground ? static_cast<QWidget*>(m_playground) : m_setup);
        statusBar()->showMessage(tr("Loaded demo “%1”").arg(name), 5000);
    }
    return ok;
}

void MainWindow::selectRun(qint64 runId) {
    m_browser->selectRun(runId);
}

bool MainWindow::showView(const QString& name) {
    // "stepper:3": the view, then page 3 of its inner pages (the stepper's What if, Run
    // summary, Calibration), for screenshots of every page.
    if (const qsizetype colon = name.indexOf(QLatin1Char(':')); colon > 0) {
        bool number = false;
        const int page = name.mid(colon + 1).toInt(&number);
        auto* inner = showView(name.left(colon)) && number && m_pendingView < 0
                          ? m_tabs->currentWidget()->findChild<QTabWidget*>()
                          : nullptr;
        if (!inner || page < 0 || page >= inner->count()) {
            return false;
        }
        inner->setCurrentIndex(page);
        return true;
    }
    for (int i = 0; i < m_tabs->count() && i < int(std::size(kViewNames)); ++i) {
        if (name == QLatin1String(kViewNames[i])) {
            if (!m_tabs->isTabVisible(i)) {
                m_pendingView = i; // the Sequence tab of a run not read yet
                return true;
            }
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void MainWindow::startTraining() {
    if (m_tabs->currentWidget() == m_playground) {
        // On the Playground tab, Start (toolbar, F5, --train) trains the playground's model.
        if (!m_playground->isTraining()) {
            m_playground->train();
        }
        return;
    }
    if (!m_setup->isValid() || m_controller->isRunning() || !m_session->isOpen()) {
        return;
    }
    m_events->clear();
    appendEvent(QStringLiteral("info"),
                tr("Starting “%1”").arg(QString::fromStdString(m_setup->config().name)));
    if (m_controller->start(m_setup->config(), m_session->path())) {
        m_training->setRun(m_session->viewReader(), -1); // cleared at once: no old run shown
        m_tabs->setCurrentWidget(m_training);
    }
}

bool MainWindow::loadRunIntoSetup(qint64 runId) {
    // The browser's row holds the run's config: no read of the log on this thread.
    const mor::RunSummary* run = m_browser->model()->run(m_browser->model()->rowOf(runId));
    QString error = tr("Run %1 is not in the log.").arg(runId);
    // As trained: a default changed since the run was stored does not apply to it.
    if (!run || !m_setup->loadRunConfig(mor::withStoredDefaults(run->configJson, run->createdMs),
                                        tr("Load run %1").arg(runId), &error)) {
        QMessageBox::warning(this, tr("Load into Setup"), error);
        return false;
    }
    m_tabs->setCurrentWidget(m_setup);
    statusBar()->showMessage(
        tr("Loaded the config of run %1 (%2)").arg(runId).arg(QString::fromStdString(run->name)),
        5000);
    return true;
}

void MainWindow::resumeRun(qint64 runId) {
    if (m_controller->resumeRun(runId, m_session->path())) {
        statusBar()->showMessage(tr("Resuming run %1").arg(runId), 8000);
        m_tabs->setCurrentWidget(m_training);
    } else {
        statusBar()->showMessage(tr("A training is running: stop it before resuming run %1")
                                     .arg(runId),
                                 8000);
    }
}

void MainWindow::onTrainingFinished(qint64 runId, const QString& status, const QString& error) {
    const QString shown = RunTableModel::statusText(status.toStdString());
    appendEvent(status == QLatin1String("failed") ? QStringLiteral("error")
                                                  : QStringLiteral("info"),
                error.isEmpty() ? tr("Run %1 %2").arg(runId).arg(shown)
                                : tr("Run %1 %2: %3").arg(runId).arg(shown, error));
    statusBar()->showMessage(tr("Run %1 %2").arg(runId).arg(shown), 8000);
    m_session->pollInBackground();
    onRunSelected(runId);
}

void MainWindow::onRunSelected(qint64 runId) {
    // During training the training view follows the training run, not the selection.
    m_currentRun = runId;
    // Each view reads the run on the session's view pool and shows it (title and data
    // together) when the read comes back; a newer click supersedes an older read.
    const auto reader = m_session->viewReader();
    if (!m_controller->isRunning() || runId == m_controller->runId()) {
        m_training->setRun(reader, runId);
    }
    for (common::InspectView* view : m_inspect) {
        view->setRun(reader, runId);
    }
    m_sequence->setRun(reader, runId);
}

void MainWindow::onLogChanged() {
    m_training->refresh();
    for (int i = 0; i < m_inspect.size(); ++i) {
        m_inspectDirty[i] = true;
    }
    refreshInspectView(m_tabs->currentIndex());
    m_sequence->refresh(); // on the pool, as the views above
    m_compareDirty = true;
    refreshCompareView();
    // The browser's count: a failed read keeps its rows (and the count) instead of "0 runs".
    const int runs = m_browser->model()->rowCount();
    m_logLabel->setText(
        tr("%1 — %n run(s)", nullptr, runs).arg(QDir::toNativeSeparators(m_session->path())));
}

void MainWindow::refreshInspectView(int tab) {
    const int i = tab - Stepper;
    if (i >= 0 && i < m_inspect.size() && m_inspectDirty[i]) {
        m_inspectDirty[i] = false;
        m_inspect[i]->refresh();
    }
}

void MainWindow::refreshCompareView() {
    // Re-reading several runs is not free: only for the visible tab, once per change.
    if (m_compareDirty && m_tabs->currentWidget() == m_compare) {
        m_compareDirty = false;
        if (m_compareRunsChanged) {
            m_compareRunsChanged = false;
            m_compare->setRuns(m_session->viewReader(), m_browser->selectedRuns());
        } else {
            m_compare->refresh();
        }
    }
}

void MainWindow::addRecentLog(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentLogs")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentLogs) {
        recent.removeLast();
    }
    settings.setValue(QStringLiteral("recentLogs"), recent);
    m_actions->setRecentLogs(recent);
}

void MainWindow::appendEvent(const QString& level, const QString& message) {
    // The engine's levels (info, warn, error) in the user's language.
    const QString shown = level == QLatin1String("info")    ? tr("info")
                          : level == QLatin1String("warn")  ? tr("warn")
                          : level == QLatin1String("error") ? tr("error")
                                                            : level;
    m_events->appendPlainText(QStringLiteral("%1  %2  %3")
                                  .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")),
                                       shown.leftJustified(7), message));
}

void MainWindow::setDarkTheme(bool dark) {
    common::Theme::apply(dark ? common::Theme::Kind::Dark : common::Theme::Kind::Light);
    common::Theme::store(common::Theme::current());
    m_actions->darkTheme->setChecked(dark);
    m_actions->lightTheme->setChecked(!dark);
}

void MainWindow::setLanguage(const QString& code) {
    if (!m_language->setLanguage(code)) {
        statusBar()->showMessage(tr("No translation for %1").arg(code), 5000);
    }
    for (QAction* a : m_actions->languages) {
        a->setChecked(a->data().toString() == m_language->language());
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_controller->isRunning()) {
        const auto answer =
            QMessageBox::question(this, tr("Quit"), tr("A training is running. Stop it and quit?"),
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_controller->stop();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslateUi() {
    m_actions->retranslate();
    const QStringList titles = {tr("Setup"), tr("Training"), tr("Reflection stepper"),
                                tr("Routing"), tr("Conflicts"), tr("Compare"),
                                tr("Sequence")};
    for (int i = 0; i < m_tabs->count() && i < titles.size(); ++i) {
        m_tabs->setTabText(i, titles[i]);
    }
    m_tabs->setTabText(m_tabs->indexOf(m_playground), tr("Playground"));
    m_browserDock->setWindowTitle(tr("Runs"));
    m_eventsDock->setWindowTitle(tr("Events"));
    if (m_session->isOpen()) {
        setWindowTitle(tr("MoR Studio — %1").arg(QFileInfo(m_session->path()).fileName()));
    } else {
        setWindowTitle(tr("MoR Studio"));
    }
}

} // namespace shell
