// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/run.h"

#include <algorithm>

namespace mor::engine {

bool readRun(const std::string& logPath, int64_t runId, StoredRun* run, std::string* error) {
    auto reader = LogReader::open(logPath);
    if (!reader) {
        *error = reader.error();
        return false;
    }
    auto summary = reader->run(runId);
    if (!summary) {
        *error = "run " + std::to_string(runId) + " is not in " + logPath;
        return false;
    }
    // As trained: a default changed since the run was stored does not apply to it.
    auto parsed = parseConfig(withStoredDefaults(summary->configJson, summary->createdMs));
    if (!parsed.ok()) {
        *error = "the stored config of run " + std::to_string(runId) +
                 " is not valid for this version: " + parsed.message();
        return false;
    }
    run->config = parsed.config;
    run->summary = *summary;
    run->checkpoints = reader->checkpoints(runId);
    std::stable_sort(run->checkpoints.begin(), run->checkpoints.end(),
                     [](const CheckpointInfo& a, const CheckpointInfo& b) { return a.step < b.step; });
    return true;
}

bool readRunOf(const std::string& logPath, int64_t runId, Family family, const std::string& what,
               StoredRun* run, std::string* error) {
    if (!readRun(logPath, runId, run, error)) {
        return false;
    }
    if (run->config.model.family != family) {
        *error = "run " + std::to_string(runId) + " is a " + familyName(run->config.model.family) +
                 " run; " + what;
        return false;
    }
    return true;
}

bool resolveDevice(DeviceChoice choice, torch::Device* device, std::string* error) {
    if (choice == DeviceChoice::Cuda || choice == DeviceChoice::Auto) {
        if (torch::cuda::is_available()) {
            *device = torch::Device(torch::kCUDA);
            return true;
        }
        if (choice == DeviceChoice::Cuda) {
            *error = "train.device = \"cuda\" but this LibTorch build has no usable CUDA device; "
                     "use \"cpu\" or \"auto\"";
            return false;
        }
    }
    *device = torch::Device(torch::kCPU);
    return true;
}

} // namespace mor::engine
