// Traces, token traces, conflicts, routing samples, checkpoints and events written by the log
// writer read back exactly (split out of tst_log_reader.cpp).
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

class TstTraceRoundTrip : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void tracesRoundTripExactly();
    void traceOfUnknownSampleIsEmpty();
    void tokenTracesRoundTripExactly();
    void conflictsAreStoredPerStep();
    void routingSamplesCheckpointsAndEventsRoundTrip();
};

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

void TstTraceRoundTrip::traceOfUnknownSampleIsEmpty() {
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

QTEST_GUILESS_MAIN(TstTraceRoundTrip)
#include "tst_trace_roundtrip.moc"
