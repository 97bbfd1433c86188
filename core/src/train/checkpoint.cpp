#include "train/checkpoint.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace mor::train {

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

namespace {

// Buffers a checkpoint may lack because they were added later; the module keeps its default.
bool mayBeMissing(const std::string& name) {
    return name == "critic_temperature"; // before held-out calibration: T = 1
}

/// torch::nn::Module::load, but by name and tolerant of the buffers of mayBeMissing().
void loadModule(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                const std::string& where) {
    for (auto& p : module.named_parameters(/*recurse=*/false)) {
        if (!archive.try_read(p.key(), p.value())) {
            throw std::runtime_error("no parameter " + where + p.key());
        }
    }
    for (auto& b : module.named_buffers(/*recurse=*/false)) {
        if (!archive.try_read(b.key(), b.value(), /*is_buffer=*/true) && !mayBeMissing(b.key())) {
            throw std::runtime_error("no buffer " + where + b.key());
        }
    }
    for (auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive)) {
            throw std::runtime_error("no module " + where + child.key());
        }
        loadModule(*child.value(), childArchive, where + child.key() + ".");
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

bool saveCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    try {
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        const std::string tmp = path + ".tmp";
        torch::save(model, tmp);
        if (optimizer) {
            const std::string otmp = path + ".optim.tmp";
            torch::serialize::OutputArchive archive;
            optimizer->save(archive);
            archive.save_to(otmp);
            if (!replaceFile(otmp, path + ".optim", error)) {
                return false;
            }
        }
        return replaceFile(tmp, path, error);
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write checkpoint " + path + ": " + e.what();
        }
        return false;
    }
}

bool loadCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        loadModule(*model, archive, "");
        if (optimizer && std::filesystem::exists(path + ".optim")) {
            torch::serialize::InputArchive archive;
            archive.load_from(path + ".optim");
            optimizer->load(archive);
        }
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot read checkpoint " + path + ": " + e.what();
        }
        return false;
    }
}

} // namespace mor::train
