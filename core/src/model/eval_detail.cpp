// Evaluation detail of MoRModel (eval_detail.h): the per-step fused predictions and the
// critique's calibration inputs, which evaluation computes beside the answer.
#include "model/eval_detail.h"

#include "model/model_pass.h"

#include <limits>

namespace mor::model {

namespace {
thread_local bool t_evalDetail = true;
} // namespace

bool& evalDetailFlag()
{
    return t_evalDetail;
}

bool evalDetail()
{
    return t_evalDetail;
}

torch::Tensor fusedStepPredictions(IntegrationImpl& integration,
                                   const std::vector<ExpertPass>& experts,
                                   const torch::Tensor& gates, const torch::Tensor& mask,
                                   int64_t maxDepth, int64_t classes)
{
    torch::NoGradGuard noGrad;
    const int64_t batch = mask.size(0);
    const int64_t count = int64_t(experts.size());
    // All steps fused in one call: [T * B] rows, expert j's answer at step min(t, T_j).
    auto q = torch::full({maxDepth, batch * count, classes}, 1.0 / double(classes),
                         gates.options());
    auto c = torch::zeros({maxDepth, batch * count}, gates.options());
    for (int64_t j = 0; j < count; ++j) {
        const auto& ep = experts[size_t(j)];
        if (!ep.ran) {
            continue;
        }
        const auto held = [maxDepth](const torch::Tensor& t) { // [T_j, n, ...] -> [T, n, ...]
            const int64_t have = t.size(0);
            if (have >= maxDepth) {
                return t.narrow(0, 0, maxDepth);
            }
            auto sizes = t.sizes().vec();
            sizes[0] = maxDepth - have;
            return torch::cat({t, t.select(0, have - 1).unsqueeze(0).expand(sizes)}, 0);
        };
        const auto index = ep.rows * count + j;
        q.index_copy_(1, index, held(ep.run.probs).to(q.scalar_type()));
        c.index_copy_(1, index, held(ep.run.heldCritique).to(c.scalar_type()));
    }
    const auto fused = integration.forward(
        q.view({maxDepth * batch, count, classes}), c.view({maxDepth * batch, count}),
        gates.repeat({maxDepth, 1}), mask.repeat({maxDepth, 1}));
    return fused.probs.argmax(1).view({maxDepth, batch});
}

void MoRModelImpl::fillCalibrationInputs(const torch::Tensor& yIn, Pass& pass)
{
    // [Tmax, B, E] critic logits and step correctness of every (step, input, expert) that ran.
    auto& parts = *m_parts;
    auto& out = pass.out;
    if (!yIn.defined() || out.logits.size(0) == 0) {
        return;
    }
    const int64_t batch = out.logits.size(0);
    const int64_t experts = int64_t(parts.experts.size());
    int64_t maxDepth = 1;
    for (const auto& expert : parts.experts) {
        maxDepth = std::max(maxDepth, expert.is_empty() ? 1 : expert->options.maxDepth());
    }
    const auto y = yIn.to(out.logits.device(), torch::kLong);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto logits = torch::full({maxDepth, batch, experts}, nan, out.logits.options());
    auto correct = torch::full({maxDepth, batch, experts}, nan, out.logits.options());
    for (int64_t j = 0; j < experts; ++j) {
        const auto& ep = pass.experts[size_t(j)];
        if (!ep.ran || !ep.run.criticLogit.defined()) {
            continue;
        }
        const int64_t steps = ep.run.logits.size(0);
        const auto ran = ep.run.computed;
        const auto yj = y.index_select(0, ep.rows).unsqueeze(0);
        const auto right = ep.run.logits.argmax(2).eq(yj).to(logits.scalar_type());
        const auto z = ep.run.criticLogit.detach().to(logits.scalar_type());
        const auto nanT = torch::full_like(z, nan);
        auto colL = logits.select(2, j).narrow(0, 0, steps);
        auto colC = correct.select(2, j).narrow(0, 0, steps);
        colL.index_copy_(1, ep.rows, torch::where(ran, z, nanT));
        colC.index_copy_(1, ep.rows, torch::where(ran, right, nanT));
    }
    out.criticLogits = logits;
    out.stepCorrect = correct;
}

} // namespace mor::model
