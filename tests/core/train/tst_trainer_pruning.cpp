// Pruning and retraining through mor::pruneRun / mor::retrainRun and the pruning maths
// (issue 22): the Gaussian gate's dead experts, recursion runs, a fine-tuned sweep.
#include "tst_trainer_pruning.h"

#include "engine/checkpoint.h"
#include "engine/run.h"
#include "families/family_registry.h"
#include "model/mor_model.h"
#include "seq/recursion_family.h"
#include "seq/recursion_pruning.h"
#include "train/pruning.h"

#include "mor/pruning.h"
#include "mor/retrain.h"
#include "mor/run.h"
#include "mor/sequence.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <memory>

namespace trainer_pruning_test {

namespace {

mor::ExperimentConfig pruningReflectionConfig() {
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
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 5;
    c.train.threads = 1;
    return c;
}

mor::ExperimentConfig pruningRecursionConfig() {
    mor::ExperimentConfig c;
    c.name = "tiny-recursion";
    c.model.family = mor::Family::Recursion;
    c.data.kind = mor::DataKind::RunningParity;
    c.data.samples = 300;
    c.data.seqLen = 8;
    c.data.probeSize = 4;
    auto& r = c.model.recursion;
    r.routing = mor::RecursionRouting::ExpertChoice;
    r.recursions = 3;
    r.layersPerBlock = 1;
    r.dModel = 16;
    r.heads = 2;
    r.ffn = 32;
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 2;
    c.train.threads = 1;
    return c;
}

/// The child's best.pt loaded into a family built from its logged config.
std::unique_ptr<mor::engine::ModelFamily> pruningLoadBest(const std::string& log, int64_t runId) {
    std::string error;
    mor::engine::StoredRun stored;
    if (!mor::engine::readRun(log, runId, &stored, &error)) {
        qWarning("%s", error.c_str());
        return nullptr;
    }
    auto family = mor::engine::makeFamily(stored.config, torch::kCPU, &error);
    if (!family || !mor::engine::loadCheckpoint(mor::engine::bestCheckpointOf(stored.checkpoints),
                                                *family, nullptr, &error)) {
        qWarning("%s", error.c_str());
        return nullptr;
    }
    family->setTraining(false);
    return family;
}

/// `module` written as a checkpoint from before the token-choice depth cap (no buffer
/// "token_depth_cap"; everything else as torch::nn::Module::save writes it).
void pruningSaveWithoutDepthCap(torch::nn::Module& module, const std::string& path) {
    torch::serialize::OutputArchive archive;
    for (const auto& p : module.named_parameters(false)) {
        archive.write(p.key(), p.value());
    }
    for (const auto& b : module.named_buffers(false)) {
        if (b.key() != "token_depth_cap") {
            archive.write(b.key(), b.value(), true);
        }
    }
    for (const auto& c : module.named_children()) {
        torch::serialize::OutputArchive child(archive.compilation_unit());
        c.value()->save(child);
        archive.write(c.key(), child);
    }
    archive.save_to(path);
}

class PruningStopAtOnce : public mor::TrainingObserver {
public:
    bool stopRequested() override { return true; }
};

} // namespace

void gaussianGateRetiredExpertIsNeverRouted() {
    auto c = pruningReflectionConfig();
    c.model.experts.assign(3, c.model.experts.front());
    c.model.router.gate = mor::RouterGate::Gaussian;
    c.model.router.input = mor::RouterInput::Features;
    c.model.router.objective = mor::RouterObjective::MixtureLikelihood;
    c.model.router.strategy = mor::RoutingStrategy::TopK;
    c.model.router.topK = 1;
    mor::model::ModelShape shape;
    shape.inputs = 6;
    shape.classes = 2;
    torch::manual_seed(5);
    mor::model::MoRModel m(c.model, shape);
    const auto x = torch::randn({256, 6}) * 2;
    const auto y = torch::randint(0, 2, {256}, torch::kLong);
    m->train();
    m->forward(x, y, torch::Tensor()); // the gate's means start at inputs of the first batch
    m->eval();
    QVERIFY(m->forward(x, torch::Tensor(), torch::Tensor()).mask.select(1, 1).any().item<bool>());
    QCOMPARE(mor::train::pruneRouterExperts(*m), int64_t(3));
    const auto report = mor::train::pruneRetireExperts(*m, {1}, 1.0);
    const auto params = m->named_parameters(true);
    QCOMPARE(params["router.gate_prior"][1].item<double>(), mor::train::pruneDeadExpertLogit(1.0));
    QVERIFY(params["router.gate_mean"][1].eq(float(mor::train::kPruneGateFarMean)).all().item<bool>());
    for (const char* name : {"router.gate_mean", "router.gate_log_var", "router.gate_prior"}) {
        const auto& mask = report.masks.at(name);
        QVERIFY2(mask[1].eq(0).all().item<bool>(), name);
        QVERIFY2(mask[0].eq(1).all().item<bool>() && mask[2].eq(1).all().item<bool>(), name);
    }
    QCOMPARE(report.pruned, int64_t(2 * 6) + [&] {
        int64_t n = 0;
        for (const auto& p : m->named_parameters(true)) {
            n += p.key().rfind("expert1.", 0) == 0 ? p.value().numel() : 0;
        }
        return n;
    }());
    // Near and far inputs, evaluation and training: expert 1 never gets probability; at
    // inference it is never selected. (Training by the mixture likelihood runs every expert
    // on every input, weighted by its posterior, which is exactly 0 for expert 1; the loss
    // stays finite.)
    for (double scale : {1.0, 50.0}) {
        for (bool training : {false, true}) {
            m->train(training);
            const auto fo = m->forward(x * scale, training ? y : torch::Tensor(), torch::Tensor());
            QCOMPARE(fo.routerProbs.select(1, 1).max().item<float>(), 0.f);
            if (training) {
                QVERIFY(std::isfinite(fo.totalLoss.item<double>()));
                continue;
            }
            QVERIFY(!fo.mask.select(1, 1).any().item<bool>());
            QVERIFY(fo.mask.select(1, 0).any().item<bool>() ||
                    fo.mask.select(1, 2).any().item<bool>());
        }
    }
}

void recursionRunPrunesByDepthMagnitudeAndUnits() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    const auto parent = mor::trainExperiment(pruningRecursionConfig(), options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());

    mor::PruneOptions prune;
    prune.logPath = log;
    prune.runId = parent.runId;
    prune.method = "depth";
    prune.amount = 2;
    const auto depth = mor::pruneRun(prune);
    QVERIFY2(depth, depth.error().c_str());
    QCOMPARE(depth->family, mor::Family::Recursion);
    QCOMPARE(depth->before.testAccuracy, parent.test.accuracy); // best.pt, same evaluator
    QVERIFY(depth->before.meanDepth >= 1.0 && depth->before.meanDepth <= 3.0);
    // Per token the capped depth is min(depth, 2): the routers of recursions 1-2 are the same.
    QVERIFY(depth->after.meanDepth <= 2.0 + 1e-9);
    QVERIFY(depth->after.meanDepth <= depth->before.meanDepth + 1e-9);
    QVERIFY(depth->after.flopsPerInput <= depth->before.flopsPerInput + 1e-6);
    QVERIFY(depth->before.flopsPerInput > 0.0);
    QCOMPARE(depth->after.parameters, depth->before.parameters - int64_t(16 + 1)); // router 3
    const auto child = mor::Run::open(log, depth->runId);
    QVERIFY2(child, child.error().c_str());
    QCOMPARE(child->config().model.recursion.recursions, int64_t(2));
    QCOMPARE(child->summary().status, std::string("finished"));
    const auto& tags = child->summary().tags;
    QVERIFY(std::find(tags.begin(), tags.end(),
                      "pruned-from:" + std::to_string(parent.runId)) != tags.end());
    const auto evaluated = child->evaluate();
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(evaluated->test.accuracy, depth->after.testAccuracy);
    const auto traces = child->traceTokens(-1, "0110");
    QVERIFY2(traces, traces.error().c_str());
    QVERIFY(!traces->empty());
    for (const auto& step : traces->front().tokens) {
        QVERIFY(step.depth <= 2);
    }

    // Magnitude: exactly half of the recursion blocks' weight entries, nothing else.
    prune.method = "magnitude";
    prune.amount = 0.5;
    const auto magnitude = mor::pruneRun(prune);
    QVERIFY2(magnitude, magnitude.error().c_str());
    auto pruned = pruningLoadBest(log, magnitude->runId);
    auto original = pruningLoadBest(log, parent.runId);
    QVERIFY(pruned && original);
    const auto names = mor::seq::recursionPruneWeightNames(pruned->module());
    QCOMPARE(int(names.size()), 4); // qkv, out, ff1, ff2 of the one shared layer
    const auto params = pruned->module().named_parameters(true);
    const auto before = original->module().named_parameters(true);
    int64_t total = 0, zeros = 0;
    for (const auto& name : names) {
        total += params[name].numel();
        zeros += params[name].eq(0).sum().item<int64_t>();
    }
    QCOMPARE(magnitude->candidates, total);
    QCOMPARE(magnitude->prunedEntries, int64_t(std::floor(0.5 * double(total) + 1e-9)));
    QCOMPARE(zeros, magnitude->prunedEntries);
    QVERIFY(torch::equal(params["tok.weight"], before["tok.weight"]));
    QVERIFY(torch::equal(params["head.weight"], before["head.weight"]));
    QVERIFY(magnitude->after.sparseFlopsPerInput < magnitude->after.flopsPerInput);
    QCOMPARE(magnitude->before.nonzeroParameters - magnitude->after.nonzeroParameters, zeros);

    // Structured: half of the feed-forward units (rows of ff1 with their bias).
    prune.method = "structured";
    const auto units = mor::pruneRun(prune);
    QVERIFY2(units, units.error().c_str());
    auto structured = pruningLoadBest(log, units->runId);
    QVERIFY(structured);
    const auto sp = structured->module().named_parameters(true);
    const auto ff1 = mor::seq::recursionPruneUnitNames(structured->module());
    QCOMPARE(int(ff1.size()), 1);
    const auto rowZero = sp[ff1.front()].eq(0).all(1);
    QCOMPARE(rowZero.sum().item<int64_t>(), int64_t(16)); // of ffn 32
    const std::string bias = ff1.front().substr(0, ff1.front().size() - 6) + "bias";
    QVERIFY(sp[bias].masked_select(rowZero).eq(0).all().item<bool>());

    // What does not apply is refused in words, before anything is written.
    prune.method = "dead-experts";
    prune.amount = 0.1;
    const auto dead = mor::pruneRun(prune);
    QVERIFY(!dead);
    QVERIFY2(dead.error().find("recursion run") != std::string::npos, dead.error().c_str());
    prune.method = "depth";
    prune.amount = 3;
    const auto noCap = mor::pruneRun(prune);
    QVERIFY(!noCap);
    QVERIFY2(noCap.error().find("3 recursions") != std::string::npos, noCap.error().c_str());
    QVERIFY(!mor::Run::open(log, units->runId + 1));
}

void tokenChoiceDepthCapClampsEveryToken() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    auto config = pruningRecursionConfig();
    config.model.recursion.routing = mor::RecursionRouting::TokenChoice;
    config.model.recursion.gate = mor::RecursionGate::Softmax;
    mor::RunOptions options;
    options.logPath = log;
    const auto parent = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());
    // The parent's checkpoints as written before the cap existed: they load (uncapped) through
    // the engine's loader and the sequence store's (generate, trace, serve).
    {
        auto loaded = pruningLoadBest(log, parent.runId);
        QVERIFY(loaded);
        std::string error;
        mor::engine::StoredRun stored;
        QVERIFY2(mor::engine::readRun(log, parent.runId, &stored, &error), error.c_str());
        const std::string best = mor::engine::bestCheckpointOf(stored.checkpoints);
        pruningSaveWithoutDepthCap(loaded->module(), best);
        for (const auto& checkpoint : stored.checkpoints) {
            pruningSaveWithoutDepthCap(loaded->module(), checkpoint.path);
        }
        QVERIFY(!mor::engine::loadModule(best, loaded->module(), nullptr, nullptr, &error));
        QVERIFY2(error.find("token_depth_cap") != std::string::npos, error.c_str());
        const auto old = mor::Run::open(log, parent.runId);
        QVERIFY2(old, old.error().c_str());
        mor::GenerateOptions generate;
        generate.prompt = "0110";
        generate.tokens = 4;
        generate.temperature = 0.0;
        const auto generated = old->generate(generate);
        QVERIFY2(generated, generated.error().c_str());
        QCOMPARE(generated->maxRecursions, 3);
    }

    // The parent's own choice per test token (causal routing, as evaluation runs it).
    auto parentFamily = pruningLoadBest(log, parent.runId);
    QVERIFY(parentFamily);
    auto* parentRecursion = dynamic_cast<mor::seq::RecursionFamily*>(parentFamily.get());
    QVERIFY(parentRecursion);
    const auto& test = parentRecursion->data().test;
    const auto inputs =
        torch::tensor(test.inputs, torch::kLong).view({test.count, test.length});
    // No autograd for the forwards here; off again before a fine-tuning runs on this thread.
    auto noGrad = std::make_unique<torch::NoGradGuard>();
    const auto before = parentRecursion->model()->forward(inputs, false);
    QCOMPARE(parentRecursion->model()->tokenDepthLimit(), int64_t(3));
    // The deepest cap below a depth the router really chose, so the clamp is exercised.
    const int64_t cap = before.depth.eq(3).any().item<bool>() ? 2 : 1;
    const int64_t clampedTokens = before.depth.gt(cap).sum().item<int64_t>();
    QVERIFY2(clampedTokens > 0, "the trained router sends no token past the cap");

    mor::PruneOptions prune;
    prune.logPath = log;
    prune.runId = parent.runId;
    prune.method = "depth";
    prune.amount = double(cap);
    const auto out = mor::pruneRun(prune);
    QVERIFY2(out, out.error().c_str());
    QVERIFY2(out->note.find("clamped") != std::string::npos, out->note.c_str());
    QCOMPARE(out->after.parameters, out->before.parameters); // the router keeps its N_r gates
    auto childFamily = pruningLoadBest(log, out->runId);
    QVERIFY(childFamily);
    auto* child = dynamic_cast<mor::seq::RecursionFamily*>(childFamily.get());
    QVERIFY(child);
    auto& model = child->model();
    QCOMPARE(model->config().recursions, int64_t(3));
    QCOMPARE(model->tokenDepthLimit(), cap); // read back from the child's checkpoint
    const auto after = model->forward(inputs, false);
    // Exact: every token's depth is min(chosen depth, cap) ...
    QVERIFY(torch::equal(after.depth, before.depth.clamp_max(cap)));
    QCOMPARE(after.depth.max().item<int64_t>(), cap);
    // ... and a token the router kept at or under the cap is computed exactly as before.
    const auto kept = before.depth.le(cap).unsqueeze(-1).expand_as(before.logits);
    QVERIFY(torch::allclose(after.logits.masked_select(kept), before.logits.masked_select(kept),
                            1e-5, 1e-6));
    // Training (top-k off for token choice, gates and losses as usual) honours the cap too.
    model->train(true);
    const auto training = model->forward(inputs, true);
    model->train(false);
    QVERIFY(training.depth.max().item<int64_t>() <= cap);
    QVERIFY(std::isfinite(training.auxLoss.item<double>()));
    QVERIFY(out->after.meanDepth <= double(cap) + 1e-9);
    const auto scored = torch::tensor(test.targets, torch::kLong)
                            .view({test.count, test.length})
                            .ge(0);
    const double meanDepth =
        after.depth.masked_select(scored).to(torch::kDouble).mean().item<double>();
    QVERIFY2(std::abs(out->after.meanDepth - meanDepth) < 1e-6,
             qPrintable(QString::number(out->after.meanDepth) + " vs " +
                        QString::number(meanDepth)));

    // Inference paths of the child run: traces, cached and uncached generation.
    const auto run = mor::Run::open(log, out->runId);
    QVERIFY2(run, run.error().c_str());
    const auto evaluated = run->evaluate();
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(evaluated->test.accuracy, out->after.testAccuracy);
    const auto traces = run->traceTokens(-1, "0110100");
    QVERIFY2(traces, traces.error().c_str());
    QVERIFY(!traces->empty());
    int traced = 0;
    for (const auto& trace : *traces) {
        for (const auto& step : trace.tokens) {
            QVERIFY(step.depth >= 1 && step.depth <= cap);
            ++traced;
        }
    }
    QVERIFY(traced > 0);
    for (bool cache : {true, false}) {
        mor::GenerateOptions generate;
        generate.prompt = "0110";
        generate.tokens = 12;
        generate.temperature = 0.0;
        generate.useCache = cache;
        const auto generated = run->generate(generate);
        QVERIFY2(generated, generated.error().c_str());
        QCOMPARE(int64_t(generated->tokens.size()), int64_t(16));
        for (const auto& token : generated->tokens) {
            QVERIFY2(token.depth >= 1 && token.depth <= cap, cache ? "cached" : "uncached");
        }
    }

    // Fine-tuning keeps the cap: its checkpoints carry it and training ran under it.
    prune.finetuneSteps = 2;
    noGrad.reset();
    const auto tuned = mor::pruneRun(prune);
    QVERIFY2(tuned, tuned.error().c_str());
    auto tunedFamily = pruningLoadBest(log, tuned->runId);
    QVERIFY(tunedFamily);
    auto& tunedModel = dynamic_cast<mor::seq::RecursionFamily&>(*tunedFamily).model();
    QCOMPARE(tunedModel->tokenDepthLimit(), cap);
    QVERIFY(tunedModel->forward(inputs, false).depth.max().item<int64_t>() <= cap);
    QVERIFY(tuned->after.meanDepth <= double(cap) + 1e-9);
    // A second cap on the capped child must lie below the first.
    prune.runId = out->runId;
    prune.finetuneSteps = 0;
    const auto again = mor::pruneRun(prune);
    QVERIFY(!again);
    qInfo("token_choice depth cap %lld of 3 (%lld of %lld test tokens clamped): token accuracy "
          "%.4f -> %.4f (fine-tuned %.4f), mean depth %.3f -> %.3f (fine-tuned %.3f), test loss "
          "%.4f -> %.4f",
          qint64(cap), qint64(clampedTokens), qint64(before.depth.numel()),
          out->before.testAccuracy, out->after.testAccuracy, tuned->after.testAccuracy,
          out->before.meanDepth, out->after.meanDepth, tuned->after.meanDepth,
          out->before.testLoss, out->after.testLoss);
}

void pruneSweepWithFineTuningMeasuresEachChild() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = log;
    const auto parent = mor::trainExperiment(pruningReflectionConfig(), options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());
    mor::PruneOptions prune;
    prune.logPath = log;
    prune.runId = parent.runId;
    prune.method = "magnitude";
    prune.finetuneSteps = 3;
    int64_t previous = parent.runId;
    for (double amount : {0.5, 0.9}) {
        prune.amount = amount;
        const auto out = mor::pruneRun(prune);
        QVERIFY2(out, out.error().c_str());
        QVERIFY(out->runId > previous); // a child per amount
        previous = out->runId;
        QVERIFY(out->finetuneSteps >= 3);
        const auto run = mor::Run::open(log, out->runId);
        QVERIFY2(run, run.error().c_str());
        QCOMPARE(run->summary().status, std::string("finished"));
        // The fine-tuned accuracy is the child's best.pt measured again, not the pruned copy.
        auto family = pruningLoadBest(log, out->runId);
        QVERIFY(family);
        const mor::EvalResult test = family->evaluate(mor::engine::Split::Test, false);
        QCOMPARE(out->after.testAccuracy, test.accuracy);
        int64_t total = 0, zeros = 0;
        const auto params = family->module().named_parameters(true);
        for (const auto& name : mor::train::pruneExpertWeightNames(family->module())) {
            total += params[name].numel();
            zeros += params[name].eq(0).sum().item<int64_t>();
        }
        QCOMPARE(zeros, int64_t(std::floor(amount * double(total) + 1e-9)));
        QCOMPARE(out->pruned.nonzeroParameters, out->after.nonzeroParameters);
    }
    // Cancel before fine-tuning: stops between the evaluations and writes no child.
    PruningStopAtOnce stop;
    const auto cancelled = mor::pruneRun(prune, &stop);
    QVERIFY(!cancelled);
    QVERIFY2(cancelled.error().find("cancelled") != std::string::npos, cancelled.error().c_str());
    QVERIFY(!mor::Run::open(log, previous + 1));
}

void recursionRunRetrainsOnNewText() {
    QTemporaryDir dir;
    const std::string log = dir.filePath("log.sqlite").toStdString();
    auto writeText = [&](const QString& name, const std::string& line, int lines) {
        const std::string path = dir.filePath(name).toStdString();
        std::ofstream out(path);
        for (int i = 0; i < lines; ++i) {
            out << line << (i % 3) << "\n";
        }
        return path;
    };
    const std::string first = writeText("a.txt", "abba cab ", 120);
    const std::string second = writeText("b.txt", "cab abba ", 120); // the same characters
    const std::string other = writeText("c.txt", "xyz zyx ", 120);
    auto c = pruningRecursionConfig();
    c.data.kind = mor::DataKind::Text;
    c.data.textPath = first;
    c.data.seqLen = 16;
    c.train.epochs = 1;
    mor::RunOptions options;
    options.logPath = log;
    const auto parent = mor::trainExperiment(c, options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());
    mor::RetrainOptions retrain;
    retrain.logPath = log;
    retrain.runId = parent.runId;
    retrain.dataPath = second;
    retrain.margin = 0.0;
    const auto out = mor::retrainRun(retrain);
    QVERIFY2(out, out.error().c_str());
    QCOMPARE(out->family, mor::Family::Recursion);
    QVERIFY(out->runId > parent.runId);
    QVERIFY(out->compared > 0);
    QVERIFY(out->parentAccuracy >= 0.0 && out->parentAccuracy <= 1.0);
    QVERIFY(std::abs(out->difference - (out->childAccuracy - out->parentAccuracy)) < 1e-9);
    QVERIFY(out->low <= out->difference && out->difference <= out->high);
    QCOMPARE(out->promoted, out->difference > 0.0 && out->low > 0.0);
    const auto child = mor::Run::open(log, out->runId);
    QVERIFY2(child, child.error().c_str());
    QCOMPARE(child->config().data.textPath, out->dataPath);
    const auto& tags = child->summary().tags;
    QVERIFY(std::find(tags.begin(), tags.end(), out->promoted ? "promoted" : "not-promoted") !=
            tags.end());
    retrain.dataPath = other;
    const auto refused = mor::retrainRun(retrain);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("vocabulary") != std::string::npos, refused.error().c_str());
}

} // namespace trainer_pruning_test
