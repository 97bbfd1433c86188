// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/sequence_store.h"

#include "engine/checkpoint.h"
#include "engine/run.h"
#include "mor/sequence.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace mor::seq {

bool loadVocabulary(const std::string& path, std::vector<std::string>* vocab, std::string* error) {
    std::ifstream in(path + ".vocab", std::ios::binary);
    if (!in) {
        *error = "the checkpoint " + path + " has no vocabulary file (" + path + ".vocab)";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded() || !json.is_array() || json.empty()) {
        *error = path + ".vocab is not a JSON list of tokens";
        return false;
    }
    vocab->clear();
    for (const auto& item : json) {
        vocab->push_back(item.is_string() ? item.get<std::string>() : std::string("?"));
    }
    return true;
}

RecursionModel buildRecursionModel(const ExperimentConfig& config, int64_t vocabSize) {
    return RecursionModel(config.model.recursion, vocabSize, sequenceLength(config.data));
}

bool loadSequenceCheckpoint(const engine::StoredRun& stored, int64_t step, LoadedSequenceRun* run,
                            std::string* error) {
    const int64_t runId = stored.summary.id;
    if (stored.config.model.family != Family::Recursion) {
        *error = "run " + std::to_string(runId) + " is a " +
                 familyName(stored.config.model.family) +
                 " model, not a Mixture-of-Recursions sequence model";
        return false;
    }
    const CheckpointInfo* chosen = engine::pickCheckpoint(stored.checkpoints, step);
    if (!chosen) {
        *error = step < 0 ? "run " + std::to_string(runId) + " has no checkpoint yet"
                          : "run " + std::to_string(runId) + " has no checkpoint at or before step " +
                                std::to_string(step);
        return false;
    }
    run->config = stored.config;
    if (!loadVocabulary(chosen->path, &run->vocab, error)) {
        return false;
    }
    try {
        run->model = buildRecursionModel(stored.config, static_cast<int64_t>(run->vocab.size()));
    } catch (const std::exception& e) {
        *error = e.what();
        return false;
    }
    // Checkpoints from before the token-choice depth cap have no "token_depth_cap" (= none),
    // as RecursionFamily::bufferMayBeMissing says.
    const auto mayBeMissing = [](const std::string& name) { return name == "token_depth_cap"; };
    if (!engine::loadModule(chosen->path, *run->model, nullptr, mayBeMissing, error)) {
        return false;
    }
    run->model->eval();
    run->step = chosen->step;
    run->checkpointPath = chosen->path;
    run->runName = stored.summary.name;
    run->runStatus = stored.summary.status;
    return true;
}

} // namespace mor::seq
