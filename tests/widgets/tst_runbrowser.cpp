// The run browser: runs written through ExperimentLog appear with the right columns; a run
// written later by another connection appears after the poll; filter, edits and delete.
#include "common/theme.h"
#include "shell/logsession.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "shell/servingdialog.h"
#include "shell/servingstats.h"

#include "mor/experiment_log.h"
#include "mor/serving_log.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QTableWidget>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QHeaderView>
#include <QTableView>
#include <QtTest>

class TstRunBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void runsOfTheLogAppearWithTheirColumns_data();
    void runsOfTheLogAppearWithTheirColumns();
    void runAddedLaterAppearsAfterThePoll();
    void narrowBrowserShowsIdAndElidedNames();
    void runGrowingElsewhereUpdatesItsRow();
    void filterMatchesNameStatusAndTags();
    void renameTagsAndDeleteGoThroughTheLog();
    void aPollAskedForDuringAPollPollsAgain();
    void runTrainedByTheCliAppearsLiveAndFinishes();
    void servingRecordsShowLatencyAccuracyAndTest();

private:
    QString cell(shell::RunTableModel* model, int row, int column) {
        return model->index(row, column).data().toString();
    }
    int rowOfName(shell::RunTableModel* model, const QString& name) {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (cell(model, r, shell::RunTableModel::Name) == name) {
                return r;
            }
        }
        return -1;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TstRunBrowser::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo first;
    first.name = "parity baseline";
    first.dataset = "parity(12)";
    first.tags = {"baseline"};
    const int64_t a = log->createRun(first);
    log->logMetric(a, "val/accuracy", 10, 0.75);
    log->logMetric(a, "val/accuracy", 20, 0.875);
    log->setStatus(a, "finished");
    mor::RunInfo second;
    second.name = "mixed domains";
    second.dataset = "mixed";
    second.tags = {"routing", "tagged"};
    const int64_t b = log->createRun(second);
    log->setStatus(b, "stopped");
    log->flush();
}

void TstRunBrowser::runsOfTheLogAppearWithTheirColumns_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QString>("best");
    QTest::addColumn<QString>("tags");
    QTest::newRow("finished run") << "parity baseline"
                                  << "finished"
                                  << "parity(12)"
                                  << "87.5 %"
                                  << "baseline";
    QTest::newRow("stopped run") << "mixed domains"
                                 << "stopped"
                                 << "mixed"
                                 << ""
                                 << "routing, tagged";
}

void TstRunBrowser::runsOfTheLogAppearWithTheirColumns() {
    QFETCH(QString, name);
    QFETCH(QString, status);
    QFETCH(QString, dataset);
    QFETCH(QString, best);
    QFETCH(QString, tags);
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    shell::RunTableModel* model = browser.model();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->columnCount(), int(shell::RunTableModel::ColumnCount));
    const int row = rowOfName(model, name);
    QVERIFY(row >= 0);
    QCOMPARE(cell(model, row, shell::RunTableModel::Status), status);
    QCOMPARE(cell(model, row, shell::RunTableModel::Dataset), dataset);
    QCOMPARE(cell(model, row, shell::RunTableModel::BestAccuracy), best);
    QCOMPARE(cell(model, row, shell::RunTableModel::Tags), tags);
    QVERIFY(!cell(model, row, shell::RunTableModel::Created).isEmpty());
    QCOMPARE(model->headerData(shell::RunTableModel::BestAccuracy, Qt::Horizontal, Qt::DisplayRole)
                 .toString(),
             QStringLiteral("Best accuracy"));
}

void TstRunBrowser::runAddedLaterAppearsAfterThePoll() {
    shell::LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QCOMPARE(browser.model()->rowCount(), 2);

    // Another writer (as `mor train` in another process would) adds a run.
    std::string message;
    auto other = mor::ExperimentLog::open(m_path.toStdString(), &message);
    QVERIFY2(other, message.c_str());
    mor::RunInfo info;
    info.name = "written elsewhere";
    info.dataset = "modular(7)";
    other->createRun(info);
    other->flush();
    QTRY_COMPARE_WITH_TIMEOUT(browser.model()->rowCount(), 3, 5000);
    const int row = rowOfName(browser.model(), QStringLiteral("written elsewhere"));
    QVERIFY(row >= 0);
    QCOMPARE(cell(browser.model(), row, shell::RunTableModel::Status), QStringLiteral("running"));
    QCOMPARE(cell(browser.model(), row, shell::RunTableModel::Dataset),
             QStringLiteral("modular(7)"));
}

void TstRunBrowser::runGrowingElsewhereUpdatesItsRow() {
    shell::LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    std::string message;
    auto other = mor::ExperimentLog::open(m_path.toStdString(), &message);
    QVERIFY2(other, message.c_str());
    mor::RunInfo info;
    info.name = "live run";
    const int64_t id = other->createRun(info);
    other->flush();
    QTRY_VERIFY_WITH_TIMEOUT(rowOfName(browser.model(), QStringLiteral("live run")) >= 0, 5000);
    browser.selectRun(id);
    QCOMPARE(browser.currentRun(), id);
    other->logMetric(id, "val/accuracy", 5, 0.5);
    other->setStatus(id, "finished");
    other->flush();
    const int row = rowOfName(browser.model(), QStringLiteral("live run"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(browser.model(), row, shell::RunTableModel::Status),
                              QStringLiteral("finished"), 5000);
    QCOMPARE(cell(browser.model(), row, shell::RunTableModel::BestAccuracy),
             QStringLiteral("50.0 %"));
    // The selection survives the update (rows change in place).
    QCOMPARE(browser.currentRun(), id);
    QCOMPARE(browser.selectedRuns(), QList<qint64>{id});
}

void TstRunBrowser::filterMatchesNameStatusAndTags() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    browser.filterEdit()->setText(QStringLiteral("tagged"));
    QCOMPARE(browser.proxy()->rowCount(), 1);
    browser.filterEdit()->setText(QStringLiteral("FINISHED"));
    QCOMPARE(browser.proxy()->rowCount(), 1);
    browser.filterEdit()->setText(QStringLiteral("parity"));
    QCOMPARE(browser.proxy()->rowCount(), 1);
    browser.filterEdit()->clear();
    QCOMPARE(browser.proxy()->rowCount(), 2);
}

void TstRunBrowser::renameTagsAndDeleteGoThroughTheLog() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    shell::RunTableModel* model = browser.model();
    const int row = rowOfName(model, QStringLiteral("mixed domains"));
    const qint64 id = model->runId(row);
    QVERIFY(session.writer()->renameRun(id, "renamed"));
    QVERIFY(session.writer()->setTags(id, {"x", "y"}));
    session.poll();
    QCOMPARE(cell(model, model->rowOf(id), shell::RunTableModel::Name), QStringLiteral("renamed"));
    QCOMPARE(cell(model, model->rowOf(id), shell::RunTableModel::Tags), QStringLiteral("x, y"));
    browser.deleteRuns({id});
    QTRY_COMPARE(model->rowCount(), 1); // its poll reads the log on a worker
    QCOMPARE(model->rowOf(id), -1);
}

// The window's own writes poll in the background (never on the GUI thread). A poll asked for
// while one is reading may come after a write that one did not see: it polls again once that
// one is done, instead of being dropped.
void TstRunBrowser::aPollAskedForDuringAPollPollsAgain() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    session.setPollInterval(60 * 60 * 1000); // only the polls asked for here
    QSignalSpy polled(&session, &shell::LogSession::polled);
    QSignalSpy changed(&session, &shell::LogSession::changed);
    session.pollInBackground();
    QVERIFY(session.isPolling());
    session.pollInBackground(); // while the first reads
    session.pollInBackground(); // asked twice meanwhile: one more poll, not two
    QTRY_VERIFY(!session.isPolling());
    QCOMPARE(polled.size() + changed.size(), 2);
    QTest::qWait(200);
    QCOMPARE(polled.size() + changed.size(), 2);
    QVERIFY(!session.isPolling());
}

void TstRunBrowser::runTrainedByTheCliAppearsLiveAndFinishes() {
    const QString mor = QStringLiteral(MOR_BINARY_DIR "/app/cli/mor");
    if (!QFileInfo::exists(mor)) {
        QSKIP("the mor CLI is not built");
    }
    shell::LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QCOMPARE(browser.model()->rowCount(), 2);

    const QString config = m_dir->filePath(QStringLiteral("tiny.json"));
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"name": "tiny", "data": {"kind": "parity", "length": 6, "samples": 200},
                   "train": {"epochs": 1, "batch_size": 32}})");
    file.close();
    QProcess cli;
    cli.start(mor, {QStringLiteral("train"), QStringLiteral("--config"), config,
                    QStringLiteral("--log"), m_path, QStringLiteral("--name"),
                    QStringLiteral("from the cli"), QStringLiteral("--quiet")});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(rowOfName(browser.model(), QStringLiteral("from the cli")) >= 0,
                             120000);
    // The QTRY above runs the event loop, where a short training may already have finished:
    // waitForFinished() returns false for a process that is no longer running.
    QVERIFY(cli.state() == QProcess::NotRunning || cli.waitForFinished(240000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 0);
    const int row = rowOfName(browser.model(), QStringLiteral("from the cli"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(browser.model(), row, shell::RunTableModel::Status),
                              QStringLiteral("finished"), 10000);
    QVERIFY(!cell(browser.model(), row, shell::RunTableModel::BestAccuracy).isEmpty());
}

// Serving records… on a hand-written A/B session: 900 requests to A (801 of 900 labelled
// correct), 100 to B (80 of 100). Latencies from the histograms (bounds 5, 10, 25, 50, 100,
// 250 ms): A median 5 + 5 x 350/500 = 8.5 ms, p95 25 + 25 x 5/40 = 28.125 ms; B median
// 10 + 15 x 40/60 = 20 ms, p95 50 + 50 x 5/10 = 75 ms. Two-proportion z-test (pooled) and
// Fisher's exact test from scipy 1.x: z = 2.636952636214598, p = 0.00836545110277034,
// Fisher p = 0.013611718077474726.
void TstRunBrowser::servingRecordsShowLatencyAccuracyAndTest() {
    QList<qint64> ids;
    {
        std::string logError;
        auto log = mor::ExperimentLog::open(m_path.toStdString(), &logError);
        QVERIFY2(log, logError.c_str());
        for (const char* name : {"served A", "served B", "served alone"}) {
            mor::RunInfo info;
            info.name = name;
            ids << log->createRun(info);
        }
        log->flush();
    }
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    browser.selectRun(ids[0]);
    {
        std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
        auto* show = menu ? menu->findChild<QAction*>(QStringLiteral("showServing")) : nullptr;
        QVERIFY(show);
        show->trigger();
    }
    auto* none = browser.findChild<shell::ServingDialog*>();
    QVERIFY(none);
    QVERIFY(none->summaryLabel()->text().contains(QStringLiteral("No serving records")));
    QVERIFY(none->table()->isHidden());
    delete none;

    const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25};
    mor::ServingRecord a;
    a.session = "2026-12-02T17:00:00Z pid 42";
    a.variant = "A";
    a.runId = ids[0];
    a.share = 90;
    a.requests = a.inputs = a.labelled = 900;
    a.correct = 801;
    a.latencySum = 9.0;
    a.latencyBounds = bounds;
    a.latencyCounts = {100, 500, 250, 40, 8, 2, 0};
    mor::ServingRecord b = a;
    b.variant = "B";
    b.runId = ids[1];
    b.share = 10;
    b.requests = b.inputs = b.labelled = 100;
    b.correct = 80;
    b.latencySum = 2.5;
    b.latencyCounts = {0, 10, 60, 20, 10, 0, 0};
    mor::ServingRecord other = a; // another session, run 2 alone, no labels
    other.session = "2026-12-02T18:00:00Z pid 43";
    other.runId = ids[2];
    other.share = 100;
    other.labelled = other.correct = 0;
    std::string error;
    QVERIFY2(mor::writeServingRecords(m_path.toStdString(), {a, b, other}, &error), error.c_str());

    shell::ServingDialog dialog(m_path, ids[0], &browser);
    QTableWidget* table = dialog.table();
    QCOMPARE(table->rowCount(), 2); // session 1's two variants; session 2 did not serve run 0
    const QLocale locale;
    QCOMPARE(table->item(0, shell::ServingDialog::Variant)->text(), QStringLiteral("A"));
    QCOMPARE(table->item(1, shell::ServingDialog::Run)->text(), QStringLiteral("#%1").arg(ids[1]));
    QCOMPARE(table->item(0, shell::ServingDialog::Requests)->text(), locale.toString(900));
    QCOMPARE(table->item(0, shell::ServingDialog::Accuracy)->text(),
             locale.toString(89.0, 'f', 1) + QStringLiteral(" %"));
    QCOMPARE(table->item(1, shell::ServingDialog::Accuracy)->text(),
             locale.toString(80.0, 'f', 1) + QStringLiteral(" %"));
    QCOMPARE(table->item(0, shell::ServingDialog::LatencyMedian)->text(),
             locale.toString(8.5, 'f', 2) + QStringLiteral(" ms"));
    QCOMPARE(table->item(1, shell::ServingDialog::LatencyMedian)->text(),
             locale.toString(20.0, 'f', 2) + QStringLiteral(" ms"));
    QCOMPARE(table->item(1, shell::ServingDialog::LatencyP95)->text(),
             locale.toString(75.0, 'f', 2) + QStringLiteral(" ms"));
    QCOMPARE(table->item(0, shell::ServingDialog::LatencyMean)->text(),
             locale.toString(10.0, 'f', 2) + QStringLiteral(" ms"));
    QVERIFY(std::abs(shell::serving::servingHistogramQuantile(bounds, a.latencyCounts, 0.95) -
                     0.028125) < 1e-12);
    QVERIFY(std::abs(shell::serving::servingHistogramQuantile(bounds, a.latencyCounts, 0.5) -
                     0.0085) < 1e-12);
    QCOMPARE(int(dialog.comparisons().size()), 1);
    const shell::serving::ProportionTest& t = dialog.comparisons().front().test;
    QVERIFY(std::abs(t.z - 2.636952636214598) < 1e-12);
    QVERIFY(std::abs(t.pZ - 0.00836545110277034) < 1e-12);
    QVERIFY(std::abs(t.pFisher - 0.013611718077474726) < 1e-10);
    const QString text = dialog.testLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("p = %1").arg(locale.toString(0.0084, 'f', 4))),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("significant at the 5% level")));
    QVERIFY(!text.contains(QStringLiteral("not significant")));
    // Equal accuracies: p = 1 for both tests.
    const shell::serving::ProportionTest same =
        shell::serving::servingProportionTest(40, 50, 80, 100);
    QVERIFY(std::abs(same.z) < 1e-12);
    QVERIFY(std::abs(same.pZ - 1.0) < 1e-12);
    QVERIFY(std::abs(same.pFisher - 1.0) < 1e-9);
    // Run 2 was served alone without labels: its row, and no test.
    shell::ServingDialog alone(m_path, ids[2], &browser);
    QCOMPARE(alone.table()->rowCount(), 1);
    QCOMPARE(alone.table()->item(0, shell::ServingDialog::Accuracy)->text(),
             QStringLiteral("no labels"));
    QVERIFY(alone.comparisons().empty());
    QVERIFY(alone.testLabel()->text().contains(QStringLiteral("No significance test")));
    if (qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) { // for looking at it by eye
        dialog.show();
        for (const auto kind : {common::Theme::Kind::Light, common::Theme::Kind::Dark}) {
            common::Theme::apply(kind);
            QTest::qWait(100); // the palette reaches every child
            dialog.grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") +
                               (kind == common::Theme::Kind::Dark ? "/serving-dark.png"
                                                          : "/serving-light.png"));
        }
        common::Theme::apply(common::Theme::Kind::Light);
    }
}

void TstRunBrowser::narrowBrowserShowsIdAndElidedNames() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    browser.resize(150, 400); // the dock's width at 1280x800
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    auto* view = browser.findChild<QTableView*>(QStringLiteral("runTable"));
    QVERIFY(view);
    QHeaderView* header = view->horizontalHeader();
    const int id = header->sectionSize(shell::RunTableModel::Id);
    const int name = header->sectionSize(shell::RunTableModel::Name);
    // The id column as wide as its contents (it took 100 of 150 px: "Id | Na").
    QVERIFY2(id <= header->sectionSizeHint(shell::RunTableModel::Id) + 2,
             qPrintable(QString::number(id)));
    // The name fills the rest of the viewport, no more: its title and "…" stay in view.
    QCOMPARE(id + name, view->viewport()->width());
    QCOMPARE(view->textElideMode(), Qt::ElideRight);
    QVERIFY(header->defaultAlignment() & Qt::AlignLeft);
    browser.resize(260, 400);
    QTRY_COMPARE(header->sectionSize(shell::RunTableModel::Id) +
                     header->sectionSize(shell::RunTableModel::Name),
                 view->viewport()->width());
}

QTEST_MAIN(TstRunBrowser)
#include "tst_runbrowser.moc"
