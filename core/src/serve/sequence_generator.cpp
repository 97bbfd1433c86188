// SPDX-License-Identifier: GPL-3.0-or-later
// mor::SequenceGenerator: a recursion run loaded once, sampling text for `mor serve`.
#include "mor/predictor.h"

#include "mor/log_reader.h"
#include "mor/trainer.h"

#include "data/sequence_data.h"
#include "serve/loaded_run.h"
#include "serve/weight_archive.h"
#include "seq/recursion_decoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace mor {

namespace serve {

bool loadRecursionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                      seq::LoadedSequenceRun* out, std::string* error) {
    if (options.checkpoint != "last" && options.weights.empty()) {
        *error = "run " + std::to_string(runId) +
                 " is a recursion model; only its last checkpoint can be served (--checkpoint last)";
        return false;
    }
    if (!seq::loadSequenceRun(logPath, runId, options.step, out, error)) {
        return false;
    }
    setThreads(options.threads >= 0 ? options.threads : out->config.train.threads);
    if (!options.weights.empty()) {
        if (!loadWeightArchive(*out->model, options.weights, error)) {
            return false;
        }
        out->step = -1;
        out->checkpointPath = options.weights;
    }
    out->model->eval();
    return true;
}

std::vector<int64_t> predictTokens(seq::RecursionModel& model, const data::SequenceSplit& split) {
    torch::NoGradGuard noGrad;
    std::vector<int64_t> out;
    const int64_t t = split.length;
    for (int64_t i = 0; i < split.count; i += 64) {
        const int64_t n = std::min<int64_t>(64, split.count - i);
        auto input = torch::from_blob(const_cast<int64_t*>(split.inputs.data()) + i * t, {n, t},
                                      torch::kInt64)
                         .clone();
        const auto pred = model->forward(input, false).logits.argmax(-1).contiguous();
        const int64_t* p = pred.data_ptr<int64_t>();
        for (int64_t k = 0; k < n * t; ++k) {
            if (split.targets[size_t(i * t + k)] >= 0) {
                out.push_back(p[k]);
            }
        }
    }
    return out;
}

} // namespace serve

namespace {

int64_t sampleToken(const torch::Tensor& logits, double temperature, std::mt19937_64& rng) {
    if (temperature <= 0.0) {
        return logits.argmax().item<int64_t>();
    }
    auto probs = torch::softmax(logits.to(torch::kDouble) / temperature, -1).contiguous();
    const double* p = probs.data_ptr<double>();
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    double acc = 0.0;
    for (int64_t i = 0; i < probs.numel(); ++i) {
        acc += p[i];
        if (u < acc) {
            return i;
        }
    }
    return probs.numel() - 1;
}

} // namespace

struct SequenceGenerator::Impl {
    seq::LoadedSequenceRun run;
    GeneratorSummary summary;
};

SequenceGenerator::SequenceGenerator() : m(std::make_unique<Impl>()) {}
SequenceGenerator::~SequenceGenerator() = default;

const GeneratorSummary& SequenceGenerator::summary() const {
    return m->summary;
}

Result<std::unique_ptr<SequenceGenerator>>
SequenceGenerator::open(const std::string& logPath, int64_t runId,
                        const PredictorOptions& options) {
    std::string err;
    std::unique_ptr<SequenceGenerator> g(new SequenceGenerator());
    try {
        if (!serve::loadRecursionRun(logPath, runId, options, &g->m->run, &err)) {
            return Error{err};
        }
    } catch (const std::exception& e) {
        return Error{"cannot load run " + std::to_string(runId) + ": " + e.what()};
    }
    seq::LoadedSequenceRun& r = g->m->run;
    GeneratorSummary& s = g->m->summary;
    s.runId = runId;
    if (auto reader = LogReader::open(logPath, &err)) {
        if (auto info = reader->run(runId)) {
            s.runName = info->name;
            s.runStatus = info->status;
        }
    }
    s.dataset = r.config.data.kind;
    s.vocabSize = int64_t(r.vocab.size());
    s.contextLength = r.model->maxLen();
    s.maxRecursions = int(r.model->recursions());
    s.routing = r.config.model.recursion.routing;
    s.parameters = seq::parameterCount(*r.model);
    s.checkpointStep = r.step;
    s.checkpointPath = r.checkpointPath;
    return g;
}

GenerateResult SequenceGenerator::generate(const GenerateOptions& options) {
    GenerateResult result;
    const seq::LoadedSequenceRun& run = m->run;
    try {
        torch::NoGradGuard noGrad;
        const bool text = run.config.data.kind == "text";
        std::vector<int64_t> prompt = data::encodeText(run.vocab, text ? 0 : -1, options.prompt);
        if (prompt.empty()) {
            const auto nl = data::encodeText(run.vocab, -1, "\n");
            prompt.push_back(nl.empty() ? (run.vocab.size() > 1 ? 1 : 0) : nl.front());
        }
        result.maxRecursions = int(run.model->recursions());
        result.routing = run.config.model.recursion.routing;
        std::mt19937_64 rng(static_cast<uint64_t>(options.seed));
        seq::RecursionDecoder decoder(run.model);
        std::vector<int64_t> window;
        const int64_t maxLen = run.model->maxLen();
        // Context full: keep the last half and rebuild the cache (as generateSequence does).
        auto feed = [&](int64_t token, int* depth) {
            if (int64_t(window.size()) >= maxLen) {
                std::vector<int64_t> kept(window.end() - maxLen / 2, window.end());
                window.clear();
                decoder.reset();
                for (int64_t t : kept) {
                    window.push_back(t);
                    decoder.step(t, nullptr);
                }
            }
            window.push_back(token);
            return decoder.step(token, depth);
        };
        const auto start = std::chrono::steady_clock::now();
        torch::Tensor logits;
        for (int64_t token : prompt) {
            int depth = 0;
            logits = feed(token, &depth);
            result.tokens.push_back({run.vocab[size_t(token)], depth, true});
        }
        double depthSum = 0.0;
        for (int64_t i = 0; i < options.tokens; ++i) {
            const int64_t token = sampleToken(logits, options.temperature, rng);
            int depth = 0;
            logits = feed(token, &depth);
            result.tokens.push_back({run.vocab[size_t(token)], depth, false});
            depthSum += depth;
            ++result.generated;
        }
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.tokensPerSecond = result.seconds > 0 ? double(result.generated) / result.seconds : 0;
        result.meanDepth = result.generated > 0 ? depthSum / double(result.generated) : 0.0;
        result.ok = true;
    } catch (const std::exception& e) {
        result.error = std::string("generation failed: ") + e.what();
    }
    return result;
}

} // namespace mor
