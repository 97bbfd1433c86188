// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/sequence_trainer.h"

#include "data/random.h"
#include "data/sequence_data.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/sequence.h"
#include "seq/sequence_eval.h"
#include "seq/sequence_store.h"
#include "train/checkpoint.h"
#include "train/lr_schedule.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace mor::seq {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kMaxProbeTraces = 8;

RunOutcome failure(const std::string& error, int64_t runId = 0) {
    RunOutcome out;
    out.runId = runId;
    out.status = "failed";
    out.error = error;
    return out;
}

/// The initial weights depend on train.seed (and on nothing else).
RecursionModel seededModel(const ExperimentConfig& config, int64_t vocab, int64_t length) {
    torch::manual_seed(static_cast<uint64_t>(config.train.seed));
    return RecursionModel(config.model.recursion, vocab, length);
}

class SequenceSession {
public:
    SequenceSession(const ExperimentConfig& config, data::SequenceData data, ExperimentLog* log,
                    TrainingObserver* observer)
        : m_config(config), m_data(std::move(data)), m_log(log), m_observer(observer),
          m_model(seededModel(config, static_cast<int64_t>(m_data.vocab.size()), m_data.seqLen)),
          m_random(config.train.seed, 303) {
        torch::optim::AdamWOptions o(config.train.learningRate);
        o.weight_decay(config.train.weightDecay);
        m_optimizer = std::make_unique<torch::optim::AdamW>(m_model->parameters(), o);
    }

    RecursionModel& model() { return m_model; }
    torch::optim::Optimizer* optimizer() { return m_optimizer.get(); }

    void startNew(const RunOptions& options) {
        if (!m_log) {
            return;
        }
        RunInfo info;
        info.name = options.name.empty() ? m_config.name : options.name;
        info.configJson = toJson(m_config);
        info.dataset = m_data.kind == "text" ? "text:" + std::filesystem::path(m_data.source)
                                                             .filename()
                                                             .string()
                                             : m_data.kind;
        if (info.name.empty()) {
            info.name = info.dataset + " " + m_config.model.recursion.routing;
        }
        info.device = "cpu";
        info.seed = m_config.train.seed;
        info.tags = options.tags;
        info.tags.push_back("recursion");
        m_runId = m_log->createRun(info);
        m_checkpointDir = options.checkpointDir.empty()
                              ? m_log->path() + ".checkpoints/run-" + std::to_string(m_runId)
                              : options.checkpointDir;
        std::vector<SampleInfo> samples;
        const int64_t probes = probeCount();
        for (int64_t s = 0; s < probes; ++s) {
            SampleInfo info;
            info.sampleId = s;
            info.split = "probe";
            info.preview = previewOf(s);
            samples.push_back(info);
        }
        m_log->logSamples(m_runId, samples);
    }

    void startResumed(int64_t runId, const std::string& dir) {
        m_runId = runId;
        m_checkpointDir = dir;
        if (m_log) {
            m_log->setStatus(runId, "running");
            m_log->logEvent(runId, "info", "resumed");
        }
    }

    RunOutcome loop(train::CheckpointState state);

private:
    int64_t probeCount() const {
        return std::min({m_config.data.probeSize, kMaxProbeTraces, m_data.validation.count});
    }

    std::string previewOf(int64_t s) const {
        std::string text;
        const auto& v = m_data.validation;
        for (int64_t t = 0; t < v.length; ++t) {
            text += m_data.vocab[static_cast<size_t>(v.inputs[static_cast<size_t>(s * v.length + t)])];
        }
        return text;
    }

    /// Optimizer steps per epoch (each takes train.accumulation batches).
    int64_t stepsPerEpoch() const {
        const int64_t batch = m_config.train.batchSize * m_config.train.accumulation;
        if (m_data.isText()) {
            return std::max<int64_t>(
                1, static_cast<int64_t>(m_data.trainStream.size()) / (batch * m_data.seqLen));
        }
        return std::max<int64_t>(1, (m_data.train.count + batch - 1) / batch);
    }

    /// A training batch: random windows of the text, or the next slice of the shuffled set.
    std::pair<torch::Tensor, torch::Tensor> batch(int64_t batchInEpoch) {
        const int64_t B = m_config.train.batchSize, T = m_data.seqLen;
        std::vector<int64_t> in, target;
        in.reserve(static_cast<size_t>(B * T));
        target.reserve(static_cast<size_t>(B * T));
        if (m_data.isText()) {
            const auto span = static_cast<int64_t>(m_data.trainStream.size()) - T - 1;
            for (int64_t b = 0; b < B; ++b) {
                const int64_t at = m_random.below(span + 1);
                for (int64_t t = 0; t < T; ++t) {
                    in.push_back(m_data.trainStream[static_cast<size_t>(at + t)]);
                    target.push_back(m_data.trainStream[static_cast<size_t>(at + t + 1)]);
                }
            }
        } else {
            const auto& split = m_data.train;
            if (batchInEpoch == 0 || m_order.empty()) {
                m_order.resize(static_cast<size_t>(split.count));
                for (int64_t i = 0; i < split.count; ++i) {
                    m_order[static_cast<size_t>(i)] = i;
                }
                m_random.shuffle(m_order);
            }
            for (int64_t b = 0; b < B; ++b) {
                const int64_t row = m_order[static_cast<size_t>((batchInEpoch * B + b) % split.count)];
                const auto offset = static_cast<size_t>(row * T);
                in.insert(in.end(), split.inputs.begin() + offset, split.inputs.begin() + offset + T);
                target.insert(target.end(), split.targets.begin() + offset,
                              split.targets.begin() + offset + T);
            }
        }
        return {torch::tensor(in).view({B, T}), torch::tensor(target).view({B, T})};
    }

    SequenceEval evaluateAndLog(int64_t step) {
        const auto classes = static_cast<int64_t>(m_data.difficultyNames.size());
        SequenceEval val = evaluateSequences(m_model, m_data.validation, classes);
        if (m_log) {
            m_log->logMetrics(m_runId, step, val.metrics("val", m_data.isText()));
            if (m_config.train.logTraces) {
                const int64_t probes = probeCount();
                const auto& v = m_data.validation;
                m_log->logTokenTraces(
                    m_runId, step,
                    traceSequences(m_model, v.inputs, v.targets, v.difficulty, probes, v.length,
                                   m_data.vocab, m_data.difficultyNames, 0));
            }
        }
        return val;
    }

    bool checkpoint(const train::CheckpointState& state) {
        if (!m_log) {
            return true;
        }
        std::error_code ec;
        std::filesystem::create_directories(m_checkpointDir, ec);
        char name[64];
        std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(state.step));
        const std::string path = m_checkpointDir + "/" + name;
        std::string error;
        if (!saveSequenceCheckpoint(path, m_model, m_optimizer.get(), m_data.vocab, &error)) {
            m_log->logEvent(m_runId, "error", error);
            return false;
        }
        m_log->logCheckpoint(m_runId, state.step, path, state.toJson());
        return true;
    }

    static EvalResult toEvalResult(const SequenceEval& e, const std::string& split) {
        EvalResult r;
        r.split = split;
        r.samples = e.sequences;
        r.loss = e.loss;
        r.accuracy = e.accuracy;
        r.meanDepth = e.meanDepth;
        return r;
    }

    ExperimentConfig m_config;
    data::SequenceData m_data;
    ExperimentLog* m_log;
    TrainingObserver* m_observer;
    RecursionModel m_model;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    detail::Random m_random;
    std::vector<int64_t> m_order;
    int64_t m_runId = 0;
    std::string m_checkpointDir;
};

RunOutcome SequenceSession::loop(train::CheckpointState state) {
    const auto started = Clock::now();
    const TrainConfig& tc = m_config.train;
    const int64_t perEpoch = stepsPerEpoch();
    const int64_t total = perEpoch * tc.epochs;
    const int64_t evalEvery = tc.evalEvery > 0 ? tc.evalEvery : perEpoch;
    const int64_t checkpointEvery = tc.checkpointEvery > 0 ? tc.checkpointEvery : evalEvery;
    train::LrSchedule schedule(tc, total, perEpoch);
    RunOutcome out;
    out.runId = m_runId;
    out.parameters = parameterCount(*m_model);
    if (m_observer) {
        m_observer->onStarted(m_runId, total);
    }
    std::string status = "finished";
    double tokensSeen = 0.0;
    auto windowStart = Clock::now();
    m_model->train();
    const int64_t firstStep = state.step;
    for (int64_t step = state.step; step < total; ++step) {
        if (m_observer) {
            while (m_observer->pauseRequested() && !m_observer->stopRequested()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            if (m_observer->stopRequested()) {
                status = "stopped";
                break;
            }
        }
        const double lr = schedule.at(step);
        for (auto& group : m_optimizer->param_groups()) {
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        }
        m_optimizer->zero_grad();
        RecursionPass pass;
        torch::Tensor task;
        double lossValue = 0.0;
        int64_t targetsSeen = 0;
        const int64_t accumulation = tc.accumulation;
        for (int64_t micro = 0; micro < accumulation; ++micro) {
            auto [inputs, targets] = batch((step % perEpoch) * accumulation + micro);
            pass = m_model->forward(inputs, true);
            task = torch::nn::functional::cross_entropy(
                pass.logits.reshape({-1, pass.logits.size(-1)}), targets.reshape({-1}),
                torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
            auto loss = (task + pass.auxLoss) / static_cast<double>(accumulation);
            lossValue += loss.item<double>();
            loss.backward();
            targetsSeen += targets.numel();
        }
        if (!std::isfinite(lossValue)) {
            status = "failed";
            out.error = "the loss became " + std::to_string(lossValue) + " at step " +
                        std::to_string(step) + "; lower train.learning_rate";
            break;
        }
        if (tc.clipNorm > 0.0) {
            torch::nn::utils::clip_grad_norm_(m_model->parameters(), tc.clipNorm);
        }
        m_optimizer->step();
        tokensSeen += static_cast<double>(targetsSeen);
        state.step = step + 1;
        const bool report = state.step % 10 == 0 || state.step == total;
        if (report) {
            const double seconds =
                std::chrono::duration<double>(Clock::now() - windowStart).count();
            const double throughput = seconds > 0 ? tokensSeen / seconds : 0.0;
            tokensSeen = 0.0;
            windowStart = Clock::now();
            std::map<std::string, double> m{{"train/loss", lossValue},
                                            {"train/task_loss", task.item<double>()},
                                            {"train/lr", lr},
                                            {"train/throughput", throughput},
                                            {"train/mean_depth",
                                             pass.depth.to(torch::kDouble).mean().item<double>()}};
            for (const auto& [name, value] : pass.terms) {
                m["train/loss/" + name] = value.item<double>();
            }
            if (pass.routedDecisions > 0) {
                m["train/routing_decision_agreement"] =
                    static_cast<double>(pass.agreeingDecisions) /
                    static_cast<double>(pass.routedDecisions);
            }
            if (m_log) {
                m_log->logMetrics(m_runId, state.step, m);
            }
            if (m_observer) {
                TrainingProgress p;
                p.runId = m_runId;
                p.step = state.step;
                p.totalSteps = total;
                p.epoch = step / perEpoch + 1;
                p.epochs = tc.epochs;
                p.loss = lossValue;
                p.learningRate = lr;
                p.samplesPerSecond = throughput / static_cast<double>(m_data.seqLen);
                const double elapsed =
                    std::chrono::duration<double>(Clock::now() - started).count();
                p.etaSeconds = elapsed / static_cast<double>(state.step - firstStep) *
                               static_cast<double>(total - state.step);
                p.lossTerms["task"] = task.item<double>();
                m_observer->onProgress(p);
            }
        }
        if (state.step % evalEvery == 0 || state.step == total) {
            SequenceEval val = evaluateAndLog(state.step);
            ++state.evaluations;
            if (state.bestAccuracy < 0 || val.accuracy > state.bestAccuracy) {
                state.bestAccuracy = val.accuracy;
                state.bestStep = state.step;
                state.badEvaluations = 0;
            } else {
                ++state.badEvaluations;
            }
            if (m_observer) {
                m_observer->onEvaluation(state.step, toEvalResult(val, "validation"));
            }
            m_model->train();
        }
        const bool patienceOut = tc.earlyStopPatience > 0 &&
                                 state.badEvaluations >= tc.earlyStopPatience;
        if (state.step % checkpointEvery == 0 || state.step == total || patienceOut) {
            checkpoint(state);
        }
        if (patienceOut) {
            if (m_log) {
                m_log->logEvent(m_runId, "info",
                                "early stop: no better validation accuracy in " +
                                    std::to_string(tc.earlyStopPatience) + " evaluations");
            }
            break;
        }
    }
    if (status != "failed") {
        const auto classes = static_cast<int64_t>(m_data.difficultyNames.size());
        SequenceEval test = evaluateSequences(m_model, m_data.test, classes);
        out.test = toEvalResult(test, "test");
        if (m_log) {
            m_log->logMetrics(m_runId, state.step, test.metrics("test", m_data.isText()));
            if (status == "stopped") {
                checkpoint(state);
            }
        }
    }
    if (m_log) {
        if (!out.error.empty()) {
            m_log->logEvent(m_runId, "error", out.error);
        }
        m_log->setStatus(m_runId, status);
        m_log->flush();
    }
    if (m_observer) {
        m_observer->onFinished(status);
    }
    out.status = status;
    out.steps = state.step;
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return out;
}

} // namespace

RunOutcome trainSequenceExperiment(const ExperimentConfig& config, const RunOptions& options,
                                   TrainingObserver* observer) {
    if (options.worldSize > 1) {
        return failure("data-parallel training is not available for model.family \"recursion\"");
    }
    if (config.train.device == "cuda") {
        return failure("train.device = \"cuda\": recursion models train on the CPU for now");
    }
    auto data = data::loadSequenceData(config.data, config.train.seed);
    if (!data.ok()) {
        return failure(data.error);
    }
    std::unique_ptr<ExperimentLog> log;
    std::string error;
    if (!options.logPath.empty()) {
        log = ExperimentLog::open(options.logPath, &error);
        if (!log) {
            return failure(error);
        }
    }
    SequenceSession session(config, std::move(data), log.get(), observer);
    session.startNew(options);
    return session.loop(train::CheckpointState{});
}

RunOutcome evaluateSequenceRun(const std::string& logPath, int64_t runId) {
    LoadedSequenceRun run;
    std::string error;
    if (!loadSequenceRun(logPath, runId, -1, &run, &error)) {
        return failure(error, runId);
    }
    auto data = data::loadSequenceData(run.config.data, run.config.train.seed);
    if (!data.ok()) {
        return failure(data.error, runId);
    }
    if (data.vocab.size() != run.vocab.size()) {
        return failure("the data of run " + std::to_string(runId) + " changed since training (" +
                           std::to_string(data.vocab.size()) + " tokens instead of " +
                           std::to_string(run.vocab.size()) + ")",
                       runId);
    }
    const auto classes = static_cast<int64_t>(data.difficultyNames.size());
    const SequenceEval test = evaluateSequences(run.model, data.test, classes);
    RunOutcome out;
    out.runId = runId;
    out.status = "finished";
    out.steps = run.step;
    out.parameters = parameterCount(*run.model);
    out.seconds = test.seconds;
    out.test.split = "test";
    out.test.samples = test.sequences;
    out.test.loss = test.loss;
    out.test.accuracy = test.accuracy;
    out.test.meanDepth = test.meanDepth;
    return out;
}

bool isSequenceRun(const std::string& logPath, int64_t runId) {
    std::string error;
    auto reader = LogReader::open(logPath, &error);
    if (!reader) {
        return false;
    }
    const auto run = reader->run(runId);
    if (!run) {
        return false;
    }
    const auto parsed = parseConfig(run->configJson);
    return parsed.ok() && parsed.config.model.family == "recursion";
}

RunOutcome resumeSequenceExperiment(const std::string& logPath, int64_t runId,
                                    const RunOptions& options, TrainingObserver* observer) {
    std::string error;
    auto reader = LogReader::open(logPath, &error);
    if (!reader) {
        return failure(error, runId);
    }
    const auto run = reader->run(runId);
    if (!run) {
        return failure("run " + std::to_string(runId) + " is not in " + logPath, runId);
    }
    if (run->status == "finished") {
        return failure("run " + std::to_string(runId) + " already finished", runId);
    }
    const auto checkpoints = reader->checkpoints(runId);
    if (checkpoints.empty()) {
        return failure("run " + std::to_string(runId) + " has no checkpoint to resume from", runId);
    }
    auto parsed = parseConfig(run->configJson);
    if (!parsed.ok()) {
        return failure(parsed.message(), runId);
    }
    reader.reset();
    auto data = data::loadSequenceData(parsed.config.data, parsed.config.train.seed);
    if (!data.ok()) {
        return failure(data.error, runId);
    }
    auto log = ExperimentLog::open(logPath, &error);
    if (!log) {
        return failure(error, runId);
    }
    SequenceSession session(parsed.config, std::move(data), log.get(), observer);
    const CheckpointInfo& last = checkpoints.back();
    if (!loadSequenceCheckpoint(last.path, session.model(), session.optimizer(), &error)) {
        return failure(error, runId);
    }
    const std::string dir = options.checkpointDir.empty()
                                ? logPath + ".checkpoints/run-" + std::to_string(runId)
                                : options.checkpointDir;
    session.startResumed(runId, dir);
    return session.loop(train::CheckpointState::fromJson(last.metricsJson));
}

} // namespace mor::seq
