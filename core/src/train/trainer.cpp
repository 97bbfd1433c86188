// The public entry points of core/include/mor/trainer.h.
#include "mor/trainer.h"

#include "mor/log_reader.h"
#include "model/counterfactual.h"
#include "seq/sequence_trainer.h"
#include "train/checkpoint.h"
#include "train/distributed.h"
#include "train/evaluator.h"
#include "train/training_session.h"

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
    if (!options.device.empty()) {
        config.train.device = options.device;
    }
    if (options.threads >= 0) {
        config.train.threads = options.threads;
    }
}

/// The config, data set and device of a logged run.
struct LoadedRun {
    ExperimentConfig config;
    Dataset dataset;
    torch::Device device{torch::kCPU};
    RunSummary summary;
    std::vector<CheckpointInfo> checkpoints;
};

bool loadRun(const std::string& logPath, int64_t runId, LoadedRun* run, std::string* error) {
    auto reader = LogReader::open(logPath, error);
    if (!reader) {
        return false;
    }
    auto summary = reader->run(runId);
    if (!summary) {
        *error = "run " + std::to_string(runId) + " is not in " + logPath;
        return false;
    }
    auto parsed = parseConfig(summary->configJson);
    if (!parsed.ok()) {
        *error = "the stored config of run " + std::to_string(runId) +
                 " is not valid for this version: " + parsed.message();
        return false;
    }
    auto data = loadDataset(parsed.config.data, parsed.config.train.seed);
    if (!data.ok()) {
        *error = data.error;
        return false;
    }
    if (!train::resolveDevice(parsed.config.train.device, &run->device, error)) {
        return false;
    }
    run->config = parsed.config;
    run->dataset = std::move(data.dataset);
    run->summary = *summary;
    run->checkpoints = reader->checkpoints(runId);
    return true;
}

} // namespace

void setThreads(int64_t threads) {
    const int64_t n = threads > 0 ? threads : int64_t(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(int(n));
}

std::string bestDevice() { return torch::cuda::is_available() ? "cuda" : "cpu"; }

int64_t countParameters(const ExperimentConfig& config, int64_t numFeatures, int64_t numClasses,
                        int64_t numDomains) {
    model::ModelShape shape{numFeatures, numClasses, std::max<int64_t>(1, numDomains)};
    model::MoRModel m(config.model, shape);
    int64_t n = 0;
    for (const auto& p : m->parameters()) {
        n += p.numel();
    }
    return n;
}

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
        if (config.model.family == "recursion") { // Mixture-of-Recursions: core/src/seq
            return seq::trainSequenceExperiment(config, options, observer);
        }
        torch::Device device(torch::kCPU);
        std::string error;
        if (!train::resolveDevice(config.train.device, &device, &error)) {
            return failed(error);
        }
        auto data = loadDataset(config.data, config.train.seed);
        if (!data.ok()) {
            return failed(data.error);
        }
        auto group = train::joinForRun(options, &device, &error);
        if (!group && !error.empty()) {
            return failed(error);
        }
        std::unique_ptr<ExperimentLog> log;
        if (!options.logPath.empty() && options.rank == 0) { // data-parallel: rank 0 logs
            log = ExperimentLog::open(options.logPath, &error);
            if (!log) {
                return failed(error);
            }
        }
        train::TrainingSession session(config, std::move(data.dataset), device, log.get(),
                                       observer);
        session.setDistributed(group.get());
        return session.runNew(options);
    } catch (const std::exception& e) {
        return failed(std::string("internal error: ") + e.what());
    }
}

RunOutcome resumeExperiment(const std::string& logPath, int64_t runId, const RunOptions& options,
                            TrainingObserver* observer) {
    try {
        if (seq::isSequenceRun(logPath, runId)) { // Mixture-of-Recursions: core/src/seq
            return seq::resumeSequenceExperiment(logPath, runId, options, observer);
        }
        std::string error;
        LoadedRun run;
        if (!loadRun(logPath, runId, &run, &error)) {
            return failed(error, runId);
        }
        if (run.summary.status == "finished") {
            return failed("run " + std::to_string(runId) + " already finished", runId);
        }
        // A run killed before its first checkpoint restarts from step 0 under the same id:
        // the seed fixes the initial weights and the batch order, and every row it logs
        // replaces the one the dead process wrote for the same step.
        applyOverrides(run.config, options);
        setThreads(run.config.train.threads);
        auto group = train::joinForRun(options, &run.device, &error);
        if (!group && !error.empty()) {
            return failed(error, runId);
        }
        std::unique_ptr<ExperimentLog> log;
        if (options.rank == 0) { // data-parallel: the other ranks only read the checkpoint
            log = ExperimentLog::open(logPath, &error);
            if (!log) {
                return failed(error, runId);
            }
        }
        const bool fromStart = run.checkpoints.empty();
        const std::string lastPath = fromStart ? std::string() : run.checkpoints.back().path;
        const auto state = fromStart ? train::CheckpointState{}
                                     : train::CheckpointState::fromJson(
                                           run.checkpoints.back().metricsJson);
        const std::string dir = options.checkpointDir.empty()
                                    ? train::checkpointDirFor(logPath, runId)
                                    : options.checkpointDir;
        train::TrainingSession session(run.config, std::move(run.dataset), run.device, log.get(),
                                       observer);
        session.setDistributed(group.get());
        return session.runResumed(runId, dir, lastPath, state);
    } catch (const std::exception& e) {
        return failed(std::string("internal error: ") + e.what(), runId);
    }
}

namespace {
/// The checkpoint of `run` at `step` (the last one when step < 0, else the latest <= step).
const CheckpointInfo* pickCheckpoint(const LoadedRun& run, int64_t step) {
    const CheckpointInfo* pick = nullptr;
    for (const auto& c : run.checkpoints) {
        if (step < 0 || c.step <= step) {
            pick = &c;
        }
    }
    return pick;
}
} // namespace

RunOutcome evaluateRun(const std::string& logPath, int64_t runId, std::string* error) {
    std::string err;
    LoadedRun run;
    try {
        if (seq::isSequenceRun(logPath, runId)) { // Mixture-of-Recursions: core/src/seq
            RunOutcome out = seq::evaluateSequenceRun(logPath, runId);
            if (error) {
                *error = out.error;
            }
            return out;
        }
        if (!loadRun(logPath, runId, &run, &err)) {
            if (error) {
                *error = err;
            }
            return failed(err, runId);
        }
        const CheckpointInfo* ckpt = pickCheckpoint(run, -1);
        if (!ckpt) {
            err = "run " + std::to_string(runId) + " has no checkpoint";
            if (error) {
                *error = err;
            }
            return failed(err, runId);
        }
        setThreads(run.config.train.threads);
        auto model = train::buildModel(run.config, run.dataset, run.device);
        if (!train::loadCheckpoint(ckpt->path, model, nullptr, &err)) {
            if (error) {
                *error = err;
            }
            return failed(err, runId);
        }
        auto data = train::DataTensors::fromDataset(run.dataset, run.device);
        RunOutcome out;
        out.runId = runId;
        out.status = run.summary.status;
        out.steps = ckpt->step;
        for (const auto& p : model->parameters()) {
            out.parameters += p.numel();
        }
        out.test = train::evaluate(model, data, run.dataset.test,
                                   std::max<int64_t>(256, run.config.train.batchSize), "test");
        return out;
    } catch (const std::exception& e) {
        err = std::string("internal error: ") + e.what();
        if (error) {
            *error = err;
        }
        return failed(err, runId);
    }
}

std::vector<SampleTrace> traceCheckpoint(const std::string& logPath, int64_t runId, int64_t step,
                                         const std::vector<int64_t>& sampleIds,
                                         std::string* error) {
    TraceRequest request;
    request.logPath = logPath;
    request.runId = runId;
    request.step = step;
    request.sampleIds = sampleIds;
    return traceCounterfactual(request, error);
}

namespace {
/// A reflection run's checkpoint, loaded onto its device (counterfactuals and traces).
struct LoadedModel {
    LoadedRun run;
    const CheckpointInfo* checkpoint = nullptr;
    model::MoRModel model{nullptr};
};

bool loadModel(const std::string& logPath, int64_t runId, int64_t step, LoadedModel* out,
               std::string* error) {
    if (seq::isSequenceRun(logPath, runId)) {
        *error = "run " + std::to_string(runId) + " is a Mixture-of-Recursions sequence "
                 "run: trace text with traceSequenceCheckpoint (mor generate)";
        return false;
    }
    if (!loadRun(logPath, runId, &out->run, error)) {
        return false;
    }
    out->checkpoint = pickCheckpoint(out->run, step);
    if (!out->checkpoint) {
        *error = "run " + std::to_string(runId) + " has no checkpoint" +
                 (step >= 0 ? " at or before step " + std::to_string(step) : std::string());
        return false;
    }
    out->model = train::buildModel(out->run.config, out->run.dataset, out->run.device);
    return train::loadCheckpoint(out->checkpoint->path, out->model, nullptr, error);
}
} // namespace

std::vector<SampleTrace> traceCounterfactual(const TraceRequest& request, std::string* error) {
    std::string err;
    const auto fail = [&](const std::string& message) {
        if (error) {
            *error = message;
        }
        return std::vector<SampleTrace>{};
    };
    try {
        LoadedModel loaded;
        if (!loadModel(request.logPath, request.runId, request.step, &loaded, &err)) {
            return fail(err);
        }
        const auto& dataset = loaded.run.dataset;
        const std::string bad = model::checkIntervention(
            request.intervention, int64_t(loaded.run.config.model.experts.size()));
        if (!bad.empty()) {
            return fail(bad);
        }
        if (!request.features.empty()) { // typed inputs: no label, no domain
            std::vector<float> flat;
            std::vector<int64_t> ids;
            for (const auto& row : request.features) {
                if (int64_t(row.size()) != dataset.numFeatures) {
                    return fail("a typed input has " + std::to_string(row.size()) +
                                " features; the run's data set has " +
                                std::to_string(dataset.numFeatures));
                }
                flat.insert(flat.end(), row.begin(), row.end());
                ids.push_back(-1);
            }
            const auto x = torch::tensor(flat).view({int64_t(ids.size()), dataset.numFeatures});
            return loaded.model->trace(x, {}, {}, ids, request.intervention);
        }
        for (int64_t id : request.sampleIds) {
            if (id < 0 || id >= dataset.size()) {
                return fail("sample " + std::to_string(id) + " is not in the data set (0.." +
                            std::to_string(dataset.size() - 1) + ")");
            }
        }
        auto data = train::DataTensors::fromDataset(dataset, loaded.run.device);
        auto b = data.batch(request.sampleIds);
        return loaded.model->trace(b.x, b.y, b.domain, request.sampleIds, request.intervention);
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}

bool counterfactualTable(const std::string& logPath, int64_t runId, int64_t step,
                         CounterfactualTable* table, std::string* error) {
    std::string err;
    try {
        LoadedModel loaded;
        if (!loadModel(logPath, runId, step, &loaded, &err)) {
            if (error) {
                *error = err;
            }
            return false;
        }
        setThreads(loaded.run.config.train.threads);
        auto data = train::DataTensors::fromDataset(loaded.run.dataset, loaded.run.device);
        auto b = data.batch(loaded.run.dataset.test);
        CounterfactualTable out;
        out.runId = runId;
        out.step = loaded.checkpoint->step;
        out.samples = int64_t(loaded.run.dataset.test.size());
        out.rows = model::counterfactualRows(
            *loaded.model, b.x, b.y, b.domain,
            std::max<int64_t>(256, loaded.run.config.train.batchSize), &out.maxDepth,
            &out.bestExpert);
        *table = std::move(out);
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = std::string("internal error: ") + e.what();
        }
        return false;
    }
}

bool exportWeights(const std::string& logPath, int64_t runId, const std::string& outPath,
                   std::string* error) {
    std::string err;
    try {
        LoadedRun run;
        if (!loadRun(logPath, runId, &run, &err)) {
            if (error) {
                *error = err;
            }
            return false;
        }
        const CheckpointInfo* ckpt = pickCheckpoint(run, -1);
        if (!ckpt) {
            if (error) {
                *error = "run " + std::to_string(runId) + " has no checkpoint";
            }
            return false;
        }
        auto model = train::buildModel(run.config, run.dataset, torch::Device(torch::kCPU));
        if (!train::loadCheckpoint(ckpt->path, model, nullptr, error)) {
            return false;
        }
        // torch::save writes a TorchScript archive; Python reads it with torch.jit.load().
        torch::save(model, outPath);
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = std::string("cannot export weights: ") + e.what();
        }
        return false;
    }
}

} // namespace mor
