// The main window: view names select tabs, the language switches at run time (menus, tabs
// and views retranslate), the theme and the dock layout persist, recent logs are remembered.
#include "common/demolibrary.h"
#include "common/theme.h"
#include "playground/playgroundview.h"
#include "setup/setupview.h"
#include "shell/helpdialog.h"
#include "shell/languagemanager.h"
#include "shell/mainwindow.h"
#include "shell/plotfolderexport.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QThread>
#include <QTemporaryDir>
#include <QtTest>

class TstMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void exportAllPlotsWritesPngSvgAndPdf();
    void viewNamesSelectTabs_data();
    void viewNamesSelectTabs();
    void languageSwitchRetranslatesMenusTabsAndViews();
    void translationSurvivesItsFileBeingRewritten();
    void helpListsTheWindowsShortcutsAndHasAManual();
    void newExperimentLeavesACoreForTheWindow();
    void darkThemeAppliesAndPersists();
    void dockLayoutPersistsAcrossWindows();
    void openedLogsBecomeRecentLogs();
    void fileMenuOffersTheBundledDemos();
    void playgroundDemoOpensInThePlaygroundAndStartTrainsIt();

private:
    QTemporaryDir m_dir;
};

void TstMainWindow::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    qputenv("MOR_TRANSLATIONS_DIR", MOR_BINARY_DIR "/app/studio");
    QVERIFY(m_dir.isValid());
}

void TstMainWindow::init() {
    QSettings().clear();
}

void TstMainWindow::viewNamesSelectTabs_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("tab");
    QTest::newRow("setup") << "setup" << 0;
    QTest::newRow("training") << "training" << 1;
    QTest::newRow("stepper") << "stepper" << 2;
    QTest::newRow("routing") << "routing" << 3;
    QTest::newRow("conflicts") << "conflicts" << 4;
    QTest::newRow("compare") << "compare" << 5;
    QTest::newRow("sequence") << "sequence" << 6;
    QTest::newRow("playground") << "playground" << 7;
    QTest::newRow("sweeps") << "sweeps" << 8;
    QTest::newRow("unknown") << "nonsense" << -1;
}

void TstMainWindow::viewNamesSelectTabs() {
    QFETCH(QString, name);
    QFETCH(int, tab);
    shell::MainWindow window;
    QCOMPARE(window.tabs()->count(), 9);
    QCOMPARE(window.showView(name), tab >= 0);
    if (tab == shell::MainWindow::Sequence) {
        // No run with token traces: the tab is hidden, so is its page (it showed under the
        // Setup tab, a fragment of the hidden title above the bar); it shows with its tab.
        QCOMPARE(window.tabs()->currentIndex(), 0);
        auto* sequence = window.tabs()->widget(tab);
        QVERIFY(QMetaObject::invokeMethod(sequence, "tokenTracesAvailable", Q_ARG(bool, true)));
        QCOMPARE(window.tabs()->currentIndex(), tab);
        QVERIFY(QMetaObject::invokeMethod(sequence, "tokenTracesAvailable", Q_ARG(bool, false)));
        QCOMPARE(window.tabs()->currentIndex(), int(shell::MainWindow::Training));
        return;
    }
    QCOMPARE(window.tabs()->currentIndex(), tab >= 0 ? tab : 0);
}

void TstMainWindow::languageSwitchRetranslatesMenusTabsAndViews() {
    shell::MainWindow window;
    QCOMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    window.setLanguage(QStringLiteral("de"));
    QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
    // Qt delivers LanguageChange to the windows through the event loop.
    QTRY_COMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&Datei"));
    QCOMPARE(window.tabs()->tabText(0), QStringLiteral("Einrichtung"));
    QCOMPARE(window.setupView()->startButton()->text(), QStringLiteral("Training &starten"));
    window.setLanguage(QStringLiteral("en"));
    QTRY_COMPARE(window.menuBar()->actions().first()->text(), QStringLiteral("&File"));
    QCOMPARE(window.tabs()->tabText(0), QStringLiteral("Setup"));
    QCOMPARE(window.setupView()->startButton()->text(), QStringLiteral("&Start training"));
}

// A build that rewrites the .qm under a running app (lrelease while a test or the monkey runs)
// must not take the app down: the translation is read into memory, not mapped (a mapped file
// cut to 0 bytes ends in SIGBUS at the next lookup; issue 21).
void TstMainWindow::translationSurvivesItsFileBeingRewritten() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString qm = dir.filePath(QStringLiteral("mor_studio_de.qm"));
    QVERIFY(QFile::copy(QStringLiteral(MOR_BINARY_DIR "/app/studio/mor_studio_de.qm"), qm));
    const QByteArray saved = qgetenv("MOR_TRANSLATIONS_DIR");
    qputenv("MOR_TRANSLATIONS_DIR", dir.path().toUtf8());
    shell::LanguageManager language;
    const bool loaded = language.setLanguage(QStringLiteral("de"));
    qputenv("MOR_TRANSLATIONS_DIR", saved);
    QVERIFY(loaded);
    QCOMPARE(QCoreApplication::translate("shell::MainWindowActions", "&File"),
             QStringLiteral("&Datei"));
    {
        QFile file(qm);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(0)); // what a rewrite does first
        file.write(QByteArray(64, 'x'));
    }
    QCOMPARE(QCoreApplication::translate("shell::MainWindowActions", "&File"),
             QStringLiteral("&Datei"));
    QCOMPARE(QCoreApplication::translate("shell::MainWindowActions", "&Quit"),
             QStringLiteral("&Beenden"));
    language.setLanguage(QStringLiteral("en"));
    QCOMPARE(QCoreApplication::translate("shell::MainWindowActions", "&File"),
             QStringLiteral("&File"));
}

// Help: the shortcuts come from the window's own actions (Open log = Ctrl+O, presentation mode
// = F5), the manual names the views (issue 21).
void TstMainWindow::helpListsTheWindowsShortcutsAndHasAManual() {
    shell::MainWindow window;
    shell::HelpDialog help(&window, shell::HelpDialog::Shortcuts);
    QTableWidget* table = help.shortcutTable();
    QVERIFY(table->rowCount() >= 5);
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r) {
        rows << table->item(r, 0)->text() + QLatin1Char('=') + table->item(r, 1)->text();
    }
    const QString open = QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText);
    QVERIFY2(rows.contains(QStringLiteral("Open log…=") + open), qPrintable(rows.join(", ")));
    QVERIFY2(rows.contains(QStringLiteral("Presentation mode=F5")), qPrintable(rows.join(", ")));
    QCOMPARE(help.pages()->currentIndex(), 1);
    const QString manual = help.findChild<QTextBrowser*>()->toPlainText();
    for (const char* view : {"Setup", "Training", "Routing", "Conflicts", "Sequence"}) {
        QVERIFY2(manual.contains(QLatin1String(view)), view);
    }
}

// New experiment: 6-bit parity (the 12-bit default stays at chance) and the training's threads
// one fewer than the cores, so the window stays responsive (issue 21).
void TstMainWindow::newExperimentLeavesACoreForTheWindow() {
    const mor::ExperimentConfig config = setup::SetupView::newExperimentConfig();
    QCOMPARE(config.data.length, 6);
    QCOMPARE(config.train.threads, std::max(1, QThread::idealThreadCount() - 1));
    shell::MainWindow window;
    auto* threads = window.setupView()->findChild<QSpinBox*>(QStringLiteral("train.threads"));
    QVERIFY(threads);
    QCOMPARE(threads->value(), config.train.threads);
    QCOMPARE(window.setupView()->config().train.threads, config.train.threads);
}

void TstMainWindow::darkThemeAppliesAndPersists() {
    shell::MainWindow window;
    window.setDarkTheme(true);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QCOMPARE(common::Theme::stored(), common::Theme::Kind::Dark);
    window.setDarkTheme(false);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
    QCOMPARE(common::Theme::stored(), common::Theme::Kind::Light);
}

void TstMainWindow::dockLayoutPersistsAcrossWindows() {
    {
        shell::MainWindow window;
        window.show();
        auto* events = window.findChild<QDockWidget*>(QStringLiteral("eventsDock"));
        QVERIFY(events);
        QVERIFY(events->isVisible());
        events->hide();
        window.close();
    }
    shell::MainWindow again;
    again.show();
    auto* events = again.findChild<QDockWidget*>(QStringLiteral("eventsDock"));
    QVERIFY(!events->isVisible());
    QVERIFY(again.findChild<QDockWidget*>(QStringLiteral("runBrowserDock"))->isVisible());
}

void TstMainWindow::openedLogsBecomeRecentLogs() {
    shell::MainWindow window;
    const QString a = m_dir.filePath(QStringLiteral("a.sqlite"));
    const QString b = m_dir.filePath(QStringLiteral("b.sqlite"));
    QVERIFY(window.openLog(a, false));
    QVERIFY(window.openLog(b, false));
    QVERIFY(window.openLog(a, false));
    const QStringList recent = QSettings().value(QStringLiteral("recentLogs")).toStringList();
    QCOMPARE(recent,
             (QStringList{QFileInfo(a).absoluteFilePath(), QFileInfo(b).absoluteFilePath()}));
    // A file that is not a MoR log is refused (without a dialog) and the open log stays.
    const QString junk = m_dir.filePath(QStringLiteral("junk.sqlite"));
    QFile file(junk);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not an SQLite database, just text");
    file.close();
    QVERIFY(!window.openLog(junk, false));
    QCOMPARE(QSettings().value(QStringLiteral("recentLogs")).toStringList().size(), 2);
}

void TstMainWindow::fileMenuOffersTheBundledDemos() {
    shell::MainWindow window;
    QMenu* file = window.menuBar()->actions().first()->menu();
    QMenu* demos = nullptr;
    for (QAction* a : file->actions()) {
        if (a->menu() && a->text() == QStringLiteral("&Demos")) {
            demos = a->menu();
        }
    }
    QVERIFY(demos);
    const QList<common::DemoInfo> bundled = common::DemoLibrary::demos();
    QVERIFY(!bundled.isEmpty());
    QCOMPARE(demos->actions().size(), bundled.size());
    demos->actions().last()->trigger();
    QCOMPARE(QString::fromStdString(window.setupView()->config().name), bundled.last().name);
    QCOMPARE(window.tabs()->currentIndex(), int(shell::MainWindow::Setup));
}

// `mor-studio --demo playground-border --train` (and File → Demos): a 2-D demo opens in the
// Playground tab with its knobs, and Start trains the playground's model there, not a logged run.
void TstMainWindow::playgroundDemoOpensInThePlaygroundAndStartTrainsIt() {
    shell::MainWindow window;
    QVERIFY(window.loadDemo(QStringLiteral("playground-border")));
    auto* playground = qobject_cast<playground::PlaygroundView*>(window.tabs()->currentWidget());
    QVERIFY2(playground, "a playground demo must open the Playground tab");
    QCOMPARE(playground->config().data.kind, mor::DataKind::Moons);
    QCOMPARE(window.setupView()->config().data.kind, mor::DataKind::Moons);
    QVERIFY(!playground->isTraining());
    window.startTraining();
    QVERIFY(playground->isTraining());
    playground->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!playground->isTraining(), 30000);
    // Any other demo still opens in Setup.
    QVERIFY(window.loadDemo(QStringLiteral("parity-reflection")));
    QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.setupView()));
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"

void TstMainWindow::exportAllPlotsWritesPngSvgAndPdf() {
    shell::MainWindow window;
    window.resize(1200, 800);
    window.show();
    QTemporaryDir dir;
    QString error;
    const QStringList files = shell::exportAllPlots(window.tabs(), dir.filePath("plots"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(files.size() >= 3 * 5); // the training view alone has five plots
    for (const QString& path : files) {
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray head = f.read(256);
        QVERIFY2(f.size() > 100, qPrintable(path));
        if (path.endsWith(".png")) {
            QVERIFY2(head.startsWith("\x89PNG"), qPrintable(path));
        } else if (path.endsWith(".pdf")) {
            QVERIFY2(head.startsWith("%PDF"), qPrintable(path));
        } else {
            QVERIFY2(head.contains("<svg") || head.contains("<?xml"), qPrintable(path));
        }
    }
}
