#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Retraining a logged run on new data with a promotion decision (`mor retrain`, issue 22).
#include "mor/result.h"
#include "mor/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct RetrainOptions {
    std::string logPath;
    int64_t runId = 0;     ///< the parent run (reflection or recursion)
    /// The new data; replaces data.path (reflection, csv) or data.text_path (recursion, text;
    /// its characters must be the parent's vocabulary) in the child's config.
    std::string dataPath;
    bool fromScratch = false; ///< false: start from the parent's best.pt (else its last checkpoint)
    /// Promote only when the paired difference (child minus parent accuracy on the same
    /// held-out inputs) has its confidence interval's lower end above this.
    double margin = 0.0;
    double level = 0.95;   ///< confidence level of that interval (Student t)
    int64_t epochs = -1;   ///< overrides train.epochs when > 0
    int64_t threads = -1;  ///< overrides train.threads when >= 0
};

struct RetrainOutcome {
    int64_t runId = 0;    ///< the child run
    int64_t parentId = 0;
    Family family = Family::Reflection;
    std::string start;    ///< from-parent | from-scratch
    std::string dataPath; ///< the new data, as written into the child's config (absolute)
    std::string parentCheckpoint; ///< the parent weights the child started from / was compared with
    int64_t steps = 0;
    // The paired comparison on the child's test split (the new data's held-out inputs): each
    // input scores 1 when answered right (recursion: each held-out sequence scores its
    // next-token accuracy); difference = child - parent, per input.
    int64_t compared = 0;
    double parentAccuracy = 0.0, childAccuracy = 0.0;
    double difference = 0.0, low = 0.0, high = 0.0; ///< mean difference and its CI
    double margin = 0.0, level = 0.95;
    int64_t childBetter = 0, parentBetter = 0; ///< inputs only one of them got right
    bool promoted = false;
    std::string reason;              ///< why (not) promoted, one line
    std::vector<int64_t> demoted;    ///< runs of the lineage that lost the "promoted" tag
};

/// Trains a child run of opts.logPath on the new data (the parent's config with data.path
/// replaced; from the parent's weights unless fromScratch), tags it "retrained-from:<parent>"
/// and "retrain:<start>", compares parent and child per input on the child's test split, and
/// tags the child "promoted" (taking the tag off every other run of the same retraining
/// lineage) when the lower end of the CI of the paired difference is above the margin, else
/// "not-promoted". Metrics retrain/{parent_accuracy, child_accuracy, difference, ci_low,
/// ci_high, margin, promoted, compared} at the child's last step. Reflection (csv) and
/// recursion (text) runs. Fails with the reason; a child already trained is named in it.
Result<RetrainOutcome> retrainRun(const RetrainOptions& opts,
                                  TrainingObserver* observer = nullptr);

/// The runs of the retraining lineage of `runId` (the runs linked to it through
/// "retrained-from:<id>" tags, itself included), ascending; empty with *error on a bad log.
std::vector<int64_t> retrainLineage(const std::string& logPath, int64_t runId,
                                    std::string* error);

/// The run of that lineage tagged "promoted" (the newest if several), 0 when none is; -1 with
/// *error on a bad log. `mor retrain --watch` retrains from it when the data changes.
int64_t retrainPromotedRun(const std::string& logPath, int64_t runId, std::string* error);

} // namespace mor
