// SPDX-License-Identifier: GPL-3.0-or-later
#include "log/token_trace_store.h"

#include "log/sqlite_db.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace mor::log {

namespace {

using Json = nlohmann::json;

// JSON has no NaN/inf (nlohmann writes null, which would not read back as a number).
float finite(float v) {
    return std::isfinite(v) ? v : 0.f;
}

std::vector<float> finite(std::vector<float> values) {
    for (float& v : values) {
        v = finite(v);
    }
    return values;
}

bool hasTokenTable(SqliteDb& db) {
    SqlQuery q(db.statement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'token_traces'"));
    return q.next() && q.int64(0) > 0;
}

} // namespace

std::string tokenTraceToJson(const TokenTrace& trace) {
    Json tokens = Json::array();
    for (const TokenStep& t : trace.tokens) {
        tokens.push_back({{"text", t.text},
                          {"target", t.target},
                          {"targetText", t.targetText},
                          {"depth", t.depth},
                          {"routerScores", finite(t.routerScores)},
                          {"recursionPreds", t.recursionPreds},
                          {"recursionTargetProbs", finite(t.recursionTargetProbs)},
                          {"pred", t.pred},
                          {"loss", finite(t.loss)},
                          {"difficulty", t.difficulty},
                          {"skippedBlocks", t.skippedBlocks}});
    }
    Json doc = {{"sampleId", trace.sampleId},
                {"maxRecursions", trace.maxRecursions},
                {"routing", trace.routing},
                {"difficultyNames", trace.difficultyNames},
                {"tokens", std::move(tokens)}};
    // Token text may hold invalid UTF-8 (a byte-level cut); replace rather than throw.
    return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool tokenTraceFromJson(const std::string& text, TokenTrace& out) {
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
        SqlQuery(db.statement("INSERT OR REPLACE INTO token_traces(run_id, step, sample_id, "
                              "payload) VALUES(?,?,?,?)"))
            .bind(1, run)
            .bind(2, step)
            .bind(3, trace.sampleId)
            .bind(4, tokenTraceToJson(trace))
            .exec();
        ++rows;
    }
    return rows;
}

std::vector<int64_t> readTokenTraceSteps(SqliteDb& db, int64_t run) {
    std::vector<int64_t> steps;
    if (!hasTokenTable(db)) {
        return steps;
    }
    SqlQuery q(
        db.statement("SELECT DISTINCT step FROM token_traces WHERE run_id = ? ORDER BY step"));
    q.bind(1, run);
    while (q.next()) {
        steps.push_back(q.int64(0));
    }
    return steps;
}

std::vector<TokenTrace> readTokenTraces(SqliteDb& db, int64_t run, int64_t step) {
    std::vector<TokenTrace> traces;
    if (!hasTokenTable(db)) {
        return traces;
    }
    SqlQuery q(db.statement("SELECT sample_id, payload FROM token_traces WHERE run_id = ? AND "
                            "step = ? ORDER BY sample_id"));
    q.bind(1, run).bind(2, step);
    while (q.next()) {
        TokenTrace trace;
        if (tokenTraceFromJson(q.text(1), trace)) {
            trace.sampleId = q.int64(0);
            traces.push_back(std::move(trace));
        }
    }
    return traces;
}

} // namespace mor::log
