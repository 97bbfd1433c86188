#pragma once
// Held-out calibration of the critique: temperature scaling (Guo et al. 2017) of each expert's
// critic, and the expected calibration error (ECE) with its reliability table.
#include "model/mor_model.h"
#include "mor/evaluation.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor::train {

/// Critic logits z and whether the judged draft was right (1/0), per expert, collected by an
/// evaluation pass.
struct CritiqueCapture {
    /// Every (reflection step, input) pair that ran for the expert.
    std::vector<std::vector<double>> stepLogits, stepRight;
    /// Only the expert's answer: the step it halted at.
    std::vector<std::vector<double>> answerLogits, answerRight;
    /// How many steps each (input, expert) pair ran, in the order of stepLogits: the pair's
    /// steps 1..N are the next N entries there.
    std::vector<std::vector<int64_t>> rowSteps;
};

/// The temperature T > 0 that minimises the mean binary NLL of sigmoid(z / T) against `right`,
/// searched in log T over [1e-2, 1e2] (golden section: the NLL is convex in 1/T, so it is
/// unimodal in log T and the search is deterministic). Returns 1 for fewer than `minPairs`
/// pairs (too few to fit).
double fitTemperature(const std::vector<double>& logits, const std::vector<double>& right,
                      int64_t minPairs = 10);

/// Mean binary NLL of sigmoid(z / T) against right (the objective fitTemperature minimises).
double temperatureNll(const std::vector<double>& logits, const std::vector<double>& right,
                      double temperature);

/// Fits each expert's critic temperature on `capture` (a validation pass), sets them on the
/// model and returns them as metrics "val/critic_temperature/<expert>". An expert with too
/// few pairs keeps its temperature.
std::map<std::string, double> calibrateCritics(model::MoRModel& model,
                                               const CritiqueCapture& capture);

/// The threshold on the calibrated critique sigmoid(z / T) that stops critique-gated halting
/// exactly where the critic as trained, sigmoid(z), reaches `threshold`:
/// sigmoid(logit(threshold) / T) (e.g. 0.9 at T = 2 -> 0.75). A threshold outside (0, 1) or a
/// temperature <= 0 returns `threshold` unchanged.
double rawEquivalentThreshold(double threshold, double temperature);

/// model.calibration "answer-temperature": each expert's temperature is fitted on its answers
/// in `capture` (the critique of the step it halted at, as the halting rule selects them: the
/// value the ECE of the final-step critique judges) rather than on every step, T >= 0.5 (a
/// sharper T saturates float32 sigmoids, so halting would move); an expert whose
/// answers are all right or all wrong (the fit would run to the bound) or fewer than 20 falls
/// back to the fit on every step, then keeps its temperature. Halting is left where the
/// critic as trained stops: every critique-gated expert's threshold is set to
/// rawEquivalentThreshold(configured, T), so calibration changes what the critique says, never
/// when an expert stops (the same answers and expert-steps as model.calibration "none").
/// Returns "val/critic_temperature/<j>" and "val/halt_threshold/<j>" (critique-gated only).
std::map<std::string, double> calibrateCriticAnswers(model::MoRModel& model,
                                                     const CritiqueCapture& capture,
                                                     const ModelConfig& config);

/// Held-out halting threshold of critique-gated halting (model.calibration
/// "temperature+threshold"). A calibrated critique c_t = sigmoid(z_t / T) estimates P(draft t
/// is right), so halting at c_t >= tau spends steps until the answer is right with probability
/// tau; a tau below the configured one may stop earlier without losing answers. Walks the
/// grid configured - 0.01, configured - 0.02, ..., 0 downwards and returns the last tau before
/// the first one whose halting (at the first step with c_t >= tau, or at the pair's last step
/// N) answers fewer of the pairs right than the pass that produced them did (each pair's
/// answer at its step N): on the validation split, no fewer right answers for no more steps.
/// Pairs come as in CritiqueCapture (z, right 0/1 per step; rowSteps gives each pair's N).
/// Returns `configured` without pairs.
double tuneHaltThreshold(const std::vector<double>& stepLogits, const std::vector<double>& stepRight,
                         const std::vector<int64_t>& rowSteps, double temperature,
                         double configured);

/// Tunes the threshold of every critique-gated expert on `capture` (a validation pass run at
/// the configured thresholds) with its current temperature, sets them on the model and returns
/// them as metrics "val/halt_threshold/<expert>". Other experts keep -1 (not tuned).
std::map<std::string, double> tuneHaltThresholds(model::MoRModel& model,
                                                 const CritiqueCapture& capture,
                                                 const ModelConfig& config);

/// Streaming reliability statistics over equal-width confidence bins on [0, 1].
class ReliabilityAccumulator {
public:
    explicit ReliabilityAccumulator(int64_t bins = 10);
    /// One judged answer: confidence in [0, 1] (clamped; 1 falls in the last bin), right 0/1.
    void add(double confidence, double right);
    int64_t count() const { return m_total; }
    /// sum over bins of (n_b / N) |accuracy_b - mean confidence_b|; 0 without samples.
    double ece() const;
    std::vector<ReliabilityBin> table() const;

private:
    std::vector<int64_t> m_count;
    std::vector<double> m_confidence, m_right;
    int64_t m_total = 0;
};

} // namespace mor::train
