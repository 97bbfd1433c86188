// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweep_slurm.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

/// A bash word: single-quoted, a ' written as '\''.
std::string shellQuoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

bool writeText(const fs::path& path, const std::string& text, std::string* error,
               bool executable = false) {
    std::ofstream out(path);
    out << text;
    out.close();
    if (!out) {
        *error = "cannot write " + path.string() + ": " + std::strerror(errno);
        return false;
    }
    if (executable) {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add, ec);
    }
    return true;
}

std::string selfPath() {
    std::error_code ec;
    const fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("mor") : p.string();
}

} // namespace

bool writeSlurmArray(const SlurmArray& a, std::string* error) {
    std::error_code ec;
    const fs::path dir = fs::absolute(a.dir, ec);
    fs::create_directories(dir / "entries", ec);
    fs::create_directories(dir / "logs", ec);
    if (ec) {
        *error = "cannot create " + (dir / "logs").string() + ": " + ec.message();
        return false;
    }
    if (!writeText(dir / "base.json", a.baseJson + "\n", error)) {
        return false;
    }
    const auto n = static_cast<int64_t>(a.entries.size());
    std::string seeds;
    for (int64_t i = 0; i < n; ++i) {
        const auto& [overrides, seed] = a.entries[static_cast<size_t>(i)];
        if (!writeText(dir / "entries" / ("entry-" + std::to_string(i) + ".json"),
                       "[" + overrides + "]\n", error)) {
            return false;
        }
        seeds += (i ? " " : "") + std::to_string(seed);
    }
    // One key for the tasks of this array: `mor merge` joins their sweeps into one.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    const std::string group = std::to_string(ms) + "-" + std::to_string(::getpid());
    const std::string threads = std::to_string(std::max<int64_t>(1, a.threads));

    std::ostringstream job;
    job << "#!/bin/bash\n"
        << "# SLURM job array written by `mor sweep --emit slurm`: " << n
        << " runs, one per task, each into its own log under logs/.\n"
        << "# Submit: sbatch " << (dir / "job.sbatch").string() << "\n"
        << "# Then:   " << (dir / "merge.sh").string() << " [OUT.sqlite]\n"
        << "#SBATCH --job-name=" << shellQuoted(a.name.empty() ? "mor-sweep" : a.name) << "\n"
        << "#SBATCH --array=0-" << (n - 1) << (a.jobs > 0 ? "%" + std::to_string(a.jobs) : "")
        << "\n"
        << "#SBATCH --cpus-per-task=" << threads << "\n"
        << "#SBATCH --output=" << (dir / "logs").string() << "/task-%a.out\n"
        << "set -euo pipefail\n"
        << "MOR=${MOR:-" << shellQuoted(selfPath()) << "}\n"
        << "DIR=" << shellQuoted(dir.string()) << "\n"
        << "i=${SLURM_ARRAY_TASK_ID:?run this script with sbatch (or set SLURM_ARRAY_TASK_ID)}\n"
        << "seeds=(" << seeds << ")\n"
        << "log=\"$DIR/logs/run-$i.sqlite\"\n"
        << "export OMP_NUM_THREADS=" << threads << " OMP_WAIT_POLICY=PASSIVE\n"
        << "if [ -e \"$log\" ]; then # a requeued task: finish what it started\n"
        << "    exec \"$MOR\" sweep --log \"$log\" --resume 1 --threads " << threads << "\n"
        << "fi\n"
        << "exec \"$MOR\" sweep --config \"$DIR/base.json\" --list \"$DIR/entries/entry-$i.json\" "
        << "--seeds \"${seeds[$i]}\" \\\n"
        << "    --log \"$log\" --name " << shellQuoted(a.name) << " --jobs 1 --threads "
        << threads << " --slurm-task \"" << group << ":$i:" << n << "\""
        << (a.device.empty() ? std::string() : " --device " + a.device) << "\n";
    if (!writeText(dir / "job.sbatch", job.str(), error, true)) {
        return false;
    }

    std::ostringstream merge;
    merge << "#!/bin/bash\n"
          << "# Merges the task logs of " << (dir / "job.sbatch").string()
          << " into one new log (default: merged.sqlite next to this script).\n"
          << "set -euo pipefail\n"
          << "MOR=${MOR:-" << shellQuoted(selfPath()) << "}\n"
          << "DIR=" << shellQuoted(dir.string()) << "\n"
          << "out=${1:-$DIR/merged.sqlite}\n"
          << "logs=()\n"
          << "for i in $(seq 0 " << (n - 1) << "); do\n"
          << "    f=\"$DIR/logs/run-$i.sqlite\"\n"
          << "    if [ -e \"$f\" ]; then logs+=(\"$f\"); else echo \"task $i wrote no log "
             "(not run yet, or failed: see $DIR/logs/task-$i.out)\" >&2; fi\n"
          << "done\n"
          << "[ ${#logs[@]} -gt 0 ] || { echo \"no task logs in $DIR/logs\" >&2; exit 1; }\n"
          << "exec \"$MOR\" merge --log \"$out\" \"${logs[@]}\"\n";
    return writeText(dir / "merge.sh", merge.str(), error, true);
}
