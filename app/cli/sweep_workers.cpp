// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweep_workers.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

volatile std::sig_atomic_t g_stopSignal = 0;

void onStopSignal(int sig) {
    g_stopSignal = sig;
}

/// Starts /proc/self/exe with `args`, output appended to `logFile`. The worker gets SIGTERM
/// when this process dies (even by kill -9), so no orphan keeps training an entry that a
/// later --resume would start again; it then stops cleanly and its run reads "stopped".
pid_t spawnWorker(const std::vector<std::string>& args, const std::string& logFile,
                  std::string* error) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        env.emplace_back(*e);
    }
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        env.emplace_back("OMP_WAIT_POLICY=PASSIVE"); // spinning OpenMP threads starve the others
    }
    std::vector<char*> argv, envp;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    for (const auto& kv : env) {
        envp.push_back(const_cast<char*>(kv.c_str()));
    }
    envp.push_back(nullptr);
    const int out = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) {
        *error = "cannot write " + logFile + ": " + std::strerror(errno);
        return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) { // only async-signal-safe calls until execve
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) {
            ::_exit(127); // the sweep died before prctl took effect
        }
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(out, STDERR_FILENO);
        ::execve("/proc/self/exe", argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out);
    if (pid < 0) {
        *error = std::string("cannot start a worker: ") + std::strerror(errno);
    }
    return pid;
}

struct Active {
    pid_t pid = 0;
    std::string what;
};

} // namespace

std::string runSweepWorkers(mor::SweepStore& store, const SweepPlan& plan) {
    using mor::SweepRunState;
    const std::string dir = plan.log + ".sweeps/sweep-" + std::to_string(plan.sweepId);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::FILE* say = plan.quiet ? stderr : stdout;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);

    std::map<int64_t, Active> active; // entry index -> its worker
    std::map<int64_t, int> launches;  // entry index -> workers started by this process
    bool forwarded = false, failedToStart = false;
    auto lastBeat = std::chrono::steady_clock::now();
    for (;;) {
        // Reap workers first, so an entry's new state is read after its worker is gone.
        for (auto it = active.begin(); it != active.end();) {
            int status = 0;
            const pid_t r = ::waitpid(it->second.pid, &status, WNOHANG);
            if (r == 0) {
                ++it;
                continue;
            }
            const bool error = r > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
                               WEXITSTATUS(status) != 130;
            store.recordExit(plan.sweepId, it->first, !error);
            std::fprintf(say, "sweep %lld: %s %s\n", (long long)plan.sweepId,
                         it->second.what.c_str(),
                         error ? ("exited with code " + std::to_string(WEXITSTATUS(status)) +
                                  " (see " + dir + "/entry-" + std::to_string(it->first) +
                                  ".log)")
                                     .c_str()
                               : "ended");
            std::fflush(say);
            it = active.erase(it);
        }
        if (g_stopSignal && !forwarded) {
            for (const auto& [index, worker] : active) {
                ::kill(worker.pid, SIGTERM); // they stop at the next batch; runs read "stopped"
            }
            forwarded = true;
        }
        const std::vector<mor::SweepEntry> entries = store.entries(plan.sweepId);
        bool waiting = false; // an entry that someone (maybe an orphan worker) still runs
        for (const mor::SweepEntry& e : entries) {
            if (active.count(e.index)) {
                continue;
            }
            const bool wanted =
                e.state == SweepRunState::ToDo || e.state == SweepRunState::Interrupted;
            waiting = waiting || e.state == SweepRunState::Running;
            if (!wanted || g_stopSignal || failedToStart || launches[e.index] >= 2 ||
                int64_t(active.size()) >= plan.jobs) {
                continue;
            }
            const std::string label = mor::overridesLabel(e.overridesJson);
            std::vector<std::string> args{"mor"};
            std::string what;
            if (e.state == SweepRunState::Interrupted) {
                store.markRunInterrupted(e.runId);
                args.insert(args.end(), {"resume", "--log", plan.log, "--run",
                                         std::to_string(e.runId), "--json"});
                what = "resumed run " + std::to_string(e.runId);
            } else {
                std::string configJson, error;
                if (!mor::resolveSweepConfig(plan.baseConfigJson, e.overridesJson, &configJson,
                                             &error)) {
                    std::fprintf(stderr, "mor: sweep entry %lld: %s\n", (long long)e.index,
                                 error.c_str());
                    store.recordExit(plan.sweepId, e.index, false);
                    continue;
                }
                const std::string file = dir + "/entry-" + std::to_string(e.index) + ".json";
                std::ofstream(file) << configJson << "\n";
                // An entry that names itself ({"name": ...}, e.g. a --list entry) names its
                // runs; the sweep's name is that of the first entry, no prefix for the others.
                const nlohmann::json entry = nlohmann::json::parse(e.overridesJson, nullptr, false);
                const bool selfNamed = entry.is_object() && entry.contains("name") &&
                                       entry["name"].is_string();
                const std::string name =
                    (selfNamed ? label
                               : plan.runName + (label.empty() ? "" : " " + label)) +
                    " seed=" + std::to_string(e.seed);
                args.insert(args.end(),
                            {"train", "--config", file, "--log", plan.log, "--seed",
                             std::to_string(e.seed), "--name", name, "--tag",
                             mor::SweepStore::runTag(plan.sweepId, e.index), "--tag",
                             mor::SweepStore::sweepTag(plan.sweepId), "--json"});
                if (!plan.device.empty()) {
                    args.insert(args.end(), {"--device", plan.device});
                }
                what = "entry " + std::to_string(e.index);
            }
            args.insert(args.end(), {"--threads", std::to_string(plan.threads)});
            what += " (" + (label.empty() ? std::string("base config") : label) +
                    ", seed " + std::to_string(e.seed) + ")";
            std::string error;
            const pid_t pid = spawnWorker(
                args, dir + "/entry-" + std::to_string(e.index) + ".log", &error);
            if (pid < 0) {
                std::fprintf(stderr, "mor: %s\n", error.c_str());
                failedToStart = true;
                continue;
            }
            store.recordWorker(plan.sweepId, e.index, pid);
            ++launches[e.index];
            active[e.index] = {pid, what};
            std::fprintf(say, "sweep %lld: %s started\n", (long long)plan.sweepId, what.c_str());
            std::fflush(say);
        }
        if (active.empty() && (!waiting || g_stopSignal)) {
            break;
        }
        if (std::chrono::steady_clock::now() - lastBeat > std::chrono::seconds(2)) {
            store.heartbeat(plan.sweepId);
            lastBeat = std::chrono::steady_clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (g_stopSignal) {
        return "stopped";
    }
    const auto info = store.sweep(plan.sweepId);
    if (!info || info->toDo + info->interrupted > 0) {
        return "interrupted";
    }
    return info->failed > 0 ? "failed" : "finished";
}
