#include "model/grouped_experts.h"

#include "model/fused_reflect.h"

#include "model/answer_only.h"
#include "model/eval_detail.h"
#include "model/grouped_linear.h"

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>

namespace mor::model {

namespace {

std::atomic<GroupedDispatchMode> g_grouped{GroupedDispatchMode::Training};

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

/// The cell's parameters `names` (e.g. "gru.weight_ih") of every member, [name][member]: one
/// walk of each member's parameters. named_parameters() builds a dictionary with prefixed keys
/// on every call, so a lookup per name and member cost ~1 us each, 4 x 32 a pass at E = 32.
std::vector<std::vector<torch::Tensor>> cellOf(
    const std::vector<ReflectionExpertImpl::StepParameters>& params,
    const std::vector<std::string>& names)
{
    std::vector<std::vector<torch::Tensor>> parts(names.size());
    for (auto& part : parts) {
        part.reserve(params.size());
    }
    for (const auto& p : params) {
        const auto named = p.cell->named_parameters();
        for (size_t i = 0; i < names.size(); ++i) {
            const auto* found = named.find(names[i]);
            TORCH_CHECK(found != nullptr, "grouped dispatch: the cell has no parameter ", names[i]);
            parts[i].push_back(*found);
        }
    }
    return parts;
}

template <typename Get>
std::vector<torch::Tensor> partsOf(const std::vector<ReflectionExpertImpl::StepParameters>& params,
                                   Get get)
{
    std::vector<torch::Tensor> parts;
    parts.reserve(params.size());
    for (const auto& p : params) {
        parts.push_back(get(p));
    }
    return parts;
}

} // namespace

void setGroupedDispatchMode(GroupedDispatchMode mode)
{
    g_grouped = mode;
}

GroupedDispatchMode groupedDispatchMode()
{
    return g_grouped;
}

void setGroupedDispatch(bool on)
{
    g_grouped = on ? GroupedDispatchMode::Always : GroupedDispatchMode::Never;
}

bool groupedDispatch(bool training)
{
    const GroupedDispatchMode mode = g_grouped;
    if (mode == GroupedDispatchMode::Never || (mode == GroupedDispatchMode::Training && !training)) {
        return false;
    }
    // Under autocast the per-expert path runs: its products follow autocast's dtypes, the
    // segment products read the weights as they are.
    // (Autocast is on where its dispatch key is not in the thread's excluded set, in every
    // LibTorch version.)
    using c10::impl::tls_is_dispatch_key_excluded;
    return tls_is_dispatch_key_excluded(c10::DispatchKey::AutocastCPU)
           && tls_is_dispatch_key_excluded(c10::DispatchKey::AutocastCUDA);
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

/// The rows `keep` of every per-row tensor of the policy's progress.
HaltingProgress groupProgressRows(const HaltingProgress& p, const torch::Tensor& keep)
{
    const auto rows = [&keep](const torch::Tensor& t) {
        return t.defined() ? t.index_select(0, keep) : t;
    };
    return HaltingProgress{rows(p.cumulativeLambda), rows(p.survival), rows(p.quantile)};
}

} // namespace

bool sameCalibration(const std::vector<ReflectionExpertImpl*>& experts)
{
    for (const auto* expert : experts) {
        if (expert->criticTemperature() != experts.front()->criticTemperature()
            || expert->activeHaltThreshold() != experts.front()->activeHaltThreshold()) {
            return false;
        }
    }
    return true;
}

namespace {

/// An answer-only group pass with the fused CPU step (fused_reflect.h) where every live member
/// supports it: each member's block of rows (one gather for the group) through its own fused
/// loop, which computes a step with a few BLAS products into reused buffers and compacts the
/// halted rows in place. The group's chain of dispatched ops with a compaction per step cost
/// about the same per step whatever the rows left, so adaptive depth saved little wall time
/// (issue 20, session 23 profile). Same values as each member's own reflect(); false (nothing
/// done) when a member is not supported.
bool fusedGroup(const std::vector<ReflectionExpertImpl*>& experts, const HaltingPolicy& policy,
                const torch::Tensor& e, const std::vector<int64_t>& counts, GroupRun& out)
{
    // Checked on e itself (its device, dtype and shape are the blocks'; it has rows): the rows
    // are gathered only for the fused step, never twice when the ATen step takes the pass.
    for (size_t g = 0; g < experts.size(); ++g) {
        if (counts[g] > 0 && !fusedReflectSupports(*experts[g], e, policy)) {
            return false;
        }
    }
    const auto blocks = e.index_select(0, out.batchRows).split_with_sizes(counts);
    std::vector<torch::Tensor> answers, confidences, states, halts, iterations;
    for (size_t g = 0; g < experts.size(); ++g) {
        if (counts[g] == 0) {
            continue;
        }
        ExpertRun run = fusedReflect(*experts[g], blocks[g], policy,
                                     experts[g]->activeHaltThreshold());
        answers.push_back(run.answer);
        confidences.push_back(run.confidence);
        states.push_back(run.state);
        halts.push_back(run.haltStep);
        iterations.push_back(run.iterations);
        out.runs[g] = std::move(run);
    }
    out.all.answer = out.answer = torch::cat(answers, 0);
    out.all.confidence = out.confidence = torch::cat(confidences, 0);
    out.all.iterations = out.iterations = torch::cat(iterations, 0);
    out.all.state = torch::cat(states, 0);
    out.all.haltStep = torch::cat(halts, 0);
    return true;
}

} // namespace

std::vector<DispatchGroup> dispatchGroups(const std::vector<ExpertConfig>& configs,
                                          const std::vector<ReflectionExpert>& experts,
                                          bool training)
{
    std::vector<DispatchGroup> groups;
    for (auto& group : expertGroups(configs, experts)) {
        DispatchGroup d;
        for (const int64_t j : group) {
            d.members.push_back(experts[size_t(j)].ptr().get());
        }
        if (!training && !sameCalibration(d.members)) {
            continue; // members that read their critique differently run on their own
        }
        d.experts = std::move(group);
        groups.push_back(std::move(d));
    }
    return groups;
}

GroupRun reflectGroup(const std::vector<ReflectionExpertImpl*>& experts,
                      const HaltingPolicy& policy, const torch::Tensor& e,
                      const torch::Tensor& mask, bool shrink)
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
    // each member's rows one block. Read on the host once per pass: the pairs and the members'
    // counts; with shrink also once per step that rows halted (the rows kept, nonzero, and the
    // members' counts of them).
    std::vector<int64_t> counts(size_t(members), 0);
    if (mask.device().is_cpu() && mask.scalar_type() == torch::kBool) {
        // A CPU mask in one pass over it (expertRowLists) instead of nonzero, two selects, a
        // column sum and its copy: ~10 dispatched ops a pass that answer-only evaluation paid
        // as fixed cost per batch (issue 20).
        const auto lists = expertRowLists(mask);
        int64_t total = 0;
        for (int64_t g = 0; g < members; ++g) {
            counts[size_t(g)] = int64_t(lists[size_t(g)].size());
            total += counts[size_t(g)];
        }
        out.batchRows = torch::empty({total}, mask.options().dtype(torch::kLong));
        out.members = torch::empty({total}, mask.options().dtype(torch::kLong));
        int64_t* rowsOut = out.batchRows.data_ptr<int64_t>();
        int64_t* membersOut = out.members.data_ptr<int64_t>();
        for (int64_t g = 0; g < members; ++g) {
            rowsOut = std::copy(lists[size_t(g)].begin(), lists[size_t(g)].end(), rowsOut);
            membersOut = std::fill_n(membersOut, counts[size_t(g)], g);
        }
    } else {
        const auto pairs = mask.t().nonzero();
        out.members = pairs.select(1, 0).contiguous();
        out.batchRows = pairs.select(1, 1).contiguous();
        const auto countsT = mask.sum(0).to(torch::kCPU, torch::kLong).contiguous();
        std::copy(countsT.data_ptr<int64_t>(), countsT.data_ptr<int64_t>() + members,
                  counts.begin());
    }
    const auto rowsOf = out.batchRows.split_with_sizes(counts);
    out.rows.assign(rowsOf.begin(), rowsOf.end());
    const int64_t n = out.batchRows.size(0);
    out.iterations = torch::full({n}, steps, longOpts);
    if (n == 0) {
        return out;
    }
    // Answer only (as reflect(): detail off, no autograd, halted rows dropped, not ACT): per step
    // only the drafts, critiques and states are kept, and each row's values at its halting step
    // are read once after the loop; no [T, n] tensors, no finishExpertRun.
    const bool answerOnly = shrink && !evalDetail() && !torch::GradMode::is_enabled()
                            && policy.kind() != HaltingKind::Act;
    if (answerOnly && fusedGroup(experts, policy, e, counts, out)) {
        return out;
    }
    // Only members with rows take part (one without gets no gradient, as on its own).
    std::vector<int64_t> liveCounts, liveMembers;
    std::vector<ReflectionExpertImpl::StepParameters> params;
    for (int64_t g = 0; g < members; ++g) {
        if (counts[size_t(g)] > 0) {
            liveCounts.push_back(counts[size_t(g)]);
            liveMembers.push_back(g);
            params.push_back(experts[size_t(g)]->stepParameters());
        }
    }
    const int64_t live = int64_t(liveCounts.size());
    // The rows still reflecting (all of them without shrink), in member order, and how many of
    // them each live member has: each member's rows times its own weights, read in place, one
    // segment product per layer and step; in training each weight's gradient is built once
    // per pass over all steps (grouped_linear.h).
    auto countsA = liveCounts;
    std::vector<int64_t> computedRows(size_t(live), 0);
    auto memberA = torch::repeat_interleave(torch::arange(live, longOpts),
                                            torch::tensor(liveCounts, longOpts));
    const SegmentWeight head(partsOf(params, [](const auto& p) { return p.headWeight; }),
                             partsOf(params, [](const auto& p) { return p.headBias; }));
    const SegmentWeight critic1(partsOf(params, [](const auto& p) { return p.critic1Weight; }),
                                partsOf(params, [](const auto& p) { return p.critic1Bias; }));
    const SegmentWeight critic2(partsOf(params, [](const auto& p) { return p.critic2Weight; }),
                                partsOf(params, [](const auto& p) { return p.critic2Bias; }));
    const SegmentWeight haltHead(partsOf(params, [](const auto& p) { return p.haltWeight; }),
                                 partsOf(params, [](const auto& p) { return p.haltBias; }));
    // The cell's first layer A reads [state (mlp only) | e | draft, critique (feedback)]: each
    // part is a call on its columns, so that e's part, the same at every step, is computed once.
    // [A weight, A bias, B weight, B bias(, norm weight, norm bias)] of every member
    const auto cell = cellOf(params, gru ? std::vector<std::string>{"gru.weight_ih", "gru.bias_ih",
                                                                    "gru.weight_hh", "gru.bias_hh"}
                                         : std::vector<std::string>{"input.weight", "input.bias",
                                                                    "out.weight", "out.bias",
                                                                    "norm.weight", "norm.bias"});
    const auto& weightA = cell[0];
    const SegmentWeight cellA(weightA, cell[1]);
    const SegmentWeight cellB(cell[2], cell[3]);
    torch::Tensor normW, normB;
    if (!gru) {
        normW = torch::stack(cell[4], 0);
        normB = torch::stack(cell[5], 0);
    }
    const int64_t eColumn = gru ? 0 : width;
    torch::Tensor stepEmb, wE;
    if (o.stepEmbedding()) {
        stepEmb = torch::stack(partsOf(params, [](const auto& p) { return p.steps; }), 0);
        wE = torch::stack(weightA, 0).narrow(2, eColumn, hidden); // [G, out, H]
    }
    const auto eRows = e.index_select(0, out.batchRows); // [n, H], member by member
    auto eProjection = cellA(eRows, countsA, eColumn); // [n, out]
    auto state = torch::Tensor();
    if (o.zeroInitialState()) {
        state = torch::zeros({n, width}, e.options());
    } else {
        const SegmentWeight init(partsOf(params, [](const auto& p) { return p.initWeight; }),
                                 partsOf(params, [](const auto& p) { return p.initBias; }));
        state = torch::tanh(init(eRows, countsA));
    }
    auto draft = torch::full({n, classes}, 1.0 / double(classes), e.options());
    auto fed = torch::zeros({n, 1}, e.options());
    auto progress = policy.start(eRows);
    auto halt = torch::zeros({n}, longOpts);
    auto everyActive = torch::ones({n}, e.options().dtype(torch::kBool));
    const bool stopGradient = o.criticStopGradient();
    // Evaluation reads the critique through the (shared, sameCalibration) fitted temperature
    // and halts at the active threshold; the cell reads the raw critique back.
    const bool evaluation = !experts.front()->is_training();
    const auto temperature = params.front().criticTemperature;
    const bool calibrated = evaluation && experts.front()->criticTemperature() != 1.0;
    const double critiqueThreshold = experts.front()->activeHaltThreshold();
    // As reflect(): each step's outputs for its active rows, and for every row where its value
    // of step t sits in their concatenation (a halted row keeps its halting step's values).
    std::vector<torch::Tensor> logitsSteps, probsSteps, critSteps, zSteps, lambdaSteps,
        stateSteps, whereSteps;
    const bool tracksLambda =
        policy.kind() == HaltingKind::PonderNet || policy.kind() == HaltingKind::Act;
    auto active = torch::arange(n, longOpts);
    auto where = active;
    int64_t offset = 0;
    bool compacted = false;
    std::optional<c10::InferenceMode> inference;
    if (!torch::GradMode::is_enabled()) {
        inference.emplace();
    }
    for (int64_t t = 1; t <= steps; ++t) {
        const int64_t m = active.size(0);
        if (m == 0) {
            whereSteps.push_back(where);
            continue;
        }
        auto pre = eProjection;
        if (stepEmb.defined()) { // (e + s_t) W = e W + s_t W, s_t W once per member
            const auto s = torch::bmm(stepEmb.select(1, t - 1).unsqueeze(1), wE.transpose(1, 2));
            pre = pre + s.squeeze(1).index_select(0, memberA);
        }
        if (o.feedback()) {
            pre = pre + cellA(torch::cat({draft, stopGradient ? fed.detach() : fed}, 1),
                              countsA, eColumn + hidden, false);
        }
        if (gru) {
            const auto gi = pre.chunk(3, 1);
            const auto gh = cellB(state, countsA).chunk(3, 1);
            const auto reset = torch::sigmoid(gh[0] + gi[0]);
            const auto update = torch::sigmoid(gh[1] + gi[1]);
            const auto fresh = torch::tanh(gi[2] + gh[2] * reset);
            state = (state - fresh) * update + fresh;
        } else {
            const auto h = torch::gelu(pre + cellA(state, countsA, 0, false));
            const auto sum = state + cellB(h, countsA);
            // LayerNorm(width), eps 1e-5 as torch::nn::LayerNorm, with each member's affine.
            state = torch::layer_norm(sum, {width}, {}, {}, 1e-5) * normW.index_select(0, memberA)
                    + normB.index_select(0, memberA);
        }
        const auto logits = head(state, countsA);
        const auto probs = torch::softmax(logits, 1);
        const auto criticIn = stopGradient ? torch::cat({state.detach(), probs.detach()}, 1)
                                           : torch::cat({state, probs}, 1);
        const auto z = critic2(torch::gelu(critic1(criticIn, countsA)), countsA).squeeze(1); // [m]
        const auto raw = torch::sigmoid(z);
        const auto critique = calibrated ? torch::sigmoid(z / temperature) : raw; // z / 1 = z
        // Critique-gated and fixed halting never read the halting head (haltsNow): answer-only
        // passes, which keep no per-step lambda either, skip it.
        const auto lambda = answerOnly && !tracksLambda
                                ? torch::Tensor()
                                : torch::sigmoid(haltHead(state, countsA)).squeeze(1);
        for (int64_t l = 0; l < live; ++l) {
            computedRows[size_t(l)] += countsA[size_t(l)];
        }
        probsSteps.push_back(probs);
        critSteps.push_back(critique);
        stateSteps.push_back(state);
        if (!answerOnly) {
            logitsSteps.push_back(logits);
            zSteps.push_back(z);
            lambdaSteps.push_back(lambda);
        }
        where = compacted ? where.index_copy(0, active, torch::arange(offset, offset + m, longOpts))
                          : torch::arange(offset, offset + m, longOpts);
        offset += m;
        draft = probs;
        fed = raw.unsqueeze(1);
        if (shrink) {
            // Every active row has not halted before t: t is its halting step unless it is
            // still active later. One compaction per step for the whole group.
            halt.index_fill_(0, active, t);
            if (t < steps && policy.kind() != HaltingKind::Fixed) { // fixed: no row halts early
                const auto haltNow = policy.haltsNow(progress, critique, lambda, everyActive,
                                                     critiqueThreshold);
                const auto keep = haltNow.logical_not().nonzero().squeeze(1);
                if (keep.size(0) < m) {
                    active = active.index_select(0, keep);
                    memberA = memberA.index_select(0, keep);
                    eProjection = eProjection.index_select(0, keep);
                    state = state.index_select(0, keep);
                    draft = draft.index_select(0, keep);
                    fed = fed.index_select(0, keep);
                    progress = groupProgressRows(progress, keep);
                    everyActive = everyActive.narrow(0, 0, keep.size(0));
                    const auto left = torch::bincount(memberA, {}, live).to(torch::kCPU);
                    countsA.assign(left.data_ptr<int64_t>(), left.data_ptr<int64_t>() + live);
                    compacted = true;
                }
            }
        } else if (t < steps) {
            const auto haltNow = policy.haltsNow(progress, critique, lambda, everyActive,
                                                 critiqueThreshold);
            halt.masked_fill_(haltNow.logical_and(halt.eq(0)), t);
        } else {
            halt.masked_fill_(halt.eq(0), t);
        }
        whereSteps.push_back(where);
    }
    inference.reset();
    for (int64_t l = 0; l < live; ++l) {
        experts[size_t(liveMembers[size_t(l)])]->countRows(computedRows[size_t(l)]);
    }
    auto& all = out.all;
    if (answerOnly) {
        all = answerAtHalt(probsSteps, critSteps, stateSteps, compacted ? where : torch::Tensor(),
                           halt);
    } else {
        const bool act = policy.kind() == HaltingKind::Act;
        const StepRows rows(whereSteps, compacted, n); // as reflect()
        all.logits = rows(logitsSteps);
        all.critique = rows(critSteps);
        all.criticLogit = rows(zSteps);
        all.lambda = rows(lambdaSteps);
        const torch::Tensor rawProbs = rows(probsSteps);
        const torch::Tensor states = act ? rows(stateSteps) : rows.stateAtHalt(stateSteps);
        all.computed = shrink ? torch::arange(1, steps + 1, longOpts)
                                    .unsqueeze(1)
                                    .le(halt.unsqueeze(0))
                              : torch::ones({steps, n}, everyActive.options());
        all.haltStep = halt;
        all.iterations = shrink ? all.computed.to(torch::kLong).sum(0) : out.iterations;
        finishExpertRun(all, rawProbs, states, halt, act);
    }
    out.iterations = all.iterations;
    out.answer = all.answer;
    out.confidence = all.confidence;
    // Each member's part: one split per tensor (a single backward node), not a view per member.
    // An answer-only run has no per-step tensors: its undefined fields stay undefined.
    struct Field {
        torch::Tensor ExpertRun::*member;
        int64_t dim;
    };
    static const Field kFields[] = {
        {&ExpertRun::logits, 1},   {&ExpertRun::probs, 1},        {&ExpertRun::critique, 1},
        {&ExpertRun::criticLogit, 1}, {&ExpertRun::heldCritique, 1}, {&ExpertRun::lambda, 1},
        {&ExpertRun::computed, 1}, {&ExpertRun::haltStep, 0},     {&ExpertRun::state, 0},
        {&ExpertRun::answer, 0},   {&ExpertRun::confidence, 0},   {&ExpertRun::iterations, 0}};
    for (const Field& field : kFields) {
        const torch::Tensor& whole = all.*(field.member);
        if (!whole.defined()) {
            continue;
        }
        const auto parts = whole.split_with_sizes(counts, field.dim);
        for (size_t g = 0; g < size_t(members); ++g) {
            if (counts[g] > 0) {
                out.runs[g].*(field.member) = parts[g];
            }
        }
    }
    return out;
}

} // namespace mor::model
