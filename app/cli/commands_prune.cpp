// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_prune.h"
#include "command_action.h"
#include "commands.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace {

nlohmann::ordered_json pruneMeasureJson(const mor::PruneMeasure& m) {
    return {{"test_accuracy", m.testAccuracy},
            {"parameters", m.parameters},
            {"nonzero_parameters", m.nonzeroParameters},
            {"flops_per_input", m.flopsPerInput},
            {"sparse_flops_per_input", m.sparseFlopsPerInput},
            {"expert_steps_per_input", m.expertStepsPerInput},
            {"test_loss", m.testLoss},
            {"mean_depth", m.meanDepth}};
}

void printPruneRow(const char* label, const mor::PruneMeasure& m, bool recursion) {
    if (recursion) {
        std::printf("  %-7s test token accuracy %.4f  loss %.4f  nonzero parameters %lld of %lld  "
                    "FLOPs/token %.0f (%.0f nonzero)  mean depth %.3f\n",
                    label, m.testAccuracy, m.testLoss, (long long)m.nonzeroParameters,
                    (long long)m.parameters, m.flopsPerInput, m.sparseFlopsPerInput,
                    m.meanDepth);
        return;
    }
    std::printf("  %-7s test accuracy %.4f  nonzero parameters %lld of %lld  FLOPs/input %.0f "
                "(%.0f nonzero)  expert-steps/input %.2f\n",
                label, m.testAccuracy, (long long)m.nonzeroParameters, (long long)m.parameters,
                m.flopsPerInput, m.sparseFlopsPerInput, m.expertStepsPerInput);
}

} // namespace

static CLI::App* addPruneOptions(CLI::App& app, PruneArgs& args) {
    auto* c = app.add_subcommand(
        "prune", "Prune a run's best checkpoint into a new run of the same log (tagged "
                 "pruned-from:<run>), optionally fine-tuned");
    auto& o = args.options;
    c->add_option("--log", o.logPath, "Experiment log")->required();
    c->add_option("--run", o.runId, "Run id (a reflection or recursion run)")->required();
    c->add_option("--method", o.method,
                  "magnitude (smallest |w| of all expert weights; recursion: of the recursion "
                  "blocks), structured (rows of smallest L2 norm per layer; recursion: "
                  "feed-forward units), dead-experts (reflection: routed share on validation "
                  "below the amount), depth (cap max_depth; recursion: the recursions)")
        ->required()
        ->check(CLI::IsMember({"magnitude", "structured", "dead-experts", "depth"}));
    c->add_option("--amount", o.amount,
                  "Fraction pruned (magnitude, structured), routed-share threshold "
                  "(dead-experts) or the new max depth / number of recursions (depth)")
        ->required();
    c->add_option("--finetune-steps", o.finetuneSteps,
                  "Fine-tune this many steps (rounded up to whole epochs) with the pruned "
                  "weights held at 0")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--finetune-lr", o.finetuneLearningRate,
                  "Fine-tuning learning rate (default: a tenth of the run's)");
    c->add_option("--threads", o.threads, "Intra-op threads (0 = all cores)");
    c->add_flag("--json", args.json, "One JSON object with the numbers before and after");
    return c;
}

int cmdPrune(const PruneArgs& args) {
    const mor::Result<mor::PruneOutcome> result = mor::pruneRun(args.options);
    if (!result) {
        return userError(result.error());
    }
    const mor::PruneOutcome& out = *result;
    const bool recursion = out.family == mor::Family::Recursion;
    if (args.json) {
        nlohmann::ordered_json j{{"run_id", out.runId},
                                 {"parent_id", out.parentId},
                                 {"family", mor::familyName(out.family)},
                                 {"method", args.options.method},
                                 {"amount", args.options.amount},
                                 {"checkpoint", out.checkpoint},
                                 {"candidates", out.candidates},
                                 {"pruned_entries", out.prunedEntries},
                                 {"removed_experts", out.removedExperts},
                                 {"activation", out.activation},
                                 {"finetune_steps", out.finetuneSteps},
                                 {"note", out.note},
                                 {"before", pruneMeasureJson(out.before)},
                                 {"pruned", pruneMeasureJson(out.pruned)},
                                 {"after", pruneMeasureJson(out.after)}};
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::printf("run %lld: run %lld pruned by %s %g (%s)\n", (long long)out.runId,
                (long long)out.parentId, args.options.method.c_str(), args.options.amount,
                out.note.c_str());
    printPruneRow("before", out.before, recursion);
    if (out.finetuneSteps > 0) {
        printPruneRow("pruned", out.pruned, recursion);
        std::printf("  fine-tuned %lld steps\n", (long long)out.finetuneSteps);
    }
    printPruneRow("after", out.after, recursion);
    return 0;
}

void registerPruneCommand(CLI::App& app) {
    auto args = std::make_shared<PruneArgs>();
    setCommandAction(addPruneOptions(app, *args), [args] { return cmdPrune(*args); });
}
