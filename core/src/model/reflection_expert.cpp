#include "model/reflection_expert.h"

#include "model/attention_pooling.h"
#include "model/eval_detail.h"
#include "model/fused_reflect.h"
#include "mor/config.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace mor::model {

namespace {
int64_t criticHidden(int64_t width)
{
    return std::max<int64_t>(16, width / 2);
}
} // namespace

TokenMemory TokenMemory::rows(const torch::Tensor& index) const
{
    TokenMemory out;
    if (keys.defined()) {
        out.keys = keys.index_select(0, index);
        out.values = values.index_select(0, index);
        out.mask = mask.index_select(0, index);
    }
    if (input.defined()) {
        out.input = input.index_select(0, index);
    }
    return out;
}

ReflectionExpertImpl::ReflectionExpertImpl(const ReflectionExpertOptions& options_)
    : options(options_)
{
    reset();
}

void ReflectionExpertImpl::reset()
{
    const int64_t h = options.inputs();
    const int64_t c = options.classes();
    const int64_t w = options.width();
    const int64_t read = (options.readTokens() ? h : 0) + (options.readFeatures() > 0 ? h : 0);
    // Without feedback the cell reads only its input, as in PonderNet / ACT.
    const int64_t cellInputs = h + read + (options.feedback() ? c + 1 : 0);
    m_cell = register_module("cell", makeCell(options.cell(), CellOptions(cellInputs, w)));
    if (!options.zeroInitialState()) {
        m_init = register_module("init", torch::nn::Linear(h, w));
    }
    m_head = register_module("head", torch::nn::Linear(w, c));
    m_critic1 = register_module("critic1", torch::nn::Linear(w + c, criticHidden(w)));
    m_critic2 = register_module("critic2", torch::nn::Linear(criticHidden(w), 1));
    m_criticTemperature = register_buffer("critic_temperature", torch::ones({1}));
    m_haltThreshold = register_buffer("halt_threshold", torch::full({1}, -1.0));
    m_halt = register_module("halt", torch::nn::Linear(w, 1));
    const int64_t depth = std::max<int64_t>(options.maxDepth(), 1);
    if (options.stepEmbedding()) {
        m_steps = register_parameter("steps", torch::randn({depth, h}) * 0.5);
    }
    if (options.readFeatures() > 0) {
        // An embedding of the features read, as wide as e: a raw feature would be one input
        // column among H + C + 1 and start out nearly invisible to the cell.
        m_read = register_module("read", torch::nn::Linear(options.readFeatures(), h));
    }
    if (options.readTokens()) {
        m_query = register_module("query", torch::nn::Linear(w, h));
        m_key = register_module("key", torch::nn::Linear(h, h));
        m_value = register_module("value", torch::nn::Linear(h, h));
        // Different iterations start out looking at different tokens.
        m_stepQuery = register_parameter("step_query", torch::randn({depth, h}));
    }
    if (options.hintInput()) {
        // Zeros, registered last: re-reflection starts as plain extra steps and learns to use
        // the hint, and no other parameter's random initialisation moves.
        m_hint = register_parameter("hint", torch::zeros({cellInputs, c}));
    }
}

TokenMemory ReflectionExpertImpl::memory(const torch::Tensor& tokens, const torch::Tensor& mask,
                                         const torch::Tensor& input)
{
    TokenMemory out;
    if (options.readTokens() && tokens.defined()) {
        m_tokens = tokens.size(1);
        out.keys = m_key->forward(tokens);
        out.values = m_value->forward(tokens);
        out.mask = mask;
    }
    if (options.readFeatures() > 0) {
        out.input = input;
    }
    return out;
}

std::vector<int64_t> ReflectionExpertImpl::featuresRead(int64_t iteration, int64_t features) const
{
    return featuresReadAt(options.readFeatures(), iteration, features);
}

torch::Tensor ReflectionExpertImpl::initialState(const torch::Tensor& e)
{
    if (options.zeroInitialState()) {
        return torch::zeros({e.size(0), options.width()}, e.options());
    }
    return torch::tanh(m_init->forward(e));
}

ExpertStep ReflectionExpertImpl::step(const torch::Tensor& state, const torch::Tensor& e,
                                      const torch::Tensor& draft, const torch::Tensor& critique,
                                      int64_t iteration, const TokenMemory& memory,
                                      const torch::Tensor& hint)
{
    ExpertStep out;
    // Iterations past maxDepth (re-reflection) reuse the last iteration's embedding.
    const int64_t index = std::clamp<int64_t>(iteration, 1, std::max<int64_t>(options.maxDepth(), 1)) - 1;
    const auto eIn = options.stepEmbedding() ? e + m_steps[index] : e;
    std::vector<torch::Tensor> parts{eIn};
    if (options.readTokens()) {
        TORCH_CHECK(memory.defined(), "a read_tokens expert needs token states");
        const auto q = m_query->forward(state) + m_stepQuery[index];  // [n, H]
        const auto scores = torch::matmul(memory.keys, q.unsqueeze(2)).squeeze(2)
                            / std::sqrt(double(options.inputs())); // [n, L]
        out.attention = maskedSoftmax(scores, memory.mask);
        parts.push_back(torch::matmul(out.attention.unsqueeze(1), memory.values).squeeze(1));
    }
    if (options.readFeatures() > 0) {
        TORCH_CHECK(memory.input.defined(), "a read_features expert needs the input rows");
        // Past maxDepth (re-reflection) the reading simply goes on where it stopped.
        const auto read = featuresRead(iteration, memory.input.size(1));
        parts.push_back(m_read->forward(memory.input.index_select(
            1, torch::tensor(read, memory.input.options().dtype(torch::kLong)))));
    }
    const bool stopGradient = options.criticStopGradient();
    if (options.feedback()) {
        parts.push_back(draft);
        parts.push_back((stopGradient ? critique.detach() : critique).unsqueeze(1));
    }
    auto input = torch::cat(parts, 1);
    if (hint.defined()) {
        TORCH_CHECK(m_hint.defined(), "re-reflection needs an expert built with hintInput");
        input = input + torch::matmul(hint, m_hint.t());
    }
    out.state = m_cell->forward(state, input);
    out.logits = m_head->forward(out.state);
    out.probs = torch::softmax(out.logits, 1);
    out.criticLogit = criticLogitOf(out.state, out.probs);
    // Post-hoc calibration (Guo et al. 2017): the critic trains raw (T = 1); the fitted
    // temperature applies to evaluation, halting at inference and traces only. Applying T in
    // training lets the critic scale its logits up and T run away.
    out.critique = is_training() ? torch::sigmoid(out.criticLogit)
                                 : torch::sigmoid(out.criticLogit / m_criticTemperature);
    out.fedCritique = torch::sigmoid(out.criticLogit);
    out.lambda = torch::sigmoid(m_halt->forward(out.state)).squeeze(1);
    m_rowsProcessed += state.size(0);
    return out;
}

torch::Tensor ReflectionExpertImpl::criticLogitOf(const torch::Tensor& state,
                                                  const torch::Tensor& probs)
{
    const auto criticIn = options.criticStopGradient()
                              ? torch::cat({state.detach(), probs.detach()}, 1)
                              : torch::cat({state, probs}, 1);
    return m_critic2->forward(torch::gelu(m_critic1->forward(criticIn))).squeeze(1);
}

namespace {

/// The rows `keep` of every per-row tensor of the policy's progress.
HaltingProgress progressRows(const HaltingProgress& p, const torch::Tensor& keep)
{
    const auto rows = [&keep](const torch::Tensor& t) {
        return t.defined() ? t.index_select(0, keep) : t;
    };
    HaltingProgress out;
    out.cumulativeLambda = rows(p.cumulativeLambda);
    out.survival = rows(p.survival);
    out.quantile = rows(p.quantile);
    return out;
}

} // namespace

ExpertRun answerAtHalt(const std::vector<torch::Tensor>& probs,
                       const std::vector<torch::Tensor>& critiques,
                       const std::vector<torch::Tensor>& states, const torch::Tensor& where,
                       const torch::Tensor& halt)
{
    const auto atHalt = [&where](const std::vector<torch::Tensor>& steps) {
        return where.defined() ? torch::cat(steps, 0).index_select(0, where) : steps.back();
    };
    ExpertRun run;
    run.answer = atHalt(probs);
    run.confidence = atHalt(critiques);
    run.state = atHalt(states);
    run.haltStep = halt;
    run.iterations = halt.clone(); // a row ran steps 1 .. its halting step
    return run;
}

StepRows::StepRows(const std::vector<torch::Tensor>& where, bool compacted, int64_t n)
    : m_where(where), m_n(n)
{
    if (compacted) {
        m_index = torch::stack(where, 0).view({-1}); // [T * n]
    }
}

torch::Tensor StepRows::operator()(const std::vector<torch::Tensor>& parts) const
{
    if (!m_index.defined()) {
        return torch::stack(parts, 0);
    }
    auto sizes = parts.front().sizes().vec();
    sizes[0] = m_n;
    sizes.insert(sizes.begin(), int64_t(m_where.size()));
    return torch::cat(parts, 0).index_select(0, m_index).view(sizes);
}

torch::Tensor StepRows::stateAtHalt(const std::vector<torch::Tensor>& states) const
{
    if (!m_index.defined()) {
        return torch::stack(states, 0);
    }
    const auto last = torch::cat(states, 0).index_select(0, m_where.back());
    return last.unsqueeze(0).expand({int64_t(m_where.size()), m_n, last.size(1)});
}

ExpertRun ReflectionExpertImpl::reflect(const torch::Tensor& e, const HaltingPolicy& policy,
                                        bool shrink, const TokenMemory& memory)
{
    const int64_t n = e.size(0);
    const int64_t classes = options.classes();
    const int64_t steps = std::max<int64_t>(options.maxDepth(), 1);
    const auto longOpts = e.options().dtype(torch::kLong);
    const auto boolOpts = e.options().dtype(torch::kBool);
    const bool reads = options.readTokens() && memory.defined();
    // Without autograd, halted rows dropped, in a configuration the fused CPU step supports
    // (fused_reflect.h): the fused step, which also records the evaluation detail when it is on
    // (fused_reflect_detail.h); the ATen loop below stays the reference (FusedReflectGuard).
    if (shrink && !torch::GradMode::is_enabled() && fusedReflectSupports(*this, e, policy)) {
        return fusedReflect(*this, e, policy, activeHaltThreshold(), /*detail=*/evalDetail());
    }

    // The rows still reflecting, compacted: row i of stateA, eA, draftA, fedA, memA and progress
    // is input row active[i]. With shrink, rows that halt leave the compacted set, so a step
    // costs in proportion to the rows it computes and nothing is copied for halted rows.
    auto active = torch::arange(n, longOpts);
    auto eA = e;
    auto memA = memory;
    auto stateA = initialState(e);
    auto draftA = torch::full({n, classes}, 1.0 / double(classes), e.options());
    auto fedA = torch::zeros({n}, e.options()); // what the cell reads back (fedCritique)
    // What the policy reads besides the critique (PonderNet's survival and quantile, ACT's
    // cumulative lambda): critique-gated and fixed halting track nothing per row.
    const HaltingKind kind = policy.kind();
    const bool tracks = kind == HaltingKind::PonderNet || kind == HaltingKind::Act;
    auto progress = tracks ? policy.start(e) : HaltingProgress{};
    auto halt = torch::zeros({n}, longOpts);
    bool compacted = false;
    const double critiqueThreshold = activeHaltThreshold();
    // Answer only (eval_detail.h: evaluation detail off, no autograd, halted rows dropped):
    // only what the answer needs is kept per step (drafts, critiques, states), and after the
    // loop each row's values at its halting step are read once; no [T, n] tensors.
    const bool answerOnly = shrink && !evalDetail() && !torch::GradMode::is_enabled()
                            && kind != HaltingKind::Act;

    // What each step computed (its active rows only), and for every input row where its value
    // of step t sits in the concatenation of the steps' outputs: a row that halted keeps the
    // values of its halting step. The [T, n, ...] tensors are gathered once at the end.
    // Per step only what the step itself needs (issue 20: bookkeeping ops cost as much as the
    // step's own products on a few rows): which steps ran is derived once at the end from the
    // halting steps, the policy is not asked at the last step (every row halts there), and a
    // row's halting step is the last step it was active in.
    std::vector<torch::Tensor> logitsSteps, probsSteps, critSteps, zSteps, lambdaSteps,
        stateSteps, attentionSteps, whereSteps;
    auto where = torch::zeros({n}, longOpts);
    // haltsNow's `computed`: every active row (only PonderNet and ACT read it, so only they
    // compact it)
    auto everyActive = torch::ones({n}, boolOpts);
    int64_t offset = 0;
    // Without autograd (evaluation) the step loop runs in inference mode: no autograd or
    // version-counter bookkeeping per op, the same kernels and values. The results are
    // assembled after the loop, outside it, so callers get ordinary tensors.
    std::optional<c10::InferenceMode> inference;
    if (!torch::GradMode::is_enabled()) {
        inference.emplace();
    }
    for (int64_t t = 1; t <= steps; ++t) {
        const int64_t m = active.size(0);
        if (m > 0) {
            const auto s = step(stateA, eA, draftA, fedA, t, memA);
            probsSteps.push_back(s.probs);
            critSteps.push_back(s.critique);
            stateSteps.push_back(s.state);
            if (!answerOnly) {
                logitsSteps.push_back(s.logits);
                zSteps.push_back(s.criticLogit);
                lambdaSteps.push_back(s.lambda);
                if (reads) {
                    attentionSteps.push_back(s.attention);
                }
            }
            if (compacted) {
                where = where.index_copy(0, active, torch::arange(offset, offset + m, longOpts));
            } else {
                where = torch::arange(offset, offset + m, longOpts);
            }
            offset += m;
            stateA = s.state;
            draftA = s.probs;
            fedA = s.fedCritique;
            if (shrink) {
                // Every active row has not halted before t: t is its halting step unless it is
                // still active later (then a later step overwrites it).
                halt.index_fill_(0, active, t);
                if (t < steps && kind != HaltingKind::Fixed) { // fixed depth: no row halts early
                    const auto haltNow = policy.haltsNow(progress, s.critique, s.lambda,
                                                         everyActive, critiqueThreshold);
                    const auto keep = haltNow.logical_not().nonzero().squeeze(1);
                    if (keep.size(0) < m) {
                        active = active.index_select(0, keep);
                        eA = eA.index_select(0, keep);
                        stateA = stateA.index_select(0, keep);
                        draftA = draftA.index_select(0, keep);
                        fedA = fedA.index_select(0, keep);
                        memA = memA.rows(keep);
                        if (tracks) {
                            progress = progressRows(progress, keep);
                            everyActive = everyActive.narrow(0, 0, keep.size(0));
                        }
                        compacted = true;
                    }
                }
            } else if (t < steps && kind != HaltingKind::Fixed) {
                const auto haltNow = policy.haltsNow(progress, s.critique, s.lambda, everyActive,
                                                     critiqueThreshold);
                halt.masked_fill_(haltNow.logical_and(halt.eq(0)), t);
            } else if (t == steps) {
                halt.masked_fill_(halt.eq(0), t);
            }
        }
        whereSteps.push_back(where);
    }
    inference.reset();
    if (answerOnly && n > 0) {
        return answerAtHalt(probsSteps, critSteps, stateSteps, compacted ? where : torch::Tensor(),
                            halt);
    }

    ExpertRun run;
    const bool act = policy.kind() == HaltingKind::Act;
    torch::Tensor rawProbs, states;
    if (n == 0) {
        run.logits = torch::zeros({steps, 0, classes}, e.options());
        run.critique = torch::zeros({steps, 0}, e.options());
        run.criticLogit = run.critique;
        run.lambda = run.critique;
        rawProbs = run.logits;
        states = torch::zeros({steps, 0, options.width()}, e.options());
        if (reads) {
            run.attention = torch::zeros({steps, 0, memory.keys.size(1)}, e.options());
        }
    } else {
        // Stacked when every step computed every row (training, or nothing halted before the
        // last step), else gathered through each step's positions.
        const StepRows rows(whereSteps, compacted, n);
        run.logits = rows(logitsSteps);
        run.critique = rows(critSteps);
        run.criticLogit = rows(zSteps);
        run.lambda = rows(lambdaSteps);
        rawProbs = rows(probsSteps);
        states = act ? rows(stateSteps) : rows.stateAtHalt(stateSteps);
        if (reads) {
            run.attention = rows(attentionSteps);
        }
    }
    // With shrink a row ran steps 1 .. its halting step; without, every step ran for every row.
    run.computed = shrink ? torch::arange(1, steps + 1, longOpts).unsqueeze(1).le(halt.unsqueeze(0))
                          : torch::ones({steps, n}, boolOpts);
    run.haltStep = halt;
    run.iterations = run.computed.to(torch::kLong).sum(0);
    finishExpertRun(run, rawProbs, states, halt, act);
    return run;
}

void finishExpertRun(ExpertRun& run, const torch::Tensor& rawProbs, const torch::Tensor& states,
                     const torch::Tensor& halt, bool act)
{
    const int64_t steps = rawProbs.size(0);
    const int64_t n = rawProbs.size(1);
    const int64_t classes = rawProbs.size(2);
    const auto longOpts = halt.options();
    // Values at step min(t, halt): what the expert would answer if asked at step t.
    const auto t = torch::arange(1, steps + 1, longOpts).unsqueeze(1);
    const auto held = torch::minimum(t, halt.unsqueeze(0)) - 1; // [T, n]
    const auto last = (halt - 1).unsqueeze(0);
    if (act) {
        // Mean-field (Graves 2016): halting at h = min(t, N) answers
        // sum_{s<h} lambda_s y_s + (1 - sum_{s<h} lambda_s) y_h. W[t, s, row]. The cumulative
        // mass is capped at 1 so a forced halt past ACT's own (counterfactuals) stays a
        // distribution; before ACT's own halt the sum is below 1 - eps, so the cap is inert.
        const auto s = torch::arange(1, steps + 1, longOpts).view({1, steps, 1});
        const auto h = (held + 1).unsqueeze(1); // [T, 1, n]
        const auto dtype = run.lambda.scalar_type();
        const auto before = s.lt(h).to(dtype) * run.lambda.unsqueeze(0);
        const auto cum = before.cumsum(1).clamp_max(1.0);
        const auto capped =
            cum - torch::cat({torch::zeros_like(cum.narrow(1, 0, 1)), cum.narrow(1, 0, steps - 1)},
                             1);
        const auto weights = capped + s.eq(h).to(dtype) * (1.0 - capped.sum(1, true));
        // Weighted sums over s as broadcast products and one sum each: the einsums they
        // replace ran as batched products over the rows, which LibTorch's CPU bmm splits into
        // one product per row once s * t * c >= 400 (depth 7 at width 64: the training step's
        // op count then grew with depth x rows; issue 20, session 12).
        run.probs = (weights.unsqueeze(3) * rawProbs.unsqueeze(0)).sum(1);
        run.heldCritique = (weights * run.critique.unsqueeze(0)).sum(1);
        run.answer = run.probs.select(0, steps - 1);
        run.confidence = run.heldCritique.select(0, steps - 1);
        run.state = (weights.select(0, steps - 1).unsqueeze(2) * states).sum(0);
        return;
    }
    run.probs = rawProbs.gather(0, held.unsqueeze(2).expand({steps, n, classes}));
    run.heldCritique = run.critique.gather(0, held);
    run.answer = rawProbs.gather(0, last.unsqueeze(2).expand({1, n, classes})).squeeze(0);
    run.confidence = run.heldCritique.gather(0, last).squeeze(0);
    run.state = states.gather(0, last.unsqueeze(2).expand({1, n, states.size(2)})).squeeze(0);
}

ExtraRun ReflectionExpertImpl::extend(const torch::Tensor& state, const torch::Tensor& e,
                                      const torch::Tensor& hint, const torch::Tensor& lastCritique,
                                      int64_t iterations, const TokenMemory& memory)
{
    ExtraRun run;
    auto s = state;
    // The draft and critique slots keep the expert's own; the hint has its own input.
    auto draft = torch::softmax(m_head->forward(state), 1);
    auto critique = torch::sigmoid(criticLogitOf(state, draft));
    std::vector<torch::Tensor> probs, crits, logitsZ, lambdas;
    for (int64_t i = 0; i < iterations; ++i) {
        const auto out = step(s, e, draft, critique, options.maxDepth() + 1 + i, memory, hint);
        s = out.state;
        draft = out.probs;
        critique = out.fedCritique;
        probs.push_back(out.probs);
        crits.push_back(out.critique);
        logitsZ.push_back(out.criticLogit);
        lambdas.push_back(out.lambda);
    }
    run.answer = draft;
    run.confidence = crits.empty() ? lastCritique : crits.back();
    if (!probs.empty()) {
        run.probs = torch::stack(probs, 0);
        run.critique = torch::stack(crits, 0);
        run.criticLogit = torch::stack(logitsZ, 0);
        run.lambda = torch::stack(lambdas, 0);
    }
    return run;
}

ReflectionExpertImpl::StepParameters ReflectionExpertImpl::stepParameters() const
{
    StepParameters p;
    if (!m_init.is_empty()) {
        p.initWeight = m_init->weight;
        p.initBias = m_init->bias;
    }
    p.headWeight = m_head->weight;
    p.headBias = m_head->bias;
    p.critic1Weight = m_critic1->weight;
    p.critic1Bias = m_critic1->bias;
    p.critic2Weight = m_critic2->weight;
    p.critic2Bias = m_critic2->bias;
    p.haltWeight = m_halt->weight;
    p.haltBias = m_halt->bias;
    p.steps = m_steps;
    p.criticTemperature = m_criticTemperature;
    p.cell = m_cell.get();
    return p;
}

double ReflectionExpertImpl::stepFlops() const
{
    const double w = double(options.width());
    const double c = double(options.classes());
    const double ch = double(criticHidden(options.width()));
    double read = 0.0;
    if (options.readTokens()) {
        const double h = double(options.inputs());
        read = 2.0 * w * h + 2.0 * 2.0 * double(m_tokens) * h;
    }
    if (options.readFeatures() > 0) {
        read += 2.0 * double(options.readFeatures()) * double(options.inputs());
    }
    return m_cell->flopsPerRow() + 2.0 * w * c + 2.0 * (w + c) * ch + 2.0 * ch + 2.0 * w + read;
}

double ReflectionExpertImpl::initFlops() const
{
    const double h = double(options.inputs());
    const double memory = options.readTokens() ? 2.0 * 2.0 * double(m_tokens) * h * h : 0.0;
    return (options.zeroInitialState() ? 0.0 : 2.0 * h * double(options.width())) + memory;
}

void ReflectionExpertImpl::setCriticTemperature(double temperature)
{
    torch::NoGradGuard noGrad;
    m_criticTemperature.fill_(temperature > 0.0 ? temperature : 1.0);
}

double ReflectionExpertImpl::criticTemperature() const
{
    return m_criticTemperature.item<double>();
}

void ReflectionExpertImpl::setHaltThreshold(double threshold)
{
    torch::NoGradGuard noGrad;
    m_haltThreshold.fill_(threshold > 0.0 ? threshold : -1.0);
}

double ReflectionExpertImpl::haltThreshold() const
{
    return m_haltThreshold.item<double>();
}

double ReflectionExpertImpl::activeHaltThreshold() const
{
    return is_training() ? -1.0 : haltThreshold();
}

} // namespace mor::model
