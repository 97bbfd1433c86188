// MoRModelImpl::trace: one SampleTrace per input, read from the same pass as forward().
#include "model/model_pass.h"

namespace mor::model {

namespace {

std::vector<float> floatRow(const torch::Tensor& t)
{
    const auto c = t.to(torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

int64_t argmaxOf(const std::vector<float>& v)
{
    return int64_t(std::max_element(v.begin(), v.end()) - v.begin());
}

StepTrace makeStep(int iteration, const torch::Tensor& probs, float critique, float lambda,
                   int64_t label)
{
    StepTrace step;
    step.iteration = iteration;
    step.probs = floatRow(probs);
    step.critique = critique;
    step.haltProb = lambda;
    step.pred = argmaxOf(step.probs);
    step.correct = label >= 0 && step.pred == label;
    return step;
}

// The per-expert tensors of a pass, on the CPU.
struct ExpertCpu {
    bool ran = false;
    std::vector<int64_t> position;      // batch row -> position in the expert's rows, or -1
    std::vector<int64_t> extraPosition; // batch row -> index among re-reflected rows, or -1
    torch::Tensor probs, critique, lambda, haltStep;
    torch::Tensor extraProbs, extraCritique, extraLambda;
};

ExpertCpu toCpu(const ExpertPass& ep, int64_t batch)
{
    ExpertCpu cpu;
    cpu.ran = ep.ran;
    cpu.position.assign(size_t(batch), -1);
    cpu.extraPosition.assign(size_t(batch), -1);
    if (!ep.ran) {
        return cpu;
    }
    const auto rows = ep.rows.cpu();
    for (int64_t i = 0; i < rows.numel(); ++i) {
        cpu.position[size_t(rows[i].item<int64_t>())] = i;
    }
    cpu.probs = ep.run.probs.cpu().to(torch::kFloat);
    cpu.critique = ep.run.heldCritique.cpu().to(torch::kFloat);
    cpu.lambda = ep.run.lambda.cpu().to(torch::kFloat);
    cpu.haltStep = ep.run.haltStep.cpu();
    if (ep.extraRows.defined() && ep.extra.probs.defined()) {
        const auto extraRows = ep.extraRows.cpu();
        for (int64_t i = 0; i < extraRows.numel(); ++i) {
            cpu.extraPosition[size_t(extraRows[i].item<int64_t>())] = i;
        }
        cpu.extraProbs = ep.extra.probs.cpu().to(torch::kFloat);
        cpu.extraCritique = ep.extra.critique.cpu().to(torch::kFloat);
        cpu.extraLambda = ep.extra.lambda.cpu().to(torch::kFloat);
    }
    return cpu;
}

} // namespace

std::vector<SampleTrace> MoRModelImpl::trace(const torch::Tensor& x, const torch::Tensor& y,
                                             const torch::Tensor& domain,
                                             const std::vector<int64_t>& sampleIds,
                                             const Intervention& intervention)
{
    Pass pass;
    runEval(x, y, domain, pass, intervention);
    const auto& out = pass.out;
    const int64_t batch = out.routerProbs.size(0);
    const int64_t experts = out.routerProbs.size(1);
    const auto routerProbs = out.routerProbs.cpu().to(torch::kFloat);
    const auto mask = out.mask.cpu();
    const auto gates = out.gates.cpu().to(torch::kFloat);
    const auto weights = pass.weights.cpu().to(torch::kFloat);
    const auto probs = pass.probs.cpu().to(torch::kFloat);
    const auto answers = pass.answers.cpu().to(torch::kFloat);
    const auto confidences = pass.confidences.cpu().to(torch::kFloat);
    const auto conflict = out.conflict.cpu();
    const auto score = out.conflictScore.cpu().to(torch::kFloat);
    const auto scoreAfter = out.conflictScoreAfter.defined()
                                ? out.conflictScoreAfter.cpu().to(torch::kFloat)
                                : torch::full({batch}, -1.0f);
    const auto uncertainty = pass.fusion.uncertainty.defined()
                                 ? pass.fusion.uncertainty.detach().cpu().to(torch::kFloat)
                                 : torch::Tensor();
    const auto winner = pass.winner.cpu();
    const auto steps = out.steps.cpu();
    const auto flops = out.flops.cpu().to(torch::kDouble);
    const auto labels = y.defined() ? y.cpu().to(torch::kLong) : torch::Tensor();
    const auto domains = domain.defined() ? domain.cpu().to(torch::kLong) : torch::Tensor();
    const auto groups = pass.group.defined() ? pass.group.cpu() : torch::Tensor();
    std::vector<ExpertCpu> expertCpu;
    for (const auto& ep : pass.experts) {
        expertCpu.push_back(toCpu(ep, batch));
    }

    std::vector<SampleTrace> traces(static_cast<size_t>(batch));
    for (int64_t b = 0; b < batch; ++b) {
        auto& st = traces[size_t(b)];
        st.sampleId = b < int64_t(sampleIds.size()) ? sampleIds[size_t(b)] : b;
        st.label = labels.defined() ? labels[b].item<int64_t>() : -1;
        st.domain = domains.defined() ? domains[b].item<int64_t>() : 0;
        st.routerProbs = floatRow(routerProbs[b]);
        st.gates = floatRow(gates[b]);
        for (int64_t j = 0; j < experts; ++j) {
            const bool selected = mask[b][j].item<bool>();
            st.mask.push_back(selected ? 1 : 0);
            const auto& cpu = expertCpu[size_t(j)];
            if (!selected || !cpu.ran) {
                continue;
            }
            const int64_t pos = cpu.position[size_t(b)];
            ExpertTrace et;
            et.expert = int(j);
            et.routerProb = st.routerProbs[size_t(j)];
            et.gate = st.gates[size_t(j)];
            et.haltStep = int(cpu.haltStep[pos].item<int64_t>());
            et.confidence = confidences[b][j].item<float>();
            et.fusionWeight = weights[b][j].item<float>();
            if (uncertainty.defined()) {
                et.uncertainty = uncertainty[b][j].item<float>();
            }
            et.pred = answers[b][j].argmax().item<int64_t>();
            if (size_t(j) < m_parts->nestedWidth.size()) {
                et.width = int(m_parts->nestedWidth[size_t(j)]);
            }
            for (int t = 0; t < et.haltStep; ++t) {
                et.steps.push_back(makeStep(t + 1, cpu.probs[t][pos],
                                            cpu.critique[t][pos].item<float>(),
                                            cpu.lambda[t][pos].item<float>(), st.label));
            }
            const int64_t extra = cpu.extraPosition[size_t(b)];
            if (extra >= 0) {
                et.extraSteps = int(cpu.extraProbs.size(0));
                for (int i = 0; i < et.extraSteps; ++i) {
                    et.steps.push_back(makeStep(et.haltStep + i + 1, cpu.extraProbs[i][extra],
                                                cpu.extraCritique[i][extra].item<float>(),
                                                cpu.extraLambda[i][extra].item<float>(),
                                                st.label));
                }
            }
            st.experts.push_back(std::move(et));
        }
        st.fusedProbs = floatRow(probs[b]);
        st.finalPred = argmaxOf(st.fusedProbs);
        st.correct = st.label >= 0 && st.finalPred == st.label;
        st.conflictScore = score[b].item<float>();
        st.conflictScoreAfter = scoreAfter[b].item<float>();
        st.conflict = conflict[b].item<bool>();
        st.resolution = st.conflict
                            ? choiceName(m_config.integration.resolution, conflictResolutionNames())
                            : std::string();
        st.winner = st.experts.empty() ? -1 : int(winner[b].item<int64_t>());
        auto sorted = st.fusedProbs;
        std::sort(sorted.begin(), sorted.end(), std::greater<float>());
        st.margin = sorted.size() >= 2 ? sorted[0] - sorted[1] : (sorted.empty() ? 0.f : sorted[0]);
        st.expertSteps = int(steps[b].sum().item<int64_t>());
        st.flops = flops[b].item<double>();
        st.group = groups.defined() ? int(groups[b].item<int64_t>()) : -1;
    }
    return traces;
}

} // namespace mor::model
