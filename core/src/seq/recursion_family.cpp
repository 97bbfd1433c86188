// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_family.h"

#include "data/random.h"
#include "engine/checkpoint.h"
#include "mor/vocabulary.h"
#include "seq/sequence_eval.h"
#include "seq/sequence_store.h"

#include <filesystem>
#include <numeric>

namespace mor::seq {

namespace {
constexpr int64_t kMaxProbeTraces = 8;
} // namespace

RecursionFamily::RecursionFamily(const ExperimentConfig& config, data::SequenceData data,
                                 const torch::Device& device)
    : m_config(config), m_data(std::move(data)), m_device(device) {
    // The initial weights depend on train.seed (and on nothing else).
    torch::manual_seed(static_cast<uint64_t>(config.train.seed));
    m_model = buildRecursionModel(config, static_cast<int64_t>(m_data.vocab.size()));
    m_model->to(m_device);
}

std::vector<int64_t> RecursionFamily::epochOrder(int64_t epoch) const {
    const int64_t T = m_data.seqLen;
    if (m_data.isText()) {
        // Text: as many random windows (their start offsets) as the stream has sequences.
        const auto stream = static_cast<int64_t>(m_data.trainStream.size());
        const int64_t span = std::max<int64_t>(0, stream - T - 1);
        detail::Random random(m_config.train.seed, 303 + static_cast<uint64_t>(epoch));
        std::vector<int64_t> offsets(static_cast<size_t>(std::max<int64_t>(1, stream / T)));
        for (auto& o : offsets) {
            o = random.below(span + 1);
        }
        return offsets;
    }
    std::vector<int64_t> rows(static_cast<size_t>(m_data.train.count));
    std::iota(rows.begin(), rows.end(), int64_t(0));
    return engine::shuffledRows(std::move(rows), m_config.train.seed, epoch);
}

engine::BatchLoss RecursionFamily::forward(const std::vector<int64_t>& rows) {
    const auto B = static_cast<int64_t>(rows.size());
    const int64_t T = m_data.seqLen;
    std::vector<int64_t> in, target;
    in.reserve(static_cast<size_t>(B * T));
    target.reserve(static_cast<size_t>(B * T));
    for (int64_t row : rows) {
        if (m_data.isText()) {
            const auto at = m_data.trainStream.begin() + row;
            in.insert(in.end(), at, at + T);
            target.insert(target.end(), at + 1, at + T + 1);
        } else {
            const auto offset = static_cast<size_t>(row * T);
            const auto& split = m_data.train;
            in.insert(in.end(), split.inputs.begin() + offset, split.inputs.begin() + offset + T);
            target.insert(target.end(), split.targets.begin() + offset,
                          split.targets.begin() + offset + T);
        }
    }
    auto inputs = torch::tensor(in).view({B, T}).to(m_device);
    auto targets = torch::tensor(target).view({B, T}).to(m_device);
    RecursionPass pass = m_model->forward(inputs, true);
    auto task = torch::nn::functional::cross_entropy(
        pass.logits.reshape({-1, pass.logits.size(-1)}), targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
    engine::BatchLoss out;
    out.total = task + pass.auxLoss;
    out.terms = std::move(pass.terms);
    out.terms["task"] = task;
    {
        torch::NoGradGuard noGrad;
        const auto mask = targets.ge(0);
        const auto hits = pass.logits.argmax(-1).eq(targets).logical_and(mask).sum(1);
        const auto counted = mask.sum(1).clamp_min(1);
        out.correct = (hits.to(torch::kDouble) / counted.to(torch::kDouble)).sum().item<double>();
        out.metrics["mean_depth"] = pass.depth.to(torch::kDouble).mean().item<double>();
    }
    if (pass.routedDecisions > 0) {
        out.metrics["routing_decision_agreement"] =
            static_cast<double>(pass.agreeingDecisions) / static_cast<double>(pass.routedDecisions);
    }
    return out;
}

EvalResult RecursionFamily::evaluate(engine::Split split, bool) {
    const auto classes = static_cast<int64_t>(m_data.difficultyNames.size());
    const bool test = split == engine::Split::Test;
    return evaluateSequences(m_model, test ? m_data.test : m_data.validation, classes,
                             test ? "test" : "validation", test ? "test" : "val",
                             m_data.isText());
}

int64_t RecursionFamily::probeCount() const {
    return std::min({m_config.data.probeSize, kMaxProbeTraces, m_data.validation.count});
}

void RecursionFamily::logTraces(ExperimentLog& log, int64_t runId, int64_t step) {
    const auto& v = m_data.validation;
    log.logTokenTraces(runId, step,
                       traceSequences(m_model, v.inputs, v.targets, v.difficulty, probeCount(),
                                      v.length, m_data.vocab, m_data.difficultyNames, 0));
}

RunInfo RecursionFamily::runInfo() const {
    RunInfo info;
    info.dataset =
        m_data.isText()
            ? "text:" + std::filesystem::path(m_data.source).filename().string()
            : dataKindName(m_data.kind);
    info.name = info.dataset + " " + choiceName(m_config.model.recursion.routing, recursionRoutingNames());
    info.tags.push_back("recursion");
    return info;
}

std::vector<SampleInfo> RecursionFamily::samples() const {
    std::vector<SampleInfo> samples;
    const auto& v = m_data.validation;
    for (int64_t s = 0; s < probeCount(); ++s) {
        SampleInfo info;
        info.sampleId = s;
        info.split = "probe";
        for (int64_t t = 0; t < v.length; ++t) {
            info.preview += m_data.vocab[static_cast<size_t>(v.inputs[static_cast<size_t>(s * v.length + t)])];
        }
        samples.push_back(std::move(info));
    }
    return samples;
}

bool RecursionFamily::saveState(const std::string& checkpointPath, std::string* error) {
    return engine::writeFileAtomically(
        checkpointPath + ".vocab", vocabularyFileText(m_data.vocab), error);
}

bool RecursionFamily::loadState(const std::string& checkpointPath, std::string* error) {
    std::vector<std::string> vocab;
    if (!readVocabularyFile(checkpointPath, &vocab, error)) {
        return false;
    }
    if (vocab.size() != m_data.vocab.size()) {
        *error = "the data changed since " + checkpointPath + " was written (" +
                 std::to_string(m_data.vocab.size()) + " tokens instead of " +
                 std::to_string(vocab.size()) + ")";
        return false;
    }
    return true;
}

} // namespace mor::seq
