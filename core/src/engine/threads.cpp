// SPDX-License-Identifier: GPL-3.0-or-later
// setThreads (mor/trainer.h): torch's intra-op thread count, shared by training and serving.
#include "mor/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <thread>

namespace mor {

void setThreads(int64_t threads) {
    const int64_t n = threads > 0 ? threads : int64_t(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(int(n));
}

} // namespace mor
