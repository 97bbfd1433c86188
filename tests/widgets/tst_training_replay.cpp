// The training replay: a run written through mor::ExperimentLog with four evaluations is
// replayed evaluation by evaluation. At evaluation k the curves hold exactly the logged points
// up to step k, and the heatmap, the activation bars, the accuracy per step and the probe count
// are the log's values at step k.
#include "training/metricplots.h"
#include "training/trainingcontroller.h"
#include "training/trainingreplay.h"
#include "training/trainingview.h"

#include "common/routingheatmap.h"
#include "common/stepcursorbar.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

namespace {
constexpr int kExperts = 3;
constexpr int kDepth = 2;
constexpr int kSamples = 4;
const int64_t kEvalSteps[] = {10, 20, 30, 40};

double valAccuracy(int k) {
    return 0.4 + 0.1 * k;
}
double activation(int k, int e) {
    return 0.1 * (e + 1) + 0.05 * k;
}
double stepAccuracy(int k, int t) {
    return 0.3 + 0.1 * t + 0.02 * k;
}
float routingProb(int k, int sample, int e) {
    return 0.05f * float(k + 1) + 0.1f * float(e) + 0.01f * float(sample);
}
/// At evaluation k, the first k+1 probe inputs are answered right.
int probesRight(int k) {
    return std::min(k + 1, kSamples);
}
} // namespace

class TstTrainingReplay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void framesAreTheLoggedEvaluations();
    void evaluationKShowsTheLogsValuesUpToStepK_data();
    void evaluationKShowsTheLogsValuesUpToStepK();
    void lastEvaluationShowsTheWholeRun();
    void playStepsThroughEveryEvaluation();
    void stepButtonsMoveOneEvaluation();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<const mor::LogReader> m_reader;
    int64_t m_run = -1;
};

void TstTrainingReplay::initTestCase() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const std::string path = m_dir->filePath(QStringLiteral("log.sqlite")).toStdString();
    std::string error;
    auto log = mor::ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo info;
    info.name = "replay";
    m_run = log->createRun(info);
    QVERIFY(m_run >= 0);
    std::vector<mor::SampleInfo> samples;
    for (int s = 0; s < kSamples; ++s) {
        samples.push_back({s, "probe", s % 2, 0, "sample " + std::to_string(s), {}});
    }
    log->logSamples(m_run, samples);
    // train/loss every 5 steps, up to step 45 (after the last evaluation).
    for (int step = 5; step <= 45; step += 5) {
        log->logMetric(m_run, "train/loss", step, 2.0 / step);
    }
    for (int k = 0; k < 4; ++k) {
        const int64_t step = kEvalSteps[k];
        std::map<std::string, double> values{{"val/accuracy", valAccuracy(k)},
                                             {"val/mean_depth", 1.0 + 0.25 * k},
                                             {"val/conflict_rate", 0.1 * k}};
        for (int e = 0; e < kExperts; ++e) {
            values["val/activation/" + std::to_string(e)] = activation(k, e);
        }
        for (int t = 1; t <= kDepth; ++t) {
            values["val/accuracy_step/" + std::to_string(t)] = stepAccuracy(k, t);
        }
        log->logMetrics(m_run, step, values);
        std::vector<float> probs;
        std::vector<uint8_t> mask;
        for (int s = 0; s < kSamples; ++s) {
            for (int e = 0; e < kExperts; ++e) {
                probs.push_back(routingProb(k, s, e));
                mask.push_back(e == s % kExperts ? 1 : 0);
            }
        }
        log->logRouting(m_run, step, kSamples, kExperts, probs, mask, {0, 1, 2, 3});
        std::vector<mor::SampleTrace> traces;
        for (int s = 0; s < kSamples; ++s) {
            mor::SampleTrace t;
            t.sampleId = s;
            t.label = s % 2;
            t.correct = s < probesRight(k);
            t.finalPred = t.correct ? t.label : 1 - t.label;
            t.routerProbs = {0.5f, 0.3f, 0.2f};
            t.mask = {1, 0, 0};
            t.gates = {1.f, 0.f, 0.f};
            t.fusedProbs = {0.5f, 0.5f};
            mor::ExpertTrace e;
            e.expert = 0;
            e.haltStep = 1;
            e.pred = t.finalPred;
            e.steps.push_back({1, {0.5f, 0.5f}, 0.5f, 0.5f, t.finalPred, t.correct});
            t.experts.push_back(e);
            t.expertSteps = 1;
            traces.push_back(t);
        }
        log->logTraces(m_run, step, traces);
    }
    log->setStatus(m_run, "finished");
    log->flush();
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(m_reader, error.c_str());
}

void TstTrainingReplay::framesAreTheLoggedEvaluations() {
    const std::vector<training::EvaluationFrame> frames =
        training::readEvaluationFrames(*m_reader, m_run);
    QCOMPARE(int(frames.size()), 4);
    for (int k = 0; k < 4; ++k) {
        QCOMPARE(frames[size_t(k)].step, kEvalSteps[k]);
        QVERIFY(frames[size_t(k)].hasRouting);
        QVERIFY(frames[size_t(k)].hasTraces);
        QCOMPARE(frames[size_t(k)].activation.size(), kExperts);
        QCOMPARE(frames[size_t(k)].stepAccuracy.size(), kDepth);
        QCOMPARE(frames[size_t(k)].value("val/accuracy"), valAccuracy(k));
    }
}

void TstTrainingReplay::evaluationKShowsTheLogsValuesUpToStepK_data() {
    QTest::addColumn<int>("k");
    QTest::newRow("first evaluation") << 0;
    QTest::newRow("second evaluation") << 1;
    QTest::newRow("third evaluation") << 2;
}

void TstTrainingReplay::evaluationKShowsTheLogsValuesUpToStepK() {
    QFETCH(int, k);
    training::TrainingController controller;
    training::TrainingView view(&controller);
    view.setRun(m_reader, m_run);
    training::TrainingReplay* replay = view.replay();
    QCOMPARE(replay->frameCount(), 4);
    replay->setPosition(k);
    const int64_t step = kEvalSteps[k];
    QCOMPARE(replay->position(), k);
    QCOMPARE(replay->stepLimit(), step);
    QCOMPARE(view.plots()->stepLimit(), step);

    // Curves: exactly the logged points with step <= step_k.
    QVector<QPointF> expectedLoss;
    for (int s = 5; s <= step; s += 5) {
        expectedLoss << QPointF(s, 2.0 / s);
    }
    QCOMPARE(view.plots()->shownPoints(QStringLiteral("train/loss")), expectedLoss);
    QVector<QPointF> expectedAccuracy;
    for (int j = 0; j <= k; ++j) {
        expectedAccuracy << QPointF(double(kEvalSteps[j]), valAccuracy(j));
    }
    QCOMPARE(view.plots()->shownPoints(QStringLiteral("val/accuracy")), expectedAccuracy);

    // Evaluation panel: the values logged at step_k.
    const QVector<double> shownActivation = replay->shownActivation();
    QCOMPARE(shownActivation.size(), kExperts);
    for (int e = 0; e < kExperts; ++e) {
        QCOMPARE(shownActivation[e], activation(k, e));
    }
    const QVector<double> shownStep = replay->shownStepAccuracy();
    QCOMPARE(shownStep.size(), kDepth);
    for (int t = 1; t <= kDepth; ++t) {
        QCOMPARE(shownStep[t - 1], stepAccuracy(k, t));
    }
    common::RoutingHeatmap* heatmap = replay->heatmap();
    QCOMPARE(heatmap->snapshot().step, step);
    QCOMPARE(heatmap->rowCount(), kSamples);
    for (int row = 0; row < kSamples; ++row) {
        const int sample = int(heatmap->sampleIdAtRow(row));
        for (int e = 0; e < kExperts; ++e) {
            QCOMPARE(heatmap->valueAt(row, e), double(routingProb(k, sample, e)));
        }
    }
    QCOMPARE(replay->shownProbeCount(), kSamples);
    QCOMPARE(replay->shownProbesRight(), probesRight(k));
    QVERIFY2(replay->captionText().contains(QString::number(100 * valAccuracy(k), 'f', 1)),
             qPrintable(replay->captionText()));
}

void TstTrainingReplay::lastEvaluationShowsTheWholeRun() {
    training::TrainingController controller;
    training::TrainingView view(&controller);
    view.setRun(m_reader, m_run);
    // Opening a run shows its newest evaluation and every point (train/loss up to step 45).
    QCOMPARE(view.replay()->position(), 3);
    QCOMPARE(view.replay()->stepLimit(), qint64(-1));
    QCOMPARE(view.plots()->shownPoints(QStringLiteral("train/loss")).size(), 9);
    view.replay()->setPosition(1);
    QCOMPARE(view.plots()->shownPoints(QStringLiteral("train/loss")).size(), 4);
    view.replay()->setPosition(3);
    QCOMPARE(view.plots()->shownPoints(QStringLiteral("train/loss")).size(), 9);
    QCOMPARE(view.replay()->shownActivation()[0], activation(3, 0));
}

void TstTrainingReplay::playStepsThroughEveryEvaluation() {
    training::TrainingController controller;
    training::TrainingView view(&controller);
    view.setRun(m_reader, m_run);
    training::TrainingReplay* replay = view.replay();
    QList<qint64> limits;
    connect(replay, &training::TrainingReplay::stepLimitChanged, this,
            [&limits](qint64 step) { limits << step; });
    replay->setPlaying(true); // from the end: restarts at the first evaluation
    QVERIFY(replay->isPlaying());
    QCOMPARE(replay->position(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!replay->isPlaying(), 10000);
    QCOMPARE(replay->position(), 3);
    QCOMPARE(limits, (QList<qint64>{10, 20, 30, -1}));
}

void TstTrainingReplay::stepButtonsMoveOneEvaluation() {
    training::TrainingController controller;
    training::TrainingView view(&controller);
    view.setRun(m_reader, m_run);
    common::StepCursorBar* bar = view.replay()->bar();
    auto* back = bar->findChild<QPushButton*>(QStringLiteral("backButton"));
    auto* next = bar->findChild<QPushButton*>(QStringLiteral("nextButton"));
    QVERIFY(back && next);
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(view.replay()->position(), 2);
    QCOMPARE(view.plots()->stepLimit(), qint64(30));
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(view.replay()->position(), 1);
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(view.replay()->position(), 2);
    QCOMPARE(view.replay()->shownActivation()[2], activation(2, 2));
}

QTEST_MAIN(TstTrainingReplay)
#include "tst_training_replay.moc"
