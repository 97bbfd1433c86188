// SPDX-License-Identifier: GPL-3.0-or-later
// `mor trace` on a recursion (sequence) run: per token, its recursion depth, the router's score
// at every recursion and what the model would have predicted had the token left after each one
// (the Sequence view's recursion ladder, as text or JSON). Typed text is traced through the
// checkpoint at or before --step (--text); a logged probe sequence is read from the log
// (--sample, at the evaluation step --step or the last).
#include "commands.h"

#include "mor/router_scores.h"
#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/token_trace.h"
#include "mor/vocabulary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

namespace {

using Vocabulary = mor::TokenNames;

/// Token texts as the traces write them ("\\n" for a newline), a space shown as "␣".
std::string shown(const std::string& text) {
    std::string out;
    for (const char c : text) {
        out += c == ' ' ? std::string("\u2423") : std::string(1, c);
    }
    return out.empty() ? std::string("\u2205") : out;
}

std::string nameOf(const Vocabulary& vocabulary, int64_t id) {
    const auto it = vocabulary.find(id);
    return id < 0 ? "-" : it != vocabulary.end() ? shown(it->second) : "#" + std::to_string(id);
}

/// `depthEvery`: the run's model.recursion.depth_every; a Mixture-of-Depths block without a
/// router is written "-" (the trace stores 1 there, every token selected), a skipped one "skip".
void printTokenTrace(const mor::TokenTrace& trace, const Vocabulary& vocabulary, int depthEvery) {
    const bool blocks = trace.routing == "mixture_of_depths";
    const mor::TraceCounts counts = mor::traceCounts({trace}); // as the Sequence view's summary
    const size_t n = trace.tokens.size();
    std::printf("routing %s, %d %s; %zu token(s), mean %s %.2f, %d of %d predicted right\n",
                trace.routing.c_str(), trace.maxRecursions, blocks ? "block(s)" : "recursion(s)",
                n, blocks ? "blocks used" : "depth", counts.meanDepth(), counts.right,
                counts.targets);
    const mor::RecursionEffect effect = mor::recursionEffect(trace);
    if (effect.deeper > 0 && trace.routing != "mixture_of_depths") { // as the Sequence view
        std::printf("of the %d token(s) that went past recursion 1, the later recursions turned "
                    "%d wrong prediction(s) right and %d right one(s) wrong\n",
                    effect.deeper, effect.fixed, effect.broken);
    }
    std::printf(blocks ? "%4s  %-8s %-8s %5s  after each block b: router score (- no router; "
                         "skip: the token skipped it), prediction (right/wrong), target "
                         "probability\n"
                       : "%4s  %-8s %-8s %5s  after each recursion r: router score (- none: "
                         "no router, or the token had left), prediction (right/wrong), target "
                         "probability\n",
                "pos", "token", "target", blocks ? "used" : "depth");
    if (trace.routing == "token_choice") {
        std::printf("token choice: the score at r is the router's P(depth = r), chosen before "
                    "r1 (the token's depth is its most probable r)\n");
    }
    for (size_t i = 0; i < n; ++i) {
        const mor::TokenStep& t = trace.tokens[i];
        std::printf("%4zu  %s %s %5d ", i, padded(shown(t.text), 8).c_str(),
                    padded(t.target >= 0 ? shown(t.targetText) : "-", 8).c_str(), t.depth);
        for (int r = 1; r <= trace.maxRecursions; ++r) {
            // A router's decision only (mor/router_scores.h); "-" where the stored value is not.
            const bool scored = mor::routerScored(trace, t, r - 1, depthEvery);
            char score[16] = "-    ";
            if (scored) {
                std::snprintf(score, sizeof score, "%.3f",
                              mor::routerValue(trace, t, size_t(r - 1)));
            }
            if (blocks) {
                const bool skipped = std::find(t.skippedBlocks.begin(), t.skippedBlocks.end(),
                                               r - 1) != t.skippedBlocks.end();
                std::printf(" | b%d %s%s", r, score, scored && skipped ? " skip" : "");
                if (size_t(r) <= t.recursionPreds.size()) {
                    const int64_t pred = t.recursionPreds[size_t(r - 1)];
                    std::printf(" %s", nameOf(vocabulary, pred).c_str());
                    if (t.target >= 0 && size_t(r) <= t.recursionTargetProbs.size()) {
                        std::printf(" %s %.3f", pred == t.target ? "right" : "wrong",
                                    t.recursionTargetProbs[size_t(r - 1)]);
                    }
                }
                continue;
            }
            if (size_t(r) > t.recursionPreds.size()) {
                std::printf(" | r%d %s left", r, score);
                continue;
            }
            const int64_t pred = t.recursionPreds[size_t(r - 1)];
            std::printf(" | r%d %s %s", r, score, nameOf(vocabulary, pred).c_str());
            if (t.target >= 0) {
                const float p = size_t(r) <= t.recursionTargetProbs.size()
                                    ? t.recursionTargetProbs[size_t(r - 1)]
                                    : 0.f;
                std::printf(" %s %.3f", pred == t.target ? "right" : "wrong", p);
            }
        }
        std::printf("\n");
    }
}

/// "router_scores" as the trace stores them; "router_values" as the table shows them (the
/// router's value where it decided, null where the table writes "-"; mor/router_scores.h).
nlohmann::json tokenTraceJson(const mor::TokenTrace& trace, const Vocabulary& vocabulary,
                              int depthEvery) {
    nlohmann::json tokens = nlohmann::json::array();
    for (const auto& t : trace.tokens) {
        nlohmann::json values = nlohmann::json::array();
        for (size_t r = 0; r < t.routerScores.size(); ++r) {
            values.push_back(mor::routerScored(trace, t, int64_t(r), depthEvery)
                                 ? nlohmann::json(mor::routerValue(trace, t, r))
                                 : nlohmann::json(nullptr));
        }
        nlohmann::json names = nlohmann::json::array();
        for (const int64_t p : t.recursionPreds) {
            const auto it = vocabulary.find(p);
            names.push_back(it != vocabulary.end() ? nlohmann::json(it->second) : nullptr);
        }
        tokens.push_back({{"text", t.text},
                          {"target", t.target},
                          {"target_text", t.targetText},
                          {"depth", t.depth},
                          {"router_scores", t.routerScores},
                          {"router_values", values},
                          {"recursion_preds", t.recursionPreds},
                          {"recursion_pred_texts", names},
                          {"recursion_target_probs", t.recursionTargetProbs},
                          {"pred", t.pred},
                          {"loss", t.loss},
                          {"difficulty", t.difficulty},
                          {"skipped_blocks", t.skippedBlocks}});
    }
    const mor::RecursionEffect e = mor::recursionEffect(trace);
    const mor::TraceCounts c = mor::traceCounts({trace});
    return {{"sample_id", trace.sampleId},
            {"routing", trace.routing},
            {"max_recursions", trace.maxRecursions},
            {"tokens", tokens},
            {"counts",
             {{"tokens", c.tokens}, {"mean_depth", c.meanDepth()}, {"targets", c.targets},
              {"right", c.right}}},
            {"effect",
             {{"scored", e.scored}, {"deeper", e.deeper}, {"fixed", e.fixed},
              {"broken", e.broken}}}};
}

} // namespace

int cmdTraceTokens(const TraceArgs& args, const mor::LogReader& reader, const mor::Run& run) {
    if (args.intervention.active()) {
        return userError("--force-halt, --extra-steps, --veto, --route, --gates and "
                         "--no-critique-feedback act on reflecting experts; run " +
                         std::to_string(run.id()) +
                         " is a recursion run: trace it with --text or --sample");
    }
    std::vector<mor::TokenTrace> traces;
    int64_t step = args.step;
    std::string what;
    if (!args.text.empty()) {
        auto traced = run.traceTokens(args.step, args.text);
        if (!traced) {
            return userError(traced.error());
        }
        traces = std::move(traced).value();
        // Say what the model did not see, as the Sequence view does.
        bool cut = false;
        std::string left;
        for (const std::string& c :
             traces.empty() ? std::vector<std::string>{}
                            : mor::droppedCharacters(args.text, traces.front(), &cut)) {
            left += (left.empty() ? "" : ", ") + ("\u201c" + shown(c) + "\u201d");
        }
        if (!left.empty()) {
            std::fprintf(stderr, "not in the model's vocabulary, left out: %s\n", left.c_str());
        } else if (cut) {
            std::fprintf(stderr, "the model's context holds %zu token(s): the last ones were "
                                 "traced\n", traces.front().tokens.size());
        }
        what = args.step >= 0 ? "checkpoint at or before step " + std::to_string(args.step)
                              : std::string("latest checkpoint");
        what += ", typed text traced now";
    } else {
        if (args.sample < 0) {
            return userError("give --sample N (a logged probe sequence) or --text TEXT");
        }
        const auto steps = reader.tokenTraceSteps(run.id());
        if (steps.empty()) {
            return userError("run " + std::to_string(run.id()) +
                             " logged no token traces; trace typed text with --text");
        }
        if (step < 0) {
            step = steps.back();
        } else if (std::find(steps.begin(), steps.end(), step) == steps.end()) {
            return userError("run " + std::to_string(run.id()) + " logged token traces at steps " +
                             std::to_string(steps.front()) + " to " +
                             std::to_string(steps.back()) + ", not at step " +
                             std::to_string(step));
        }
        std::string ids;
        for (auto& trace : reader.tokenTraces(run.id(), step)) {
            ids += (ids.empty() ? "" : ", ") + std::to_string(trace.sampleId);
            if (trace.sampleId == args.sample) {
                traces.push_back(std::move(trace));
            }
        }
        if (traces.empty()) {
            return userError("run " + std::to_string(run.id()) +
                             " logged no token trace of sample " + std::to_string(args.sample) +
                             " at step " + std::to_string(step) + "; its probe sequences are " +
                             ids);
        }
        what = "evaluation step " + std::to_string(step) + ", logged probe sequence " +
               std::to_string(args.sample);
    }
    if (traces.empty()) {
        return userError("nothing to trace");
    }
    // The targets the traces name, completed by the run's vocabulary (the file beside the
    // checkpoint at or before the step), as the Sequence view names them.
    const Vocabulary vocabulary = mor::mergedTokenNames(mor::traceTokenNames(traces),
                                                        mor::runTokenNames(reader, run.id(), step));
    if (args.run.json) {
        auto out = tokenTraceJson(traces.front(), vocabulary,
                                  int(run.config().model.recursion.depthEvery));
        out["run_id"] = run.id();
        out["step"] = step;
        // A token cut inside a UTF-8 character is written with U+FFFD, not refused.
        std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    std::printf("run %lld, %s\n", (long long)run.id(), what.c_str());
    printTokenTrace(traces.front(), vocabulary, int(run.config().model.recursion.depthEvery));
    return 0;
}
