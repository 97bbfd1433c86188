#pragma once
// Pruning and retraining tests of tst_trainer (issue 22), kept in their own file so that
// tst_trainer.cpp stays below the size limit; TstTrainer's slots call these.
namespace trainer_pruning_test {

/// Gaussian gate: a retired expert's prior/mean/variance make its probability exactly 0.
void gaussianGateRetiredExpertIsNeverRouted();
/// A recursion run pruned by depth (2 of 3), magnitude and structured: real child runs.
void recursionRunPrunesByDepthMagnitudeAndUnits();
/// token_choice depth cap: every token's depth is min(chosen, cap) in the child (evaluation,
/// training, traces, generation, fine-tuning); tokens under the cap are computed as before.
void tokenChoiceDepthCapClampsEveryToken();
/// A sweep of amounts with fine-tuning: one child per amount, the fine-tuned accuracy is a
/// fresh evaluation of the child's best.pt; Cancel stops before the child is written.
void pruneSweepWithFineTuningMeasuresEachChild();
/// A recursion run retrained on new text with the same characters; other characters refused.
void recursionRunRetrainsOnNewText();

} // namespace trainer_pruning_test
