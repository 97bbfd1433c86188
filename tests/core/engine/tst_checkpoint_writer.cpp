// SPDX-License-Identifier: GPL-3.0-or-later
// engine::CheckpointWriter (issue 20): checkpoints written on a background thread hold the
// weights and optimizer state of the moment they were queued (the training goes on meanwhile),
// equal to a synchronous save; a write that fails is not announced; and a training returns
// with every checkpoint of its log complete and readable, resumable at once. Every test builds
// its own tiny fixture.
#include "compat/torch_compat.h"
#include "engine/checkpoint.h"
#include "engine/model_family.h"
#include "engine_fixtures.h"
#include "families/family_registry.h"

#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>

using namespace mor;

namespace ckw {

/// The engine tests' reflection fixture (engine_fixtures.h).
ExperimentConfig config() {
    return engine_fixtures::configOf(QString::fromUtf8(engine_fixtures::kReflection));
}

std::unique_ptr<engine::ModelFamily> family() {
    std::string error;
    auto f = engine::makeFamily(config(), torch::Device(torch::kCPU), &error);
    if (!f) {
        qFatal("family: %s", error.c_str());
    }
    return f;
}

/// One optimizer step on the first batch of epoch 0.
void trainStep(engine::ModelFamily& f, torch::optim::Optimizer& optimizer) {
    f.setTraining(true);
    const auto order = f.epochOrder(0);
    const std::vector<int64_t> rows(order.begin(), order.begin() + 32);
    optimizer.zero_grad();
    f.forward(rows).total.backward();
    optimizer.step();
}

torch::optim::AdamW adamw(engine::ModelFamily& f) {
    return torch::optim::AdamW(f.module().parameters(), torch::optim::AdamWOptions(0.01));
}

/// Every parameter and buffer of `a` equals the one of the same name in `b`.
bool sameWeights(torch::nn::Module& a, torch::nn::Module& b) {
    const auto pb = b.named_parameters();
    const auto bb = b.named_buffers();
    for (const auto& p : a.named_parameters()) {
        if (!torch::equal(p.value(), pb[p.key()])) {
            return false;
        }
    }
    for (const auto& x : a.named_buffers()) {
        if (!torch::equal(x.value(), bb[x.key()])) {
            return false;
        }
    }
    return a.named_parameters().size() == pb.size() && a.named_buffers().size() == bb.size();
}

/// AdamW's state of every parameter of `a` equals that of the same parameter of `b`.
bool sameAdamState(torch::optim::AdamW& a, torch::nn::Module& ma, torch::optim::AdamW& b,
                   torch::nn::Module& mb) {
    const auto pa = ma.parameters(), pb = mb.parameters();
    int compared = 0;
    for (size_t i = 0; i < pa.size(); ++i) {
        // The state's key type differs by LibTorch version (text in 1.13, the TensorImpl*
        // in 2.x): the compat header makes either.
        using Keys = std::decay_t<decltype(a.state())>;
        const auto ka = mor::compat::optimizerStateKey<Keys>(pa[i]);
        const auto kb = mor::compat::optimizerStateKey<Keys>(pb[i]);
        if (a.state().count(ka) != b.state().count(kb)) {
            return false;
        }
        if (!a.state().count(ka)) {
            continue;
        }
        const auto& sa = static_cast<const torch::optim::AdamWParamState&>(*a.state().at(ka));
        const auto& sb = static_cast<const torch::optim::AdamWParamState&>(*b.state().at(kb));
        if (sa.step() != sb.step() || !torch::equal(sa.exp_avg(), sb.exp_avg()) ||
            !torch::equal(sa.exp_avg_sq(), sb.exp_avg_sq())) {
            return false;
        }
        ++compared;
    }
    return compared > 0;
}

/// The whole file as bytes ("" when missing).
std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace ckw

class TstCheckpointWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setThreads(1); }
    void writesTheStateOfTheMomentItWasQueued();
    void waitForReturnsWithItsFileComplete();
    void aFailedWriteIsNotAnnounced();
    void trainingReturnsWithItsCheckpointsComplete();
    void bestIsTheStepCheckpointItWasWrittenWith();
};

void TstCheckpointWriter::writesTheStateOfTheMomentItWasQueued() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    auto live = ckw::family();
    auto optimizer = ckw::adamw(*live);
    ckw::trainStep(*live, optimizer);
    std::string error;
    QVERIFY2(engine::saveCheckpoint(root + "/sync/step-1.pt", *live, &optimizer, &error),
             error.c_str());

    engine::CheckpointWriter writer;
    int calls = 0;
    engine::CheckpointWriter::Written announced;
    const std::string path = root + "/async/step-1.pt", best = root + "/async/best.pt";
    QVERIFY2(writer.save(path, best, *live, &optimizer,
                         [&](const engine::CheckpointWriter::Written& w) {
                             ++calls;
                             announced = w;
                         },
                         &error),
             error.c_str());
    // the training goes on while the checkpoint is written
    ckw::trainStep(*live, optimizer);
    ckw::trainStep(*live, optimizer);
    const auto written = writer.wait();
    QCOMPARE(written.size(), size_t(1));
    QCOMPARE(calls, 1);
    QCOMPARE(announced.path, path);
    QCOMPARE(announced.bestPath, best);
    QVERIFY(announced.ok && announced.bestOk);
    QVERIFY2(announced.error.empty(), announced.error.c_str());
    QVERIFY(writer.wait().empty()); // reported once
    for (const auto& p : std::filesystem::directory_iterator(root + "/async")) {
        QVERIFY2(p.path().extension() != ".tmp", p.path().c_str());
    }

    // what was written equals a synchronous save of the same moment, not the live state
    auto sync = ckw::family(), async = ckw::family(), bestRead = ckw::family();
    auto syncOptimizer = ckw::adamw(*sync), asyncOptimizer = ckw::adamw(*async);
    QVERIFY2(engine::loadCheckpoint(root + "/sync/step-1.pt", *sync, &syncOptimizer, &error),
             error.c_str());
    QVERIFY2(engine::loadCheckpoint(path, *async, &asyncOptimizer, &error), error.c_str());
    QVERIFY2(engine::loadCheckpoint(best, *bestRead, nullptr, &error), error.c_str());
    QVERIFY(ckw::sameWeights(sync->module(), async->module()));
    QVERIFY(ckw::sameWeights(sync->module(), bestRead->module()));
    QVERIFY(!ckw::sameWeights(sync->module(), live->module())); // the live weights moved on
    QVERIFY(ckw::sameAdamState(syncOptimizer, sync->module(), asyncOptimizer, async->module()));
    QVERIFY(!std::filesystem::exists(best + ".optim")); // best.pt: weights only
}

void TstCheckpointWriter::waitForReturnsWithItsFileComplete() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString();
    auto live = ckw::family();
    auto optimizer = ckw::adamw(*live);
    ckw::trainStep(*live, optimizer);
    std::string error;
    QVERIFY2(engine::saveCheckpoint(root + "/sync.pt", *live, nullptr, &error), error.c_str());
    engine::CheckpointWriter writer;
    QVERIFY(writer.save(root + "/step-1.pt", root + "/best.pt", *live, &optimizer, nullptr,
                        &error));
    ckw::trainStep(*live, optimizer);
    QVERIFY(writer.save(root + "/step-2.pt", "", *live, &optimizer, nullptr, &error));
    writer.waitFor(root + "/best.pt"); // step-2.pt may still be being written
    auto read = ckw::family(), sync = ckw::family();
    QVERIFY2(engine::loadCheckpoint(root + "/best.pt", *read, nullptr, &error), error.c_str());
    QVERIFY2(engine::loadCheckpoint(root + "/sync.pt", *sync, nullptr, &error), error.c_str());
    QVERIFY(ckw::sameWeights(read->module(), sync->module()));
    const auto written = writer.wait();
    QCOMPARE(written.size(), size_t(2));
    QCOMPARE(written[0].bestPath, root + "/best.pt");
    QCOMPARE(written[1].path, root + "/step-2.pt");
    QVERIFY(written[0].ok && written[0].bestOk && written[1].ok);
}

void TstCheckpointWriter::aFailedWriteIsNotAnnounced() {
    QTemporaryDir dir;
    const std::string blocker = dir.filePath("not-a-folder").toStdString();
    std::ofstream(blocker) << "a file where the checkpoint folder should be";
    auto live = ckw::family();
    auto optimizer = ckw::adamw(*live);
    engine::CheckpointWriter writer;
    engine::CheckpointWriter::Written announced;
    std::string error;
    QVERIFY(writer.save(blocker + "/step-1.pt", "", *live, &optimizer,
                        [&](const engine::CheckpointWriter::Written& w) { announced = w; },
                        &error));
    const auto written = writer.wait();
    QCOMPARE(written.size(), size_t(1));
    QVERIFY(!written[0].ok);
    QVERIFY(!announced.ok);
    QVERIFY(announced.error.find(blocker) != std::string::npos);
}

void TstCheckpointWriter::trainingReturnsWithItsCheckpointsComplete() {
    QTemporaryDir dir;
    RunOptions options;
    options.logPath = dir.filePath("log.sqlite").toStdString();
    // stopped at step 8: checkpoints at step 6 (an evaluation) and 8 (the stop)
    class StopAtEight : public TrainingObserver {
    public:
        void onProgress(const TrainingProgress& p) override { m_step = p.step; }
        bool stopRequested() override { return m_step >= 8; }

    private:
        int64_t m_step = 0;
    } stop;
    const auto first = trainExperiment(ckw::config(), options, &stop);
    QCOMPARE(first.status, std::string("stopped"));
    std::string error;
    {
        auto reader = LogReader::open(options.logPath);
        QVERIFY2(reader, reader.error().c_str());
        const auto checkpoints = reader->checkpoints(first.runId);
        QCOMPARE(checkpoints.size(), size_t(2));
        QCOMPARE(checkpoints.back().step, int64_t(8));
        for (const auto& c : checkpoints) {
            auto f = ckw::family();
            auto optimizer = ckw::adamw(*f);
            QVERIFY2(engine::loadCheckpoint(c.path, *f, &optimizer, &error), error.c_str());
            QVERIFY(!std::filesystem::exists(c.path + ".tmp"));
        }
    }
    // resumed at once, it continues from the stop's checkpoint and ends where an
    // uninterrupted training ends
    const auto stopped = Run::open(options.logPath, first.runId);
    QVERIFY2(stopped, stopped.error().c_str());
    const auto resumed = stopped->resume({}, nullptr);
    QVERIFY2(resumed.status == "finished", resumed.error.c_str());
    bool fromEight = false;
    auto reader = LogReader::open(options.logPath);
    for (const auto& e : reader->events(first.runId)) {
        fromEight = fromEight || e.message == "resumed from checkpoint at step 8";
    }
    QVERIFY(fromEight);
    RunOptions fresh;
    fresh.logPath = dir.filePath("fresh.sqlite").toStdString();
    const auto uninterrupted = trainExperiment(ckw::config(), fresh, nullptr);
    QCOMPARE(resumed.steps, uninterrupted.steps);
    QCOMPARE(resumed.test.loss, uninterrupted.test.loss);
    QCOMPARE(resumed.testCheckpoint, std::filesystem::path(resumed.testCheckpoint).parent_path()
                                             .string() + "/best.pt");
    // the tested weights are those of best.pt as read from disk
    const auto checkpoints = reader->checkpoints(first.runId);
    auto f = ckw::family();
    QVERIFY2(engine::loadCheckpoint(resumed.testCheckpoint, *f, nullptr, &error), error.c_str());
    f->setTraining(false);
    const auto again = f->evaluate(engine::Split::Test, false);
    QCOMPARE(again.loss, resumed.test.loss);
    QVERIFY(checkpoints.back().step == resumed.steps);
}

// best.pt is the step checkpoint it was queued with, byte for byte (a hard link or a copy, not a
// second serialisation; issue 20, session 17), and a later best.pt leaves that step file as it was.
void TstCheckpointWriter::bestIsTheStepCheckpointItWasWrittenWith() {
    QTemporaryDir dir;
    const std::string root = dir.path().toStdString(), best = root + "/best.pt";
    auto live = ckw::family();
    auto optimizer = ckw::adamw(*live);
    ckw::trainStep(*live, optimizer);
    std::string error;
    QVERIFY2(engine::saveCheckpoint(root + "/sync-1.pt", *live, nullptr, &error), error.c_str());
    engine::CheckpointWriter writer;
    QVERIFY(writer.save(root + "/step-1.pt", best, *live, &optimizer, nullptr, &error));
    writer.wait();
    const std::string first = ckw::bytesOf(root + "/step-1.pt");
    QVERIFY(first.size() > 1000);
    QVERIFY(ckw::bytesOf(best) == first);

    ckw::trainStep(*live, optimizer);
    QVERIFY(writer.save(root + "/step-2.pt", best, *live, &optimizer, nullptr, &error));
    ckw::trainStep(*live, optimizer);
    QVERIFY(writer.save(root + "/step-3.pt", "", *live, &optimizer, nullptr, &error));
    const auto written = writer.wait();
    QCOMPARE(written.size(), size_t(2));
    QVERIFY(written[0].ok && written[0].bestOk && written[1].ok);
    QVERIFY(ckw::bytesOf(best) == ckw::bytesOf(root + "/step-2.pt"));
    QVERIFY(ckw::bytesOf(best) != ckw::bytesOf(root + "/step-3.pt"));
    QVERIFY(ckw::bytesOf(root + "/step-1.pt") == first); // not moved along with best.pt
    QVERIFY(!std::filesystem::exists(best + ".tmp"));
    QVERIFY(!std::filesystem::exists(best + ".optim"));
    // step-1.pt still holds the weights of its moment, best.pt those of step 2
    auto one = ckw::family(), sync = ckw::family(), two = ckw::family();
    QVERIFY2(engine::loadCheckpoint(root + "/step-1.pt", *one, nullptr, &error), error.c_str());
    QVERIFY2(engine::loadCheckpoint(root + "/sync-1.pt", *sync, nullptr, &error), error.c_str());
    QVERIFY2(engine::loadCheckpoint(best, *two, nullptr, &error), error.c_str());
    QVERIFY(ckw::sameWeights(one->module(), sync->module()));
    QVERIFY(!ckw::sameWeights(two->module(), sync->module()));
}

QTEST_GUILESS_MAIN(TstCheckpointWriter)
#include "tst_checkpoint_writer.moc"
