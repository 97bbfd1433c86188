// SPDX-License-Identifier: GPL-3.0-or-later
// The audit trail of a run: collecting it, storing it in run_audit, reading it back.
// Verification (re-hashing) is in run_audit_verify.cpp.
#include "mor/run_audit.h"

#include "log/audit_sha256.h"
#include "log/log_schema.h"
#include "log/run_audit_store.h"
#include "log/sqlite_db.h"
#include "log/sweep_store.h"
#include "mor/sweep.h"
#include "mor/version.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <unistd.h>

namespace mor {

namespace {

using AuditJson = nlohmann::json;

/// Quotes one argument for a POSIX shell when it holds anything but plain characters.
std::string auditShellQuoted(const std::string& arg) {
    if (!arg.empty() &&
        arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "_-+=./:,@%") == std::string::npos) {
        return arg;
    }
    std::string out = "'";
    for (char c : arg) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

std::string auditUserName() {
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) {
        return pw->pw_name;
    }
    const char* env = std::getenv("USER");
    return env ? env : "";
}

std::string auditAbsolutePath(const std::string& path) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

AuditJson auditDataFilesJson(const std::vector<AuditDataFile>& files) {
    AuditJson out = AuditJson::array();
    for (const AuditDataFile& f : files) {
        out.push_back({{"field", f.field}, {"path", f.path}, {"sha256", f.sha256},
                       {"bytes", f.bytes}});
    }
    return out;
}

std::vector<AuditDataFile> auditDataFilesFromJson(const std::string& text) {
    std::vector<AuditDataFile> out;
    const AuditJson j = AuditJson::parse(text, nullptr, false);
    if (!j.is_array()) {
        return out;
    }
    for (const AuditJson& f : j) {
        if (!f.is_object()) {
            continue;
        }
        AuditDataFile file;
        file.field = f.value("field", "");
        file.path = f.value("path", "");
        file.sha256 = f.value("sha256", "");
        file.bytes = f.value("bytes", int64_t(-1));
        out.push_back(file);
    }
    return out;
}

/// The parent named by a tag "parent:<kind>:<id>" or "<kind>-from:<id>" (mor prune writes
/// "pruned-from:<id>").
void auditParentFromTags(const std::vector<std::string>& tags, RunAudit* audit) {
    for (const std::string& tag : tags) {
        const size_t colon = tag.rfind(':');
        if (colon == std::string::npos || colon + 1 >= tag.size()) {
            continue;
        }
        std::string kind;
        if (tag.rfind("parent:", 0) == 0 && colon > 7) {
            kind = tag.substr(7, colon - 7);
        } else if (colon > 5 && tag.compare(colon - 5, 5, "-from") == 0 &&
                   tag.find(':') == colon) {
            kind = tag.substr(0, colon - 5);
        } else {
            continue;
        }
        char* end = nullptr;
        const long long id = std::strtoll(tag.c_str() + colon + 1, &end, 10);
        if (!kind.empty() && end && *end == '\0' && id > 0) {
            audit->parentRun = id;
            audit->parentKind = kind;
            return;
        }
    }
}

} // namespace

std::string sha256Hex(const std::string& bytes) {
    log::AuditSha256 sha;
    sha.update(bytes.data(), bytes.size());
    return sha.finishHex();
}

bool sha256OfFile(const std::string& path, std::string* hex, int64_t* bytes, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) {
            *error = path + ": cannot be opened (" + (std::filesystem::exists(path)
                                                         ? "no permission to read it"
                                                         : "no such file") + ")";
        }
        return false;
    }
    log::AuditSha256 sha;
    std::vector<char> chunk(1 << 20);
    int64_t total = 0;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const std::streamsize got = in.gcount();
        sha.update(chunk.data(), static_cast<size_t>(got));
        total += got;
    }
    if (in.bad()) {
        if (error) {
            *error = path + ": read error";
        }
        return false;
    }
    if (hex) {
        *hex = sha.finishHex();
    }
    if (bytes) {
        *bytes = total;
    }
    return true;
}

std::string canonicalConfigJson(const std::string& configJson) {
    // nlohmann's objects are ordered maps: dump() writes sorted keys, no spaces.
    const AuditJson j = AuditJson::parse(configJson, nullptr, false);
    return j.is_discarded() ? configJson : j.dump();
}

std::string configSha256(const std::string& configJson) {
    return sha256Hex(canonicalConfigJson(configJson));
}

std::vector<AuditDataFile> auditDataFilesOf(const std::string& configJson) {
    std::vector<AuditDataFile> out;
    const AuditJson j = AuditJson::parse(configJson, nullptr, false);
    if (!j.is_object() || !j.contains("data") || !j["data"].is_object()) {
        return out;
    }
    const AuditJson& data = j["data"];
    const std::string kind = data.value("kind", "");
    std::vector<const char*> fields;
    if (kind == "csv") {
        fields = {"path", "test_path"};
    } else if (kind == "idx") {
        fields = {"images", "labels", "test_images", "test_labels"};
    } else if (kind == "text") {
        fields = {"text_path"}; // empty: the bundled corpus, part of the build
    }
    for (const char* field : fields) {
        const std::string path = data.contains(field) && data[field].is_string()
                                     ? data[field].get<std::string>()
                                     : std::string();
        if (!path.empty()) {
            out.push_back({std::string("data.") + field, auditAbsolutePath(path), "", -1});
        }
    }
    return out;
}

std::string processCommandLine() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string out;
    size_t begin = 0;
    while (begin < all.size()) {
        size_t end = all.find('\0', begin);
        if (end == std::string::npos) {
            end = all.size();
        }
        out += (out.empty() ? "" : " ") + auditShellQuoted(all.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

std::string auditUserAtHost() {
    return auditUserName() + "@" + log::hostName();
}

RunAudit collectRunAudit(const std::string& configJson, const std::string& device,
                         const std::string& torchVersion, const std::vector<std::string>& tags) {
    RunAudit audit;
    audit.recordedMs = log::nowMs();
    audit.user = auditUserName();
    audit.host = log::hostName();
    audit.commandLine = processCommandLine();
    audit.appVersion = versionString();
    audit.gitCommit = buildGitCommit();
    audit.configSha256 = configSha256(configJson);
    audit.torchVersion = torchVersion;
    audit.device = device;
    auditParentFromTags(tags, &audit);
    audit.dataFiles = auditDataFilesOf(configJson);
    for (AuditDataFile& f : audit.dataFiles) {
        if (!sha256OfFile(f.path, &f.sha256, &f.bytes, nullptr)) {
            f.sha256.clear(); // the run fails on its data anyway; verify says "not recorded"
        }
    }
    return audit;
}

namespace log {

void insertRunAudit(SqliteDb& db, const RunAudit& audit) {
    SqlQuery(db.statement("INSERT OR REPLACE INTO run_audit(run_id, recorded_ms, user, host, "
                          "command_line, app_version, git_commit, config_sha256, torch_version, "
                          "device, parent_run, parent_kind, data_files) "
                          "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"))
        .bind(1, audit.runId)
        .bind(2, audit.recordedMs)
        .bind(3, audit.user)
        .bind(4, audit.host)
        .bind(5, audit.commandLine)
        .bind(6, audit.appVersion)
        .bind(7, audit.gitCommit)
        .bind(8, audit.configSha256)
        .bind(9, audit.torchVersion)
        .bind(10, audit.device)
        .bind(11, audit.parentRun)
        .bind(12, audit.parentKind)
        .bind(13, auditDataFilesJson(audit.dataFiles).dump())
        .exec();
}

} // namespace log

bool recordRunAudit(const std::string& logPath, const RunAudit& audit, std::string* error) {
    try {
        log::SqliteDb db(logPath, SQLITE_OPEN_READWRITE, log::kBusyTimeoutMs);
        db.exec("PRAGMA foreign_keys = ON");
        const auto done = log::retryTransaction<bool>(
            db, "BEGIN IMMEDIATE", 5, 200,
            [&](log::SqliteDb& d) {
                log::insertRunAudit(d, audit);
                return true;
            },
            error);
        return done.has_value();
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write the audit of run " + std::to_string(audit.runId) + " to " +
                     logPath + ": " + e.what();
        }
        return false;
    }
}

std::optional<RunAudit> readRunAudit(const std::string& logPath, int64_t run,
                                     std::string* error) {
    if (error) {
        error->clear();
    }
    const log::LogFileCheck check = log::inspectLogFile(logPath, false);
    if (!check.ok) {
        if (error) {
            *error = check.error;
        }
        return std::nullopt;
    }
    try {
        auto db = log::openReadOnlyDb(logPath, log::kBusyTimeoutMs);
        if (db->queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'run_audit'") == 0) {
            return std::nullopt; // a log from before schema 4
        }
        log::SqlQuery q(db->statement(
            "SELECT recorded_ms, user, host, command_line, app_version, git_commit, "
            "config_sha256, torch_version, device, parent_run, parent_kind, data_files "
            "FROM run_audit WHERE run_id = ?"));
        q.bind(1, run);
        if (!q.next()) {
            return std::nullopt;
        }
        RunAudit a;
        a.runId = run;
        a.recordedMs = q.int64(0);
        a.user = q.text(1);
        a.host = q.text(2);
        a.commandLine = q.text(3);
        a.appVersion = q.text(4);
        a.gitCommit = q.text(5);
        a.configSha256 = q.text(6);
        a.torchVersion = q.text(7);
        a.device = q.text(8);
        a.parentRun = q.int64(9);
        a.parentKind = q.text(10);
        a.dataFiles = auditDataFilesFromJson(q.text(11));
        log::SqlQuery events(db->statement("SELECT message FROM events WHERE run_id = ? AND "
                                           "message LIKE 'resumed by %' ORDER BY id"));
        events.bind(1, run);
        while (events.next()) {
            a.resumes.push_back(events.text(0));
        }
        log::SqlQuery tags(db->statement(
            "SELECT tag FROM tags WHERE run_id = ? AND tag LIKE 'sweep:%:%' ORDER BY tag"));
        tags.bind(1, run);
        while (a.sweep.empty() && tags.next()) { // "sweep:<id>:<idx>"
            const SweepStore::TagParts entry = SweepStore::parseTag(tags.text(0));
            if (entry.index >= 0) {
                a.sweep = "sweep " + std::to_string(entry.sweep) + " entry " +
                          std::to_string(entry.index);
            }
        }
        return a;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot read the audit of run " + std::to_string(run) + " from " + logPath +
                     ": " + e.what();
        }
        return std::nullopt;
    }
}

std::string runAuditJson(const RunAudit& audit) {
    AuditJson data = AuditJson::object();
    for (const AuditDataFile& f : audit.dataFiles) {
        data[f.path] = f.sha256;
    }
    AuditJson j{{"run", audit.runId},
                {"recorded_ms", audit.recordedMs},
                {"user", audit.user},
                {"host", audit.host},
                {"command_line", audit.commandLine},
                {"app_version", audit.appVersion},
                {"git_commit", audit.gitCommit},
                {"config_sha256", audit.configSha256},
                {"torch_version", audit.torchVersion},
                {"device", audit.device},
                {"data_sha256", data},
                {"data_files", auditDataFilesJson(audit.dataFiles)},
                {"resumes", audit.resumes}};
    j["parent"] = audit.parentRun > 0
                      ? AuditJson{{"run", audit.parentRun}, {"kind", audit.parentKind}}
                      : AuditJson();
    j["sweep"] = audit.sweep.empty() ? AuditJson() : AuditJson(audit.sweep);
    return j.dump();
}

} // namespace mor
