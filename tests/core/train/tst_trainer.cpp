// Training end to end through the public API (plus the engine session and schedule internals).
#include "engine/lr_schedule.h"
#include "engine/run.h"
#include "engine/training_session.h"
#include "families/family_registry.h"
#include "train/pruning.h"
#include "train/reflection_family.h"
#include "tst_trace_reader.h"
#include "tst_trainer_pruning.h"

#include "mor/log_reader.h"
#include "mor/pruning.h"
#include "mor/run.h"
#include "mor/run_audit.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

namespace {

mor::ExperimentConfig tinyConfig() {
    mor::ExperimentConfig c;
    c.name = "tiny";
    c.data.kind = mor::DataKind::Parity;
    c.data.length = 6;
    c.data.samples = 600;
    c.data.probeSize = 8;
    c.model.encoder.hidden = 16;
    c.model.router.hidden = 16;
    c.model.router.topK = 1;
    c.model.experts.assign(2, mor::ExpertConfig{});
    for (auto& e : c.model.experts) {
        e.width = 16;
        e.maxDepth = 3;
    }
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 5;
    c.train.threads = 1;
    return c;
}

/// Stops after `stopAfter` progress callbacks; records what it saw.
class RecordingObserver : public mor::TrainingObserver {
public:
    explicit RecordingObserver(int stopAfter = -1) : m_stopAfter(stopAfter) {}
    void onProgress(const mor::TrainingProgress& p) override {
        ++progressCalls;
        lastStep = p.step;
    }
    void onEvaluation(int64_t, const mor::EvalResult&) override { ++evaluations; }
    void onFinished(const std::string& s) override { status = s; }
    bool stopRequested() override { return m_stopAfter >= 0 && progressCalls >= m_stopAfter; }
    int progressCalls = 0, evaluations = 0;
    int64_t lastStep = 0;
    std::string status;

private:
    int m_stopAfter;
};

} // namespace

class TstTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void warmupThenCosineSchedule();
    void trainsAndLogsEverything();
    void sameSeedGivesIdenticalMetrics();
    void stopEndsRunAsStopped();
    void resumeContinuesFromLastCheckpoint();
    void resumeWithoutCheckpointRestartsFromStepZero();
    void checkpointOfEveryCellLoads_data();
    void checkpointOfEveryCellLoads();
    void invalidConfigFailsNamingTheField();
    void divergenceFailsAndKeepsCheckpoint();
    void magnitudePruningHitsExactSparsityAndHoldsIt_data();
    void magnitudePruningHitsExactSparsityAndHoldsIt();
    void structuredPruningZeroesWholeRows();
    void retiredExpertIsNeverRouted_data();
    void retiredExpertIsNeverRouted();
    void pruneRunWritesALinkedChildRun();
    void gaussianGateRetiredExpertIsNeverRouted() {
        trainer_pruning_test::gaussianGateRetiredExpertIsNeverRouted();
    }
    void recursionRunPrunesByDepthMagnitudeAndUnits() {
        trainer_pruning_test::recursionRunPrunesByDepthMagnitudeAndUnits();
    }
    void pruneSweepWithFineTuningMeasuresEachChild() {
        trainer_pruning_test::pruneSweepWithFineTuningMeasuresEachChild();
    }
    void tokenChoiceDepthCapClampsEveryToken() {
        trainer_pruning_test::tokenChoiceDepthCapClampsEveryToken();
    }
    void recursionRunRetrainsOnNewText() { trainer_pruning_test::recursionRunRetrainsOnNewText(); }
    void traceReadsThePassAsTheReferenceDoes() {
        trace_reader_test::traceReadsThePassAsTheReferenceDoes();
    }
};

void TstTrainer::warmupThenCosineSchedule() {
    mor::TrainConfig t;
    t.learningRate = 1.0;
    t.warmupSteps = 10;
    t.schedule = mor::LearningRateSchedule::Cosine;
    mor::engine::LrSchedule cosine(t, 110, 10);
    QCOMPARE(cosine.at(0), 0.1);
    QCOMPARE(cosine.at(9), 1.0);
    QCOMPARE(cosine.at(10), 1.0);
    QVERIFY(std::abs(cosine.at(60) - (0.02 + 0.98 * 0.5)) < 1e-9);
    QVERIFY(cosine.at(109) < 0.03);
    t.schedule = mor::LearningRateSchedule::CosineRestarts;
    t.restartPeriod = 20;
    mor::engine::LrSchedule restarts(t, 110, 10);
    QCOMPARE(restarts.at(10), 1.0);
    QCOMPARE(restarts.at(30), 1.0); // a new cycle starts at full rate
    QVERIFY(restarts.at(29) < 0.05);
}

void TstTrainer::trainsAndLogsEverything() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    RecordingObserver observer;
    const auto out = mor::trainExperiment(tinyConfig(), options, &observer);
    QCOMPARE(QString::fromStdString(out.status), QStringLiteral("finished"));
    QVERIFY2(out.error.empty(), out.error.c_str());
    QCOMPARE(observer.status, std::string("finished"));
    QVERIFY(out.steps > 0);
    QCOMPARE(observer.lastStep, out.steps);
    QCOMPARE(observer.evaluations, 2); // one per epoch
    QVERIFY(out.test.samples > 0);
    QVERIFY(out.parameters > 0);

    std::string error;
    auto reader = mor::LogReader::open(log);
    QVERIFY2(reader, reader.error().c_str());
    const auto run = reader->run(out.runId);
    QVERIFY(run.has_value());
    QCOMPARE(QString::fromStdString(run->status), QStringLiteral("finished"));
    const auto keys = reader->metricKeys(out.runId);
    for (const char* key : {"train/loss", "train/lr", "train/loss/task", "val/accuracy",
                            "val/activation/0", "val/mean_depth", "val/conflict_rate",
                            "val/expert_steps", "test/accuracy"}) {
        QVERIFY2(std::find(keys.begin(), keys.end(), key) != keys.end(), key);
    }
    QCOMPARE(int64_t(reader->metric(out.runId, "train/loss").size()), out.steps);
    const auto last = reader->lastMetrics(out.runId);
    QCOMPARE(last.at("test/accuracy"), out.test.accuracy);
    // probe traces and routing snapshots at each evaluation
    QCOMPARE(reader->traceSteps(out.runId).size(), size_t(2));
    QCOMPARE(reader->traces(out.runId, reader->traceSteps(out.runId).back()).size(), size_t(8));
    QCOMPARE(reader->routingSteps(out.runId).size(), size_t(2));
    const auto checkpoints = reader->checkpoints(out.runId);
    QVERIFY(!checkpoints.empty());
    QVERIFY(std::filesystem::exists(checkpoints.back().path));
    // the stepper's re-run of a checkpoint on any input
    const auto traces = mor::Run::open(log, out.runId).andThen(
        [](const mor::Run& run) { return run.trace(-1, {0, 5}); });
    QVERIFY2(traces, traces.error().c_str());
    QCOMPARE(traces->size(), size_t(2));
    QCOMPARE(traces->at(1).sampleId, int64_t(5));
}

void TstTrainer::sameSeedGivesIdenticalMetrics() {
    mor::RunOptions options; // no log
    const auto a = mor::trainExperiment(tinyConfig(), options, nullptr);
    const auto b = mor::trainExperiment(tinyConfig(), options, nullptr);
    QCOMPARE(a.status, std::string("finished"));
    QCOMPARE(a.test.loss, b.test.loss);
    QCOMPARE(a.test.accuracy, b.test.accuracy);
    QCOMPARE(a.test.expertStepsPerInput, b.test.expertStepsPerInput);
    options.seed = 7;
    const auto c = mor::trainExperiment(tinyConfig(), options, nullptr);
    QVERIFY(c.test.loss != a.test.loss);
}

void TstTrainer::stopEndsRunAsStopped() {
    QTemporaryDir dir;
    mor::RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    RecordingObserver observer(3);
    const auto out = mor::trainExperiment(tinyConfig(), options, &observer);
    QCOMPARE(out.status, std::string("stopped"));
    QCOMPARE(out.steps, int64_t(3));
    std::string error;
    auto reader = mor::LogReader::open(options.logPath);
    QCOMPARE(reader->run(out.runId)->status, std::string("stopped"));
}

void TstTrainer::resumeContinuesFromLastCheckpoint() {
    QTemporaryDir dir;
    mor::RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    auto config = tinyConfig();
    config.train.evalEvery = 4;
    RecordingObserver stopper(10);
    const auto first = mor::trainExperiment(config, options, &stopper);
    QCOMPARE(first.status, std::string("stopped"));
    RecordingObserver observer;
    const auto stopped = mor::Run::open(options.logPath, first.runId);
    QVERIFY2(stopped, stopped.error().c_str());
    const auto resumed = stopped->resume({}, &observer);
    QVERIFY2(resumed.error.empty(), resumed.error.c_str());
    QCOMPARE(resumed.status, std::string("finished"));
    QCOMPARE(resumed.runId, first.runId);
    std::string error;
    auto reader = mor::LogReader::open(options.logPath);
    const auto loss = reader->metric(first.runId, "train/loss");
    QCOMPARE(int64_t(loss.size()), resumed.steps); // every step logged exactly once
    QCOMPARE(loss.back().step, resumed.steps);
    QCOMPARE(reader->run(first.runId)->status, std::string("finished"));
}

void TstTrainer::resumeWithoutCheckpointRestartsFromStepZero() {
    // A run killed before its first checkpoint: resume trains it from step 0 under the same id
    // and ends exactly where an uninterrupted run with the same seed ends.
    QTemporaryDir dir;
    mor::RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    RecordingObserver stopAtOnce(0);
    const auto first = mor::trainExperiment(tinyConfig(), options, &stopAtOnce);
    QCOMPARE(first.status, std::string("stopped"));
    QCOMPARE(first.steps, int64_t(0));
    std::string error;
    {
        auto reader = mor::LogReader::open(options.logPath);
        QVERIFY(reader->checkpoints(first.runId).empty());
    }
    const auto killed = mor::Run::open(options.logPath, first.runId);
    QVERIFY2(killed, killed.error().c_str());
    const auto resumed = killed->resume({}, nullptr);
    QVERIFY2(resumed.error.empty(), resumed.error.c_str());
    QCOMPARE(resumed.status, std::string("finished"));
    QCOMPARE(resumed.runId, first.runId);
    mor::RunOptions fresh;
    fresh.logPath = dir.filePath("fresh.sqlite").toStdString();
    const auto uninterrupted = mor::trainExperiment(tinyConfig(), fresh, nullptr);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(resumed.test.loss, uninterrupted.test.loss);
    QCOMPARE(resumed.test.accuracy, uninterrupted.test.accuracy);
    auto reader = mor::LogReader::open(options.logPath);
    QCOMPARE(int64_t(reader->metric(first.runId, "train/loss").size()), resumed.steps);
    QVERIFY(!reader->samples(first.runId).empty());
    QCOMPARE(reader->run(first.runId)->status, std::string("finished"));
}

void TstTrainer::checkpointOfEveryCellLoads_data() {
    QTest::addColumn<QString>("cell");
    QTest::newRow("mlp") << "mlp";
    QTest::newRow("gru") << "gru";
    QTest::newRow("transformer") << "transformer";
}

void TstTrainer::checkpointOfEveryCellLoads() {
    // A submodule named like a Python keyword ("in") made the archive unreadable.
    QFETCH(QString, cell);
    QTemporaryDir dir;
    mor::RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    auto config = tinyConfig();
    config.train.epochs = 1;
    for (auto& e : config.model.experts) {
        QVERIFY(mor::parseChoice(cell.toStdString(), mor::expertCellNames(), &e.cell));
    }
    const auto trained = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(trained.error.empty(), trained.error.c_str());
    const auto evaluated = mor::Run::open(options.logPath, trained.runId).andThen(
        [](const mor::Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(evaluated->status, std::string("finished"));
    QCOMPARE(evaluated->test.accuracy, trained.test.accuracy);
}

void TstTrainer::invalidConfigFailsNamingTheField() {
    auto config = tinyConfig();
    config.model.router.topK = 9;
    const auto out = mor::trainExperiment(config, {}, nullptr);
    QCOMPARE(out.status, std::string("failed"));
    QVERIFY2(out.error.find("model.router.top_k") != std::string::npos, out.error.c_str());
}

void TstTrainer::divergenceFailsAndKeepsCheckpoint() {
    QTemporaryDir dir;
    std::string error;
    auto log = mor::ExperimentLog::open(dir.filePath("log.sqlite").toStdString(), &error);
    QVERIFY(log);
    auto config = tinyConfig();
    config.train.learningRate = 1e30; // the validator would refuse this; the session must cope
    config.train.clipNorm = 0.0;
    config.train.evalEvery = 1000;
    auto data = mor::loadDataset(config.data, 1);
    QVERIFY(data.ok());
    const torch::Device cpu(torch::kCPU);
    mor::engine::TrainingSession session(
        config, std::make_unique<mor::train::ReflectionFamily>(config, data.dataset, cpu), cpu,
        log.get(), nullptr);
    const auto out = session.runNew({});
    QCOMPARE(out.status, std::string("failed"));
    QVERIFY2(out.error.find("non-finite") != std::string::npos, out.error.c_str());
}

namespace {

mor::model::MoRModel tinyPruneModel(int64_t experts, const std::string& strategy) {
    auto c = tinyConfig();
    c.model.experts.assign(size_t(experts), c.model.experts.front());
    mor::parseChoice(strategy, mor::routingStrategyNames(), &c.model.router.strategy);
    c.model.router.topK = std::min<int64_t>(2, experts);
    mor::model::ModelShape shape;
    shape.inputs = 6;
    shape.classes = 2;
    torch::manual_seed(3);
    return mor::model::MoRModel(c.model, shape);
}

std::map<std::string, torch::Tensor> cloneParameters(torch::nn::Module& m) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : m.named_parameters(true)) {
        out[p.key()] = p.value().detach().clone();
    }
    return out;
}

} // namespace

void TstTrainer::magnitudePruningHitsExactSparsityAndHoldsIt_data() {
    QTest::addColumn<double>("amount");
    QTest::newRow("0%") << 0.0;
    QTest::newRow("50%") << 0.5;
    QTest::newRow("80%") << 0.8;
    QTest::newRow("90%") << 0.9;
}

void TstTrainer::magnitudePruningHitsExactSparsityAndHoldsIt() {
    QFETCH(double, amount);
    auto m = tinyPruneModel(2, "top_k");
    const auto original = cloneParameters(*m);
    const auto report = mor::train::pruneMagnitude(*m, amount);
    const auto names = mor::train::pruneExpertWeightNames(*m);
    QVERIFY(names.size() >= 8); // cell, init, head, critic, halt of two experts
    const auto params = m->named_parameters(true);
    int64_t total = 0, zeros = 0;
    float largestZeroed = 0.f, smallestKept = 1e30f;
    for (const auto& name : names) {
        const auto w = params[name];
        const auto before = original.at(name).abs();
        total += w.numel();
        zeros += w.eq(0).sum().item<int64_t>();
        const auto zeroed = before.masked_select(w.eq(0));
        const auto kept = before.masked_select(w.ne(0));
        if (zeroed.numel() > 0) {
            largestZeroed = std::max(largestZeroed, zeroed.max().item<float>());
        }
        if (kept.numel() > 0) {
            smallestKept = std::min(smallestKept, kept.min().item<float>());
        }
    }
    const auto expected = int64_t(std::floor(amount * double(total) + 1e-9));
    QCOMPARE(report.candidates, total);
    QCOMPARE(report.pruned, expected);
    QCOMPARE(zeros, expected);
    QVERIFY(largestZeroed <= smallestKept); // global: the smallest |w| of all experts went
    for (const auto& [name, w] : original) {
        if (name.rfind("expert", 0) != 0) {
            QVERIFY2(torch::equal(params[name], w), name.c_str()); // router, encoder untouched
        }
    }
    // Fine-tuning with the masks: a few AdamW steps (with weight decay) keep the zeros.
    mor::train::pruneHoldMasks(*m, report.masks);
    torch::optim::AdamW opt(m->parameters(), torch::optim::AdamWOptions(1e-2).weight_decay(0.1));
    for (int i = 0; i < 3; ++i) {
        opt.zero_grad();
        const auto x = torch::randn({32, 6});
        const auto y = torch::randint(0, 2, {32}, torch::kLong);
        m->forward(x, y, torch::Tensor()).totalLoss.backward();
        opt.step();
    }
    int64_t zerosAfter = 0;
    for (const auto& name : names) {
        zerosAfter += params[name].eq(0).sum().item<int64_t>();
        QVERIFY(params[name].masked_select(report.masks.at(name).eq(0)).eq(0).all().item<bool>());
    }
    QCOMPARE(zerosAfter, expected);
    QVERIFY(!torch::equal(params["router.out.weight"], original.at("router.out.weight")));
}

void TstTrainer::structuredPruningZeroesWholeRows() {
    auto m = tinyPruneModel(2, "top_k");
    const auto original = cloneParameters(*m);
    const auto report = mor::train::pruneStructuredRows(*m, 0.5);
    const auto params = m->named_parameters(true);
    int64_t layers = 0, zeroRows = 0;
    for (const auto& name : mor::train::pruneExpertWeightNames(*m)) {
        const auto w = params[name];
        const auto& before = original.at(name);
        if (name.find(".head.") != std::string::npos ||
            name.find(".critic2.") != std::string::npos ||
            name.find(".halt.") != std::string::npos) {
            QVERIFY2(torch::equal(w, before), name.c_str()); // outputs are not units
            continue;
        }
        ++layers;
        const auto rowZero = w.eq(0).all(1);
        const int64_t n = rowZero.sum().item<int64_t>();
        QCOMPARE(n, w.size(0) / 2);
        zeroRows += n;
        // every row is either gone entirely or untouched, and the gone ones had the smallest norm
        const auto kept = rowZero.logical_not();
        QVERIFY(torch::equal(w.index({kept}), before.index({kept})));
        const auto norms = before.norm(2, {1});
        QVERIFY(norms.masked_select(rowZero).max().item<float>() <=
                norms.masked_select(kept).min().item<float>());
        const std::string leaf = name.substr(name.rfind('.') + 1);
        const std::string bias =
            name.substr(0, name.size() - leaf.size()) + "bias" + leaf.substr(6);
        if (const auto* b = params.find(bias)) {
            QVERIFY2(b->masked_select(rowZero).eq(0).all().item<bool>(), bias.c_str());
        }
    }
    QVERIFY(layers >= 4);
    QVERIFY(zeroRows > 0);
    QVERIFY(report.pruned > 0);
}

void TstTrainer::retiredExpertIsNeverRouted_data() {
    QTest::addColumn<QString>("strategy");
    QTest::newRow("top_k") << QString("top_k");
    QTest::newRow("threshold") << QString("threshold");
    QTest::newRow("top_p") << QString("top_p");
}

void TstTrainer::retiredExpertIsNeverRouted() {
    QFETCH(QString, strategy);
    auto m = tinyPruneModel(3, strategy.toStdString());
    const auto x = torch::randn({256, 6}) * 3;
    m->eval();
    const auto routed = m->forward(x, torch::Tensor(), torch::Tensor()).mask;
    QVERIFY(routed.select(1, 1).any().item<bool>()); // the expert is routed before
    const auto rowsBefore = m->expertRowsProcessed()[1];
    mor::train::pruneRetireExperts(*m, {1}, 1.0);
    for (bool training : {false, true}) {
        m->train(training);
        const auto y = torch::randint(0, 2, {256}, torch::kLong);
        const auto fo = m->forward(x, training ? y : torch::Tensor(), torch::Tensor());
        QVERIFY(!fo.mask.select(1, 1).any().item<bool>());
        QCOMPARE(fo.routerProbs.select(1, 1).max().item<float>(), 0.f);
        QVERIFY(fo.mask.select(1, 0).any().item<bool>() || fo.mask.select(1, 2).any().item<bool>());
    }
    QCOMPARE(m->expertRowsProcessed()[1], rowsBefore); // the retired expert never ran again
}

void TstTrainer::pruneRunWritesALinkedChildRun() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    const auto parent = mor::trainExperiment(tinyConfig(), options, nullptr);
    QCOMPARE(parent.status, std::string("finished"));

    mor::PruneOptions prune;
    prune.logPath = log;
    prune.runId = parent.runId;
    prune.method = "magnitude";
    prune.amount = 0.5;
    const auto result = mor::pruneRun(prune);
    QVERIFY2(result, result.error().c_str());
    const mor::PruneOutcome& out = *result;
    QCOMPARE(out.runId, parent.runId + 1);
    QCOMPARE(out.before.testAccuracy, parent.test.accuracy); // the same best.pt, same evaluator
    QCOMPARE(out.before.nonzeroParameters - out.after.nonzeroParameters, out.prunedEntries);
    QCOMPARE(out.before.sparseFlopsPerInput, out.before.flopsPerInput); // no zeros yet
    QVERIFY(out.after.sparseFlopsPerInput < out.after.flopsPerInput);  // dense counts zeros
    std::string error;
    const auto evaluated =
        mor::Run::open(log, out.runId).andThen([](const mor::Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(evaluated->test.accuracy, out.after.testAccuracy);
    auto reader = mor::LogReader::open(log);
    QVERIFY(reader);
    const auto child = reader->run(out.runId);
    QCOMPARE(child->status, std::string("finished"));
    const auto& tags = child->tags;
    QVERIFY(std::find(tags.begin(), tags.end(), "pruned-from:" + std::to_string(parent.runId)) !=
            tags.end());
    const auto metrics = reader->lastMetrics(out.runId);
    QCOMPARE(metrics.at("prune/before/test_accuracy"), out.before.testAccuracy);
    QCOMPARE(metrics.at("prune/sparsity"), double(out.prunedEntries) / double(out.candidates));
    const auto checkpoints = reader->checkpoints(out.runId);
    QVERIFY(!mor::engine::bestCheckpointOf(checkpoints).empty());
    const auto audit = mor::readRunAudit(log, out.runId, &error);
    QVERIFY2(audit.has_value(), error.c_str());
    QCOMPARE(audit->parentRun, parent.runId);

    // Fine-tuned: the engine trains whole epochs and the pruned weights stay at zero.
    prune.amount = 0.8;
    prune.finetuneSteps = 3;
    const auto tunedResult = mor::pruneRun(prune);
    QVERIFY2(tunedResult, tunedResult.error().c_str());
    const mor::PruneOutcome& tuned = *tunedResult;
    QVERIFY(tuned.finetuneSteps >= 3);
    QCOMPARE(mor::readRunAudit(log, tuned.runId, &error)->parentRun, parent.runId);
    mor::engine::StoredRun stored;
    QVERIFY(mor::engine::readRun(log, tuned.runId, &stored, &error));
    auto family = mor::engine::makeFamily(stored.config, torch::kCPU, &error);
    QVERIFY(family);
    QVERIFY(mor::engine::loadCheckpoint(mor::engine::bestCheckpointOf(stored.checkpoints),
                                        *family, nullptr, &error));
    int64_t total = 0, zeros = 0;
    const auto params = family->module().named_parameters(true);
    for (const auto& name : mor::train::pruneExpertWeightNames(family->module())) {
        total += params[name].numel();
        zeros += params[name].eq(0).sum().item<int64_t>();
    }
    QCOMPARE(zeros, int64_t(std::floor(0.8 * double(total) + 1e-9)));
}

QTEST_GUILESS_MAIN(TstTrainer)
#include "tst_trainer.moc"
