// SPDX-License-Identifier: GPL-3.0-or-later
// `mor verify`: can a run be reproduced as logged? Re-hashes the config stored with the run
// and every input data file its audit names, and compares them with the logged digests.
#include "mor/run_audit.h"

#include "mor/log_reader.h"

#include <filesystem>

namespace mor {

bool AuditVerification::reproducible() const {
    if (!error.empty() || checks.empty()) {
        return false;
    }
    for (const AuditCheck& c : checks) {
        if (c.status != "ok") {
            return false;
        }
    }
    return true;
}

AuditVerification verifyRunAudit(const std::string& logPath, int64_t run) {
    AuditVerification out;
    auto reader = LogReader::open(logPath);
    if (!reader) {
        out.error = reader.error();
        return out;
    }
    const std::optional<RunSummary> summary = reader->run(run);
    if (!summary) {
        out.error = "run " + std::to_string(run) + " is not in " + logPath;
        return out;
    }
    std::optional<RunAudit> audit = readRunAudit(logPath, run, &out.error);
    if (!out.error.empty()) {
        return out;
    }
    if (!audit) {
        out.checks.push_back({"audit", "not_recorded", "", "",
                              "run " + std::to_string(run) +
                                  " has no audit record (it was logged before log schema 4), "
                                  "so there is nothing to verify against"});
        return out;
    }

    AuditCheck config{"config", "ok", audit->configSha256, configSha256(summary->configJson), ""};
    if (config.expected.empty()) {
        config.status = "not_recorded";
        config.detail = "no config hash was logged";
    } else if (config.expected != config.actual) {
        config.status = "mismatch";
        config.detail = "the run's stored config changed since the run started";
    } else {
        config.detail = "the stored config hashes as logged";
    }
    out.checks.push_back(config);

    for (const AuditDataFile& f : audit->dataFiles) {
        AuditCheck c{f.field, "ok", f.sha256, "", f.path};
        std::string error;
        int64_t bytes = -1;
        if (f.sha256.empty()) {
            c.status = "not_recorded";
            c.detail = f.path + ": could not be read when the run started";
        } else if (!std::filesystem::exists(f.path)) {
            c.status = "missing";
            c.detail = f.path + ": no such file";
        } else if (!sha256OfFile(f.path, &c.actual, &bytes, &error)) {
            c.status = "missing";
            c.detail = error;
        } else if (c.actual != c.expected) {
            c.status = "mismatch";
            c.detail = f.path + ": contents differ from the logged file (" +
                       std::to_string(bytes) + " bytes now, " + std::to_string(f.bytes) +
                       " logged)";
        }
        out.checks.push_back(c);
    }
    return out;
}

} // namespace mor
