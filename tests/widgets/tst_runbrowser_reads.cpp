// SPDX-License-Identifier: GPL-3.0-or-later
// Data shown must never silently vanish: while reads of the log fail (another connection holds
// it exclusively, the file is moved away) and runs are still written, the browser keeps its
// runs, the session reports the failure, and the next readable poll brings the new runs in. The
// main window says so in its status bar and keeps its run count.
// Note: a WAL reader is blocked by another process, not by another connection of its own
// process; hence the child mode that holds the locks.
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "common/routingheatmap.h"
#include "compare/compareview.h"
#include "inspect/conflictview.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/routingview.h"
#include "sequence/sequenceview.h"
#include "sweeps/sweepsview.h"
#include "training/metricplots.h"
#include "training/trainingview.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "heldlog.h"
#include "lockholder.h"

#include <cstdio>
#include <functional>
#include <string>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTimer>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using held_log::GapMeter;
using lock_holder::LockHolder;

class TstRunBrowserReads : public QObject, private held_log::ThreeRunLog {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void failedReadsKeepTheRunsAndRecover_data();
    void failedReadsKeepTheRunsAndRecover();
    void readerTellsAFailedListingFromAnEmptyLog();
    void mainWindowReportsTheFailureAndKeepsItsCount();
    void killedTrainingTurnsInterruptedAtTheNextPoll();
    void timerPollOfAHeldLogLeavesTheWindowResponsive();
    void backgroundPollReportsAMissingFileAndRecovers();
    void viewsOfAHeldLogLeaveTheWindowResponsive();
    void clickedRunsOfAHeldLogLeaveTheWindowResponsive();
    void editsOfAHeldLogLeaveTheWindowResponsive();

private:
    int rowOfName(shell::RunTableModel* model, const QString& name) {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, shell::RunTableModel::Name).data().toString() == name) {
                return r;
            }
        }
        return -1;
    }
};

void TstRunBrowserReads::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runbrowser_reads"));
}

void TstRunBrowserReads::init() {
    make();
}

void TstRunBrowserReads::failedReadsKeepTheRunsAndRecover_data() {
    QTest::addColumn<QString>("failure");
    QTest::newRow("busy: another process holds the read locks") << "locked";
    QTest::newRow("file renamed away") << "renamed";
    QTest::newRow("file missing") << "missing";
}

void TstRunBrowserReads::failedReadsKeepTheRunsAndRecover() {
    QFETCH(QString, failure);
    shell::LogSession session;
    session.setPollInterval(60 * 60 * 1000); // the test polls by hand
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QCOMPARE(browser.model()->rowCount(), 3);
    browser.selectRun(browser.model()->runId(0));
    const qint64 selected = browser.currentRun();
    QSignalSpy failed(&session, &shell::LogSession::readFailed);
    QSignalSpy recovered(&session, &shell::LogSession::readRecovered);

    const QString away = m_path + QStringLiteral(".moved");
    LockHolder holder;
    std::string openError;
    auto writer = mor::ExperimentLog::open(m_path.toStdString(), &openError);
    QVERIFY2(writer, openError.c_str());
    const auto writeRun = [&writer] {
        mor::RunInfo info;
        info.name = "held";
        writer->setStatus(writer->createRun(info), "finished");
        writer->flush();
    };
    int polls = 3;
    if (failure == QLatin1String("locked")) {
        writeRun(); // written, not yet read: the browser must not lose it either
        QVERIFY(holder.start(m_path));
        polls = 1; // SQLite gives up on a held read lock only after ~10 s
    } else {
        QVERIFY(QFile::rename(m_path, away));
        if (failure == QLatin1String("renamed")) {
            writeRun(); // the training goes on writing into the moved file
        }
    }

    for (int poll = 0; poll < polls; ++poll) {
        session.poll();
        QVERIFY(session.isReadFailing());
        QCOMPARE(browser.model()->rowCount(), 3); // never "every run deleted"
        QCOMPARE(browser.currentRun(), selected);
    }
    QVERIFY(failed.count() >= polls);
    QVERIFY(!failed.first().first().toString().isEmpty());
    QCOMPARE(recovered.count(), 0);

    if (failure == QLatin1String("locked")) {
        holder.release();
    } else {
        QVERIFY(QFile::rename(away, m_path));
    }
    if (failure == QLatin1String("missing")) {
        writeRun();
    }
    session.poll();
    QVERIFY(!session.isReadFailing());
    QCOMPARE(recovered.count(), 1);
    QCOMPARE(browser.model()->rowCount(), 4);
    QVERIFY(rowOfName(browser.model(), QStringLiteral("held")) >= 0);
    QCOMPARE(browser.currentRun(), selected);
}

void TstRunBrowserReads::readerTellsAFailedListingFromAnEmptyLog() {
    std::string error;
    auto reader = mor::LogReader::open(m_path.toStdString());
    QVERIFY2(reader, reader.error().c_str());
    auto runs = reader->tryRuns(&error);
    QVERIFY(runs.has_value());
    QCOMPARE(runs->size(), size_t(3));
    {
        LockHolder holder;
        QVERIFY(holder.start(m_path));
        error.clear();
        QVERIFY(!reader->tryRuns(&error).has_value());
        QVERIFY(!error.empty());
        QCOMPARE(reader->lastError(), error);
    }
    QVERIFY(reader->tryChangeStamp().has_value());
    QCOMPARE(reader->tryRuns()->size(), size_t(3));
}

void TstRunBrowserReads::mainWindowReportsTheFailureAndKeepsItsCount() {
    QSettings().clear();
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000);
    auto* label = window.statusBar()->findChildren<QLabel*>().value(0);
    QCOMPARE(window.runBrowser()->model()->rowCount(), 3);
    {
        LockHolder holder;
        QVERIFY(holder.start(m_path));
        window.session()->poll();
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("retrying")));
        QCOMPARE(window.runBrowser()->model()->rowCount(), 3);
    }
    window.session()->poll();
    QVERIFY(!window.statusBar()->currentMessage().contains(QStringLiteral("retrying")));
    QCOMPARE(window.runBrowser()->model()->rowCount(), 3);
    bool countShown = false;
    for (QLabel* l : window.statusBar()->findChildren<QLabel*>()) {
        countShown = countShown || l->text().contains(QStringLiteral("3 run(s)"));
    }
    QVERIFY2(countShown, label ? qPrintable(label->text()) : "no label");
}

// A training process killed with SIGKILL writes nothing more, so the change stamp stays: the
// browser still turns its run "interrupted" at the next poll, long before the 15 s heartbeat.
void TstRunBrowserReads::killedTrainingTurnsInterruptedAtTheNextPoll() {
    shell::LogSession session;
    session.setPollInterval(60 * 60 * 1000);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    LockHolder training;
    QVERIFY(training.start(m_path, QStringLiteral("--hold-run")));
    session.poll();
    const int row = rowOfName(browser.model(), QStringLiteral("killed"));
    QVERIFY(row >= 0);
    QCOMPARE(browser.model()->run(row)->status, std::string("running"));
    training.release(); // kill -9
    QElapsedTimer sinceKill;
    sinceKill.start();
    session.poll();
    QCOMPARE(browser.model()->run(row)->status, std::string("interrupted"));
    QCOMPARE(browser.model()->index(row, shell::RunTableModel::Status).data().toString(),
             QStringLiteral("interrupted"));
    QVERIFY(sinceKill.elapsed() < 5000);
}

// The session's timer polls on a worker thread: a log whose read locks another process holds
// (SQLite retries ~10 s before it gives up) no longer freezes the window at every poll.
void TstRunBrowserReads::timerPollOfAHeldLogLeavesTheWindowResponsive() {
    shell::LogSession session;
    session.setPollInterval(60 * 60 * 1000);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QCOMPARE(browser.model()->rowCount(), 3);
    LockHolder holder;
    QVERIFY(holder.start(m_path));
    QElapsedTimer clock;
    clock.start();
    session.pollInBackground();
    QVERIFY(clock.elapsed() < 200); // returned at once
    QVERIFY(session.isPolling());
    // The event loop keeps turning while the poll is stuck in SQLite's retries.
    const GapMeter gaps;
    QTest::qWait(1500);
    QVERIFY2(gaps.worst() < 300, qPrintable(QString::number(gaps.worst())));
    QVERIFY(session.isPolling()); // still held: the read has not come back
    QCOMPARE(browser.model()->rowCount(), 3);
    holder.release();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isPolling(), 15000);
    QCOMPARE(browser.model()->rowCount(), 3);
}

void TstRunBrowserReads::backgroundPollReportsAMissingFileAndRecovers() {
    shell::LogSession session;
    session.setPollInterval(60 * 60 * 1000);
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QSignalSpy failed(&session, &shell::LogSession::readFailed);
    QSignalSpy recovered(&session, &shell::LogSession::readRecovered);
    const QString away = m_path + QStringLiteral(".moved");
    QVERIFY(QFile::rename(m_path, away));
    session.pollInBackground();
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(session.isReadFailing());
    QCOMPARE(browser.model()->rowCount(), 3);
    QVERIFY(QFile::rename(away, m_path));
    {
        std::string openError;
        auto writer = mor::ExperimentLog::open(m_path.toStdString(), &openError);
        QVERIFY2(writer, openError.c_str());
        mor::RunInfo info;
        info.name = "after";
        writer->setStatus(writer->createRun(info), "finished");
        writer->flush();
    }
    session.pollInBackground();
    QTRY_COMPARE(recovered.count(), 1);
    QCOMPARE(browser.model()->rowCount(), 4);
    QVERIFY(rowOfName(browser.model(), QStringLiteral("after")) >= 0);
}

// The views' own reads after a change wait for a held log on a worker, never in the window:
// the training curves keep their points and Compare and a dirty inspect tab, shown while
// another process holds the log, re-read only once it answers. Then everything comes in.
void TstRunBrowserReads::viewsOfAHeldLogLeaveTheWindowResponsive() {
    QSettings().clear();
    std::string openError;
    auto writer = mor::ExperimentLog::open(m_path.toStdString(), &openError);
    QVERIFY2(writer, openError.c_str());
    const int64_t first = m_firstRun;
    for (int step = 0; step < 20; ++step) {
        writer->logMetric(first, "train/loss", step, 1.0 / (step + 1));
    }
    writer->flush();
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000); // the test polls by hand
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.selectRun(first);
    QVERIFY(window.showView(QStringLiteral("training")));
    const auto shown = [&window] {
        return window.trainingView()->plots()->shownPoints(QStringLiteral("train/loss")).size();
    };
    QTRY_COMPARE(shown(), 20); // read on the session's view pool

    // Written, not yet read; then another process holds the log.
    for (int step = 20; step < 40; ++step) {
        writer->logMetric(first, "train/loss", step, 1.0 / (step + 1));
    }
    mor::RunInfo info;
    info.name = "late";
    writer->setStatus(writer->createRun(info), "finished");
    writer->flush();
    LockHolder holder;
    QVERIFY(holder.start(m_path));

    const GapMeter gaps;
    window.session()->pollInBackground(); // the timer's poll: stuck on its worker
    // Compare (dirty since the log was opened), dirty inspect tabs and Sweeps shown while held.
    for (const char* view : {"compare", "stepper", "routing", "sweeps", "training"}) {
        QVERIFY(window.showView(QString::fromLatin1(view)));
        QTest::qWait(300);
    }
    QVERIFY2(gaps.worst() < 300, qPrintable(QStringLiteral("worst gap %1 ms").arg(gaps.worst())));
    QVERIFY(window.compareView()->isReading()); // its read waits on the pool, not in the window
    QCOMPARE(shown(), 20); // what was shown stays: never emptied by a failed read
    QCOMPARE(window.runBrowser()->model()->rowCount(), 3);

    holder.release();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isPolling(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.compareView()->isReading(), 15000);
    auto* sweepsView = window.findChild<sweeps::SweepsView*>();
    QVERIFY(sweepsView);
    QTRY_VERIFY_WITH_TIMEOUT(!sweepsView->isReading(), 15000);
    QCOMPARE(sweepsView->sweepCount(), 0); // read, once the log answered: it has none
    QTRY_COMPARE(shown(), 40);
    QCOMPARE(window.runBrowser()->model()->rowCount(), 4);
    QVERIFY(window.showView(QStringLiteral("compare")));
    QTRY_COMPARE(window.compareView()->summaryRowCount(), 4); // the latest runs, "late" too
}

// Runs clicked in the browser while another process holds the log: every view's read of the
// run runs on the session's view pool (issue 21), so the window keeps answering; the views keep
// showing the run they had (title and data of one run), and once the log answers they show the
// run clicked last, never one clicked before it.
void TstRunBrowserReads::clickedRunsOfAHeldLogLeaveTheWindowResponsive() {
    QSettings().clear();
    std::string openError;
    auto writer = mor::ExperimentLog::open(m_path.toStdString(), &openError);
    QVERIFY2(writer, openError.c_str());
    // Run k (first, second, third) has 10 (k + 1) loss points with values in [k + 1, k + 2)
    // and a routing snapshot of k + 2 experts: what a view shows names its run.
    const std::vector<int64_t> runs = {m_firstRun, m_firstRun + 1, m_firstRun + 2};
    for (int k = 0; k < 3; ++k) {
        for (int step = 0; step < 10 * (k + 1); ++step) {
            writer->logMetric(runs[size_t(k)], "train/loss", step, k + 1 + step * 0.001);
        }
        const int experts = k + 2;
        std::vector<float> probs(size_t(4 * experts), 1.0f / float(experts));
        std::vector<uint8_t> mask(size_t(4 * experts), 1);
        writer->logRouting(runs[size_t(k)], 10, 4, experts, probs, mask, {0, 1, 2, 3});
    }
    // "third" is a sequence run: probe traces of k + 1 tokens at evaluation steps 5 and 10.
    for (int64_t step : {5, 10}) {
        mor::TokenTrace trace;
        trace.sampleId = 7;
        trace.maxRecursions = 3;
        trace.routing = "expert_choice";
        for (int t = 0; t < 3; ++t) {
            mor::TokenStep token;
            token.text = std::string(1, char('a' + t));
            token.depth = 1 + t;
            trace.tokens.push_back(token);
        }
        writer->logTokenTraces(runs[2], step, {trace});
    }
    writer->flush();
    writer.reset();
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000); // the test polls by hand
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* routing = window.findChild<inspect::RoutingView*>();
    auto* stepper = window.findChild<inspect::ReflectionStepperView*>();
    auto* conflicts = window.findChild<inspect::ConflictView*>();
    QVERIFY(routing && stepper && conflicts);
    auto* heatmap = routing->findChild<common::RoutingHeatmap*>();
    QVERIFY(heatmap);
    auto* sequence = window.findChild<sequence::SequenceView*>();
    QVERIFY(sequence);
    training::TrainingView* trainingView = window.trainingView();
    const auto points = [trainingView] {
        return trainingView->plots()->shownPoints(QStringLiteral("train/loss"));
    };
    window.selectRun(runs[0]);
    QVERIFY(window.showView(QStringLiteral("training")));
    QTRY_COMPARE(trainingView->shownRun(), runs[0]);
    QTRY_COMPARE(routing->shownRun(), runs[0]);
    QCOMPARE(points().size(), 10);
    QCOMPARE(heatmap->expertCount(), 2);
    QTRY_COMPARE(sequence->shownRun(), runs[0]);
    QVERIFY(!sequence->hasTokenTraces());

    LockHolder holder;
    QVERIFY(holder.start(m_path));
    int mismatches = 0;
    GapMeter gaps([&] {
        // Whatever is shown is of one run: the title's, the curve's and the heatmap's.
        const auto k = std::find(runs.begin(), runs.end(), trainingView->shownRun()) -
                       runs.begin();
        const auto shown = points();
        if (k >= 3 || shown.size() != 10 * (k + 1) || shown.isEmpty() ||
            int(shown.front().y()) != k + 1) {
            ++mismatches;
        }
        const auto r = std::find(runs.begin(), runs.end(), routing->shownRun()) - runs.begin();
        if (r >= 3 || heatmap->expertCount() != r + 2) {
            ++mismatches;
        }
    });
    QTableView* table = window.runBrowser()->view();
    const auto click = [&](int64_t run) {
        const int row = window.runBrowser()->model()->rowOf(run);
        const QModelIndex index = window.runBrowser()->proxy()->mapFromSource(
            window.runBrowser()->model()->index(row, shell::RunTableModel::Name));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(index).center());
        QTest::qWait(200);
    };
    // Clicks on the training tab, then with each inspect view shown; the last click: "third".
    click(runs[1]);
    click(runs[2]);
    QVERIFY(window.showView(QStringLiteral("routing")));
    click(runs[0]);
    QVERIFY(window.showView(QStringLiteral("stepper")));
    click(runs[1]);
    QVERIFY(window.showView(QStringLiteral("conflicts")));
    click(runs[2]);
    QVERIFY(window.showView(QStringLiteral("training")));
    QTest::qWait(300);
    QCOMPARE(window.runBrowser()->currentRun(), runs[2]);
    qInfo("worst event-loop gap while clicking runs of a held log: %lld ms", gaps.worst());
    QVERIFY2(gaps.worst() < 300, qPrintable(QStringLiteral("worst gap %1 ms").arg(gaps.worst())));
    // Nothing of the clicked runs could be read: the first run stays, whole.
    QVERIFY(trainingView->isReading());
    QCOMPARE(trainingView->shownRun(), runs[0]);
    QCOMPARE(points().size(), 10);
    QCOMPARE(routing->shownRun(), runs[0]);
    // The Sequence view read the run on the pool too (it read on this thread before).
    QVERIFY(sequence->isReading());
    QCOMPARE(sequence->shownRun(), runs[0]);

    holder.release();
    QTRY_VERIFY_WITH_TIMEOUT(!trainingView->isReading() && !routing->isReading() &&
                                 !stepper->isReading() && !conflicts->isReading() &&
                                 !sequence->isReading(),
                             30000);
    gaps.stop();
    QCOMPARE(mismatches, 0);
    QCOMPARE(trainingView->shownRun(), runs[2]);
    QCOMPARE(points().size(), 30);
    QCOMPARE(int(points().front().y()), 3);
    QVERIFY(trainingView->findChild<QLabel*>(QStringLiteral("trainingTitle"))
                ->text()
                .contains(QStringLiteral("“third”")));
    QCOMPARE(routing->shownRun(), runs[2]);
    QCOMPARE(heatmap->expertCount(), 4);
    QCOMPARE(stepper->shownRun(), runs[2]);
    QCOMPARE(conflicts->shownRun(), runs[2]);
    QCOMPARE(sequence->shownRun(), runs[2]);
    QVERIFY(sequence->hasTokenTraces());
    QCOMPARE(sequence->evaluationStep(), 10); // the newest step
    QVERIFY(sequence->currentTrace());
    QCOMPARE(int(sequence->currentTrace()->tokens.size()), 3);
    QCOMPARE(sequence->currentTrace()->tokens.back().depth, 3);
}

// The window's own edits (delete, rename, tags, notes) write on the session's edit thread: with
// another process holding the log the call returns at once, and the edit is written (and shown
// by the poll after it) once the log answers. On the GUI thread it waited ~10 s per attempt.
void TstRunBrowserReads::editsOfAHeldLogLeaveTheWindowResponsive() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    session.setPollInterval(60 * 60 * 1000); // the test polls by hand
    shell::RunBrowser browser(&session);
    QCOMPARE(browser.model()->rowCount(), 3);
    LockHolder holder;
    QVERIFY(holder.start(m_path));
    QElapsedTimer clock;
    clock.start();
    browser.deleteRuns({m_firstRun});
    const qint64 returnedMs = clock.elapsed();
    QVERIFY2(returnedMs < 300, qPrintable(QStringLiteral("deleteRuns took %1 ms").arg(returnedMs)));
    QVERIFY(session.isEditing()); // waiting on its own thread
    QTest::qWait(300);
    QCOMPARE(browser.model()->rowCount(), 3);
    holder.release();
    QTRY_VERIFY_WITH_TIMEOUT(!session.isEditing(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(browser.model()->rowCount(), 2, 15000);
    QCOMPARE(browser.model()->rowOf(m_firstRun), -1);
}

int main(int argc, char** argv) {
    if (const int child = lock_holder::lockHolderChildMain(argc, argv); child >= 0) {
        return child;
    }
    QApplication app(argc, argv);
    TstRunBrowserReads test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_runbrowser_reads.moc"
