// Training end to end through the public API (plus the engine session and schedule internals).
#include "engine/lr_schedule.h"
#include "engine/training_session.h"
#include "train/reflection_family.h"

#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

namespace {

mor::ExperimentConfig tinyConfig() {
    mor::ExperimentConfig c;
    c.name = "tiny";
    c.data.kind = "parity";
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
};

void TstTrainer::warmupThenCosineSchedule() {
    mor::TrainConfig t;
    t.learningRate = 1.0;
    t.warmupSteps = 10;
    t.schedule = "cosine";
    mor::engine::LrSchedule cosine(t, 110, 10);
    QCOMPARE(cosine.at(0), 0.1);
    QCOMPARE(cosine.at(9), 1.0);
    QCOMPARE(cosine.at(10), 1.0);
    QVERIFY(std::abs(cosine.at(60) - (0.02 + 0.98 * 0.5)) < 1e-9);
    QVERIFY(cosine.at(109) < 0.03);
    t.schedule = "cosine_restarts";
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
    auto reader = mor::LogReader::open(log, &error);
    QVERIFY2(reader, error.c_str());
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
    const auto traces = mor::traceCheckpoint(log, out.runId, -1, {0, 5}, &error);
    QCOMPARE(traces.size(), size_t(2));
    QCOMPARE(traces[1].sampleId, int64_t(5));
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
    auto reader = mor::LogReader::open(options.logPath, &error);
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
    const auto resumed = mor::resumeExperiment(options.logPath, first.runId, {}, &observer);
    QVERIFY2(resumed.error.empty(), resumed.error.c_str());
    QCOMPARE(resumed.status, std::string("finished"));
    QCOMPARE(resumed.runId, first.runId);
    std::string error;
    auto reader = mor::LogReader::open(options.logPath, &error);
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
        auto reader = mor::LogReader::open(options.logPath, &error);
        QVERIFY(reader->checkpoints(first.runId).empty());
    }
    const auto resumed = mor::resumeExperiment(options.logPath, first.runId, {}, nullptr);
    QVERIFY2(resumed.error.empty(), resumed.error.c_str());
    QCOMPARE(resumed.status, std::string("finished"));
    QCOMPARE(resumed.runId, first.runId);
    mor::RunOptions fresh;
    fresh.logPath = dir.filePath("fresh.sqlite").toStdString();
    const auto uninterrupted = mor::trainExperiment(tinyConfig(), fresh, nullptr);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(resumed.test.loss, uninterrupted.test.loss);
    QCOMPARE(resumed.test.accuracy, uninterrupted.test.accuracy);
    auto reader = mor::LogReader::open(options.logPath, &error);
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
        e.cell = cell.toStdString();
    }
    const auto trained = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(trained.error.empty(), trained.error.c_str());
    std::string error;
    const auto evaluated = mor::evaluateRun(options.logPath, trained.runId, &error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(evaluated.status, std::string("finished"));
    QCOMPARE(evaluated.test.accuracy, trained.test.accuracy);
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

QTEST_GUILESS_MAIN(TstTrainer)
#include "tst_trainer.moc"
