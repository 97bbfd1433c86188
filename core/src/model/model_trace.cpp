// SPDX-License-Identifier: GPL-3.0-or-later
// MoRModelImpl::trace: one SampleTrace per input, read from the same pass as forward().
#include "model/model_trace.h"

#include "model/model_pass.h"

#include <cmath>

namespace mor::model {

bool& traceReferenceFlag()
{
    thread_local bool reference = false;
    return reference;
}

namespace {

// What trace() reads from a pass (MoRModelImpl::Pass and its ForwardOutput), on the CPU.
struct PassTensors {
    torch::Tensor routerProbs, mask, gates, weights, probs, answers, confidences, conflict, score;
    torch::Tensor scoreAfter, uncertainty, winner, steps, flops, labels, domains, groups;
    const std::vector<ExpertPass>* experts = nullptr;
    const std::vector<int64_t>* nestedWidth = nullptr;
    std::string resolution; ///< the policy's name, for rows in conflict
};

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

/// The reference (TraceReferenceGuard): every value read by indexing the tensors, as
/// session 13's trace() did.
std::vector<SampleTrace> referenceTraces(const PassTensors& p,
                                         const std::vector<int64_t>& sampleIds)
{
    const int64_t batch = p.routerProbs.size(0);
    const int64_t experts = p.routerProbs.size(1);
    std::vector<ExpertCpu> expertCpu;
    for (const auto& ep : *p.experts) {
        expertCpu.push_back(toCpu(ep, batch));
    }

    std::vector<SampleTrace> traces(static_cast<size_t>(batch));
    for (int64_t b = 0; b < batch; ++b) {
        auto& st = traces[size_t(b)];
        st.sampleId = b < int64_t(sampleIds.size()) ? sampleIds[size_t(b)] : b;
        st.label = p.labels.defined() ? p.labels[b].item<int64_t>() : -1;
        st.domain = p.domains.defined() ? p.domains[b].item<int64_t>() : 0;
        st.routerProbs = floatRow(p.routerProbs[b]);
        st.gates = floatRow(p.gates[b]);
        for (int64_t j = 0; j < experts; ++j) {
            const bool selected = p.mask[b][j].item<bool>();
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
            et.confidence = p.confidences[b][j].item<float>();
            et.fusionWeight = p.weights[b][j].item<float>();
            if (p.uncertainty.defined()) {
                et.uncertainty = p.uncertainty[b][j].item<float>();
            }
            et.pred = p.answers[b][j].argmax().item<int64_t>();
            if (size_t(j) < p.nestedWidth->size()) {
                et.width = int((*p.nestedWidth)[size_t(j)]);
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
        st.fusedProbs = floatRow(p.probs[b]);
        st.finalPred = argmaxOf(st.fusedProbs);
        st.correct = st.label >= 0 && st.finalPred == st.label;
        st.conflictScore = p.score[b].item<float>();
        st.conflictScoreAfter = p.scoreAfter[b].item<float>();
        st.conflict = p.conflict[b].item<bool>();
        st.resolution = st.conflict ? p.resolution : std::string();
        st.winner = st.experts.empty() ? -1 : int(p.winner[b].item<int64_t>());
        auto sorted = st.fusedProbs;
        std::sort(sorted.begin(), sorted.end(), std::greater<float>());
        st.margin = sorted.size() >= 2 ? sorted[0] - sorted[1] : (sorted.empty() ? 0.f : sorted[0]);
        st.expertSteps = int(p.steps[b].sum().item<int64_t>());
        st.flops = p.flops[b].item<double>();
        st.group = p.groups.defined() ? int(p.groups[b].item<int64_t>()) : -1;
    }
    return traces;
}

// A tensor's values as a contiguous host array of one type (converted as the reference's
// per-element item<T>() reads convert them); the tensor stays alive beside the pointer.
template <typename T>
struct HostArray {
    torch::Tensor owner;
    const T* data = nullptr;
    HostArray() = default;
    HostArray(const torch::Tensor& t, torch::ScalarType type)
        : owner(t.cpu().to(type).contiguous()), data(owner.data_ptr<T>())
    {
    }
};

/// Index of the first maximum, NaN counting as the maximum (first NaN): ATen's argmax on CPU.
int64_t atenArgmax(const float* v, int64_t n)
{
    int64_t best = 0;
    for (int64_t i = 1; i < n && !std::isnan(v[best]); ++i) {
        if (std::isnan(v[i]) || v[i] > v[best]) {
            best = i;
        }
    }
    return best;
}

/// The shapes the host-array reader indexes ([T, n, C] probabilities, [T, n] critiques and
/// lambdas, [n] halting steps and rows, [B, E] / [B, E, C] pass tensors); else the reference.
bool hostReadable(const PassTensors& p)
{
    const int64_t batch = p.routerProbs.size(0);
    const int64_t experts = p.routerProbs.size(1);
    const auto be = [&](const torch::Tensor& t) {
        return t.dim() == 2 && t.size(0) == batch && t.size(1) == experts;
    };
    if (!be(p.mask) || !be(p.gates) || !be(p.weights) || !be(p.confidences) || !be(p.steps)
        || (p.uncertainty.defined() && !be(p.uncertainty)) || p.answers.dim() != 3
        || p.answers.size(0) != batch || p.answers.size(1) != experts || p.answers.size(2) < 1
        || p.probs.dim() != 2 || p.probs.size(0) != batch
        || int64_t(p.experts->size()) != experts) {
        return false;
    }
    for (const torch::Tensor* t : {&p.score, &p.scoreAfter, &p.conflict, &p.winner, &p.flops}) {
        if (t->dim() != 1 || t->size(0) != batch) {
            return false;
        }
    }
    // Labels, domains and groups are read one per batch row (the reference indexes them and
    // throws on a short tensor).
    for (const torch::Tensor* t : {&p.labels, &p.domains, &p.groups}) {
        if (t->defined() && t->numel() != batch) {
            return false;
        }
    }
    const auto steps = [](const torch::Tensor& probs, const torch::Tensor& critique,
                          const torch::Tensor& lambda, const torch::Tensor& rows) {
        return probs.dim() == 3 && critique.dim() == 2 && lambda.dim() == 2 && rows.dim() == 1
               && critique.sizes() == probs.sizes().slice(0, 2)
               && lambda.sizes() == critique.sizes() && probs.size(1) == rows.size(0);
    };
    for (const auto& ep : *p.experts) {
        if (ep.ran
            && (!steps(ep.run.probs, ep.run.heldCritique, ep.run.lambda, ep.rows)
                || ep.run.haltStep.dim() != 1 || ep.run.haltStep.size(0) != ep.rows.size(0))) {
            return false;
        }
        if (ep.ran && ep.extraRows.defined() && ep.extra.probs.defined()
            && (!steps(ep.extra.probs, ep.extra.critique, ep.extra.lambda, ep.extraRows)
                || ep.extra.probs.size(2) != ep.run.probs.size(2))) {
            return false;
        }
    }
    return true;
}

/// One expert's per-step values as host arrays, and where each batch row sits in them.
struct ExpertHost {
    bool ran = false;
    std::vector<int64_t> position, extraPosition; // batch row -> row of the run / of the extra
    int64_t rows = 0, extraRows = 0, classes = 0, steps = 0, extraSteps = 0;
    HostArray<float> probs, critique, lambda, extraProbs, extraCritique, extraLambda;
    HostArray<int64_t> haltStep;
};

ExpertHost expertHost(const ExpertPass& ep, int64_t batch)
{
    ExpertHost h;
    h.ran = ep.ran;
    h.position.assign(size_t(batch), -1);
    h.extraPosition.assign(size_t(batch), -1);
    if (!ep.ran) {
        return h;
    }
    const HostArray<int64_t> rows(ep.rows, torch::kLong);
    h.rows = ep.rows.numel();
    for (int64_t i = 0; i < h.rows; ++i) {
        h.position[size_t(rows.data[i])] = i;
    }
    h.steps = ep.run.probs.size(0);
    h.classes = ep.run.probs.size(2);
    h.probs = HostArray<float>(ep.run.probs, torch::kFloat);
    h.critique = HostArray<float>(ep.run.heldCritique, torch::kFloat);
    h.lambda = HostArray<float>(ep.run.lambda, torch::kFloat);
    h.haltStep = HostArray<int64_t>(ep.run.haltStep, torch::kLong);
    if (ep.extraRows.defined() && ep.extra.probs.defined()) {
        const HostArray<int64_t> extraRows(ep.extraRows, torch::kLong);
        h.extraRows = ep.extraRows.numel();
        for (int64_t i = 0; i < h.extraRows; ++i) {
            h.extraPosition[size_t(extraRows.data[i])] = i;
        }
        h.extraSteps = ep.extra.probs.size(0);
        h.extraProbs = HostArray<float>(ep.extra.probs, torch::kFloat);
        h.extraCritique = HostArray<float>(ep.extra.critique, torch::kFloat);
        h.extraLambda = HostArray<float>(ep.extra.lambda, torch::kFloat);
    }
    return h;
}

StepTrace hostStep(int iteration, const float* probs, int64_t classes, float critique,
                   float lambda, int64_t label)
{
    StepTrace step;
    step.iteration = iteration;
    step.probs.assign(probs, probs + classes);
    step.critique = critique;
    step.haltProb = lambda;
    step.pred = argmaxOf(step.probs);
    step.correct = label >= 0 && step.pred == label;
    return step;
}

/// The traces from host arrays: each tensor converted and copied once, no per-element ops.
std::vector<SampleTrace> hostTraces(const PassTensors& p, const std::vector<int64_t>& sampleIds)
{
    const int64_t batch = p.routerProbs.size(0);
    const int64_t experts = p.routerProbs.size(1);
    const int64_t answerClasses = p.answers.size(2);
    const int64_t classes = p.probs.size(1);
    const HostArray<float> routerProbs(p.routerProbs, torch::kFloat), gates(p.gates, torch::kFloat),
        weights(p.weights, torch::kFloat), confidences(p.confidences, torch::kFloat),
        answers(p.answers, torch::kFloat), probs(p.probs, torch::kFloat),
        score(p.score, torch::kFloat), scoreAfter(p.scoreAfter, torch::kFloat);
    const HostArray<bool> mask(p.mask, torch::kBool), conflict(p.conflict, torch::kBool);
    const HostArray<int64_t> winner(p.winner, torch::kLong);
    const HostArray<int64_t> expertSteps(p.steps.sum(1), torch::kLong);
    const HostArray<double> flops(p.flops, torch::kDouble);
    HostArray<float> uncertainty;
    HostArray<int64_t> labels, domains, groups;
    if (p.uncertainty.defined()) {
        uncertainty = HostArray<float>(p.uncertainty, torch::kFloat);
    }
    if (p.labels.defined()) {
        labels = HostArray<int64_t>(p.labels, torch::kLong);
    }
    if (p.domains.defined()) {
        domains = HostArray<int64_t>(p.domains, torch::kLong);
    }
    if (p.groups.defined()) {
        groups = HostArray<int64_t>(p.groups, torch::kLong);
    }
    std::vector<ExpertHost> expertHosts;
    for (const auto& ep : *p.experts) {
        expertHosts.push_back(expertHost(ep, batch));
    }
    for (int64_t b = 0; b < batch; ++b) {
        for (int64_t j = 0; j < experts; ++j) {
            const auto& h = expertHosts[size_t(j)];
            if (mask.data[b * experts + j] && h.ran
                && (h.position[size_t(b)] < 0
                    || h.haltStep.data[h.position[size_t(b)]] > h.steps)) {
                return referenceTraces(p, sampleIds); // as it reads (or refuses) such a row
            }
        }
    }

    std::vector<SampleTrace> traces(static_cast<size_t>(batch));
    for (int64_t b = 0; b < batch; ++b) {
        auto& st = traces[size_t(b)];
        const int64_t be = b * experts;
        st.sampleId = b < int64_t(sampleIds.size()) ? sampleIds[size_t(b)] : b;
        st.label = labels.data != nullptr ? labels.data[b] : -1;
        st.domain = domains.data != nullptr ? domains.data[b] : 0;
        st.routerProbs.assign(routerProbs.data + be, routerProbs.data + be + experts);
        st.gates.assign(gates.data + be, gates.data + be + experts);
        for (int64_t j = 0; j < experts; ++j) {
            const bool selected = mask.data[be + j];
            st.mask.push_back(selected ? 1 : 0);
            const auto& h = expertHosts[size_t(j)];
            if (!selected || !h.ran) {
                continue;
            }
            const int64_t pos = h.position[size_t(b)];
            ExpertTrace et;
            et.expert = int(j);
            et.routerProb = st.routerProbs[size_t(j)];
            et.gate = st.gates[size_t(j)];
            et.haltStep = int(h.haltStep.data[pos]);
            et.confidence = confidences.data[be + j];
            et.fusionWeight = weights.data[be + j];
            if (uncertainty.data != nullptr) {
                et.uncertainty = uncertainty.data[be + j];
            }
            et.pred = atenArgmax(answers.data + (be + j) * answerClasses, answerClasses);
            if (size_t(j) < p.nestedWidth->size()) {
                et.width = int((*p.nestedWidth)[size_t(j)]);
            }
            for (int t = 0; t < et.haltStep; ++t) {
                const int64_t at = int64_t(t) * h.rows + pos;
                et.steps.push_back(hostStep(t + 1, h.probs.data + at * h.classes, h.classes,
                                            h.critique.data[at], h.lambda.data[at], st.label));
            }
            const int64_t extra = h.extraPosition[size_t(b)];
            if (extra >= 0) {
                et.extraSteps = int(h.extraSteps);
                for (int i = 0; i < et.extraSteps; ++i) {
                    const int64_t at = int64_t(i) * h.extraRows + extra;
                    et.steps.push_back(hostStep(et.haltStep + i + 1,
                                                h.extraProbs.data + at * h.classes, h.classes,
                                                h.extraCritique.data[at], h.extraLambda.data[at],
                                                st.label));
                }
            }
            st.experts.push_back(std::move(et));
        }
        st.fusedProbs.assign(probs.data + b * classes, probs.data + (b + 1) * classes);
        st.finalPred = argmaxOf(st.fusedProbs);
        st.correct = st.label >= 0 && st.finalPred == st.label;
        st.conflictScore = score.data[b];
        st.conflictScoreAfter = scoreAfter.data[b];
        st.conflict = conflict.data[b];
        st.resolution = st.conflict ? p.resolution : std::string();
        st.winner = st.experts.empty() ? -1 : int(winner.data[b]);
        auto sorted = st.fusedProbs;
        std::sort(sorted.begin(), sorted.end(), std::greater<float>());
        st.margin = sorted.size() >= 2 ? sorted[0] - sorted[1] : (sorted.empty() ? 0.f : sorted[0]);
        st.expertSteps = int(expertSteps.data[b]);
        st.flops = flops.data[b];
        st.group = groups.data != nullptr ? int(groups.data[b]) : -1;
    }
    return traces;
}

} // namespace

std::vector<SampleTrace> MoRModelImpl::trace(const torch::Tensor& x, const torch::Tensor& y,
                                             const torch::Tensor& domain,
                                             const std::vector<int64_t>& sampleIds,
                                             const Intervention& intervention)
{
    Pass pass;
    const bool reference = traceReferenceFlag();
    // The labels only feed the critic's calibration inputs (fillCalibrationInputs), which no
    // trace reads: the host reader's pass goes without them.
    runEval(x, reference ? y : torch::Tensor(), domain, pass, intervention);
    const auto& out = pass.out;
    const int64_t batch = out.routerProbs.size(0);
    PassTensors p;
    p.routerProbs = out.routerProbs.cpu().to(torch::kFloat);
    p.mask = out.mask.cpu();
    p.gates = out.gates.cpu().to(torch::kFloat);
    p.weights = pass.weights.cpu().to(torch::kFloat);
    p.probs = pass.probs.cpu().to(torch::kFloat);
    p.answers = pass.answers.cpu().to(torch::kFloat);
    p.confidences = pass.confidences.cpu().to(torch::kFloat);
    p.conflict = out.conflict.cpu();
    p.score = out.conflictScore.cpu().to(torch::kFloat);
    p.scoreAfter = out.conflictScoreAfter.defined()
                       ? out.conflictScoreAfter.cpu().to(torch::kFloat)
                       : torch::full({batch}, -1.0f);
    if (pass.fusion.uncertainty.defined()) {
        p.uncertainty = pass.fusion.uncertainty.detach().cpu().to(torch::kFloat);
    }
    p.winner = pass.winner.cpu();
    p.steps = out.steps.cpu();
    p.flops = out.flops.cpu().to(torch::kDouble);
    if (y.defined()) {
        p.labels = y.cpu().to(torch::kLong);
    }
    if (domain.defined()) {
        p.domains = domain.cpu().to(torch::kLong);
    }
    if (pass.group.defined()) {
        p.groups = pass.group.cpu();
    }
    p.experts = &pass.experts;
    p.nestedWidth = &m_parts->nestedWidth;
    p.resolution = choiceName(m_config.integration.resolution, conflictResolutionNames());
    if (reference || !hostReadable(p)) {
        return referenceTraces(p, sampleIds);
    }
    return hostTraces(p, sampleIds);
}

} // namespace mor::model
