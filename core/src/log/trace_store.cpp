#include "log/trace_store.h"

#include "log/blob_codec.h"
#include "log/sqlite_db.h"

#include <algorithm>
#include <map>
#include <set>

namespace mor::log {

std::string joinExperts(const std::vector<int>& experts) {
    std::string text;
    for (size_t i = 0; i < experts.size(); ++i) {
        text += (i ? "," : "") + std::to_string(experts[i]);
    }
    return text;
}

std::vector<int> splitExperts(const std::string& text) {
    std::vector<int> experts;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        try {
            experts.push_back(std::stoi(text.substr(start, end - start)));
        } catch (const std::exception&) {
            // a malformed entry is skipped rather than failing the whole read
        }
        start = end + 1;
    }
    return experts;
}

static bool hasDetailsTable(SqliteDb& db) {
    SqlQuery q(db.statement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'trace_details'"));
    return q.next() && q.int64(0) > 0;
}

static void removeTrace(SqliteDb& db, bool details, int64_t run, int64_t step,
                        int64_t sampleId) {
    if (details) {
        SqlQuery(db.statement(
                     "DELETE FROM trace_details WHERE run_id = ? AND step = ? AND sample_id = ?"))
            .bind(1, run)
            .bind(2, step)
            .bind(3, sampleId)
            .exec();
    }
    for (const char* sql :
         {"DELETE FROM trace_expert WHERE run_id = ? AND step = ? AND sample_id = ?",
          "DELETE FROM reflection WHERE run_id = ? AND step = ? AND sample_id = ?",
          "DELETE FROM conflicts WHERE run_id = ? AND step = ? AND sample_id = ?"}) {
        SqlQuery(db.statement(sql)).bind(1, run).bind(2, step).bind(3, sampleId).exec();
    }
}

/// Whether any trace row of (run, step) exists: when none does (a step traced for the first
/// time, the usual case), there is nothing for removeTrace to delete, sample by sample.
static bool hasStepTraces(SqliteDb& db, bool details, int64_t run, int64_t step) {
    for (const char* table : {"trace_summary", "trace_expert", "reflection", "conflicts",
                              "trace_details"}) {
        if (!details && std::string(table) == "trace_details") {
            continue;
        }
        SqlQuery q(db.statement(std::string("SELECT EXISTS(SELECT 1 FROM ") + table +
                                " WHERE run_id = ? AND step = ?)"));
        q.bind(1, run).bind(2, step);
        if (q.next() && q.int64(0) != 0) {
            return true;
        }
    }
    return false;
}

static int64_t writeExpert(SqliteDb& db, int64_t run, int64_t step, int64_t sampleId,
                           const ExpertTrace& e) {
    SqlQuery(
        db.statement("INSERT INTO trace_expert(run_id, step, sample_id, expert, router_prob, "
                     "gate, halt_step, confidence, fusion_weight, pred, extra_steps, width) "
                     "VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, step, sample_id, "
                     "expert) DO UPDATE SET router_prob = excluded.router_prob, "
                     "gate = excluded.gate, halt_step = excluded.halt_step, "
                     "confidence = excluded.confidence, fusion_weight = excluded.fusion_weight, "
                     "pred = excluded.pred, extra_steps = excluded.extra_steps, "
                     "width = excluded.width"))
        .bind(1, run)
        .bind(2, step)
        .bind(3, sampleId)
        .bind(4, e.expert)
        .bind(5, double(e.routerProb))
        .bind(6, double(e.gate))
        .bind(7, e.haltStep)
        .bind(8, double(e.confidence))
        .bind(9, double(e.fusionWeight))
        .bind(10, e.pred)
        .bind(11, e.extraSteps)
        .bind(12, e.width)
        .exec();
    int64_t rows = 1;
    for (const StepTrace& s : e.steps) {
        SqlQuery q(db.statement("INSERT INTO reflection(run_id, step, sample_id, expert, iter, "
                                "critique, halt_p, pred, correct, probs) "
                                "VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, step, "
                                "sample_id, expert, iter) DO UPDATE SET "
                                "critique = excluded.critique, halt_p = excluded.halt_p, "
                                "pred = excluded.pred, correct = excluded.correct, "
                                "probs = excluded.probs"));
        q.bind(1, run)
            .bind(2, step)
            .bind(3, sampleId)
            .bind(4, e.expert)
            .bind(5, s.iteration)
            .bind(6, double(s.critique))
            .bind(7, double(s.haltProb))
            .bind(8, s.pred)
            .bind(9, int64_t(s.correct));
        bindVector(q, 10, s.probs);
        q.exec();
        ++rows;
    }
    return rows;
}

int64_t writeTraces(SqliteDb& db, int64_t run, int64_t step,
                    const std::vector<SampleTrace>& traces) {
    int64_t rows = 0;
    const bool details = hasDetailsTable(db);
    const bool replacing = hasStepTraces(db, details, run, step);
    std::set<int64_t> written; // a sample given twice replaces its first trace
    for (const SampleTrace& t : traces) {
        if (replacing || !written.insert(t.sampleId).second) {
            removeTrace(db, details, run, step, t.sampleId);
        }
        std::vector<float> uncertainty;
        for (const ExpertTrace& e : t.experts) {
            if (e.uncertainty >= 0.f) {
                uncertainty.push_back(e.uncertainty);
            }
        }
        if (details && (t.conflictScoreAfter >= 0.f || !uncertainty.empty())) {
            SqlQuery d(db.statement("INSERT OR REPLACE INTO trace_details(run_id, step, "
                                    "sample_id, conflict_score_after, uncertainty) "
                                    "VALUES(?,?,?,?,?)"));
            d.bind(1, run).bind(2, step).bind(3, t.sampleId).bind(4, double(t.conflictScoreAfter));
            bindVector(d, 5, uncertainty);
            d.exec();
            ++rows;
        }
        SqlQuery q(db.statement(
            "INSERT INTO trace_summary(run_id, step, sample_id, label, domain, "
            "router_probs, mask, gates, fused_probs, final_pred, correct, conflict_score, "
            "conflict, resolution, winner, margin, expert_steps, flops, expert_group) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, step, sample_id) "
            "DO UPDATE SET label = excluded.label, domain = excluded.domain, "
            "router_probs = excluded.router_probs, mask = excluded.mask, gates = excluded.gates, "
            "fused_probs = excluded.fused_probs, final_pred = excluded.final_pred, "
            "correct = excluded.correct, conflict_score = excluded.conflict_score, "
            "conflict = excluded.conflict, resolution = excluded.resolution, "
            "winner = excluded.winner, margin = excluded.margin, "
            "expert_steps = excluded.expert_steps, flops = excluded.flops, "
            "expert_group = excluded.expert_group"));
        q.bind(1, run).bind(2, step).bind(3, t.sampleId).bind(4, t.label).bind(5, t.domain);
        bindVector(q, 6, t.routerProbs);
        bindVector(q, 7, t.mask);
        bindVector(q, 8, t.gates);
        bindVector(q, 9, t.fusedProbs);
        q.bind(10, t.finalPred)
            .bind(11, int64_t(t.correct))
            .bind(12, double(t.conflictScore))
            .bind(13, int64_t(t.conflict))
            .bind(14, t.resolution)
            .bind(15, t.winner)
            .bind(16, double(t.margin))
            .bind(17, t.expertSteps)
            .bind(18, t.flops)
            .bind(19, t.group);
        q.exec();
        ++rows;
        std::vector<int> experts;
        for (const ExpertTrace& e : t.experts) {
            rows += writeExpert(db, run, step, t.sampleId, e);
            experts.push_back(e.expert);
        }
        if (t.conflict) {
            SqlQuery(db.statement("INSERT INTO conflicts(run_id, step, sample_id, score, "
                                  "experts, winner, margin, resolved_pred, label, correct, "
                                  "resolution) VALUES(?,?,?,?,?,?,?,?,?,?,?) "
                                  "ON CONFLICT(run_id, step, sample_id) DO UPDATE SET "
                                  "score = excluded.score, experts = excluded.experts, "
                                  "winner = excluded.winner, margin = excluded.margin, "
                                  "resolved_pred = excluded.resolved_pred, "
                                  "label = excluded.label, correct = excluded.correct, "
                                  "resolution = excluded.resolution"))
                .bind(1, run)
                .bind(2, step)
                .bind(3, t.sampleId)
                .bind(4, double(t.conflictScore))
                .bind(5, joinExperts(experts))
                .bind(6, t.winner)
                .bind(7, double(t.margin))
                .bind(8, t.finalPred)
                .bind(9, t.label)
                .bind(10, int64_t(t.correct))
                .bind(11, t.resolution)
                .exec();
            ++rows;
        }
    }
    return rows;
}

// The three queries share one WHERE shape: a whole step, or one sample of it. Two statement
// variants (not "? < 0 OR sample_id = ?") so one sample is a primary-key lookup.
static std::string scopeOf(int64_t sampleId) {
    return sampleId >= 0 ? " WHERE run_id = ? AND step = ? AND sample_id = ? "
                         : " WHERE run_id = ? AND step = ? ";
}

static SqlQuery& bindScope(SqlQuery& q, int64_t run, int64_t step, int64_t sampleId) {
    q.bind(1, run).bind(2, step);
    if (sampleId >= 0) {
        q.bind(3, sampleId);
    }
    return q;
}

std::vector<SampleTrace> readTraces(SqliteDb& db, int64_t run, int64_t step, int64_t sampleId) {
    std::vector<SampleTrace> traces;
    std::map<int64_t, size_t> indexOf;
    // v5 columns; a v1..v4 file opened read-only has neither (no group, no nested widths).
    const bool v5 = db.hasColumn("trace_summary", "expert_group");
    {
        SqlQuery q(db.statement(
            std::string("SELECT sample_id, label, domain, router_probs, mask, gates, fused_probs, "
                        "final_pred, correct, conflict_score, conflict, resolution, winner, "
                        "margin, expert_steps, flops, ") +
            (v5 ? "expert_group" : "-1") + " FROM trace_summary" +
            scopeOf(sampleId) + "ORDER BY sample_id"));
        bindScope(q, run, step, sampleId);
        while (q.next()) {
            SampleTrace t;
            t.sampleId = q.int64(0);
            t.label = q.int64(1);
            t.domain = q.int64(2);
            t.routerProbs = vectorFromBlob<float>(q, 3);
            t.mask = vectorFromBlob<uint8_t>(q, 4);
            t.gates = vectorFromBlob<float>(q, 5);
            t.fusedProbs = vectorFromBlob<float>(q, 6);
            t.finalPred = q.int64(7);
            t.correct = q.int64(8) != 0;
            t.conflictScore = q.real32(9);
            t.conflict = q.int64(10) != 0;
            t.resolution = q.text(11);
            t.winner = static_cast<int>(q.int64(12));
            t.margin = q.real32(13);
            t.expertSteps = static_cast<int>(q.int64(14));
            t.flops = q.real(15);
            t.group = static_cast<int>(q.int64(16));
            indexOf[t.sampleId] = traces.size();
            traces.push_back(std::move(t));
        }
    }
    // (sample, expert) -> position in that sample's experts, for attaching the steps.
    std::map<std::pair<int64_t, int>, ExpertTrace*> expertOf;
    {
        SqlQuery q(db.statement(
            std::string("SELECT sample_id, expert, router_prob, gate, halt_step, confidence, "
                        "fusion_weight, pred, extra_steps, ") +
            (v5 && db.hasColumn("trace_expert", "width") ? "width" : "0") + " FROM trace_expert" +
            scopeOf(sampleId) + "ORDER BY sample_id, expert"));
        bindScope(q, run, step, sampleId);
        while (q.next()) {
            auto it = indexOf.find(q.int64(0));
            if (it == indexOf.end()) {
                continue;
            }
            ExpertTrace e;
            e.expert = static_cast<int>(q.int64(1));
            e.routerProb = q.real32(2);
            e.gate = q.real32(3);
            e.haltStep = static_cast<int>(q.int64(4));
            e.confidence = q.real32(5);
            e.fusionWeight = q.real32(6);
            e.pred = q.int64(7);
            e.extraSteps = static_cast<int>(q.int64(8));
            e.width = static_cast<int>(q.int64(9));
            traces[it->second].experts.push_back(std::move(e));
        }
    }
    for (SampleTrace& t : traces) {
        for (ExpertTrace& e : t.experts) {
            expertOf[{t.sampleId, e.expert}] = &e;
        }
    }
    SqlQuery q(db.statement(
        std::string("SELECT sample_id, expert, iter, critique, halt_p, pred, correct, probs "
                    "FROM reflection") +
        scopeOf(sampleId) + "ORDER BY sample_id, expert, iter"));
    bindScope(q, run, step, sampleId);
    while (q.next()) {
        auto it = expertOf.find({q.int64(0), static_cast<int>(q.int64(1))});
        if (it == expertOf.end()) {
            continue;
        }
        StepTrace s;
        s.iteration = static_cast<int>(q.int64(2));
        s.critique = q.real32(3);
        s.haltProb = q.real32(4);
        s.pred = q.int64(5);
        s.correct = q.int64(6) != 0;
        s.probs = vectorFromBlob<float>(q, 7);
        it->second->steps.push_back(std::move(s));
    }
    if (hasDetailsTable(db)) { // v3 and later
        SqlQuery d(db.statement("SELECT sample_id, conflict_score_after, uncertainty FROM "
                                "trace_details" + scopeOf(sampleId)));
        bindScope(d, run, step, sampleId);
        while (d.next()) {
            auto it = indexOf.find(d.int64(0));
            if (it == indexOf.end()) {
                continue;
            }
            SampleTrace& t = traces[it->second];
            t.conflictScoreAfter = d.real32(1);
            const auto u = vectorFromBlob<float>(d, 2);
            for (size_t i = 0; i < u.size() && i < t.experts.size(); ++i) {
                t.experts[i].uncertainty = u[i];
            }
        }
    }
    return traces;
}

} // namespace mor::log
