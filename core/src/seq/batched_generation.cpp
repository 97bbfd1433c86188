// SPDX-License-Identifier: GPL-3.0-or-later
// mor/batched_generation.h: the generation loop of generateTokens (sequence_api.cpp) for
// several seeds at once, on the depth-wise batched decoder (or batched full forward passes
// without the cache). Row b reproduces generateTokens with seed options.seed + b.
#include "mor/batched_generation.h"

#include "data/sequence_data.h"
#include "engine/run.h"
#include "seq/depthwise_batching.h"
#include "seq/sequence_store.h"

#include <chrono>
#include <random>

namespace mor {

namespace {

/// A step's next-token logits [batch, V]: host floats (the batched decoder's host step, valid
/// until the next step) or a tensor.
struct BatchLogits {
    const float* host = nullptr;
    torch::Tensor tensor;
};

/// The batch's context windows (every sequence has the same length): the next-token logits
/// [batch, V] of the newest column, from the batched decoder or full forward passes.
class BatchedContextRunner {
public:
    BatchedContextRunner(seq::RecursionModel model, int64_t batch, bool useCache)
        : m_model(model), m_useCache(useCache), m_decoder(model, batch),
          m_windows(static_cast<size_t>(batch)) {}

    BatchLogits feed(const std::vector<int64_t>& column, std::vector<int>* depths) {
        torch::NoGradGuard noGrad;
        const int64_t maxLen = m_model->maxLen();
        if (static_cast<int64_t>(m_windows.front().size()) >= maxLen) {
            // Context full: keep the last half and rebuild, as the one-sequence runner does.
            std::vector<std::vector<int64_t>> kept;
            for (auto& window : m_windows) {
                kept.emplace_back(window.end() - maxLen / 2, window.end());
                window.clear();
            }
            m_decoder.reset();
            for (size_t t = 0; t < kept.front().size(); ++t) {
                std::vector<int64_t> earlier;
                for (const auto& row : kept) {
                    earlier.push_back(row[t]);
                }
                push(earlier);
                if (m_useCache) {
                    m_decoder.stepLogits(earlier.data(), nullptr, nullptr);
                }
            }
        }
        push(column);
        BatchLogits out;
        if (m_useCache) {
            out.host = m_decoder.stepLogits(column.data(), depths, &out.tensor);
            return out;
        }
        const auto batch = static_cast<int64_t>(m_windows.size());
        const auto n = static_cast<int64_t>(m_windows.front().size());
        std::vector<int64_t> flat;
        for (const auto& window : m_windows) {
            flat.insert(flat.end(), window.begin(), window.end());
        }
        auto pass = m_model->forward(torch::tensor(flat).view({batch, n}), false);
        if (depths) {
            auto last = pass.depth.select(1, n - 1).to(torch::kCPU).contiguous();
            depths->assign(last.data_ptr<int64_t>(), last.data_ptr<int64_t>() + batch);
        }
        out.tensor = pass.logits.select(1, n - 1);
        return out;
    }

private:
    void push(const std::vector<int64_t>& column) {
        for (size_t b = 0; b < m_windows.size(); ++b) {
            m_windows[b].push_back(column[b]);
        }
    }

    seq::RecursionModel m_model;
    bool m_useCache;
    seq::BatchedRecursionDecoder m_decoder;
    std::vector<std::vector<int64_t>> m_windows;
};

BatchedGenerateResult generateBatchedTokens(const seq::LoadedSequenceRun& run,
                                            const GenerateOptions& options, int64_t batch) {
    // The prompt as generateTokens encodes it.
    const bool text = run.config.data.kind == DataKind::Text;
    std::vector<int64_t> prompt = data::encodeText(run.vocab, text ? 0 : -1, options.prompt);
    if (prompt.empty()) {
        const auto nl = data::encodeText(run.vocab, -1, "\n");
        prompt.push_back(nl.empty() ? (run.vocab.size() > 1 ? 1 : 0) : nl.front());
    }
    BatchedGenerateResult result;
    result.maxRecursions = static_cast<int>(run.model->tokenDepthLimit());
    result.routing = choiceName(run.config.model.recursion.routing, recursionRoutingNames());
    const auto rows = static_cast<size_t>(batch);
    result.sequences.resize(rows);
    std::vector<std::mt19937_64> rngs;
    for (size_t b = 0; b < rows; ++b) {
        rngs.emplace_back(static_cast<uint64_t>(options.seed + static_cast<int64_t>(b)));
        result.sequences[b].maxRecursions = result.maxRecursions;
        result.sequences[b].routing = result.routing;
    }
    BatchedContextRunner runner(run.model, batch, options.useCache);
    std::vector<int> depths;
    std::vector<double> depthSums(rows, 0.0);
    const auto start = std::chrono::steady_clock::now();
    BatchLogits logits;
    const int64_t vocab = run.model->vocab();
    // Host logits are sampled row by row without a tensor (sampleToken's host overload: the
    // same rule and draws as sampleTokens).
    auto sample = [&](const BatchLogits& from) {
        if (!from.host) {
            return seq::sampleTokens(from.tensor, options.temperature, rngs);
        }
        std::vector<int64_t> column(rows);
        for (size_t b = 0; b < rows; ++b) {
            column[b] = seq::sampleToken(from.host + static_cast<int64_t>(b) * vocab, vocab,
                                         options.temperature, rngs[b]);
        }
        return column;
    };
    for (int64_t token : prompt) {
        logits = runner.feed(std::vector<int64_t>(rows, token), &depths);
        for (size_t b = 0; b < rows; ++b) {
            result.sequences[b].tokens.push_back(
                {run.vocab[static_cast<size_t>(token)], depths[b], true});
        }
    }
    for (int64_t i = 0; i < options.tokens; ++i) {
        const auto column = sample(logits);
        logits = runner.feed(column, &depths);
        for (size_t b = 0; b < rows; ++b) {
            auto& sequence = result.sequences[b];
            sequence.tokens.push_back({run.vocab[static_cast<size_t>(column[b])], depths[b],
                                       false});
            depthSums[b] += depths[b];
            ++sequence.generated;
        }
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double depthSum = 0.0;
    for (size_t b = 0; b < rows; ++b) {
        auto& sequence = result.sequences[b];
        sequence.seconds = result.seconds;
        sequence.tokensPerSecond =
            result.seconds > 0 ? static_cast<double>(sequence.generated) / result.seconds : 0.0;
        sequence.meanDepth = sequence.generated > 0
                                 ? depthSums[b] / static_cast<double>(sequence.generated)
                                 : 0.0;
        sequence.ok = true;
        result.generated += sequence.generated;
        depthSum += depthSums[b];
    }
    result.tokensPerSecond =
        result.seconds > 0 ? static_cast<double>(result.generated) / result.seconds : 0.0;
    result.meanDepth =
        result.generated > 0 ? depthSum / static_cast<double>(result.generated) : 0.0;
    return result;
}

} // namespace

Result<BatchedGenerateResult> generateBatched(const std::string& logPath, int64_t runId,
                                              const GenerateOptions& options, int64_t batch) {
    if (batch < 1) {
        return Error{"the batch needs at least one sequence (got " + std::to_string(batch) + ")"};
    }
    try {
        engine::StoredRun stored;
        std::string error;
        if (!engine::readRunOf(logPath, runId, Family::Recursion,
                               "only recursion (sequence) runs generate text", &stored, &error)) {
            return Error{error};
        }
        seq::LoadedSequenceRun run;
        if (!seq::loadSequenceCheckpoint(stored, options.step, &run, &error)) {
            return Error{error};
        }
        return generateBatchedTokens(run, options, batch);
    } catch (const std::exception& e) {
        return Error{std::string("generation failed: ") + e.what()};
    }
}

} // namespace mor
