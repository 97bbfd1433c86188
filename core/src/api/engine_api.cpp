// SPDX-License-Identifier: GPL-3.0-or-later
// trainExperiment (mor/trainer.h), and resuming and evaluating a read run (api/run_actions.h,
// behind mor::Run) for every model family.
#include "mor/trainer.h"

#include "api/run_actions.h"
#include "engine/checkpoint.h"
#include "engine/distributed.h"
#include "engine/run.h"
#include "engine/training_session.h"
#include "families/family_registry.h"

#include <algorithm>
#include <thread>

namespace mor {

namespace {

RunOutcome failed(const std::string& error, int64_t runId = 0) {
    RunOutcome out;
    out.runId = runId;
    out.status = "failed";
    out.error = error;
    return out;
}

/// Applies RunOptions overrides to the config's train section.
void applyOverrides(ExperimentConfig& config, const RunOptions& options) {
    if (options.seed >= 0) {
        config.train.seed = options.seed;
    }
    if (options.device) {
        config.train.device = *options.device;
    }
    if (options.threads >= 0) {
        config.train.threads = options.threads;
    }
}

} // namespace

std::string bestDevice() { return torch::cuda::is_available() ? "cuda" : "cpu"; }

RunOutcome trainExperiment(const ExperimentConfig& input, const RunOptions& options,
                           TrainingObserver* observer) {
    ExperimentConfig config = input;
    applyOverrides(config, options);
    const auto errors = validateConfig(config);
    if (!errors.empty()) {
        ConfigParseResult r;
        r.errors = errors;
        return failed(r.message());
    }
    try {
        setThreads(config.train.threads);
        torch::Device device(torch::kCPU);
        std::string error;
        if (!engine::resolveDevice(config.train.device, &device, &error)) {
            return failed(error);
        }
        auto group = engine::joinForRun(options, &device, &error);
        if (!group && !error.empty()) {
            return failed(error);
        }
        auto family = engine::makeFamily(config, device, &error);
        if (!family) {
            return failed(error);
        }
        std::unique_ptr<ExperimentLog> log;
        if (!options.logPath.empty() && options.rank == 0) { // data-parallel: rank 0 logs
            log = ExperimentLog::open(options.logPath, &error);
            if (!log) {
                return failed(error);
            }
        }
        engine::TrainingSession session(config, std::move(family), device, log.get(), observer);
        session.setDistributed(group.get());
        return session.runNew(options);
    } catch (const std::exception& e) {
        return failed(std::string("internal error: ") + e.what());
    }
}

namespace engine {

RunOutcome resumeRun(const StoredRun& stored, const std::string& logPath,
                     const RunOptions& options, TrainingObserver* observer) {
    const int64_t runId = stored.summary.id;
    try {
        std::string error;
        StoredRun run = stored;
        if (run.summary.status == "finished") {
            return failed("run " + std::to_string(runId) + " already finished", runId);
        }
        // A run killed before its first checkpoint restarts from step 0 under the same id:
        // the seed fixes the initial weights and the batch order, and every row it logs
        // replaces the one the dead process wrote for the same step.
        applyOverrides(run.config, options);
        setThreads(run.config.train.threads);
        torch::Device device(torch::kCPU);
        if (!engine::resolveDevice(run.config.train.device, &device, &error)) {
            return failed(error, runId);
        }
        auto group = engine::joinForRun(options, &device, &error);
        if (!group && !error.empty()) {
            return failed(error, runId);
        }
        auto family = engine::makeFamily(run.config, device, &error);
        if (!family) {
            return failed(error, runId);
        }
        std::unique_ptr<ExperimentLog> log;
        if (options.rank == 0) { // data-parallel: the other ranks only read the checkpoint
            log = ExperimentLog::open(logPath, &error);
            if (!log) {
                return failed(error, runId);
            }
        }
        const CheckpointInfo* last = engine::pickCheckpoint(run.checkpoints, -1);
        const std::string lastPath = last ? last->path : std::string();
        const auto state =
            last ? engine::CheckpointState::fromJson(last->metricsJson) : engine::CheckpointState{};
        const std::string dir = options.checkpointDir.empty()
                                    ? engine::checkpointDirFor(logPath, runId)
                                    : options.checkpointDir;
        engine::TrainingSession session(run.config, std::move(family), device, log.get(),
                                        observer);
        session.setDistributed(group.get());
        return session.runResumed(runId, dir, lastPath, state);
    } catch (const std::exception& e) {
        return failed(std::string("internal error: ") + e.what(), runId);
    }
}

Result<RunOutcome> evaluateRun(const StoredRun& run) {
    const int64_t runId = run.summary.id;
    std::string err;
    auto fail = [](const std::string& message) { return Error{message}; };
    try {
        const CheckpointInfo* last = engine::pickCheckpoint(run.checkpoints, -1);
        if (!last) {
            return fail("run " + std::to_string(runId) + " has no checkpoint");
        }
        setThreads(run.config.train.threads);
        torch::Device device(torch::kCPU);
        if (!engine::resolveDevice(run.config.train.device, &device, &err)) {
            return fail(err);
        }
        auto family = engine::makeFamily(run.config, device, &err);
        if (!family) {
            return fail(err);
        }
        // The last checkpoint (the counterfactual table and traces use it too); training's
        // test/* come from best.pt.
        const std::string path = last->path;
        if (!engine::loadCheckpoint(path, *family, nullptr, &err)) {
            return fail(err);
        }
        family->setTraining(false);
        RunOutcome out;
        out.runId = runId;
        out.status = run.summary.status;
        out.steps = last->step;
        out.parameters = engine::countParameters(family->module());
        out.testCheckpoint = path;
        out.test = family->evaluate(engine::Split::Test, false);
        return out;
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}

} // namespace engine

} // namespace mor
