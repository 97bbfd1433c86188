// SPDX-License-Identifier: GPL-3.0-or-later
// The one place that lists the model families: a new family adds its case to makeFamily and
// openFamily here and nothing in the engine changes (the engine sees only engine::ModelFamily).
#include "families/family_registry.h"

#include "data/sequence_data.h"
#include "engine/checkpoint.h"
#include "mor/dataset.h"
#include "seq/recursion_family.h"
#include "seq/sequence_store.h"
#include "train/reflection_family.h"

#include <filesystem>

namespace mor::engine {

std::unique_ptr<ModelFamily> makeFamily(const ExperimentConfig& config,
                                        const torch::Device& device, std::string* error) {
    switch (config.model.family) {
    case Family::Reflection: {
        auto data = loadDataset(config.data, config.train.seed);
        if (!data.ok()) {
            *error = data.error;
            return nullptr;
        }
        return std::make_unique<train::ReflectionFamily>(config, std::move(data.dataset), device);
    }
    case Family::Recursion: {
        auto data = data::loadSequenceData(config.data, config.train.seed);
        if (!data.ok()) {
            *error = data.error;
            return nullptr;
        }
        return std::make_unique<seq::RecursionFamily>(config, std::move(data), device);
    }
    }
    *error = "model.family \"" + familyName(config.model.family) + "\" has no engine family";
    return nullptr;
}

bool CheckpointChoice::parse(const std::string& text, int64_t step, CheckpointChoice* out,
                             std::string* error) {
    if (text != "last" && text != "best") {
        *error = "checkpoint must be \"last\" or \"best\", not \"" + text + "\"";
        return false;
    }
    out->kind = text == "best" ? Kind::Best : Kind::Last;
    out->step = step;
    return true;
}

bool chooseCheckpoint(const StoredRun& run, const CheckpointChoice& choice,
                      ChosenCheckpoint* out, std::string* error) {
    const std::string runName = "run " + std::to_string(run.summary.id);
    const CheckpointInfo* pick = pickCheckpoint(run.checkpoints, choice.step);
    if (!pick) {
        *error = runName + " has no checkpoint" +
                 (choice.step >= 0 ? " at or before step " + std::to_string(choice.step) : "");
        return false;
    }
    if (choice.kind == CheckpointChoice::Kind::Last) {
        out->path = pick->path;
        out->step = pick->step;
        return true;
    }
    // best.pt sits next to the step checkpoints; its step is in the last state.
    const std::string best = bestCheckpointOf(run.checkpoints);
    if (best.empty()) {
        if (choice.kind == CheckpointChoice::Kind::BestElseLast) {
            const CheckpointInfo* last = pickCheckpoint(run.checkpoints, -1);
            out->path = last->path;
            out->step = last->step;
            return true;
        }
        *error = runName + " has no best checkpoint (" +
                 bestCheckpointFile(std::filesystem::path(pick->path).parent_path().string()) +
                 ")";
        return false;
    }
    out->path = best;
    out->step = CheckpointState::fromJson(run.checkpoints.back().metricsJson).bestStep;
    return true;
}

bool openFamily(const StoredRun& run, const CheckpointChoice& choice, const torch::Device& device,
                OpenedFamily* out, std::string* error) {
    if (!chooseCheckpoint(run, choice, &out->checkpoint, error)) {
        return false;
    }
    const std::string& path = out->checkpoint.path;
    switch (run.config.model.family) {
    case Family::Reflection:
        out->family = makeFamily(run.config, device, error);
        if (!out->family || !loadCheckpoint(path, *out->family, nullptr, error)) {
            return false;
        }
        break;
    case Family::Recursion:
        out->family = seq::openRecursionFamily(run.config, path, device, error);
        if (!out->family) {
            return false;
        }
        break;
    }
    if (!out->family) {
        *error = "model.family \"" + familyName(run.config.model.family) +
                 "\" has no engine family";
        return false;
    }
    out->family->setTraining(false);
    return true;
}

} // namespace mor::engine
