// mor::Predictor against the training pipeline: same scaling, same answers as Run::trace and
// Run::evaluate, batched or not, with or without traces.
#include "serve_fixture.h"

#include "mor/predictor.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TstPredictor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rawRowsScaleToTheTrainingFeatures();
    void summaryDescribesTheRun();
    void predictionsMatchTraceCheckpoint();
    void testAccuracyMatchesEvaluateRun();
    void batchedAndSingleInputsAgree();
    void tracePathAgreesWithFastPath();
    void everyStrategyAnswersAloneAsInABatch_data();
    void everyStrategyAnswersAloneAsInABatch();
    void scaledInputsSkipScaling();
    void wrongRowSizeIsAnErrorNamingTheInput();
    void bestCheckpointLoads();
    void unknownRunIsAnError();

private:
    std::vector<mor::PredictInput> rawInputs(const std::vector<int64_t>& ids) const;
    QTemporaryDir m_dir;
    serve_test::Fixture m_fixture;
    std::unique_ptr<mor::Predictor> m_predictor;
};

void TstPredictor::initTestCase() {
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    QVERIFY(m_dir.isValid());
    m_fixture = serve_test::makeFixture(m_dir.path().toStdString());
    QVERIFY2(m_fixture.error.empty(), m_fixture.error.c_str());
    auto opened = mor::Predictor::open(m_fixture.logPath, m_fixture.runId);
    QVERIFY2(opened, opened.error().c_str());
    m_predictor = std::move(opened).value();
}

std::vector<mor::PredictInput> TstPredictor::rawInputs(const std::vector<int64_t>& ids) const {
    std::vector<mor::PredictInput> inputs;
    for (int64_t id : ids) {
        mor::PredictInput in;
        in.features = serve_test::rawRow(m_fixture, id);
        inputs.push_back(in);
    }
    return inputs;
}

void TstPredictor::rawRowsScaleToTheTrainingFeatures() {
    const auto& d = m_fixture.dataset;
    for (int64_t i = 0; i < d.size(); i += 7) {
        const auto scaled = m_predictor->scale(serve_test::rawRow(m_fixture, i));
        QCOMPARE(int64_t(scaled.size()), d.numFeatures);
        for (int64_t k = 0; k < d.numFeatures; ++k) {
            QCOMPARE(scaled[size_t(k)], d.row(i)[k]); // bit-identical to loadDataset
        }
    }
}

void TstPredictor::summaryDescribesTheRun() {
    const auto& s = m_predictor->summary();
    QCOMPARE(s.runId, m_fixture.runId);
    QCOMPARE(s.numFeatures, int64_t(4));
    QCOMPARE(s.numClasses, int64_t(3));
    QCOMPARE(s.numExperts, int64_t(3));
    QCOMPARE(s.scaling, std::string("standardise"));
    QCOMPARE(s.classNames, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
    QCOMPARE(s.featureNames, (std::vector<std::string>{"alpha", "beta", "gamma", "delta"}));
    QVERIFY(s.checkpointStep > 0);
    QVERIFY(s.parameters > 0);
}

void TstPredictor::predictionsMatchTraceCheckpoint() {
    const auto& ids = m_fixture.dataset.test;
    QVERIFY(ids.size() >= 30);
    std::string error;
    const auto traced = mor::Run::open(m_fixture.logPath, m_fixture.runId).andThen(
        [&](const mor::Run& run) { return run.trace(-1, ids); });
    QVERIFY2(traced && traced->size() == ids.size(), traced.error().c_str());
    const auto& traces = traced.value();
    const auto predictions = m_predictor->predict(rawInputs(ids), &error);
    QVERIFY2(predictions.size() == ids.size(), error.c_str());
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto& p = predictions[i];
        const auto& t = traces[i];
        QCOMPARE(p.answer, t.finalPred);
        QCOMPARE(p.className, m_fixture.dataset.classNames[size_t(t.finalPred)]);
        QCOMPARE(p.probs.size(), t.fusedProbs.size());
        for (size_t k = 0; k < p.probs.size(); ++k) {
            QVERIFY2(std::fabs(p.probs[k] - t.fusedProbs[k]) <= 1e-5f,
                     qPrintable(QString("input %1 class %2: %3 vs %4")
                                    .arg(i)
                                    .arg(k)
                                    .arg(p.probs[k])
                                    .arg(t.fusedProbs[k])));
        }
        QCOMPARE(p.confidence, p.probs[size_t(p.answer)]);
        QCOMPARE(p.expertSteps, t.expertSteps);
        QCOMPARE(p.experts.size(), t.experts.size());
        for (size_t e = 0; e < p.experts.size(); ++e) {
            QCOMPARE(p.experts[e], t.experts[e].expert);
            QCOMPARE(p.depth[e], int(t.experts[e].steps.size()));
        }
    }
}

void TstPredictor::testAccuracyMatchesEvaluateRun() {
    std::string error;
    const auto evaluated = mor::Run::open(m_fixture.logPath, m_fixture.runId).andThen(
        [](const mor::Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    const auto& outcome = evaluated.value();
    const auto& ids = m_fixture.dataset.test;
    const auto predictions = m_predictor->predict(rawInputs(ids), &error);
    QCOMPARE(predictions.size(), ids.size());
    int64_t correct = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        correct += predictions[i].answer == m_fixture.dataset.labels[size_t(ids[i])] ? 1 : 0;
    }
    QCOMPARE(double(correct) / double(ids.size()), outcome.test.accuracy);
    QVERIFY(outcome.test.accuracy > 0.5); // the blobs are separable: the fixture learned
}

void TstPredictor::batchedAndSingleInputsAgree() {
    const std::vector<int64_t> ids{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::string error;
    const auto batch = m_predictor->predict(rawInputs(ids), &error);
    QCOMPARE(batch.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto one = m_predictor->predict(rawInputs({ids[i]}), &error);
        QCOMPARE(one.size(), size_t(1));
        QCOMPARE(one[0].answer, batch[i].answer);
        QCOMPARE(one[0].experts, batch[i].experts);
        QCOMPARE(one[0].depth, batch[i].depth);
        for (size_t k = 0; k < one[0].probs.size(); ++k) {
            QVERIFY(std::fabs(one[0].probs[k] - batch[i].probs[k]) <= 1e-5f);
        }
    }
}

void TstPredictor::everyStrategyAnswersAloneAsInABatch_data() {
    QTest::addColumn<QString>("strategy");
    for (const char* s : {"expert_choice", "random", "threshold", "top_p", "shared_routed"}) {
        QTest::newRow(s) << QString(s);
    }
}

// #17: an input's answer does not depend on its batch, for every routing strategy: one by one,
// all together (as `mor serve` batches concurrent requests), and as `mor eval` counts it.
void TstPredictor::everyStrategyAnswersAloneAsInABatch() {
    QFETCH(QString, strategy);
    QTemporaryDir dir;
    const auto fixture = serve_test::makeFixture(dir.path().toStdString(), strategy.toStdString());
    QVERIFY2(fixture.error.empty(), fixture.error.c_str());
    std::string error;
    // `mor eval` measures the checkpoint training measured test/* on (the best one).
    const auto evaluated = mor::Run::open(fixture.logPath, fixture.runId).andThen(
        [](const mor::Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    const auto& outcome = evaluated.value();
    mor::PredictorOptions options;
    const std::string best = "best.pt";
    const std::string& used = outcome.testCheckpoint;
    options.checkpoint = used.size() >= best.size() &&
                                 used.compare(used.size() - best.size(), best.size(), best) == 0
                             ? "best"
                             : "last";
    auto opened = mor::Predictor::open(fixture.logPath, fixture.runId, options);
    QVERIFY2(opened, opened.error().c_str());
    const auto& predictor = opened.value();
    const auto& ids = fixture.dataset.test;
    std::vector<mor::PredictInput> rows;
    for (int64_t id : ids) {
        mor::PredictInput in;
        in.features = serve_test::rawRow(fixture, id);
        rows.push_back(in);
    }
    const auto together = predictor->predict(rows, &error);
    QCOMPARE(together.size(), ids.size());
    int64_t correct = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto one = predictor->predict({rows[i]}, &error);
        QCOMPARE(one.size(), size_t(1));
        QCOMPARE(one[0].answer, together[i].answer);
        QCOMPARE(one[0].experts, together[i].experts);
        for (size_t k = 0; k < one[0].probs.size(); ++k) {
            QVERIFY(std::fabs(one[0].probs[k] - together[i].probs[k]) <= 1e-5f);
        }
        correct += together[i].answer == fixture.dataset.labels[size_t(ids[i])] ? 1 : 0;
    }
    QCOMPARE(double(correct) / double(ids.size()), outcome.test.accuracy);
}

void TstPredictor::tracePathAgreesWithFastPath() {
    const std::vector<int64_t> ids{10, 11, 12, 13};
    auto inputs = rawInputs(ids);
    std::string error;
    const auto fast = m_predictor->predict(inputs, &error);
    inputs[1].trace = true;
    const auto traced = m_predictor->predict(inputs, &error);
    QCOMPARE(traced.size(), fast.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        QCOMPARE(traced[i].hasTrace, i == 1);
        QCOMPARE(traced[i].answer, fast[i].answer);
        QCOMPARE(traced[i].experts, fast[i].experts);
        QCOMPARE(traced[i].depth, fast[i].depth);
        QCOMPARE(traced[i].conflict, fast[i].conflict);
        for (size_t k = 0; k < fast[i].probs.size(); ++k) {
            QVERIFY(std::fabs(traced[i].probs[k] - fast[i].probs[k]) <= 1e-5f);
        }
    }
    const auto& t = traced[1].trace;
    QCOMPARE(t.finalPred, traced[1].answer);
    QCOMPARE(int64_t(t.routerProbs.size()), int64_t(3));
    QVERIFY(!t.experts.empty());
    QVERIFY(!t.experts.front().steps.empty());
}

void TstPredictor::scaledInputsSkipScaling() {
    const int64_t id = m_fixture.dataset.test.front();
    mor::PredictInput scaled;
    scaled.scaled = true;
    const float* row = m_fixture.dataset.row(id);
    scaled.features.assign(row, row + m_fixture.dataset.numFeatures);
    std::string error;
    const auto a = m_predictor->predict({scaled}, &error);
    const auto b = m_predictor->predict(rawInputs({id}), &error);
    QCOMPARE(a.size(), size_t(1));
    QCOMPARE(b.size(), size_t(1));
    QCOMPARE(a[0].probs, b[0].probs);
}

void TstPredictor::wrongRowSizeIsAnErrorNamingTheInput() {
    auto inputs = rawInputs({0, 1});
    inputs[1].features.pop_back();
    std::string error;
    QVERIFY(m_predictor->predict(inputs, &error).empty());
    QCOMPARE(error, std::string("input 1 has 3 features; the model expects 4"));
}

void TstPredictor::bestCheckpointLoads() {
    mor::PredictorOptions options;
    options.checkpoint = "best";
    std::string error;
    auto opened = mor::Predictor::open(m_fixture.logPath, m_fixture.runId, options);
    QVERIFY2(opened, opened.error().c_str());
    const auto& best = opened.value();
    QVERIFY(best->summary().checkpointStep > 0);
    QVERIFY(best->summary().checkpointPath.find("best.pt") != std::string::npos);
    QCOMPARE(best->predict(rawInputs({0}), &error).size(), size_t(1));
}

void TstPredictor::unknownRunIsAnError() {
    const auto opened = mor::Predictor::open(m_fixture.logPath, 999);
    QVERIFY(!opened);
    QVERIFY2(opened.error().find("run 999 is not in") != std::string::npos,
             opened.error().c_str());
}

QTEST_GUILESS_MAIN(TstPredictor)
#include "tst_predictor.moc"
