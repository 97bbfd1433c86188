// The reader side: live reading while a writer writes (threads and processes), exact trace
// round trips, downsampling that keeps spikes, run summaries.
#include "log_test_util.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/version.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <unistd.h>

using namespace mor;
using namespace logtest;

static int readRuns(const std::string& path);
static int64_t startHolder(QProcess& holder, const std::string& path);

class TstLogReader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void readerSeesRowsWhileAnotherThreadWrites();
    void readerAndWriterWorkInTwoProcesses();
    void readsLogFileWithoutWritePermission();
    void downsamplingKeepsSpike_data();
    void downsamplingKeepsSpike();
    void downsamplingReturnsShortSeriesWhole();
    void runSummaryHasAccuracyStepsAndDuration();
    void checkpointPathsResolveAgainstTheLog();
    void lastMetricsGivesLatestValuePerKey();
    void changeStampGrowsWithEveryCommit();
    void failedQueryReportsErrorUntilNextSuccess();
    void downsampledSeriesIsFastOnLargeLog();
    void killedWriterOnThisHostReadsInterruptedAtOnce();
    void runOfAnotherHostKeepsTheHeartbeatRule();
};

void TstLogReader::readerSeesRowsWhileAnotherThreadWrites() {
    const std::string path = file("live.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"live", "", "", "", 0, {}});
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());

    constexpr int kSteps = 20000;
    std::atomic<bool> done{false};
    std::thread trainer([&] {
        for (int step = 0; step < kSteps; ++step) {
            log->logMetrics(run, step, {{"train/loss", 1.0 / (step + 1)}, {"lr", 0.1}});
            if (step % 1000 == 0) {
                log->logEvent(run, "info", "step " + std::to_string(step));
            }
        }
        log->setStatus(run, "finished");
        log->flush();
        done = true;
    });
    size_t seen = 0;
    int polls = 0;
    while (!done || seen < size_t(kSteps)) {
        const size_t now = reader->metric(run, "train/loss").size();
        QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
        QVERIFY2(now >= seen, "a reader never sees rows disappear");
        seen = now;
        reader->runs();
        reader->metricDownsampled(run, "train/loss", 200);
        ++polls;
        if (done && seen < size_t(kSteps)) {
            break;
        }
    }
    trainer.join();
    qInfo("%d polls while writing", polls);
    QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
    QVERIFY(polls > 1);
    QCOMPARE(reader->metric(run, "train/loss").size(), size_t(kSteps));
    QCOMPARE(reader->run(run)->status, std::string("finished"));
    QCOMPARE(reader->run(run)->lastStep, int64_t(kSteps - 1));
    QCOMPARE(reader->events(run).size(), size_t(kSteps / 1000));
}

// The child process of readerAndWriterWorkInTwoProcesses (this binary run with
// --child-writer PATH): writes its own run and exits 0 when every row was written.
static int childWriter(const std::string& path) {
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    if (!log) {
        std::fprintf(stderr, "child: %s\n", error.c_str());
        return 1;
    }
    const int64_t run = log->createRun(RunInfo{"child", "", "", "", 0, {}});
    for (int step = 0; step < 3000; ++step) {
        log->logMetric(run, "train/loss", step, step * 0.001);
        if (step % 300 == 0) {
            log->flush();
        }
    }
    log->setStatus(run, "finished");
    log->flush();
    if (log->rowsFailed() != 0 || !log->lastError().empty()) {
        std::fprintf(stderr, "child: %s\n", log->lastError().c_str());
        return 2;
    }
    return 0;
}

// Another process writes its own run while this one writes another and reads both:
// two writers and a reader on one file, as with `mor train` next to the GUI.
void TstLogReader::readerAndWriterWorkInTwoProcesses() {
    const std::string path = file("twoproc.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t mine = log->createRun(RunInfo{"parent", "", "", "", 0, {}});
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QCoreApplication::applicationFilePath(),
                {"--child-writer", QString::fromStdString(path)});
    QVERIFY(child.waitForStarted());
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    for (int step = 0; step < 3000; ++step) {
        log->logMetric(mine, "train/loss", step, 1.0);
        if (step % 100 == 0) {
            log->flush();
            reader->runs();
            QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
        }
    }
    log->flush();
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.exitCode(), 0);
    QCOMPARE(log->rowsFailed(), int64_t(0));
    const auto runs = reader->runs();
    QCOMPARE(runs.size(), size_t(2));
    const RunSummary& childRun = runs[0].name == "child" ? runs[0] : runs[1];
    QCOMPARE(childRun.status, std::string("finished"));
    QCOMPARE(reader->metric(childRun.id, "train/loss").size(), size_t(3000));
    QCOMPARE(reader->metric(mine, "train/loss").size(), size_t(3000));
}

// An installed example log: a WAL-mode file in a directory the user may not write, so SQLite
// cannot create its -shm index. Root ignores permissions, so as root the check runs in a
// child process as "nobody".
void TstLogReader::readsLogFileWithoutWritePermission() {
    char pattern[] = "/tmp/mor_readonly_XXXXXX";
    QVERIFY(mkdtemp(pattern));
    const std::string dir = pattern;
    const std::string path = dir + "/example.morlog";
    std::string error;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        const int64_t run = log->createRun(RunInfo{"ro", "", "", "", 0, {}});
        log->logMetric(run, "x", 1, 2.0);
    }
    QVERIFY(!QFile::exists(QString::fromStdString(path + "-shm")));
    QCOMPARE(logtest::queryText(path, "PRAGMA journal_mode"), std::string("wal"));
    const std::string before = fileBytes(path);
    const auto r = QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
    const auto x = QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
    QVERIFY(QFile::setPermissions(QString::fromStdString(path), r));
    QVERIFY(QFile::setPermissions(QString::fromStdString(dir), r | x));
    if (geteuid() == 0) {
        if (!QFile::exists("/usr/sbin/runuser")) {
            QSKIP("running as root without runuser: permissions cannot be tested");
        }
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start("/usr/sbin/runuser",
                    {"-u", "nobody", "--", QCoreApplication::applicationFilePath(), "--read-runs",
                     QString::fromStdString(path)});
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitCode(), 0);
    } else {
        QCOMPARE(readRuns(path), 0);
    }
    QVERIFY(fileBytes(path) == before);
    QFile::setPermissions(QString::fromStdString(dir), r | x | QFileDevice::WriteOwner);
    QFile::setPermissions(QString::fromStdString(path), r | QFileDevice::WriteOwner);
    QDir(QString::fromStdString(dir)).removeRecursively();
}

void TstLogReader::downsamplingKeepsSpike_data() {
    QTest::addColumn<int>("steps");
    QTest::addColumn<int>("spikeStep");
    QTest::addColumn<int>("maxPoints");
    QTest::newRow("spike in the middle") << 10000 << 4321 << 100;
    QTest::newRow("spike at the start") << 10000 << 0 << 50;
    QTest::newRow("spike at the end") << 10000 << 9999 << 64;
    QTest::newRow("odd maxPoints") << 5000 << 2500 << 33;
}

void TstLogReader::downsamplingKeepsSpike() {
    QFETCH(int, steps);
    QFETCH(int, spikeStep);
    QFETCH(int, maxPoints);
    const std::string path = file("spike.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    for (int step = 0; step < steps; ++step) {
        log->logMetric(run, "train/loss", step,
                       step == spikeStep ? 50.0 : 1.0 + 0.1 * std::sin(step));
    }
    log->flush();
    auto reader = LogReader::open(path);
    const auto points = reader->metricDownsampled(run, "train/loss", maxPoints);
    QVERIFY2(points.size() <= size_t(maxPoints), qPrintable(QString::number(points.size())));
    QVERIFY(points.size() >= size_t(maxPoints / 2));
    bool spikeFound = false;
    for (size_t i = 0; i < points.size(); ++i) {
        spikeFound |= points[i].step == spikeStep && points[i].value == 50.0;
        if (i > 0) {
            QVERIFY(points[i].step > points[i - 1].step);
        }
    }
    QVERIFY(spikeFound);
    QVERIFY(points.front().wallMs > 0);
    QVERIFY(log->deleteRun(run)); // keep the shared file small for the next row
}

void TstLogReader::downsamplingReturnsShortSeriesWhole() {
    const std::string path = file("short.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    for (int step = 0; step < 100; ++step) {
        log->logMetric(run, "lr", step * 10, step);
    }
    log->flush();
    auto reader = LogReader::open(path);
    QCOMPARE(reader->metricDownsampled(run, "lr", 100).size(), size_t(100));
    QCOMPARE(reader->metricDownsampled(run, "lr", 1000).size(), size_t(100));
    QCOMPARE(reader->metricDownsampled(run, "lr", 10).size(), size_t(10));
    QVERIFY(reader->metricDownsampled(run, "missing", 10).empty());
}

void TstLogReader::runSummaryHasAccuracyStepsAndDuration() {
    const std::string path = file("summary.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{"s", "{\"a\":1}", "spirals", "cpu", 5, {"b", "a"}});
    const int64_t empty = log->createRun(RunInfo{"empty", "", "", "", 0, {}});
    log->logMetric(run, "val/accuracy", 10, 0.6);
    log->logMetric(run, "val/accuracy", 20, 0.9);
    log->logMetric(run, "val/accuracy", 30, 0.8);
    log->logMetric(run, "test/accuracy", 30, 0.85);
    log->logMetric(run, "test/accuracy", 40, 0.83);
    log->logMetric(run, "train/loss", 45, 0.1);
    log->flush();
    auto reader = LogReader::open(path);
    QCOMPARE(reader->schemaVersion(), logSchemaVersion());
    QCOMPARE(reader->path(), path);
    const auto runs = reader->runs();
    QCOMPARE(runs.size(), size_t(2));
    QCOMPARE(runs[0].id, run);
    QCOMPARE(runs[0].bestAccuracy, 0.9);
    QCOMPARE(runs[0].testAccuracy, 0.83);
    QCOMPARE(runs[0].lastStep, int64_t(45));
    QCOMPARE(runs[0].tags, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(runs[0].status, std::string("running"));
    QCOMPARE(runs[1].bestAccuracy, -1.0);
    QCOMPARE(runs[1].testAccuracy, -1.0);
    QCOMPARE(runs[1].lastStep, int64_t(0));
    QVERIFY(!reader->run(empty + 1));
    QCOMPARE(runs[0].createdAt.size(), size_t(20)); // 2026-11-22T08:00:00Z
    RunSummary s;
    s.createdMs = 1000;
    s.updatedMs = 4500;
    QCOMPARE(s.durationSeconds(), 3.5);
    s.finishedMs = 2000;
    QCOMPARE(s.durationSeconds(), 1.0);
}

void TstLogReader::checkpointPathsResolveAgainstTheLog() {
    // Trained as "moved.morlog" in another working directory (or trained elsewhere and moved
    // with its checkpoint folder): the stored paths do not exist from here, the files do
    // under this log's own "<log>.checkpoints" folder.
    const std::string path = file("moved.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"r", "{}", "addition", "cpu", 1, {}});
    QVERIFY(QDir().mkpath(QString::fromStdString(path + ".checkpoints/run-1")));
    const std::string here = path + ".checkpoints/run-1/step-00000010.pt";
    QFile(QString::fromStdString(here)).open(QIODevice::WriteOnly);
    log->logCheckpoint(run, 10, "moved.morlog.checkpoints/run-1/step-00000010.pt", "{}");
    log->logCheckpoint(run, 20, "/old/place/moved.morlog.checkpoints/run-1/step-00000010.pt",
                       "{}");
    log->logCheckpoint(run, 30, "/old/place/moved.morlog.checkpoints/run-1/step-00000030.pt",
                       "{}"); // not here either: kept as stored
    log->logCheckpoint(run, 40, "/old/notmoved.morlog.checkpoints/run-1/step-00000010.pt",
                       "{}"); // another log's folder: kept
    log->logCheckpoint(run, 50, here, "{}");
    log->flush();
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto list = reader->checkpoints(run);
    QCOMPARE(list.size(), size_t(5));
    QCOMPARE(list[0].path, here);
    QCOMPARE(list[1].path, here);
    QCOMPARE(list[2].path,
             std::string("/old/place/moved.morlog.checkpoints/run-1/step-00000030.pt"));
    QCOMPARE(list[3].path,
             std::string("/old/notmoved.morlog.checkpoints/run-1/step-00000010.pt"));
    QCOMPARE(list[4].path, here);
}

void TstLogReader::lastMetricsGivesLatestValuePerKey() {
    const std::string path = file("last.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logMetrics(run, 2, {{"a", 2.0}, {"b", 20.0}});
    log->logMetrics(run, 1, {{"a", 1.0}, {"b", 10.0}});
    log->logMetric(run, "c", 0, 5.0);
    log->flush();
    auto reader = LogReader::open(path);
    const auto last = reader->lastMetrics(run);
    QCOMPARE(last, (std::map<std::string, double>{{"a", 2.0}, {"b", 20.0}, {"c", 5.0}}));
    QCOMPARE(reader->metricKeys(run), (std::vector<std::string>{"a", "b", "c"}));
}

void TstLogReader::changeStampGrowsWithEveryCommit() {
    const std::string path = file("stamp.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    auto reader = LogReader::open(path);
    const int64_t s0 = reader->changeStamp();
    QCOMPARE(reader->changeStamp(), s0);
    const int64_t run = log->createRun(RunInfo{});
    const int64_t s1 = reader->changeStamp();
    QVERIFY(s1 > s0);
    log->logMetric(run, "x", 1, 1.0);
    log->flush();
    const int64_t s2 = reader->changeStamp();
    QVERIFY(s2 > s1);
    QVERIFY(log->renameRun(run, "n"));
    QVERIFY(reader->changeStamp() > s2);
}

void TstLogReader::failedQueryReportsErrorUntilNextSuccess() {
    const std::string path = file("damaged.morlog");
    std::string error;
    int64_t run = 0;
    {
        auto log = ExperimentLog::open(path, &error);
        run = log->createRun(RunInfo{});
        log->logEvent(run, "info", "x");
    }
    execSql(path, "DROP TABLE events"); // a damaged file: the query fails, nothing crashes
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    QVERIFY(reader->events(run).empty());
    QVERIFY2(reader->lastError().find("events") != std::string::npos, reader->lastError().c_str());
    QCOMPARE(reader->runs().size(), size_t(1));
    QVERIFY(reader->lastError().empty());
}

// A scaled-down version of "100 runs x 20,000 steps x 12 metrics": the per-series cost only
// depends on the series (primary-key range), not on how many other runs the file holds.
void TstLogReader::downsampledSeriesIsFastOnLargeLog() {
    const std::string path = file("large.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    std::vector<int64_t> runs;
    QElapsedTimer timer;
    timer.start();
    for (int r = 0; r < 3; ++r) {
        runs.push_back(log->createRun(RunInfo{}));
        for (int step = 0; step < 20000; ++step) {
            for (int k = 0; k < 12; ++k) {
                // one of the keys is val/accuracy, the worst case for runs()' best accuracy
                const std::string key = k ? "metric/" + std::to_string(k) : "val/accuracy";
                log->logMetric(runs.back(), key, step, step * 0.5 + k);
            }
        }
    }
    log->flush();
    qInfo("wrote %lld rows in %lld ms (%lld transactions)", (long long)log->rowsWritten(),
          (long long)timer.elapsed(), (long long)log->transactions());
    auto reader = LogReader::open(path);
    timer.restart();
    const auto points = reader->metricDownsampled(runs[1], "metric/7", 1000);
    const qint64 ms = timer.elapsed();
    qInfo("downsampled 20000 -> %zu points in %lld ms", points.size(), (long long)ms);
    QVERIFY(points.size() <= 1000 && points.size() >= 500);
    QVERIFY2(ms < 200, qPrintable(QString::number(ms)));
    timer.restart();
    const auto summaries = reader->runs();
    qInfo("runs() in %lld ms", (long long)timer.elapsed());
    QCOMPARE(summaries[0].bestAccuracy, 19999 * 0.5);
    QCOMPARE(summaries.size(), size_t(3));
    QCOMPARE(summaries[2].lastStep, int64_t(19999));
}

// A training process killed with SIGKILL cannot mark its run: a reader on the same host sees
// from the recorded pid (and its start time) that the process is gone, and shows the run
// "interrupted" at once, not after the 15 s heartbeat.
void TstLogReader::killedWriterOnThisHostReadsInterruptedAtOnce() {
    const std::string path = file("killed.morlog");
    QProcess holder;
    const int64_t run = startHolder(holder, path);
    QVERIFY(run > 0);
    std::string error;
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    auto alive = reader->run(run);
    QVERIFY(alive);
    QCOMPARE(alive->status, std::string("running"));
    QCOMPARE(alive->ownerPid, int64_t(holder.processId()));
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    QCOMPARE(alive->ownerHost, std::string(host));

    holder.kill(); // SIGKILL: no status update, no flush
    QVERIFY(holder.waitForFinished(10000));
    QElapsedTimer sinceKill;
    sinceKill.start();
    auto dead = reader->run(run);
    QVERIFY(dead);
    QCOMPARE(dead->status, std::string("interrupted"));
    QCOMPARE(reader->runs().front().status, std::string("interrupted"));
    QVERIFY(sinceKill.elapsed() < 5000); // well inside the 15 s heartbeat
    // What is on disk is unchanged: the reader reads, it does not write.
    QCOMPARE(queryText(path, "SELECT status FROM runs WHERE id = " + std::to_string(run)),
             std::string("running"));
}

// A run written on another host cannot be checked by pid: it is "running" while its heartbeat
// is fresh and "interrupted" once the heartbeat is older than 15 s.
void TstLogReader::runOfAnotherHostKeepsTheHeartbeatRule() {
    const std::string path = file("otherhost.morlog");
    QProcess holder;
    const int64_t run = startHolder(holder, path);
    QVERIFY(run > 0);
    holder.kill();
    QVERIFY(holder.waitForFinished(10000));
    const std::string id = std::to_string(run);
    execSql(path, "UPDATE run_owner SET host = 'another-host' WHERE run_id = " + id);
    execSql(path, "UPDATE runs SET updated_ms = CAST(strftime('%s','now') AS INTEGER) * 1000 "
                  "WHERE id = " + id);
    std::string error;
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    QCOMPARE(reader->run(run)->status, std::string("running"));
    QCOMPARE(reader->run(run)->ownerHost, std::string("another-host"));
    execSql(path, "UPDATE runs SET updated_ms = updated_ms - 16000 WHERE id = " + id);
    QCOMPARE(reader->run(run)->status, std::string("interrupted"));
}

// Child mode --read-runs PATH: exit 0 when the log's one run and its metric can be read.
static int readRuns(const std::string& path) {
    std::string error;
    auto reader = LogReader::open(path);
    if (!reader) {
        std::fprintf(stderr, "reader: %s\n", reader.error().c_str());
        return 1;
    }
    const auto runs = reader->runs();
    if (runs.size() != 1 || reader->metric(runs[0].id, "x").size() != 1) {
        std::fprintf(stderr, "reader: %s\n", reader->lastError().c_str());
        return 2;
    }
    return 0;
}

// Child mode --hold-run PATH: creates a run, says "ready <id>" and trains forever (until the
// test kills it with SIGKILL).
static int holdRun(const std::string& path) {
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    if (!log) {
        std::fprintf(stderr, "holder: %s\n", error.c_str());
        return 1;
    }
    const int64_t run = log->createRun(RunInfo{"killed", "", "", "", 0, {}});
    log->flush();
    std::printf("ready %lld\n", static_cast<long long>(run));
    std::fflush(stdout);
    for (int64_t step = 0;; ++step) {
        log->logMetric(run, "train/loss", step, 1.0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

/// Starts this binary with --hold-run and returns the id of the run it writes (-1 on failure).
static int64_t startHolder(QProcess& holder, const std::string& path) {
    holder.start(QCoreApplication::applicationFilePath(),
                 {"--hold-run", QString::fromStdString(path)});
    if (!holder.waitForStarted() || !holder.waitForReadyRead(30000)) {
        return -1;
    }
    const QByteArray line = holder.readLine().trimmed();
    return line.startsWith("ready ") ? line.mid(6).toLongLong() : -1;
}

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--hold-run") {
        return holdRun(argv[2]);
    }
    if (argc == 3 && std::string(argv[1]) == "--child-writer") {
        return childWriter(argv[2]);
    }
    if (argc == 3 && std::string(argv[1]) == "--read-runs") {
        return readRuns(argv[2]);
    }
    QCoreApplication app(argc, argv);
    TstLogReader test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_log_reader.moc"
