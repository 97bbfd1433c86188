// SPDX-License-Identifier: GPL-3.0-or-later
// mor::pruneRun (mor/pruning.h): a logged run's checkpoint pruned into a new run of the same
// log, for both model families. The engine does everything that is not pruning maths: loading
// the run and its data (makeFamily), checkpoints, evaluation (ModelFamily::evaluate) and
// fine-tuning (TrainingSession, with gradient masks holding the pruned entries at zero). The
// maths: train/pruning.h (reflection, and the generic magnitude / row pruning) and
// seq/recursion_pruning.h (which recursion weights, the depth cap, the recursion measures).
#include "mor/pruning.h"

#include "compat/torch_compat.h"
#include "engine/checkpoint.h"
#include "engine/model_family.h"
#include "engine/run.h"
#include "engine/training_session.h"
#include "families/family_registry.h"
#include "mor/run_audit.h"
#include "seq/recursion_pruning.h"
#include "train/pruning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mor {

namespace {

PruneMeasure pruneMeasureOf(const EvalResult& test, engine::ModelFamily& family) {
    if (auto* recursion = dynamic_cast<seq::RecursionFamily*>(&family)) {
        return seq::recursionPruneMeasure(*recursion, test);
    }
    torch::nn::Module& module = family.module();
    PruneMeasure m;
    m.testAccuracy = test.accuracy;
    m.testLoss = test.loss;
    m.meanDepth = test.meanDepth;
    m.parameters = engine::countParameters(module);
    m.nonzeroParameters = train::pruneNonzeroParameters(module);
    m.flopsPerInput = test.flopsPerInput;
    m.sparseFlopsPerInput = train::pruneSparseFlops(module, test.flopsPerInput, test.activation,
                                                    test.depthPerExpert);
    m.expertStepsPerInput = test.expertStepsPerInput;
    return m;
}

void pruneAddMeasure(std::map<std::string, double>& metrics, const std::string& prefix,
                     const PruneMeasure& m) {
    metrics[prefix + "/test_accuracy"] = m.testAccuracy;
    metrics[prefix + "/parameters"] = double(m.parameters);
    metrics[prefix + "/nonzero_parameters"] = double(m.nonzeroParameters);
    metrics[prefix + "/flops_per_input"] = m.flopsPerInput;
    metrics[prefix + "/sparse_flops_per_input"] = m.sparseFlopsPerInput;
    metrics[prefix + "/expert_steps_per_input"] = m.expertStepsPerInput;
    metrics[prefix + "/test_loss"] = m.testLoss;
    metrics[prefix + "/mean_depth"] = m.meanDepth;
}

std::string pruneAmountText(double amount) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", amount);
    return text;
}

/// The experts routed to fewer than `amount` of the validation inputs, and the router's top_k
/// adjusted so the remaining experts can fill it. Shared experts are always on and never dead.
bool pruneDeadExperts(ExperimentConfig& config, const std::vector<double>& activation,
                      double amount, std::vector<int64_t>* dead, std::string* error) {
    auto& router = config.model.router;
    if (!router.groups.empty()) {
        *error = "dead-experts: model.router.groups is not supported (prune an ungrouped router)";
        return false;
    }
    if (router.strategy == RoutingStrategy::Random ||
        router.strategy == RoutingStrategy::ExpertChoice) {
        *error = "dead-experts: model.router.strategy \"" +
                 choiceName(router.strategy, routingStrategyNames()) +
                 "\" does not select by router probability, so a masked expert could still run";
        return false;
    }
    const auto experts = int64_t(config.model.experts.size());
    const int64_t shared = router.strategy == RoutingStrategy::SharedRouted ? router.sharedExperts : 0;
    for (int64_t j = shared; j < experts && j < int64_t(activation.size()); ++j) {
        if (activation[size_t(j)] < amount) {
            dead->push_back(j);
        }
    }
    const int64_t aliveRouted = experts - shared - int64_t(dead->size());
    if (aliveRouted < 1) {
        *error = "dead-experts: every routed expert is below " + pruneAmountText(amount) +
                 " of the validation inputs; use a smaller --amount";
        return false;
    }
    if (router.strategy == RoutingStrategy::TopK ||
        router.strategy == RoutingStrategy::SharedRouted) {
        router.topK = std::min(router.topK, aliveRouted);
    }
    return true;
}

} // namespace

Result<PruneOutcome> pruneRun(const PruneOptions& o, TrainingObserver* observer) {
    PruneOutcome out;
    out.parentId = o.runId;
    auto fail = [](const std::string& message) { return Error{message}; };
    // Cancel (the GUI's prune panel) is honoured between the evaluations as well as between
    // the fine-tuning batches; before the child run exists nothing is written.
    auto stopped = [observer] { return observer && observer->stopRequested(); };
    const std::string cancelled = "cancelled before the child run was written";
    const std::string& method = o.method;
    if (method != "magnitude" && method != "structured" && method != "dead-experts" &&
        method != "depth") {
        return fail("--method must be magnitude, structured, dead-experts or depth, not \"" +
                    method + "\"");
    }
    if (method == "depth" ? (o.amount < 1 || o.amount != std::floor(o.amount))
                          : (o.amount < 0 || o.amount > 1)) {
        const std::string want = method == "depth"
                                     ? "the new maximum depth, an integer >= 1"
                                     : "a fraction in [0, 1]";
        return fail("--amount for " + method + " is " + want + ", not " +
                    pruneAmountText(o.amount));
    }
    if (o.finetuneSteps < 0) {
        return fail("--finetune-steps must be >= 0");
    }
    try {
        std::string error;
        engine::StoredRun run;
        if (!engine::readRun(o.logPath, o.runId, &run, &error)) {
            return fail(error);
        }
        out.family = run.config.model.family;
        const bool recursion = out.family == Family::Recursion;
        if (recursion && method == "dead-experts") {
            return fail("dead-experts: run " + std::to_string(o.runId) +
                        " is a recursion run, which has no experts to remove; prune it by "
                        "depth, magnitude or structured");
        }
        if (out.family != Family::Reflection && !recursion) {
            return fail("run " + std::to_string(o.runId) + " is a " +
                        familyName(out.family) +
                        " run; mor prune works on reflection and recursion runs");
        }
        ExperimentConfig config = run.config;
        if (o.threads >= 0) {
            config.train.threads = o.threads;
        }
        setThreads(config.train.threads);
        torch::Device device(torch::kCPU);
        if (!engine::resolveDevice(config.train.device, &device, &error)) {
            return fail(error);
        }
        engine::CheckpointChoice choice;
        choice.kind = engine::CheckpointChoice::Kind::BestElseLast;
        engine::ChosenCheckpoint chosen;
        if (!engine::chooseCheckpoint(run, choice, &chosen, &error)) {
            return fail("run " + std::to_string(o.runId) + " has no checkpoint to prune");
        }
        out.checkpoint = chosen.path;
        auto parent = engine::makeFamily(config, device, &error);
        if (!parent || !engine::loadCheckpoint(out.checkpoint, *parent, nullptr, &error)) {
            return fail(error);
        }
        parent->setTraining(false);
        if (stopped()) {
            return fail(cancelled);
        }
        out.before = pruneMeasureOf(parent->evaluate(engine::Split::Test, false), *parent);
        if (stopped()) {
            return fail(cancelled);
        }

        // The child's config: the parent's, changed only where the method needs it.
        ExperimentConfig childConfig = config;
        std::string depthNote;
        if (method == "depth" && recursion) {
            if (!seq::recursionCapDepth(childConfig.model.recursion, int64_t(o.amount),
                                        &depthNote, &error)) {
                return fail(error);
            }
        } else if (method == "depth") {
            for (auto& e : childConfig.model.experts) {
                e.maxDepth = std::min<int64_t>(e.maxDepth, int64_t(o.amount));
            }
        } else if (method == "dead-experts") {
            out.activation = parent->evaluate(engine::Split::Validation, false).activation;
            if (stopped()) {
                return fail(cancelled);
            }
            if (!pruneDeadExperts(childConfig, out.activation, o.amount, &out.removedExperts,
                                  &error)) {
                return fail(error);
            }
        }
        const auto errors = validateConfig(childConfig);
        if (!errors.empty()) {
            ConfigParseResult r;
            r.errors = errors;
            return fail("the pruned config is not valid: " + r.message());
        }
        auto child = engine::makeFamily(childConfig, device, &error);
        if (!child || !train::pruneCopyWeights(parent->module(), child->module(), &error) ||
            !child->loadState(out.checkpoint, &error)) {
            return fail(error);
        }
        if (method == "depth" && recursion &&
            !seq::recursionApplyDepthCap(*child, int64_t(o.amount), &error)) {
            return fail(error); // token choice: the cap lives in the model (and checkpoint)
        }
        parent.reset();

        train::PruneReport report;
        if (method == "magnitude") {
            report = recursion ? train::pruneMagnitudeOf(
                                     child->module(),
                                     seq::recursionPruneWeightNames(child->module()), o.amount)
                               : train::pruneMagnitude(child->module(), o.amount);
        } else if (method == "structured") {
            report = recursion ? train::pruneRowsOf(child->module(),
                                                    seq::recursionPruneUnitNames(child->module()),
                                                    o.amount)
                               : train::pruneStructuredRows(child->module(), o.amount);
        } else if (method == "dead-experts") {
            report = train::pruneRetireExperts(child->module(), out.removedExperts,
                                               childConfig.model.router.temperature);
        }
        out.candidates = report.candidates;
        out.prunedEntries = report.pruned;
        if (method == "depth") {
            out.note = recursion ? depthNote : "max_depth capped at " + pruneAmountText(o.amount);
        } else if (method == "dead-experts") {
            out.note = std::to_string(out.removedExperts.size()) +
                       " expert(s) masked in the router (probability exactly 0), top_k " +
                       std::to_string(childConfig.model.router.topK);
        } else {
            out.note = std::to_string(report.pruned) + " of " +
                       std::to_string(report.candidates) +
                       (recursion ? " recursion-block weights set to 0"
                                  : " expert weights set to 0");
        }

        // The pruned model as the engine evaluates a checkpoint: validation first (it fits the
        // critic calibration that the checkpoint stores), then test.
        child->setTraining(false);
        const bool capture = childConfig.train.logTraces;
        if (stopped()) {
            return fail(cancelled);
        }
        EvalResult validation = child->evaluate(engine::Split::Validation, capture);
        if (stopped()) {
            return fail(cancelled);
        }
        EvalResult test = child->evaluate(engine::Split::Test, false);
        out.pruned = pruneMeasureOf(test, *child);
        if (stopped()) {
            return fail(cancelled);
        }

        auto log = ExperimentLog::open(o.logPath, &error);
        if (!log) {
            return fail(error);
        }
        RunOptions runOptions;
        runOptions.logPath = o.logPath;
        runOptions.name = run.summary.name + " pruned (" + method + " " +
                          pruneAmountText(o.amount) + ")";
        runOptions.tags = {"pruned-from:" + std::to_string(o.runId),
                           "prune:" + method + ":" + pruneAmountText(o.amount)};
        int64_t step = 0;
        std::unique_ptr<engine::TrainingSession> session;
        if (o.finetuneSteps == 0) {
            // No training: the pruned weights are the run's one checkpoint and its best.pt.
            RunInfo info = child->runInfo();
            info.name = runOptions.name;
            info.configJson = toJson(childConfig);
            info.device = device.str();
            info.seed = childConfig.train.seed;
            info.tags = runOptions.tags;
            out.runId = log->createRun(info);
            if (out.runId <= 0) {
                return fail(log->lastError());
            }
            // The audit trail as the engine records it for every new run (parent: the tag).
            RunAudit audit = collectRunAudit(info.configJson, info.device, compat::torchVersion(),
                                             info.tags);
            audit.runId = out.runId;
            if (!log->recordAudit(audit)) {
                log->logEvent(out.runId, "warning",
                              "audit trail not recorded: " + log->lastError());
            }
            log->logSamples(out.runId, child->samples());
            log->logMetrics(out.runId, 0, validation.metrics);
            if (capture) {
                child->logTraces(*log, out.runId, 0);
            }
            const std::string dir = engine::checkpointDirFor(o.logPath, out.runId);
            const std::string path = engine::checkpointFile(dir, 0);
            engine::CheckpointState state;
            state.evaluations = 1;
            state.bestAccuracy = validation.accuracy;
            state.bestStep = 0;
            if (!engine::saveCheckpoint(path, *child, nullptr, &error) ||
                !engine::saveCheckpoint(engine::bestCheckpointFile(dir), *child, nullptr,
                                        &error)) {
                log->setStatus(out.runId, "failed");
                return fail("run " + std::to_string(out.runId) + ": " + error);
            }
            log->logCheckpoint(out.runId, 0, path, state.toJson());
            log->logMetrics(out.runId, 0, test.metrics);
            out.after = out.pruned;
        } else {
            // Fine-tuning is an ordinary engine run from the pruned weights: whole epochs, no
            // warm-up, cosine from a tenth of the run's learning rate (unless given).
            const int64_t rows = int64_t(child->epochOrder(0).size());
            const int64_t batch = std::max<int64_t>(1, childConfig.train.batchSize);
            const int64_t accumulation = std::max<int64_t>(1, childConfig.train.accumulation);
            const int64_t stepsPerEpoch =
                std::max<int64_t>(1, ((rows + batch - 1) / batch) / accumulation);
            childConfig.train.epochs = (o.finetuneSteps + stepsPerEpoch - 1) / stepsPerEpoch;
            childConfig.train.warmupSteps = 0;
            childConfig.train.learningRate = o.finetuneLearningRate > 0
                                                 ? o.finetuneLearningRate
                                                 : childConfig.train.learningRate / 10.0;
            train::pruneHoldMasks(child->module(), report.masks);
            session = std::make_unique<engine::TrainingSession>(childConfig, std::move(child),
                                                                device, log.get(), observer);
            const RunOutcome trained = session->runNew(runOptions);
            out.runId = trained.runId;
            if (trained.status != "finished") {
                const std::string why = trained.error.empty() ? trained.status : trained.error;
                return fail(trained.runId > 0 ? "fine-tuning of the child run " +
                                                    std::to_string(trained.runId) + " " + why
                                              : "fine-tuning " + why);
            }
            step = trained.steps;
            out.finetuneSteps = trained.steps;
            out.after = pruneMeasureOf(trained.test, session->family());
        }
        std::map<std::string, double> metrics;
        pruneAddMeasure(metrics, "prune/before", out.before);
        pruneAddMeasure(metrics, "prune/pruned", out.pruned);
        pruneAddMeasure(metrics, "prune/after", out.after);
        metrics["prune/amount"] = o.amount;
        metrics["prune/finetune_steps"] = double(out.finetuneSteps);
        metrics["prune/candidates"] = double(out.candidates);
        metrics["prune/pruned_entries"] = double(out.prunedEntries);
        metrics["prune/sparsity"] =
            out.candidates > 0 ? double(out.prunedEntries) / double(out.candidates) : 0.0;
        metrics["prune/removed_experts"] = double(out.removedExperts.size());
        log->logMetrics(out.runId, step, metrics);
        log->logEvent(out.runId, "info",
                      "pruned from run " + std::to_string(o.runId) + " (" + out.checkpoint +
                          ") by " + method + " " + pruneAmountText(o.amount) + ": " + out.note);
        if (o.finetuneSteps == 0) {
            log->setStatus(out.runId, "finished");
        }
        log->flush();
        return out;
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}

} // namespace mor
