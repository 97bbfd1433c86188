// model.calibration "answer-temperature": the temperature fitted on the answers (final-step
// critiques), halting kept where the raw critic stops (rawEquivalentThreshold), and both
// stored with the checkpoint.
#include "tst_calibration_answers.h"

#include "train/calibration.h"
#include "train/checkpoint.h"
#include "train/evaluator.h"
#include "train/reflection_family.h"
#include "train/training_session.h"

#include "mor/dataset.h"
#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace calibration_answers_test {

namespace {

/// 20000 logits z ~ U(-8, 8), P(right) = sigmoid(z / 2.5), splitmix64 seed 17: the stream of
/// tst_calibration.cpp, whose torch 1.13 LBFGS reference fit is T = 2.462389.
void answersSynthetic(std::vector<double>* z, std::vector<double>* right) {
    uint64_t state = 17;
    const auto uniform = [&state] {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t x = state;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        x ^= x >> 31;
        return double(x >> 11) * (1.0 / 9007199254740992.0);
    };
    for (int i = 0; i < 20000; ++i) {
        const double zi = -8.0 + 16.0 * uniform();
        z->push_back(zi);
        right->push_back(uniform() < 1.0 / (1.0 + std::exp(-zi / 2.5)) ? 1.0 : 0.0);
    }
}
constexpr double kAnswersReferenceT = 2.462389;

mor::ExperimentConfig answersTinyConfig() {
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
    c.model.calibration = mor::Calibration::AnswerTemperature;
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 5;
    c.train.threads = 1;
    return c;
}

} // namespace

void rawEquivalentThresholdHandValues() {
    using mor::train::rawEquivalentThreshold;
    // sigmoid(ln 9 / 2) = sigmoid(ln 3) = 3 / 4; sigmoid(2 ln 9) = 81 / 82
    QVERIFY(std::abs(rawEquivalentThreshold(0.9, 2.0) - 0.75) < 1e-12);
    QVERIFY(std::abs(rawEquivalentThreshold(0.9, 0.5) - 81.0 / 82.0) < 1e-12);
    QVERIFY(std::abs(rawEquivalentThreshold(0.95, 1.0) - 0.95) < 1e-12);
    QVERIFY(std::abs(rawEquivalentThreshold(0.5, 7.0) - 0.5) < 1e-12);
    // outside (0, 1) or no temperature: unchanged
    QCOMPARE(rawEquivalentThreshold(1.0, 2.0), 1.0);
    QCOMPARE(rawEquivalentThreshold(-1.0, 2.0), -1.0);
    QCOMPARE(rawEquivalentThreshold(0.9, 0.0), 0.9);
}

void answerFitMapsTheThreshold() {
    torch::manual_seed(1);
    auto config = answersTinyConfig();
    config.model.experts[0].haltThreshold = 0.9;
    config.model.experts[1].halting = mor::HaltingRule::PonderNet; // not critique-gated
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    auto model = mor::train::buildModel(config, data.dataset, torch::Device(torch::kCPU));
    mor::train::CritiqueCapture capture;
    capture.stepLogits.resize(2);
    capture.stepRight.resize(2);
    capture.answerLogits.resize(2);
    capture.answerRight.resize(2);
    // Expert 0: the answers carry the synthetic critic; its steps say something else (40 pairs
    // at z = 3, half right: their own fit is T = 100, the bound).
    answersSynthetic(&capture.answerLogits[0], &capture.answerRight[0]);
    for (int i = 0; i < 40; ++i) {
        capture.stepLogits[0].push_back(3.0);
        capture.stepRight[0].push_back(double(i % 2));
    }
    // Expert 1: 30 answers, all right (their fit would run to T = 0.01): the steps' fit instead.
    capture.answerLogits[1].assign(30, 2.0);
    capture.answerRight[1].assign(30, 1.0);
    answersSynthetic(&capture.stepLogits[1], &capture.stepRight[1]);
    const auto metrics = mor::train::calibrateCriticAnswers(model, capture, config.model);
    const auto t = model->criticTemperatures();
    QVERIFY2(std::abs(t[0] - kAnswersReferenceT) < 1e-3, std::to_string(t[0]).c_str());
    QVERIFY2(std::abs(t[1] - kAnswersReferenceT) < 1e-3, std::to_string(t[1]).c_str());
    // Halting stays where sigmoid(z) reaches 0.9: sigmoid(ln 9 / 2.462389) = 0.709368 (Python).
    const auto thresholds = model->haltThresholds();
    QVERIFY2(std::abs(thresholds[0] - 0.7093675) < 1e-3, std::to_string(thresholds[0]).c_str());
    QVERIFY(std::abs(thresholds[0] - mor::train::rawEquivalentThreshold(0.9, t[0])) < 1e-6);
    QCOMPARE(thresholds[1], -1.0);
    QCOMPARE(metrics.at("val/critic_temperature/0"), t[0]);
    QCOMPARE(metrics.at("val/critic_temperature/1"), t[1]);
    QCOMPARE(metrics.at("val/halt_threshold/0"), thresholds[0]);
    QVERIFY(!metrics.count("val/halt_threshold/1"));
    // Answers separable by sign z (20 right at z = 3, 20 wrong at z = -3): the fit runs to
    // T = 0.01; the bound 0.5 holds it, and the threshold is sigmoid(2 ln 9) = 81 / 82.
    capture.answerLogits[0].assign(20, 3.0);
    capture.answerLogits[0].insert(capture.answerLogits[0].end(), 20, -3.0);
    capture.answerRight[0].assign(20, 1.0);
    capture.answerRight[0].insert(capture.answerRight[0].end(), 20, 0.0);
    mor::train::calibrateCriticAnswers(model, capture, config.model);
    QVERIFY(std::abs(model->criticTemperatures()[0] - 0.5) < 1e-6);
    QVERIFY(std::abs(model->haltThresholds()[0] - 81.0 / 82.0) < 1e-6);
}

void mappedThresholdHaltsLikeRawCritic() {
    torch::manual_seed(3);
    auto config = answersTinyConfig(); // top_k 1: with 2 the critique also weights the fusion
    for (auto& e : config.model.experts) {
        e.maxDepth = 4;
    }
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, data.dataset, cpu);
    const auto tensors = mor::train::DataTensors::fromDataset(data.dataset, cpu);
    const auto& rows = data.dataset.test;
    // Every step's raw critique (a threshold above 1: nothing halts early); halt at their 80th
    // percentile (away from 0.5, where T would change nothing).
    model->setHaltThresholds({1.5, 1.5});
    mor::train::CritiqueCapture all;
    const auto full = mor::train::evaluate(model, tensors, rows, 64, "test", nullptr, &all);
    QCOMPARE(full.meanDepth, 4.0);
    std::vector<double> critiques;
    for (const auto& expert : all.stepLogits) {
        for (const double z : expert) {
            critiques.push_back(1.0 / (1.0 + std::exp(-z)));
        }
    }
    QVERIFY(critiques.size() > 100);
    // Midway in a gap: no critique lies within float32 rounding of it.
    std::sort(critiques.begin(), critiques.end());
    size_t k = critiques.size() * 4 / 5;
    while (k + 2 < critiques.size() && critiques[k + 1] - critiques[k] < 1e-4) {
        ++k;
    }
    const double tau = 0.5 * (critiques[k] + critiques[k + 1]);
    model->setHaltThresholds({tau, tau});
    const auto raw = mor::train::evaluate(model, tensors, rows, 64, "test");
    QVERIFY2(raw.meanDepth > 1.0 && raw.meanDepth < 4.0, std::to_string(raw.meanDepth).c_str());
    // T = 3 with the configured threshold halts elsewhere; with the mapped one, where T = 1 did.
    model->setCriticTemperatures({3.0, 3.0});
    const auto unmapped = mor::train::evaluate(model, tensors, rows, 64, "test");
    QVERIFY2(unmapped.meanDepth != raw.meanDepth,
             (std::to_string(tau) + " " + std::to_string(raw.meanDepth)).c_str());
    const double mapped = mor::train::rawEquivalentThreshold(tau, 3.0);
    model->setHaltThresholds({mapped, mapped});
    const auto same = mor::train::evaluate(model, tensors, rows, 64, "test");
    QCOMPARE(same.meanDepth, raw.meanDepth);
    QCOMPARE(same.accuracy, raw.accuracy);
}

void answerCheckpointKeepsTAndThreshold() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    const auto config = answersTinyConfig();
    const auto out = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(out.error.empty(), out.error.c_str());
    std::string error;
    auto reader = mor::LogReader::open(log);
    QVERIFY2(reader, reader.error().c_str());
    const auto last = reader->lastMetrics(out.runId);
    QVERIFY(last.count("test/ece"));
    const auto checkpoints = reader->checkpoints(out.runId);
    QVERIFY(!checkpoints.empty());
    const auto data = mor::loadDataset(config.data, config.train.seed);
    auto model = mor::train::buildModel(config, data.dataset, torch::Device(torch::kCPU));
    QVERIFY2(mor::train::loadCheckpoint(checkpoints.back().path, model, nullptr, &error),
             error.c_str());
    const auto t = model->criticTemperatures();
    const auto thresholds = model->haltThresholds();
    for (size_t j = 0; j < t.size(); ++j) {
        const std::string tKey = "val/critic_temperature/" + std::to_string(j);
        const std::string hKey = "val/halt_threshold/" + std::to_string(j);
        QVERIFY2(last.count(tKey) && last.count(hKey), tKey.c_str());
        QVERIFY(std::abs(t[j] - last.at(tKey)) < 1e-6);
        QVERIFY(std::abs(thresholds[j] - last.at(hKey)) < 1e-6);
        // the checkpoint's threshold is the configured 0.9 seen through its temperature
        QVERIFY(std::abs(thresholds[j] - mor::train::rawEquivalentThreshold(0.9, t[j])) < 1e-5);
    }
}

void validationMeasuresWhatTheCheckpointAnswers() {
    // model.calibration "temperature" with critique-gated halting: the validation result (the
    // best checkpoint's criterion, logged as val/accuracy) is what the model answers with the
    // temperature fitted in that evaluation, the one its checkpoint carries; not what it
    // answered with the previous fit, which the pass halted with.
    auto config = answersTinyConfig();
    config.model.calibration = mor::Calibration::Temperature;
    config.model.experts.resize(1);
    config.model.experts[0].maxDepth = 4;
    config.model.experts[0].haltThreshold = 0.7;
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    mor::train::ReflectionFamily family(config, data.dataset, torch::Device(torch::kCPU));
    auto& model = family.model();
    const auto& rows = family.dataset().validation;
    const int64_t batch = std::max<int64_t>(256, config.train.batchSize); // the family's
    // A critic that says "right" (logit about 2) on the untrained model's coin-flip drafts: the
    // previous fit, T = 0.01, halts every row at step 1; the fit on this pass (about half the
    // drafts right) flattens the critique below 0.7, so nothing halts before step 4.
    {
        torch::NoGradGuard noGrad;
        int biases = 0;
        for (auto& p : model->named_parameters()) {
            if (p.key().size() >= 12 && p.key().rfind("critic2.bias") == p.key().size() - 12) {
                p.value().fill_(2.0);
                ++biases;
            }
        }
        QCOMPARE(biases, 1);
    }
    model->setCriticTemperatures({0.01});
    const auto stale = mor::train::evaluate(model, family.data(), rows, batch, "validation");
    const auto result = family.evaluate(mor::engine::Split::Validation, false);
    const double fitted = model->criticTemperatures()[0];
    QVERIFY2(std::abs(fitted - 0.01) > 0.1, std::to_string(fitted).c_str());
    QCOMPARE(result.metrics.at("val/critic_temperature/0"), fitted);
    const auto own = mor::train::evaluate(model, family.data(), rows, batch, "validation");
    QCOMPARE(result.accuracy, own.accuracy);
    QCOMPARE(result.expertStepsPerInput, own.expertStepsPerInput);
    QCOMPARE(result.metrics.at("val/accuracy"), own.accuracy);
    QCOMPARE(result.metrics.at("val/expert_steps"), own.expertStepsPerInput);
    // Not vacuous: with the previous fit the same weights halt elsewhere.
    QVERIFY2(stale.expertStepsPerInput != own.expertStepsPerInput,
             std::to_string(own.expertStepsPerInput).c_str());
}

} // namespace calibration_answers_test
