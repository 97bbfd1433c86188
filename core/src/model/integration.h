#pragma once
// Integration layer: fuses the selected experts' answers, detects conflicts between them.
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace mor::model {

enum class FusionKind { Confidence, Attention, Evidential };
/// evidential: how the experts' Dirichlet opinions become one answer.
enum class EvidentialCombination { Decider, SubjectiveLogic };
using ResolutionKind = mor::ConflictResolution; ///< model.integration.resolution

struct IntegrationOptions {
    IntegrationOptions(int64_t experts, int64_t classes) : experts_(experts), classes_(classes) {}
    TORCH_ARG(int64_t, experts);
    TORCH_ARG(int64_t, classes);
    /// confidence | attention | evidential. evidential: every expert has its own evidence head
    /// e_j = softplus(W_j [log q_j, c_j] + b_j), alpha_j = e_j + 1 (Sensoy et al. 2018), combined
    /// by evidentialCombination.
    TORCH_ARG(std::string, fusion) = "confidence";
    TORCH_ARG(double, gamma) = 1.0;
    TORCH_ARG(double, conflictThreshold) = 0.3;
    TORCH_ARG(double, confidentThreshold) = 0.6;
    TORCH_ARG(int64_t, hidden) = 16; ///< attention scorer / evidential decider width
    TORCH_ARG(std::string, conflictScore) = "unweighted"; ///< unweighted | weighted
    TORCH_ARG(double, evidentialKlWeight) = 1.0;
    TORCH_ARG(int64_t, evidentialAnnealSteps) = 1000;
    TORCH_ARG(std::string, evidentialCombination) = "decider"; ///< decider | subjective_logic
};

/// The options of model.integration for `experts` experts and `classes` classes.
IntegrationOptions integrationOptions(const IntegrationConfig& config, int64_t experts,
                                      int64_t classes);

struct Fusion {
    /// w [B, E], 0 on unselected experts, rows sum to 1. For evidential subjective_logic the
    /// answer is not sum_j w_j q_j; w_j is then expert j's share of the committed belief,
    /// (1 - u_j) / sum_i (1 - u_i) over the selected experts (what the trace and the winner show).
    torch::Tensor weights;
    /// [B, C]: sum_j w_j q_j, or for subjective_logic the combined opinion b + u / K.
    torch::Tensor probs;
    /// D [B] in bits: Jensen-Shannon divergence of the selected experts' answers, each counted
    /// once ("unweighted", default) or by fusion weight ("weighted"); 0 with < 2 selected.
    torch::Tensor score;
    torch::Tensor conflict; ///< bool [B]; never with < 2 selected experts
    /// evidential: Dirichlet parameters alpha [B, E, C] and uncertainty u = K / S [B, E]
    /// (alpha = 1 and u = 1 on unselected experts: the vacuous opinion; undefined for the
    /// other fusions).
    torch::Tensor alpha;
    torch::Tensor uncertainty;
};

class IntegrationImpl : public torch::nn::Module {
public:
    /// Throws std::invalid_argument for an unknown fusion, combination or conflict score name.
    explicit IntegrationImpl(const IntegrationOptions& options);
    void reset();

    /// answers q [B, E, C] (rows of unselected experts are ignored), confidences c [B, E],
    /// gates g [B, E], mask bool [B, E].
    /// On CPU, when every row selects fewer than E experts, confidence and attention fusion run
    /// over each row's selected experts only (the slots: [B, K, C] for the most selected per
    /// row, K): the same weights, answer and score within float rounding, and a cost that does
    /// not grow with E (setSlotIntegration).
    Fusion forward(const torch::Tensor& answers, const torch::Tensor& confidences,
                   const torch::Tensor& gates, const torch::Tensor& mask);
    /// The fusion weights alone.
    torch::Tensor weights(const torch::Tensor& answers, const torch::Tensor& confidences,
                          const torch::Tensor& gates, const torch::Tensor& mask);
    /// evidential: the loss of the evidence heads (Sensoy et al. 2018, eq. 4 plus the KL
    /// regulariser), averaged over the selected (input, expert) pairs of mask [B, E]:
    /// sum_k y_k (digamma(S) - digamma(alpha_k)) + lambda_t KL(Dir(alpha~) || Dir(1)), with
    /// alpha~ = y + (1 - y) alpha and lambda_t = evidentialKlWeight * min(1, t /
    /// evidentialAnnealSteps). y: class indices [B]. Undefined for the other fusions.
    /// A call in training mode with gradients on is one training step: it advances t first.
    /// (t is counted here, not in forward(), because a model pass may fuse several times:
    /// re-reflection, per-step predictions.)
    torch::Tensor evidentialLoss(const Fusion& fusion, const torch::Tensor& y,
                                 const torch::Tensor& mask);
    /// evidential: the training steps t counted so far (a buffer, so it survives checkpoints).
    int64_t evidentialStep() const;
    /// evidential: the KL weight lambda_t at the current step.
    double evidentialKlCoefficient() const;
    /// FLOPs per selected expert and input (fusion, and the conflict score).
    double flopsPerExpert() const;

    IntegrationOptions options;

private:
    /// forward() on the tensors as given: [B, E, ...] or a row's slots [B, K, ...].
    Fusion fuse(const torch::Tensor& answers, const torch::Tensor& confidences,
                const torch::Tensor& gates, const torch::Tensor& mask);
    /// Dirichlet alpha [B, E, C] of every expert's evidence head, 1 on unselected experts.
    torch::Tensor evidence(const torch::Tensor& answers, const torch::Tensor& confidences,
                           const torch::Tensor& mask) const;
    torch::Tensor deciderWeights(const torch::Tensor& uncertainty,
                                 const torch::Tensor& confidences, const torch::Tensor& gates,
                                 const torch::Tensor& mask);

    FusionKind m_kind = FusionKind::Confidence;
    EvidentialCombination m_combination = EvidentialCombination::Decider;
    bool m_weightedScore = false;
    torch::nn::Linear m_score1{nullptr};
    torch::nn::Linear m_score2{nullptr};
    torch::Tensor m_evidenceWeight; ///< one evidence head per expert: [E, C + 1, C]
    torch::Tensor m_evidenceBias;   ///< [E, C]
    torch::Tensor m_step;           ///< evidential training steps, int64 scalar buffer
};
TORCH_MODULE(Integration);

/// Whether IntegrationImpl::forward fuses over the selected experts' slots where it can (on by
/// default); off: over all E experts with the unselected ones masked (the comparison in tests).
void setSlotIntegration(bool on);
bool slotIntegration();

/// Each row's selected experts in ascending order: index int64 [B, K] (K = the most any row
/// selects; a row with fewer is padded with unselected experts) and valid bool [B, K] (false on
/// the padding). False, leaving both undefined, when no row selects an expert or one selects
/// all E (nothing to leave out).
bool selectedSlots(const torch::Tensor& mask, torch::Tensor& index, torch::Tensor& valid);

/// Weighted Jensen-Shannon divergence H(sum_j w_j q_j) - sum_j w_j H(q_j), in bits: 0 when the
/// experts agree, at most log2(E).
torch::Tensor weightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& weights);
/// Jensen-Shannon divergence of the selected experts' answers with equal weights 1 / n_selected,
/// in bits; 0 for rows with fewer than 2 selected experts.
torch::Tensor unweightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& mask);

/// Dirichlet maths of evidential fusion (Sensoy et al. 2018); alpha [..., K], K = classes.
/// Uncertainty u = K / S, S = sum_k alpha_k [...].
torch::Tensor dirichletUncertainty(const torch::Tensor& alpha);
/// Expected cross-entropy under Dir(alpha): digamma(S) - digamma(alpha_y) [N]; alpha [N, K],
/// y class indices [N].
torch::Tensor dirichletExpectedCrossEntropy(const torch::Tensor& alpha, const torch::Tensor& y);
/// KL(Dir(alpha) || Dir(1, ..., 1)) [...].
torch::Tensor dirichletKlToUniform(const torch::Tensor& alpha);
/// The evidential loss per row [N]: expected cross-entropy + klWeight * KL(Dir(alpha~) || Dir(1)),
/// alpha~ = y + (1 - y) alpha (the evidence for the true class removed).
torch::Tensor evidentialLossPerRow(const torch::Tensor& alpha, const torch::Tensor& y,
                                   double klWeight);

/// A subjective-logic opinion over K classes: belief masses b [..., K] and uncertainty u [...],
/// with sum_k b_k + u = 1. From Dirichlet evidence: b = (alpha - 1) / S, u = K / S.
struct Opinion {
    torch::Tensor belief;
    torch::Tensor uncertainty;
};
Opinion opinionFromAlpha(const torch::Tensor& alpha);
/// The reduced Dempster-Shafer combination of two opinions (TMC, Han et al. 2021):
/// C = sum_{i != j} b1_i b2_j, b_k = (b1_k b2_k + b1_k u2 + b2_k u1) / (1 - C),
/// u = u1 u2 / (1 - C). The vacuous opinion (b = 0, u = 1) is its identity.
Opinion combineOpinions(const Opinion& first, const Opinion& second);
/// Conflict: score > conflictThreshold while >= 2 selected experts have c >= confidentThreshold.
torch::Tensor detectConflict(const torch::Tensor& score, const torch::Tensor& confidences,
                             const torch::Tensor& mask, double conflictThreshold,
                             double confidentThreshold);
/// Index [B] of the most confident selected expert.
torch::Tensor mostConfidentExpert(const torch::Tensor& confidences, const torch::Tensor& mask);
/// "weighted" | "most_confident" | "re_reflect" | "flag"; false when unknown.
bool parseResolution(const std::string& name, ResolutionKind& kind);

} // namespace mor::model
