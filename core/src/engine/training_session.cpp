// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training_session.h"

#include "compat/torch_compat.h"
#include "engine/distributed.h"
#include "engine/lr_schedule.h"
#include "engine/optimizer.h"
#include "mor/run_audit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <thread>
#include <tuple>

namespace mor::engine {

namespace {
// How long data-parallel ranks wait for rank 0's evaluation (a dead rank 0 fails at once).
constexpr std::chrono::milliseconds kEvaluationWait = std::chrono::hours(2);
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}
} // namespace

TrainingSession::TrainingSession(ExperimentConfig config, std::unique_ptr<ModelFamily> family,
                                 torch::Device device, ExperimentLog* log,
                                 TrainingObserver* observer)
    : m_config(std::move(config)), m_family(std::move(family)), m_device(device), m_log(log),
      m_observer(observer) {
    m_optimizer = makeOptimizer(m_config.train, m_family->module().parameters(), &m_optimizerName);
}

void TrainingSession::event(const std::string& level, const std::string& message) {
    if (m_log && m_runId > 0) {
        m_log->logEvent(m_runId, level, message);
    }
    if (m_observer) {
        m_observer->onEvent(level, message);
    }
}

RunOutcome TrainingSession::runNew(const RunOptions& options) {
    if (m_log) {
        RunInfo info = m_family->runInfo();
        if (!options.name.empty()) {
            info.name = options.name;
        } else if (!m_config.name.empty()) {
            info.name = m_config.name;
        }
        info.configJson = toJson(m_config);
        info.device = m_device.str();
        info.seed = m_config.train.seed;
        info.tags.insert(info.tags.begin(), options.tags.begin(), options.tags.end());
        if (m_group) {
            info.tags.push_back("world_size=" + std::to_string(m_group->worldSize()));
        }
        m_runId = m_log->createRun(info);
        // The audit trail (who, where, how, config and data hashes) next to the run's row.
        RunAudit audit = collectRunAudit(info.configJson, info.device, compat::torchVersion(),
                                         info.tags);
        audit.runId = m_runId;
        if (m_runId > 0 && !m_log->recordAudit(audit)) {
            event("warning", "audit trail not recorded: " + m_log->lastError());
        }
        m_checkpointDir = options.checkpointDir.empty() ? checkpointDirFor(m_log->path(), m_runId)
                                                        : options.checkpointDir;
        m_log->logSamples(m_runId, m_family->samples());
    }
    return loop(CheckpointState{});
}

RunOutcome TrainingSession::runResumed(int64_t runId, const std::string& checkpointDir,
                                       const std::string& checkpointPath,
                                       const CheckpointState& state) {
    m_runId = runId;
    m_checkpointDir = checkpointDir;
    // Who continued the run, where and how (read back into the run's audit by mor show).
    event("info", "resumed by " + auditUserAtHost() + ": " + processCommandLine());
    std::string error;
    if (checkpointPath.empty()) { // killed before its first checkpoint: start again
        if (m_log) {
            m_log->setStatus(runId, "running");
            m_log->logSamples(m_runId, m_family->samples());
        }
        event("info", "no checkpoint to resume from: restarting from step 0");
        return loop(state);
    }
    if (!loadCheckpoint(checkpointPath, *m_family, m_optimizer.get(), &error)) {
        RunOutcome out;
        out.runId = runId;
        out.status = "failed";
        out.error = error;
        return out;
    }
    m_lastCheckpoint = m_queuedCheckpoint = checkpointPath;
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
    const std::string path = checkpointFile(m_checkpointDir, state.step);
    // Written on the checkpoint writer's thread from copies taken now; the log row that
    // announces it (to readers, resume, mor eval) is queued once its files are in place.
    ExperimentLog* log = m_log;
    const int64_t run = m_runId, step = state.step;
    const std::string json = state.toJson();
    std::string error;
    const bool queued = m_checkpoints.save(
        path, best ? bestCheckpointFile(m_checkpointDir) : std::string(), *m_family,
        m_optimizer.get(),
        [log, run, step, json](const CheckpointWriter::Written& written) {
            if (written.ok && log) {
                log->logCheckpoint(run, step, written.path, json);
            }
        },
        &error);
    if (!queued) {
        event("error", error);
        return false;
    }
    m_queuedCheckpoint = path;
    if (best) {
        m_bestQueuedStep = state.step;
    }
    return true;
}

bool TrainingSession::finishCheckpoints() {
    bool bestWritten = true;
    for (const auto& written : m_checkpoints.wait()) {
        if (written.ok) {
            m_lastCheckpoint = written.path;
        }
        bestWritten = bestWritten && written.bestOk;
        if (!written.error.empty()) {
            event("error", written.error);
        }
    }
    return bestWritten;
}

void TrainingSession::evaluateAndLog(CheckpointState& state, bool* improved) {
    const bool capture = m_log && m_config.train.logTraces;
    EvalResult val = m_family->evaluate(Split::Validation, capture);
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
        m_log->logMetrics(m_runId, state.step, val.metrics);
        if (capture) {
            m_family->logTraces(*m_log, m_runId, state.step);
        }
    }
    if (m_observer) {
        m_observer->onEvaluation(state.step, val);
    }
}

bool TrainingSession::startDistributed(int64_t step, std::string* error) {
    // Same seed, same initialisation on every rank already; the broadcast makes it certain
    // (and carries rank 0's checkpoint to the others on resume).
    std::vector<torch::Tensor> tensors = m_family->module().parameters();
    for (const auto& b : m_family->module().buffers()) {
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

bool TrainingSession::weightsFinite() {
    torch::NoGradGuard noGrad;
    for (const auto& p : m_family->module().parameters()) {
        if (!torch::isfinite(p).all().item<bool>()) {
            return false;
        }
    }
    return true;
}

RunOutcome TrainingSession::fail(RunOutcome out) {
    out.status = "failed";
    finishCheckpoints();
    event("error", out.error);
    if (m_log) {
        m_log->setStatus(m_runId, "failed");
        m_log->flush();
    }
    if (m_observer) {
        m_observer->onFinished("failed");
    }
    return out;
}

bool TrainingSession::restoreBestWeights() {
    if (!m_bestWeights.restore(m_family->module())) {
        return false;
    }
    m_family->weightsRestored();
    return true;
}

void TrainingSession::testOnBest(RunOutcome& out, const CheckpointState& state) {
    // Test on the best model seen on validation, with or without a log: the weights this
    // session kept in memory at that evaluation, else (a resumed run whose best came before the
    // resume) its best.pt, else the final weights.
    const int64_t step = state.step;
    const std::string best = m_checkpointDir.empty() ? "" : bestCheckpointFile(m_checkpointDir);
    bool tested = false;
    const int64_t bestStep = m_bestWeights.step();
    if (bestStep >= 0 && (bestStep == step || restoreBestWeights())) {
        tested = true;
        out.testStep = bestStep;
        if (!best.empty() && m_bestQueuedStep == bestStep) {
            // best.pt is (being) written from the same weights; loop() waits for it before the
            // run ends (tst_engine compares the test metrics with a read of it).
            out.testCheckpoint = best;
        }
    } else if (bestStep >= 0) {
        event("warning", "the best validation's weights no longer fit the model; testing " +
                             std::string(best.empty() ? "the final weights" : "best.pt"));
    }
    if (!tested && !best.empty()) {
        m_checkpoints.waitFor(best); // complete before it is read; later ones write on
        std::string error;
        std::error_code ec;
        if (std::filesystem::exists(best, ec)) {
            if (loadCheckpoint(best, *m_family, nullptr, &error)) {
                out.testCheckpoint = best;
                out.testStep = state.bestStep >= 0 ? state.bestStep : step;
                tested = true;
            } else {
                event("warning", error + "; testing the final weights");
            }
        }
    }
    if (!tested) {
        out.testStep = step;
    }
    m_family->setTraining(false);
    out.test = m_family->evaluate(Split::Test, false);
    if (m_log) {
        m_log->logMetrics(m_runId, step, out.test.metrics);
    }
}

RunOutcome TrainingSession::loop(CheckpointState state) {
    RunOutcome out;
    out.runId = m_runId;
    out.optimizer = m_optimizerName;
    const auto& t = m_config.train;
    const auto started = Clock::now();
    out.parameters = countParameters(m_family->module());

    const int64_t batch = t.batchSize;
    const int64_t accumulation = std::max<int64_t>(1, t.accumulation);
    const int64_t rows = int64_t(m_family->epochOrder(0).size());
    const int64_t microBatches = (rows + batch - 1) / batch;
    const int64_t stepsPerEpoch = std::max<int64_t>(1, microBatches / accumulation);
    const int64_t totalSteps = stepsPerEpoch * t.epochs;
    const int64_t evalEvery = t.evalEvery > 0 ? t.evalEvery : stepsPerEpoch;
    const int64_t checkpointEvery = t.checkpointEvery > 0 ? t.checkpointEvery : evalEvery;
    // train.precision bf16: mixed precision. Only the training forward pass (with the loss
    // terms it computes) runs under autocast; backward, clipping, the optimizer step, the
    // float32 weights and evaluation stay as in fp32.
    const bool bf16 = t.precision == Precision::Bf16;
    if (microBatches < accumulation) {
        out.error = "train.accumulation = " + std::to_string(accumulation) +
                    " with train.batch_size = " + std::to_string(batch) +
                    " needs more training samples than the " + std::to_string(rows) + " there are";
    } else if (m_group && batch < m_group->worldSize()) {
        out.error = "train.batch_size = " + std::to_string(batch) + " is the global batch and " +
                    "is smaller than the " + std::to_string(m_group->worldSize()) +
                    " data-parallel processes";
    } else if (bf16 && !compat::autocastSupported(m_device, torch::kBFloat16)) {
        out.error = "train.precision = \"bf16\" is not supported on " + m_device.str() +
                    " by LibTorch " + compat::torchVersion() + "; use \"fp32\"";
    } else if (m_group && !startDistributed(state.step, &out.error)) {
        // out.error says which collective failed
    }
    if (!out.error.empty()) {
        return fail(out);
    }
    LrSchedule schedule(t, totalSteps, stepsPerEpoch);
    if (m_observer) {
        m_observer->onStarted(m_runId, totalSteps);
    }
    if (state.step == 0) {
        event("info", "training " + std::to_string(out.parameters) + " parameters for " +
                          std::to_string(totalSteps) + " steps on " + m_device.str() +
                          " with " + m_optimizerName +
                          (bf16 ? ", forward pass in bf16 autocast (train.precision)" : ""));
    }

    std::string status = "finished";
    bool earlyStopped = false;
    auto windowStart = Clock::now();
    int64_t windowSamples = 0;
    const int64_t firstStep = state.step;
    m_family->setTraining(true);
    while (state.step < totalSteps && status == "finished" && !earlyStopped) {
        const int64_t epoch = state.step / stepsPerEpoch;
        const std::vector<int64_t> order = m_family->epochOrder(epoch);
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
            setLearningRate(*m_optimizer, lr);
            m_family->beginStep(state.step);
            // zero_grad's effect without its operations (optimizer.h).
            const auto hadGradient = clearGradients(m_family->module().parameters());
            double lossValue = 0, correct = 0;
            int64_t seen = 0;
            std::map<std::string, double> terms, metrics;
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
                BatchLoss fo;
                try {
                    std::optional<compat::AutocastGuard> autocast;
                    if (bf16) {
                        autocast.emplace(m_device, torch::kBFloat16);
                    }
                    fo = m_family->forward(ids);
                } catch (const std::exception& e) {
                    // Overflowing activations can fail inside torch's own input checks (e.g.
                    // BCE's [0, 1] range) before a non-finite loss is seen.
                    std::string what = e.what();
                    what = what.substr(0, what.find('\n'));
                    finite = false;
                    badTerm = std::string(weightsFinite() ? "activations" : "weights") +
                              " (the forward pass stopped" +
                              (bf16 ? " under train.precision \"bf16\" autocast" : "") + ": " +
                              what + ")";
                    break;
                }
                if (bf16 && fo.total.scalar_type() == torch::kBFloat16) {
                    fo.total = fo.total.to(torch::kFloat); // backward from a float32 loss
                }
                if (m_group) {
                    fo.total = fo.total * share;
                    for (auto& [name, v] : fo.terms) {
                        v = v * share;
                    }
                }
                const double total = fo.total.item<double>();
                if (!std::isfinite(total)) {
                    finite = false;
                    for (const auto& [name, v] : fo.terms) {
                        if (!std::isfinite(v.item<double>())) {
                            badTerm = name;
                        }
                    }
                    break;
                }
                (fo.total / double(accumulation)).backward();
                lossValue += total / double(accumulation);
                for (const auto& [name, v] : fo.terms) {
                    terms[name] += v.item<double>() / double(accumulation);
                }
                for (const auto& [name, v] : fo.metrics) {
                    metrics[name] += v / double(accumulation);
                }
                correct += fo.correct;
                seen += end - begin;
            }
            zeroMissingGradients(hadGradient);
            if (m_group) {
                StepStats st{lossValue, correct, seen, finite, stopAsked, terms};
                std::string error;
                if (!m_group->reduceStep(m_family->module().parameters(), &st, &error)) {
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
                const double norm = clipGradNorm(m_family->module().parameters(), t.clipNorm);
                finite = std::isfinite(norm);
                if (!finite) {
                    badTerm = "gradient norm";
                }
            }
            if (!finite) {
                status = "failed";
                finishCheckpoints(); // which checkpoint is complete
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
            progress.etaSeconds = elapsed / double(std::max<int64_t>(1, state.step - firstStep)) *
                                  double(totalSteps - state.step);
            if (window > 2.0) {
                windowStart = Clock::now();
                windowSamples = 0;
            }
            if (m_log) {
                std::map<std::string, double> m{
                    {"train/loss", lossValue},
                    {"train/lr", lr},
                    {"train/accuracy", correct / double(std::max<int64_t>(1, seen))},
                    {"train/throughput", progress.samplesPerSecond}};
                for (const auto& [name, v] : terms) {
                    m["train/loss/" + name] = v;
                }
                for (const auto& [name, v] : metrics) {
                    m["train/" + name] = v;
                }
                m_log->logMetrics(m_runId, state.step, m);
            }
            if (m_observer) {
                m_observer->onProgress(progress);
            }

            const bool evalNow = state.step % evalEvery == 0 || state.step == totalSteps;
            if (evalNow && (!m_group || m_group->isMain())) {
                bool improved = false;
                m_family->setTraining(false); // validation answers as the checkpoint would
                evaluateAndLog(state, &improved);
                if (improved) {
                    // what the test split is evaluated on
                    m_bestWeights.keep(m_family->module(), state.step);
                }
                if (state.step % checkpointEvery == 0 || state.step == totalSteps || improved) {
                    writeCheckpoint(state, improved);
                }
                if (t.earlyStopPatience > 0 && state.badEvaluations >= t.earlyStopPatience) {
                    event("info", "early stop at step " + std::to_string(state.step) +
                                      ": no better validation accuracy for " +
                                      std::to_string(state.badEvaluations) + " evaluations");
                    earlyStopped = true;
                }
                m_family->setTraining(true);
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
        if (status == "stopped") {
            event("info", "stopped by the user at step " + std::to_string(state.step));
            if (state.step > 0 &&
                m_queuedCheckpoint != checkpointFile(m_checkpointDir, state.step)) {
                m_family->setTraining(false);
                writeCheckpoint(state, false);
            }
        }
        if (status == "stopped") {
            // A user stop ends now: the test split is not evaluated (it can take as long as
            // an epoch). No test/* metrics are logged, so readers show "not measured", and
            // `mor eval` measures them on the run's last checkpoint later.
            event("info", std::string("test metrics not measured: stopped by the user") +
                              (m_log ? "; mor eval --run " + std::to_string(m_runId) +
                                           " measures them on the last checkpoint"
                                     : ""));
        } else {
            testOnBest(out, state);
        }
    }
    // Every checkpoint is complete, and its row queued, before the run's final status.
    if (!finishCheckpoints() && out.testCheckpoint == bestCheckpointFile(m_checkpointDir) &&
        m_bestQueuedStep == out.testStep && m_bestWeights.step() == out.testStep) {
        out.testCheckpoint.clear(); // the tested weights came from memory; best.pt missed them
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

} // namespace mor::engine
