#include "model/grouped_experts.h"

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

/// x [G, P, I], w [G, O, I], b [G, O] -> [G, P, O]: every member's Linear in one product.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    return torch::baddbmm(b.unsqueeze(1), x, w.transpose(1, 2));
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

/// [.., G*P, ..] at `dim` -> member g's first n rows (a view when possible).
torch::Tensor memberRows(const torch::Tensor& t, int64_t dim, int64_t groups, int64_t padded,
                         int64_t g, int64_t n)
{
    auto sizes = t.sizes().vec();
    sizes[size_t(dim)] = padded;
    sizes.insert(sizes.begin() + dim, groups);
    return t.reshape(sizes).select(dim, g).narrow(dim, 0, n);
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

namespace {

struct PairParts {
    std::vector<torch::Tensor> rows, members, answer, confidence;
};

/// Rows-equivalent cost of one more bucket (its own products and element-wise ops per step):
/// a bucket is split off when that saves more padded rows than this.
constexpr int64_t kBucketCostRows = 48;

/// Partition of the members with rows (sorted by count, descending) into contiguous buckets,
/// each padded to its largest count, minimising padded rows + kBucketCostRows per bucket.
std::vector<std::vector<int64_t>> buckets(const int64_t* counts, int64_t members)
{
    std::vector<int64_t> order;
    for (int64_t g = 0; g < members; ++g) {
        if (counts[g] > 0) {
            order.push_back(g);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [counts](int64_t a, int64_t b) { return counts[a] > counts[b]; });
    const size_t n = order.size();
    std::vector<int64_t> best(n + 1, 0), cut(n + 1, 0);
    for (size_t j = 1; j <= n; ++j) { // best[j]: cost of the first j; the last bucket is i..j-1
        best[j] = -1;
        for (size_t i = 0; i < j; ++i) {
            const int64_t cost = best[i] + int64_t(j - i) * counts[order[i]] + kBucketCostRows;
            if (best[j] < 0 || cost < best[j]) {
                best[j] = cost;
                cut[j] = int64_t(i);
            }
        }
    }
    std::vector<std::vector<int64_t>> out;
    for (size_t j = n; j > 0; j = size_t(cut[j])) {
        std::vector<int64_t> bucket(order.begin() + cut[j], order.begin() + long(j));
        std::sort(bucket.begin(), bucket.end());
        out.insert(out.begin(), bucket);
    }
    return out;
}

/// One bucket of a group: the members `live` (ascending, each with rows) padded to the
/// largest count among them.
void reflectBucket(const std::vector<ReflectionExpertImpl*>& experts, const HaltingPolicy& policy,
                   const torch::Tensor& e, const torch::Tensor& mask, const int64_t* counts,
                   const std::vector<int64_t>& live, GroupRun& out, PairParts& parts)
{
    const int64_t members = int64_t(experts.size());
    const auto& o = experts.front()->options;
    const int64_t classes = o.classes();
    const int64_t width = o.width();
    const int64_t hidden = e.size(1);
    const int64_t steps = std::max<int64_t>(o.maxDepth(), 1);
    const bool gru = o.cell() == "gru";
    const auto longOpts = e.options().dtype(torch::kLong);
    std::vector<int64_t> offsets;
    int64_t padded = 0, total = 0;
    for (const int64_t g : live) {
        offsets.push_back(total);
        total += counts[g];
        padded = std::max(padded, counts[g]);
    }
    const int64_t groups = int64_t(live.size());
    const auto liveIndex = torch::tensor(live, longOpts);
    // Routed (member, row) pairs, member-major with rows ascending: the per-expert order.
    const auto pairs = (groups == members ? mask : mask.index_select(1, liveIndex)).t().nonzero();
    const auto liveMember = pairs.select(1, 0);
    const auto pairMembers = groups == members ? liveMember : liveIndex.index_select(0, liveMember);
    const auto batchRows = pairs.select(1, 1);
    for (int64_t l = 0; l < groups; ++l) {
        out.rows[size_t(live[size_t(l)])] =
            batchRows.narrow(0, offsets[size_t(l)], counts[live[size_t(l)]]);
    }
    // Slot of each pair in the padded [L * P] layout; padding slots read batch row 0 (finite
    // values whose results are never read, so they get no gradient).
    const auto k = torch::arange(total, longOpts)
                   - torch::tensor(offsets, longOpts).index_select(0, liveMember);
    const auto slot = liveMember * padded + k;
    const auto source =
        torch::zeros({groups * padded}, longOpts).index_copy(0, slot, batchRows);
    const auto eFlat = e.index_select(0, source);              // [L*P, H]
    const auto ePad = eFlat.view({groups, padded, hidden});    // [L, P, H]

    std::vector<ReflectionExpertImpl::StepParameters> params;
    for (const int64_t g : live) {
        params.push_back(experts[size_t(g)]->stepParameters());
        experts[size_t(g)]->countRows(counts[g] * steps);
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
        normW = stackCell(params, "norm.weight").unsqueeze(1);
        normB = stackCell(params, "norm.bias").unsqueeze(1);
    }
    const int64_t eColumn = gru ? 0 : width;
    const auto wE = wA.narrow(2, eColumn, hidden);
    const auto eProjection = linear(ePad, wE, bA); // [L, P, out]
    const auto wFeedback = o.feedback()
                               ? wA.narrow(2, eColumn + hidden, classes + 1).transpose(1, 2)
                               : torch::Tensor();
    const auto wState = gru ? torch::Tensor() : wA.narrow(2, 0, width).transpose(1, 2);

    auto state = torch::zeros({groups, padded, width}, e.options());
    if (!o.zeroInitialState()) {
        const auto initW = stackOf(params, [](const auto& p) { return p.initWeight; });
        const auto initB = stackOf(params, [](const auto& p) { return p.initBias; });
        state = torch::tanh(linear(ePad, initW, initB));
    }
    auto draft = torch::full({groups, padded, classes}, 1.0 / double(classes), e.options());
    auto fed = torch::zeros({groups, padded, 1}, e.options());
    auto progress = policy.start(eFlat);
    auto halt = torch::zeros({groups * padded}, longOpts);
    const auto computedFlat = torch::ones({groups * padded}, e.options().dtype(torch::kBool));
    const bool stopGradient = o.criticStopGradient();
    std::vector<torch::Tensor> logitsSteps, probsSteps, critSteps, zSteps, lambdaSteps,
        stateSteps;
    for (int64_t t = 1; t <= steps; ++t) {
        auto pre = eProjection;
        if (stepEmb.defined()) { // (e + s_t) W = e W + s_t W
            pre = pre + torch::bmm(stepEmb.select(1, t - 1).unsqueeze(1), wE.transpose(1, 2));
        }
        if (o.feedback()) {
            pre = torch::baddbmm(pre, torch::cat({draft, stopGradient ? fed.detach() : fed}, 2),
                                 wFeedback);
        }
        if (gru) {
            const auto gi = pre.chunk(3, 2);
            const auto gh = linear(state, wB, bB).chunk(3, 2);
            const auto reset = torch::sigmoid(gh[0] + gi[0]);
            const auto update = torch::sigmoid(gh[1] + gi[1]);
            const auto fresh = torch::tanh(gi[2] + gh[2] * reset);
            state = (state - fresh) * update + fresh;
        } else {
            const auto h = torch::gelu(torch::baddbmm(pre, state, wState));
            const auto sum = state + linear(h, wB, bB);
            // LayerNorm(width), eps 1e-5 as torch::nn::LayerNorm, with each member's affine.
            state = torch::layer_norm(sum, {width}, {}, {}, 1e-5) * normW + normB;
        }
        const auto logits = linear(state, headW, headB);
        const auto probs = torch::softmax(logits, 2);
        const auto criticIn = stopGradient ? torch::cat({state.detach(), probs.detach()}, 2)
                                           : torch::cat({state, probs}, 2);
        const auto z = linear(torch::gelu(linear(criticIn, c1W, c1B)), c2W, c2B); // [L, P, 1]
        const auto critique = torch::sigmoid(z); // training: the raw critique (T = 1)
        const auto lambda = torch::sigmoid(linear(state, haltW, haltB)).view({groups * padded});
        draft = probs;
        fed = critique;
        const auto critFlat = critique.view({groups * padded});
        auto haltNow = policy.haltsNow(progress, critFlat, lambda, computedFlat);
        if (t == steps) {
            haltNow = torch::ones_like(haltNow);
        }
        halt.masked_fill_(haltNow.logical_and(halt.eq(0)), t);
        logitsSteps.push_back(logits.view({groups * padded, classes}));
        probsSteps.push_back(probs.view({groups * padded, classes}));
        critSteps.push_back(critFlat);
        zSteps.push_back(z.view({groups * padded}));
        lambdaSteps.push_back(lambda);
        stateSteps.push_back(state.view({groups * padded, width}));
    }
    ExpertRun all;
    all.logits = torch::stack(logitsSteps, 0);
    all.critique = torch::stack(critSteps, 0);
    all.criticLogit = torch::stack(zSteps, 0);
    all.lambda = torch::stack(lambdaSteps, 0);
    finishExpertRun(all, torch::stack(probsSteps, 0), torch::stack(stateSteps, 0), halt,
                    policy.kind() == HaltingKind::Act);
    const auto iterations = torch::full({groups * padded}, steps, longOpts);
    const auto computed = torch::ones({steps, groups * padded}, computedFlat.options());
    for (int64_t l = 0; l < groups; ++l) {
        const int64_t n = counts[live[size_t(l)]];
        const auto rows = [&](const torch::Tensor& t, int64_t dim) {
            return memberRows(t, dim, groups, padded, l, n);
        };
        auto& run = out.runs[size_t(live[size_t(l)])];
        run.logits = rows(all.logits, 1);
        run.probs = rows(all.probs, 1);
        run.critique = rows(all.critique, 1);
        run.criticLogit = rows(all.criticLogit, 1);
        run.heldCritique = rows(all.heldCritique, 1);
        run.lambda = rows(all.lambda, 1);
        run.computed = rows(computed, 1);
        run.haltStep = rows(halt, 0);
        run.state = rows(all.state, 0);
        run.answer = rows(all.answer, 0);
        run.confidence = rows(all.confidence, 0);
        run.iterations = rows(iterations, 0);
    }
    parts.rows.push_back(batchRows);
    parts.members.push_back(pairMembers);
    parts.answer.push_back(all.answer.index_select(0, slot));
    parts.confidence.push_back(all.confidence.index_select(0, slot));
}

} // namespace

GroupRun reflectGroup(const std::vector<ReflectionExpertImpl*>& experts,
                      const HaltingPolicy& policy, const torch::Tensor& e,
                      const torch::Tensor& mask)
{
    const int64_t members = int64_t(experts.size());
    const auto longOpts = e.options().dtype(torch::kLong);
    GroupRun out;
    const auto countsT = mask.sum(0).to(torch::kCPU, torch::kLong).contiguous();
    const int64_t* counts = countsT.data_ptr<int64_t>();
    out.runs.resize(size_t(members));
    out.rows.assign(size_t(members), torch::empty({0}, longOpts));
    // Members with rows, in buckets of similar counts (routing is rarely balanced: one padded
    // product over all would compute mostly padding).
    PairParts parts;
    for (const auto& bucket : buckets(counts, members)) {
        reflectBucket(experts, policy, e, mask, counts, bucket, out, parts);
    }
    if (parts.rows.empty()) {
        out.batchRows = torch::empty({0}, longOpts);
        out.members = out.batchRows;
        return out;
    }
    const auto one = [](const std::vector<torch::Tensor>& v) {
        return v.size() == 1 ? v.front() : torch::cat(v, 0);
    };
    out.batchRows = one(parts.rows);
    out.members = one(parts.members);
    out.answer = one(parts.answer);
    out.confidence = one(parts.confidence);
    const int64_t steps = std::max<int64_t>(experts.front()->options.maxDepth(), 1);
    out.iterations = torch::full({out.batchRows.size(0)}, steps, longOpts);
    return out;
}

} // namespace mor::model
