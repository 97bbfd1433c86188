// `mor trace` (one input's reflection trace, plain or counterfactual; a recursion run's token
// trace in commands_trace_tokens.cpp) and
// `mor eval --counterfactual` (the counterfactual accuracy table of a run).
#include "commands.h"

#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace {

float answerConfidence(const mor::SampleTrace& t) {
    return t.finalPred >= 0 && size_t(t.finalPred) < t.fusedProbs.size()
               ? t.fusedProbs[size_t(t.finalPred)]
               : 0.f;
}

void printTrace(const mor::SampleTrace& t) {
    std::printf("input %lld  label %lld  domain %lld\nrouter p:", (long long)t.sampleId,
                (long long)t.label, (long long)t.domain);
    for (size_t e = 0; e < t.routerProbs.size(); ++e) {
        std::printf(" e%zu=%.3f%s", e, t.routerProbs[e],
                    e < t.mask.size() && t.mask[e] ? "*" : "");
    }
    std::printf("   (* = selected)\n");
    for (const auto& ex : t.experts) {
        std::printf("expert %d  gate %.3f  halted at t=%d  confidence %.3f  weight %.3f",
                    ex.expert, ex.gate, ex.haltStep, ex.confidence, ex.fusionWeight);
        if (ex.uncertainty >= 0.f) { // evidential fusion: Dirichlet uncertainty u = K / S
            std::printf("  uncertainty u %.3f", ex.uncertainty);
        }
        std::printf("\n");
        for (const auto& s : ex.steps) {
            std::printf("  t=%d  draft=%lld %s  critique %.3f  halt %.3f  p=[", s.iteration,
                        (long long)s.pred, s.correct ? "right" : "wrong", s.critique, s.haltProb);
            for (size_t c = 0; c < s.probs.size(); ++c) {
                std::printf("%s%.2f", c ? " " : "", s.probs[c]);
            }
            std::printf("]%s\n", s.iteration == ex.haltStep ? "  <- answer" : "");
        }
    }
    if (t.experts.size() < 2) {
        std::printf("integration: one selected expert: no conflict possible (needs >= 2; raise "
                    "model.router.top_k), winner expert %d, margin %.3f\n",
                    t.winner, t.margin);
    } else {
        std::printf("integration: D = %.3f%s%s, winner expert %d, margin %.3f\n",
                    t.conflictScore, t.conflict ? " CONFLICT" : "",
                    t.resolution.empty() ? "" : (" resolved by " + t.resolution).c_str(),
                    t.winner, t.margin);
    }
    std::printf("final answer %lld (%s), confidence %.3f, expert-steps %d, ~%.0f FLOPs\n",
                (long long)t.finalPred,
                t.label < 0 ? "no label" : (t.correct ? "right" : "wrong"), answerConfidence(t),
                t.expertSteps, t.flops);
}

nlohmann::json traceJson(const mor::SampleTrace& t) {
    nlohmann::json experts = nlohmann::json::array();
    for (const auto& ex : t.experts) {
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& s : ex.steps) {
            steps.push_back({{"t", s.iteration},
                             {"critique", s.critique},
                             {"halt_p", s.haltProb},
                             {"pred", s.pred},
                             {"probs", s.probs}});
        }
        nlohmann::json e = {{"expert", ex.expert},     {"gate", ex.gate},
                            {"halt_step", ex.haltStep}, {"confidence", ex.confidence},
                            {"pred", ex.pred},          {"steps", steps}};
        if (ex.uncertainty >= 0.f) {
            e["uncertainty"] = ex.uncertainty;
        }
        experts.push_back(e);
    }
    nlohmann::json out = {{"sample", t.sampleId},
                          {"label", t.label},
                          {"answer", t.finalPred},
                          {"confidence", answerConfidence(t)},
                          {"correct", t.correct},
                          {"conflict_score", t.conflictScore},
                          {"conflict", t.conflict},
                          {"expert_steps", t.expertSteps},
                          {"router_probs", t.routerProbs},
                          {"experts", experts}};
    return out;
}

std::string describe(const mor::Intervention& iv) {
    std::string s;
    const auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
    const auto list = [](const std::vector<int>& v) {
        std::string l;
        for (int x : v) {
            l += (l.empty() ? "" : ",") + std::to_string(x);
        }
        return l;
    };
    if (iv.forceHalt > 0) {
        add("halt at t=" + std::to_string(iv.forceHalt));
    }
    if (iv.extraSteps > 0) {
        add(std::to_string(iv.extraSteps) + " extra steps");
    }
    if (!iv.veto.empty()) {
        add("veto " + list(iv.veto));
    }
    if (!iv.route.empty()) {
        add("route to " + list(iv.route));
    }
    if (iv.noCritiqueFeedback) {
        add("no critique feedback");
    }
    return s;
}

/// One line: what the intervention changed in the answer, confidence, conflict and compute.
std::string changeSummary(const mor::SampleTrace& a, const mor::SampleTrace& b) {
    char buf[512];
    const auto verdict = [](const mor::SampleTrace& t) {
        return t.label < 0 ? "" : (t.correct ? " right" : " wrong");
    };
    std::snprintf(buf, sizeof buf,
                  "changed: answer %lld%s -> %lld%s%s, confidence %.3f -> %.3f, conflict D "
                  "%.3f -> %.3f, expert-steps %d -> %d",
                  (long long)a.finalPred, verdict(a), (long long)b.finalPred, verdict(b),
                  a.finalPred == b.finalPred ? " (same)" : "", answerConfidence(a),
                  answerConfidence(b), a.conflictScore, b.conflictScore, a.expertSteps,
                  b.expertSteps);
    return buf;
}

} // namespace

int cmdTrace(const TraceArgs& args) {
    std::string error;
    if (!std::filesystem::exists(args.run.log)) {
        return userError("no experiment log at " + args.run.log);
    }
    auto reader = mor::LogReader::open(args.run.log);
    if (!reader) {
        return userError(reader.error());
    }
    if (!reader->run(args.run.run)) {
        return userError("run " + std::to_string(args.run.run) + " is not in " + args.run.log);
    }
    const auto run = mor::Run::open(args.run.log, args.run.run);
    if (run && run->family() == mor::Family::Recursion) {
        return cmdTraceTokens(args, *reader, *run);
    }
    if (!args.text.empty()) {
        return userError("--text traces typed text through a recursion (sequence) run; run " +
                         std::to_string(args.run.run) +
                         " is a reflection run: give --sample N, an input of its data set");
    }
    if (args.sample < 0) {
        return userError("give --sample N (a probe input, or any input of the data set)");
    }
    const auto& iv = args.intervention;
    if (!iv.active() && !args.run.json) {
        // A plain text trace of a probe input reads the trace logged at that evaluation step.
        const auto steps = reader->traceSteps(args.run.run);
        const int64_t at = args.step >= 0 ? args.step : (steps.empty() ? -1 : steps.back());
        if (at >= 0) {
            if (auto t = reader->trace(args.run.run, at, args.sample)) {
                std::printf("run %lld, evaluation step %lld (logged probe trace)\n",
                            (long long)args.run.run, (long long)at);
                printTrace(*t);
                return 0;
            }
        }
    }
    if (!run) {
        return userError(run.error());
    }
    mor::TraceRequest request;
    request.step = args.step;
    request.sampleIds = {args.sample};
    const auto traced = run->trace(request);
    if (!traced || traced->empty()) {
        return userError(!traced ? traced.error()
                                 : "no trace for sample " + std::to_string(args.sample));
    }
    const std::vector<mor::SampleTrace>& original = traced.value();
    std::vector<mor::SampleTrace> changed;
    if (iv.active()) {
        request.intervention = iv;
        auto counterfactual = run->trace(request);
        if (!counterfactual || counterfactual->empty()) {
            return userError(!counterfactual ? counterfactual.error() : "no counterfactual trace");
        }
        changed = std::move(counterfactual).value();
    }
    const auto& shown = iv.active() ? changed.front() : original.front();
    if (args.run.json) {
        auto out = traceJson(shown);
        if (iv.active()) {
            out["intervention"] = describe(iv);
        }
        std::cout << out.dump() << "\n";
        return 0;
    }
    const std::string where = args.step >= 0 ? "at or before step " + std::to_string(args.step)
                                             : std::string("latest");
    if (!iv.active()) {
        std::printf("run %lld, checkpoint %s (re-run on this input)\n", (long long)args.run.run,
                    where.c_str());
        printTrace(original.front());
        return 0;
    }
    std::printf("run %lld, checkpoint %s — original:\n", (long long)args.run.run, where.c_str());
    printTrace(original.front());
    std::printf("\ncounterfactual (%s):\n", describe(iv).c_str());
    printTrace(shown);
    std::printf("\n%s\n", changeSummary(original.front(), shown).c_str());
    return 0;
}

int cmdEvalCounterfactual(const RunArgs& args, int64_t step) {
    const auto run = mor::Run::open(args.log, args.run);
    if (!run) {
        return userError(run.error());
    }
    const auto computed = run->counterfactualTable(step);
    if (!computed) {
        return userError(computed.error());
    }
    const mor::CounterfactualTable& table = computed.value();
    if (args.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& r : table.rows) {
            rows.push_back({{"kind", r.kind},
                            {"value", r.value},
                            {"label", r.label},
                            {"accuracy", r.accuracy},
                            {"expert_steps", r.expertSteps}});
        }
        std::cout << nlohmann::json{{"run_id", table.runId},
                                    {"step", table.step},
                                    {"samples", table.samples},
                                    {"max_depth", table.maxDepth},
                                    {"best_expert", table.bestExpert},
                                    {"rows", rows}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::printf("run %lld, checkpoint step %lld, %lld test inputs: counterfactual accuracy\n",
                (long long)table.runId, (long long)table.step, (long long)table.samples);
    std::printf("%-34s %9s %13s\n", "what if", "accuracy", "expert-steps");
    for (const auto& r : table.rows) {
        const bool best = r.kind == "route" && r.value == table.bestExpert;
        std::printf("%-34s %9.4f %13.2f\n", (r.label + (best ? " (best)" : "")).c_str(),
                    r.accuracy, r.expertSteps);
    }
    return 0;
}

void registerTraceCommand(CLI::App& app) {
    auto trace = std::make_shared<TraceArgs>();
    auto* c = app.add_subcommand(
        "trace", "The reflection trace of one input, plain or counterfactual (what if); of a "
                 "recursion run, each token's recursions and the prediction after each");
    addRunOptions(c, trace->run);
    c->add_option("--sample", trace->sample,
                  "Sample id (a probe input, or any input of the data set; of a recursion run, "
                  "a logged probe sequence)")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--text", trace->text,
                  "Recursion runs: trace this text through the checkpoint (instead of --sample)");
    c->add_option("--step", trace->step,
                  "Evaluation step / checkpoint at or before it (default: the last)");
    auto& iv = trace->intervention;
    c->add_option("--force-halt", iv.forceHalt, "Every selected expert halts at step k")
        ->check(CLI::PositiveNumber);
    c->add_option("--extra-steps", iv.extraSteps,
                  "Every selected expert runs n more steps past its maximum depth")
        ->check(CLI::PositiveNumber);
    c->add_option("--veto", iv.veto, "Drop these experts and re-fuse (E[,E...])")->delimiter(',');
    c->add_option("--route", iv.route, "Route the input to exactly these experts (E[,E...])")
        ->delimiter(',');
    c->add_option("--gates", iv.routeGates, "--route: their gates (default: router p)")
        ->delimiter(',');
    c->add_flag("--no-critique-feedback", iv.noCritiqueFeedback,
                "The cell reads a zero critique instead of its last one");
    c->add_flag("--json", trace->run.json, "One JSON object");
    setCommandAction(c, [trace] { return cmdTrace(*trace); });
}
