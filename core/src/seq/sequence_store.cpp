// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/sequence_store.h"

#include "mor/log_reader.h"
#include "mor/sequence.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace mor::seq {

namespace {

bool renameInto(const std::string& tmp, const std::string& path, std::string* error) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        *error = "cannot write " + path;
        return false;
    }
    return true;
}

} // namespace

bool saveSequenceCheckpoint(const std::string& path, RecursionModel& model,
                            torch::optim::Optimizer* optimizer,
                            const std::vector<std::string>& vocab, std::string* error) {
    try {
        torch::serialize::OutputArchive archive;
        model->save(archive);
        archive.save_to(path + ".tmp");
        if (!renameInto(path + ".tmp", path, error)) {
            return false;
        }
        if (optimizer) {
            torch::serialize::OutputArchive optim;
            optimizer->save(optim);
            optim.save_to(path + ".optim.tmp");
            if (!renameInto(path + ".optim.tmp", path + ".optim", error)) {
                return false;
            }
        }
        std::ofstream out(path + ".vocab.tmp", std::ios::binary);
        out << nlohmann::json(vocab).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out.close();
        if (!out) {
            *error = "cannot write " + path + ".vocab";
            return false;
        }
        return renameInto(path + ".vocab.tmp", path + ".vocab", error);
    } catch (const std::exception& e) {
        *error = "cannot write the checkpoint " + path + ": " + e.what();
        return false;
    }
}

bool loadSequenceCheckpoint(const std::string& path, RecursionModel& model,
                            torch::optim::Optimizer* optimizer, std::string* error) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        model->load(archive);
        if (optimizer) {
            std::ifstream probe(path + ".optim");
            if (probe) {
                torch::serialize::InputArchive optim;
                optim.load_from(path + ".optim");
                optimizer->load(optim);
            }
        }
        return true;
    } catch (const std::exception& e) {
        *error = "cannot read the checkpoint " + path + " (does it belong to this config?): " +
                 e.what();
        return false;
    }
}

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

bool loadSequenceRun(const std::string& logPath, int64_t runId, int64_t step,
                     LoadedSequenceRun* run, std::string* error) {
    auto reader = LogReader::open(logPath, error);
    if (!reader) {
        return false;
    }
    const auto summary = reader->run(runId);
    if (!summary) {
        *error = "run " + std::to_string(runId) + " is not in " + logPath;
        return false;
    }
    auto parsed = parseConfig(summary->configJson);
    if (!parsed.ok()) {
        *error = "the stored config of run " + std::to_string(runId) +
                 " is not valid for this version: " + parsed.message();
        return false;
    }
    if (parsed.config.model.family != "recursion") {
        *error = "run " + std::to_string(runId) + " is a " + parsed.config.model.family +
                 " model, not a Mixture-of-Recursions sequence model";
        return false;
    }
    const auto checkpoints = reader->checkpoints(runId);
    const CheckpointInfo* chosen = nullptr;
    for (const CheckpointInfo& c : checkpoints) {
        if (step < 0 || c.step == step) {
            chosen = &c;
        }
    }
    if (!chosen) {
        *error = step < 0 ? "run " + std::to_string(runId) + " has no checkpoint yet"
                          : "run " + std::to_string(runId) + " has no checkpoint at step " +
                                std::to_string(step);
        return false;
    }
    run->config = parsed.config;
    if (!loadVocabulary(chosen->path, &run->vocab, error)) {
        return false;
    }
    try {
        run->model = RecursionModel(parsed.config.model.recursion,
                                    static_cast<int64_t>(run->vocab.size()),
                                    sequenceLength(parsed.config.data));
    } catch (const std::exception& e) {
        *error = e.what();
        return false;
    }
    if (!loadSequenceCheckpoint(chosen->path, run->model, nullptr, error)) {
        return false;
    }
    run->model->eval();
    run->step = chosen->step;
    run->checkpointPath = chosen->path;
    return true;
}

} // namespace mor::seq
