// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/sequence_store.h"

#include "engine/checkpoint.h"
#include "engine/run.h"
#include "mor/sequence.h"
#include "mor/vocabulary.h"
#include "seq/recursion_family.h"

namespace mor::seq {

RecursionModel buildRecursionModel(const ExperimentConfig& config, int64_t vocabSize) {
    return RecursionModel(config.model.recursion, vocabSize, sequenceLength(config.data));
}

std::unique_ptr<RecursionFamily> openRecursionFamily(const ExperimentConfig& config,
                                                     const std::string& checkpointPath,
                                                     const torch::Device& device,
                                                     std::string* error) {
    // The vocabulary is checkpoint state; the rows of the data set are not needed to answer.
    data::SequenceData vocabulary;
    if (!readVocabularyFile(checkpointPath, &vocabulary.vocab, error)) {
        return nullptr;
    }
    vocabulary.seqLen = sequenceLength(config.data);
    std::unique_ptr<RecursionFamily> family;
    try {
        family = std::make_unique<RecursionFamily>(config, std::move(vocabulary), device);
    } catch (const std::exception& e) {
        *error = e.what();
        return nullptr;
    }
    if (!engine::loadCheckpoint(checkpointPath, *family, nullptr, error)) {
        return nullptr;
    }
    family->setTraining(false);
    return family;
}

bool checkRecursionRun(const engine::StoredRun& stored, std::string* error) {
    if (stored.config.model.family == Family::Recursion) {
        return true;
    }
    *error = "run " + std::to_string(stored.summary.id) + " is a " +
             familyName(stored.config.model.family) +
             " model, not a Mixture-of-Recursions sequence model";
    return false;
}

LoadedSequenceRun loadedSequenceRun(const engine::StoredRun& stored, RecursionFamily& family,
                                    int64_t step, const std::string& checkpointPath) {
    LoadedSequenceRun run;
    run.config = stored.config;
    run.vocab = family.data().vocab;
    run.model = family.model(); // shares the network: it outlives the family
    run.step = step;
    run.checkpointPath = checkpointPath;
    run.runName = stored.summary.name;
    run.runStatus = stored.summary.status;
    return run;
}

bool loadSequenceCheckpoint(const engine::StoredRun& stored, int64_t step, LoadedSequenceRun* run,
                            std::string* error) {
    if (!checkRecursionRun(stored, error)) {
        return false;
    }
    const int64_t runId = stored.summary.id;
    const CheckpointInfo* chosen = engine::pickCheckpoint(stored.checkpoints, step);
    if (!chosen) {
        *error = step < 0 ? "run " + std::to_string(runId) + " has no checkpoint yet"
                          : "run " + std::to_string(runId) + " has no checkpoint at or before step " +
                                std::to_string(step);
        return false;
    }
    auto family = openRecursionFamily(stored.config, chosen->path, torch::kCPU, error);
    if (!family) {
        return false;
    }
    *run = loadedSequenceRun(stored, *family, chosen->step, chosen->path);
    return true;
}

} // namespace mor::seq
