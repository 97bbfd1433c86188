#include "model/integration.h"

#include <cmath>
#include <stdexcept>

namespace mor::model {

namespace {

// Softmax over the selected experts only.
torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& mask)
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

} // namespace

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
    const int64_t c = options.classes();
    const int64_t h = options.hidden();
    if (m_kind == FusionKind::Attention) {
        // A learned query scoring each expert from [q_j, c_j].
        m_score1 = register_module("score1", torch::nn::Linear(c + 1, h));
        m_score2 = register_module("score2", torch::nn::Linear(h, 1));
    } else if (m_kind == FusionKind::Evidential) {
        // Dirichlet evidence per expert; the decider scores [uncertainty, c_j, log g_j].
        m_evidence = register_module("evidence", torch::nn::Linear(c + 1, c));
        m_score1 = register_module("decider1", torch::nn::Linear(3, h));
        m_score2 = register_module("decider2", torch::nn::Linear(h, 1));
    }
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
        return maskedSoftmax(scores + torch::log(gates.clamp_min(1e-6)), mask);
    }
    case FusionKind::Evidential: {
        const auto features = torch::cat({answers, confidences.unsqueeze(2)}, 2);
        const auto alpha = torch::softplus(m_evidence->forward(features)) + 1.0; // [B, E, C]
        const auto uncertainty = double(options.classes()) / alpha.sum(2);       // in (0, 1]
        const auto decider = torch::stack(
            {uncertainty, confidences, torch::log(gates.clamp_min(1e-6))}, 2);
        const auto scores = m_score2->forward(torch::tanh(m_score1->forward(decider))).squeeze(2);
        return maskedSoftmax(scores, mask);
    }
    }
    return normaliseOverSelected(gates, mask);
}

Fusion IntegrationImpl::forward(const torch::Tensor& answers, const torch::Tensor& confidences,
                                const torch::Tensor& gates, const torch::Tensor& mask)
{
    Fusion out;
    out.weights = weights(answers, confidences, gates, mask);
    out.probs = (out.weights.unsqueeze(2) * answers).sum(1);
    out.score = weightedJensenShannon(answers, out.weights);
    out.conflict = detectConflict(out.score, confidences, mask, options.conflictThreshold(),
                                  options.confidentThreshold());
    return out;
}

double IntegrationImpl::flopsPerExpert() const
{
    const double c = double(options.classes());
    const double h = double(options.hidden());
    switch (m_kind) {
    case FusionKind::Confidence: return 4.0 + 2.0 * c;
    case FusionKind::Attention: return 2.0 * (c + 1.0) * h + 2.0 * h + 2.0 * c;
    case FusionKind::Evidential:
        return 2.0 * (c + 1.0) * c + 2.0 * 3.0 * h + 2.0 * h + 2.0 * c;
    }
    return 0.0;
}

torch::Tensor weightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& weights)
{
    const auto mixture = (weights.unsqueeze(2) * answers).sum(1);
    return (entropyBits(mixture) - (weights * entropyBits(answers)).sum(1)).clamp_min(0.0);
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
