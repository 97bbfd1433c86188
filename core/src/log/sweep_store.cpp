// SPDX-License-Identifier: GPL-3.0-or-later
// mor::SweepStore: the sweeps and sweep_runs tables (log schema v3). An entry is linked to its
// run by the run's tag "sweep:<id>:<index>", written in the transaction that creates the run,
// so a kill -9 of the sweep or of a worker at any moment leaves nothing ambiguous.
#include "log/sweep_store.h"

#include "log/log_schema.h"
#include "log/sqlite_db.h"
#include "mor/sweep.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace mor {

using log::SqliteDb;
using log::SqlQuery;

namespace log {

int64_t processStartTicks(int64_t pid) {
    if (pid <= 0) {
        return -1;
    }
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string stat{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const size_t close = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos) {
        return -1;
    }
    std::istringstream fields(stat.substr(close + 1));
    std::string state, field;
    fields >> state; // field 3
    if (state == "Z" || state == "X") {
        return -1;
    }
    for (int f = 4; f <= 22 && (fields >> field); ++f) {
        if (f == 22) { // starttime
            return std::stoll(field);
        }
    }
    return -1;
}

std::string hostName() {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

bool processAlive(const std::string& host, int64_t pid, int64_t start, bool otherHostAlive) {
    if (pid <= 0) {
        return false;
    }
    if (host != hostName()) {
        return otherHostAlive;
    }
    const int64_t ticks = processStartTicks(pid);
    return ticks >= 0 && ticks == start;
}

} // namespace log

namespace {

const char* const kBumpChangeCounter =
    "UPDATE meta SET value = value + 1 WHERE key = 'change_counter'";

struct RunRow {
    int64_t id = -1;
    std::string status;
    int64_t updatedMs = 0;
};

} // namespace

struct SweepStore::Impl {
    std::string path;
    std::unique_ptr<SqliteDb> db;
    bool writable = false;
    bool hasTables = false;
    std::string lastError;
    std::string host = log::hostName();

    /// Runs `body` in one transaction (IMMEDIATE when writing), retrying while the workers'
    /// writers hold the lock; false (and lastError) on failure.
    template <typename Body> bool transaction(bool write, Body body) {
        const auto done = log::retryTransaction<bool>(
            *db, write ? "BEGIN IMMEDIATE" : "BEGIN", /*attempts=*/20, /*backoffMs=*/25,
            [&body](SqliteDb& d) {
                body(d);
                return true;
            },
            &lastError);
        if (done) {
            lastError.clear();
        }
        return done.has_value();
    }

    RunRow runOf(SqliteDb& d, int64_t sweepId, int64_t index, int64_t cachedRunId) {
        RunRow row;
        if (cachedRunId >= 0) {
            SqlQuery q(d.statement("SELECT status, updated_ms FROM runs WHERE id = ?"));
            if (q.bind(1, cachedRunId).next()) {
                row = {cachedRunId, q.text(0), q.int64(1)};
                return row;
            }
        }
        // Not recorded yet (the sweep died before it saw the run): the worker's tag says.
        // Should two runs carry it, the finished one (else the newest) is the entry's run.
        SqlQuery q(d.statement("SELECT r.id, r.status, r.updated_ms FROM tags t "
                               "JOIN runs r ON r.id = t.run_id WHERE t.tag = ? "
                               "ORDER BY (r.status = 'finished') DESC, r.id DESC LIMIT 1"));
        if (q.bind(1, runTag(sweepId, index)).next()) {
            row = {q.int64(0), q.text(1), q.int64(2)};
        }
        return row;
    }

    std::vector<SweepEntry> readEntries(SqliteDb& d, int64_t sweepId) {
        std::vector<SweepEntry> out;
        struct Worker {
            std::string host, status;
            int64_t pid = 0, start = 0, runId = -1;
        };
        std::vector<Worker> workers;
        {
            SqlQuery q(d.statement("SELECT idx, overrides_json, seed, coalesce(run_id, -1), "
                                   "status, worker_host, worker_pid, worker_start "
                                   "FROM sweep_runs WHERE sweep_id = ? ORDER BY idx"));
            q.bind(1, sweepId);
            while (q.next()) {
                SweepEntry e;
                e.sweepId = sweepId;
                e.index = q.int64(0);
                e.overridesJson = q.text(1);
                e.seed = q.int64(2);
                out.push_back(e);
                workers.push_back({q.text(5), q.text(4), q.int64(6), q.int64(7), q.int64(3)});
            }
        }
        const int64_t now = log::nowMs();
        for (size_t i = 0; i < out.size(); ++i) {
            SweepEntry& e = out[i];
            const Worker& w = workers[i];
            const RunRow run = runOf(d, sweepId, e.index, w.runId);
            const bool heartbeatFresh = now - run.updatedMs < log::kStaleHeartbeatMs;
            const bool workerAlive = log::processAlive(w.host, w.pid, w.start, heartbeatFresh);
            e.runId = run.id;
            e.runStatus = run.status;
            if (run.id < 0) {
                e.state = workerAlive           ? SweepRunState::Running
                          : w.status == "failed" ? SweepRunState::Failed
                                                 : SweepRunState::ToDo;
            } else if (run.status == "finished") {
                e.state = SweepRunState::Finished;
            } else if (run.status == "failed") {
                e.state = SweepRunState::Failed;
            } else if (workerAlive) {
                e.state = SweepRunState::Running;
            } else if (run.status == "running" && w.pid <= 0 && heartbeatFresh) {
                e.state = SweepRunState::Running; // no worker on record: trust the heartbeat
            } else {
                e.state = SweepRunState::Interrupted;
            }
            if (writable && w.runId < 0 && run.id >= 0) {
                SqlQuery(d.statement("UPDATE sweep_runs SET run_id = ? WHERE sweep_id = ? "
                                     "AND idx = ?"))
                    .bind(1, run.id)
                    .bind(2, sweepId)
                    .bind(3, e.index)
                    .exec();
            }
        }
        return out;
    }

    SweepInfo infoFrom(SqlQuery& q, SqliteDb& d) {
        SweepInfo s;
        s.id = q.int64(0);
        s.name = q.text(1);
        const std::string stored = q.text(2);
        s.createdMs = q.int64(3);
        const int64_t updated = q.int64(4);
        s.baseConfigJson = q.text(5);
        s.specJson = q.text(6);
        const bool ownerFresh = log::nowMs() - updated < log::kStaleHeartbeatMs;
        const bool ownerAlive = log::processAlive(q.text(7), q.int64(8), q.int64(9), ownerFresh);
        for (const SweepEntry& e : readEntries(d, s.id)) {
            ++s.total;
            switch (e.state) {
            case SweepRunState::Finished: ++s.finished; break;
            case SweepRunState::Running: ++s.running; break;
            case SweepRunState::Interrupted: ++s.interrupted; break;
            case SweepRunState::ToDo: ++s.toDo; break;
            case SweepRunState::Failed: ++s.failed; break;
            }
        }
        if (ownerAlive) {
            s.status = "running";
        } else if (s.toDo + s.interrupted + s.running == 0) {
            s.status = s.failed > 0 ? "failed" : "finished";
        } else {
            s.status = stored == "stopped" ? "stopped" : "interrupted";
        }
        return s;
    }

    static constexpr const char* kSweepColumns =
        "SELECT id, name, status, created_ms, updated_ms, base_config_json, spec_json, "
        "owner_host, owner_pid, owner_start FROM sweeps";
};

SweepStore::SweepStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SweepStore::~SweepStore() = default;

std::string SweepStore::runTag(int64_t sweepId, int64_t index) {
    return "sweep:" + std::to_string(sweepId) + ":" + std::to_string(index);
}

std::string SweepStore::sweepTag(int64_t sweepId) {
    return "sweep:" + std::to_string(sweepId);
}

SweepStore::TagParts SweepStore::parseTag(const std::string& tag) {
    // "sweep:<id>:<index>" or "sweep:<id>", decimal digits only, at most 18 of them (no
    // overflow); anything else ("sweep:best", "sweep:7x", "sweep:-1:2") is not ours.
    const std::string prefix = "sweep:";
    if (tag.compare(0, prefix.size(), prefix) != 0) {
        return {};
    }
    const auto number = [&tag](size_t from, size_t to) -> int64_t {
        const bool digits = to > from && to - from <= 18 &&
                            std::all_of(tag.begin() + std::ptrdiff_t(from),
                                        tag.begin() + std::ptrdiff_t(to),
                                        [](char c) { return c >= '0' && c <= '9'; });
        return digits ? std::stoll(tag.substr(from, to - from)) : -1;
    };
    const size_t colon = tag.find(':', prefix.size());
    TagParts parts;
    parts.sweep = number(prefix.size(), colon == std::string::npos ? tag.size() : colon);
    if (parts.sweep >= 0 && colon != std::string::npos) {
        parts.index = number(colon + 1, tag.size());
        if (parts.index < 0) {
            return {};
        }
    }
    return parts.sweep >= 0 ? parts : TagParts{};
}

int64_t SweepStore::sweepOfRunTag(const std::string& tag) {
    // Entry tags only: "sweep:<id>" names the sweep, not one of its entries.
    const TagParts parts = parseTag(tag);
    return parts.index >= 0 ? parts.sweep : -1;
}

const char* toString(SweepRunState state) {
    switch (state) {
    case SweepRunState::ToDo: return "to do";
    case SweepRunState::Running: return "running";
    case SweepRunState::Finished: return "finished";
    case SweepRunState::Interrupted: return "interrupted";
    case SweepRunState::Failed: return "failed";
    }
    return "";
}

std::unique_ptr<SweepStore> SweepStore::open(const std::string& logPath, bool forWriting,
                                             std::string* error) {
    const log::LogFileCheck check = log::inspectLogFile(logPath, false);
    if (!check.ok) {
        if (error) {
            *error = check.error;
        }
        return nullptr;
    }
    auto impl = std::make_unique<Impl>();
    impl->path = logPath;
    impl->writable = forWriting;
    try {
        if (forWriting) {
            impl->db = std::make_unique<SqliteDb>(logPath, SQLITE_OPEN_READWRITE,
                                                  log::kBusyTimeoutMs);
            impl->db->exec("PRAGMA foreign_keys = ON");
        } else {
            impl->db = log::openReadOnlyDb(logPath, log::kBusyTimeoutMs);
        }
        impl->hasTables = impl->db->queryInt("SELECT count(*) FROM sqlite_master WHERE "
                                             "name IN ('sweeps', 'sweep_runs')") == 2;
    } catch (const std::exception& e) {
        if (error) {
            *error = "cannot open the experiment log " + logPath + ": " + e.what();
        }
        return nullptr;
    }
    if (forWriting && !impl->hasTables) {
        if (error) {
            *error = logPath + " has no sweep tables (a log made by a development build of "
                               "schema 3); run the sweep into a new log";
        }
        return nullptr;
    }
    return std::unique_ptr<SweepStore>(new SweepStore(std::move(impl)));
}

std::vector<SweepInfo> SweepStore::sweeps() const {
    std::vector<SweepInfo> out;
    if (!m_impl->hasTables) {
        return out;
    }
    m_impl->transaction(m_impl->writable, [&](SqliteDb& d) {
        out.clear();
        std::vector<int64_t> ids;
        {
            SqlQuery q(d.statement("SELECT id FROM sweeps ORDER BY id"));
            while (q.next()) {
                ids.push_back(q.int64(0));
            }
        }
        for (int64_t id : ids) {
            SqlQuery q(d.statement(std::string(Impl::kSweepColumns) + " WHERE id = ?"));
            if (q.bind(1, id).next()) {
                out.push_back(m_impl->infoFrom(q, d));
            }
        }
    });
    return out;
}

std::optional<SweepInfo> SweepStore::sweep(int64_t id) const {
    std::optional<SweepInfo> out;
    if (!m_impl->hasTables) {
        return out;
    }
    m_impl->transaction(m_impl->writable, [&](SqliteDb& d) {
        SqlQuery q(d.statement(std::string(Impl::kSweepColumns) + " WHERE id = ?"));
        out.reset();
        if (q.bind(1, id).next()) {
            out = m_impl->infoFrom(q, d);
        }
    });
    return out;
}

std::vector<SweepEntry> SweepStore::entries(int64_t id) const {
    std::vector<SweepEntry> out;
    if (m_impl->hasTables) {
        m_impl->transaction(m_impl->writable,
                            [&](SqliteDb& d) { out = m_impl->readEntries(d, id); });
    }
    return out;
}

SweepSummary SweepStore::summary(int64_t id) const {
    SweepSummary out;
    out.sweepId = id;
    if (!m_impl->hasTables) {
        return out;
    }
    m_impl->transaction(m_impl->writable, [&](SqliteDb& d) {
        out.groups.clear();
        const std::vector<SweepEntry> entries = m_impl->readEntries(d, id);
        out.runs = int64_t(entries.size());
        out.finished = 0;
        struct Values {
            std::vector<double> accuracy, steps, flops, seconds;
        };
        std::map<std::string, size_t> groupOf;
        std::vector<Values> values;
        auto keep = [](std::vector<double>& to, double v) {
            if (std::isfinite(v)) {
                to.push_back(v);
            }
        };
        for (const SweepEntry& e : entries) {
            // Group on the parsed object, so key order or spacing cannot split a group.
            const std::string key = nlohmann::json::parse(e.overridesJson, nullptr, false).dump();
            auto [it, added] = groupOf.emplace(key, out.groups.size());
            if (added) {
                out.groups.push_back(SweepGroup{});
                out.groups.back().paramsJson = key;
                values.emplace_back();
            }
            if (e.state != SweepRunState::Finished) {
                continue;
            }
            ++out.finished;
            SweepGroup& g = out.groups[it->second];
            Values& v = values[it->second];
            g.runIds.push_back(e.runId);
            keep(v.accuracy, log::lastMetricValue(d, e.runId, "test/accuracy"));
            keep(v.steps, log::lastMetricValue(d, e.runId, "test/expert_steps"));
            keep(v.flops, log::lastMetricValue(d, e.runId, "test/flops"));
            keep(v.seconds, log::activeRunSeconds(d, e.runId));
        }
        for (size_t i = 0; i < out.groups.size(); ++i) {
            SweepGroup& g = out.groups[i];
            g.n = int64_t(g.runIds.size());
            g.testAccuracy = meanInterval(values[i].accuracy);
            g.expertSteps = meanInterval(values[i].steps);
            g.flops = meanInterval(values[i].flops);
            g.seconds = meanInterval(values[i].seconds);
        }
    });
    return out;
}

std::string SweepStore::lastError() const {
    return m_impl->lastError;
}

int64_t SweepStore::createSweep(const NewSweep& sweep) {
    int64_t id = -1;
    const int64_t self = int64_t(::getpid());
    m_impl->transaction(true, [&](SqliteDb& d) {
        const int64_t now = log::nowMs();
        SqlQuery(d.statement("INSERT INTO sweeps(name, status, created_ms, updated_ms, "
                             "base_config_json, spec_json, owner_host, owner_pid, owner_start) "
                             "VALUES(?, 'running', ?, ?, ?, ?, ?, ?, ?)"))
            .bind(1, sweep.name)
            .bind(2, now)
            .bind(3, now)
            .bind(4, sweep.baseConfigJson)
            .bind(5, sweep.specJson)
            .bind(6, m_impl->host)
            .bind(7, self)
            .bind(8, log::processStartTicks(self))
            .exec();
        id = d.lastInsertRowId();
        for (size_t i = 0; i < sweep.entries.size(); ++i) {
            SqlQuery(d.statement("INSERT INTO sweep_runs(sweep_id, idx, overrides_json, seed) "
                                 "VALUES(?, ?, ?, ?)"))
                .bind(1, id)
                .bind(2, int64_t(i))
                .bind(3, sweep.entries[i].first)
                .bind(4, sweep.entries[i].second)
                .exec();
        }
        d.run(kBumpChangeCounter);
    });
    return m_impl->lastError.empty() ? id : -1;
}

bool SweepStore::claim(int64_t id, std::string* error) {
    const int64_t self = int64_t(::getpid());
    std::string refusal;
    const bool ok = m_impl->transaction(true, [&](SqliteDb& d) {
        refusal.clear();
        SqlQuery q(d.statement("SELECT owner_host, owner_pid, owner_start, updated_ms "
                               "FROM sweeps WHERE id = ?"));
        if (!q.bind(1, id).next()) {
            refusal = "there is no sweep " + std::to_string(id) + " in " + m_impl->path;
            return;
        }
        const bool fresh = log::nowMs() - q.int64(3) < log::kStaleHeartbeatMs;
        const int64_t pid = q.int64(1);
        if (pid != self && log::processAlive(q.text(0), pid, q.int64(2), fresh)) {
            refusal = "sweep " + std::to_string(id) + " is still being run by process " +
                      std::to_string(pid) + " on " + q.text(0);
            return;
        }
        SqlQuery(d.statement("UPDATE sweeps SET status = 'running', updated_ms = ?, "
                             "owner_host = ?, owner_pid = ?, owner_start = ? WHERE id = ?"))
            .bind(1, log::nowMs())
            .bind(2, m_impl->host)
            .bind(3, self)
            .bind(4, log::processStartTicks(self))
            .bind(5, id)
            .exec();
        d.run(kBumpChangeCounter);
    });
    if (error) {
        *error = !ok ? m_impl->lastError : refusal;
    }
    return ok && refusal.empty();
}

void SweepStore::heartbeat(int64_t id) {
    m_impl->transaction(true, [&](SqliteDb& d) {
        SqlQuery(d.statement("UPDATE sweeps SET updated_ms = ? WHERE id = ?"))
            .bind(1, log::nowMs())
            .bind(2, id)
            .exec();
    });
}

void SweepStore::release(int64_t id, const std::string& status) {
    m_impl->transaction(true, [&](SqliteDb& d) {
        SqlQuery(d.statement("UPDATE sweeps SET status = ?, updated_ms = ?, owner_pid = 0 "
                             "WHERE id = ?"))
            .bind(1, status)
            .bind(2, log::nowMs())
            .bind(3, id)
            .exec();
        d.run(kBumpChangeCounter);
    });
}

void SweepStore::recordWorker(int64_t sweepId, int64_t index, int64_t pid) {
    const int64_t start = log::processStartTicks(pid);
    m_impl->transaction(true, [&](SqliteDb& d) {
        SqlQuery(d.statement("UPDATE sweep_runs SET status = 'started', worker_host = ?, "
                             "worker_pid = ?, worker_start = ? WHERE sweep_id = ? AND idx = ?"))
            .bind(1, m_impl->host)
            .bind(2, pid)
            .bind(3, start)
            .bind(4, sweepId)
            .bind(5, index)
            .exec();
    });
}

void SweepStore::recordExit(int64_t sweepId, int64_t index, bool ok) {
    m_impl->transaction(true, [&](SqliteDb& d) {
        const RunRow run = m_impl->runOf(d, sweepId, index, -1);
        SqlQuery q(d.statement("UPDATE sweep_runs SET status = ?, run_id = ? "
                               "WHERE sweep_id = ? AND idx = ?"));
        q.bind(1, std::string(ok ? "exited" : "failed"));
        if (run.id >= 0) {
            q.bind(2, run.id);
        } else {
            q.bindNull(2);
        }
        q.bind(3, sweepId).bind(4, index).exec();
        d.run(kBumpChangeCounter);
    });
}

void SweepStore::markRunInterrupted(int64_t runId) {
    m_impl->transaction(true, [&](SqliteDb& d) {
        SqlQuery(d.statement("UPDATE runs SET status = 'interrupted', finished_ms = updated_ms "
                             "WHERE id = ? AND status = 'running'"))
            .bind(1, runId)
            .exec();
        d.run(kBumpChangeCounter);
    });
}

} // namespace mor
