#include "model/mor_model.h"

#include "model/answer_only.h"
#include "model/counterfactual.h"
#include "model/eval_detail.h"
#include "model/grouped_experts.h"
#include "model/model_pass.h"
#include "model/router_losses.h"
#include "model/routing_strategy.h"
#include "model/mixed_precision.h"

#include <algorithm>
#include <stdexcept>

namespace mor::model {

namespace {

// Scatters per-row values of one expert into a batch-sized column (differentiable).
torch::Tensor toBatch(const torch::Tensor& base, const torch::Tensor& rows,
                      const torch::Tensor& values)
{
    return indexCopyPromoted(base, 0, rows, values);
}

} // namespace

TokenMemory MoRModelImpl::expertMemory(ReflectionExpertImpl& expert, const Pass& pass,
                                       const torch::Tensor& rows)
{
    const auto select = [&rows](const torch::Tensor& t) {
        return t.defined() ? t.index_select(0, rows) : torch::Tensor();
    };
    const bool reads = expert.options.readFeatures() > 0;
    return expert.memory(select(pass.tokens), select(pass.tokenMask),
                         reads ? select(pass.input) : torch::Tensor());
}

MoRModelImpl::MoRModelImpl(const ModelConfig& config, const ModelShape& shape)
    : m_config(config), m_shape(shape), m_parts(std::make_shared<Parts>())
{
    if (config.experts.empty()) {
        throw std::invalid_argument("model.experts: the model needs at least one expert");
    }
    if (shape.inputs <= 0 || shape.classes < 2) {
        throw std::invalid_argument("model shape: needs inputs > 0 and at least 2 classes");
    }
    const RoutingStrategy strategy = config.router.strategy;
    auto& parts = *m_parts;
    parts.resolution = config.integration.resolution;
    const bool tokens = config.encoder.input == EncoderInput::Tokens;
    // encoder.layers 0: the encoding is the raw input itself (as PonderNet and ACT read x).
    const int64_t hidden = !tokens && config.encoder.layers == 0
                               ? shape.inputs
                               : std::max<int64_t>(config.encoder.hidden, 1);
    const int64_t experts = int64_t(config.experts.size());
    bool groupExpertChoice = false; // MoMa groups routing by expert choice learn thresholds too
    for (const auto& group : config.router.groups) {
        groupExpertChoice = groupExpertChoice || group.strategy == RoutingStrategy::ExpertChoice;
    }
    if (config.router.groups.empty() ? strategy == RoutingStrategy::ExpertChoice
                                     : groupExpertChoice) {
        m_expertThreshold = register_buffer("expert_choice_threshold",
                                            torch::full({experts}, -1.0));
    }
    if (tokens) {
        parts.tokenEncoder = register_module(
            "token_encoder", TokenEncoder(TokenEncoderOptions(shape.inputs, hidden)
                                              .layers(config.encoder.layers)
                                              .dropout(config.encoder.dropout)
                                              .padZeros(config.encoder.padZeros)));
    } else {
        parts.encoder = register_module(
            "encoder", Encoder(EncoderOptions(shape.inputs, hidden)
                                   .layers(config.encoder.layers)
                                   .dropout(config.encoder.dropout)));
    }
    const bool routerReadsFeatures = config.router.input == RouterInput::Features;
    if (routerReadsFeatures && tokens) {
        throw std::invalid_argument(
            "model.router.input: \"features\" needs model.encoder.input \"vector\"");
    }
    parts.router = register_module(
        "router", Router(RouterOptions(routerReadsFeatures ? shape.inputs : hidden, experts)
                             .hidden(std::max<int64_t>(config.router.hidden, 1))
                             .temperature(config.router.temperature)
                             .jitter(config.router.jitter)
                             .gaussian(config.router.gate == RouterGate::Gaussian)
                             .tokens(tokens ? shape.inputs : 0)));
    for (int64_t j = 0; j < experts; ++j) {
        const auto& ec = config.experts[size_t(j)];
        parts.nestedWidth.push_back(ec.kind == ExpertKind::Nested ? std::max<int64_t>(ec.width, 1) : 0);
        if (ec.kind == ExpertKind::Nested) { // a slice of the one shared network, built after the loop
            parts.policies.emplace_back(nestedPolicyConfig(ec));
            parts.experts.emplace_back(nullptr);
            continue;
        }
        parts.policies.emplace_back(ec);
        parts.experts.push_back(register_module(
            "expert" + std::to_string(j),
            ReflectionExpert(ReflectionExpertOptions(hidden, shape.classes)
                                 .width(std::max<int64_t>(ec.width, 1))
                                 .maxDepth(std::max<int64_t>(ec.maxDepth, 1))
                                 .cell(choiceName(ec.cell, expertCellNames()))
                                 .stepEmbedding(ec.stepEmbedding)
                                 .readTokens(ec.readTokens && tokens)
                                 .readFeatures(std::max<int64_t>(ec.readFeatures, 0))
                                 .zeroInitialState(ec.initialState == InitialState::Zero)
                                 .feedback(ec.feedback)
                                 .criticStopGradient(ec.criticStopGradient)
                                 .hintInput(parts.resolution == ResolutionKind::ReReflect))));
        if (ec.readFeatures > shape.inputs) {
            throw std::invalid_argument(
                "model.experts[" + std::to_string(j) + "].read_features = "
                + std::to_string(ec.readFeatures) + " is more than the data set's "
                + std::to_string(shape.inputs) + " features (allowed: 0 to "
                + std::to_string(shape.inputs) + ")");
        }
    }
    const int64_t nestedWidth =
        *std::max_element(parts.nestedWidth.begin(), parts.nestedWidth.end());
    if (nestedWidth > 0) {
        parts.nested = register_module(
            "nested", NestedExpert(NestedExpertOptions(hidden, shape.classes, nestedWidth)));
    }
    const auto& ic = config.integration;
    parts.integration = register_module(
        "integration", Integration(integrationOptions(ic, experts, shape.classes)));
}

std::vector<int64_t> MoRModelImpl::expertRowsProcessed() const
{
    std::vector<int64_t> rows;
    for (size_t j = 0; j < m_parts->experts.size(); ++j) {
        const auto& expert = m_parts->experts[j];
        rows.push_back(expert.is_empty() ? m_parts->nested->rowsProcessed(m_parts->nestedWidth[j])
                                         : expert->rowsProcessed());
    }
    return rows;
}

std::vector<double> MoRModelImpl::criticTemperatures() const
{
    std::vector<double> out;
    for (const auto& expert : m_parts->experts) {
        out.push_back(expert.is_empty() ? 1.0 : expert->criticTemperature());
    }
    return out;
}

void MoRModelImpl::setCriticTemperatures(const std::vector<double>& temperatures)
{
    for (size_t j = 0; j < m_parts->experts.size() && j < temperatures.size(); ++j) {
        if (m_parts->experts[j].is_empty()) { // a nested slot keeps its raw critic
            continue;
        }
        m_parts->experts[j]->setCriticTemperature(temperatures[j]);
    }
}

std::vector<double> MoRModelImpl::haltThresholds() const
{
    std::vector<double> out;
    for (const auto& expert : m_parts->experts) {
        out.push_back(expert.is_empty() ? -1.0 : expert->haltThreshold());
    }
    return out;
}

void MoRModelImpl::setHaltThresholds(const std::vector<double>& thresholds)
{
    for (size_t j = 0; j < m_parts->experts.size() && j < thresholds.size(); ++j) {
        if (!m_parts->experts[j].is_empty()) { // a nested slot halts at its configured threshold
            m_parts->experts[j]->setHaltThreshold(thresholds[j]);
        }
    }
}

ForwardOutput MoRModelImpl::forward(const torch::Tensor& x, const torch::Tensor& y,
                                    const torch::Tensor& domain)
{
    Pass pass;
    // A labelled pass computes the evaluation detail whatever the thread asked: its losses
    // read every expert's per-step values.
    const EvalDetailGuard detail(evalDetail() || y.defined());
    run(x, y, domain, pass);
    if (y.defined()) {
        computeLosses(y, domain, pass);
    }
    return std::move(pass.out);
}

ForwardOutput MoRModelImpl::forwardUnder(const torch::Tensor& x, const torch::Tensor& y,
                                         const torch::Tensor& domain,
                                         const Intervention& intervention)
{
    Pass pass;
    runEval(x, y, domain, pass, intervention);
    return std::move(pass.out);
}

void MoRModelImpl::runEval(const torch::Tensor& x, const torch::Tensor& y,
                           const torch::Tensor& domain, Pass& pass,
                           const Intervention& intervention)
{
    const bool wasTraining = is_training();
    eval();
    {
        torch::NoGradGuard noGrad;
        const EvalDetailGuard detail(true); // traces and counterfactuals read every step
        run(x, y, domain, pass, intervention);
    }
    if (wasTraining) {
        train();
    }
}

void MoRModelImpl::run(const torch::Tensor& xIn, const torch::Tensor& y,
                       const torch::Tensor& domain, Pass& pass, const Intervention& intervention)
{
    auto& parts = *m_parts;
    const auto device = parts.router->parameters().front().device();
    const auto x = xIn.to(device, torch::kFloat);
    const bool training = is_training();
    const int64_t batch = x.size(0);
    const int64_t experts = int64_t(parts.experts.size());
    const int64_t classes = m_shape.classes;
    auto& out = pass.out;

    torch::Tensor e;
    RouterOutput router;
    Routing routing;
    AnswerOnlyHead head; // encoder, router and top-k routing as loops (answer_only.h)
    const bool fastHead =
        parts.tokenEncoder.is_empty() && !intervention.active()
        && answerOnlyHead(*parts.encoder, *parts.router, m_config.router, x, head);
    if (fastHead) {
        e = head.encoding;
        router.logits = head.logits;
        router.logProbs = head.logProbs;
        router.probs = head.probs;
        routing.mask = head.mask;
        routing.gates = head.gates;
    } else if (!parts.tokenEncoder.is_empty()) {
        const auto encoded = parts.tokenEncoder->forward(x);
        e = encoded.summary;
        router = parts.router->forward(encoded.tokens, encoded.mask);
        pass.tokens = encoded.tokens;
        pass.tokenMask = encoded.mask;
        pass.encoderPool = encoded.weights;
        pass.routerPool = router.poolWeights;
    } else {
        e = parts.encoder->forward(x);
        router = parts.router->forward(m_config.router.input == RouterInput::Features ? x : e);
    }
    torch::Tensor thresholds;
    if (m_expertThreshold.defined() && m_expertThreshold.ge(0.0).all().item<bool>()) {
        thresholds = m_expertThreshold;
    }
    if (!fastHead) {
        routing = m_config.router.groups.empty()
                      ? route(router.probs, m_config.router, training, thresholds)
                      : routeGroups(router.probs, domain, m_config.router, training, thresholds);
    }
    pass.group = routing.group;
    if (training && m_expertThreshold.defined() && router.probs.size(0) > 0) {
        // Expert choice learns its per-input rule from the batches: a running mean of each
        // expert's capacity cut-off.
        torch::NoGradGuard noGrad;
        const auto cut = (routing.cutoffs.defined()
                              ? routing.cutoffs
                              : expertChoiceCutoffs(router.probs, m_config.router.topK,
                                                    m_config.router.capacityFactor))
                             .to(m_expertThreshold.device(), m_expertThreshold.scalar_type());
        const auto unset = m_expertThreshold.lt(0.0);
        const auto next = torch::where(unset, cut, 0.95 * m_expertThreshold + 0.05 * cut);
        // groups: an expert whose group had no input in this batch (cut -1) keeps its value
        m_expertThreshold.copy_(torch::where(cut.lt(0.0), m_expertThreshold, next));
    }
    // Counterfactuals: a veto or a forced routing replaces the selection before any expert runs.
    TORCH_CHECK(!training || !intervention.active(), "interventions are for eval passes only");
    const std::string bad = checkIntervention(intervention, experts);
    TORCH_CHECK(bad.empty(), bad);
    auto mask = routing.mask;
    auto gates = routing.gates;
    if (intervention.active()) {
        interveneRouting(intervention, router.probs, m_config.router.renormalize, mask, gates);
    }
    pass.routeLogProb = routing.logProb;
    pass.selection = routing.selection;
    if (!training && routing.batchMask.defined()) {
        out.batchMask = routing.batchMask;
    }
    pass.encoding = e;
    pass.input = x;
    pass.routerLogits = router.logits;
    pass.routerLogProbs = router.logProbs;
    out.routerProbs = router.probs;
    out.mask = mask;
    out.gates = gates;
    const double baseFlops = (parts.tokenEncoder.is_empty() ? parts.encoder->flopsPerRow()
                                                            : parts.tokenEncoder->flopsPerRow())
                             + parts.router->flopsPerRow();

    // Answer-only pass (eval_detail.h: serving, the adaptive-depth benchmark): the experts (or,
    // with grouped dispatch, the groups) on their rows, then the fusion, steps and FLOPs as loops
    // over the batch (answer_only_pass.cpp) instead of ~90 small ops on [B, E, C] tensors.
    if (!training && !evalDetail() && !torch::GradMode::is_enabled() && answerOnlyTailEnabled()
        && !intervention.active()
        && (parts.resolution == ResolutionKind::Weighted
            || parts.resolution == ResolutionKind::Flag)
        && e.is_cpu() && e.scalar_type() == torch::kFloat
        && answerOnlyTailSupports(*parts.integration, gates, mask)) {
        runAnswerOnly(e, mask, gates, baseFlops, pass);
        return;
    }

    // Sparse dispatch: each expert sees only its rows; an expert without rows is not called.
    // Experts of one shape run grouped in training (model::groupedDispatch, grouped_experts.h):
    // one segment product per layer and step for the whole group, in evaluation one compaction
    // per step for the whole group.
    const auto zeroSteps = torch::zeros({batch}, e.options().dtype(torch::kLong));
    // (batch row * E + expert) of every routed pair, and what the expert answered for it.
    std::vector<torch::Tensor> pairIndex, pairAnswer, pairConf, pairSteps;
    pass.experts.resize(size_t(experts));
    std::vector<bool> grouped(size_t(experts), false);
    if (!intervention.active() && groupedDispatch(training) && parts.nested.is_empty()) {
        for (const auto& [group, members] :
             dispatchGroups(m_config.experts, parts.experts, training)) {
            for (const int64_t j : group) {
                grouped[size_t(j)] = true;
            }
            const auto index = torch::tensor(group, zeroSteps.options());
            auto gr = reflectGroup(members, parts.policies[size_t(group.front())], e,
                                   mask.index_select(1, index), /*shrink=*/!training);
            for (size_t g = 0; g < group.size(); ++g) {
                auto& ep = pass.experts[size_t(group[g])];
                ep.rows = gr.rows[g];
                ep.ran = ep.rows.numel() > 0;
                if (ep.ran) {
                    ep.run = std::move(gr.runs[g]);
                }
            }
            if (gr.batchRows.numel() > 0) {
                if (training) { // losses once per group (every step ran for every row)
                    pass.groups.push_back(GroupPass{group, gr.batchRows, gr.all});
                }
                pairIndex.push_back(gr.batchRows * experts + index.index_select(0, gr.members));
                pairAnswer.push_back(gr.answer);
                pairConf.push_back(gr.confidence);
                pairSteps.push_back(gr.iterations);
            }
        }
    }
    for (int64_t j = 0; j < experts; ++j) {
        if (grouped[size_t(j)]) {
            continue;
        }
        auto& ep = pass.experts[size_t(j)];
        ep.rows = mask.select(1, j).nonzero().squeeze(1);
        if (ep.rows.numel() == 0) {
            continue;
        }
        ep.ran = true;
        auto& expert = parts.experts[size_t(j)];
        if (expert.is_empty()) { // nested slot: the slice of its width of the shared network
            ep.run = parts.nested->run(e.index_select(0, ep.rows), parts.nestedWidth[size_t(j)]);
            pairIndex.push_back(ep.rows * experts + j);
            pairAnswer.push_back(ep.run.answer);
            pairConf.push_back(ep.run.confidence);
            pairSteps.push_back(ep.run.iterations);
            continue;
        }
        const auto memory = expertMemory(*expert, pass, ep.rows);
        ep.run = intervention.changesReflection()
                     ? reflectUnder(*expert, e.index_select(0, ep.rows), parts.policies[size_t(j)],
                                    intervention, memory)
                     : expert->reflect(e.index_select(0, ep.rows), parts.policies[size_t(j)],
                                       !training, memory);
        pairIndex.push_back(ep.rows * experts + j);
        pairAnswer.push_back(ep.run.answer);
        pairConf.push_back(ep.run.confidence);
        pairSteps.push_back(ep.run.iterations);
    }
    if (training && m_config.router.probeFraction > 0.0 && experts > 1) {
        runProbes(e, mask, pass);
    }
    // One scatter for all experts: uniform answers, zero confidence and steps where not routed.
    auto answers = torch::full({batch * experts, classes}, 1.0 / double(classes), e.options());
    auto confidences = torch::zeros({batch * experts}, e.options());
    auto expertSteps = torch::zeros({batch * experts}, zeroSteps.options());
    if (!pairIndex.empty()) {
        const auto index = torch::cat(pairIndex);
        answers = indexCopyPromoted(answers, 0, index, torch::cat(pairAnswer));
        confidences = indexCopyPromoted(confidences, 0, index, torch::cat(pairConf));
        expertSteps = expertSteps.index_copy(0, index, torch::cat(pairSteps));
    }
    answers = answers.view({batch, experts, classes});
    confidences = confidences.view({batch, experts});
    expertSteps = expertSteps.view({batch, experts});
    const auto fusion = parts.integration->forward(answers, confidences, gates,
                                                   mask);
    pass.fusion = fusion;
    auto probs = fusion.probs;
    auto weights = fusion.weights;
    auto winner = weights.detach().argmax(1);
    const auto conflict = fusion.conflict;
    const auto conflictCol = conflict.unsqueeze(1);

    if (parts.resolution == ResolutionKind::MostConfident) {
        const auto best = mostConfidentExpert(confidences, mask);
        const auto chosen =
            answers.gather(1, best.view({batch, 1, 1}).expand({batch, 1, classes})).squeeze(1);
        probs = torch::where(conflictCol, chosen, probs);
        winner = torch::where(conflict, best, winner);
    } else if (parts.resolution == ResolutionKind::ReReflect
               && m_config.integration.extraIterations > 0 && conflict.any().item<bool>()) {
        // The confident experts that disagree think again, seeing the fused answer as the draft.
        const int64_t extra = m_config.integration.extraIterations;
        const auto hint = probs.detach();
        const auto confident = confidences.detach().ge(m_config.integration.confidentThreshold);
        auto answerCols = answers.unbind(1);
        auto confCols = confidences.unbind(1);
        auto stepCols = expertSteps.unbind(1);
        for (int64_t j = 0; j < experts; ++j) {
            auto& ep = pass.experts[size_t(j)];
            if (!ep.ran || parts.experts[size_t(j)].is_empty()) {
                continue;
            }
            const auto involved = conflict.logical_and(mask.select(1, j))
                                      .logical_and(confident.select(1, j));
            const auto batchRows = involved.nonzero().squeeze(1);
            if (batchRows.numel() == 0) {
                continue;
            }
            const auto position = torch::full({batch}, -1, zeroSteps.options())
                                      .index_copy(0, ep.rows,
                                                  torch::arange(ep.rows.numel(),
                                                                zeroSteps.options()));
            ep.extraRows = batchRows;
            ep.extraPos = position.index_select(0, batchRows);
            auto& expert = parts.experts[size_t(j)];
            const auto memory = expertMemory(*expert, pass, batchRows);
            ep.extra = expert->extend(
                ep.run.state.index_select(0, ep.extraPos), e.index_select(0, batchRows),
                hint.index_select(0, batchRows), ep.run.confidence.index_select(0, ep.extraPos),
                extra, memory);
            answerCols[size_t(j)] = toBatch(answerCols[size_t(j)], batchRows, ep.extra.answer);
            confCols[size_t(j)] = toBatch(confCols[size_t(j)], batchRows, ep.extra.confidence);
            stepCols[size_t(j)] = stepCols[size_t(j)].index_add(
                0, batchRows, torch::full({batchRows.numel()}, extra, zeroSteps.options()));
        }
        answers = torch::stack(answerCols, 1);
        confidences = torch::stack(confCols, 1);
        expertSteps = torch::stack(stepCols, 1);
        const auto refused = parts.integration->forward(answers, confidences, gates,
                                                        mask);
        probs = torch::where(conflictCol, refused.probs, probs);
        weights = torch::where(conflictCol, refused.weights, weights);
        winner = weights.detach().argmax(1);
        // The conflict measured again on the re-reflected answers; both are recorded.
        out.conflictScoreAfter =
            torch::where(conflict, refused.score.detach(), torch::full_like(fusion.score, -1.0));
    }

    if (!m_config.router.renormalize) {
        // Switch-style gating: the selected experts enter scaled by their router probability
        // and the rest of the mass (1 - sum of the selected gates) goes to the uniform answer,
        // so d loss / d p_j is non-zero even at top_k 1. Shared experts (gate 1) fill the mass.
        probs = switchMixture(probs, gates);
    }

    out.logits = torch::log(probs.clamp_min(1e-12));
    out.steps = expertSteps;
    out.conflict = conflict;
    out.conflictScore = fusion.score;
    pass.answers = answers;
    pass.confidences = confidences;
    pass.weights = weights;
    pass.probs = probs;
    pass.winner = winner;

    // stepPreds[t]: the fused prediction if every expert answered at step min(t, its halt).
    // Evaluation detail (eval_detail.h): training and answer-only passes do not pay for it.
    if (!training && evalDetail()) {
        torch::NoGradGuard noGrad;
        int64_t maxDepth = 1;
        for (const auto& expert : parts.experts) {
            maxDepth = std::max(maxDepth, expert.is_empty() ? 1 : expert->options.maxDepth());
        }
        out.stepPreds = fusedStepPredictions(*parts.integration, pass.experts, gates, mask,
                                             maxDepth, classes);
        if (!intervention.changesReflection()) { // calibration data is of the model as it is
            fillCalibrationInputs(y, pass);
        }
    }

    // Analytic FLOPs: 2 * in * out per linear layer per row, for the work that really ran.
    // Per row: the steps each expert ran times its FLOPs per step, plus per routed expert its
    // initial state and its share of the fusion: two matrix-vector products over [B, E]
    // (integer-valued doubles, so exact in any order) instead of ~10 ops on [B, E] tensors.
    const auto dbl = e.options().dtype(torch::kDouble);
    std::vector<double> stepFlops, routedFlops;
    for (size_t j = 0; j < parts.experts.size(); ++j) {
        const auto& expert = parts.experts[j];
        const int64_t width = parts.nestedWidth[j]; // nested slot: its slice, one step
        stepFlops.push_back(expert.is_empty() ? parts.nested->flopsPerRow(width)
                                              : expert->stepFlops());
        routedFlops.push_back((expert.is_empty() ? 0.0 : expert->initFlops())
                              + parts.integration->flopsPerExpert());
    }
    auto flops = out.steps.to(torch::kDouble).mv(torch::tensor(stepFlops, dbl))
                 + mask.to(torch::kDouble).mv(torch::tensor(routedFlops, dbl)) + baseFlops;
    for (size_t j = 0; j < pass.probes.size(); ++j) { // training probes are real work too
        const auto& probe = pass.probes[j];
        if (probe.ran) {
            const auto& expert = parts.experts[j];
            const double step = expert.is_empty()
                                    ? parts.nested->flopsPerRow(parts.nestedWidth[j])
                                    : expert->stepFlops();
            flops = flops.index_add(0, probe.rows,
                                    probe.run.iterations.to(torch::kDouble) * step
                                        + (expert.is_empty() ? 0.0 : expert->initFlops()));
        }
    }
    out.flops = flops;
    (void)y;
    (void)domain;
}

void MoRModelImpl::runProbes(const torch::Tensor& e, const torch::Tensor& mask, Pass& pass)
{
    // Same sparse gather -> reflect path as the routed experts, on a sample of rows only.
    auto& parts = *m_parts;
    pass.probeMask = selectProbes(mask, m_config.router.probeFraction);
    pass.probes.resize(parts.experts.size());
    for (size_t j = 0; j < parts.experts.size(); ++j) {
        auto& probe = pass.probes[j];
        probe.rows = pass.probeMask.select(1, int64_t(j)).nonzero().squeeze(1);
        if (probe.rows.numel() == 0) {
            continue;
        }
        probe.ran = true;
        auto& expert = parts.experts[j];
        if (expert.is_empty()) {
            probe.run = parts.nested->run(e.index_select(0, probe.rows), parts.nestedWidth[j]);
            continue;
        }
        const auto memory = expertMemory(*expert, pass, probe.rows);
        probe.run = expert->reflect(e.index_select(0, probe.rows), parts.policies[j],
                                    /*shrink=*/false, memory);
    }
}

} // namespace mor::model
