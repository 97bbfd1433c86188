#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The multi-process launcher of `mor train --nproc N` (Linux): like torchrun, on one machine.
#include <cstdint>

/// Runs this command line N times as data-parallel workers on this machine (RANK, WORLD_SIZE,
/// LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT set, a free port), forwards SIGTERM,
/// waits for all and returns the first failing worker's exit code (rank 0's first).
int launchWorkers(int64_t nproc);
/// Whether this process is one of those workers (it then trains instead of launching).
bool isLaunchedWorker();
