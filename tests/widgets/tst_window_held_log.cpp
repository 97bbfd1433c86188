// SPDX-License-Identifier: GPL-3.0-or-later
// The window's own actions on a log that another process holds (SQLite retries ~10 s per
// statement there): File > Export traces and Export metrics, and opening a log (File > Open,
// the recent logs, `mor-studio LOG`), run off the GUI thread; the window keeps turning and
// does what was asked once the log answers. (The views' reads and the run edits of a held log:
// tst_runbrowser_reads.)
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "training/trainingview.h"

#include "mor/log_reader.h"
#include "heldlog.h"
#include "lockholder.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using held_log::GapMeter;
using lock_holder::LockHolder;

class TstWindowHeldLog : public QObject, private held_log::ThreeRunLog {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void exportsOfAHeldLogLeaveTheWindowResponsive();
    void openingAHeldLogLeavesTheWindowResponsive();

};

void TstWindowHeldLog::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_window_held_log"));
}

void TstWindowHeldLog::init() {
    make();
}

// File > Export traces and Export metrics read the run on the session's view pool: with another
// process holding the log the calls return at once and the files are written once it answers.
void TstWindowHeldLog::exportsOfAHeldLogLeaveTheWindowResponsive() {
    QSettings().clear();
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000); // the test polls by hand
    window.selectRun(m_firstRun);
    QTRY_COMPARE(window.trainingView()->shownRun(), m_firstRun);
    QSignalSpy exported(&window, &shell::MainWindow::tracesExported);
    QSignalSpy metrics(window.trainingView(), &training::TrainingView::metricsExported);
    const QString path = m_dir->filePath(QStringLiteral("traces.csv"));
    LockHolder holder;
    QVERIFY(holder.start(m_path));
    QElapsedTimer clock;
    clock.start();
    QVERIFY(window.exportTraces(path, false));
    QVERIFY(window.trainingView()->exportCsv(m_dir->filePath(QStringLiteral("metrics.csv"))));
    const qint64 returnedMs = clock.elapsed();
    QVERIFY2(returnedMs < 300, qPrintable(QStringLiteral("took %1 ms").arg(returnedMs)));
    QTest::qWait(300);
    QCOMPARE(exported.count() + metrics.count(), 0); // waiting on the pool for the log
    holder.release();
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(metrics.count(), 1, 30000);
    QCOMPARE(metrics.first().at(2).toString(), QString()); // no error (and no points: none logged)
    QCOMPARE(exported.first().at(2).toString(), QString()); // no error
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readLine().startsWith("step,")); // the traces header (this run has no traces)
}

// File > Open and the recent logs open on a thread of the session's own, the run list read
// there too: with another process holding the log the window keeps turning and keeps showing
// the log it had; once the log answers it is open, its runs listed, its name in the title.
// A later open supersedes one under way.
void TstWindowHeldLog::openingAHeldLogLeavesTheWindowResponsive() {
    QSettings().clear();
    shell::MainWindow window;
    const QString before = m_dir->filePath(QStringLiteral("before.sqlite"));
    QVERIFY(window.openLog(before, false));
    window.session()->setPollInterval(60 * 60 * 1000); // the test polls by hand
    QCOMPARE(window.runBrowser()->model()->rowCount(), 0);
    const QString title = window.windowTitle();
    QSignalSpy finished(window.session(), &shell::LogSession::openFinished);
    auto other = mor::LogReader::open(m_path.toStdString()); // another reader: the WAL index
    QVERIFY(other);                                           // exists to be held
    QCOMPARE(other->runs().size(), size_t(3));
    LockHolder holder;
    QVERIFY(holder.start(m_path));
    QElapsedTimer clock;
    clock.start();
    window.openLogInBackground(m_path);
    QVERIFY2(clock.elapsed() < 300, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(window.session()->isOpening());
    const GapMeter gaps;
    QTest::qWait(1500);
    qInfo("worst event-loop gap while opening a held log: %lld ms", gaps.worst());
    QVERIFY2(gaps.worst() < 300, qPrintable(QStringLiteral("worst gap %1 ms").arg(gaps.worst())));
    QVERIFY(window.session()->isOpening()); // still held: the open has not come back
    QCOMPARE(finished.count(), 0);
    QCOMPARE(window.windowTitle(), title);
    QCOMPARE(window.session()->path(), QFileInfo(before).absoluteFilePath());
    window.selectRun(m_firstRun); // as `mor-studio LOG --run N` does: not listed yet
    holder.release();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.first().at(1).toString(), QString()); // opened
    QVERIFY(!window.session()->isOpening());
    QCOMPARE(window.session()->path(), QFileInfo(m_path).absoluteFilePath());
    QVERIFY2(window.windowTitle().contains(QStringLiteral("log.sqlite")),
             qPrintable(window.windowTitle()));
    QCOMPARE(window.runBrowser()->model()->rowCount(), 3);
    // The run selected while the log was opening is the one selected and shown once it is open.
    QCOMPARE(window.runBrowser()->currentRun(), m_firstRun);
    QTRY_COMPARE(window.trainingView()->shownRun(), m_firstRun);

    // Two opens in a row: the second is the one that stays open, the first is dropped.
    finished.clear();
    window.openLogInBackground(m_path);
    window.openLogInBackground(before);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTest::qWait(200);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.first().at(0).toString(), QFileInfo(before).absoluteFilePath());
    QCOMPARE(window.session()->path(), QFileInfo(before).absoluteFilePath());
    QCOMPARE(window.runBrowser()->model()->rowCount(), 0);
}

int main(int argc, char** argv) {
    if (const int child = lock_holder::lockHolderChildMain(argc, argv); child >= 0) {
        return child;
    }
    QApplication app(argc, argv);
    TstWindowHeldLog test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_window_held_log.moc"
