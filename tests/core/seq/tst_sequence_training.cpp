// Training a recursion model end to end through trainExperiment: metrics, per-token traces in
// the log, checkpoints; generation with and without the recursion-wise KV cache; tracing any
// text through a checkpoint; resuming.
#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/sequence.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace mor;

namespace {

ExperimentConfig additionConfig(const std::string& routing) {
    auto parsed = parseConfig(R"({
        "name": "tiny addition",
        "data": {"kind": "addition", "digits": 3, "samples": 600, "probe_size": 4},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 32, "heads": 4, "ffn": 64}},
        "train": {"epochs": 2, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 5,
                  "threads": 1, "eval_every": 10}})");
    mor::parseChoice(routing, mor::recursionRoutingNames(), &parsed.config.model.recursion.routing);
    return parsed.config;
}

} // namespace

class TstSequenceTraining : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_log;
    int64_t m_run = -1;

private Q_SLOTS:
    void trainsAndLogsMetricsAndTokenTraces();
    void generationWithCacheMatchesGenerationWithout();
    void tracesTypedTextThroughTheCheckpoint();
    void otherRoutingsTrain_data();
    void otherRoutingsTrain();
    void stoppedRunResumesToTheEnd();
    void accumulationAndEarlyStopping();
    void capacityWarmupFollowsTheOptimizerStep();
    void errorsComeBackAsValues();
};

void TstSequenceTraining::trainsAndLogsMetricsAndTokenTraces() {
    m_log = m_dir.filePath("seq.morlog").toStdString();
    RunOptions options;
    options.logPath = m_log;
    const RunOutcome out = trainExperiment(additionConfig("expert_choice"), options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    m_run = out.runId;
    QCOMPARE(out.steps, int64_t(2 * 14)); // 420 training sequences / 32 -> 14 steps per epoch
    QVERIFY(out.parameters > 0);
    QVERIFY(out.test.loss > 0.0);
    std::string error;
    auto reader = LogReader::open(m_log);
    QVERIFY2(reader, reader.error().c_str());
    const auto keys = reader->metricKeys(m_run);
    for (const char* key : {"train/loss", "train/throughput", "val/loss", "val/accuracy",
                            "val/mean_depth", "val/depth/1", "val/depth/3", "val/perplexity",
                            "val/depth_class/0", "test/loss", "val/routing_agreement",
                            "val/routing_decision_agreement",
                            "train/routing_decision_agreement"}) {
        QVERIFY2(std::find(keys.begin(), keys.end(), key) != keys.end(), key);
    }
    // Training-time top-k against the causal threshold rule: fractions, and the auxiliary BCE
    // has taught the threshold most of the top-k choices by the end.
    for (const char* key : {"val/routing_agreement", "val/routing_decision_agreement"}) {
        const auto series = reader->metric(m_run, key);
        QVERIFY(!series.empty());
        for (const auto& point : series) {
            QVERIFY2(point.value >= 0.0 && point.value <= 1.0, key);
        }
        QVERIFY2(series.back().value > 0.5, key);
    }
    const auto depth1 = reader->metric(m_run, "val/depth/1");
    QCOMPARE(depth1.back().value, 1.0); // capacity 1 at the first recursion
    const auto steps = reader->tokenTraceSteps(m_run);
    QCOMPARE(steps, (std::vector<int64_t>{10, 20, 28}));
    const auto traces = reader->tokenTraces(m_run, 28);
    QCOMPARE(traces.size(), size_t(4));
    const TokenTrace& t = traces[0];
    QCOMPARE(t.maxRecursions, 3);
    QCOMPARE(t.routing, std::string("expert_choice"));
    QCOMPARE(t.tokens.size(), size_t(11));
    QCOMPARE(t.tokens[3].text, std::string("+"));
    QCOMPARE(t.tokens[7].text, std::string("="));
    QCOMPARE(t.tokens[0].target, int64_t(-1));
    QVERIFY(t.tokens[7].target >= 0 && t.tokens[7].target <= 9);
    QVERIFY(t.tokens[7].difficulty >= 0);
    QCOMPARE(t.difficultyNames.size(), size_t(3));
    for (const TokenStep& s : t.tokens) {
        QVERIFY(s.depth >= 1 && s.depth <= 3);
        QCOMPARE(s.routerScores.size(), size_t(3));
        QCOMPARE(s.recursionPreds.size(), size_t(s.depth));
    }
    QVERIFY(!reader->checkpoints(m_run).empty());
    QVERIFY(!reader->samples(m_run).empty());
}

void TstSequenceTraining::generationWithCacheMatchesGenerationWithout() {
    QVERIFY(m_run >= 0);
    GenerateOptions options;
    options.prompt = "123+456=";
    options.tokens = 30; // beyond the 11-token context: the window is rebuilt on the way
    options.temperature = 0.0;
    const auto run = Run::open(m_log, m_run);
    QVERIFY2(run, run.error().c_str());
    const auto generatedCached = run->generate(options);
    QVERIFY2(generatedCached, generatedCached.error().c_str());
    options.useCache = false;
    const auto generatedUncached = run->generate(options);
    QVERIFY2(generatedUncached, generatedUncached.error().c_str());
    const GenerateResult& cached = generatedCached.value();
    const GenerateResult& uncached = generatedUncached.value();
    QVERIFY(cached.ok && uncached.ok);
    QCOMPARE(cached.tokens.size(), size_t(8 + 30));
    QCOMPARE(cached.generated, int64_t(30));
    for (size_t i = 0; i < cached.tokens.size(); ++i) {
        QCOMPARE(cached.tokens[i].text, uncached.tokens[i].text);
        QCOMPARE(cached.tokens[i].depth, uncached.tokens[i].depth);
    }
    QVERIFY(cached.tokens[0].prompt && !cached.tokens[8].prompt);
    QVERIFY(cached.tokensPerSecond > 0.0);
    QCOMPARE(cached.maxRecursions, 3);
}

void TstSequenceTraining::tracesTypedTextThroughTheCheckpoint() {
    QVERIFY(m_run >= 0);
    const auto run = Run::open(m_log, m_run);
    QVERIFY2(run, run.error().c_str());
    const auto traced = run->traceTokens(-1, "12x3+4=");
    QVERIFY2(traced && traced->size() == 1, traced.error().c_str());
    const auto& traces = traced.value();
    QCOMPARE(traces[0].tokens.size(), size_t(6)); // 'x' is not in the vocabulary: dropped
    // An addition's operands are given, not predicted (as in the data set): no target before "=".
    for (size_t i = 0; i + 1 < traces[0].tokens.size(); ++i) {
        QCOMPARE(traces[0].tokens[i].target, int64_t(-1));
    }
    QCOMPARE(traces[0].tokens.back().target, int64_t(-1));
    const auto answered = run->traceTokens(-1, "1+2=3");
    QVERIFY2(answered && answered->size() == 1, answered.error().c_str());
    QCOMPARE(answered->front().tokens.size(), size_t(5));
    QCOMPARE(answered->front().tokens[2].target, int64_t(-1)); // "2" -> "=": an operand's end
    QCOMPARE(answered->front().tokens[3].targetText, std::string("3")); // "=" -> the answer
    // The checkpoint at or before a step (as for reflection runs); none before the first.
    const auto late = run->traceTokens(99999, "1+2=");
    QVERIFY2(late, late.error().c_str());
    QCOMPARE(late->size(), size_t(1));
    const auto early = run->traceTokens(5, "1+2=");
    QVERIFY(!early);
    QVERIFY2(early.error().find("at or before step 5") != std::string::npos,
             early.error().c_str());
}

void TstSequenceTraining::otherRoutingsTrain_data() {
    QTest::addColumn<QString>("routing");
    QTest::newRow("token_choice") << "token_choice";
    QTest::newRow("fixed") << "fixed";
    QTest::newRow("vanilla") << "vanilla";
}

void TstSequenceTraining::otherRoutingsTrain() {
    QFETCH(QString, routing);
    auto config = additionConfig(routing.toStdString());
    config.train.epochs = 1;
    const RunOutcome out = trainExperiment(config, RunOptions{}, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    QVERIFY(std::isfinite(out.test.loss));
    QVERIFY(out.test.meanDepth >= 1.0 && out.test.meanDepth <= 3.0);
    if (routing != "token_choice") {
        QCOMPARE(out.test.meanDepth, 3.0);
        // FLOPs per token: one layer application more costs, in closed form, the linear maps
        // 2 (4 d^2 + 2 d ffn) = 2 (4 * 32^2 + 2 * 32 * 64) = 16384 and causal attention over
        // (T + 1) / 2 positions 4 d (T + 1) / 2 = 64 * 12 = 768 (T = 11): 17152.
        config.model.recursion.recursions = 2;
        const RunOutcome two = trainExperiment(config, RunOptions{}, nullptr);
        QVERIFY2(two.status == "finished", two.error.c_str());
        const double flops3 = out.test.metrics.at("test/flops");
        const double flops2 = two.test.metrics.at("test/flops");
        QCOMPARE(flops3 - flops2, 17152.0);
        QVERIFY(flops2 > 2.0 * 17152.0); // two layers and the head
    }
}

namespace {
class StopAfter : public TrainingObserver {
public:
    explicit StopAfter(int64_t steps) : m_steps(steps) {}
    void onProgress(const TrainingProgress& p) override { m_seen = p.step; }
    bool stopRequested() override { return m_seen >= m_steps; }

private:
    int64_t m_steps, m_seen = 0;
};
} // namespace

void TstSequenceTraining::stoppedRunResumesToTheEnd() {
    const std::string log = m_dir.filePath("resume.morlog").toStdString();
    RunOptions options;
    options.logPath = log;
    StopAfter stop(10);
    const RunOutcome first = trainExperiment(additionConfig("token_choice"), options, &stop);
    QCOMPARE(first.status, std::string("stopped"));
    QCOMPARE(first.steps, int64_t(10));
    const auto stopped = Run::open(log, first.runId);
    QVERIFY2(stopped, stopped.error().c_str());
    const RunOutcome rest = stopped->resume(RunOptions{}, nullptr);
    QVERIFY2(rest.status == "finished", rest.error.c_str());
    QCOMPARE(rest.steps, int64_t(28));
    std::string error;
    auto reader = LogReader::open(log);
    QVERIFY2(reader, reader.error().c_str());
    QCOMPARE(reader->run(first.runId)->status, std::string("finished"));
    QCOMPARE(reader->tokenTraceSteps(first.runId).back(), int64_t(28));
    const auto evaluated = Run::open(log, first.runId).andThen(
        [](const Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    const RunOutcome& eval = evaluated.value();
    QCOMPARE(eval.status, std::string("finished"));
    QCOMPARE(eval.steps, int64_t(28)); // the last checkpoint; training tested best.pt
    QVERIFY(std::isfinite(eval.test.loss));
    QVERIFY(rest.testCheckpoint.size() > 7 &&
            rest.testCheckpoint.compare(rest.testCheckpoint.size() - 7, 7, "best.pt") == 0);
}

void TstSequenceTraining::accumulationAndEarlyStopping() {
    auto config = additionConfig("fixed");
    config.train.epochs = 1;
    config.train.accumulation = 2; // 420 sequences / (32 x 2) -> 7 optimizer steps
    const RunOutcome accumulated = trainExperiment(config, RunOptions{}, nullptr);
    QVERIFY2(accumulated.status == "finished", accumulated.error.c_str());
    QCOMPARE(accumulated.steps, int64_t(7));
    config.train.accumulation = 1;
    config.train.epochs = 50;
    config.train.evalEvery = 1;
    config.train.learningRate = 1e-9; // nothing improves: stops after patience evaluations
    config.train.earlyStopPatience = 2;
    const RunOutcome stopped = trainExperiment(config, RunOptions{}, nullptr);
    QCOMPARE(stopped.status, std::string("finished"));
    QVERIFY2(stopped.steps < 20, std::to_string(stopped.steps).c_str());
}

void TstSequenceTraining::capacityWarmupFollowsTheOptimizerStep() {
    // The training loop hands each optimizer step to the model: with warm-up W the top-k
    // routing keeps lround(c_r(s) * 11) of the 11 positions at recursion r in step s, with
    // c_r(s) = c_r + (1 - c_r) * (1 + cos(pi * min(1, (s + 1) / W))) / 2 (linear capacity
    // 1, 2/3, 1/3), so train/mean_depth of every step is known exactly.
    auto config = additionConfig("expert_choice");
    config.train.epochs = 1; // 14 steps
    config.model.recursion.capacityWarmupSteps = 10;
    const std::string log = m_dir.filePath("warmup.morlog").toStdString();
    RunOptions options;
    options.logPath = log;
    const RunOutcome out = trainExperiment(config, options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    auto reader = LogReader::open(log);
    QVERIFY2(reader, reader.error().c_str());
    const auto depth = reader->metric(out.runId, "train/mean_depth");
    QCOMPARE(depth.size(), size_t(14));
    const double pi = 3.14159265358979323846;
    for (size_t s = 0; s < depth.size(); ++s) {
        const double decay = 0.5 * (1.0 + std::cos(pi * std::min(1.0, double(s + 1) / 10.0)));
        double expected = 1.0;
        for (const double c : {2.0 / 3.0, 1.0 / 3.0}) {
            expected += double(std::lround((c + (1.0 - c) * decay) * 11.0)) / 11.0;
        }
        QVERIFY2(std::abs(depth[s].value - expected) < 1e-9,
                 (std::to_string(s) + ": " + std::to_string(depth[s].value) + " vs " +
                  std::to_string(expected))
                     .c_str());
    }
}

void TstSequenceTraining::errorsComeBackAsValues() {
    auto config = additionConfig("expert_choice");
    config.data.kind = mor::DataKind::Text;
    config.data.textPath = m_dir.filePath("missing.txt").toStdString();
    const RunOutcome out = trainExperiment(config, RunOptions{}, nullptr);
    QCOMPARE(out.status, std::string("failed"));
    QVERIFY2(out.error.find("missing.txt") != std::string::npos, out.error.c_str());
    const auto gen = Run::open(m_dir.filePath("none.morlog").toStdString(), 1).andThen(
        [](const Run& run) { return run.generate({}); });
    QVERIFY(!gen);
    QVERIFY(!gen.error().empty());
}

QTEST_GUILESS_MAIN(TstSequenceTraining)
#include "tst_sequence_training.moc"
