// The reader side: live reading while a writer writes (threads and processes), exact trace
// round trips, downsampling that keeps spikes, run summaries.
#include "log_test_util.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/version.h"

#include <QCoreApplication>
#include <QDir>
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
    void tracesRoundTripExactly();
    void traceOfUnknownSampleIsEmpty();
    void tokenTracesRoundTripExactly();
    void conflictsAreStoredPerStep();
    void routingSamplesCheckpointsAndEventsRoundTrip();
    void downsamplingKeepsSpike_data();
    void downsamplingKeepsSpike();
    void downsamplingReturnsShortSeriesWhole();
    void runSummaryHasAccuracyStepsAndDuration();
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
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());

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
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
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

static SampleTrace handMadeTrace(int64_t sampleId) {
    SampleTrace t;
    t.sampleId = sampleId;
    t.label = 2;
    t.domain = 1;
    t.routerProbs = {0.5f, 0.1f, 0.4f};
    t.mask = {1, 0, 1};
    t.gates = {0.55555556f, 0.f, 0.44444445f};
    t.fusedProbs = {0.2f, 0.3f, 0.5f};
    t.finalPred = 2;
    t.correct = true;
    t.conflictScore = 0.123456789f;
    t.conflictScoreAfter = sampleId % 2 ? 0.0456f : -1.f; // v3: re-reflection score
    t.conflict = true;
    t.resolution = "re-reflect";
    t.winner = 2;
    t.margin = 0.2f;
    t.expertSteps = 6;
    t.flops = 12345.678;
    for (int expert : {0, 2}) {
        ExpertTrace e;
        e.expert = expert;
        e.routerProb = t.routerProbs[size_t(expert)];
        e.gate = t.gates[size_t(expert)];
        e.haltStep = 2 + expert / 2;
        e.confidence = 0.7f + expert * 0.01f;
        e.fusionWeight = expert ? 0.6f : 0.4f;
        e.pred = expert;
        e.extraSteps = expert ? 1 : 0;
        e.uncertainty = sampleId % 2 ? 0.25f + 0.125f * float(expert) : -1.f; // v3
        for (int it = 1; it <= 3; ++it) {
            StepTrace s;
            s.iteration = it;
            s.probs = {0.1f * it, 0.3f, 1.f - 0.1f * it - 0.3f};
            s.critique = 0.25f * it + expert;
            s.haltProb = 1.f / (it + 2);
            s.pred = it % 3;
            s.correct = s.pred == t.label;
            e.steps.push_back(s);
        }
        t.experts.push_back(e);
    }
    return t;
}

static void compareTraces(const SampleTrace& a, const SampleTrace& b) {
    QCOMPARE(a.sampleId, b.sampleId);
    QCOMPARE(a.label, b.label);
    QCOMPARE(a.domain, b.domain);
    QCOMPARE(a.routerProbs, b.routerProbs);
    QCOMPARE(a.mask, b.mask);
    QCOMPARE(a.gates, b.gates);
    QCOMPARE(a.fusedProbs, b.fusedProbs);
    QCOMPARE(a.finalPred, b.finalPred);
    QCOMPARE(a.correct, b.correct);
    QCOMPARE(a.conflictScore, b.conflictScore);
    QCOMPARE(a.conflictScoreAfter, b.conflictScoreAfter);
    QCOMPARE(a.conflict, b.conflict);
    QCOMPARE(a.resolution, b.resolution);
    QCOMPARE(a.winner, b.winner);
    QCOMPARE(a.margin, b.margin);
    QCOMPARE(a.expertSteps, b.expertSteps);
    QCOMPARE(a.flops, b.flops);
    QCOMPARE(a.experts.size(), b.experts.size());
    for (size_t i = 0; i < a.experts.size(); ++i) {
        const ExpertTrace& x = a.experts[i];
        const ExpertTrace& y = b.experts[i];
        QCOMPARE(x.expert, y.expert);
        QCOMPARE(x.routerProb, y.routerProb);
        QCOMPARE(x.gate, y.gate);
        QCOMPARE(x.haltStep, y.haltStep);
        QCOMPARE(x.confidence, y.confidence);
        QCOMPARE(x.fusionWeight, y.fusionWeight);
        QCOMPARE(x.pred, y.pred);
        QCOMPARE(x.extraSteps, y.extraSteps);
        QCOMPARE(x.uncertainty, y.uncertainty);
        QCOMPARE(x.steps.size(), y.steps.size());
        for (size_t s = 0; s < x.steps.size(); ++s) {
            QCOMPARE(x.steps[s].iteration, y.steps[s].iteration);
            QCOMPARE(x.steps[s].probs, y.steps[s].probs);
            QCOMPARE(x.steps[s].critique, y.steps[s].critique);
            QCOMPARE(x.steps[s].haltProb, y.steps[s].haltProb);
            QCOMPARE(x.steps[s].pred, y.steps[s].pred);
            QCOMPARE(x.steps[s].correct, y.steps[s].correct);
        }
    }
}

void TstLogReader::tracesRoundTripExactly() {
    const std::string path = file("traces.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    const SampleTrace first = handMadeTrace(11);
    SampleTrace second = handMadeTrace(4);
    second.conflict = false;
    second.resolution.clear();
    std::reverse(second.experts[1].steps.begin(), second.experts[1].steps.end());
    log->logTraces(run, 100, {first, second});
    log->logTraces(run, 50, {first});
    log->flush();
    QCOMPARE(log->rowsFailed(), int64_t(0));
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
    QCOMPARE(reader->traceSteps(run), (std::vector<int64_t>{50, 100}));
    const auto traces = reader->traces(run, 100);
    QCOMPARE(traces.size(), size_t(2));
    QCOMPARE(traces[0].sampleId, int64_t(4)); // ordered by sample id
    std::reverse(second.experts[1].steps.begin(), second.experts[1].steps.end());
    compareTraces(traces[0], second); // steps come back sorted by iteration
    compareTraces(traces[1], first);
    const auto one = reader->trace(run, 100, 11);
    QVERIFY(one);
    compareTraces(*one, first);
    if (QTest::currentTestFailed()) {
        return;
    }
    // Logging the same step again replaces the trace, also when it shrinks.
    SampleTrace shorter = first;
    shorter.experts.pop_back();
    shorter.experts[0].steps.pop_back();
    log->logTraces(run, 100, {shorter});
    log->flush();
    compareTraces(*reader->trace(run, 100, 11), shorter);
}

void TstLogReader::traceOfUnknownSampleIsEmpty() {
    const std::string path = file("notrace.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logTraces(run, 1, {handMadeTrace(1)});
    log->flush();
    auto reader = LogReader::open(path, &error);
    QVERIFY(!reader->trace(run, 1, 2));
    QVERIFY(!reader->trace(run, 2, 1));
    QVERIFY(reader->traces(run + 1, 1).empty());
}

// A Mixture-of-Recursions probe sequence: every field of every token comes back, including
// non-ASCII and control-character token text; a re-log of the same step replaces it.
void TstLogReader::tokenTracesRoundTripExactly() {
    const std::string path = file("tokens.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"mor", "", "fortunes", "cpu", 1, {}});
    TokenTrace a;
    a.sampleId = 3;
    a.maxRecursions = 3;
    a.routing = "expert_choice";
    a.difficultyNames = {"no carry", "carry"};
    TokenStep t0;
    t0.text = "\u00e9";
    t0.target = 10;
    t0.targetText = "\\n";
    t0.depth = 2;
    t0.routerScores = {1.f, 0.75f, 0.125f};
    t0.recursionPreds = {4, 10};
    t0.recursionTargetProbs = {0.25f, 0.625f};
    t0.pred = 10;
    t0.loss = 0.5f;
    t0.difficulty = 1;
    TokenStep t1;
    t1.text = "\n\"{";
    t1.depth = 1;
    t1.routerScores = {1.f, 0.f, 0.f};
    t1.recursionPreds = {7};
    t1.recursionTargetProbs = {0.5f};
    t1.pred = 7;
    a.tokens = {t0, t1};
    TokenTrace b = a;
    b.sampleId = 1;
    b.tokens.resize(1);
    log->logTokenTraces(run, 50, {a, b});
    log->logTokenTraces(run, 100, {a});
    TokenTrace replaced = a;
    replaced.tokens[0].depth = 3;
    log->logTokenTraces(run, 100, {replaced});
    log->flush();
    QCOMPARE(log->rowsFailed(), int64_t(0));

    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
    QCOMPARE(reader->tokenTraceSteps(run), (std::vector<int64_t>{50, 100}));
    QVERIFY(reader->tokenTraceSteps(run + 1).empty());
    const auto at50 = reader->tokenTraces(run, 50);
    QCOMPARE(at50.size(), size_t(2));
    QCOMPARE(at50[0].sampleId, int64_t(1)); // ordered by sample id
    QCOMPARE(at50[0].tokens.size(), size_t(1));
    const TokenTrace& got = at50[1];
    QCOMPARE(got.sampleId, int64_t(3));
    QCOMPARE(got.maxRecursions, 3);
    QCOMPARE(got.routing, std::string("expert_choice"));
    QCOMPARE(got.difficultyNames, a.difficultyNames);
    QCOMPARE(got.tokens.size(), size_t(2));
    for (size_t i = 0; i < 2; ++i) {
        const TokenStep& x = got.tokens[i];
        const TokenStep& y = a.tokens[i];
        QCOMPARE(x.text, y.text);
        QCOMPARE(x.target, y.target);
        QCOMPARE(x.targetText, y.targetText);
        QCOMPARE(x.depth, y.depth);
        QCOMPARE(x.routerScores, y.routerScores);
        QCOMPARE(x.recursionPreds, y.recursionPreds);
        QCOMPARE(x.recursionTargetProbs, y.recursionTargetProbs);
        QCOMPARE(x.pred, y.pred);
        QCOMPARE(x.loss, y.loss);
        QCOMPARE(x.difficulty, y.difficulty);
    }
    const auto at100 = reader->tokenTraces(run, 100);
    QCOMPARE(at100.size(), size_t(1));
    QCOMPARE(at100[0].tokens[0].depth, 3);
    QVERIFY(reader->tokenTraces(run, 75).empty());
    QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
    QVERIFY(log->deleteRun(run));
    QVERIFY(reader->tokenTraceSteps(run).empty());
}

void TstLogReader::conflictsAreStoredPerStep() {
    const std::string path = file("conflicts.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    SampleTrace calm = handMadeTrace(2);
    calm.conflict = false;
    log->logTraces(run, 10, {handMadeTrace(1), calm});
    log->logTraces(run, 20, {handMadeTrace(5)});
    log->flush();
    auto reader = LogReader::open(path, &error);
    const auto all = reader->conflicts(run);
    QCOMPARE(all.size(), size_t(2));
    QCOMPARE(all[0].step, int64_t(10));
    QCOMPARE(all[1].step, int64_t(20));
    const auto at10 = reader->conflicts(run, 10);
    QCOMPARE(at10.size(), size_t(1));
    const ConflictRecord& c = at10[0];
    QCOMPARE(c.sampleId, int64_t(1));
    QCOMPARE(c.score, 0.123456789f);
    QCOMPARE(c.experts, (std::vector<int>{0, 2}));
    QCOMPARE(c.winner, 2);
    QCOMPARE(c.margin, 0.2f);
    QCOMPARE(c.resolvedPred, int64_t(2));
    QCOMPARE(c.label, int64_t(2));
    QCOMPARE(c.correct, true);
    QCOMPARE(c.resolution, std::string("re-reflect"));
    QVERIFY(reader->conflicts(run, 30).empty());
}

void TstLogReader::routingSamplesCheckpointsAndEventsRoundTrip() {
    const std::string path = file("misc.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logRouting(run, 7, 2, 3, {0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f}, {0, 0, 1, 1, 1, 1},
                    {40, 41});
    log->logRouting(run, 3, 0, 3, {}, {}, {});
    log->logSamples(run, {SampleInfo{41, "probe", 1, 2, "spiral arm 1", {0.5f, -1.25f}},
                          SampleInfo{40, "validation", 0, 0, "", {}}});
    log->logCheckpoint(run, 100, "/ck/last.pt", R"({"val/accuracy":0.9})");
    log->logEvent(run, "warning", "loss is NaN");
    log->logMetric(run, "train/loss", 1, std::nan(""));
    log->flush();
    auto reader = LogReader::open(path, &error);
    QCOMPARE(reader->routingSteps(run), (std::vector<int64_t>{3, 7}));
    const auto r = reader->routing(run, 7);
    QVERIFY(r);
    QCOMPARE(r->nSamples, int64_t(2));
    QCOMPARE(r->nExperts, int64_t(3));
    QCOMPARE(r->probs, (std::vector<float>{0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f}));
    QCOMPARE(r->mask, (std::vector<uint8_t>{0, 0, 1, 1, 1, 1}));
    QCOMPARE(r->sampleIds, (std::vector<int64_t>{40, 41}));
    QVERIFY(reader->routing(run, 3)->probs.empty());
    QVERIFY(!reader->routing(run, 4));
    const auto samples = reader->samples(run);
    QCOMPARE(samples.size(), size_t(2));
    QCOMPARE(samples[0].sampleId, int64_t(40));
    QCOMPARE(samples[1].split, std::string("probe"));
    QCOMPARE(samples[1].label, int64_t(1));
    QCOMPARE(samples[1].domain, int64_t(2));
    QCOMPARE(samples[1].preview, std::string("spiral arm 1"));
    QCOMPARE(samples[1].input, (std::vector<float>{0.5f, -1.25f}));
    const auto checkpoints = reader->checkpoints(run);
    QCOMPARE(checkpoints.size(), size_t(1));
    QCOMPARE(checkpoints[0].step, int64_t(100));
    QCOMPARE(checkpoints[0].path, std::string("/ck/last.pt"));
    QCOMPARE(checkpoints[0].metricsJson, std::string(R"({"val/accuracy":0.9})"));
    const auto events = reader->events(run);
    QCOMPARE(events.size(), size_t(1));
    QCOMPARE(events[0].level, std::string("warning"));
    QCOMPARE(events[0].message, std::string("loss is NaN"));
    QVERIFY(events[0].wallMs > 0);
    QVERIFY(std::isnan(reader->metric(run, "train/loss").at(0).value));
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
    auto reader = LogReader::open(path, &error);
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
    auto reader = LogReader::open(path, &error);
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
    auto reader = LogReader::open(path, &error);
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

void TstLogReader::lastMetricsGivesLatestValuePerKey() {
    const std::string path = file("last.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logMetrics(run, 2, {{"a", 2.0}, {"b", 20.0}});
    log->logMetrics(run, 1, {{"a", 1.0}, {"b", 10.0}});
    log->logMetric(run, "c", 0, 5.0);
    log->flush();
    auto reader = LogReader::open(path, &error);
    const auto last = reader->lastMetrics(run);
    QCOMPARE(last, (std::map<std::string, double>{{"a", 2.0}, {"b", 20.0}, {"c", 5.0}}));
    QCOMPARE(reader->metricKeys(run), (std::vector<std::string>{"a", "b", "c"}));
}

void TstLogReader::changeStampGrowsWithEveryCommit() {
    const std::string path = file("stamp.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    auto reader = LogReader::open(path, &error);
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
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
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
    auto reader = LogReader::open(path, &error);
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
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
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
    auto reader = LogReader::open(path, &error);
    QVERIFY2(reader, error.c_str());
    QCOMPARE(reader->run(run)->status, std::string("running"));
    QCOMPARE(reader->run(run)->ownerHost, std::string("another-host"));
    execSql(path, "UPDATE runs SET updated_ms = updated_ms - 16000 WHERE id = " + id);
    QCOMPARE(reader->run(run)->status, std::string("interrupted"));
}

// Child mode --read-runs PATH: exit 0 when the log's one run and its metric can be read.
static int readRuns(const std::string& path) {
    std::string error;
    auto reader = LogReader::open(path, &error);
    if (!reader) {
        std::fprintf(stderr, "reader: %s\n", error.c_str());
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
