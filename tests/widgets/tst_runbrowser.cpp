// The run browser: runs written through ExperimentLog appear with the right columns; a run
// written later by another connection appears after the poll; filter, edits and delete.
#include "logsession.h"
#include "runbrowser.h"
#include "runtablemodel.h"

#include "mor/experiment_log.h"

#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QtTest>

class TstRunBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void runsOfTheLogAppearWithTheirColumns_data();
    void runsOfTheLogAppearWithTheirColumns();
    void runAddedLaterAppearsAfterThePoll();
    void runGrowingElsewhereUpdatesItsRow();
    void filterMatchesNameStatusAndTags();
    void renameTagsAndDeleteGoThroughTheLog();
    void runTrainedByTheCliAppearsLiveAndFinishes();

private:
    QString cell(RunTableModel* model, int row, int column) {
        return model->index(row, column).data().toString();
    }
    int rowOfName(RunTableModel* model, const QString& name) {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (cell(model, r, RunTableModel::Name) == name) {
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
    LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
    RunTableModel* model = browser.model();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->columnCount(), int(RunTableModel::ColumnCount));
    const int row = rowOfName(model, name);
    QVERIFY(row >= 0);
    QCOMPARE(cell(model, row, RunTableModel::Status), status);
    QCOMPARE(cell(model, row, RunTableModel::Dataset), dataset);
    QCOMPARE(cell(model, row, RunTableModel::BestAccuracy), best);
    QCOMPARE(cell(model, row, RunTableModel::Tags), tags);
    QVERIFY(!cell(model, row, RunTableModel::Created).isEmpty());
    QCOMPARE(
        model->headerData(RunTableModel::BestAccuracy, Qt::Horizontal, Qt::DisplayRole).toString(),
        QStringLiteral("Best accuracy"));
}

void TstRunBrowser::runAddedLaterAppearsAfterThePoll() {
    LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
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
    QCOMPARE(cell(browser.model(), row, RunTableModel::Status), QStringLiteral("running"));
    QCOMPARE(cell(browser.model(), row, RunTableModel::Dataset), QStringLiteral("modular(7)"));
}

void TstRunBrowser::runGrowingElsewhereUpdatesItsRow() {
    LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
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
    QTRY_COMPARE_WITH_TIMEOUT(cell(browser.model(), row, RunTableModel::Status),
                              QStringLiteral("finished"), 5000);
    QCOMPARE(cell(browser.model(), row, RunTableModel::BestAccuracy), QStringLiteral("50.0 %"));
    // The selection survives the update (rows change in place).
    QCOMPARE(browser.currentRun(), id);
    QCOMPARE(browser.selectedRuns(), QList<qint64>{id});
}

void TstRunBrowser::filterMatchesNameStatusAndTags() {
    LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
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
    LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
    RunTableModel* model = browser.model();
    const int row = rowOfName(model, QStringLiteral("mixed domains"));
    const qint64 id = model->runId(row);
    QVERIFY(session.writer()->renameRun(id, "renamed"));
    QVERIFY(session.writer()->setTags(id, {"x", "y"}));
    session.poll();
    QCOMPARE(cell(model, model->rowOf(id), RunTableModel::Name), QStringLiteral("renamed"));
    QCOMPARE(cell(model, model->rowOf(id), RunTableModel::Tags), QStringLiteral("x, y"));
    browser.deleteRuns({id});
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->rowOf(id), -1);
}

void TstRunBrowser::runTrainedByTheCliAppearsLiveAndFinishes() {
    const QString mor = QStringLiteral(MOR_BINARY_DIR "/app/cli/mor");
    if (!QFileInfo::exists(mor)) {
        QSKIP("the mor CLI is not built");
    }
    LogSession session;
    session.setPollInterval(100);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    RunBrowser browser(&session);
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
    QVERIFY(cli.waitForFinished(240000));
    QCOMPARE(cli.exitCode(), 0);
    const int row = rowOfName(browser.model(), QStringLiteral("from the cli"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(browser.model(), row, RunTableModel::Status),
                              QStringLiteral("finished"), 10000);
    QVERIFY(!cell(browser.model(), row, RunTableModel::BestAccuracy).isEmpty());
}

QTEST_MAIN(TstRunBrowser)
#include "tst_runbrowser.moc"
