// SPDX-License-Identifier: GPL-3.0-or-later
// The serving_records table: created by the first serving session that writes one (the log
// schema itself is not changed), read by anyone.
#include "mor/serving_log.h"

#include "log/log_schema.h"
#include "log/sqlite_db.h"
#include "mor/version.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace mor {

namespace {

constexpr const char* kCreate = R"(CREATE TABLE IF NOT EXISTS serving_records(
    session TEXT NOT NULL, variant TEXT NOT NULL, run_id INTEGER NOT NULL, share INTEGER,
    shadow INTEGER, started_ms INTEGER, updated_ms INTEGER, requests INTEGER, inputs INTEGER,
    labelled INTEGER, correct INTEGER, shadow_inputs INTEGER, shadow_agreeing INTEGER,
    shadow_labelled INTEGER, shadow_correct INTEGER, latency_sum REAL, latency_json TEXT,
    PRIMARY KEY(session, variant)))";

constexpr const char* kColumns =
    "session, variant, run_id, share, shadow, started_ms, updated_ms, requests, inputs, "
    "labelled, correct, shadow_inputs, shadow_agreeing, shadow_labelled, shadow_correct, "
    "latency_sum, latency_json";

} // namespace

bool writeServingRecords(const std::string& logPath, const std::vector<ServingRecord>& records,
                         std::string* error) {
    const log::LogFileCheck check = log::inspectLogFile(logPath, false);
    if (!check.ok) {
        if (error) {
            *error = check.error;
        }
        return false;
    }
    if (check.version > logSchemaVersion()) {
        if (error) {
            *error = logPath + " was written by a newer MoR Studio (schema " +
                     std::to_string(check.version) + "); not adding serving records";
        }
        return false;
    }
    try {
        log::SqliteDb db(logPath, SQLITE_OPEN_READWRITE, log::kBusyTimeoutMs);
        auto ok = log::retryTransaction<bool>(
            db, "BEGIN IMMEDIATE", 5, 50,
            [&](log::SqliteDb& d) {
                d.exec(kCreate);
                auto& insert = d.statement(std::string("INSERT OR REPLACE INTO serving_records(") +
                                           kColumns +
                                           ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
                for (const ServingRecord& r : records) {
                    const nlohmann::json latency{{"bounds", r.latencyBounds},
                                                 {"counts", r.latencyCounts}};
                    log::SqlQuery(insert)
                        .bind(1, r.session)
                        .bind(2, r.variant)
                        .bind(3, r.runId)
                        .bind(4, r.share)
                        .bind(5, int64_t(r.shadow))
                        .bind(6, r.startedMs)
                        .bind(7, r.updatedMs)
                        .bind(8, r.requests)
                        .bind(9, r.inputs)
                        .bind(10, r.labelled)
                        .bind(11, r.correct)
                        .bind(12, r.shadowInputs)
                        .bind(13, r.shadowAgreeing)
                        .bind(14, r.shadowLabelled)
                        .bind(15, r.shadowCorrect)
                        .bind(16, r.latencySum)
                        .bind(17, latency.dump())
                        .exec();
                }
                return true;
            },
            error);
        return ok.has_value();
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot write serving records to " + logPath + ": " + e.what();
        }
        return false;
    }
}

bool readServingRecords(const std::string& logPath, int64_t runId,
                        std::vector<ServingRecord>* records, std::string* error) {
    records->clear();
    try {
        auto db = log::openReadOnlyDb(logPath, log::kBusyTimeoutMs);
        if (db->queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                         "'serving_records'") == 0) {
            return true;
        }
        auto& select = db->statement(std::string("SELECT ") + kColumns +
                                     " FROM serving_records WHERE ?1 < 0 OR run_id = ?1 "
                                     "ORDER BY started_ms, session, variant");
        log::SqlQuery q(select);
        q.bind(1, runId);
        while (q.next()) {
            ServingRecord r;
            r.session = q.text(0);
            r.variant = q.text(1);
            r.runId = q.int64(2);
            r.share = q.int64(3);
            r.shadow = q.int64(4) != 0;
            r.startedMs = q.int64(5);
            r.updatedMs = q.int64(6);
            r.requests = q.int64(7);
            r.inputs = q.int64(8);
            r.labelled = q.int64(9);
            r.correct = q.int64(10);
            r.shadowInputs = q.int64(11);
            r.shadowAgreeing = q.int64(12);
            r.shadowLabelled = q.int64(13);
            r.shadowCorrect = q.int64(14);
            r.latencySum = q.real(15);
            const auto latency = nlohmann::json::parse(q.text(16), nullptr, false);
            if (latency.is_object()) {
                r.latencyBounds = latency.value("bounds", std::vector<double>{});
                r.latencyCounts = latency.value("counts", std::vector<int64_t>{});
            }
            records->push_back(std::move(r));
        }
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot read serving records from " + logPath + ": " + e.what();
        }
        return false;
    }
}

} // namespace mor
