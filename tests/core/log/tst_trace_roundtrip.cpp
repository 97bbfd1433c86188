// Traces, token traces, conflicts, routing samples, checkpoints and events written by the log
// writer read back exactly (split out of tst_log_reader.cpp).
#include "log_test_util.h"
#include "trace_fixtures.h"
#include "mor/experiment_log.h"
#include "mor/log_merge.h"
#include "mor/log_reader.h"
#include "mor/run_export.h"
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
#include <cstring>
#include <limits>
#include <thread>
#include <unistd.h>

using namespace mor;
using namespace logtest;

class TstTraceRoundTrip : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void tracesRoundTripExactly();
    void traceOfUnknownSampleIsEmpty();
    void tokenTracesRoundTripExactly();
    void tokenTraceWithEveryFieldRoundTripsBitExactly();
    void version4JsonTokenTracesReadAndMigrateToTheSameValues();
    void widthAndGroupRoundTripAndReachTheCsv();
    void conflictsAreStoredPerStep();
    void routingSamplesCheckpointsAndEventsRoundTrip();
    void relogOfAStepReplacesEveryColumn();
};

void TstTraceRoundTrip::tracesRoundTripExactly() {
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
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
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

void TstTraceRoundTrip::traceOfUnknownSampleIsEmpty() {
    const std::string path = file("notrace.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logTraces(run, 1, {handMadeTrace(1)});
    log->flush();
    auto reader = LogReader::open(path);
    QVERIFY(!reader->trace(run, 1, 2));
    QVERIFY(!reader->trace(run, 2, 1));
    QVERIFY(reader->traces(run + 1, 1).empty());
}

// A Mixture-of-Recursions probe sequence: every field of every token comes back, including
// non-ASCII and control-character token text; a re-log of the same step replaces it.
void TstTraceRoundTrip::tokenTracesRoundTripExactly() {
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

    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
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

// Bitwise equality (NaN and -0 included): "" when equal, else the first difference.
template <typename T> static bool sameBits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

static std::string tokenTraceDifference(const TokenTrace& a, const TokenTrace& b) {
    if (a.sampleId != b.sampleId || a.maxRecursions != b.maxRecursions ||
        a.routing != b.routing || a.difficultyNames != b.difficultyNames) {
        return "sequence fields of sample " + std::to_string(a.sampleId);
    }
    if (a.tokens.size() != b.tokens.size()) {
        return "token count " + std::to_string(a.tokens.size()) + " vs " +
               std::to_string(b.tokens.size());
    }
    for (size_t i = 0; i < a.tokens.size(); ++i) {
        const TokenStep& x = a.tokens[i];
        const TokenStep& y = b.tokens[i];
        const bool same = x.text == y.text && x.target == y.target &&
                          x.targetText == y.targetText && x.depth == y.depth &&
                          sameBits(x.routerScores, y.routerScores) &&
                          x.recursionPreds == y.recursionPreds &&
                          sameBits(x.recursionTargetProbs, y.recursionTargetProbs) &&
                          x.pred == y.pred && sameBits(std::vector<float>{x.loss}, {y.loss}) &&
                          x.difficulty == y.difficulty && x.skippedBlocks == y.skippedBlocks;
        if (!same) {
            return "token " + std::to_string(i) + " of sample " + std::to_string(a.sampleId);
        }
    }
    return {};
}

// Every field of TokenTrace, with values JSON could not keep (NaN, infinity, -0, invalid
// UTF-8), one row per token on disk, and a shorter re-log that leaves no old tail.
void TstTraceRoundTrip::tokenTraceWithEveryFieldRoundTripsBitExactly() {
    const std::string path = file("tokens_all.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{"mod", "", "arith", "cpu", 2, {}});
    TokenTrace a;
    a.sampleId = 9;
    a.maxRecursions = 3;
    a.routing = "mixture_of_depths";
    a.difficultyNames = {"no carry", "carry, \"twice\"", "\u00fcber"};
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    a.tokens.push_back({"7", 4, "+", 3, {0.875f, -0.f, nan}, {2, 4, 4}, {0.125f, 0.5f, 0.75f},
                        4, 0.28768207f, 2, {1}});
    a.tokens.push_back({std::string("\xff\xfe", 2), -1, "", 1, {inf, 0.25f, 0.f}, {5}, {}, 5,
                        nan, -1, {0, 2}});
    a.tokens.push_back({"\n", 11, "\\n", 2, {}, {11, 11}, {0.5f, 1.f}, 11, 0.f, 0, {}});
    TokenTrace empty;
    empty.sampleId = -1; // a typed sequence
    empty.routing = "fixed";
    log->logTokenTraces(run, 30, {a, empty});
    log->flush();
    QCOMPARE(log->rowsFailed(), int64_t(0));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM token_trace"), int64_t(3));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM token_sequence"), int64_t(2));
    QCOMPARE(queryInt(path, "SELECT max(position) FROM token_trace WHERE sample_id = 9"),
             int64_t(2));
    QCOMPARE(queryInt(path, "SELECT depth FROM token_trace WHERE position = 0"), int64_t(3));
    QCOMPARE(queryInt(path, "SELECT length(skipped_blocks) FROM token_trace WHERE position = 1"),
             int64_t(2 * sizeof(int)));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM sqlite_master WHERE name = 'token_traces'"),
             int64_t(0));

    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    QCOMPARE(reader->tokenTraceSteps(run), std::vector<int64_t>{30});
    auto got = reader->tokenTraces(run, 30);
    QCOMPARE(got.size(), size_t(2));
    QVERIFY2(tokenTraceDifference(got[0], empty).empty(),
             tokenTraceDifference(got[0], empty).c_str());
    QVERIFY2(tokenTraceDifference(got[1], a).empty(), tokenTraceDifference(got[1], a).c_str());
    QVERIFY(std::isnan(got[1].tokens[1].loss));
    QVERIFY(std::signbit(got[1].tokens[0].routerScores[1]));

    TokenTrace shorter = a;
    shorter.tokens.resize(1);
    shorter.tokens[0].skippedBlocks.clear();
    log->logTokenTraces(run, 30, {shorter});
    log->flush();
    got = reader->tokenTraces(run, 30);
    QCOMPARE(got.size(), size_t(2));
    QVERIFY2(tokenTraceDifference(got[1], shorter).empty(),
             tokenTraceDifference(got[1], shorter).c_str());
    QCOMPARE(queryInt(path, "SELECT count(*) FROM token_trace"), int64_t(1));
}

// A v4 log keeps token traces as JSON: a read-only open reads them without touching the file,
// mor merge and the writer's upgrade to v5 turn them into rows with the same values.
void TstTraceRoundTrip::version4JsonTokenTracesReadAndMigrateToTheSameValues() {
    const std::string path = file("v4_tokens.morlog");
    std::string error;
    int64_t run = -1;
    {
        auto log = ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(RunInfo{"v4 mor", "", "arith", "cpu", 1, {}});
        log->logTraces(run, 40, {handMadeTrace(3)});
        log->setStatus(run, "finished");
    }
    // What the v4 writer stored: one JSON document per sequence, and no group/width columns.
    const std::string doc =
        R"({"sampleId":5,"maxRecursions":3,"routing":"mixture_of_depths",)"
        R"("difficultyNames":["easy","hard, \"carry\""],"tokens":[)"
        R"({"text":"\u00e9","target":7,"targetText":"x","depth":2,"routerScores":[0.875,0.25,0.0],)"
        R"("recursionPreds":[3,7],"recursionTargetProbs":[0.125,0.75],"pred":7,"loss":0.375,)"
        R"("difficulty":1,"skippedBlocks":[1]},)"
        R"({"text":"\n","target":-1,"targetText":"","depth":3,"routerScores":[1.0,0.5,0.5],)"
        R"("recursionPreds":[2,2,9],"recursionTargetProbs":[],"pred":9,"loss":0.0,)"
        R"("difficulty":0,"skippedBlocks":[0,2]}]})";
    execSql(path, "DROP TABLE token_sequence; DROP TABLE token_trace; "
                  "ALTER TABLE trace_summary DROP COLUMN expert_group; "
                  "ALTER TABLE trace_expert DROP COLUMN width; "
                  "CREATE TABLE token_traces(run_id INTEGER NOT NULL REFERENCES runs(id) ON "
                  "DELETE CASCADE, step INTEGER NOT NULL, sample_id INTEGER NOT NULL, payload "
                  "TEXT NOT NULL DEFAULT '', PRIMARY KEY(run_id, step, sample_id)); "
                  "INSERT INTO token_traces VALUES(" + std::to_string(run) + ", 40, 5, '" + doc +
                  "'), (" + std::to_string(run) + ", 40, 6, 'not json'), (" +
                  std::to_string(run) + ", 80, 2, '{\"sampleId\":2,\"tokens\":[]}'); "
                  "PRAGMA journal_mode = DELETE; PRAGMA user_version = 4;");
    TokenTrace expected;
    expected.sampleId = 5;
    expected.maxRecursions = 3;
    expected.routing = "mixture_of_depths";
    expected.difficultyNames = {"easy", "hard, \"carry\""};
    expected.tokens.push_back({"\u00e9", 7, "x", 2, {0.875f, 0.25f, 0.f}, {3, 7}, {0.125f, 0.75f},
                               7, 0.375f, 1, {1}});
    expected.tokens.push_back({"\n", -1, "", 3, {1.f, 0.5f, 0.5f}, {2, 2, 9}, {}, 9, 0.f, 0,
                               {0, 2}});
    SampleTrace v4Trace = handMadeTrace(3);
    v4Trace.group = -1; // a v4 file has no group or width: the defaults come back
    for (ExpertTrace& e : v4Trace.experts) {
        e.width = 0;
    }
    const auto checkLog = [&](const std::string& file, int64_t id, int version) {
        std::string openError;
        auto reader = LogReader::open(file);
        QVERIFY2(reader, reader.error().c_str());
        QCOMPARE(reader->schemaVersion(), version);
        QCOMPARE(reader->tokenTraceSteps(id), (std::vector<int64_t>{40, 80}));
        const auto at40 = reader->tokenTraces(id, 40);
        QCOMPARE(at40.size(), size_t(1)); // the malformed document is skipped, as v4 did
        QVERIFY2(tokenTraceDifference(at40[0], expected).empty(),
                 tokenTraceDifference(at40[0], expected).c_str());
        const auto at80 = reader->tokenTraces(id, 80);
        QCOMPARE(at80.size(), size_t(1));
        QCOMPARE(at80[0].sampleId, int64_t(2));
        QVERIFY(at80[0].tokens.empty());
        const auto traces = reader->traces(id, 40);
        QCOMPARE(traces.size(), size_t(1));
        compareTraces(traces[0], v4Trace);
        QVERIFY2(reader->lastError().empty(), reader->lastError().c_str());
    };
    const std::string before = fileBytes(path);
    checkLog(path, run, 4);
    if (QTest::currentTestFailed()) {
        return;
    }
    QVERIFY2(fileBytes(path) == before, "a reader never changes the file");

    const std::string merged = file("v4_merged.morlog");
    LogMergeReport report;
    QVERIFY2(mergeLogs(merged, {path}, &report, &error), error.c_str());
    QCOMPARE(report.runs, int64_t(1));
    QVERIFY2(fileBytes(path) == before, "merge never changes an input");
    checkLog(merged, 1, logSchemaVersion());
    if (QTest::currentTestFailed()) {
        return;
    }

    {
        auto log = ExperimentLog::open(path, &error); // the writer upgrades v4 -> v5
        QVERIFY2(log, error.c_str());
    }
    QCOMPARE(queryInt(path, "PRAGMA user_version"), int64_t(5));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM sqlite_master WHERE name = 'token_traces'"),
             int64_t(0));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM token_trace"), int64_t(2));
    QCOMPARE(queryInt(path, "SELECT count(*) FROM token_sequence"), int64_t(2));
    checkLog(path, run, 5);
}

// Nested-expert widths and the input's expert group: stored (v5 columns), read back, and in
// the traces CSV of `mor export --csv` and the GUI (group, width last); Mixture-of-Depths
// skipped blocks in the token CSV.
void TstTraceRoundTrip::widthAndGroupRoundTripAndReachTheCsv() {
    const std::string path = file("width_group.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    const int64_t run = log->createRun(RunInfo{});
    SampleTrace t = handMadeTrace(8);
    t.group = 1;
    t.experts[0].width = 24;
    t.experts[1].width = 96;
    log->logTraces(run, 10, {t});
    const int64_t seqRun = log->createRun(RunInfo{});
    TokenTrace tokens;
    tokens.sampleId = 0;
    tokens.tokens.push_back({"a", 1, "b", 1, {0.5f}, {1}, {0.25f}, 1, 0.5f, -1, {0, 3}});
    log->logTokenTraces(seqRun, 20, {tokens});
    log->flush();
    QCOMPARE(queryInt(path, "SELECT expert_group FROM trace_summary"), int64_t(1));
    QCOMPARE(queryInt(path, "SELECT sum(width) FROM trace_expert"), int64_t(120));
    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto got = reader->trace(run, 10, 8);
    QVERIFY(got);
    compareTraces(*got, t);

    const std::string csv = file("width_group.csv");
    int64_t rows = 0;
    QVERIFY2(writeTracesCsv(*reader, run, csv, &error, &rows), error.c_str());
    QCOMPARE(rows, int64_t(6)); // 2 experts x 3 iterations
    const QStringList lines =
        QString::fromStdString(fileBytes(csv)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 7);
    QCOMPARE(lines[0], QString::fromLatin1(kTracesCsvHeader));
    QVERIFY(lines[0].endsWith(",group,width"));
    QVERIFY2(lines[1].startsWith("10,8,2,1,") && lines[1].endsWith(",1,24"), qPrintable(lines[1]));
    QVERIFY2(lines[6].endsWith(",1,96"), qPrintable(lines[6]));
    QVERIFY2(writeTracesCsv(*reader, seqRun, csv, &error, &rows), error.c_str());
    const QStringList tokenLines =
        QString::fromStdString(fileBytes(csv)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(tokenLines.size(), 2);
    QVERIFY(tokenLines[0].endsWith(",recursion_target_probs,skipped_blocks"));
    QCOMPARE(tokenLines[1], QStringLiteral("20,0,0,a,b,1,1,1,0.5,-1,0.5,1,0.25,0;3"));
}

void TstTraceRoundTrip::conflictsAreStoredPerStep() {
    const std::string path = file("conflicts.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    SampleTrace calm = handMadeTrace(2);
    calm.conflict = false;
    log->logTraces(run, 10, {handMadeTrace(1), calm});
    log->logTraces(run, 20, {handMadeTrace(5)});
    log->flush();
    auto reader = LogReader::open(path);
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

void TstTraceRoundTrip::routingSamplesCheckpointsAndEventsRoundTrip() {
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
    auto reader = LogReader::open(path);
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

// A row logged again for the same key replaces every column of the first, in a later batch or
// in the same one (the writer's upserts; issue 20, session 17): a step's traces with every field
// changed, an expert and an iteration given twice in one trace, routing, samples, metrics.
void TstTraceRoundTrip::relogOfAStepReplacesEveryColumn() {
    const std::string path = file("relog.morlog");
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    const int64_t run = log->createRun(RunInfo{});
    log->logTraces(run, 100, {handMadeTrace(4)});
    log->logRouting(run, 7, 2, 3, {0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f}, {0, 0, 1, 1, 1, 1},
                    {40, 41});
    log->logSamples(run, {SampleInfo{41, "probe", 1, 2, "first", {0.5f, -1.25f}}});
    log->logMetric(run, "val/accuracy", 5, 0.1);
    log->flush();
    const int64_t firstWall = LogReader::open(path)->metric(run, "val/accuracy").at(0).wallMs;
    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // a later wall time

    SampleTrace changed = handMadeTrace(4);
    changed.label = 1;
    changed.domain = 2;
    changed.routerProbs = {0.2f, 0.3f, 0.5f};
    changed.mask = {0, 1, 1};
    changed.gates = {0.f, 0.375f, 0.625f};
    changed.fusedProbs = {0.6f, 0.3f, 0.1f};
    changed.finalPred = 0;
    changed.correct = false;
    changed.conflictScore = 0.5f;
    changed.resolution = "weighted";
    changed.winner = 1;
    changed.margin = 0.3f;
    changed.expertSteps = 5;
    changed.flops = 99.5;
    changed.group = 2;
    for (ExpertTrace& e : changed.experts) {
        e.routerProb += 0.05f;
        e.gate += 0.1f;
        e.haltStep += 1;
        e.confidence -= 0.2f;
        e.fusionWeight = 1.f - e.fusionWeight;
        e.pred += 1;
        e.extraSteps += 2;
        e.width *= 2;
        for (StepTrace& s : e.steps) {
            s.probs = {0.9f, 0.05f, 0.05f};
            s.critique += 0.5f;
            s.haltProb = 0.75f;
            s.pred = 0;
            s.correct = !s.correct;
        }
    }
    log->logTraces(run, 100, {changed});
    // one trace naming expert 0 twice (and so its iterations): the second one is kept
    SampleTrace twice = handMadeTrace(6);
    ExpertTrace second = changed.experts[0];
    second.steps.pop_back();
    twice.experts = {twice.experts[0], second};
    log->logTraces(run, 200, {twice});
    log->logRouting(run, 7, 1, 2, {0.25f, 0.75f}, {0, 1}, {42});
    log->logSamples(run, {SampleInfo{41, "probe", 0, 3, "second", {2.f}},
                          SampleInfo{41, "probe", 1, 4, "third", {3.f, 4.f}}});
    log->logMetric(run, "val/accuracy", 5, 0.9);
    log->flush();
    QCOMPARE(log->rowsFailed(), int64_t(0));

    auto reader = LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    compareTraces(*reader->trace(run, 100, 4), changed);
    if (QTest::currentTestFailed()) {
        return;
    }
    const auto stored = reader->trace(run, 200, 6);
    QVERIFY(stored);
    QCOMPARE(stored->experts.size(), size_t(1));
    // the first expert 0's third step stays: the second gave only two
    SampleTrace expected = twice;
    expected.experts = {second};
    expected.experts[0].steps.push_back(handMadeTrace(6).experts[0].steps[2]);
    compareTraces(*stored, expected);
    if (QTest::currentTestFailed()) {
        return;
    }
    const auto r = reader->routing(run, 7);
    QVERIFY(r);
    QCOMPARE(r->nSamples, int64_t(1));
    QCOMPARE(r->nExperts, int64_t(2));
    QCOMPARE(r->probs, (std::vector<float>{0.25f, 0.75f}));
    QCOMPARE(r->mask, (std::vector<uint8_t>{0, 1}));
    QCOMPARE(r->sampleIds, (std::vector<int64_t>{42}));
    const auto samples = reader->samples(run);
    QCOMPARE(samples.size(), size_t(1));
    QCOMPARE(samples[0].label, int64_t(1));
    QCOMPARE(samples[0].domain, int64_t(4));
    QCOMPARE(samples[0].preview, std::string("third"));
    QCOMPARE(samples[0].input, (std::vector<float>{3.f, 4.f}));
    const auto points = reader->metric(run, "val/accuracy");
    QCOMPARE(points.size(), size_t(1));
    QCOMPARE(points[0].value, 0.9);
    QVERIFY(points[0].wallMs > firstWall);
}

QTEST_GUILESS_MAIN(TstTraceRoundTrip)
#include "tst_trace_roundtrip.moc"
