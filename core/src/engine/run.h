#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a logged run back (any family): its config, status and checkpoints; the device a
// config asks for.
#include "mor/config.h"
#include "mor/log_reader.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mor::engine {

struct StoredRun {
    ExperimentConfig config;
    RunSummary summary;
    std::vector<CheckpointInfo> checkpoints; ///< by step
};

/// The run's row, parsed config and checkpoints; false with *error when the log, the run or
/// its config cannot be read.
bool readRun(const std::string& logPath, int64_t runId, StoredRun* run, std::string* error);
/// readRun for a command that needs one family: false with "run N is a <family> run; <what>"
/// when the run is of another (e.g. what = "mor prune works on reflection runs").
bool readRunOf(const std::string& logPath, int64_t runId, Family family, const std::string& what,
               StoredRun* run, std::string* error);

/// The device train.device asks for (auto: CUDA when this build has it, else the CPU); false
/// with *error when CUDA is asked for but absent.
bool resolveDevice(DeviceChoice choice, torch::Device* device, std::string* error);

} // namespace mor::engine
