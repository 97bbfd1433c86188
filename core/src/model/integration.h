#pragma once
// Integration layer: fuses the selected experts' answers, detects conflicts between them.
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace mor::model {

enum class FusionKind { Confidence, Attention, Evidential };
enum class ResolutionKind { Weighted, MostConfident, ReReflect, Flag };

struct IntegrationOptions {
    IntegrationOptions(int64_t experts, int64_t classes) : experts_(experts), classes_(classes) {}
    TORCH_ARG(int64_t, experts);
    TORCH_ARG(int64_t, classes);
    TORCH_ARG(std::string, fusion) = "confidence"; ///< confidence | attention | evidential
    TORCH_ARG(double, gamma) = 1.0;
    TORCH_ARG(double, conflictThreshold) = 0.3;
    TORCH_ARG(double, confidentThreshold) = 0.6;
    TORCH_ARG(int64_t, hidden) = 16; ///< attention / evidential scorer width
};

struct Fusion {
    torch::Tensor weights;  ///< w [B, E], 0 on unselected experts, rows sum to 1
    torch::Tensor probs;    ///< sum_j w_j q_j [B, C]
    torch::Tensor score;    ///< D [B]: weighted Jensen-Shannon divergence in bits
    torch::Tensor conflict; ///< bool [B]
};

class IntegrationImpl : public torch::nn::Module {
public:
    /// Throws std::invalid_argument for an unknown fusion name.
    explicit IntegrationImpl(const IntegrationOptions& options);
    void reset();

    /// answers q [B, E, C] (rows of unselected experts are ignored), confidences c [B, E],
    /// gates g [B, E], mask bool [B, E].
    Fusion forward(const torch::Tensor& answers, const torch::Tensor& confidences,
                   const torch::Tensor& gates, const torch::Tensor& mask);
    /// The fusion weights alone.
    torch::Tensor weights(const torch::Tensor& answers, const torch::Tensor& confidences,
                          const torch::Tensor& gates, const torch::Tensor& mask);
    /// FLOPs per selected expert and input.
    double flopsPerExpert() const;

    IntegrationOptions options;

private:
    FusionKind m_kind = FusionKind::Confidence;
    torch::nn::Linear m_score1{nullptr};
    torch::nn::Linear m_score2{nullptr};
    torch::nn::Linear m_evidence{nullptr};
};
TORCH_MODULE(Integration);

/// Weighted Jensen-Shannon divergence H(sum_j w_j q_j) - sum_j w_j H(q_j), in bits: 0 when the
/// experts agree, at most log2(E).
torch::Tensor weightedJensenShannon(const torch::Tensor& answers, const torch::Tensor& weights);
/// Conflict: score > conflictThreshold while >= 2 selected experts have c >= confidentThreshold.
torch::Tensor detectConflict(const torch::Tensor& score, const torch::Tensor& confidences,
                             const torch::Tensor& mask, double conflictThreshold,
                             double confidentThreshold);
/// Index [B] of the most confident selected expert.
torch::Tensor mostConfidentExpert(const torch::Tensor& confidences, const torch::Tensor& mask);
/// "weighted" | "most_confident" | "re_reflect" | "flag"; false when unknown.
bool parseResolution(const std::string& name, ResolutionKind& kind);

} // namespace mor::model
