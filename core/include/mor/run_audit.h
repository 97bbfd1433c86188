#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The audit trail of a run: who started it, where, how (command line, build, LibTorch,
// device), the SHA-256 of its config and of every input data file, and the run it came from.
// Written once when the run is created (log schema 4, table run_audit); `mor show` and the
// GUI's run details show it, `mor verify` checks that the run can be reproduced as logged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mor {

/// One input data file of a run (data.path, data.images, data.test_path, ...).
struct AuditDataFile {
    std::string field;  ///< the config field that names it, e.g. "data.path"
    std::string path;   ///< absolute path at the time the run started
    std::string sha256; ///< 64 hex digits; "" when it could not be read
    int64_t bytes = -1;
};

struct RunAudit {
    int64_t runId = 0;
    int64_t recordedMs = 0; ///< wall clock (ms since the Unix epoch)
    std::string user;
    std::string host;
    std::string commandLine; ///< the process's arguments, shell-quoted where needed
    std::string appVersion;
    std::string gitCommit;    ///< the commit the build was configured from ("" unknown)
    std::string configSha256; ///< SHA-256 of canonicalConfigJson(runs.config_json)
    std::string torchVersion;
    std::string device;
    int64_t parentRun = 0;   ///< 0: none
    std::string parentKind;  ///< from a tag "parent:<kind>:<id>" or "<kind>-from:<id>"
    std::vector<AuditDataFile> dataFiles;
    /// Read only: "resumed by ..." events of the run (each resume's user, host, command).
    std::vector<std::string> resumes;
    /// Read only: the run's sweep ("sweep <id> entry <idx>") from its tag, or "".
    std::string sweep;
};

/// SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256Hex(const std::string& bytes);
/// SHA-256 of a file's bytes, read in chunks; false with *error when it cannot be read.
bool sha256OfFile(const std::string& path, std::string* hex, int64_t* bytes, std::string* error);
/// The config as compact JSON with sorted keys (the form whose hash is the config hash); the
/// text itself when it is not JSON.
std::string canonicalConfigJson(const std::string& configJson);
std::string configSha256(const std::string& configJson);
/// The input files a config reads (the fields its data.kind uses; none for generated data),
/// with absolute paths, not hashed yet.
std::vector<AuditDataFile> auditDataFilesOf(const std::string& configJson);
/// The commit the build was configured from (`git describe --always --dirty`), "" if unknown.
std::string buildGitCommit();
/// This process's command line from /proc/self/cmdline ("" where there is none).
std::string processCommandLine();
/// "user@host" of this process.
std::string auditUserAtHost();

/// Fills everything but runId for a run of `configJson` on `device`, hashing its data files.
/// `tags` may name a parent ("parent:<kind>:<id>", "pruned-from:<id>").
RunAudit collectRunAudit(const std::string& configJson, const std::string& device,
                         const std::string& torchVersion, const std::vector<std::string>& tags);
/// Stores `audit` for audit.runId in the log (its own short write transaction).
bool recordRunAudit(const std::string& logPath, const RunAudit& audit, std::string* error);
/// The audit of a run; nullopt with *error empty when none was recorded (a run from before
/// log schema 4), nullopt with *error set when the log cannot be read.
std::optional<RunAudit> readRunAudit(const std::string& logPath, int64_t run,
                                     std::string* error);
/// The audit as one JSON object ("data_sha256": path -> hex among its fields).
std::string runAuditJson(const RunAudit& audit);

/// One item `mor verify` checked.
struct AuditCheck {
    std::string item;     ///< "config", "data.path", ...
    std::string status;   ///< ok | mismatch | missing | not_recorded
    std::string expected; ///< the logged hash
    std::string actual;   ///< the hash now ("" when missing)
    std::string detail;   ///< a sentence for the user (path, why)
};
struct AuditVerification {
    std::string error; ///< the log or the run could not be read (then checks is empty)
    std::vector<AuditCheck> checks;
    /// True when every check is ok.
    bool reproducible() const;
};
/// Re-hashes the run's stored config and its data files and compares them with the audit.
AuditVerification verifyRunAudit(const std::string& logPath, int64_t run);

} // namespace mor
