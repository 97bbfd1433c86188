#pragma once
// When a reflection expert stops, how its steps are weighted in the expected loss, and the
// policy's regulariser.
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

enum class HaltingKind { Critique, PonderNet, Act, Fixed };

/// What a policy tracks per row while an expert reflects; every tensor is [n].
struct HaltingProgress {
    torch::Tensor cumulativeLambda; ///< ACT: sum of lambda over the steps computed
    torch::Tensor survival;         ///< PonderNet: prod (1 - lambda) over the steps computed
    /// PonderNet: the row halts at the first step where the mass of its halting distribution,
    /// 1 - survival, reaches this quantile (0.5: the median; "sample": a per-row draw).
    torch::Tensor quantile;
};

class HaltingPolicy {
public:
    /// Reads halting, haltThreshold, ponderPrior, ponderHalt, actEpsilon, maxDepth; throws
    /// std::invalid_argument for an unknown policy name.
    explicit HaltingPolicy(const ExpertConfig& config);

    HaltingKind kind() const { return m_kind; }
    int64_t maxDepth() const { return m_maxDepth; }
    /// ACT's halting threshold, 1 - act_epsilon (Graves 2016).
    double actThreshold() const { return m_actThreshold; }

    /// Fresh progress for the rows whose encodings are e [n, H] (no step computed yet).
    HaltingProgress start(const torch::Tensor& e) const;
    /// Takes the step just computed into `progress` for the rows where `computed` (bool [n]) is
    /// true and returns which rows stop after it (bool [n]; only meaningful where computed).
    /// critique, lambda: [n] of that step (halted rows may hold stale values). The last step
    /// always halts; that is the caller's job. critiqueThreshold > 0 replaces the configured
    /// halt_threshold of critique-gated halting (an expert's held-out tuned threshold, used in
    /// evaluation only); other policies ignore it.
    torch::Tensor haltsNow(HaltingProgress& progress, const torch::Tensor& critique,
                           const torch::Tensor& lambda, const torch::Tensor& computed,
                           double critiqueThreshold = -1.0) const;
    /// The configured halt_threshold of critique-gated halting.
    double threshold() const { return m_threshold; }

    /// Weights of the steps in the "expected" task loss, [T, n], summing to 1 over the steps
    /// used: PonderNet p_t, ACT's halting weights, fixed: all on the last step used, critique:
    /// uniform. `used` (bool [T, n], a prefix of steps per row, e.g. ExpertRun::computed) says
    /// which steps really ran; undefined = all T (training). Steps not used get weight 0, and
    /// the formula is the training one for a depth equal to the steps used.
    torch::Tensor stepWeights(const torch::Tensor& lambdas, const torch::Tensor& critiques,
                              const torch::Tensor& used = {}) const;

    /// The unweighted regulariser, mean over rows: PonderNet KL(p || geometric prior), ACT
    /// ponder cost N + R, critique: BCE of lambda_t against the (detached) critique gate
    /// 1[c_t >= threshold] so the halting head learns when the critic would stop; fixed: 0.
    /// `used` as in stepWeights: in eval a halted row counts only its own steps (its lambdas
    /// held after halting are not carried into the loss).
    torch::Tensor regulariser(const torch::Tensor& lambdas, const torch::Tensor& critiques,
                              const torch::Tensor& used = {}) const;

private:
    HaltingKind m_kind = HaltingKind::Critique;
    double m_threshold = 0.9;
    double m_prior = 0.5;
    double m_actThreshold = 0.99;
    bool m_sample = false;
    int64_t m_maxDepth = 1;
};

/// PonderNet: p_t = lambda_t * prod_{j<t} (1 - lambda_j); the last step used takes what
/// remains, so every column sums to 1. lambdas [T, n] -> [T, n]; `used` as in stepWeights.
torch::Tensor ponderNetDistribution(const torch::Tensor& lambdas, const torch::Tensor& used = {});
/// Geometric prior pi (1 - pi)^(t-1), t = 1..steps, truncated and renormalised: [steps].
torch::Tensor truncatedGeometricPrior(double pi, int64_t steps, const torch::TensorOptions& options);
/// mean over rows of KL(p || prior) = sum_t p_t log(p_t / prior_t); p [T, n], prior [T] (the
/// same for every row) or [T, n].
torch::Tensor klToPrior(const torch::Tensor& p, const torch::Tensor& prior);
/// ACT (Graves 2016): N = first step whose cumulative lambda >= threshold (or the last step
/// used); weights lambda_t before N and the remainder R = 1 - sum_{t<N} lambda_t at N.
/// Returns the weights [T, n]; ponderCost receives mean(N + R) (N carries no gradient).
torch::Tensor actWeights(const torch::Tensor& lambdas, double threshold, torch::Tensor* ponderCost,
                         const torch::Tensor& used = {});
/// PonderNet inference: the 1-based step at which the mass of the halting distribution first
/// reaches `quantile` [n] (0.5: the median), or T. lambdas [T, n] -> int64 [n].
torch::Tensor ponderNetHaltStep(const torch::Tensor& lambdas, const torch::Tensor& quantile);
/// ponder_halt "sample": a per-row uniform in (0, 1) that depends only on the row's content, so
/// an input halts at the same step alone or in any batch. u = frac(1000 * <e, w> / sqrt(H) + 0.5)
/// with w a fixed pseudo-random direction (seed 0x9e3779b9); u is continuous in e, so the
/// rounding differences a different batch size may cause move it by ~1e-4 at most.
torch::Tensor rowQuantile(const torch::Tensor& e);

} // namespace mor::model
