// SPDX-License-Identifier: GPL-3.0-or-later
// The test split is evaluated on the best validation's weights whether or not the run keeps a
// log (issue 20, session 16: without a log the session used to test its final weights, so the
// same config gave other test metrics with a log than without). The session keeps those
// weights in memory; with a log they equal best.pt's. Once per model family; every test builds
// its own tiny fixture.
#include "engine/checkpoint.h"
#include "engine/model_family.h"
#include "engine_fixtures.h"
#include "families/family_registry.h"

#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace mor;

class TstBestWeights : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void testMetricsDoNotDependOnTheLog_data() { engine_fixtures::addFamilyRows(); }
    void testMetricsDoNotDependOnTheLog();
};

void TstBestWeights::testMetricsDoNotDependOnTheLog() {
    QFETCH(QString, json);
    const auto config = engine_fixtures::configOf(json);
    QTemporaryDir dir;
    RunOptions logged;
    logged.logPath = dir.filePath("log.sqlite").toStdString();
    const auto withLog = trainExperiment(config, logged, nullptr);
    QVERIFY2(withLog.status == "finished", withLog.error.c_str());
    const auto withoutLog = trainExperiment(config, RunOptions{}, nullptr);
    QVERIFY2(withoutLog.status == "finished", withoutLog.error.c_str());

    // The step of the highest validation accuracy (the first of equals), from the log.
    auto reader = LogReader::open(logged.logPath);
    QVERIFY2(reader, reader.error().c_str());
    const auto val = reader->metric(withLog.runId, "val/accuracy");
    QVERIFY(val.size() >= 3);
    int64_t bestStep = -1;
    double bestAccuracy = -1.0;
    for (const auto& point : val) {
        if (point.value > bestAccuracy) {
            bestAccuracy = point.value;
            bestStep = point.step;
        }
    }
    // The fixture is one where the best validation is not the last one, so the tested weights
    // are not the final ones: the case where the two used to differ.
    QVERIFY2(bestStep < withLog.steps, "the fixture's best validation is its last step");
    QCOMPARE(withLog.testStep, bestStep);
    QCOMPARE(withoutLog.testStep, bestStep);
    QCOMPARE(withoutLog.steps, withLog.steps);
    QVERIFY(withoutLog.testCheckpoint.empty()); // no file holds them without a log
    const std::string best = engine::checkpointDirFor(logged.logPath, withLog.runId) + "/best.pt";
    QCOMPARE(withLog.testCheckpoint, best);
    QCOMPARE(withoutLog.test.loss, withLog.test.loss);
    QCOMPARE(withoutLog.test.accuracy, withLog.test.accuracy);
    QCOMPARE(withoutLog.test.meanDepth, withLog.test.meanDepth);

    // Those are best.pt's weights, read back from disk; the final weights answer otherwise.
    std::string error;
    const torch::Device cpu(torch::kCPU);
    auto fromBest = engine::makeFamily(config, cpu, &error);
    QVERIFY2(fromBest, error.c_str());
    QVERIFY2(engine::loadCheckpoint(best, *fromBest, nullptr, &error), error.c_str());
    fromBest->setTraining(false);
    const auto again = fromBest->evaluate(engine::Split::Test, false);
    QCOMPARE(again.loss, withoutLog.test.loss);
    const auto checkpoints = reader->checkpoints(withLog.runId);
    QVERIFY(!checkpoints.empty());
    QCOMPARE(checkpoints.back().step, withLog.steps);
    auto fromLast = engine::makeFamily(config, cpu, &error);
    QVERIFY2(fromLast, error.c_str());
    QVERIFY2(engine::loadCheckpoint(checkpoints.back().path, *fromLast, nullptr, &error),
             error.c_str());
    fromLast->setTraining(false);
    const auto last = fromLast->evaluate(engine::Split::Test, false);
    QVERIFY2(last.loss != withoutLog.test.loss, "the final weights gave the same test loss");
}

QTEST_GUILESS_MAIN(TstBestWeights)
#include "tst_best_weights.moc"
