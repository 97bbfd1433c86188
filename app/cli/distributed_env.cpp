// SPDX-License-Identifier: GPL-3.0-or-later
#include "distributed_env.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <thread>

namespace {

bool envInt(const char* name, int64_t* value, std::string* error) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == 0) {
        return true;
    }
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text, &end, 10);
    if (errno != 0 || *end != 0 || v < 0) {
        *error = std::string("environment variable ") + name + " = \"" + text +
                 "\" is not a non-negative integer";
        return false;
    }
    *value = v;
    return true;
}

} // namespace

bool distributedFromEnvironment(mor::RunOptions* options, int64_t configThreads,
                                std::string* error) {
    if (std::getenv("WORLD_SIZE") == nullptr) {
        return true; // a stray RANK alone (other tools set it) does not make a group
    }
    int64_t localWorld = 0;
    options->localRank = -1;
    if (!envInt("WORLD_SIZE", &options->worldSize, error) || !envInt("RANK", &options->rank, error) ||
        !envInt("LOCAL_RANK", &options->localRank, error) ||
        !envInt("LOCAL_WORLD_SIZE", &localWorld, error) ||
        !envInt("MASTER_PORT", &options->masterPort, error) ||
        !envInt("MOR_DIST_TIMEOUT", &options->distributedTimeoutSeconds, error)) {
        return false;
    }
    if (options->localRank < 0) {
        options->localRank = options->rank;
    }
    if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) {
        options->masterAddr = addr;
    }
    if (options->worldSize > 1 && std::getenv("RANK") == nullptr) {
        *error = "WORLD_SIZE = " + std::to_string(options->worldSize) + " but RANK is not set";
        return false;
    }
    if (options->worldSize < 1 || options->rank >= options->worldSize) {
        *error = "RANK = " + std::to_string(options->rank) + " is not in [0, WORLD_SIZE = " +
                 std::to_string(options->worldSize) + ")";
        return false;
    }
    // Processes sharing a machine share its cores: one process must not take them all.
    if (options->worldSize > 1 && localWorld > 1 && options->threads < 0) {
        const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
        const int64_t fair = std::max<int64_t>(1, cores / localWorld);
        if (configThreads <= 0 || configThreads > fair) {
            options->threads = fair;
        }
    }
    return true;
}
