// SPDX-License-Identifier: GPL-3.0-or-later
// Three runs of one demo must be tellable apart: the browser shows id, created time to the
// second and seed. The context menu offers Resume and Load into Setup, and they act: the run's
// config lands in the setup view; Resume is offered only for a run that ended early.
#include "logsession.h"
#include "mainwindow.h"
#include "runauditdialog.h"
#include "runbrowser.h"
#include "runtablemodel.h"
#include "setupview.h"
#include "trainingcontroller.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/run_audit.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QTreeWidget>
#include <QMenu>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

class TstRunBrowserMenu : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void idCreatedAndSeedColumnsTellRunsApart();
    void contextMenuOffersResumeAndLoad_data();
    void contextMenuOffersResumeAndLoad();
    void loadIntoSetupPutsTheRunsConfigInTheSetup();
    void resumeNamesTheRunToContinue();
    void auditTrailShowsHashesAndVerifies();

private:
    QAction* action(QMenu* menu, const char* name) {
        return menu ? menu->findChild<QAction*>(QString::fromLatin1(name)) : nullptr;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QList<qint64> m_ids;
};

void TstRunBrowserMenu::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runbrowser_menu"));
}

void TstRunBrowserMenu::init() {
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    m_ids.clear();
    // The same demo three times, with seeds 7, 8, 9; the last one was stopped.
    const char* statuses[] = {"finished", "finished", "stopped"};
    for (int i = 0; i < 3; ++i) {
        mor::ExperimentConfig config;
        config.name = "same demo";
        config.train.seed = 7 + i;
        config.train.epochs = 11 + i;
        mor::RunInfo info;
        info.name = "same demo";
        info.seed = 7 + i;
        info.configJson = mor::toJson(config);
        const int64_t id = log->createRun(info);
        log->setStatus(id, statuses[i]);
        m_ids << id;
    }
    log->flush();
}

void TstRunBrowserMenu::idCreatedAndSeedColumnsTellRunsApart() {
    LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
    RunTableModel* model = browser.model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->headerData(RunTableModel::Id, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Id"));
    QCOMPARE(model->headerData(RunTableModel::Seed, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Seed"));
    QSet<QString> rows;
    for (int r = 0; r < 3; ++r) {
        const qint64 id = model->runId(r);
        QCOMPARE(model->index(r, RunTableModel::Id).data().toLongLong(), id);
        QCOMPARE(model->index(r, RunTableModel::Seed).data().toLongLong(),
                 7 + m_ids.indexOf(id));
        // Created, to the second: "2026-12-02 05:21:07".
        const QString created = model->index(r, RunTableModel::Created).data().toString();
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$)"))
                     .match(created)
                     .hasMatch(),
                 qPrintable(created));
        QStringList cells;
        for (int c = 0; c < RunTableModel::ColumnCount; ++c) {
            if (c != RunTableModel::Created && c != RunTableModel::Duration) {
                cells << model->index(r, c).data().toString();
            }
        }
        rows.insert(cells.join(QLatin1Char('|')));
    }
    QCOMPARE(rows.size(), 3); // no two rows look the same
}

void TstRunBrowserMenu::contextMenuOffersResumeAndLoad_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("resumable");
    QTest::newRow("finished run") << 0 << false;
    QTest::newRow("stopped run") << 2 << true;
}

void TstRunBrowserMenu::contextMenuOffersResumeAndLoad() {
    QFETCH(int, index);
    QFETCH(bool, resumable);
    LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
    QVERIFY(!browser.createContextMenu(&browser)); // nothing selected: no menu
    const qint64 id = m_ids[index];
    browser.selectRun(id);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QVERIFY(menu);
    QAction* resume = action(menu.get(), "resumeRun");
    QAction* load = action(menu.get(), "loadIntoSetup");
    QVERIFY(resume && load);
    QCOMPARE(resume->text(), QStringLiteral("Res&ume"));
    QCOMPARE(load->text(), QStringLiteral("&Load into Setup"));
    QCOMPARE(resume->isEnabled(), resumable);
    QVERIFY(load->isEnabled());
    for (const char* other : {"renameRun", "editTags", "editNotes", "deleteRuns"}) {
        QVERIFY2(action(menu.get(), other), other);
    }
    QSignalSpy resumed(&browser, &RunBrowser::resumeRequested);
    QSignalSpy loaded(&browser, &RunBrowser::loadIntoSetupRequested);
    resume->trigger();
    load->trigger();
    QCOMPARE(resumed.count(), resumable ? 1 : 0); // a disabled action does nothing
    if (resumable) {
        QCOMPARE(resumed.first().first().toLongLong(), id);
    }
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.first().first().toLongLong(), id);
}

void TstRunBrowserMenu::loadIntoSetupPutsTheRunsConfigInTheSetup() {
    MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.showView(QStringLiteral("training"));
    const qint64 id = m_ids[1];
    window.selectRun(id);
    std::unique_ptr<QMenu> menu(window.runBrowser()->createContextMenu(&window));
    QVERIFY(menu);
    const int undoBefore = window.setupView()->undoStack()->count();
    action(menu.get(), "loadIntoSetup")->trigger();
    QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.setupView()));
    QCOMPARE(window.setupView()->config().train.seed, int64_t(8));
    QCOMPARE(window.setupView()->config().train.epochs, int64_t(12));
    QCOMPARE(window.setupView()->undoStack()->count(), undoBefore + 1); // one undoable step
    QVERIFY(window.statusBar()->currentMessage().contains(QString::number(id)));
}

void TstRunBrowserMenu::resumeNamesTheRunToContinue() {
    MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    const qint64 id = m_ids[2];
    window.selectRun(id);
    std::unique_ptr<QMenu> menu(window.runBrowser()->createContextMenu(&window));
    QVERIFY(menu);
    QSignalSpy finished(window.controller(), &TrainingController::finished);
    action(menu.get(), "resumeRun")->trigger();
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("Resuming run %1").arg(id)), qPrintable(message));
    QVERIFY(window.controller()->isRunning());
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::Training));
    // The resumed training is the logged run itself (mor::resumeExperiment), not a new one:
    // stop it and check which run finished.
    window.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QCOMPARE(finished.at(0).at(0).toLongLong(), id);
}

// Audit trail…: the dialog lists who/where/how and the data file's SHA-256; Verify says the
// run reproduces, and after the data file changes that it does not, naming the file.
void TstRunBrowserMenu::auditTrailShowsHashesAndVerifies() {
    const QString csv = m_dir->filePath(QStringLiteral("audit.csv"));
    const auto writeCsv = [&csv](const QByteArray& bytes) {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    };
    writeCsv("a,label\n1,0\n2,1\n");
    const std::string config =
        R"({"data":{"kind":"csv","path":")" + csv.toStdString() + R"("}})";
    std::string error;
    qint64 run = 0;
    {
        auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(mor::RunInfo{"audited", config, "csv", "cpu", 3, {}});
        mor::RunAudit audit = mor::collectRunAudit(config, "cpu", "1.13.0", {"pruned-from:1"});
        audit.runId = run;
        QVERIFY2(mor::recordRunAudit(m_path.toStdString(), audit, &error), error.c_str());
    }
    LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    RunBrowser browser(&session);
    browser.selectRun(run);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QAction* show = action(menu.get(), "showAudit");
    QVERIFY(show);
    show->trigger();
    auto* dialog = browser.findChild<RunAuditDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const auto cell = [dialog](const QString& text) {
        return dialog->auditTree()
            ->findItems(text, Qt::MatchExactly | Qt::MatchRecursive, 1)
            .size();
    };
    const std::string sha = mor::sha256Hex("a,label\n1,0\n2,1\n");
    QCOMPARE(cell(QString::fromStdString(sha)), 1);
    QCOMPARE(cell(csv), 1);
    QCOMPARE(cell(QStringLiteral("cpu")), 1);
    QCOMPARE(cell(QStringLiteral("1 (pruned)")), 1);
    QSignalSpy verified(dialog, &RunAuditDialog::verified);
    dialog->verify();
    QVERIFY(verified.wait(5000));
    QCOMPARE(verified.takeFirst().first().toBool(), true);
    QCOMPARE(dialog->checkTree()->topLevelItemCount(), 2); // config + the CSV file
    writeCsv("a,label\n1,1\n2,1\n");
    dialog->verify();
    QVERIFY(verified.wait(5000));
    QCOMPARE(verified.takeFirst().first().toBool(), false);
    const auto changed =
        dialog->checkTree()->findItems(QStringLiteral("changed"), Qt::MatchExactly, 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0]->text(0), QStringLiteral("data.path"));
    QVERIFY(changed[0]->text(2).contains(csv));
    QVERIFY(dialog->verdictLabel()->text().contains(QStringLiteral("NOT")));
    if (qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) { // for looking at it by eye
        dialog->grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") + "/run-audit.png");
    }
}

QTEST_MAIN(TstRunBrowserMenu)
#include "tst_runbrowser_menu.moc"
