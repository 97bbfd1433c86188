#include "train/training_session.h"

#include "train/distributed.h"
#include "train/evaluator.h"
#include "train/lr_schedule.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <thread>
#include <tuple>

namespace mor::train {

namespace {
constexpr int64_t kRoutingSnapshotInputs = 2000; // validation inputs in each routing snapshot
// How long data-parallel ranks wait for rank 0's evaluation (a dead rank 0 fails at once).
constexpr std::chrono::milliseconds kEvaluationWait = std::chrono::hours(2);
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}
} // namespace

std::string checkpointDirFor(const std::string& logPath, int64_t runId) {
    return logPath + ".checkpoints/run-" + std::to_string(runId);
}

model::MoRModel buildModel(const ExperimentConfig& config, const Dataset& dataset,
                           const torch::Device& device) {
    model::ModelShape shape;
    shape.inputs = dataset.numFeatures;
    shape.classes = dataset.numClasses;
    shape.domains = std::max<int64_t>(1, dataset.numDomains());
    model::MoRModel m(config.model, shape);
    m->to(device);
    return m;
}

bool resolveDevice(const std::string& name, torch::Device* device, std::string* error) {
    if (name == "cuda" || name == "auto") {
        if (torch::cuda::is_available()) {
            *device = torch::Device(torch::kCUDA);
            return true;
        }
        if (name == "cuda") {
            *error = "train.device = \"cuda\" but this LibTorch build has no usable CUDA device; "
                     "use \"cpu\" or \"auto\"";
            return false;
        }
    }
    *device = torch::Device(torch::kCPU);
    return true;
}

TrainingSession::TrainingSession(ExperimentConfig config, Dataset dataset, torch::Device device,
                                 ExperimentLog* log, TrainingObserver* observer)
    : m_config(std::move(config)), m_dataset(std::move(dataset)), m_device(device), m_log(log),
      m_observer(observer) {
    torch::manual_seed(uint64_t(m_config.train.seed));
    m_data = DataTensors::fromDataset(m_dataset, m_device);
    m_model = buildModel(m_config, m_dataset, m_device);
    const auto& t = m_config.train;
    if (t.optimizer == "sgd") {
        m_sgd = std::make_unique<torch::optim::SGD>(
            m_model->parameters(),
            torch::optim::SGDOptions(t.learningRate).momentum(0.9).weight_decay(t.weightDecay));
        m_optimizer = m_sgd.get();
    } else {
        // adam = AdamW without decoupled decay
        m_adamw = std::make_unique<torch::optim::AdamW>(
            m_model->parameters(), torch::optim::AdamWOptions(t.learningRate)
                                       .weight_decay(t.optimizer == "adam" ? 0.0 : t.weightDecay));
        m_optimizer = m_adamw.get();
    }
    const int64_t take =
        std::min<int64_t>(kRoutingSnapshotInputs, int64_t(m_dataset.validation.size()));
    m_routingIds.assign(m_dataset.validation.begin(), m_dataset.validation.begin() + take);
}

void TrainingSession::event(const std::string& level, const std::string& message) {
    if (m_log && m_runId > 0) {
        m_log->logEvent(m_runId, level, message);
    }
    if (m_observer) {
        m_observer->onEvent(level, message);
    }
}

std::vector<int64_t> TrainingSession::epochOrder(int64_t epoch) const {
    // Shuffle order depends on (seed, epoch) only, so a resumed run sees the same batches.
    std::vector<int64_t> order = m_dataset.train;
    std::mt19937_64 rng(uint64_t(m_config.train.seed) * 1000003ull + uint64_t(epoch));
    for (size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[rng() % i]);
    }
    return order;
}

void TrainingSession::logSamples() {
    if (!m_log) {
        return;
    }
    std::vector<SampleInfo> samples;
    auto add = [&](int64_t id, const char* split) {
        SampleInfo s;
        s.sampleId = id;
        s.split = split;
        s.label = m_dataset.labels[size_t(id)];
        s.domain = m_dataset.domains.empty() ? 0 : m_dataset.domains[size_t(id)];
        s.preview = m_dataset.preview(id);
        s.input.assign(m_dataset.row(id), m_dataset.row(id) + m_dataset.numFeatures);
        samples.push_back(std::move(s));
    };
    std::vector<int64_t> probe = m_dataset.probe;
    for (int64_t id : probe) {
        add(id, "probe");
    }
    std::sort(probe.begin(), probe.end());
    for (int64_t id : m_routingIds) {
        if (!std::binary_search(probe.begin(), probe.end(), id)) {
            add(id, "validation");
        }
    }
    m_log->logSamples(m_runId, samples);
}

RunOutcome TrainingSession::runNew(const RunOptions& options) {
    if (m_log) {
        RunInfo info;
        info.name = options.name.empty() ? m_config.name : options.name;
        if (info.name.empty()) {
            info.name = m_dataset.name;
        }
        info.configJson = toJson(m_config);
        info.dataset = m_dataset.name;
        info.device = m_device.str();
        info.seed = m_config.train.seed;
        info.tags = options.tags;
        if (m_group) {
            info.tags.push_back("world_size=" + std::to_string(m_group->worldSize()));
        }
        m_runId = m_log->createRun(info);
        m_checkpointDir = options.checkpointDir.empty() ? checkpointDirFor(m_log->path(), m_runId)
                                                        : options.checkpointDir;
        logSamples();
    }
    return loop(CheckpointState{});
}

RunOutcome TrainingSession::runResumed(int64_t runId, const std::string& checkpointDir,
                                       const std::string& checkpointPath,
                                       const CheckpointState& state) {
    m_runId = runId;
    m_checkpointDir = checkpointDir;
    std::string error;
    if (checkpointPath.empty()) { // killed before its first checkpoint: start again
        if (m_log) {
            m_log->setStatus(runId, "running");
            logSamples();
        }
        event("info", "no checkpoint to resume from: restarting from step 0");
        return loop(state);
    }
    if (!loadCheckpoint(checkpointPath, m_model, m_optimizer, &error)) {
        RunOutcome out;
        out.runId = runId;
        out.status = "failed";
        out.error = error;
        return out;
    }
    m_lastCheckpoint = checkpointPath;
    m_criticTemperatures = m_model->criticTemperatures();
    useCalibratedCritics(false);
    if (m_log) {
        m_log->setStatus(runId, "running");
    }
    event("info", "resumed from checkpoint at step " + std::to_string(state.step));
    return loop(state);
}

bool TrainingSession::writeCheckpoint(const CheckpointState& state, bool best) {
    if (m_checkpointDir.empty()) {
        return true;
    }
    char name[64];
    std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(state.step));
    const std::string path = m_checkpointDir + "/" + name;
    std::string error;
    if (!saveCheckpoint(path, m_model, m_optimizer, &error)) {
        event("error", error);
        return false;
    }
    if (best) {
        saveCheckpoint(m_checkpointDir + "/best.pt", m_model, nullptr, &error);
    }
    m_lastCheckpoint = path;
    if (m_log) {
        m_log->logCheckpoint(m_runId, state.step, path, state.toJson());
    }
    return true;
}

void TrainingSession::useCalibratedCritics(bool calibrated) {
    // Post-hoc calibration (Guo et al.): the network trains with the raw critic, T = 1. Training
    // with the fitted T in the critique loss lets the critic grow its logits by T, so the next
    // fit finds a larger T again (measured: T 9 -> 55 over 2000 steps on parity-reflection).
    if (m_config.model.calibration != "temperature" || m_criticTemperatures.empty()) {
        return;
    }
    m_model->setCriticTemperatures(
        calibrated ? m_criticTemperatures : std::vector<double>(m_criticTemperatures.size(), 1.0));
}

void TrainingSession::evaluateAndLog(CheckpointState& state, bool* improved) {
    useCalibratedCritics(true); // validation halts as the last checkpoint would
    RoutingCapture routing;
    routing.maxSamples = (m_log && m_config.train.logTraces) ? int64_t(m_routingIds.size()) : 0;
    CritiqueCapture critique;
    EvalResult val = evaluate(m_model, m_data, m_dataset.validation,
                              std::max<int64_t>(256, m_config.train.batchSize), "validation",
                              &routing, &critique);
    std::map<std::string, double> calibrated;
    if (m_config.model.calibration == "temperature") {
        // Held out: fitted on validation, set before the checkpoint is written.
        calibrated = calibrateCritics(m_model, critique);
        m_criticTemperatures = m_model->criticTemperatures();
    }
    ++state.evaluations;
    *improved = val.accuracy > state.bestAccuracy;
    if (*improved) {
        state.bestAccuracy = val.accuracy;
        state.bestStep = state.step;
        state.badEvaluations = 0;
    } else {
        ++state.badEvaluations;
    }
    if (m_log) {
        auto metrics = val.scalars("val");
        metrics.insert(calibrated.begin(), calibrated.end());
        m_log->logMetrics(m_runId, state.step, metrics);
        if (m_config.train.logTraces) {
            const int64_t experts = int64_t(m_config.model.experts.size());
            m_log->logRouting(m_runId, state.step, int64_t(routing.sampleIds.size()), experts,
                              routing.probs, routing.mask, routing.sampleIds);
            if (!m_dataset.probe.empty()) {
                auto probe = m_data.batch(m_dataset.probe);
                m_log->logTraces(m_runId, state.step,
                                 m_model->trace(probe.x, probe.y, probe.domain, m_dataset.probe));
            }
        }
    }
    if (m_observer) {
        m_observer->onEvaluation(state.step, val);
    }
}

bool TrainingSession::startDistributed(int64_t step, std::string* error) {
    // Same seed, same initialisation on every rank already; the broadcast makes it certain
    // (and carries rank 0's checkpoint to the others on resume).
    std::vector<torch::Tensor> tensors = m_model->parameters();
    for (const auto& b : m_model->buffers()) {
        tensors.push_back(b);
    }
    if (!m_group->broadcastTensors(tensors, error)) {
        return false;
    }
    const int64_t world = m_group->worldSize();
    const int64_t batch = m_config.train.batchSize;
    event("info", "data-parallel training on " + std::to_string(world) + " processes (" +
                      m_group->backend() + "): global batch " + std::to_string(batch) + ", " +
                      std::to_string(batch / world) + "-" +
                      std::to_string((batch + world - 1) / world) + " inputs per process");
    if (m_log) {
        m_log->logMetrics(m_runId, step, {{"dist/world_size", double(world)}});
    }
    return true;
}

RunOutcome TrainingSession::loop(CheckpointState state) {
    RunOutcome out;
    out.runId = m_runId;
    const auto& t = m_config.train;
    const auto started = Clock::now();
    for (const auto& p : m_model->parameters()) {
        out.parameters += p.numel();
    }

    const int64_t batch = t.batchSize;
    const int64_t accumulation = std::max<int64_t>(1, t.accumulation);
    const int64_t microBatches = (int64_t(m_dataset.train.size()) + batch - 1) / batch;
    const int64_t stepsPerEpoch = std::max<int64_t>(1, microBatches / accumulation);
    const int64_t totalSteps = stepsPerEpoch * t.epochs;
    const int64_t evalEvery = t.evalEvery > 0 ? t.evalEvery : stepsPerEpoch;
    const int64_t checkpointEvery = t.checkpointEvery > 0 ? t.checkpointEvery : evalEvery;
    if (microBatches < accumulation) {
        out.error = "train.accumulation = " + std::to_string(accumulation) + " with train.batch_size = " +
                    std::to_string(batch) + " needs more training samples than the " +
                    std::to_string(m_dataset.train.size()) + " there are";
    } else if (m_group && batch < m_group->worldSize()) {
        out.error = "train.batch_size = " + std::to_string(batch) + " is the global batch and " +
                    "is smaller than the " + std::to_string(m_group->worldSize()) +
                    " data-parallel processes";
    } else if (m_group && !startDistributed(state.step, &out.error)) {
        // out.error says which collective failed
    }
    if (!out.error.empty()) {
        out.status = "failed";
        event("error", out.error);
        if (m_log) {
            m_log->setStatus(m_runId, "failed");
            m_log->flush();
        }
        return out;
    }
    LrSchedule schedule(t, totalSteps, stepsPerEpoch);
    if (m_observer) {
        m_observer->onStarted(m_runId, totalSteps);
    }
    if (state.step == 0) {
        event("info", "training " + std::to_string(out.parameters) + " parameters for " +
                          std::to_string(totalSteps) + " steps on " + m_device.str());
    }

    std::string status = "finished";
    bool earlyStopped = false;
    auto windowStart = Clock::now();
    int64_t windowSamples = 0;
    m_model->train();
    while (state.step < totalSteps && status == "finished" && !earlyStopped) {
        const int64_t epoch = state.step / stepsPerEpoch;
        const std::vector<int64_t> order = epochOrder(epoch);
        // Skip the micro-batches a resumed run has already done in this epoch.
        int64_t micro = (state.step % stepsPerEpoch) * accumulation;
        while (micro + accumulation <= microBatches && state.step < totalSteps && !earlyStopped) {
            bool stopAsked = false;
            if (m_observer) {
                // Data-parallel ranks cannot pause alone: the others would time out waiting.
                while (!m_group && m_observer->pauseRequested() && !m_observer->stopRequested()) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
                stopAsked = m_observer->stopRequested();
                if (stopAsked && !m_group) {
                    status = "stopped";
                    break;
                }
            }
            const double lr = schedule.at(state.step);
            for (auto& group : m_optimizer->param_groups()) {
                group.options().set_lr(lr);
            }
            m_optimizer->zero_grad();
            double lossValue = 0, correct = 0;
            int64_t seen = 0;
            std::map<std::string, double> terms;
            bool finite = true;
            std::string badTerm;
            for (int64_t a = 0; a < accumulation; ++a, ++micro) {
                int64_t begin = micro * batch;
                int64_t end = std::min<int64_t>(int64_t(order.size()), begin + batch);
                // Data-parallel: this rank's slice of the global micro-batch, its loss weighted
                // so that the average over ranks is the loss of the whole micro-batch.
                double share = 1.0;
                if (m_group) {
                    const double globalRows = double(end - begin);
                    std::tie(begin, end) = m_group->shard(begin, end);
                    share = double(end - begin) * double(m_group->worldSize()) / globalRows;
                    if (end <= begin) {
                        continue;
                    }
                }
                std::vector<int64_t> ids(order.begin() + begin, order.begin() + end);
                auto b = m_data.batch(ids);
                model::ForwardOutput fo = m_model->forward(b.x, b.y, b.domain);
                if (m_group) {
                    fo.totalLoss = fo.totalLoss * share;
                    for (auto& [name, v] : fo.losses) {
                        v = v * share;
                    }
                }
                const double total = fo.totalLoss.item<double>();
                if (!std::isfinite(total)) {
                    finite = false;
                    for (const auto& [name, v] : fo.losses) {
                        if (!std::isfinite(v.item<double>())) {
                            badTerm = name;
                        }
                    }
                    break;
                }
                (fo.totalLoss / double(accumulation)).backward();
                lossValue += total / double(accumulation);
                for (const auto& [name, v] : fo.losses) {
                    terms[name] += v.item<double>() / double(accumulation);
                }
                correct += fo.logits.argmax(1).eq(b.y).sum().item<double>();
                seen += end - begin;
            }
            if (m_group) {
                StepStats st{lossValue, correct, seen, finite, stopAsked, terms};
                std::string error;
                if (!m_group->reduceStep(m_model->parameters(), &st, &error)) {
                    status = "failed";
                    out.error = error + " at step " + std::to_string(state.step + 1);
                    event("error", out.error);
                    break;
                }
                if (st.stop) {
                    status = "stopped";
                    break;
                }
                if (finite && !st.finite) {
                    badTerm = "loss on another data-parallel process";
                }
                lossValue = st.loss;
                correct = st.correct;
                seen = st.seen;
                finite = st.finite;
                terms = st.terms;
            }
            if (finite && t.clipNorm > 0) {
                const double norm =
                    torch::nn::utils::clip_grad_norm_(m_model->parameters(), t.clipNorm);
                finite = std::isfinite(norm);
                if (!finite) {
                    badTerm = "gradient norm";
                }
            }
            if (!finite) {
                status = "failed";
                out.error = "training diverged at step " + std::to_string(state.step + 1) +
                            ": non-finite " + (badTerm.empty() ? "loss" : badTerm) +
                            (m_lastCheckpoint.empty()
                                 ? std::string("; no checkpoint was written yet")
                                 : "; the last good checkpoint is kept: " + m_lastCheckpoint) +
                            ". Lower train.learning_rate or set train.clip_norm.";
                event("error", out.error);
                break;
            }
            m_optimizer->step();
            ++state.step;
            windowSamples += seen;

            TrainingProgress progress;
            progress.runId = m_runId;
            progress.step = state.step;
            progress.totalSteps = totalSteps;
            progress.epoch = epoch + 1;
            progress.epochs = t.epochs;
            progress.loss = lossValue;
            progress.learningRate = lr;
            progress.lossTerms = terms;
            const double window = seconds(windowStart);
            progress.samplesPerSecond = window > 0 ? double(windowSamples) / window : 0.0;
            const double elapsed = seconds(started);
            progress.etaSeconds =
                elapsed / double(std::max<int64_t>(1, state.step)) * double(totalSteps - state.step);
            if (window > 2.0) {
                windowStart = Clock::now();
                windowSamples = 0;
            }
            if (m_log) {
                std::map<std::string, double> m{{"train/loss", lossValue},
                                                {"train/lr", lr},
                                                {"train/accuracy", correct / double(std::max<int64_t>(1, seen))},
                                                {"train/throughput", progress.samplesPerSecond}};
                for (const auto& [name, v] : terms) {
                    m["train/loss/" + name] = v;
                }
                m_log->logMetrics(m_runId, state.step, m);
            }
            if (m_observer) {
                m_observer->onProgress(progress);
            }

            const bool evalNow = state.step % evalEvery == 0 || state.step == totalSteps;
            if (evalNow && (!m_group || m_group->isMain())) {
                bool improved = false;
                evaluateAndLog(state, &improved);
                if (state.step % checkpointEvery == 0 || state.step == totalSteps || improved) {
                    writeCheckpoint(state, improved);
                }
                if (t.earlyStopPatience > 0 && state.badEvaluations >= t.earlyStopPatience) {
                    event("info", "early stop at step " + std::to_string(state.step) +
                                      ": no better validation accuracy for " +
                                      std::to_string(state.badEvaluations) + " evaluations");
                    earlyStopped = true;
                }
                useCalibratedCritics(false); // back to the raw critic for training
            }
            if (evalNow && m_group) {
                // The other ranks wait here while rank 0 evaluates, then learn its decision.
                std::vector<double> decision{earlyStopped ? 1.0 : 0.0};
                std::string error;
                if (!m_group->broadcastValues(&decision, kEvaluationWait, &error)) {
                    status = "failed";
                    out.error = error + " at step " + std::to_string(state.step);
                    event("error", out.error);
                    break;
                }
                earlyStopped = decision[0] > 0.0;
            }
        }
    }

    out.steps = state.step;
    if (status != "failed" && (!m_group || m_group->isMain())) {
        // Test on the best model seen on validation, when there is one.
        const std::string best = m_checkpointDir.empty() ? "" : m_checkpointDir + "/best.pt";
        std::string error;
        if (!best.empty() && std::filesystem::exists(best)) {
            loadCheckpoint(best, m_model, nullptr, &error); // with its temperatures
        } else {
            useCalibratedCritics(true);
        }
        out.test = evaluate(m_model, m_data, m_dataset.test,
                            std::max<int64_t>(256, t.batchSize), "test");
        if (m_log) {
            m_log->logMetrics(m_runId, state.step, out.test.scalars("test"));
        }
        if (status == "stopped") {
            event("info", "stopped by the user at step " + std::to_string(state.step));
            if (state.step > 0) {
                writeCheckpoint(state, false);
            }
        }
    }
    out.status = status;
    out.seconds = seconds(started);
    if (m_log) {
        m_log->setStatus(m_runId, status);
        m_log->flush();
    }
    if (m_observer) {
        m_observer->onFinished(status);
    }
    return out;
}

} // namespace mor::train
