#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Pruning a logged run into a new run of the same log (`mor prune`, issue 22).
#include "mor/result.h"
#include "mor/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct PruneOptions {
    std::string logPath;
    int64_t runId = 0;
    /// Reflection runs (family "reflection"):
    /// magnitude: unstructured, the smallest |w| fraction `amount` of all expert weight
    ///            matrices together;
    /// structured: per expert layer, the fraction `amount` of rows (hidden units) of smallest
    ///            L2 norm, with their biases;
    /// dead-experts: experts routed to fewer than a share `amount` of the validation inputs
    ///            never run again (their router logit is masked, see train/pruning.h; softmax
    ///            router or Gaussian gate);
    /// depth: every reflection expert's max_depth capped at `amount` (an integer >= 1).
    /// Recursion runs (family "recursion", seq/recursion_pruning.h):
    /// magnitude: the smallest |w| fraction of all weight matrices of the recursion blocks;
    /// structured: per block layer, the fraction of feed-forward hidden units (ff1 rows) of
    ///            smallest L2 norm, with their biases;
    /// depth: model.recursion.recursions capped at `amount` (tokens the router would send
    ///            deeper stop at the cap; token_choice keeps the config and clamps each
    ///            token's chosen depth to the cap, stored in the checkpoint). dead-experts
    ///            does not apply.
    std::string method;
    double amount = 0.5;
    /// Optimizer steps of fine-tuning with the pruned entries held at zero; rounded up to
    /// whole epochs (the engine trains whole epochs). 0: none.
    int64_t finetuneSteps = 0;
    double finetuneLearningRate = 0.0; ///< <= 0: a tenth of the run's train.learning_rate
    int64_t threads = -1;              ///< overrides train.threads when >= 0
};

/// One model measured on the test split.
struct PruneMeasure {
    /// Reflection: classification accuracy; recursion: next-token (answer-token) accuracy.
    double testAccuracy = 0.0;
    double testLoss = 0.0;         ///< the family's test loss (recursion: nats per token)
    int64_t parameters = 0;        ///< all entries
    int64_t nonzeroParameters = 0; ///< entries that are not 0
    double flopsPerInput = 0.0;    ///< the evaluator's dense estimate (zeros still counted)
    /// flopsPerInput less the multiplications by zero weights in the experts' steps (estimate)
    double sparseFlopsPerInput = 0.0;
    double expertStepsPerInput = 0.0;
    /// Recursion: mean recursions per scored token; reflection: mean iterations per (input,
    /// selected expert).
    double meanDepth = 0.0;
};

struct PruneOutcome {
    int64_t runId = 0;    ///< the new run
    int64_t parentId = 0;
    Family family = Family::Reflection; ///< the parent's (and the child's) model family
    std::string checkpoint; ///< the parent checkpoint that was pruned (best.pt or the last)
    PruneMeasure before;  ///< the parent
    PruneMeasure pruned;  ///< right after pruning, before fine-tuning
    PruneMeasure after;   ///< the new run's best.pt (= pruned without fine-tuning)
    int64_t candidates = 0, prunedEntries = 0; ///< entries the method could / did zero
    std::vector<int64_t> removedExperts;       ///< dead-experts
    std::vector<double> activation;            ///< dead-experts: validation share per expert
    int64_t finetuneSteps = 0;                 ///< steps actually trained
    std::string note;                          ///< what the method changed, one line
};

/// Writes a new run into opts.logPath: the pruned (and optionally fine-tuned) weights as its
/// checkpoint and best.pt, its config (changed only where the method needs: a depth cap, a
/// smaller router top_k), tags "pruned-from:<id>" and "prune:<method>:<amount>", and at its
/// last step the metrics prune/amount, prune/sparsity and prune/{before,pruned,after}/
/// {test_accuracy, parameters, nonzero_parameters, flops_per_input, sparse_flops_per_input,
/// expert_steps_per_input, test_loss, mean_depth}. Reflection and recursion runs. Fails with
/// the reason (bad method/amount, no checkpoint, a refused config, or "cancelled" when the
/// observer asks to stop between the evaluations or during fine-tuning); a child run that was
/// already created by then is named in the message and left in the log as failed/stopped.
Result<PruneOutcome> pruneRun(const PruneOptions& opts, TrainingObserver* observer = nullptr);

} // namespace mor
