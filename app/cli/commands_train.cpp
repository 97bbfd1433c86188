#include "commands.h"
#include "progress_printer.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int userError(const std::string& message) {
    std::fprintf(stderr, "mor: %s\n", message.c_str());
    return 2;
}

namespace {

nlohmann::json outcomeJson(const mor::RunOutcome& out) {
    nlohmann::json j{{"run_id", out.runId},
                     {"status", out.status},
                     {"steps", out.steps},
                     {"seconds", out.seconds},
                     {"parameters", out.parameters}};
    if (!out.error.empty()) {
        j["error"] = out.error;
    }
    if (out.test.samples > 0) {
        j["test_accuracy"] = out.test.accuracy;
        j["test_loss"] = out.test.loss;
        j["mean_depth"] = out.test.meanDepth;
        j["expert_steps_per_input"] = out.test.expertStepsPerInput;
        j["conflict_rate"] = out.test.conflictRate;
        j["flops_per_input"] = out.test.flopsPerInput;
        j["activation"] = out.test.activation;
        j["accuracy_per_step"] = out.test.accuracyPerStep;
    } else {
        j["test_accuracy"] = nullptr;
        j["mean_depth"] = nullptr;
        j["expert_steps_per_input"] = nullptr;
        j["conflict_rate"] = nullptr;
    }
    return j;
}

int report(const mor::RunOutcome& out, bool json) {
    if (json) {
        std::cout << outcomeJson(out).dump() << std::endl;
    } else if (out.test.samples > 0) {
        std::printf("run %lld %s after %lld steps in %.1f s: test accuracy %.4f, mean depth %.2f, "
                    "expert-steps/input %.2f, conflict rate %.3f\n",
                    (long long)out.runId, out.status.c_str(), (long long)out.steps, out.seconds,
                    out.test.accuracy, out.test.meanDepth, out.test.expertStepsPerInput,
                    out.test.conflictRate);
    }
    if (out.status == "failed") {
        if (!json) {
            std::fprintf(stderr, "mor: %s\n", out.error.c_str());
        }
        return 1;
    }
    return out.status == "stopped" ? 130 : 0;
}

// ---- data-parallel training (README, "Data-parallel training") -------------------------

/// Rank 0 reports as usual; the other ranks only say why they failed, on stderr.
int reportRank(const mor::RunOutcome& out, bool json, int64_t rank) {
    if (rank == 0) {
        return report(out, json);
    }
    if (out.status == "failed") {
        std::fprintf(stderr, "mor: rank %lld: %s\n", (long long)rank, out.error.c_str());
        return 1;
    }
    return out.status == "stopped" ? 130 : 0;
}

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

/// RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT as torchrun sets
/// them, and MOR_DIST_TIMEOUT (seconds). Without WORLD_SIZE the run is one process.
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

int cmdValidate(const std::string& configPath) {
    const auto parsed = mor::loadConfigFile(configPath);
    if (!parsed.ok()) {
        return userError(configPath + ":\n" + parsed.message());
    }
    std::printf("%s: valid\n", configPath.c_str());
    return 0;
}

int cmdTrain(const TrainArgs& args) {
    const auto parsed = mor::loadConfigFile(args.config);
    if (!parsed.ok()) {
        return userError(args.config + ":\n" + parsed.message());
    }
    if (args.nproc > 1 && std::getenv("MOR_LAUNCHED_RANK") == nullptr) {
        return launchWorkers(args.nproc);
    }
    mor::RunOptions options;
    options.logPath = args.log;
    options.name = args.name;
    options.seed = args.seed;
    options.device = args.device;
    options.threads = args.threads;
    options.tags = args.tags;
    std::string error;
    if (!distributedFromEnvironment(&options, parsed.config.train.threads, &error)) {
        return userError(error);
    }
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.quiet || args.json || options.rank > 0);
    return reportRank(mor::trainExperiment(parsed.config, options, &printer), args.json,
                      options.rank);
}

int cmdResume(const RunArgs& args) {
    std::string error;
    mor::RunOptions options;
    options.threads = args.threads;
    if (!distributedFromEnvironment(&options, args.threads, &error)) {
        return userError(error);
    }
    if (options.rank == 0) { // data-parallel: only rank 0 writes the log
        // A run whose process died (kill -9) still says "running": mark it first.
        auto log = mor::ExperimentLog::open(args.log, &error);
        if (!log) {
            return userError(error);
        }
        log->markStaleRunsInterrupted(15000);
    }
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.json || options.rank > 0);
    auto run = mor::Run::open(args.log, args.run);
    if (!run) {
        mor::RunOutcome failed;
        failed.runId = args.run;
        failed.status = "failed";
        failed.error = run.error();
        return reportRank(failed, args.json, options.rank);
    }
    return reportRank(run->resume(options, &printer), args.json, options.rank);
}

int cmdEval(const RunArgs& args) {
    const auto run = mor::Run::open(args.log, args.run);
    if (!run) {
        return userError(run.error());
    }
    auto evaluated = run->evaluate();
    if (!evaluated) {
        return userError(evaluated.error());
    }
    mor::RunOutcome out = std::move(evaluated).value();
    if (out.status == "failed") { // the run diverged; its last good checkpoint still evaluates
        out.status = "failed (evaluated at its last good checkpoint)";
    }
    return report(out, args.json);
}
