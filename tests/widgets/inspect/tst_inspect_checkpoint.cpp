// The stepper on an input that is not in the probe set: it re-runs the run's checkpoint on it
// (off the GUI thread) and shows what core's Run::trace returns for that input.
#include "inspect/reflectionstepperview.h"

#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

class TstInspectCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nonProbeInputIsTracedFromTheCheckpoint();
};

void TstInspectCheckpoint::nonProbeInputIsTracedFromTheCheckpoint() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::ExperimentConfig c;
    c.data.kind = mor::DataKind::Parity;
    c.data.length = 6;
    c.data.samples = 300;
    c.data.probeSize = 4;
    c.model.encoder.hidden = 16;
    c.model.router.hidden = 16;
    c.model.experts.assign(2, mor::ExpertConfig{});
    for (auto& e : c.model.experts) {
        e.width = 16;
        e.maxDepth = 3;
    }
    c.train.epochs = 1;
    c.train.batchSize = 32;
    c.train.threads = 1;
    mor::RunOptions options;
    options.logPath = log;
    const auto out = mor::trainExperiment(c, options, nullptr);
    QCOMPARE(out.status, std::string("finished"));

    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(log).value());
    QVERIFY(reader);
    const int64_t step = reader->traceSteps(out.runId).back();
    // A validation input that is not a probe input has no logged trace.
    int64_t sample = -1;
    for (const auto& s : reader->samples(out.runId)) {
        if (s.split != "probe") {
            sample = s.sampleId;
            break;
        }
    }
    QVERIFY(sample >= 0);
    QVERIFY(!reader->trace(out.runId, step, sample).has_value());

    inspect::ReflectionStepperView view;
    view.resize(1200, 800);
    view.setRun(reader, out.runId);
    view.showSample(step, sample, false);
    QTRY_VERIFY_WITH_TIMEOUT(view.stepCount() > 0, 20000);
    QCOMPARE(view.currentSampleId(), sample);
    const auto expected = mor::Run::open(log, out.runId).andThen(
        [&](const mor::Run& run) { return run.trace(step, {sample}); });
    QVERIFY2(expected, expected.error().c_str());
    QCOMPARE(expected->size(), size_t(1));
    int deepest = 0;
    for (const auto& e : expected->front().experts) {
        deepest = std::max(deepest, int(e.steps.size()));
    }
    QCOMPARE(view.stepCount(), deepest + 1); // iterations + the integration
}

QTEST_MAIN(TstInspectCheckpoint)
#include "tst_inspect_checkpoint.moc"
