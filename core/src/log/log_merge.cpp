// SPDX-License-Identifier: GPL-3.0-or-later
// mergeLogs: every input ATTACHed read-only to the new log's connection; rows copied table by
// table with run ids (and sweep ids) mapped through temporary tables, in one transaction.
#include "mor/log_merge.h"

#include "log/log_schema.h"
#include "log/sqlite_db.h"
#include "log/token_trace_store.h"
#include "mor/experiment_log.h"
#include "mor/sweep.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

namespace mor {

namespace {

using log::SqliteDb;
using log::SqlQuery;
using Json = nlohmann::json;

/// Tables keyed by run_id that travel with their runs (run_owner does not: the process that
/// wrote a run belongs to the machine it ran on).
/// A v2..v4 input's JSON token traces (token_traces) are converted into token_sequence and
/// token_trace rows (copyJsonTokenTraces).
const char* const kRunTables[] = {"tags",          "metrics",        "metric_keys",
                                  "checkpoints",   "samples",        "routing",
                                  "trace_summary", "trace_expert",   "reflection",
                                  "conflicts",     "events",         "token_sequence",
                                  "token_trace",   "trace_details",  "run_audit"};

std::string uriOf(const std::string& path) {
    std::string uri = "file:";
    for (char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            uri += buf;
        } else {
            uri += c;
        }
    }
    return uri + "?mode=ro";
}

std::vector<std::string> columns(SqliteDb& db, const std::string& schema,
                                 const std::string& table) {
    std::vector<std::string> out;
    SqlQuery q(db.statement("SELECT name FROM pragma_table_info(?, ?)"));
    q.bind(1, table).bind(2, schema);
    while (q.next()) {
        out.push_back(q.text(0));
    }
    return out;
}

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

/// Copies one run-keyed table: the columns both sides have, run_id mapped, events' own id left
/// for SQLite to assign.
void copyRunTable(SqliteDb& db, const std::string& table) {
    const auto srcColumns = columns(db, "src", table);
    if (srcColumns.empty()) {
        return; // an older log without this table
    }
    const std::set<std::string> have(srcColumns.begin(), srcColumns.end());
    std::string into, select;
    for (const std::string& c : columns(db, "main", table)) {
        if (!have.count(c) || (table == "events" && c == "id")) {
            continue;
        }
        into += (into.empty() ? "" : ", ") + quoted(c);
        select += std::string(select.empty() ? "" : ", ") +
                  (c == "run_id" ? std::string("m.new") : "s." + quoted(c));
    }
    db.exec("INSERT INTO main." + quoted(table) + "(" + into + ") SELECT " + select +
            " FROM src." + quoted(table) + " s JOIN temp.run_map m ON m.old = s.run_id" +
            (table == "events" ? " ORDER BY s.id" : ""));
}

/// The token traces of a v2..v4 input, one JSON document per sequence, as v5 rows of the
/// copied runs.
void copyJsonTokenTraces(SqliteDb& db) {
    if (db.hasTable("token_traces", "src")) {
        log::convertJsonTokenTraces(db, "SELECT m.new, s.step, s.sample_id, s.payload FROM "
                                        "src.token_traces s JOIN temp.run_map m ON m.old = "
                                        "s.run_id");
    }
}

struct SweepTarget {
    int64_t id = 0;
    bool grouped = false; ///< a SLURM group: entry index from the spec
    int64_t total = 0;
};

/// Copies one input's sweeps; returns a text such as "sweep 1 -> 2".
std::string copySweeps(SqliteDb& db, std::map<std::string, SweepTarget>& groups,
                       int64_t* newSweeps) {
    if (columns(db, "src", "sweeps").empty()) {
        return {};
    }
    struct Source {
        int64_t id;
        std::string name, status, baseConfig, spec;
        int64_t created, updated;
    };
    std::vector<Source> sources;
    {
        SqlQuery q(db.statement("SELECT id, name, status, created_ms, updated_ms, "
                                "base_config_json, spec_json FROM src.sweeps ORDER BY id"));
        while (q.next()) {
            sources.push_back({q.int64(0), q.text(1), q.text(2), q.text(5), q.text(6), q.int64(3),
                               q.int64(4)});
        }
    }
    std::string said;
    for (const Source& s : sources) {
        Json spec = Json::parse(s.spec, nullptr, false);
        const Json slurm = spec.is_object() && spec.contains("slurm") ? spec["slurm"] : Json();
        const bool grouped =
            slurm.is_object() && slurm.contains("group") && slurm.contains("index");
        const std::string key = grouped ? slurm["group"].dump() : std::string();
        SweepTarget target;
        if (grouped && groups.count(key)) {
            target = groups[key];
        } else {
            if (grouped) { // the merged sweep's spec: the array's, without the task's own index
                spec["slurm"].erase("index");
            }
            SqlQuery(db.statement("INSERT INTO main.sweeps(name, status, created_ms, updated_ms, "
                                  "base_config_json, spec_json) VALUES(?, ?, ?, ?, ?, ?)"))
                .bind(1, s.name)
                .bind(2, s.status == "running" ? std::string("interrupted") : s.status)
                .bind(3, s.created)
                .bind(4, s.updated)
                .bind(5, s.baseConfig)
                .bind(6, spec.is_object() ? spec.dump() : s.spec)
                .exec();
            target.id = db.lastInsertRowId();
            target.grouped = grouped;
            ++*newSweeps;
            if (grouped) {
                groups[key] = target;
            }
        }
        // Entries: index kept (or the SLURM task's index), run mapped, the worker forgotten.
        const int64_t taskIndex = grouped ? slurm["index"].get<int64_t>() : 0;
        SqlQuery(db.statement(
                     "INSERT INTO main.sweep_runs(sweep_id, idx, overrides_json, seed, run_id, "
                     "status) SELECT ?, CASE WHEN ? THEN ? + e.idx ELSE e.idx END, "
                     "e.overrides_json, e.seed, m.new, CASE WHEN e.status = 'started' THEN "
                     "'exited' ELSE e.status END FROM src.sweep_runs e LEFT JOIN temp.run_map m "
                     "ON m.old = e.run_id WHERE e.sweep_id = ?"))
            .bind(1, target.id)
            .bind(2, int64_t(grouped))
            .bind(3, taskIndex)
            .bind(4, s.id)
            .exec();
        // The entry finds its run by the tag "sweep:<id>:<idx>": rewrite the copied runs' tags.
        SqlQuery(db.statement("INSERT OR IGNORE INTO temp.sweep_map(old_sweep, old_idx, "
                              "new_sweep, new_idx) SELECT ?, e.idx, ?, CASE WHEN ? THEN ? + e.idx "
                              "ELSE e.idx END FROM src.sweep_runs e WHERE e.sweep_id = ?"))
            .bind(1, s.id)
            .bind(2, target.id)
            .bind(3, int64_t(grouped))
            .bind(4, taskIndex)
            .bind(5, s.id)
            .exec();
        said += (said.empty() ? "" : ", ") + std::string("sweep ") + std::to_string(s.id) +
                " -> " + std::to_string(target.id);
    }
    return said;
}

/// Sweep tags of the copied runs: "sweep:<old>:<idx>" -> "sweep:<new>:<new idx>",
/// "sweep:<old>" -> "sweep:<new>".
void rewriteSweepTags(SqliteDb& db) {
    std::vector<std::tuple<int64_t, std::string, std::string>> changes;
    {
        SqlQuery q(db.statement("SELECT t.run_id, t.tag FROM main.tags t JOIN temp.run_map m "
                                "ON m.new = t.run_id WHERE t.tag LIKE 'sweep:%'"));
        while (q.next()) {
            changes.emplace_back(q.int64(0), q.text(1), std::string());
        }
    }
    for (auto& [run, tag, replacement] : changes) {
        const SweepStore::TagParts old = SweepStore::parseTag(tag);
        if (old.sweep < 0) {
            continue; // not a sweep tag of ours ("sweep:best"): kept as it is
        }
        if (old.index < 0) {
            const int64_t s = db.queryInt("SELECT coalesce((SELECT new_sweep FROM "
                                          "temp.sweep_map WHERE old_sweep = " +
                                          std::to_string(old.sweep) + " LIMIT 1), -1)");
            replacement = s > 0 ? SweepStore::sweepTag(s) : "";
        } else {
            SqlQuery q(db.statement("SELECT new_sweep, new_idx FROM temp.sweep_map WHERE "
                                    "old_sweep = ? AND old_idx = ?"));
            q.bind(1, old.sweep).bind(2, old.index);
            replacement = q.next() ? SweepStore::runTag(q.int64(0), q.int64(1)) : "";
        }
        SqlQuery(db.statement("DELETE FROM main.tags WHERE run_id = ? AND tag = ?"))
            .bind(1, run)
            .bind(2, tag)
            .exec();
        if (!replacement.empty()) {
            SqlQuery(db.statement("INSERT OR IGNORE INTO main.tags(run_id, tag) VALUES(?, ?)"))
                .bind(1, run)
                .bind(2, replacement)
                .exec();
        }
    }
}

} // namespace

bool mergeLogs(const std::string& outPath, const std::vector<std::string>& inputs,
               LogMergeReport* report, std::string* error) {
    *report = LogMergeReport{};
    namespace fs = std::filesystem;
    std::error_code ec;
    if (inputs.empty()) {
        *error = "give at least one log to merge";
        return false;
    }
    if (fs::exists(outPath, ec)) {
        *error = outPath + " exists; mor merge writes a new log (inputs and outputs are never "
                           "modified in place)";
        return false;
    }
    std::set<std::string> seen;
    for (const std::string& input : inputs) {
        const std::string canonical = fs::weakly_canonical(input, ec).string();
        if (!seen.insert(canonical).second) {
            *error = input + " is named twice";
            return false;
        }
        const log::LogFileCheck check = log::inspectLogFile(input, false);
        if (!check.ok) {
            *error = check.error.empty() ? input + " is not a MoR Studio log" : check.error;
            return false;
        }
    }
    {
        auto created = ExperimentLog::open(outPath, error); // the current schema, our marker
        if (!created) {
            return false;
        }
    }
    try {
        SqliteDb db(outPath, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, log::kBusyTimeoutMs);
        db.exec("CREATE TEMP TABLE run_map(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);"
                "CREATE TEMP TABLE sweep_map(old_sweep INTEGER, old_idx INTEGER, new_sweep "
                "INTEGER, new_idx INTEGER, PRIMARY KEY(old_sweep, old_idx))");
        std::map<std::string, SweepTarget> groups;
        for (const std::string& input : inputs) {
            // SQLite attaches outside a transaction only: one transaction per input (a failure
            // removes the whole new file below).
            SqlQuery(db.statement("ATTACH DATABASE ? AS src")).bind(1, uriOf(input)).exec();
            db.exec("BEGIN IMMEDIATE");
            db.exec("DELETE FROM temp.run_map; DELETE FROM temp.sweep_map");
            const int64_t offset = db.queryInt("SELECT coalesce(max(id), 0) FROM main.runs");
            db.exec("INSERT INTO temp.run_map(old, new) SELECT id, " + std::to_string(offset) +
                    " + row_number() OVER (ORDER BY id) FROM src.runs");
            const int64_t runs = db.queryInt("SELECT count(*) FROM temp.run_map");
            std::string into, select;
            const auto srcRunColumns = columns(db, "src", "runs");
            const std::set<std::string> have(srcRunColumns.begin(), srcRunColumns.end());
            for (const std::string& c : columns(db, "main", "runs")) {
                if (have.count(c)) {
                    into += (into.empty() ? "" : ", ") + quoted(c);
                    select += std::string(select.empty() ? "" : ", ") +
                              (c == "id" ? std::string("m.new") : "r." + quoted(c));
                }
            }
            db.exec("INSERT INTO main.runs(" + into + ") SELECT " + select +
                    " FROM src.runs r JOIN temp.run_map m ON m.old = r.id ORDER BY m.new");
            for (const char* table : kRunTables) {
                copyRunTable(db, table);
            }
            copyJsonTokenTraces(db);
            // An audited parent run came along from the same input: its new id (0 if not).
            db.exec("UPDATE main.run_audit SET parent_run = coalesce((SELECT m.new FROM "
                    "temp.run_map m WHERE m.old = run_audit.parent_run), 0) WHERE parent_run > 0 "
                    "AND run_id IN (SELECT new FROM temp.run_map)");
            const std::string sweeps = copySweeps(db, groups, &report->sweeps);
            rewriteSweepTags(db);
            db.exec("COMMIT");
            db.exec("DETACH DATABASE src");
            report->runs += runs;
            std::string line = input + ": ";
            line += runs == 0 ? std::string("no runs")
                              : std::to_string(runs) + " run(s) -> ids " +
                                    std::to_string(offset + 1) + "-" +
                                    std::to_string(offset + runs);
            report->lines.push_back(line + (sweeps.empty() ? "" : ", " + sweeps));
        }
    } catch (const std::exception& e) {
        std::error_code removeError;
        fs::remove(outPath, removeError);
        fs::remove(outPath + "-wal", removeError);
        fs::remove(outPath + "-shm", removeError);
        *error = std::string("cannot merge into ") + outPath + ": " + e.what();
        return false;
    }
    return true;
}

} // namespace mor
