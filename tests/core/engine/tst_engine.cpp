// SPDX-License-Identifier: GPL-3.0-or-later
// The one training engine, checked once per model family (data-driven rows "reflection" and
// "recursion"): the optimizer setting is honoured, a run killed before its first checkpoint
// resumes, test metrics come from the best checkpoint, early stopping stops, and 1 vs 2
// data-parallel processes give the same metrics. Every test builds its own tiny fixture.
#include "compat/torch_compat.h"
#include "engine_fixtures.h"
#include "engine/model_family.h"
#include "engine/run.h"
#include "engine/training_session.h"
#include "families/family_registry.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/predictor.h"
#include "mor/run.h"
#include "mor/sequence.h"
#include "mor/trainer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

using namespace mor;

namespace {

using engine_fixtures::addFamilyRows;
using engine_fixtures::configOf;

/// Stops when asked after `steps` progress callbacks (0: before the first step).
class StopAfter : public TrainingObserver {
public:
    explicit StopAfter(int64_t steps) : m_steps(steps) {}
    void onProgress(const TrainingProgress& p) override { m_seen = p.step; }
    bool stopRequested() override { return m_seen >= m_steps; }

private:
    int64_t m_steps, m_seen = 0;
};

/// Trains `config` without a log in a session and returns its weights, flattened.
torch::Tensor weightsAfterTraining(const ExperimentConfig& config, std::string* optimizer,
                                   RunOutcome* outcome) {
    const torch::Device cpu(torch::kCPU);
    std::string error;
    auto family = engine::makeFamily(config, cpu, &error);
    if (!family) {
        qFatal("family: %s", error.c_str());
    }
    engine::TrainingSession session(config, std::move(family), cpu, nullptr, nullptr);
    *optimizer = session.optimizerName();
    *outcome = session.runNew({});
    std::vector<torch::Tensor> flat;
    for (const auto& p : session.family().module().parameters()) {
        flat.push_back(p.detach().reshape(-1).clone());
    }
    return torch::cat(flat);
}

bool hasEvent(const std::string& log, int64_t runId, const std::string& text) {
    std::string error;
    auto reader = LogReader::open(log);
    for (const auto& e : reader->events(runId)) {
        if (e.message.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace

class TstEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setThreads(1); }
    void optimizerSettingIsHonoured_data() { addFamilyRows(); }
    void optimizerSettingIsHonoured();
    void resumeBeforeFirstCheckpoint_data() { addFamilyRows(); }
    void resumeBeforeFirstCheckpoint();
    void testMetricsComeFromTheBestCheckpoint_data() { addFamilyRows(); }
    void testMetricsComeFromTheBestCheckpoint();
    void userStopLeavesTestMetricsUnmeasured_data() { addFamilyRows(); }
    void userStopLeavesTestMetricsUnmeasured();
    void earlyStopStops_data() { addFamilyRows(); }
    void earlyStopStops();
    void twoProcessesMatchOne_data() { addFamilyRows(); }
    void twoProcessesMatchOne();
    void runHandleOpenNamesAMissingRun();
    void runHandleAnswersForItsFamilyOnly_data() { addFamilyRows(); }
    void runHandleAnswersForItsFamilyOnly();
    void bf16TrainsUnderAutocast_data() { addFamilyRows(); }
    void bf16TrainsUnderAutocast();
    void oldStoredConfigWithBothSectionsResumes_data() { addFamilyRows(); }
    void oldStoredConfigWithBothSectionsResumes();
};

void TstEngine::optimizerSettingIsHonoured() {
    QFETCH(QString, json);
    auto config = configOf(json);
    config.train.epochs = 1;
    std::string sgdName, adamwName;
    RunOutcome sgdOut, adamwOut;
    config.train.optimizer = mor::OptimizerKind::Sgd;
    const auto sgd = weightsAfterTraining(config, &sgdName, &sgdOut);
    config.train.optimizer = mor::OptimizerKind::AdamW;
    const auto adamw = weightsAfterTraining(config, &adamwName, &adamwOut);
    QCOMPARE(sgdName, std::string("sgd"));
    QCOMPARE(adamwName, std::string("adamw"));
    QCOMPARE(sgdOut.optimizer, std::string("sgd"));
    QCOMPARE(adamwOut.optimizer, std::string("adamw"));
    QVERIFY2(sgdOut.status == "finished", sgdOut.error.c_str());
    QCOMPARE(sgdOut.steps, adamwOut.steps);
    QVERIFY(sgdOut.steps > 0);
    // Same seed, same initial weights and batches: only the update rule differs.
    const double difference = (sgd - adamw).abs().max().item<double>();
    QVERIFY2(difference > 1e-4, std::to_string(difference).c_str());
    // and the same setting twice gives the same weights (the difference is not noise)
    std::string again;
    RunOutcome againOut;
    config.train.optimizer = mor::OptimizerKind::Sgd;
    QCOMPARE((weightsAfterTraining(config, &again, &againOut) - sgd).abs().max().item<double>(),
             0.0);
}

void TstEngine::resumeBeforeFirstCheckpoint() {
    QFETCH(QString, json);
    const auto config = configOf(json);
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    StopAfter stopAtOnce(0);
    const auto first = trainExperiment(config, options, &stopAtOnce);
    QCOMPARE(first.status, std::string("stopped"));
    QCOMPARE(first.steps, int64_t(0));
    std::string error;
    {
        auto reader = LogReader::open(options.logPath);
        QVERIFY(reader->checkpoints(first.runId).empty());
    }
    const auto stopped = Run::open(options.logPath, first.runId);
    QVERIFY2(stopped, stopped.error().c_str());
    const auto resumed = stopped->resume({}, nullptr);
    QVERIFY2(resumed.status == "finished", resumed.error.c_str());
    QCOMPARE(resumed.runId, first.runId);
    QVERIFY(hasEvent(options.logPath, first.runId, "restarting from step 0"));
    RunOptions fresh;
    fresh.logPath = dir.filePath("fresh.sqlite").toStdString();
    const auto uninterrupted = trainExperiment(config, fresh, nullptr);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(resumed.test.loss, uninterrupted.test.loss);
    QCOMPARE(resumed.test.accuracy, uninterrupted.test.accuracy);
    auto reader = LogReader::open(options.logPath);
    QCOMPARE(int64_t(reader->metric(first.runId, "train/loss").size()), resumed.steps);
    QCOMPARE(reader->run(first.runId)->status, std::string("finished"));
}

void TstEngine::testMetricsComeFromTheBestCheckpoint() {
    QFETCH(QString, json);
    const auto config = configOf(json);
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    const auto out = trainExperiment(config, options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    const std::string best = engine::checkpointDirFor(options.logPath, out.runId) + "/best.pt";
    QVERIFY2(std::filesystem::exists(best), best.c_str());
    QCOMPARE(out.testCheckpoint, best);
    std::string error;
    auto reader = LogReader::open(options.logPath);
    // best.pt holds the weights of the evaluation with the highest validation accuracy
    const auto val = reader->metric(out.runId, "val/accuracy");
    QVERIFY(val.size() >= 2);
    double bestAccuracy = -1.0;
    for (const auto& point : val) {
        bestAccuracy = std::max(bestAccuracy, point.value);
    }
    const auto checkpoints = reader->checkpoints(out.runId);
    const auto state = engine::CheckpointState::fromJson(checkpoints.back().metricsJson);
    QCOMPARE(state.bestAccuracy, bestAccuracy);
    // the logged test metrics are those of best.pt, evaluated again from disk
    const torch::Device cpu(torch::kCPU);
    auto family = engine::makeFamily(config, cpu, &error);
    QVERIFY2(family, error.c_str());
    QVERIFY2(engine::loadCheckpoint(best, *family, nullptr, &error), error.c_str());
    family->setTraining(false);
    const auto again = family->evaluate(engine::Split::Test, false);
    QCOMPARE(again.loss, out.test.loss);
    QCOMPARE(again.accuracy, out.test.accuracy);
    // mor eval re-measures the last checkpoint and says so
    const auto evaluated =
        Run::open(options.logPath, out.runId).andThen([](const Run& r) { return r.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(evaluated->testCheckpoint, checkpoints.back().path);
    QCOMPARE(evaluated->steps, checkpoints.back().step);
    const auto last = reader->lastMetrics(out.runId);
    QCOMPARE(last.at("test/accuracy"), out.test.accuracy);
    QCOMPARE(last.at("test/loss"), out.test.loss);
}

void TstEngine::userStopLeavesTestMetricsUnmeasured() {
    // Stop ends a run at once: the test split is not evaluated, the run says so, and
    // readers see no test metric (not a number of the wrong weights) until it is measured.
    QFETCH(QString, json);
    const auto config = configOf(json);
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    StopAfter stopAtEight(8); // after the validation at step 6 wrote best.pt
    const auto out = trainExperiment(config, options, &stopAtEight);
    QCOMPARE(out.status, std::string("stopped"));
    QCOMPARE(out.steps, int64_t(8));
    QCOMPARE(out.test.samples, int64_t(0));
    QVERIFY(out.testCheckpoint.empty());
    QVERIFY(hasEvent(options.logPath, out.runId, "test metrics not measured"));
    std::string error;
    {
        auto reader = LogReader::open(options.logPath);
        QVERIFY2(reader, reader.error().c_str());
        QCOMPARE(reader->run(out.runId)->status, std::string("stopped"));
        QCOMPARE(reader->run(out.runId)->testAccuracy, -1.0);
        QVERIFY(reader->metric(out.runId, "test/accuracy").empty());
        QVERIFY(reader->metric(out.runId, "test/loss").empty());
        QCOMPARE(reader->metric(out.runId, "val/accuracy").size(), size_t(1));
        QCOMPARE(reader->checkpoints(out.runId).back().step, int64_t(8)); // stop's checkpoint
    }
    // measured later on demand (mor eval), on the checkpoint written at the stop
    const auto evaluated =
        Run::open(options.logPath, out.runId).andThen([](const Run& r) { return r.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    QVERIFY(evaluated->test.samples > 0);
    QCOMPARE(evaluated->steps, int64_t(8));
    // resumed to its end, it measures them on best.pt as a run that was never stopped
    const auto stopped = Run::open(options.logPath, out.runId);
    QVERIFY2(stopped, stopped.error().c_str());
    const auto resumed = stopped->resume({}, nullptr);
    QVERIFY2(resumed.status == "finished", resumed.error.c_str());
    QVERIFY(resumed.test.samples > 0);
    auto reader = LogReader::open(options.logPath);
    QCOMPARE(reader->lastMetrics(out.runId).at("test/accuracy"), resumed.test.accuracy);
}

void TstEngine::earlyStopStops() {
    QFETCH(QString, json);
    auto config = configOf(json);
    config.train.epochs = 50;
    config.train.evalEvery = 1;
    config.train.learningRate = 1e-9; // nothing improves: stops after `patience` evaluations
    config.train.warmupSteps = 0;
    config.train.earlyStopPatience = 2;
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    const auto out = trainExperiment(config, options, nullptr);
    QCOMPARE(out.status, std::string("finished"));
    QVERIFY2(out.steps >= 3 && out.steps < 20, std::to_string(out.steps).c_str());
    QVERIFY(hasEvent(options.logPath, out.runId, "early stop at step " + std::to_string(out.steps)));
}

void TstEngine::twoProcessesMatchOne() {
#ifndef MOR_CLI
    QSKIP("the mor CLI is not built");
#else
    QFETCH(QString, json);
    QTemporaryDir dir;
    const QString configPath = dir.filePath("c.json");
    {
        std::ofstream(configPath.toStdString()) << json.toStdString();
    }
    auto train = [&](const QString& log, const QStringList& extra) {
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("OMP_WAIT_POLICY", "PASSIVE");
        p.setProcessEnvironment(env);
        p.start(MOR_CLI, QStringList{"train", "--config", configPath, "--log", log, "--json"} + extra);
        const bool done = p.waitForFinished(60000);
        return done && p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardError() +
                                                                         p.readAllStandardOutput());
    };
    const QString one = dir.filePath("one.sqlite"), two = dir.filePath("two.sqlite");
    QString failure = train(one, {});
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    failure = train(two, {"--nproc", "2"});
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    std::string error;
    auto a = LogReader::open(one.toStdString());
    auto b = LogReader::open(two.toStdString());
    QVERIFY2(b, b.error().c_str());
    QCOMPARE(b->runs().size(), size_t(1)); // only rank 0 logs
    QCOMPARE(b->run(1)->status, std::string("finished"));
    QCOMPARE(b->metric(1, "dist/world_size").back().value, 2.0);
    for (const char* key : {"train/loss", "val/accuracy", "val/loss", "test/accuracy"}) {
        const auto x = a->metric(1, key), y = b->metric(1, key);
        QVERIFY2(!x.empty(), key);
        QCOMPARE(x.size(), y.size());
        for (size_t i = 0; i < x.size(); ++i) {
            QCOMPARE(x[i].step, y[i].step);
            const double tolerance = 1e-4 * std::max(1.0, std::abs(x[i].value));
            QVERIFY2(std::abs(x[i].value - y[i].value) <= tolerance,
                     (std::string(key) + " at step " + std::to_string(x[i].step) + ": " +
                      std::to_string(x[i].value) + " vs " + std::to_string(y[i].value))
                         .c_str());
        }
    }
#endif
}

void TstEngine::runHandleOpenNamesAMissingRun() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("empty.sqlite").toStdString();
    std::string error;
    QVERIFY2(ExperimentLog::open(path, &error), error.c_str()); // a log without runs
    const auto run = Run::open(path, 42);
    QVERIFY(!run);
    QCOMPARE(run.error(), "run 42 is not in " + path);
    const auto evaluated = run.andThen([](const Run& r) { return r.evaluate(); });
    QVERIFY(!evaluated);
    QCOMPARE(evaluated.error(), run.error());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, run.value());
}

void TstEngine::runHandleAnswersForItsFamilyOnly() {
    QFETCH(QString, json);
    const auto config = configOf(json);
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    const auto out = trainExperiment(config, options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    const auto opened = Run::open(options.logPath, out.runId);
    QVERIFY2(opened, opened.error().c_str());
    const Run& run = opened.value();
    QCOMPARE(run.id(), out.runId);
    QCOMPARE(run.family(), config.model.family);
    QCOMPARE(run.summary().status, std::string("finished"));
    QVERIFY(!run.checkpoints().empty());
    QCOMPARE(run.checkpoints().back().step, out.steps);

    // evaluate() = the last checkpoint loaded and evaluated on the test split by the engine
    const auto evaluated = run.evaluate();
    QVERIFY2(evaluated, evaluated.error().c_str());
    std::string error;
    const torch::Device cpu(torch::kCPU);
    auto family = engine::makeFamily(config, cpu, &error);
    QVERIFY2(family, error.c_str());
    QVERIFY2(engine::loadCheckpoint(run.checkpoints().back().path, *family, nullptr, &error),
             error.c_str());
    family->setTraining(false);
    const auto expected = family->evaluate(engine::Split::Test, false);
    QCOMPARE(evaluated->test.loss, expected.loss);
    QCOMPARE(evaluated->test.accuracy, expected.accuracy);
    auto measured = evaluated->test.metrics, again = expected.metrics;
    measured.erase("test/latency_ms"), again.erase("test/latency_ms"); // wall-clock time
    QCOMPARE(measured, again);
    QCOMPARE(evaluated->steps, out.steps);
    QCOMPARE(evaluated->parameters, out.parameters);
    // one EvalResult for both families: its metric map is every test/* metric the log holds
    std::map<std::string, double> logged;
    for (const auto& [name, value] : LogReader::open(options.logPath)->lastMetrics(out.runId)) {
        if (name.rfind("test/", 0) == 0) {
            logged[name] = value;
        }
    }
    QVERIFY(logged.size() >= 3);
    QCOMPARE(out.test.metrics, logged);
    // one parameter count: training, mor eval, the config's count, predictor / generator
    QVERIFY(out.parameters > 0);
    if (config.model.family == Family::Reflection) {
        const auto predictor = run.predictor();
        QVERIFY2(predictor, predictor.error().c_str());
        const ModelSummary& s = (*predictor)->summary();
        QCOMPARE(s.parameters, out.parameters);
        QCOMPARE(countParameters(config, s.numFeatures, s.numClasses, 1), out.parameters);
    } else {
        const auto generator = run.generator();
        QVERIFY2(generator, generator.error().c_str());
        const GeneratorSummary& s = (*generator)->summary();
        QCOMPARE(s.parameters, out.parameters);
        QCOMPARE(countSequenceParameters(config, s.vocabSize, &error), out.parameters);
    }

    // what the other family answers is refused with a message naming this run's family
    const std::string named = "run " + std::to_string(out.runId) + " is a " +
                              familyName(config.model.family) + " run";
    std::vector<std::string> refusals;
    if (config.model.family == Family::Reflection) {
        const auto traces = run.trace(-1, {0, 1});
        QVERIFY2(traces, traces.error().c_str());
        QCOMPARE(traces->size(), size_t(2));
        QCOMPARE(traces->at(1).sampleId, int64_t(1));
        QVERIFY2(run.counterfactualTable(), "the counterfactual table of a reflection run");
        refusals.push_back(run.generate({}).error());
        refusals.push_back(run.traceTokens(-1, "1+2=").error());
        refusals.push_back(run.generator().error());
    } else {
        const auto traces = run.traceTokens(-1, "12+34=");
        QVERIFY2(traces, traces.error().c_str());
        QCOMPARE(traces->size(), size_t(1));
        GenerateOptions greedy;
        greedy.prompt = "1+2=";
        greedy.tokens = 3;
        greedy.temperature = 0.0;
        const auto generated = run.generate(greedy);
        QVERIFY2(generated, generated.error().c_str());
        QCOMPARE(generated->generated, int64_t(3));
        refusals.push_back(run.trace(-1, {0}).error());
        refusals.push_back(run.counterfactualTable().error());
        refusals.push_back(run.predictor().error());
    }
    for (const auto& refusal : refusals) {
        QVERIFY2(refusal.rfind(named, 0) == 0, refusal.c_str());
    }
}

namespace {

/// A family that delegates to a real one and records whether bf16 autocast was on (the flag,
/// and a matmul really giving bf16) in forward() and in evaluate().
class AutocastProbeFamily : public engine::ModelFamily {
public:
    explicit AutocastProbeFamily(std::unique_ptr<engine::ModelFamily> inner)
        : m_inner(std::move(inner)) {}
    static bool autocastOn() {
        const auto a = torch::ones({2, 2});
        return compat::AutocastGuard::enabled(c10::DeviceType::CPU) &&
               torch::mm(a, a).scalar_type() == torch::kBFloat16;
    }
    Family family() const override { return m_inner->family(); }
    torch::nn::Module& module() override { return m_inner->module(); }
    std::vector<int64_t> epochOrder(int64_t epoch) const override {
        return m_inner->epochOrder(epoch);
    }
    engine::BatchLoss forward(const std::vector<int64_t>& rows) override {
        ++forwards;
        forwardsUnderAutocast += autocastOn() ? 1 : 0;
        return m_inner->forward(rows);
    }
    void setTraining(bool training) override { m_inner->setTraining(training); }
    EvalResult evaluate(engine::Split split, bool capture) override {
        ++evaluations;
        evaluationsUnderAutocast += autocastOn() ? 1 : 0;
        return m_inner->evaluate(split, capture);
    }
    void logTraces(ExperimentLog& log, int64_t runId, int64_t step) override {
        m_inner->logTraces(log, runId, step);
    }
    RunInfo runInfo() const override { return m_inner->runInfo(); }
    std::vector<SampleInfo> samples() const override { return m_inner->samples(); }

    int forwards = 0, forwardsUnderAutocast = 0, evaluations = 0, evaluationsUnderAutocast = 0;

private:
    std::unique_ptr<engine::ModelFamily> m_inner;
};

/// Records the training loss of every optimizer step.
class LossRecorder : public TrainingObserver {
public:
    void onProgress(const TrainingProgress& p) override { losses.push_back(p.loss); }
    std::vector<double> losses;
};

} // namespace

void TstEngine::bf16TrainsUnderAutocast() {
    // train.precision bf16: the training forward pass runs under bf16 autocast, evaluation and
    // the fp32 run do not; the run trains (finite, falling loss) and its first loss is close
    // to, but not equal to, the fp32 one on the same weights and batch.
    QFETCH(QString, json);
    auto config = configOf(json);
    const torch::Device cpu(torch::kCPU);
    std::map<Precision, std::vector<double>> losses;
    for (const Precision precision : {Precision::Fp32, Precision::Bf16}) {
        config.train.precision = precision;
        std::string error;
        auto inner = engine::makeFamily(config, cpu, &error);
        QVERIFY2(inner, error.c_str());
        auto probe = std::make_unique<AutocastProbeFamily>(std::move(inner));
        AutocastProbeFamily* seen = probe.get();
        LossRecorder recorder;
        engine::TrainingSession session(config, std::move(probe), cpu, nullptr, &recorder);
        const RunOutcome out = session.runNew({});
        QVERIFY2(out.status == "finished", out.error.c_str());
        QVERIFY(seen->forwards > 0 && seen->evaluations > 0);
        const bool bf16 = precision == Precision::Bf16;
        QCOMPARE(seen->forwardsUnderAutocast, bf16 ? seen->forwards : 0);
        QCOMPARE(seen->evaluationsUnderAutocast, 0);
        QVERIFY(!compat::AutocastGuard::enabled(c10::DeviceType::CPU)); // restored after
        QVERIFY(recorder.losses.size() >= 10);
        for (const double loss : recorder.losses) {
            QVERIFY2(std::isfinite(loss), std::to_string(loss).c_str());
        }
        losses[precision] = recorder.losses;
    }
    const auto& b = losses[Precision::Bf16];
    const double first = losses[Precision::Fp32].front();
    const double relative = std::abs(b.front() - first) / first;
    qInfo("first-step loss fp32 %.6f bf16 %.6f (relative %.2e); bf16 %zu steps, last %.6f",
          first, b.front(), relative, b.size(), b.back());
    // An fp32 run repeats its losses bit for bit (optimizerSettingIsHonoured), so any
    // difference is bf16's; measured 2.1e-5 (reflection) and 1.5e-5 (recursion) at the
    // untrained start, where the logits are small. Far below a few percent.
    QVERIFY2(relative > 1e-7 && relative < 0.03,
             (std::to_string(b.front()) + " vs fp32 " + std::to_string(first)).c_str());
    const size_t n = b.size();
    const double head = (b[0] + b[1] + b[2]) / 3.0, tail = (b[n - 1] + b[n - 2] + b[n - 3]) / 3.0;
    QVERIFY2(tail < head, (std::to_string(head) + " -> " + std::to_string(tail)).c_str());
}

void TstEngine::oldStoredConfigWithBothSectionsResumes() {
    // A log written before a stored config carried only its family's section: the run's config
    // has both families' sections. It reads back as the same config and resumes.
    QFETCH(QString, json);
    const auto config = configOf(json);
    ExperimentConfig other;
    other.model.family =
        config.model.family == Family::Reflection ? Family::Recursion : Family::Reflection;
    const auto objectOf = [](const ExperimentConfig& c) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(toJson(c))).object();
    };
    QJsonObject root = objectOf(config);
    QJsonObject model = root.value("model").toObject();
    const QJsonObject otherModel = objectOf(other).value("model").toObject();
    for (auto it = otherModel.begin(); it != otherModel.end(); ++it) {
        if (!model.contains(it.key())) {
            model.insert(it.key(), it.value());
        }
    }
    root.insert("model", model);
    const std::string oldJson = QJsonDocument(root).toJson().toStdString();
    QVERIFY(model.contains("recursion") && model.contains("experts") && model.contains("router"));

    QTemporaryDir dir;
    const std::string logPath = dir.filePath("old.sqlite").toStdString();
    std::string error;
    int64_t runId = 0;
    {
        auto log = ExperimentLog::open(logPath, &error);
        QVERIFY2(log, error.c_str());
        RunInfo info;
        info.name = "stored by an older version";
        info.configJson = oldJson;
        info.device = "cpu";
        info.seed = config.train.seed;
        runId = log->createRun(info);
        QVERIFY(runId > 0);
    }
    engine::StoredRun stored;
    QVERIFY2(engine::readRun(logPath, runId, &stored, &error), error.c_str());
    QVERIFY(stored.config.model.family == config.model.family);
    QCOMPARE(toJson(stored.config), toJson(config));
    // Killed before its first checkpoint: the engine restarts it from step 0 and finishes.
    const torch::Device cpu(torch::kCPU);
    auto family = engine::makeFamily(stored.config, cpu, &error);
    QVERIFY2(family, error.c_str());
    auto log = ExperimentLog::open(logPath, &error);
    QVERIFY2(log, error.c_str());
    engine::TrainingSession session(stored.config, std::move(family), cpu, log.get(), nullptr);
    const RunOutcome out = session.runResumed(runId, engine::checkpointDirFor(logPath, runId), "",
                                              engine::CheckpointState{});
    QVERIFY2(out.status == "finished", out.error.c_str());
    QVERIFY(out.steps > 0);
}

QTEST_GUILESS_MAIN(TstEngine)
#include "tst_engine.moc"
