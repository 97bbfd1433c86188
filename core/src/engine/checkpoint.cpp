// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/checkpoint.h"

#include "engine/model_family.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace mor::engine {

std::string CheckpointState::toJson() const {
    nlohmann::json j{{"step", step},
                     {"evaluations", evaluations},
                     {"bad_evaluations", badEvaluations},
                     {"best_accuracy", bestAccuracy},
                     {"best_step", bestStep}};
    return j.dump();
}

CheckpointState CheckpointState::fromJson(const std::string& text) {
    CheckpointState s;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) {
        return s;
    }
    s.step = j.value("step", int64_t(0));
    s.evaluations = j.value("evaluations", int64_t(0));
    s.badEvaluations = j.value("bad_evaluations", int64_t(0));
    s.bestAccuracy = j.value("best_accuracy", -1.0);
    s.bestStep = j.value("best_step", int64_t(-1));
    return s;
}

std::string checkpointDirFor(const std::string& logPath, int64_t runId) {
    return logPath + ".checkpoints/run-" + std::to_string(runId);
}

std::string checkpointFile(const std::string& dir, int64_t step) {
    char name[64];
    std::snprintf(name, sizeof name, "step-%08lld.pt", static_cast<long long>(step));
    return dir + "/" + name;
}

std::string bestCheckpointFile(const std::string& dir) { return dir + "/best.pt"; }

const CheckpointInfo* pickCheckpoint(const std::vector<CheckpointInfo>& checkpoints,
                                     int64_t step) {
    const CheckpointInfo* pick = nullptr;
    for (const auto& c : checkpoints) {
        if ((step < 0 || c.step <= step) && (!pick || c.step >= pick->step)) {
            pick = &c;
        }
    }
    return pick;
}

std::string bestCheckpointOf(const std::vector<CheckpointInfo>& checkpoints) {
    const CheckpointInfo* last = pickCheckpoint(checkpoints, -1);
    if (!last) {
        return {};
    }
    const std::string best =
        bestCheckpointFile(std::filesystem::path(last->path).parent_path().string());
    std::error_code ec;
    return std::filesystem::exists(best, ec) ? best : std::string();
}

namespace {

/// torch::nn::Module::load, but by name and tolerant of the buffers `mayBeMissing` accepts.
void readModule(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                const std::string& where, const BufferFilter& mayBeMissing) {
    for (auto& p : module.named_parameters(/*recurse=*/false)) {
        if (!archive.try_read(p.key(), p.value())) {
            throw std::runtime_error("no parameter " + where + p.key());
        }
    }
    for (auto& b : module.named_buffers(/*recurse=*/false)) {
        if (!archive.try_read(b.key(), b.value(), /*is_buffer=*/true) &&
            !(mayBeMissing && mayBeMissing(b.key()))) {
            throw std::runtime_error("no buffer " + where + b.key());
        }
    }
    for (auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive)) {
            throw std::runtime_error("no module " + where + child.key());
        }
        readModule(*child.value(), childArchive, where + child.key() + ".", mayBeMissing);
    }
}

bool replaceFile(const std::string& tmp, const std::string& path, std::string* error) {
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + ec.message();
        }
        return false;
    }
    return true;
}

} // namespace

bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error) {
    {
        std::ofstream out(path + ".tmp", std::ios::binary);
        out << text;
        out.close();
        if (!out) {
            if (error) {
                *error = "cannot write " + path;
            }
            return false;
        }
    }
    return replaceFile(path + ".tmp", path, error);
}

bool saveModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, std::string* error) {
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        if (optimizer) {
            const std::string otmp = path + ".optim.tmp";
            torch::serialize::OutputArchive archive;
            optimizer->save(archive);
            archive.save_to(otmp);
            if (!replaceFile(otmp, path + ".optim", error)) {
                return false;
            }
        }
        const std::string tmp = path + ".tmp";
        torch::serialize::OutputArchive archive;
        module.save(archive);
        archive.save_to(tmp);
        return replaceFile(tmp, path, error);
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + e.what();
        }
        return false;
    }
}

bool loadModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, const BufferFilter& mayBeMissing,
                std::string* error) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        readModule(module, archive, "", mayBeMissing);
        if (optimizer && std::filesystem::exists(path + ".optim")) {
            torch::serialize::InputArchive optim;
            optim.load_from(path + ".optim");
            optimizer->load(optim);
        }
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot read checkpoint " + path + " (does it belong to this config?): " +
                     e.what();
        }
        return false;
    }
}

bool saveCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return family.saveState(path, error) && saveModule(path, family.module(), optimizer, error);
}

bool loadCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    const auto filter = [&family](const std::string& name) {
        return family.bufferMayBeMissing(name);
    };
    return loadModule(path, family.module(), optimizer, filter, error) &&
           family.loadState(path, error);
}

} // namespace mor::engine
