// SPDX-License-Identifier: GPL-3.0-or-later
#include "log/token_trace_store.h"

#include "log/blob_codec.h"
#include "log/sqlite_db.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace mor::log {

namespace {

/// The v2..v4 table of JSON documents, and the v5 tables that replaced it.
constexpr const char* kTokenTraceJsonTable = "token_traces";
constexpr const char* kTokenTraceSequenceTable = "token_sequence";

/// difficulty_names: a JSON array of the class names (a handful of labels per sequence).
std::string tokenTraceNamesText(const std::vector<std::string>& names) {
    // A name may hold invalid UTF-8 (it comes from a data file): replace rather than throw.
    return nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> tokenTraceNamesFromText(const std::string& text) {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    std::vector<std::string> names;
    if (doc.is_array()) {
        for (const nlohmann::json& n : doc) {
            names.push_back(n.is_string() ? n.get<std::string>() : std::string());
        }
    }
    return names;
}

/// Decodes the rows of a query over a v2..v4 token_traces table that selects (run_id, step,
/// sample_id, payload): the one reader of the JSON documents (read-only opens, migration and
/// merge all come here).
void tokenTraceForEachJsonRow(SqlQuery& q,
                              const std::function<void(int64_t, int64_t, TokenTrace&)>& take) {
    while (q.next()) {
        TokenTrace trace;
        if (tokenTraceFromJson(q.text(3), trace)) {
            trace.sampleId = q.int64(2);
            take(q.int64(0), q.int64(1), trace);
        }
    }
}

} // namespace

bool tokenTraceFromJson(const std::string& text, TokenTrace& out) {
    using Json = nlohmann::json;
    const Json doc = Json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return false;
    }
    try {
        out.sampleId = doc.value("sampleId", int64_t(-1));
        out.maxRecursions = doc.value("maxRecursions", 0);
        out.routing = doc.value("routing", std::string());
        out.difficultyNames = doc.value("difficultyNames", std::vector<std::string>());
        out.tokens.clear();
        for (const Json& j : doc.value("tokens", Json::array())) {
            TokenStep t;
            t.text = j.value("text", std::string());
            t.target = j.value("target", int64_t(-1));
            t.targetText = j.value("targetText", std::string());
            t.depth = j.value("depth", 0);
            t.routerScores = j.value("routerScores", std::vector<float>());
            t.recursionPreds = j.value("recursionPreds", std::vector<int64_t>());
            t.recursionTargetProbs = j.value("recursionTargetProbs", std::vector<float>());
            t.pred = j.value("pred", int64_t(-1));
            t.loss = j.value("loss", 0.f);
            t.difficulty = j.value("difficulty", -1);
            t.skippedBlocks = j.value("skippedBlocks", std::vector<int>());
            out.tokens.push_back(std::move(t));
        }
    } catch (const Json::exception&) {
        return false; // a field of the wrong type
    }
    return true;
}

int64_t writeTokenTraces(SqliteDb& db, int64_t run, int64_t step,
                         const std::vector<TokenTrace>& traces) {
    int64_t rows = 0;
    for (const TokenTrace& trace : traces) {
        // A shorter trace replacing a longer one must not keep the old tail.
        SqlQuery(db.statement(
                     "DELETE FROM token_trace WHERE run_id = ? AND step = ? AND sample_id = ?"))
            .bind(1, run)
            .bind(2, step)
            .bind(3, trace.sampleId)
            .exec();
        SqlQuery(db.statement("INSERT OR REPLACE INTO token_sequence(run_id, step, sample_id, "
                              "max_recursions, routing, difficulty_names) VALUES(?,?,?,?,?,?)"))
            .bind(1, run)
            .bind(2, step)
            .bind(3, trace.sampleId)
            .bind(4, trace.maxRecursions)
            .bind(5, trace.routing)
            .bind(6, tokenTraceNamesText(trace.difficultyNames))
            .exec();
        ++rows;
        for (size_t p = 0; p < trace.tokens.size(); ++p) {
            const TokenStep& t = trace.tokens[p];
            SqlQuery q(db.statement(
                "INSERT INTO token_trace(run_id, step, sample_id, position, token, target, "
                "target_text, depth, pred, loss, difficulty, router_scores, recursion_preds, "
                "recursion_target_probs, skipped_blocks) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
            q.bind(1, run)
                .bind(2, step)
                .bind(3, trace.sampleId)
                .bind(4, static_cast<int64_t>(p))
                .bind(5, t.text)
                .bind(6, t.target)
                .bind(7, t.targetText)
                .bind(8, t.depth)
                .bind(9, t.pred)
                .bind(10, double(t.loss)) // NaN is stored as NULL and reads back as NaN
                .bind(11, t.difficulty);
            bindVector(q, 12, t.routerScores);
            bindVector(q, 13, t.recursionPreds);
            bindVector(q, 14, t.recursionTargetProbs);
            bindVector(q, 15, t.skippedBlocks);
            q.exec();
            ++rows;
        }
    }
    return rows;
}

std::vector<int64_t> readTokenTraceSteps(SqliteDb& db, int64_t run) {
    std::vector<int64_t> steps;
    const char* table = db.hasTable(kTokenTraceSequenceTable) ? kTokenTraceSequenceTable
                        : db.hasTable(kTokenTraceJsonTable)   ? kTokenTraceJsonTable
                                                              : nullptr;
    if (!table) {
        return steps; // a v1 file
    }
    SqlQuery q(db.statement(std::string("SELECT DISTINCT step FROM ") + table +
                            " WHERE run_id = ? ORDER BY step"));
    q.bind(1, run);
    while (q.next()) {
        steps.push_back(q.int64(0));
    }
    return steps;
}

std::vector<TokenTrace> readTokenTraces(SqliteDb& db, int64_t run, int64_t step) {
    std::vector<TokenTrace> traces;
    if (!db.hasTable(kTokenTraceSequenceTable)) { // a v2..v4 file opened read-only
        if (db.hasTable(kTokenTraceJsonTable)) {
            SqlQuery q(db.statement("SELECT run_id, step, sample_id, payload FROM token_traces "
                                    "WHERE run_id = ? AND step = ? ORDER BY sample_id"));
            q.bind(1, run).bind(2, step);
            tokenTraceForEachJsonRow(q, [&](int64_t, int64_t, TokenTrace& trace) {
                traces.push_back(std::move(trace));
            });
        }
        return traces;
    }
    {
        SqlQuery q(db.statement("SELECT sample_id, max_recursions, routing, difficulty_names "
                                "FROM token_sequence WHERE run_id = ? AND step = ? "
                                "ORDER BY sample_id"));
        q.bind(1, run).bind(2, step);
        while (q.next()) {
            TokenTrace trace;
            trace.sampleId = q.int64(0);
            trace.maxRecursions = static_cast<int>(q.int64(1));
            trace.routing = q.text(2);
            trace.difficultyNames = tokenTraceNamesFromText(q.text(3));
            traces.push_back(std::move(trace));
        }
    }
    SqlQuery q(db.statement(
        "SELECT sample_id, token, target, target_text, depth, pred, loss, difficulty, "
        "router_scores, recursion_preds, recursion_target_probs, skipped_blocks FROM token_trace "
        "WHERE run_id = ? AND step = ? ORDER BY sample_id, position"));
    q.bind(1, run).bind(2, step);
    size_t at = 0; // both queries run in sample order: walk the traces alongside
    while (q.next()) {
        const int64_t sampleId = q.int64(0);
        while (at < traces.size() && traces[at].sampleId < sampleId) {
            ++at;
        }
        if (at == traces.size() || traces[at].sampleId != sampleId) {
            continue; // a token without its sequence row (not written by this code)
        }
        TokenStep t;
        t.text = q.text(1);
        t.target = q.int64(2);
        t.targetText = q.text(3);
        t.depth = static_cast<int>(q.int64(4));
        t.pred = q.int64(5);
        t.loss = q.real32(6);
        t.difficulty = static_cast<int>(q.int64(7));
        t.routerScores = vectorFromBlob<float>(q, 8);
        t.recursionPreds = vectorFromBlob<int64_t>(q, 9);
        t.recursionTargetProbs = vectorFromBlob<float>(q, 10);
        t.skippedBlocks = vectorFromBlob<int>(q, 11);
        traces[at].tokens.push_back(std::move(t));
    }
    return traces;
}

int64_t convertJsonTokenTraces(SqliteDb& db, const std::string& selectSql) {
    // Streamed: SQLite lets one connection write other tables while a SELECT is open, so a
    // large log is never held in memory at once.
    int64_t converted = 0;
    SqlQuery q(db.statement(selectSql));
    tokenTraceForEachJsonRow(q, [&](int64_t run, int64_t step, TokenTrace& trace) {
        writeTokenTraces(db, run, step, {trace});
        ++converted;
    });
    return converted;
}

} // namespace mor::log
