// The writer side of the experiment log: schema, batching, refusing foreign files,
// migration, editing and deleting runs.
#include "log_test_util.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/run_audit.h"
#include "mor/version.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace mor;
using namespace logtest;

class TstExperimentLog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void createsSchemaWithVersionWalAndMarker();
    void createsLogInZeroByteFile();
    void batchesQueuedMetricsIntoFewTransactions();
    void loggingThousandMetricsOnlyQueues();
    void destructorWritesEverythingQueued();
    void twoWritersOnOneFileLoseNoRows();
    void refusesFileAndLeavesBytesUnchanged_data();
    void refusesFileAndLeavesBytesUnchanged();
    void migratesVersion0Log();
    void readsVersion1LogReadOnlyAndUpgradesItForWriting();
    void reopensCurrentLogWithoutChanges();
    void relogSameStepReplacesValue();
    void deleteRunRemovesEveryRowOfThatRunOnly();
    void markStaleRunsInterruptedSkipsLiveRuns();
    void heartbeatKeepsIdleOwnRunAliveAndRunning();
    void finalStatusSetsFinishedTime();
    void editsNameTagsAndNotes();
    void rowsForUnknownRunAreCountedAsFailed();
    void sha256MatchesFipsVectors_data();
    void sha256MatchesFipsVectors();
    void version3LogGainsAuditTableAndKeepsRuns();
    void auditGoesThroughTheOpenLog();
};

void TstExperimentLog::createsSchemaWithVersionWalAndMarker() {
    const std::string path = file("schema.morlog");
    std::string error;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        QCOMPARE(log->path(), path);
    }
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(logSchemaVersion()));
    QCOMPARE(queryText(path, "PRAGMA journal_mode"), std::string("wal"));
    QCOMPARE(queryText(path, "SELECT value FROM meta WHERE key = 'application'"),
             std::string("mor-studio"));
    for (const char* table :
         {"runs", "tags", "metrics", "metric_keys", "checkpoints", "samples", "routing",
          "trace_summary", "trace_expert", "reflection", "conflicts", "events", "meta",
          "token_sequence", "token_trace", "trace_details"}) {
        QVERIFY2(queryInt(path, std::string("SELECT count(*) FROM sqlite_master WHERE "
                                            "type = 'table' AND name = '") +
                                    table + "'") == 1,
                 table);
    }
}

void TstExperimentLog::createsLogInZeroByteFile() {
    const std::string path = file("empty.morlog");
    writeFile(path, "");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    QVERIFY(log->createRun(RunInfo{}) > 0);
}

void TstExperimentLog::batchesQueuedMetricsIntoFewTransactions() {
    std::string error;
    auto log = ExperimentLog::open(file("batch.morlog"), &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"batch", "{}", "toy", "cpu", 1, {}});
    const int64_t txBefore = log->transactions();
    for (int i = 0; i < 10000; ++i) {
        log->logMetric(run, i % 2 ? "train/loss" : "train/accuracy", i / 2, i * 0.5);
    }
    log->flush();
    QCOMPARE(log->rowsWritten(), int64_t(10000));
    QCOMPARE(log->rowsFailed(), int64_t(0));
    const int64_t used = log->transactions() - txBefore;
    QVERIFY2(used >= 2 && used <= 20, qPrintable(QString::number(used)));
    QCOMPARE(queryInt(file("batch.morlog"), "SELECT count(*) FROM metrics"), int64_t(10000));
}

void TstExperimentLog::loggingThousandMetricsOnlyQueues() {
    std::string error;
    auto log = ExperimentLog::open(file("cheap.morlog"), &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{});
    const std::string key = "train/loss";
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 1000; ++i) {
        log->logMetric(run, key, i, 1.0 / (i + 1));
    }
    const qint64 ns = timer.nsecsElapsed();
    qInfo("1000 logMetric calls took %.1f us", ns / 1000.0);
    QVERIFY2(ns < 20'000'000, "queueing 1000 metrics must not wait for the disk");
    log->flush();
    QCOMPARE(log->rowsWritten(), int64_t(1000));
}

void TstExperimentLog::destructorWritesEverythingQueued() {
    const std::string path = file("destructor.morlog");
    std::string error;
    {
        auto log = ExperimentLog::open(path, &error);
        const int64_t run = log->createRun(RunInfo{});
        for (int i = 0; i < 12345; ++i) {
            log->logMetric(run, "train/loss", i, 0.5);
        }
        log->logEvent(run, "info", "last words");
    }
    QCOMPARE(queryInt(path, "SELECT count(*) FROM metrics"), int64_t(12345));
    QCOMPARE(queryText(path, "SELECT message FROM events"), std::string("last words"));
}

// Each instance has its own connection: the second waits for the first's write lock
// (busy timeout, then batch retry) instead of failing with "database is locked".
void TstExperimentLog::twoWritersOnOneFileLoseNoRows() {
    const std::string path = file("twowriters.morlog");
    std::string error;
    auto a = ExperimentLog::open(path, &error);
    auto b = ExperimentLog::open(path, &error);
    QVERIFY2(a && b, error.c_str());
    const int64_t runA = a->createRun(RunInfo{});
    const int64_t runB = b->createRun(RunInfo{});
    auto work = [](ExperimentLog* log, int64_t run) {
        for (int i = 0; i < 20000; ++i) {
            log->logMetrics(run, i, {{"a", 1.0}, {"b", 2.0}});
            if (i % 2000 == 0) {
                log->logEvent(run, "info", "tick");
                log->flush();
            }
        }
        log->flush();
    };
    std::thread ta(work, a.get(), runA);
    std::thread tb(work, b.get(), runB);
    ta.join();
    tb.join();
    QVERIFY2(a->lastError().empty(), a->lastError().c_str());
    QVERIFY2(b->lastError().empty(), b->lastError().c_str());
    QCOMPARE(a->rowsFailed() + b->rowsFailed(), int64_t(0));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM metrics WHERE run_id = " + std::to_string(runA)),
             int64_t(40000));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM metrics WHERE run_id = " + std::to_string(runB)),
             int64_t(40000));
}

void TstExperimentLog::refusesFileAndLeavesBytesUnchanged_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedWords");
    QTest::newRow("text file") << "text"
                               << "not an SQLite database";
    QTest::newRow("foreign SQLite") << "foreign"
                                    << "another application";
    QTest::newRow("newer schema") << "newer"
                                  << "newer MoR Studio";
    QTest::newRow("SQLite header, garbage") << "garbage"
                                            << "cannot be read";
}

void TstExperimentLog::refusesFileAndLeavesBytesUnchanged() {
    QFETCH(QString, kind);
    QFETCH(QString, expectedWords);
    const std::string path = file(("refuse_" + kind + ".db").toUtf8().constData());
    if (kind == "text") {
        writeFile(path, "run,loss\n1,0.5\n");
    } else if (kind == "foreign") {
        execSql(path, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('Ada');");
    } else if (kind == "newer") {
        {
            std::string error;
            QVERIFY(ExperimentLog::open(path, &error));
        }
        execSql(path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = " +
                          std::to_string(logSchemaVersion() + 1));
    } else {
        writeFile(path, std::string("SQLite format 3\0", 16) + std::string(4080, '\x7f'));
    }
    const std::string before = fileBytes(path);
    QVERIFY(!before.empty());

    std::string error;
    QVERIFY(!ExperimentLog::open(path, &error));
    QVERIFY2(QString::fromStdString(error).contains(expectedWords), error.c_str());
    QVERIFY2(error.find(path) != std::string::npos, "the message names the file");
    const auto refused = LogReader::open(path);
    QVERIFY(!refused);
    QVERIFY(!refused.error().empty());
    QVERIFY(fileBytes(path) == before);
}

// A log from before versioning (user_version 0): the layout sketched in DESIGN.md §4, here
// without the routing table (a prototype that never logged routing).
void TstExperimentLog::migratesVersion0Log() {
    const std::string path = file("v0.morlog");
    execSql(path, R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
INSERT INTO meta VALUES('application', 'mor-studio');
CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT, status TEXT, created_at TEXT,
    finished_at TEXT, config_json TEXT, dataset TEXT, device TEXT, seed INTEGER,
    app_version TEXT, notes TEXT);
CREATE TABLE tags(run_id INTEGER, tag TEXT);
CREATE TABLE metrics(run_id INTEGER, key TEXT, step INTEGER, value REAL, wall_ms INTEGER,
    PRIMARY KEY(run_id, key, step));
CREATE TABLE checkpoints(run_id INTEGER, step INTEGER, path TEXT, metrics_json TEXT);
CREATE TABLE samples(run_id INTEGER, sample_id INTEGER, split TEXT, label INTEGER,
    domain INTEGER, preview TEXT);
CREATE TABLE reflection(run_id INTEGER, step INTEGER, sample_id INTEGER, expert INTEGER,
    iter INTEGER, critique REAL, halt_p REAL, pred INTEGER, correct INTEGER, probs BLOB);
CREATE TABLE conflicts(run_id INTEGER, step INTEGER, sample_id INTEGER, score REAL,
    experts TEXT, winner INTEGER, margin REAL, resolved_pred INTEGER, correct INTEGER);
CREATE TABLE events(run_id INTEGER, wall_ms INTEGER, level TEXT, message TEXT);
INSERT INTO runs VALUES(7, 'old run', 'finished', '2026-01-02T03:04:05Z',
    '2026-01-02T03:14:05Z', '{"seed":3}', 'spirals', 'cpu', 3, '0.0.1', 'kept');
INSERT INTO tags VALUES(7, 'baseline');
INSERT INTO metrics VALUES(7, 'val/accuracy', 10, 0.5, 1), (7, 'val/accuracy', 20, 0.75, 2),
    (7, 'train/loss', 25, 0.3, 3), (7, 'test/accuracy', 25, 0.7, 4);
INSERT INTO conflicts VALUES(7, 20, 4, 0.25, '0,2', 2, 0.1, 1, 1);
INSERT INTO events VALUES(7, 5, 'info', 'started'), (7, 6, 'warning', 'slow');
)sql");
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(0));
    std::string error;
    const auto refused = LogReader::open(path);
    QVERIFY2(!refused, "a reader never upgrades a file");
    QVERIFY2(refused.error().find("older") != std::string::npos, refused.error().c_str());
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        log->logMetric(7, "val/accuracy", 30, 0.8); // the upgraded file takes new rows
        log->logRouting(7, 30, 1, 2, {0.25f, 0.75f}, {0, 1}, {4});
        log->flush();
        QCOMPARE(log->rowsFailed(), int64_t(0));
    }
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(logSchemaVersion()));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'v0_%'"),
             int64_t(0));
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto run = reader->run(7);
    QVERIFY(run);
    QCOMPARE(run->name, std::string("old run"));
    QCOMPARE(run->status, std::string("finished"));
    QCOMPARE(run->createdAt, std::string("2026-01-02T03:04:05Z"));
    QCOMPARE(run->finishedAt, std::string("2026-01-02T03:14:05Z"));
    QCOMPARE(run->durationSeconds(), 600.0);
    QCOMPARE(run->notes, std::string("kept"));
    QCOMPARE(run->tags, std::vector<std::string>{"baseline"});
    QCOMPARE(run->bestAccuracy, 0.8);
    QCOMPARE(run->testAccuracy, 0.7);
    QCOMPARE(run->lastStep, int64_t(30));
    QCOMPARE(reader->metric(7, "val/accuracy").size(), size_t(3));
    QCOMPARE(reader->routing(7, 30)->probs, (std::vector<float>{0.25f, 0.75f}));
    QCOMPARE(reader->metricKeys(7),
             (std::vector<std::string>{"test/accuracy", "train/loss", "val/accuracy"}));
    const auto conflicts = reader->conflicts(7);
    QCOMPARE(conflicts.size(), size_t(1));
    QCOMPARE(conflicts[0].experts, (std::vector<int>{0, 2}));
    QCOMPARE(conflicts[0].label, int64_t(-1));
    QCOMPARE(reader->events(7).size(), size_t(2));
    QCOMPARE(reader->events(7)[1].message, std::string("slow"));
}

// A v1 log (before token traces): a reader opens it as it is (no token traces), a writer
// adds the token trace tables and keeps every row.
void TstExperimentLog::readsVersion1LogReadOnlyAndUpgradesItForWriting() {
    const std::string path = file("v1.morlog");
    std::string error;
    int64_t run = -1;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(RunInfo{"v1 run", "", "", "", 0, {}});
        log->logMetric(run, "val/accuracy", 10, 0.5);
        log->setStatus(run, "finished");
    }
    execSql(path, "DROP TABLE token_sequence; DROP TABLE token_trace; "
                  "PRAGMA user_version = 1;");
    const std::string before = fileBytes(path);
    {
        auto reader = LogReader::open(path);
        QVERIFY2(reader, reader.error().c_str());
        QCOMPARE(reader->schemaVersion(), 1);
        QCOMPARE(reader->metric(run, "val/accuracy").size(), size_t(1));
        QVERIFY(reader->tokenTraceSteps(run).empty());
        QVERIFY(reader->tokenTraces(run, 10).empty());
        QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
    }
    QVERIFY2(fileBytes(path) == before, "a reader never changes the file");
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        TokenTrace trace;
        trace.sampleId = 0;
        trace.tokens.resize(2);
        log->logTokenTraces(run, 10, {trace});
        log->flush();
        QCOMPARE(log->rowsFailed(), int64_t(0));
    }
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(logSchemaVersion()));
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    QCOMPARE(reader->metric(run, "val/accuracy").size(), size_t(1));
    QCOMPARE(reader->tokenTraceSteps(run), std::vector<int64_t>{10});
    QCOMPARE(reader->tokenTraces(run, 10).at(0).tokens.size(), size_t(2));
}

void TstExperimentLog::reopensCurrentLogWithoutChanges() {
    const std::string path = file("reopen.morlog");
    std::string error;
    int64_t run = 0;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(RunInfo{"first", "", "", "", 0, {}});
    }
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t second = log->createRun(RunInfo{"second", "", "", "", 0, {}});
    QCOMPARE(second, run + 1);
    QCOMPARE(queryInt(path, "SELECT count(*) FROM runs"), int64_t(2));
}

void TstExperimentLog::relogSameStepReplacesValue() {
    const std::string path = file("replace.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logMetric(run, "val/accuracy", 5, 0.1);
    log->logMetric(run, "val/accuracy", 5, 0.9);
    log->flush();
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto points = reader->metric(run, "val/accuracy");
    QCOMPARE(points.size(), size_t(1));
    QCOMPARE(points[0].value, 0.9);
}

void TstExperimentLog::deleteRunRemovesEveryRowOfThatRunOnly() {
    const std::string path = file("delete.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    int64_t runs[2];
    for (int64_t& run : runs) {
        run = log->createRun(RunInfo{"r", "{}", "toy", "cpu", 1, {"a", "b"}});
        log->logMetrics(run, 1, {{"train/loss", 1.0}, {"val/accuracy", 0.5}});
        log->logSamples(run, {SampleInfo{3, "probe", 1, 0, "x", {1.f, 2.f}}});
        log->logRouting(run, 1, 1, 2, {0.4f, 0.6f}, {1, 1}, {3});
        SampleTrace t;
        t.sampleId = 3;
        t.conflict = true;
        t.experts.resize(1);
        t.experts[0].steps.resize(2);
        log->logTraces(run, 1, {t});
        log->logCheckpoint(run, 1, "/tmp/ck.pt", "{}");
        log->logEvent(run, "info", "hello");
    }
    log->flush();
    const char* tables[] = {"tags",       "metrics",   "metric_keys",   "checkpoints",
                            "samples",    "routing",   "trace_summary", "trace_expert",
                            "reflection", "conflicts", "events"};
    std::vector<int64_t> keptBefore;
    for (const char* table : tables) {
        const std::string where = std::string(" WHERE run_id = ") + std::to_string(runs[0]);
        QVERIFY2(queryInt(path, std::string("SELECT count(*) FROM ") + table + where) > 0, table);
        keptBefore.push_back(queryInt(path, std::string("SELECT count(*) FROM ") + table +
                                                " WHERE run_id = " + std::to_string(runs[1])));
    }
    QVERIFY(log->deleteRun(runs[0]));
    QVERIFY(!log->deleteRun(runs[0]));
    for (size_t i = 0; i < std::size(tables); ++i) {
        const std::string count = std::string("SELECT count(*) FROM ") + tables[i];
        QVERIFY2(queryInt(path, count + " WHERE run_id = " + std::to_string(runs[0])) == 0,
                 tables[i]);
        QVERIFY2(queryInt(path, count + " WHERE run_id = " + std::to_string(runs[1])) ==
                     keptBefore[i],
                 tables[i]);
    }
    QCOMPARE(queryInt(path, "SELECT count(*) FROM runs"), int64_t(1));
}

void TstExperimentLog::markStaleRunsInterruptedSkipsLiveRuns() {
    const std::string path = file("stale.morlog");
    std::string error;
    int64_t dead = 0, quiet = 0;
    {
        auto crashed = ExperimentLog::open(path, &error); // a process that dies mid-run
        QVERIFY2(crashed, error.c_str());
        dead = crashed->createRun(RunInfo{"dead", "", "", "", 0, {}});
        quiet = crashed->createRun(RunInfo{"recent", "", "", "", 0, {}});
    }
    execSql(path,
            "UPDATE runs SET updated_ms = updated_ms - 600000 WHERE id = " + std::to_string(dead));
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t mine = log->createRun(RunInfo{"mine", "", "", "", 0, {}});
    execSql(path, "UPDATE runs SET updated_ms = updated_ms - 600000 WHERE id = " +
                      std::to_string(mine)); // alive, however old its heartbeat looks
    QCOMPARE(log->markStaleRunsInterrupted(60000), 1);
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto deadRun = reader->run(dead);
    QCOMPARE(deadRun->status, std::string("interrupted"));
    QCOMPARE(deadRun->finishedMs, deadRun->updatedMs);
    QCOMPARE(reader->run(quiet)->status, std::string("running"));
    QCOMPARE(reader->run(mine)->status, std::string("running"));
    QCOMPARE(log->markStaleRunsInterrupted(60000), 0);
}

// The writer refreshes updated_ms of its running runs even when nothing is logged (a long
// epoch), so other processes do not take the run for dead.
void TstExperimentLog::heartbeatKeepsIdleOwnRunAliveAndRunning() {
    const std::string path = file("heartbeat.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    const int64_t finished = log->createRun(RunInfo{});
    log->setStatus(finished, "stopped");
    log->flush();
    const std::string updated = "SELECT updated_ms FROM runs WHERE id = ";
    const int64_t before = queryInt(path, updated + std::to_string(run));
    const int64_t finishedBefore = queryInt(path, updated + std::to_string(finished));
    // Another process took the run for dead while this one was suspended.
    execSql(path, "UPDATE runs SET status = 'interrupted', finished_ms = updated_ms WHERE id = " +
                      std::to_string(run));
    QTRY_VERIFY_WITH_TIMEOUT(queryInt(path, updated + std::to_string(run)) >= before + 4000, 8000);
    QCOMPARE(queryInt(path, updated + std::to_string(finished)), finishedBefore);
    const std::string id = std::to_string(run);
    QCOMPARE(queryText(path, "SELECT status FROM runs WHERE id = " + id), std::string("running"));
    QCOMPARE(queryInt(path, "SELECT finished_ms FROM runs WHERE id = " + id), int64_t(0));
    QCOMPARE(queryText(path, "SELECT status FROM runs WHERE id = " + std::to_string(finished)),
             std::string("stopped"));
}

void TstExperimentLog::finalStatusSetsFinishedTime() {
    const std::string path = file("status.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    QCOMPARE(reader->run(run)->finishedMs, int64_t(0));
    QVERIFY(reader->run(run)->finishedAt.empty());
    log->setStatus(run, "finished");
    log->flush();
    const auto r = reader->run(run);
    QCOMPARE(r->status, std::string("finished"));
    QVERIFY(r->finishedMs >= r->createdMs);
    QVERIFY(!r->finishedAt.empty());
    QCOMPARE(r->appVersion, versionString());
}

void TstExperimentLog::editsNameTagsAndNotes() {
    const std::string path = file("edit.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{"before", "{}", "toy", "cpu", 9, {"x"}});
    QVERIFY(log->renameRun(run, "after"));
    QVERIFY(log->setTags(run, {"z", "a", "a"}));
    QVERIFY(log->setNotes(run, "good run\nsecond line"));
    QVERIFY(!log->renameRun(run + 100, "nothing"));
    QVERIFY(!log->setTags(run + 100, {"q"}));
    QVERIFY(!log->setNotes(run + 100, "q"));
    auto reader = LogReader::open(path);
    const auto r = reader->run(run);
    QVERIFY(r);
    QCOMPARE(r->name, std::string("after"));
    QCOMPARE(r->tags, (std::vector<std::string>{"a", "z"}));
    QCOMPARE(r->notes, std::string("good run\nsecond line"));
    QCOMPARE(r->seed, int64_t(9));
    QCOMPARE(r->dataset, std::string("toy"));
    QCOMPARE(r->device, std::string("cpu"));
    QCOMPARE(r->configJson, std::string("{}"));
}

void TstExperimentLog::rowsForUnknownRunAreCountedAsFailed() {
    std::string error;
    auto log = ExperimentLog::open(file("unknown.morlog"), &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logMetric(run + 42, "train/loss", 1, 1.0);
    log->logMetric(run, "train/loss", 1, 1.0);
    log->flush();
    QCOMPARE(log->rowsWritten(), int64_t(1));
    QCOMPARE(log->rowsFailed(), int64_t(1));
    QVERIFY(!log->lastError().empty());
}

// FIPS 180-4 examples; the file digest (read in 1 MiB chunks) must equal the one-shot one.
void TstExperimentLog::sha256MatchesFipsVectors_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("digest");
    QTest::newRow("empty") << QByteArray()
        << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("abc") << QByteArray("abc")
        << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    QTest::newRow("448 bits")
        << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    QTest::newRow("a million a") << QByteArray(1000000, 'a')
        << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
}

void TstExperimentLog::sha256MatchesFipsVectors() {
    QFETCH(QByteArray, input);
    QFETCH(QString, digest);
    const std::string bytes(input.constData(), size_t(input.size()));
    QCOMPARE(QString::fromStdString(sha256Hex(bytes)), digest);
    const std::string path = file("sha_input.bin");
    writeFile(path, bytes);
    std::string hex, error;
    int64_t size = -1;
    QVERIFY2(sha256OfFile(path, &hex, &size, &error), error.c_str());
    QCOMPARE(QString::fromStdString(hex), digest);
    QCOMPARE(size, int64_t(input.size()));
    QVERIFY(!sha256OfFile(file("no_such_file"), &hex, &size, &error));
    QVERIFY(error.find("no such file") != std::string::npos);
}

// A v3 log (before the audit trail): readers open it as it is (no audit, no error), a writer
// adds run_audit and keeps the rows; a newer log is refused by the audit reader untouched.
void TstExperimentLog::version3LogGainsAuditTableAndKeepsRuns() {
    const std::string path = file("v3.morlog");
    std::string error;
    int64_t run = -1;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(RunInfo{"v3 run", "{}", "", "", 0, {}});
        log->logMetric(run, "val/accuracy", 10, 0.5);
    }
    execSql(path, "DROP TRIGGER run_audit_forget_deleted_run; DROP TABLE run_audit; "
                  "PRAGMA user_version = 3;");
    const std::string before = fileBytes(path);
    QVERIFY(!readRunAudit(path, run, &error));
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(verifyRunAudit(path, run).checks.at(0).status, std::string("not_recorded"));
    QVERIFY2(fileBytes(path) == before, "reading a v3 log leaves it as it is");
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
    }
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(logSchemaVersion()));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM runs"), int64_t(1));
    RunAudit audit;
    audit.runId = run;
    audit.host = "h";
    QVERIFY2(recordRunAudit(path, audit, &error), error.c_str());
    QCOMPARE(readRunAudit(path, run, &error)->host, std::string("h"));
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY(log->deleteRun(run));
    }
    QCOMPARE(queryInt(path, "SELECT count(*) FROM run_audit"), int64_t(0));

    execSql(path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = " +
                      std::to_string(logSchemaVersion() + 1));
    const std::string newer = fileBytes(path);
    QVERIFY(!readRunAudit(path, run, &error));
    QVERIFY2(error.find("newer") != std::string::npos, error.c_str());
    QVERIFY(!verifyRunAudit(path, run).error.empty());
    QVERIFY(!ExperimentLog::open(path, &error));
    QVERIFY2(fileBytes(path) == newer, "a newer log is never modified");
}

void TstExperimentLog::auditGoesThroughTheOpenLog() { // the engine's path (one transaction)
    const std::string path = file("audit.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"audited", "{\"a\": 1}", "", "cpu", 0, {}});
    RunAudit audit = collectRunAudit("{\"a\": 1}", "cpu", "1.13.1", {"pruned-from:7"});
    audit.runId = run;
    const int64_t transactions = log->transactions();
    QVERIFY2(log->recordAudit(audit), log->lastError().c_str());
    QCOMPARE(log->transactions(), transactions + 1);
    const auto read = readRunAudit(path, run, &error); // another connection, log still open
    QVERIFY2(read.has_value(), error.c_str());
    QCOMPARE(read->configSha256, configSha256("{\"a\": 1}"));
    QCOMPARE(read->parentRun, int64_t(7));
}

QTEST_GUILESS_MAIN(TstExperimentLog)
#include "tst_experiment_log.moc"
