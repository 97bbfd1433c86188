// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker_launcher.h"
#include "command_action.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

/// This process's command line, from /proc (Linux).
std::vector<std::string> ownArguments() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<std::string> args;
    for (size_t start = 0; start < all.size();) {
        const size_t end = all.find('\0', start);
        args.push_back(all.substr(start, end - start));
        start = end == std::string::npos ? all.size() : end + 1;
    }
    return args;
}

/// A TCP port nobody listens on now (the kernel picks it).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return port > 0 ? port : 29500;
}

std::vector<pid_t> g_workers;

void forwardTerm(int sig) {
    for (pid_t pid : g_workers) {
        ::kill(pid, sig);
    }
}

} // namespace

int launchWorkers(int64_t nproc) {
    std::vector<std::string> args = ownArguments();
    if (args.empty()) {
        return userError("--nproc: cannot read this process's command line from /proc/self/cmdline");
    }
    std::vector<std::string> childArgs;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i; // and its value
        } else if (args[i].rfind("--nproc=", 0) != 0) {
            childArgs.push_back(args[i]);
        }
    }
    std::vector<char*> argv;
    for (auto& a : childArgs) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    const int port = freePort();
    std::vector<std::string> baseEnv;
    for (char** e = environ; *e; ++e) {
        const std::string kv = *e;
        static const char* const ours[] = {"RANK=", "WORLD_SIZE=", "LOCAL_RANK=",
                                           "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT=",
                                           "MOR_LAUNCHED_RANK="};
        if (std::none_of(std::begin(ours), std::end(ours),
                         [&](const char* p) { return kv.rfind(p, 0) == 0; })) {
            baseEnv.push_back(kv);
        }
    }
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        baseEnv.push_back("OMP_WAIT_POLICY=PASSIVE"); // spinning OpenMP threads starve the others
    }
    g_workers.reserve(size_t(nproc)); // forwardTerm() reads it from a signal handler
    std::signal(SIGINT, SIG_IGN); // Ctrl-C reaches the workers directly; they stop together
    std::signal(SIGTERM, forwardTerm);
    for (int64_t r = 0; r < nproc; ++r) {
        std::vector<std::string> env = baseEnv;
        const std::string rank = std::to_string(r), world = std::to_string(nproc);
        env.insert(env.end(), {"RANK=" + rank, "LOCAL_RANK=" + rank, "WORLD_SIZE=" + world,
                               "LOCAL_WORLD_SIZE=" + world, "MASTER_ADDR=127.0.0.1",
                               "MASTER_PORT=" + std::to_string(port), "MOR_LAUNCHED_RANK=" + rank});
        std::vector<char*> envp;
        for (auto& kv : env) {
            envp.push_back(kv.data());
        }
        envp.push_back(nullptr);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGINT);
        sigaddset(&defaults, SIGTERM);
        posix_spawnattr_setsigdefault(&attr, &defaults);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, "/proc/self/exe", nullptr, &attr, argv.data(), envp.data());
        posix_spawnattr_destroy(&attr);
        if (rc != 0) {
            forwardTerm(SIGTERM);
            return userError("--nproc: cannot start worker " + rank + ": " + std::strerror(rc));
        }
        g_workers.push_back(pid);
    }

    // Wait for every worker. When one fails the others notice on their next collective and
    // stop too; a worker still running long after that is terminated.
    std::vector<int> codes(size_t(nproc), -1);
    size_t running = size_t(nproc);
    auto firstFailure = std::chrono::steady_clock::time_point::max();
    bool terminated = false;
    while (running > 0) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            const auto it = std::find(g_workers.begin(), g_workers.end(), pid);
            if (it != g_workers.end()) {
                const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                codes[size_t(it - g_workers.begin())] = code;
                --running;
                if (code != 0 && code != 130) {
                    firstFailure = std::min(firstFailure, std::chrono::steady_clock::now());
                }
            }
            continue;
        }
        if (pid < 0 && errno != EINTR) {
            break;
        }
        if (!terminated && std::chrono::steady_clock::now() - firstFailure > std::chrono::seconds(30)) {
            std::fprintf(stderr, "mor: a worker failed; terminating the ones still running\n");
            for (size_t i = 0; i < g_workers.size(); ++i) {
                if (codes[i] < 0) {
                    ::kill(g_workers[i], SIGTERM);
                }
            }
            terminated = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] != 0 && codes[i] != 130) { // 130: stopped on request, like rank 0
            if (i > 0 || codes[i] < 0) {
                std::fprintf(stderr, "mor: worker %zu exited with code %d\n", i, codes[i]);
            }
        }
    }
    if (codes[0] != 0) {
        return codes[0];
    }
    for (int code : codes) {
        if (code != 0) {
            return code;
        }
    }
    return 0;
}

bool isLaunchedWorker() { return std::getenv("MOR_LAUNCHED_RANK") != nullptr; }
