// SPDX-License-Identifier: GPL-3.0-or-later
// engine::openFamily, the one way a logged run is opened for inference (traces, counterfactuals,
// serving, generation, export), once per model family: the checkpoint each choice picks (last,
// last at or before a step, best.pt, best-else-last), the weights it loads (equal to the file's),
// and the errors for a run without the checkpoint asked for. Each row trains its own tiny run.
#include "engine/checkpoint.h"
#include "engine/run.h"
#include "families/family_registry.h"

#include "mor/predictor.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace mor;

namespace {

/// A two-epoch run of each family, evaluated (and checkpointed) every 5 steps.
ExperimentConfig tinyRun(Family family) {
    const std::string common =
        R"("train": {"epochs": 2, "batch_size": 32, "threads": 1, "eval_every": 5, "seed": 3})";
    const std::string json =
        family == Family::Reflection
            ? R"({"name": "open reflection",
                  "data": {"kind": "parity", "length": 5, "samples": 400, "probe_size": 2},
                  "model": {"encoder": {"hidden": 8}, "router": {"hidden": 8, "top_k": 1},
                            "experts": [{"width": 8, "max_depth": 2}, {"width": 8, "max_depth": 2}]},
                  )" + common + "}"
            : R"({"name": "open recursion",
                  "data": {"kind": "addition", "digits": 2, "samples": 300, "probe_size": 2},
                  "model": {"family": "recursion",
                            "recursion": {"recursions": 2, "d_model": 8, "heads": 2, "ffn": 16}},
                  )" + common + "}";
    auto parsed = parseConfig(json);
    if (!parsed.ok()) {
        qFatal("fixture config: %s", parsed.message().c_str());
    }
    return parsed.config;
}

torch::Tensor flatWeights(engine::ModelFamily& family) {
    std::vector<torch::Tensor> flat;
    for (const auto& p : family.module().parameters()) {
        flat.push_back(p.detach().reshape(-1).clone());
    }
    return torch::cat(flat);
}

} // namespace

class TstOpenFamily : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setThreads(1); }
    void everyChoiceOpensItsCheckpoint_data();
    void everyChoiceOpensItsCheckpoint();
};

void TstOpenFamily::everyChoiceOpensItsCheckpoint_data() {
    QTest::addColumn<int>("family");
    QTest::newRow("reflection") << int(Family::Reflection);
    QTest::newRow("recursion") << int(Family::Recursion);
}

void TstOpenFamily::everyChoiceOpensItsCheckpoint() {
    QFETCH(int, family);
    const Family which = Family(family);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    const RunOutcome outcome = trainExperiment(tinyRun(which), options, nullptr);
    QCOMPARE(QString::fromStdString(outcome.status), QString("finished"));

    engine::StoredRun run;
    std::string error;
    QVERIFY2(engine::readRun(options.logPath, outcome.runId, &run, &error), error.c_str());
    QVERIFY(run.checkpoints.size() >= 3); // 2 epochs at every 5 steps, and the last one
    const auto& first = run.checkpoints.front();
    const auto& last = run.checkpoints.back();
    const int64_t bestStep = engine::CheckpointState::fromJson(last.metricsJson).bestStep;
    QVERIFY(bestStep > 0 && bestStep <= last.step);
    const torch::Device cpu(torch::kCPU);

    // Last: the last checkpoint; its weights are the file's, in evaluation mode.
    engine::OpenedFamily opened;
    QVERIFY2(engine::openFamily(run, {}, cpu, &opened, &error), error.c_str());
    QVERIFY(opened.family->family() == which);
    QCOMPARE(opened.checkpoint.step, last.step);
    QCOMPARE(opened.checkpoint.path, last.path);
    QVERIFY(!opened.family->module().is_training());
    auto reference = engine::makeFamily(run.config, cpu, &error);
    QVERIFY2(reference && engine::loadCheckpoint(last.path, *reference, nullptr, &error),
             error.c_str());
    QVERIFY(torch::equal(flatWeights(*opened.family), flatWeights(*reference)));

    // Last at or before a step between two checkpoints: the earlier one, other weights.
    engine::CheckpointChoice between;
    between.step = run.checkpoints[1].step - 1;
    engine::OpenedFamily earlier;
    QVERIFY2(engine::openFamily(run, between, cpu, &earlier, &error), error.c_str());
    QCOMPARE(earlier.checkpoint.step, first.step);
    QVERIFY(!torch::equal(flatWeights(*earlier.family), flatWeights(*opened.family)));

    // Best: best.pt, at the best validation step the last state records.
    engine::CheckpointChoice best;
    QVERIFY(engine::CheckpointChoice::parse("best", -1, &best, &error));
    engine::OpenedFamily atBest;
    QVERIFY2(engine::openFamily(run, best, cpu, &atBest, &error), error.c_str());
    QCOMPARE(atBest.checkpoint.path, engine::bestCheckpointOf(run.checkpoints));
    QCOMPARE(atBest.checkpoint.step, bestStep);

    // The serving front doors read the same checkpoints.
    PredictorOptions bestOptions;
    bestOptions.checkpoint = "best";
    if (which == Family::Recursion) {
        auto generator = SequenceGenerator::open(options.logPath, outcome.runId, bestOptions);
        QVERIFY2(generator.ok(), generator.error().c_str());
        QCOMPARE((*generator)->summary().checkpointStep, bestStep);
    } else {
        auto predictor = Predictor::open(options.logPath, outcome.runId, bestOptions);
        QVERIFY2(predictor.ok(), predictor.error().c_str());
    }

    // Without best.pt: Best is refused with the file named; BestElseLast takes the last.
    std::filesystem::remove(atBest.checkpoint.path);
    engine::OpenedFamily none;
    QVERIFY(!engine::openFamily(run, best, cpu, &none, &error));
    QVERIFY2(error.find("has no best checkpoint (") != std::string::npos, error.c_str());
    engine::CheckpointChoice fallback;
    fallback.kind = engine::CheckpointChoice::Kind::BestElseLast;
    engine::OpenedFamily fellBack;
    QVERIFY2(engine::openFamily(run, fallback, cpu, &fellBack, &error), error.c_str());
    QCOMPARE(fellBack.checkpoint.path, last.path);
    QVERIFY(torch::equal(flatWeights(*fellBack.family), flatWeights(*opened.family)));

    // Before the first checkpoint there is nothing to open, and the message says so.
    engine::CheckpointChoice tooEarly;
    tooEarly.step = first.step - 1;
    QVERIFY(!engine::openFamily(run, tooEarly, cpu, &none, &error));
    QCOMPARE(QString::fromStdString(error),
             QString("run %1 has no checkpoint at or before step %2")
                 .arg(outcome.runId)
                 .arg(first.step - 1));
    QVERIFY(!engine::CheckpointChoice::parse("newest", -1, &best, &error));
    QCOMPARE(QString::fromStdString(error),
             QString("checkpoint must be \"last\" or \"best\", not \"newest\""));
}

QTEST_GUILESS_MAIN(TstOpenFamily)
#include "tst_open_family.moc"
