#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Data-parallel settings of `mor train` / `mor resume` from the environment, as torchrun (or
// `mor train --nproc`, worker_launcher.h) sets them.
#include "mor/trainer.h"

#include <cstdint>
#include <string>

/// RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT as torchrun sets
/// them, and MOR_DIST_TIMEOUT (seconds). Without WORLD_SIZE the run is one process.
/// Also shares the machine's cores fairly between local workers when no thread count is
/// given. False with *error when a variable is malformed or the ranks do not fit.
bool distributedFromEnvironment(mor::RunOptions* options, int64_t configThreads,
                                std::string* error);
