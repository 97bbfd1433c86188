// Held-out calibration of the critique (temperature scaling), the ECE and reliability table,
// routing shares per class and domain, and checkpoints from before calibration existed.
#include "tst_calibration_answers.h"

#include "train/calibration.h"
#include "train/checkpoint.h"
#include "train/evaluator.h"
#include "train/training_session.h"

#include "mor/dataset.h"
#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <numeric>

namespace {

/// splitmix64 uniforms in [0, 1): the same stream in the Python reference below.
struct SplitMix {
    uint64_t state;
    double uniform() {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return double(z >> 11) * (1.0 / 9007199254740992.0);
    }
};

/// 20000 logits z ~ U(-8, 8) with labels drawn with P(right) = sigmoid(z / 2.5), seed 17.
void syntheticCritic(std::vector<double>* z, std::vector<double>* right) {
    SplitMix rng{17};
    for (int i = 0; i < 20000; ++i) {
        const double zi = -8.0 + 16.0 * rng.uniform();
        const double p = 1.0 / (1.0 + std::exp(-zi / 2.5));
        z->push_back(zi);
        right->push_back(rng.uniform() < p ? 1.0 : 0.0);
    }
}

// Python reference (torch 1.13, float64): the same splitmix64 stream, then
//   logT = zeros(1, requires_grad); LBFGS([logT], line_search_fn="strong_wolfe") on
//   binary_cross_entropy_with_logits(z / exp(logT), y)
// gives T = 2.462389, NLL 0.44656745 (10029 of 20000 labels are 1; z[0] = 0.032339037).
constexpr double kReferenceTemperature = 2.462389;

mor::ExperimentConfig calibrationConfig(const std::string& kind) {
    mor::ExperimentConfig c;
    c.name = "tiny";
    if (!mor::parseChoice(kind, mor::dataKindNames(), &c.data.kind)) {
        qFatal("calibrationConfig: unknown data kind %s", kind.c_str());
    }
    c.data.length = 6;
    c.data.samples = 600;
    c.data.probeSize = 8;
    if (kind == "mixed") {
        c.data.domains = {"parity", "majority"};
    }
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

/// torch::nn::Module::save without the buffers named `skip` (default critic_temperature): a
/// checkpoint written before held-out calibration (or threshold tuning) existed.
void saveWithoutTemperature(const torch::nn::Module& module,
                            torch::serialize::OutputArchive& archive,
                            const std::string& skip = "critic_temperature") {
    for (const auto& p : module.named_parameters(false)) {
        archive.write(p.key(), p.value());
    }
    for (const auto& b : module.named_buffers(false)) {
        if (b.key() != skip) {
            archive.write(b.key(), b.value(), true);
        }
    }
    for (const auto& child : module.named_children()) {
        torch::serialize::OutputArchive childArchive(archive.compilation_unit());
        saveWithoutTemperature(*child.value(), childArchive, skip);
        archive.write(child.key(), childArchive);
    }
}

} // namespace

namespace cat = calibration_answers_test;

class TstCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fittedTemperatureMatchesGeneratingOneAndPythonReference();
    void tooFewPairsKeepTemperatureOne();
    void calibrateCriticsSetsTheModelsTemperatures();
    void eceMatchesHandComputedValue_data();
    void eceMatchesHandComputedValue();
    void reliabilityTableHasTenBinsWithMeans();
    void scalarsFlattenCalibrationAndRoutingTables();
    void evaluationReportsRoutingSharesPerClassAndDomain_data();
    void evaluationReportsRoutingSharesPerClassAndDomain();
    void evaluationReportsCritiqueEceWhenTheModelGivesLogits();
    void expertChoiceReportsRoutingAgreement();
    void checkpointKeepsTemperatures();
    void checkpointWithoutTemperatureLoadsWithTemperatureOne();
    void checkpointMissingAParameterFails();
    void trainingLogsTemperaturesAndBestCheckpointCarriesThem();
    void tunedThresholdIsTheLowestThatLosesNoRightAnswer_data();
    void tunedThresholdIsTheLowestThatLosesNoRightAnswer();
    void tunedThresholdsGoToCritiqueExpertsAndTheCheckpoint();
    void evaluationHaltsAtTheTunedThreshold();
    void rawEquivalentThresholdHandValues() { cat::rawEquivalentThresholdHandValues(); }
    void answerFitMapsTheThreshold() { cat::answerFitMapsTheThreshold(); }
    void mappedThresholdHaltsLikeRawCritic() { cat::mappedThresholdHaltsLikeRawCritic(); }
    void answerCheckpointKeepsTAndThreshold() { cat::answerCheckpointKeepsTAndThreshold(); }
    void validationMeasuresWhatTheCheckpointAnswers() {
        cat::validationMeasuresWhatTheCheckpointAnswers();
    }
};

void TstCalibration::fittedTemperatureMatchesGeneratingOneAndPythonReference() {
    std::vector<double> z, right;
    syntheticCritic(&z, &right);
    QCOMPARE(int(std::lround(std::accumulate(right.begin(), right.end(), 0.0))), 10029);
    QVERIFY(std::abs(z[0] - 0.032339037) < 1e-8);
    const double t = mor::train::fitTemperature(z, right);
    QVERIFY2(std::abs(t - 2.5) < 0.1, std::to_string(t).c_str());
    QVERIFY2(std::abs(t - kReferenceTemperature) < 1e-3, std::to_string(t).c_str());
    QVERIFY(std::abs(mor::train::temperatureNll(z, right, t) - 0.44656745) < 1e-6);
    // the optimum: both neighbours are worse
    QVERIFY(mor::train::temperatureNll(z, right, t * 1.01) > mor::train::temperatureNll(z, right, t));
    QVERIFY(mor::train::temperatureNll(z, right, t / 1.01) > mor::train::temperatureNll(z, right, t));
}

void TstCalibration::tooFewPairsKeepTemperatureOne() {
    QCOMPARE(mor::train::fitTemperature({2.0, -1.0, 3.0}, {1.0, 0.0, 0.0}), 1.0);
    QCOMPARE(mor::train::fitTemperature({}, {}), 1.0);
}

void TstCalibration::calibrateCriticsSetsTheModelsTemperatures() {
    torch::manual_seed(1);
    auto config = calibrationConfig("parity");
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    auto model = mor::train::buildModel(config, data.dataset, torch::Device(torch::kCPU));
    mor::train::CritiqueCapture capture;
    capture.stepLogits.resize(2);
    capture.stepRight.resize(2);
    syntheticCritic(&capture.stepLogits[0], &capture.stepRight[0]);
    capture.stepLogits[1] = {1.0, 2.0}; // too few pairs: expert 1 keeps its temperature
    capture.stepRight[1] = {1.0, 0.0};
    model->setCriticTemperatures({1.0, 1.7});
    const auto metrics = mor::train::calibrateCritics(model, capture);
    const auto t = model->criticTemperatures();
    QCOMPARE(t.size(), size_t(2));
    QVERIFY(std::abs(t[0] - kReferenceTemperature) < 1e-3);
    QVERIFY(std::abs(t[1] - 1.7) < 1e-6);
    QCOMPARE(metrics.at("val/critic_temperature/0"), t[0]);
    QCOMPARE(metrics.at("val/critic_temperature/1"), t[1]);
}

void TstCalibration::eceMatchesHandComputedValue_data() {
    QTest::addColumn<std::vector<double>>("confidence");
    QTest::addColumn<std::vector<double>>("right");
    QTest::addColumn<double>("ece");
    // bins [0, .1): 1 at .05, acc 0 -> .05; [.1, .2): 2 at .15, acc .5 -> .35;
    // [.9, 1]: 4 at .95, acc .75 -> .2; ECE = (1 * .05 + 2 * .35 + 4 * .2) / 7
    QTest::newRow("three bins") << std::vector<double>{0.05, 0.15, 0.15, 0.95, 0.95, 0.95, 0.95}
                                << std::vector<double>{0, 1, 0, 1, 1, 1, 0} << 1.55 / 7.0;
    QTest::newRow("calibrated") << std::vector<double>{0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75}
                                << std::vector<double>{1, 0, 0, 0, 1, 1, 1, 0} << 0.0;
    // confidence 1 belongs to the last bin: (.9 + 1) / 2 = .95 against accuracy .5
    QTest::newRow("confidence one") << std::vector<double>{1.0, 0.9} << std::vector<double>{1, 0}
                                    << 0.45;
    QTest::newRow("empty") << std::vector<double>{} << std::vector<double>{} << 0.0;
}

void TstCalibration::eceMatchesHandComputedValue() {
    QFETCH(std::vector<double>, confidence);
    QFETCH(std::vector<double>, right);
    QFETCH(double, ece);
    mor::train::ReliabilityAccumulator acc;
    for (size_t i = 0; i < confidence.size(); ++i) {
        acc.add(confidence[i], right[i]);
    }
    QVERIFY2(std::abs(acc.ece() - ece) < 1e-12, std::to_string(acc.ece()).c_str());
    QCOMPARE(acc.count(), int64_t(confidence.size()));
}

void TstCalibration::reliabilityTableHasTenBinsWithMeans() {
    mor::train::ReliabilityAccumulator acc;
    for (double c : {0.05, 0.15, 0.17, 0.95}) {
        acc.add(c, c > 0.16 ? 1.0 : 0.0);
    }
    acc.add(std::nan(""), 1.0); // a step that did not run is no sample
    const auto table = acc.table();
    QCOMPARE(table.size(), size_t(10));
    QCOMPARE(table[1].lo, 0.1);
    QCOMPARE(table[1].hi, 0.2);
    QCOMPARE(table[1].count, int64_t(2));
    QVERIFY(std::abs(table[1].meanConfidence - 0.16) < 1e-12);
    QCOMPARE(table[1].accuracy, 0.5);
    QCOMPARE(table[5].count, int64_t(0));
    QCOMPARE(table[9].count, int64_t(1));
    QCOMPARE(acc.count(), int64_t(4));
}

void TstCalibration::scalarsFlattenCalibrationAndRoutingTables() {
    mor::EvalResult r;
    r.ecePerStep = {0.3, 0.1};
    r.critiqueEce = 0.04;
    r.reliability.resize(10);
    r.reliability[9].count = 7;
    r.reliability[9].meanConfidence = 0.97;
    r.reliability[9].accuracy = 0.9;
    r.routingAgreement = 0.875;
    r.routingByDomain = {{0.9, 0.1}, {0.2, 0.8}};
    r.routingByClass = {{1.0, 0.0}};
    const auto m = r.scalars("test");
    QCOMPARE(m.at("test/ece"), 0.04);
    QCOMPARE(m.at("test/ece/step/2"), 0.1);
    QCOMPARE(m.at("test/reliability/9/count"), 7.0);
    QCOMPARE(m.at("test/reliability/9/confidence"), 0.97);
    QCOMPARE(m.at("test/reliability/9/accuracy"), 0.9);
    QCOMPARE(m.at("test/routing_agreement"), 0.875);
    QCOMPARE(m.at("test/routing_domain/1/0"), 0.2);
    QCOMPARE(m.at("test/routing_class/0/0"), 1.0);
    // nothing measured, nothing logged
    const auto empty = mor::EvalResult{}.scalars("val");
    QVERIFY(!empty.count("val/ece"));
    QVERIFY(!empty.count("val/routing_agreement"));
}

void TstCalibration::evaluationReportsRoutingSharesPerClassAndDomain_data() {
    QTest::addColumn<QString>("kind");
    QTest::newRow("parity (classes)") << "parity";
    QTest::newRow("mixed (domains)") << "mixed";
}

void TstCalibration::evaluationReportsRoutingSharesPerClassAndDomain() {
    QFETCH(QString, kind);
    torch::manual_seed(3);
    auto config = calibrationConfig(kind.toStdString());
    config.model.router.topK = 1;
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    const auto& ds = data.dataset;
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, ds, cpu);
    const auto tensors = mor::train::DataTensors::fromDataset(ds, cpu);
    const auto r = mor::train::evaluate(model, tensors, ds.test, 64, "test");

    // the same shares by hand from one forward pass over the whole split
    model->eval();
    torch::NoGradGuard noGrad;
    const auto b = tensors.batch(ds.test);
    const auto mask = model->forward(b.x, b.y, b.domain).mask.to(torch::kFloat64);
    const auto check = [&](const std::vector<std::vector<double>>& table,
                           const torch::Tensor& group, int64_t groups) {
        QCOMPARE(int64_t(table.size()), groups);
        for (int64_t g = 0; g < groups; ++g) {
            const auto rows = group.eq(g);
            const double n = rows.sum().item<double>();
            QCOMPARE(table[size_t(g)].size(), size_t(2));
            double total = 0;
            for (int64_t e = 0; e < 2; ++e) {
                const double expected =
                    n > 0 ? mask.select(1, e).masked_select(rows).sum().item<double>() / n : 0.0;
                QVERIFY(std::abs(table[size_t(g)][size_t(e)] - expected) < 1e-9);
                total += table[size_t(g)][size_t(e)];
            }
            QVERIFY(n == 0 || std::abs(total - 1.0) < 1e-9); // top-1: one expert per input
        }
    };
    check(r.routingByClass, b.y, ds.numClasses);
    if (kind == "mixed") {
        check(r.routingByDomain, b.domain, 2);
    } else {
        QVERIFY(r.routingByDomain.empty());
    }
    QCOMPARE(r.routingAgreement, -1.0); // top_k has no batch-dependent selection
}

void TstCalibration::evaluationReportsCritiqueEceWhenTheModelGivesLogits() {
    torch::manual_seed(5);
    auto config = calibrationConfig("parity");
    const auto data = mor::loadDataset(config.data, 1);
    const auto& ds = data.dataset;
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, ds, cpu);
    const auto tensors = mor::train::DataTensors::fromDataset(ds, cpu);
    mor::train::CritiqueCapture capture;
    const auto r = mor::train::evaluate(model, tensors, ds.test, 64, "test", nullptr, &capture);
    model->eval();
    torch::NoGradGuard noGrad;
    const auto b = tensors.batch(ds.test);
    const auto out = model->forward(b.x, b.y, b.domain);
    if (!out.criticLogits.defined()) {
        QSKIP("the model does not give criticLogits yet (eval-mode ForwardOutput)");
    }
    // one answer per (input, selected expert); every step that ran in the step pairs
    int64_t answers = 0;
    for (const auto& bin : r.reliability) {
        answers += bin.count;
    }
    QCOMPARE(answers, out.mask.sum().item<int64_t>());
    QCOMPARE(r.reliability.size(), size_t(10));
    QCOMPARE(int64_t(r.ecePerStep.size()), out.criticLogits.size(0));
    int64_t pairs = 0, answerPairs = 0;
    for (size_t e = 0; e < capture.stepLogits.size(); ++e) {
        pairs += int64_t(capture.stepLogits[e].size());
        answerPairs += int64_t(capture.answerLogits[e].size());
    }
    QCOMPARE(pairs, torch::isfinite(out.stepCorrect).sum().item<int64_t>());
    QCOMPARE(answerPairs, answers);
    // the answer ECE by hand from the capture with the model's temperatures
    const auto t = model->criticTemperatures();
    mor::train::ReliabilityAccumulator acc;
    for (size_t e = 0; e < capture.answerLogits.size(); ++e) {
        for (size_t i = 0; i < capture.answerLogits[e].size(); ++i) {
            acc.add(1.0 / (1.0 + std::exp(-capture.answerLogits[e][i] / t[e])),
                    capture.answerRight[e][i]);
        }
    }
    QVERIFY(std::abs(acc.ece() - r.critiqueEce) < 1e-9);
    QVERIFY(r.critiqueEce >= 0.0 && r.critiqueEce <= 1.0);
}

void TstCalibration::expertChoiceReportsRoutingAgreement() {
    torch::manual_seed(7);
    auto config = calibrationConfig("parity");
    config.model.router.strategy = mor::RoutingStrategy::ExpertChoice;
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    const auto& ds = data.dataset;
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, ds, cpu);
    const auto tensors = mor::train::DataTensors::fromDataset(ds, cpu);
    const int64_t batch = 32;
    const auto r = mor::train::evaluate(model, tensors, ds.test, batch, "test");
    // by hand over the same batches: rows whose per-input selection equals the batch's one
    model->eval();
    torch::NoGradGuard noGrad;
    double agreeing = 0;
    bool defined = false;
    for (size_t start = 0; start < ds.test.size(); start += size_t(batch)) {
        const size_t end = std::min(ds.test.size(), start + size_t(batch));
        const auto b = tensors.batch(
            std::vector<int64_t>(ds.test.begin() + long(start), ds.test.begin() + long(end)));
        const auto out = model->forward(b.x, b.y, b.domain);
        if (!out.batchMask.defined()) {
            break;
        }
        defined = true;
        agreeing += out.mask.eq(out.batchMask).all(1).sum().item<double>();
    }
    if (!defined) {
        QSKIP("the model does not give batchMask for expert_choice yet");
    }
    QVERIFY(r.routingAgreement >= 0.0 && r.routingAgreement <= 1.0);
    QVERIFY(std::abs(r.routingAgreement - agreeing / double(ds.test.size())) < 1e-12);
    QVERIFY(r.scalars("test").count("test/routing_agreement"));
}

void TstCalibration::checkpointKeepsTemperatures() {
    QTemporaryDir dir;
    auto config = calibrationConfig("parity");
    const auto data = mor::loadDataset(config.data, 1);
    const torch::Device cpu(torch::kCPU);
    auto a = mor::train::buildModel(config, data.dataset, cpu);
    a->setCriticTemperatures({2.5, 0.75});
    const std::string path = dir.filePath("a.pt").toStdString();
    std::string error;
    QVERIFY2(mor::train::saveCheckpoint(path, a, nullptr, &error), error.c_str());
    auto b = mor::train::buildModel(config, data.dataset, cpu);
    QVERIFY2(mor::train::loadCheckpoint(path, b, nullptr, &error), error.c_str());
    QCOMPARE(b->criticTemperatures(), (std::vector<double>{2.5, 0.75}));
}

void TstCalibration::checkpointWithoutTemperatureLoadsWithTemperatureOne() {
    QTemporaryDir dir;
    auto config = calibrationConfig("parity");
    const auto data = mor::loadDataset(config.data, 1);
    const torch::Device cpu(torch::kCPU);
    torch::manual_seed(1);
    auto old = mor::train::buildModel(config, data.dataset, cpu);
    old->setCriticTemperatures({3.0, 3.0}); // not written
    torch::serialize::OutputArchive archive;
    saveWithoutTemperature(*old, archive);
    const std::string path = dir.filePath("old.pt").toStdString();
    archive.save_to(path);

    torch::manual_seed(2); // different initial weights
    auto loaded = mor::train::buildModel(config, data.dataset, cpu);
    std::string error;
    QVERIFY2(mor::train::loadCheckpoint(path, loaded, nullptr, &error), error.c_str());
    QCOMPARE(loaded->criticTemperatures(), (std::vector<double>{1.0, 1.0}));
    const auto want = old->named_parameters();
    const auto got = loaded->named_parameters();
    QCOMPARE(got.size(), want.size());
    for (const auto& p : want) {
        QVERIFY2(torch::equal(p.value(), got[p.key()]), p.key().c_str());
    }
}

void TstCalibration::checkpointMissingAParameterFails() {
    QTemporaryDir dir;
    auto config = calibrationConfig("parity");
    const auto data = mor::loadDataset(config.data, 1);
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, data.dataset, cpu);
    torch::serialize::OutputArchive archive; // an empty archive: nothing to load
    const std::string path = dir.filePath("empty.pt").toStdString();
    archive.save_to(path);
    std::string error;
    QVERIFY(!mor::train::loadCheckpoint(path, model, nullptr, &error));
    QVERIFY2(error.find("cannot read checkpoint") != std::string::npos, error.c_str());
}

void TstCalibration::trainingLogsTemperaturesAndBestCheckpointCarriesThem() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    auto config = calibrationConfig("parity");
    const auto out = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(out.error.empty(), out.error.c_str());
    std::string error;
    auto reader = mor::LogReader::open(log);
    QVERIFY2(reader, reader.error().c_str());
    const auto last = reader->lastMetrics(out.runId);
    for (const char* key : {"test/routing_class/0/0", "test/routing_class/1/1"}) {
        QVERIFY2(last.count(key), key);
    }
    if (!out.test.reliability.empty()) { // the model gives critic logits
        QVERIFY(last.count("val/critic_temperature/0"));
        QVERIFY(last.count("test/ece"));
        QVERIFY(last.count("test/reliability/9/count"));
        // best.pt holds the temperatures fitted at the best evaluation
        const auto checkpoints = reader->checkpoints(out.runId);
        QVERIFY(!checkpoints.empty());
        const auto dirPath = std::filesystem::path(checkpoints.back().path).parent_path();
        const auto data = mor::loadDataset(config.data, config.train.seed);
        auto model = mor::train::buildModel(config, data.dataset, torch::Device(torch::kCPU));
        QVERIFY2(mor::train::loadCheckpoint(checkpoints.back().path, model, nullptr, &error),
                 error.c_str());
        const auto t = model->criticTemperatures();
        bool fitted = false;
        for (size_t j = 0; j < t.size(); ++j) {
            const std::string key = "val/critic_temperature/" + std::to_string(j);
            QVERIFY2(last.count(key), key.c_str());
            QVERIFY(std::abs(t[j] - last.at(key)) < 1e-6);
            fitted = fitted || t[j] != 1.0;
        }
        QVERIFY(fitted);
        QVERIFY(std::filesystem::exists(dirPath / "best.pt"));
    }
}

namespace {
double logit(double c) { return std::log(c / (1.0 - c)); }
} // namespace

void TstCalibration::tunedThresholdIsTheLowestThatLosesNoRightAnswer_data() {
    // Pairs as CritiqueCapture holds them: critiques c_t (stored as logits z_t = logit(c_t),
    // T = 1), right_t, and each pair's step count. The answers of the pass are the pairs'
    // last steps. Expected thresholds worked out by hand on the grid 0, 0.01, ..., 0.95.
    QTest::addColumn<std::vector<double>>("critiques");
    QTest::addColumn<std::vector<double>>("right");
    QTest::addColumn<std::vector<int64_t>>("steps");
    QTest::addColumn<double>("expected");
    // A: c = .5 wrong, then .9 right; B: one step .8 right; C: .7 right, .953 right.
    // The pass: 3 right. tau <= .50 stops A at its wrong first draft (2 right); tau = .51
    // lets A go on and still stops C after one step: 3 right.
    QTest::newRow("first step of A wrong") << std::vector<double>{.5, .9, .8, .7, .953}
                                          << std::vector<double>{0, 1, 1, 1, 1}
                                          << std::vector<int64_t>{2, 1, 2} << 0.51;
    // Later steps never help: halting at the first step loses nothing, tau = 0.
    QTest::newRow("first draft always right") << std::vector<double>{.3, .3, .3, .6, .6}
                                             << std::vector<double>{1, 1, 1, 1, 1}
                                             << std::vector<int64_t>{3, 2} << 0.0;
    // Only the third draft is right, critiques .2, .4, .6: tau in (.4, .6] reaches it.
    QTest::newRow("right only at step 3") << std::vector<double>{.2, .4, .6}
                                         << std::vector<double>{0, 0, 1}
                                         << std::vector<int64_t>{3} << 0.41;
    // D: .3 right, .6 wrong, .9 right. tau in (.6, .9] keeps D right; tau in (.3, .6] stops
    // at the wrong .6; tau <= .3 stops at the right .3 again. The walk down stops at .60 and
    // keeps .61: a lower tau that passes again below a failing one is not taken.
    QTest::newRow("passes again below a failure") << std::vector<double>{.3, .6, .9}
                                                 << std::vector<double>{1, 0, 1}
                                                 << std::vector<int64_t>{3} << 0.61;
    // The pass was wrong everywhere: any tau keeps "no fewer right", so the lowest, 0.
    QTest::newRow("chance answers") << std::vector<double>{.45, .55, .5, .52}
                                    << std::vector<double>{1, 0, 0, 0}
                                    << std::vector<int64_t>{2, 2} << 0.0;
}

void TstCalibration::tunedThresholdIsTheLowestThatLosesNoRightAnswer() {
    QFETCH(std::vector<double>, critiques);
    QFETCH(std::vector<double>, right);
    QFETCH(std::vector<int64_t>, steps);
    QFETCH(double, expected);
    std::vector<double> z;
    for (const double c : critiques) {
        z.push_back(logit(c));
    }
    const double tau = mor::train::tuneHaltThreshold(z, right, steps, 1.0, 0.95);
    QVERIFY2(std::abs(tau - expected) < 1e-9, std::to_string(tau).c_str());
    // The temperature divides the logits: T = 2 with logits doubled is the same critique.
    for (double& v : z) {
        v *= 2.0;
    }
    QVERIFY(std::abs(mor::train::tuneHaltThreshold(z, right, steps, 2.0, 0.95) - expected) < 1e-9);
    // A layout that does not add up (more steps than logits) keeps the configured threshold.
    auto tooMany = steps;
    tooMany.back() += 1;
    QCOMPARE(mor::train::tuneHaltThreshold(z, right, tooMany, 2.0, 0.95), 0.95);
}

void TstCalibration::tunedThresholdsGoToCritiqueExpertsAndTheCheckpoint() {
    QTemporaryDir dir;
    torch::manual_seed(1);
    auto config = calibrationConfig("parity");
    config.model.calibration = mor::Calibration::TemperatureThreshold;
    config.model.experts[1].halting = mor::HaltingRule::PonderNet; // not critique-gated: not tuned
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    const torch::Device cpu(torch::kCPU);
    auto model = mor::train::buildModel(config, data.dataset, cpu);
    QCOMPARE(model->haltThresholds(), (std::vector<double>{-1.0, -1.0}));
    mor::train::CritiqueCapture capture;
    capture.stepLogits = {{logit(.2), logit(.4), logit(.6)}, {0.0}};
    capture.stepRight = {{0, 0, 1}, {1}};
    capture.rowSteps = {{3}, {1}};
    const auto metrics = mor::train::tuneHaltThresholds(model, capture, config.model);
    const auto tuned = model->haltThresholds();
    QVERIFY(std::abs(tuned[0] - 0.41) < 1e-6); // float32 buffer
    QCOMPARE(tuned[1], -1.0);
    QCOMPARE(metrics.size(), size_t(1));
    QCOMPARE(metrics.at("val/halt_threshold/0"), tuned[0]);
    // The checkpoint carries them; one written before tuning existed loads as "not tuned".
    const std::string path = dir.filePath("tuned.pt").toStdString();
    std::string error;
    QVERIFY2(mor::train::saveCheckpoint(path, model, nullptr, &error), error.c_str());
    auto loaded = mor::train::buildModel(config, data.dataset, cpu);
    QVERIFY2(mor::train::loadCheckpoint(path, loaded, nullptr, &error), error.c_str());
    QCOMPARE(loaded->haltThresholds(), tuned);
    const std::string old = dir.filePath("old.pt").toStdString();
    {
        torch::serialize::OutputArchive archive;
        saveWithoutTemperature(*model, archive, "halt_threshold");
        archive.save_to(old);
    }
    auto fromOld = mor::train::buildModel(config, data.dataset, cpu);
    QVERIFY2(mor::train::loadCheckpoint(old, fromOld, nullptr, &error), error.c_str());
    QCOMPARE(fromOld->haltThresholds(), (std::vector<double>{-1.0, -1.0}));
    QCOMPARE(fromOld->criticTemperatures(), model->criticTemperatures());
}

void TstCalibration::evaluationHaltsAtTheTunedThreshold() {
    torch::manual_seed(3);
    auto config = calibrationConfig("parity");
    config.model.router.topK = 2;
    for (auto& e : config.model.experts) {
        e.maxDepth = 4;
        e.haltThreshold = 0.999999; // configured: (almost) never reached by an untrained critic
    }
    const auto data = mor::loadDataset(config.data, 1);
    QVERIFY2(data.ok(), data.error.c_str());
    auto model = mor::train::buildModel(config, data.dataset, torch::Device(torch::kCPU));
    const auto tensors = mor::train::DataTensors::fromDataset(data.dataset, torch::Device(torch::kCPU));
    model->eval();
    const auto configured =
        mor::train::evaluate(model, tensors, data.dataset.test, 64, "test");
    QVERIFY2(configured.meanDepth > 3.9, std::to_string(configured.meanDepth).c_str());
    // A tuned threshold that every critique reaches: each expert stops after its first draft.
    model->setHaltThresholds({1e-6, 1e-6});
    const auto tuned = mor::train::evaluate(model, tensors, data.dataset.test, 64, "test");
    QCOMPARE(tuned.meanDepth, 1.0);
    // Training passes ignore it and halt at the configured threshold.
    model->train();
    QVERIFY(model->haltThresholds()[0] > 0.0);
}

QTEST_GUILESS_MAIN(TstCalibration)
#include "tst_calibration.moc"
