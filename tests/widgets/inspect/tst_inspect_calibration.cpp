// The calibration page of the stepper (issue 19): the critique's reliability per reflection
// step (built from traces, the evaluator's binning), ECE per step and over training as logged,
// and a second run overlaid. The fixture runs have no checkpoint, so the diagrams come from
// the logged probe traces.
#include "inspectfixture.h"

#include "inspect/calibrationview.h"
#include "inspect/reflectionstepperview.h"

#include <mor/calibration_log.h>
#include <mor/experiment_log.h>
#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QTemporaryDir>
#include <QtTest>

namespace {

mor::StepTrace step(int t, float critique, bool correct) {
    mor::StepTrace s;
    s.iteration = t;
    s.critique = critique;
    s.correct = correct;
    s.pred = correct ? 1 : 0;
    return s;
}

/// Two evaluations' calibration metrics (val) and a test one that must not be read as val.
void logCalibration(const std::string& path, int64_t run, double scale) {
    std::string error;
    auto log = mor::ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    for (int i = 0; i < 2; ++i) {
        const int64_t at = 100 * (i + 1);
        std::map<std::string, double> m;
        m["val/ece"] = scale * (0.2 - 0.1 * i);
        m["val/ece/step/1"] = scale * (0.3 - 0.05 * i);
        m["val/ece/step/2"] = scale * (0.2 - 0.05 * i);
        m["val/ece/step/x"] = 9.0; // not a step: ignored
        for (int b = 0; b < 10; ++b) {
            const std::string bin = "val/reliability/" + std::to_string(b) + "/";
            m[bin + "count"] = double(b + i);
            m[bin + "confidence"] = 0.1 * b + 0.05;
            m[bin + "accuracy"] = 0.1 * b;
        }
        m["test/ece"] = 0.9;
        log->logMetrics(run, at, m);
    }
    log->flush();
}

} // namespace

class TstInspectCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void reliabilityPerStepBinsLikeTheEvaluator();
    void readsTheLoggedCalibrationHistory();
    void viewShowsTheRunsCalibrationAndAnOverlay();
    void stepperHasTheCalibrationPage();

private:
    QTemporaryDir m_dir;
    std::string m_path;
    int64_t m_runA = -1, m_runB = -1;
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectCalibration::initTestCase() {
    m_path = m_dir.filePath("calibration.sqlite").toStdString();
    std::string error;
    inspect_test::FixtureOptions a;
    a.maxDepth = 3;
    m_runA = inspect_test::writeFixtureRun(m_path, a, &error).runId;
    QVERIFY2(m_runA >= 0, error.c_str());
    inspect_test::FixtureOptions b = a;
    b.seed = 11;
    m_runB = inspect_test::writeFixtureRun(m_path, b, &error).runId;
    QVERIFY2(m_runB >= 0, error.c_str());
    logCalibration(m_path, m_runA, 1.0);
    logCalibration(m_path, m_runB, 0.5);
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_path).value());
    QVERIFY2(m_reader, error.c_str());
}

void TstInspectCalibration::reliabilityPerStepBinsLikeTheEvaluator() {
    mor::SampleTrace first, second;
    mor::ExpertTrace e0, e1, e2;
    e0.steps = {step(1, 0.95f, true), step(2, 1.0f, true)};
    e1.steps = {step(1, 0.15f, false)};
    e2.steps = {step(1, 0.92f, false), step(2, 0.35f, false)};
    first.experts = {e0, e1};
    second.experts = {e2};
    const auto tables = mor::reliabilityPerStep({first, second}, 10);
    QCOMPARE(tables.size(), size_t(2));
    // t = 1: 0.95 (right) and 0.92 (wrong) in bin 9, 0.15 (wrong) in bin 1.
    const auto& t1 = tables[0];
    QCOMPARE(t1.size(), size_t(10));
    QCOMPARE(t1[9].count, int64_t(2));
    QVERIFY(std::abs(t1[9].meanConfidence - 0.935) < 1e-6);
    QCOMPARE(t1[9].accuracy, 0.5);
    QCOMPARE(t1[1].count, int64_t(1));
    QCOMPARE(t1[1].accuracy, 0.0);
    QCOMPARE(t1[0].count, int64_t(0));
    QCOMPARE(t1[1].lo, 0.1);
    QVERIFY(std::abs(mor::expectedCalibrationError(t1) - (2 * 0.435 + 0.15) / 3) < 1e-6);
    // t = 2: a critique of exactly 1 falls into the last bin.
    const auto& t2 = tables[1];
    QCOMPARE(t2[9].count, int64_t(1));
    QCOMPARE(t2[9].accuracy, 1.0);
    QCOMPARE(t2[3].count, int64_t(1));
    QVERIFY(std::abs(mor::expectedCalibrationError(t2) - 0.175) < 1e-6);
    QCOMPARE(mor::expectedCalibrationError({}), 0.0);
}

void TstInspectCalibration::readsTheLoggedCalibrationHistory() {
    const auto history = mor::readCalibration(*m_reader, m_runA, "val");
    QCOMPARE(history.size(), size_t(2));
    QCOMPARE(history[0].step, int64_t(100));
    QCOMPARE(history[1].step, int64_t(200));
    QVERIFY(std::abs(history[0].ece - 0.2) < 1e-12);
    QVERIFY(std::abs(history[1].ece - 0.1) < 1e-12);
    QCOMPARE(history[1].ecePerStep.size(), size_t(2));
    QVERIFY(std::abs(history[1].ecePerStep[0] - 0.25) < 1e-12);
    QVERIFY(std::abs(history[1].ecePerStep[1] - 0.15) < 1e-12);
    QCOMPARE(history[1].reliability.size(), size_t(10));
    QCOMPARE(history[1].reliability[4].count, int64_t(5));
    QVERIFY(std::abs(history[1].reliability[4].meanConfidence - 0.45) < 1e-12);
    QVERIFY(std::abs(history[1].reliability[4].accuracy - 0.4) < 1e-12);
    QVERIFY(std::abs(history[1].reliability[4].lo - 0.4) < 1e-12);
    const auto test = mor::readCalibration(*m_reader, m_runA, "test");
    QCOMPARE(test.size(), size_t(2));
    QCOMPARE(test[0].ece, 0.9);
    QVERIFY(test[0].ecePerStep.empty());
}

void TstInspectCalibration::viewShowsTheRunsCalibrationAndAnOverlay() {
    inspect::CalibrationView view;
    view.resize(1200, 700);
    view.setRun(m_reader, m_runA);
    QVERIFY(!view.isBusy()); // no checkpoint: nothing to re-run
    const auto& a = view.runData(0);
    QCOMPARE(a.runId, qint64(m_runA));
    QVERIFY(!a.fromCheckpoint);
    QVERIFY(!a.traceError.isEmpty());
    const int64_t last = m_reader->traceSteps(m_runA).back();
    const auto expected = mor::reliabilityPerStep(m_reader->traces(m_runA, last));
    QCOMPARE(a.perStep.size(), expected.size());
    QVERIFY(!expected.empty());
    for (size_t t = 0; t < expected.size(); ++t) {
        for (size_t b = 0; b < expected[t].size(); ++b) {
            QCOMPARE(a.perStep[t][b].count, expected[t][b].count);
            QCOMPARE(a.perStep[t][b].accuracy, expected[t][b].accuracy);
        }
    }
    // The diagram of step 1: one point per non-empty bin, at (mean critique, accuracy).
    view.setShownStep(1);
    QCustomPlot* plot = view.reliabilityPlot();
    QCOMPARE(plot->graphCount(), 1);
    int nonEmpty = 0;
    for (const auto& bin : expected[0]) {
        nonEmpty += bin.count > 0 ? 1 : 0;
    }
    QCOMPARE(plot->graph(0)->dataCount(), nonEmpty);
    const auto point = plot->graph(0)->data()->begin();
    bool found = false;
    for (const auto& bin : expected[0]) {
        found = found || (bin.count > 0 && std::abs(bin.meanConfidence - point->key) < 1e-9 &&
                          std::abs(bin.accuracy - point->value) < 1e-9);
    }
    QVERIFY(found);
    // ECE per step: the last logged validation values.
    auto* bars = qobject_cast<QCPBars*>(view.ecePerStepPlot()->plottable(0));
    QVERIFY(bars);
    QCOMPARE(bars->dataCount(), 2);
    QVERIFY(std::abs(bars->data()->at(0)->value - 0.25) < 1e-12);
    QVERIFY(std::abs(bars->data()->at(1)->value - 0.15) < 1e-12);
    // ECE over training: the answer critique and t = 1, 2, two evaluations each.
    QCOMPARE(view.eceHistoryPlot()->graphCount(), 3);
    QCOMPARE(view.eceHistoryPlot()->graph(0)->dataCount(), 2);
    // The answer critique's logged table is a choice of the diagram.
    view.setShownStep(0);
    QCOMPARE(plot->graph(0)->dataCount(), 10);

    // Overlay run B: dashed, its own values.
    view.setOverlayRun(m_runB);
    QCOMPARE(view.runData(1).runId, qint64(m_runB));
    QCOMPARE(view.eceHistoryPlot()->graphCount(), 6);
    QCOMPARE(view.eceHistoryPlot()->graph(3)->pen().style(), Qt::DashLine);
    QVERIFY(std::abs(view.eceHistoryPlot()->graph(3)->data()->at(1)->value - 0.05) < 1e-12);
    QCOMPARE(view.reliabilityPlot()->graphCount(), 2);
    auto* barsB = qobject_cast<QCPBars*>(view.ecePerStepPlot()->plottable(1));
    QVERIFY(barsB);
    QVERIFY(std::abs(barsB->data()->at(0)->value - 0.125) < 1e-12);
    auto* overlay = view.findChild<QComboBox*>("calibrationOverlayCombo");
    QCOMPARE(overlay->currentData().toLongLong(), qlonglong(m_runB));
    view.setOverlayRun(-1);
    QCOMPARE(view.runData(1).runId, qint64(-1));
    QCOMPARE(view.eceHistoryPlot()->graphCount(), 3);
}

void TstInspectCalibration::stepperHasTheCalibrationPage() {
    inspect::ReflectionStepperView stepper;
    stepper.setRun(m_reader, m_runB);
    QVERIFY(stepper.calibrationView());
    QCOMPARE(stepper.calibrationView()->runData(0).runId, qint64(m_runB));
    stepper.setRun(nullptr, -1);
    QCOMPARE(stepper.calibrationView()->runData(0).runId, qint64(-1));
}

QTEST_MAIN(TstInspectCalibration)
#include "tst_inspect_calibration.moc"
