#include "model/integration.h"

#include "model/answer_only.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>

namespace mor::model {

namespace {

std::atomic<bool> g_slotIntegration{true};

// Softmax over the selected experts only.
torch::Tensor softmaxOverSelected(const torch::Tensor& scores, const torch::Tensor& mask)
{
    return torch::softmax(scores.masked_fill(mask.logical_not(), -1e9), 1)
           * mask.to(scores.scalar_type());
}

torch::Tensor normaliseOverSelected(const torch::Tensor& raw, const torch::Tensor& mask)
{
    const auto w = raw * mask.to(raw.scalar_type());
    return w / w.sum(1, true).clamp_min(1e-12);
}

torch::Tensor entropyBits(const torch::Tensor& p)
{
    return -(p * torch::log2(p.clamp_min(1e-12))).sum(-1);
}

// Subjective logic: expert j's share of the committed (non-uncertain) belief mass among the
// selected experts, (1 - u_j) / sum_i (1 - u_i); floored so that rows of pure ignorance still
// sum to 1 (equal shares).
torch::Tensor beliefShares(const torch::Tensor& uncertainty, const torch::Tensor& mask)
{
    return normaliseOverSelected((1.0 - uncertainty).clamp_min(1e-6), mask);
}

} // namespace

IntegrationOptions integrationOptions(const IntegrationConfig& config, int64_t experts,
                                      int64_t classes)
{
    return IntegrationOptions(experts, classes)
        .fusion(choiceName(config.fusion, fusionRuleNames()))
        .gamma(config.gamma)
        .conflictThreshold(config.conflictThreshold)
        .confidentThreshold(config.confidentThreshold)
        .conflictScore(choiceName(config.conflictScore, conflictScoringNames()))
        .evidentialKlWeight(config.evidentialKlWeight)
        .evidentialAnnealSteps(config.evidentialAnnealSteps)
        .evidentialCombination(
            choiceName(config.evidentialCombination, evidentialCombinationNames()));
}

IntegrationImpl::IntegrationImpl(const IntegrationOptions& options_) : options(options_)
{
    reset();
}

void IntegrationImpl::reset()
{
    const auto& fusion = options.fusion();
    if (fusion == "confidence") {
        m_kind = FusionKind::Confidence;
    } else if (fusion == "attention") {
        m_kind = FusionKind::Attention;
    } else if (fusion == "evidential") {
        m_kind = FusionKind::Evidential;
    } else {
        throw std::invalid_argument("model.integration.fusion: unknown fusion '" + fusion
                                    + "' (use confidence, attention or evidential)");
    }
    const auto& combination = options.evidentialCombination();
    if (combination == "decider") {
        m_combination = EvidentialCombination::Decider;
    } else if (combination == "subjective_logic") {
        m_combination = EvidentialCombination::SubjectiveLogic;
    } else {
        throw std::invalid_argument("model.integration.evidential_combination: unknown '"
                                    + combination + "' (use decider or subjective_logic)");
    }
    const auto& score = options.conflictScore();
    if (score != "unweighted" && score != "weighted") {
        throw std::invalid_argument("model.integration.conflict_score: unknown '" + score
                                    + "' (use unweighted or weighted)");
    }
    m_weightedScore = score == "weighted";
    const int64_t e = options.experts();
    const int64_t c = options.classes();
    const int64_t h = options.hidden();
    if (m_kind == FusionKind::Attention) {
        // A learned query scoring each expert from [q_j, c_j].
        m_score1 = register_module("score1", torch::nn::Linear(c + 1, h));
        m_score2 = register_module("score2", torch::nn::Linear(h, 1));
    } else if (m_kind == FusionKind::Evidential) {
        // One evidence head per expert (EvidenceMoE) reading [log q_j, c_j]; initialised as
        // torch::nn::Linear is (uniform in +-1/sqrt(fan_in)).
        const double bound = 1.0 / std::sqrt(double(c + 1));
        m_evidenceWeight = register_parameter(
            "evidence_weight", torch::empty({e, c + 1, c}).uniform_(-bound, bound));
        m_evidenceBias =
            register_parameter("evidence_bias", torch::empty({e, c}).uniform_(-bound, bound));
        m_step = register_buffer("evidential_step", torch::zeros({}, torch::kLong));
        if (m_combination == EvidentialCombination::Decider) {
            // The decider scores [u_j, c_j, log g_j].
            m_score1 = register_module("decider1", torch::nn::Linear(3, h));
            m_score2 = register_module("decider2", torch::nn::Linear(h, 1));
        }
    }
}

torch::Tensor IntegrationImpl::evidence(const torch::Tensor& answers,
                                        const torch::Tensor& confidences,
                                        const torch::Tensor& mask) const
{
    const auto features =
        torch::cat({torch::log(answers.clamp_min(1e-6)), confidences.unsqueeze(2)}, 2);
    const auto raw = torch::einsum("bef,efc->bec", {features, m_evidenceWeight}) + m_evidenceBias;
    const auto alpha = torch::softplus(raw) + 1.0;
    // Unselected experts hold the vacuous opinion (no evidence); their rows may be anything.
    return torch::where(mask.unsqueeze(2), alpha, torch::ones_like(alpha));
}

torch::Tensor IntegrationImpl::deciderWeights(const torch::Tensor& uncertainty,
                                              const torch::Tensor& confidences,
                                              const torch::Tensor& gates,
                                              const torch::Tensor& mask)
{
    const auto decider =
        torch::stack({uncertainty, confidences, torch::log(gates.clamp_min(1e-6))}, 2);
    const auto scores = m_score2->forward(torch::tanh(m_score1->forward(decider))).squeeze(2);
    return softmaxOverSelected(scores, mask);
}

torch::Tensor IntegrationImpl::weights(const torch::Tensor& answers,
                                       const torch::Tensor& confidences,
                                       const torch::Tensor& gates, const torch::Tensor& mask)
{
    switch (m_kind) {
    case FusionKind::Confidence: {
        const auto raw = gates * torch::pow(confidences.clamp_min(1e-6), options.gamma());
        return normaliseOverSelected(raw, mask);
    }
    case FusionKind::Attention: {
        const auto features = torch::cat({answers, confidences.unsqueeze(2)}, 2);
        const auto scores = m_score2->forward(torch::tanh(m_score1->forward(features))).squeeze(2);
        return softmaxOverSelected(scores + torch::log(gates.clamp_min(1e-6)), mask);
    }
    case FusionKind::Evidential: {
        const auto alpha = evidence(answers, confidences, mask);
        if (m_combination == EvidentialCombination::SubjectiveLogic) {
            return beliefShares(dirichletUncertainty(alpha), mask);
        }
        return deciderWeights(dirichletUncertainty(alpha), confidences, gates, mask);
    }
    }
    return normaliseOverSelected(gates, mask);
}

Fusion IntegrationImpl::forward(const torch::Tensor& answers, const torch::Tensor& confidences,
                                const torch::Tensor& gates, const torch::Tensor& mask)
{
    Fusion out;
    // Without autograd (evaluation with its detail: the fusion and the per-step predictions)
    // the ~40 small ops of fuse() as one loop over the batch (answer_only.h; the same weights,
    // probabilities, scores and conflicts within float rounding).
    if (m_kind == FusionKind::Confidence
        && confidenceFusion(options, answers, confidences, gates, mask, out)) {
        return out;
    }
    // Sparse routing (training: every op below is recorded): the selected experts' slots
    // instead of [B, E, C] tensors that are zero-weighted outside them. Every term of fuse()
    // is a sum or softmax over the selected experts, so the slots give the same values; the
    // unselected experts' weights are 0 as before. Evidential fusion keeps [B, E, C]: its
    // Dirichlet outputs are per expert (and the subjective-logic fold runs over every expert).
    torch::Tensor index, valid;
    if (m_kind != FusionKind::Evidential && g_slotIntegration.load() && answers.is_cpu()
        && answers.dim() == 3 && selectedSlots(mask, index, valid)) {
        // Padding slots (rows selecting fewer than K) hold what an unselected expert holds in
        // the pass: a uniform answer, confidence and gate 0, whatever the inputs had there.
        const auto padding = valid.logical_not();
        const auto slotAnswers =
            answers.gather(1, index.unsqueeze(2).expand({-1, -1, answers.size(2)}))
                .masked_fill(padding.unsqueeze(2), 1.0 / double(answers.size(2)));
        out = fuse(slotAnswers, confidences.gather(1, index).masked_fill(padding, 0.0),
                   gates.gather(1, index).masked_fill(padding, 0.0), valid);
        out.weights = torch::zeros(confidences.sizes(), out.weights.options())
                          .scatter(1, index, out.weights);
        return out;
    }
    return fuse(answers, confidences, gates, mask);
}

Fusion IntegrationImpl::fuse(const torch::Tensor& answers, const torch::Tensor& confidences,
                             const torch::Tensor& gates, const torch::Tensor& mask)
{
    Fusion out;
    if (m_kind == FusionKind::Evidential) {
        out.alpha = evidence(answers, confidences, mask);
        out.uncertainty = dirichletUncertainty(out.alpha);
        if (m_combination == EvidentialCombination::SubjectiveLogic) {
            // Fold the experts' opinions with the reduced Dempster-Shafer rule; unselected
            // experts are vacuous, the rule's identity. The rule is commutative and associative.
            auto fused = opinionFromAlpha(out.alpha.select(1, 0));
            for (int64_t j = 1; j < out.alpha.size(1); ++j) {
                fused = combineOpinions(fused, opinionFromAlpha(out.alpha.select(1, j)));
            }
            const double k = double(out.alpha.size(2));
            const auto p = fused.belief + fused.uncertainty.unsqueeze(1) / k;
            out.probs = p / p.sum(1, true);
            out.weights = beliefShares(out.uncertainty, mask);
        } else {
            out.weights = deciderWeights(out.uncertainty, confidences, gates, mask);
        }
    } else {
        out.weights = weights(answers, confidences, gates, mask);
    }
    if (!out.probs.defined()) {
        out.probs = (out.weights.unsqueeze(2) * answers).sum(1);
    }
    const auto selected = mask.sum(1);
    const auto score = m_weightedScore ? weightedJensenShannon(answers, out.weights)
                                       : unweightedJensenShannon(answers, mask);
    out.score = torch::where(selected.ge(2), score, torch::zeros_like(score));
    out.conflict = detectConflict(out.score, confidences, mask, options.conflictThreshold(),
                                  options.confidentThreshold());
    return out;
}

torch::Tensor IntegrationImpl::evidentialLoss(const Fusion& fusion, const torch::Tensor& y,
                                              const torch::Tensor& mask)
{
    if (m_kind != FusionKind::Evidential || !fusion.alpha.defined()) {
        return {};
    }
    if (is_training() && torch::GradMode::is_enabled()) {
        torch::NoGradGuard noGrad;
        m_step.add_(1);
    }
    const auto selected = mask.to(torch::kBool);
    const int64_t classes = fusion.alpha.size(2);
    const auto alpha = fusion.alpha.masked_select(selected.unsqueeze(2)).view({-1, classes});
    if (alpha.size(0) == 0) {
        return fusion.alpha.sum() * 0.0;
    }
    const auto target = y.to(torch::kLong).unsqueeze(1).expand_as(selected).masked_select(selected);
    return evidentialLossPerRow(alpha, target, evidentialKlCoefficient()).mean();
}

int64_t IntegrationImpl::evidentialStep() const
{
    return m_step.defined() ? m_step.item<int64_t>() : 0;
}

double IntegrationImpl::evidentialKlCoefficient() const
{
    const int64_t anneal = options.evidentialAnnealSteps();
    const double ramp =
        anneal <= 0 ? 1.0 : std::min(1.0, double(evidentialStep()) / double(anneal));
    return options.evidentialKlWeight() * ramp;
}

double IntegrationImpl::flopsPerExpert() const
{
    // Counted per selected expert and input: a multiply-add is 2, any other elementwise op 1.
    const double c = double(options.classes());
    const double h = double(options.hidden());
    // Conflict score: H(q_j) (3c), the expert's part of the mixture and of H(mixture) (5c).
    const double score = 8.0 * c;
    const double fuseAnswers = 2.0 * c; // sum_j w_j q_j
    switch (m_kind) {
    case FusionKind::Confidence: return 4.0 + fuseAnswers + score;
    case FusionKind::Attention: // [c + 1] -> h, tanh, h -> 1; + log g; softmax (3)
        return 2.0 * (c + 1.0) * h + h + 2.0 * h + 2.0 + 3.0 + fuseAnswers + score;
    case FusionKind::Evidential: {
        // log q; the expert's own head [c + 1] -> c with bias; softplus, + 1; S; u = K / S.
        const double head = c + 2.0 * (c + 1.0) * c + c + 2.0 * c + c + 1.0;
        if (m_combination == EvidentialCombination::SubjectiveLogic) {
            // b = e / S (c); one reduced Dempster-Shafer step: sum_k b1_k b2_k (2c), C (4),
            // the numerators (4c), / (1 - C) (c + 1), u (2); b + u / K, normalised (3c); the
            // belief share 1 - u_j, normalised (3).
            return head + c + 2.0 * c + 4.0 + 4.0 * c + c + 1.0 + 2.0 + 3.0 * c + 3.0 + score;
        }
        // decider: log g; 3 -> h, tanh, h -> 1; softmax (3).
        return head + 1.0 + 2.0 * 3.0 * h + h + 2.0 * h + 3.0 + fuseAnswers + score;
    }
    }
    return 0.0;
}

void setSlotIntegration(bool on)
{
    g_slotIntegration = on;
}

bool slotIntegration()
{
    return g_slotIntegration.load();
}

bool selectedSlots(const torch::Tensor& mask, torch::Tensor& index, torch::Tensor& valid)
{
    if (mask.dim() != 2 || mask.size(0) == 0 || mask.size(1) == 0 || !mask.is_cpu()) {
        return false;
    }
    const int64_t batch = mask.size(0);
    const int64_t experts = mask.size(1);
    // One pass over the (small) mask on the host: a few ATen ops would cost more than the
    // fusion saves at small E.
    const auto selected = mask.to(torch::kBool).contiguous();
    const bool* m = selected.data_ptr<bool>();
    int64_t k = 0;
    for (int64_t b = 0; b < batch; ++b) {
        int64_t count = 0;
        for (int64_t j = 0; j < experts; ++j) {
            count += m[b * experts + j] ? 1 : 0;
        }
        k = std::max(k, count);
    }
    if (k == 0 || k >= experts) {
        return false;
    }
    index = torch::empty({batch, k}, selected.options().dtype(torch::kLong));
    valid = torch::empty({batch, k}, selected.options());
    int64_t* idx = index.data_ptr<int64_t>();
    bool* ok = valid.data_ptr<bool>();
    for (int64_t b = 0; b < batch; ++b) {
        const bool* row = m + b * experts;
        int64_t slot = 0;
        for (int64_t j = 0; j < experts && slot < k; ++j) { // the selected experts, ascending
            if (row[j]) {
                idx[b * k + slot] = j;
                ok[b * k + slot] = true;
                ++slot;
            }
        }
        for (int64_t j = 0; j < experts && slot < k; ++j) { // padding: unselected experts
            if (!row[j]) {
                idx[b * k + slot] = j;
                ok[b * k + slot] = false;
                ++slot;
            }
        }
    }
    return true;
}

torch::Tensor weightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& weights)
{
    const auto mixture = (weights.unsqueeze(2) * answers).sum(1);
    return (entropyBits(mixture) - (weights * entropyBits(answers)).sum(1)).clamp_min(0.0);
}

torch::Tensor unweightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& mask)
{
    const auto selected = mask.to(answers.scalar_type());
    const auto count = selected.sum(1, true);
    const auto score = weightedJensenShannon(answers, selected / count.clamp_min(1.0));
    return torch::where(count.squeeze(1).ge(2.0), score, torch::zeros_like(score));
}

torch::Tensor dirichletUncertainty(const torch::Tensor& alpha)
{
    return double(alpha.size(-1)) / alpha.sum(-1);
}

torch::Tensor dirichletExpectedCrossEntropy(const torch::Tensor& alpha, const torch::Tensor& y)
{
    const auto strength = alpha.sum(1);
    const auto alphaTrue = alpha.gather(1, y.to(torch::kLong).unsqueeze(1)).squeeze(1);
    return torch::digamma(strength) - torch::digamma(alphaTrue);
}

torch::Tensor dirichletKlToUniform(const torch::Tensor& alpha)
{
    const double k = double(alpha.size(-1));
    const auto strength = alpha.sum(-1);
    return torch::lgamma(strength) - std::lgamma(k) - torch::lgamma(alpha).sum(-1)
           + ((alpha - 1.0) * (torch::digamma(alpha) - torch::digamma(strength).unsqueeze(-1)))
                 .sum(-1);
}

torch::Tensor evidentialLossPerRow(const torch::Tensor& alpha, const torch::Tensor& y,
                                   double klWeight)
{
    auto loss = dirichletExpectedCrossEntropy(alpha, y);
    if (klWeight > 0.0) {
        const auto onehot =
            torch::one_hot(y.to(torch::kLong), alpha.size(1)).to(alpha.scalar_type());
        const auto misleading = onehot + (1.0 - onehot) * alpha;
        loss = loss + klWeight * dirichletKlToUniform(misleading);
    }
    return loss;
}

Opinion opinionFromAlpha(const torch::Tensor& alpha)
{
    const auto strength = alpha.sum(-1, true);
    return {(alpha - 1.0) / strength, double(alpha.size(-1)) / strength.squeeze(-1)};
}

Opinion combineOpinions(const Opinion& first, const Opinion& second)
{
    const auto& b1 = first.belief;
    const auto& b2 = second.belief;
    const auto u1 = first.uncertainty.unsqueeze(-1);
    const auto u2 = second.uncertainty.unsqueeze(-1);
    const auto agreeing = b1 * b2;
    // Conflict C = sum_{i != j} b1_i b2_j = (sum b1)(sum b2) - sum_k b1_k b2_k; 1 - C >= u1 u2.
    const auto conflict = b1.sum(-1, true) * b2.sum(-1, true) - agreeing.sum(-1, true);
    const auto scale = 1.0 / (1.0 - conflict).clamp_min(1e-12);
    return {(agreeing + b1 * u2 + b2 * u1) * scale, (u1 * u2 * scale).squeeze(-1)};
}

torch::Tensor detectConflict(const torch::Tensor& score, const torch::Tensor& confidences,
                             const torch::Tensor& mask, double conflictThreshold,
                             double confidentThreshold)
{
    const auto confident = confidences.detach().ge(confidentThreshold).logical_and(mask);
    return score.detach().gt(conflictThreshold).logical_and(confident.sum(1).ge(2));
}

torch::Tensor mostConfidentExpert(const torch::Tensor& confidences, const torch::Tensor& mask)
{
    return confidences.detach().masked_fill(mask.logical_not(), -1.0).argmax(1);
}

bool parseResolution(const std::string& name, ResolutionKind& kind)
{
    if (name == "weighted") {
        kind = ResolutionKind::Weighted;
    } else if (name == "most_confident") {
        kind = ResolutionKind::MostConfident;
    } else if (name == "re_reflect") {
        kind = ResolutionKind::ReReflect;
    } else if (name == "flag") {
        kind = ResolutionKind::Flag;
    } else {
        return false;
    }
    return true;
}

} // namespace mor::model
