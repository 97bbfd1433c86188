#include "model/grouped_experts.h"

#include "model/grouped_linear.h"

#include <algorithm>
#include <atomic>
#include <string>

namespace mor::model {

namespace {

std::atomic<bool> g_grouped{false};

bool sameShape(const ExpertConfig& a, const ExpertConfig& b)
{
    // Everything that changes what an expert computes or when it halts (haltWeight and
    // haltingStepLoss only weigh its losses, which stay per expert).
    return a.cell == b.cell && a.width == b.width && a.maxDepth == b.maxDepth
           && a.halting == b.halting && a.haltThreshold == b.haltThreshold
           && a.ponderPrior == b.ponderPrior && a.stepEmbedding == b.stepEmbedding
           && a.readTokens == b.readTokens && a.readFeatures == b.readFeatures
           && a.actEpsilon == b.actEpsilon && a.ponderHalt == b.ponderHalt
           && a.initialState == b.initialState && a.feedback == b.feedback
           && a.criticStopGradient == b.criticStopGradient;
}

/// The cell's parameter `name` (e.g. "gru.weight_ih") of every member, stacked.
torch::Tensor stackCell(const std::vector<ReflectionExpertImpl::StepParameters>& params,
                        const std::string& name)
{
    std::vector<torch::Tensor> parts;
    parts.reserve(params.size());
    for (const auto& p : params) {
        const auto* found = p.cell->named_parameters().find(name);
        TORCH_CHECK(found != nullptr, "grouped dispatch: the cell has no parameter ", name);
        parts.push_back(*found);
    }
    return torch::stack(parts, 0);
}

template <typename Get>
torch::Tensor stackOf(const std::vector<ReflectionExpertImpl::StepParameters>& params, Get get)
{
    std::vector<torch::Tensor> parts;
    parts.reserve(params.size());
    for (const auto& p : params) {
        parts.push_back(get(p));
    }
    return torch::stack(parts, 0);
}

} // namespace

void setGroupedDispatch(bool on)
{
    g_grouped = on;
}

bool groupedDispatch()
{
    return g_grouped;
}

bool groupable(const ReflectionExpertImpl& expert)
{
    const auto& o = expert.options;
    return (o.cell() == "gru" || o.cell() == "mlp") && !o.readTokens() && o.readFeatures() == 0;
}

std::vector<std::vector<int64_t>> expertGroups(const std::vector<ExpertConfig>& configs,
                                               const std::vector<ReflectionExpert>& experts)
{
    std::vector<std::vector<int64_t>> groups;
    const size_t count = std::min(configs.size(), experts.size());
    std::vector<bool> taken(count, false);
    for (size_t i = 0; i < count; ++i) {
        if (taken[i] || experts[i].is_empty() || !groupable(*experts[i])) {
            continue;
        }
        std::vector<int64_t> group{int64_t(i)};
        for (size_t j = i + 1; j < count; ++j) {
            if (!taken[j] && !experts[j].is_empty() && groupable(*experts[j])
                && sameShape(configs[i], configs[j])
                && experts[j]->options.cell() == experts[i]->options.cell()
                && experts[j]->options.width() == experts[i]->options.width()
                && experts[j]->options.hintInput() == experts[i]->options.hintInput()) {
                group.push_back(int64_t(j));
                taken[j] = true;
            }
        }
        if (group.size() > 1) {
            groups.push_back(group);
        }
    }
    return groups;
}

GroupRun reflectGroup(const std::vector<ReflectionExpertImpl*>& experts,
                      const HaltingPolicy& policy, const torch::Tensor& e,
                      const torch::Tensor& mask)
{
    const int64_t members = int64_t(experts.size());
    const auto& o = experts.front()->options;
    const int64_t classes = o.classes();
    const int64_t width = o.width();
    const int64_t hidden = e.size(1);
    const int64_t steps = std::max<int64_t>(o.maxDepth(), 1);
    const bool gru = o.cell() == "gru";
    const auto longOpts = e.options().dtype(torch::kLong);
    GroupRun out;
    out.runs.resize(size_t(members));
    // Routed (member, row) pairs, member-major with rows ascending: the per-expert order, and
    // each member's rows one block. Read on the host once per pass: the number of pairs
    // (nonzero) and the members' counts; nothing per step.
    const auto pairs = mask.t().nonzero();
    out.members = pairs.select(1, 0).contiguous();
    out.batchRows = pairs.select(1, 1).contiguous();
    const auto countsT = mask.sum(0).to(torch::kCPU, torch::kLong).contiguous();
    const std::vector<int64_t> counts(countsT.data_ptr<int64_t>(),
                                      countsT.data_ptr<int64_t>() + members);
    const auto rowsOf = out.batchRows.split_with_sizes(counts);
    out.rows.assign(rowsOf.begin(), rowsOf.end());
    const int64_t n = out.batchRows.size(0);
    out.iterations = torch::full({n}, steps, longOpts);
    if (n == 0) {
        return out;
    }
    // Only members with rows take part (one without gets no gradient, as on its own).
    std::vector<int64_t> liveCounts;
    std::vector<ReflectionExpertImpl::StepParameters> params;
    for (int64_t g = 0; g < members; ++g) {
        if (counts[size_t(g)] > 0) {
            liveCounts.push_back(counts[size_t(g)]);
            params.push_back(experts[size_t(g)]->stepParameters());
            experts[size_t(g)]->countRows(counts[size_t(g)] * steps);
        }
    }
    const int64_t live = int64_t(liveCounts.size());
    // Each member's rows times its own weights: one segment product per layer and step.
    const auto seg = [&liveCounts](const torch::Tensor& x, const torch::Tensor& w,
                                   const torch::Tensor& b) {
        return segmentLinear(x, w, b, liveCounts);
    };
    torch::Tensor memberOfRow; // int64 [n]: the row's index among the live members
    if (o.stepEmbedding() || !gru) {
        memberOfRow = torch::repeat_interleave(torch::arange(live, longOpts),
                                               torch::tensor(liveCounts, longOpts));
    }
    const auto headW = stackOf(params, [](const auto& p) { return p.headWeight; });
    const auto headB = stackOf(params, [](const auto& p) { return p.headBias; });
    const auto c1W = stackOf(params, [](const auto& p) { return p.critic1Weight; });
    const auto c1B = stackOf(params, [](const auto& p) { return p.critic1Bias; });
    const auto c2W = stackOf(params, [](const auto& p) { return p.critic2Weight; });
    const auto c2B = stackOf(params, [](const auto& p) { return p.critic2Bias; });
    const auto haltW = stackOf(params, [](const auto& p) { return p.haltWeight; });
    const auto haltB = stackOf(params, [](const auto& p) { return p.haltBias; });
    torch::Tensor stepEmb;
    if (o.stepEmbedding()) {
        stepEmb = stackOf(params, [](const auto& p) { return p.steps; }); // [L, D, H]
    }
    // The cell's first layer reads [state (mlp only) | e | draft, critique (feedback)]: its
    // columns are split so that e's part, the same at every step, is computed once.
    torch::Tensor wA, bA, wB, bB, normW, normB;
    if (gru) {
        wA = stackCell(params, "gru.weight_ih");
        bA = stackCell(params, "gru.bias_ih");
        wB = stackCell(params, "gru.weight_hh");
        bB = stackCell(params, "gru.bias_hh");
    } else {
        wA = stackCell(params, "input.weight");
        bA = stackCell(params, "input.bias");
        wB = stackCell(params, "out.weight");
        bB = stackCell(params, "out.bias");
        normW = stackCell(params, "norm.weight").index_select(0, memberOfRow);
        normB = stackCell(params, "norm.bias").index_select(0, memberOfRow);
    }
    const auto eRows = e.index_select(0, out.batchRows); // [n, H], member by member
    const int64_t eColumn = gru ? 0 : width;
    const auto wE = wA.narrow(2, eColumn, hidden);
    const auto eProjection = seg(eRows, wE, bA); // [n, out]
    const auto wFeedback =
        o.feedback() ? wA.narrow(2, eColumn + hidden, classes + 1) : torch::Tensor();
    const auto wState = gru ? torch::Tensor() : wA.narrow(2, 0, width);

    auto state = o.zeroInitialState()
                     ? torch::zeros({n, width}, e.options())
                     : torch::tanh(seg(eRows,
                                       stackOf(params, [](const auto& p) { return p.initWeight; }),
                                       stackOf(params, [](const auto& p) { return p.initBias; })));
    auto draft = torch::full({n, classes}, 1.0 / double(classes), e.options());
    auto fed = torch::zeros({n, 1}, e.options());
    auto progress = policy.start(eRows);
    auto halt = torch::zeros({n}, longOpts);
    const auto computedRows = torch::ones({n}, e.options().dtype(torch::kBool));
    const bool stopGradient = o.criticStopGradient();
    std::vector<torch::Tensor> logitsSteps, probsSteps, critSteps, zSteps, lambdaSteps,
        stateSteps;
    for (int64_t t = 1; t <= steps; ++t) {
        auto pre = eProjection;
        if (stepEmb.defined()) { // (e + s_t) W = e W + s_t W, s_t W once per member
            const auto s = torch::bmm(stepEmb.select(1, t - 1).unsqueeze(1), wE.transpose(1, 2));
            pre = pre + s.squeeze(1).index_select(0, memberOfRow);
        }
        if (o.feedback()) {
            pre = pre + seg(torch::cat({draft, stopGradient ? fed.detach() : fed}, 1), wFeedback,
                            torch::Tensor());
        }
        if (gru) {
            const auto gi = pre.chunk(3, 1);
            const auto gh = seg(state, wB, bB).chunk(3, 1);
            const auto reset = torch::sigmoid(gh[0] + gi[0]);
            const auto update = torch::sigmoid(gh[1] + gi[1]);
            const auto fresh = torch::tanh(gi[2] + gh[2] * reset);
            state = (state - fresh) * update + fresh;
        } else {
            const auto h = torch::gelu(pre + seg(state, wState, torch::Tensor()));
            const auto sum = state + seg(h, wB, bB);
            // LayerNorm(width), eps 1e-5 as torch::nn::LayerNorm, with each member's affine.
            state = torch::layer_norm(sum, {width}, {}, {}, 1e-5) * normW + normB;
        }
        const auto logits = seg(state, headW, headB);
        const auto probs = torch::softmax(logits, 1);
        const auto criticIn = stopGradient ? torch::cat({state.detach(), probs.detach()}, 1)
                                           : torch::cat({state, probs}, 1);
        const auto z = seg(torch::gelu(seg(criticIn, c1W, c1B)), c2W, c2B).squeeze(1); // [n]
        const auto critique = torch::sigmoid(z); // training: the raw critique (T = 1)
        const auto lambda = torch::sigmoid(seg(state, haltW, haltB)).squeeze(1);
        draft = probs;
        fed = critique.unsqueeze(1);
        if (t < steps) {
            const auto haltNow = policy.haltsNow(progress, critique, lambda, computedRows);
            halt.masked_fill_(haltNow.logical_and(halt.eq(0)), t);
        } else {
            halt.masked_fill_(halt.eq(0), t);
        }
        logitsSteps.push_back(logits);
        probsSteps.push_back(probs);
        critSteps.push_back(critique);
        zSteps.push_back(z);
        lambdaSteps.push_back(lambda);
        stateSteps.push_back(state);
    }
    auto& all = out.all;
    all.logits = torch::stack(logitsSteps, 0);
    all.critique = torch::stack(critSteps, 0);
    all.criticLogit = torch::stack(zSteps, 0);
    all.lambda = torch::stack(lambdaSteps, 0);
    finishExpertRun(all, torch::stack(probsSteps, 0), torch::stack(stateSteps, 0), halt,
                    policy.kind() == HaltingKind::Act);
    all.computed = torch::ones({steps, n}, computedRows.options());
    all.haltStep = halt;
    all.iterations = out.iterations;
    out.answer = all.answer;
    out.confidence = all.confidence;
    // Each member's part: one split per tensor (a single backward node), not a view per member.
    const auto split = [&counts](const torch::Tensor& t, int64_t dim) {
        return t.split_with_sizes(counts, dim);
    };
    const auto logits = split(all.logits, 1), probs = split(all.probs, 1),
               critique = split(all.critique, 1), criticLogit = split(all.criticLogit, 1),
               heldCritique = split(all.heldCritique, 1), lambda = split(all.lambda, 1),
               computed = split(all.computed, 1), haltStep = split(all.haltStep, 0),
               states = split(all.state, 0), answer = split(all.answer, 0),
               confidence = split(all.confidence, 0), iterations = split(all.iterations, 0);
    for (size_t g = 0; g < size_t(members); ++g) {
        if (counts[g] == 0) {
            continue;
        }
        auto& run = out.runs[g];
        run.logits = logits[g];
        run.probs = probs[g];
        run.critique = critique[g];
        run.criticLogit = criticLogit[g];
        run.heldCritique = heldCritique[g];
        run.lambda = lambda[g];
        run.computed = computed[g];
        run.haltStep = haltStep[g];
        run.state = states[g];
        run.answer = answer[g];
        run.confidence = confidence[g];
        run.iterations = iterations[g];
    }
    return out;
}

} // namespace mor::model
