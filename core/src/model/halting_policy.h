#pragma once
// When a reflection expert stops, how its steps are weighted in the expected loss, and the
// policy's regulariser.
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

enum class HaltingKind { Critique, PonderNet, Act, Fixed };

class HaltingPolicy {
public:
    /// Reads halting, haltThreshold, ponderPrior, maxDepth; throws std::invalid_argument for an
    /// unknown policy name.
    explicit HaltingPolicy(const ExpertConfig& config);

    HaltingKind kind() const { return m_kind; }
    int64_t maxDepth() const { return m_maxDepth; }

    /// Rows that stop after the step just computed. critique, lambda: [n] of that step;
    /// cumulativeLambda: sum of lambda up to and including it (ACT). The last step always
    /// halts; that is the caller's job.
    torch::Tensor haltsNow(const torch::Tensor& critique, const torch::Tensor& lambda,
                           const torch::Tensor& cumulativeLambda) const;

    /// Weights of the steps in the "expected" task loss, [T, n], summing to 1 over T:
    /// PonderNet p_t, ACT's halting weights, fixed: all on the last step, critique: uniform.
    torch::Tensor stepWeights(const torch::Tensor& lambdas, const torch::Tensor& critiques) const;

    /// The unweighted regulariser: PonderNet KL(p || geometric prior), ACT ponder cost N + R,
    /// critique: BCE of lambda_t against the (detached) critique gate 1[c_t >= threshold] so
    /// the halting head learns when the critic would stop; fixed: 0.
    torch::Tensor regulariser(const torch::Tensor& lambdas, const torch::Tensor& critiques) const;

private:
    HaltingKind m_kind = HaltingKind::Critique;
    double m_threshold = 0.9;
    double m_prior = 0.5;
    int64_t m_maxDepth = 1;
};

/// PonderNet: p_t = lambda_t * prod_{j<t} (1 - lambda_j); the last step takes what remains, so
/// every column sums to 1. lambdas [T, n] -> [T, n].
torch::Tensor ponderNetDistribution(const torch::Tensor& lambdas);
/// Geometric prior pi (1 - pi)^(t-1), t = 1..steps, truncated and renormalised: [steps].
torch::Tensor truncatedGeometricPrior(double pi, int64_t steps, const torch::TensorOptions& options);
/// mean over rows of KL(p || prior) = sum_t p_t log(p_t / prior_t); p [T, n], prior [T].
torch::Tensor klToPrior(const torch::Tensor& p, const torch::Tensor& prior);
/// ACT (Graves 2016): N = first step whose cumulative lambda >= threshold (or the last);
/// weights lambda_t before N and the remainder R = 1 - sum_{t<N} lambda_t at N.
/// Returns the weights [T, n]; ponderCost receives mean(N + R).
torch::Tensor actWeights(const torch::Tensor& lambdas, double threshold, torch::Tensor* ponderCost);

} // namespace mor::model
