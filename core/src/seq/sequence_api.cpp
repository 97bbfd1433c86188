// SPDX-License-Identifier: GPL-3.0-or-later
// The public entry points of mor/sequence.h and what a recursion run answers through mor::Run
// (seq/sequence_probes.h: generation and token traces).
#include "mor/sequence.h"

#include "data/sequence_data.h"
#include "engine/model_family.h"
#include "seq/depthwise_batching.h"
#include "seq/recursion_decoder.h"
#include "seq/sequence_eval.h"
#include "seq/sequence_probes.h"
#include "seq/sequence_store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace mor {

namespace {

/// Next-token logits: a host array (the cached decoder's host step) or a tensor [V].
struct NextLogits {
    const float* host = nullptr;
    torch::Tensor tensor;
};

/// Next-token logits of the last position of `window`: the decoder (cached) or a full
/// forward pass over the window (no cache). Both use causal routing.
class SequenceContextRunner {
public:
    SequenceContextRunner(seq::RecursionModel model, bool useCache)
        : m_model(model), m_useCache(useCache), m_decoder(model) {}

    NextLogits feed(int64_t token, int* depth) {
        torch::NoGradGuard noGrad;
        const int64_t maxLen = m_model->maxLen();
        if (static_cast<int64_t>(m_window.size()) >= maxLen) {
            // Context full: keep the last half and rebuild (both paths do the same).
            std::vector<int64_t> kept(m_window.end() - maxLen / 2, m_window.end());
            m_window.clear();
            m_decoder.reset();
            for (int64_t t : kept) {
                m_window.push_back(t);
                if (m_useCache) {
                    m_decoder.stepLogits(t, nullptr, nullptr);
                }
            }
        }
        m_window.push_back(token);
        NextLogits next;
        if (m_useCache) {
            next.host = m_decoder.stepLogits(token, depth, &next.tensor);
            return next;
        }
        const auto n = static_cast<int64_t>(m_window.size());
        auto input = torch::tensor(m_window).view({1, n});
        auto pass = m_model->forward(input, false);
        if (depth) {
            *depth = static_cast<int>(pass.depth[0][n - 1].item<int64_t>());
        }
        next.tensor = pass.logits[0][n - 1];
        return next;
    }

private:
    seq::RecursionModel m_model;
    bool m_useCache;
    seq::RecursionDecoder m_decoder;
    std::vector<int64_t> m_window;
};

} // namespace

int64_t sequenceLength(const DataConfig& data) {
    if (data.kind == DataKind::Addition) {
        return 3 * data.digits + 2;
    }
    return data.kind == DataKind::PointerChase ? data::kPointerChaseLength : data.seqLen;
}

int64_t countSequenceParameters(const ExperimentConfig& config, int64_t vocabSize,
                                std::string* error) {
    try {
        return engine::countParameters(*seq::buildRecursionModel(config, vocabSize));
    } catch (const std::exception& e) {
        if (error) {
            *error = e.what();
        }
        return -1;
    }
}

namespace seq {

Result<GenerateResult> generateTokens(const LoadedSequenceRun& run,
                                      const GenerateOptions& options) {
    GenerateResult result;
    try {
        const bool text = run.config.data.kind == DataKind::Text;
        std::vector<int64_t> prompt =
            data::encodeText(run.vocab, text ? 0 : -1, options.prompt);
        if (prompt.empty()) {
            const auto nl = data::encodeText(run.vocab, -1, "\n");
            prompt.push_back(nl.empty() ? (run.vocab.size() > 1 ? 1 : 0) : nl.front());
        }
        // a pruned token-choice child generates with at most its cap (tokenDepthLimit() is
        // recursions() for every other run)
        result.maxRecursions = static_cast<int>(run.model->tokenDepthLimit());
        result.routing = choiceName(run.config.model.recursion.routing, recursionRoutingNames());
        std::mt19937_64 rng(static_cast<uint64_t>(options.seed));
        SequenceContextRunner runner(run.model, options.useCache);
        const auto start = std::chrono::steady_clock::now();
        // The host step's logits are sampled without a tensor (the same rule and draw).
        const int64_t vocabSize = run.model->vocab();
        auto sample = [&](const NextLogits& next) {
            return next.host ? seq::sampleToken(next.host, vocabSize, options.temperature, rng)
                             : seq::sampleToken(next.tensor, options.temperature, rng);
        };
        NextLogits logits;
        for (int64_t token : prompt) {
            int depth = 0;
            logits = runner.feed(token, &depth);
            result.tokens.push_back({run.vocab[static_cast<size_t>(token)], depth, true});
        }
        double depthSum = 0.0;
        for (int64_t i = 0; i < options.tokens; ++i) {
            const int64_t token = sample(logits);
            int depth = 0;
            logits = runner.feed(token, &depth);
            result.tokens.push_back({run.vocab[static_cast<size_t>(token)], depth, false});
            depthSum += depth;
            ++result.generated;
        }
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.tokensPerSecond =
            result.seconds > 0 ? static_cast<double>(result.generated) / result.seconds : 0.0;
        result.meanDepth =
            result.generated > 0 ? depthSum / static_cast<double>(result.generated) : 0.0;
        result.ok = true;
    } catch (const std::exception& e) {
        return Error{std::string("generation failed: ") + e.what()};
    }
    return result;
}

Result<GenerateResult> generateFromRun(const engine::StoredRun& stored,
                                       const GenerateOptions& options) {
    LoadedSequenceRun run;
    std::string err;
    if (!loadSequenceCheckpoint(stored, options.step, &run, &err)) {
        return Error{err};
    }
    return generateTokens(run, options);
}

Result<std::vector<TokenTrace>> traceTextOfRun(const engine::StoredRun& stored, int64_t step,
                                               const std::string& text) {
    LoadedSequenceRun run;
    std::string err;
    if (!loadSequenceCheckpoint(stored, step, &run, &err)) {
        return Error{err};
    }
    const bool isText = run.config.data.kind == DataKind::Text;
    std::vector<int64_t> ids = data::encodeText(run.vocab, isText ? 0 : -1, text);
    if (ids.empty()) {
        return Error{"the text has no character the model knows"};
    }
    const int64_t maxLen = run.model->maxLen();
    if (static_cast<int64_t>(ids.size()) > maxLen) {
        ids.erase(ids.begin(), ids.end() - maxLen);
    }
    const auto n = static_cast<int64_t>(ids.size());
    std::vector<int64_t> targets(ids.begin() + 1, ids.end());
    targets.push_back(-1);
    if (run.config.data.kind == DataKind::Addition) {
        // As in the data set: the operands are given, only the answer from "=" on is predicted
        // (scoring the operand digits would count guesses of random digits as errors).
        const auto equals = std::find(run.vocab.begin(), run.vocab.end(), "=");
        const auto at = std::find(ids.begin(), ids.end(), equals - run.vocab.begin());
        std::fill(targets.begin(), targets.begin() + (at - ids.begin()), int64_t{-1});
    }
    if (run.config.data.kind == DataKind::PointerChase) {
        // As in the data set: only the answer to a query ("2>>") is predicted, not the
        // permutation's digits nor which query comes next.
        for (int64_t t = 0; t < n; ++t) {
            const auto& token = run.vocab[static_cast<size_t>(ids[static_cast<size_t>(t)])];
            if (token.find('>') == std::string::npos) {
                targets[static_cast<size_t>(t)] = -1;
            }
        }
    }
    try {
        return traceSequences(run.model, ids, targets, {}, 1, n, run.vocab, {}, 0);
    } catch (const std::exception& e) {
        return Error{std::string("tracing failed: ") + e.what()};
    }
}

} // namespace seq

} // namespace mor
