// MoRModelImpl::computeLosses: every loss term of a pass, and their weighted sum.
#include "model/model_pass.h"
#include "model/router_losses.h"
#include "model/mixed_precision.h"

namespace mor::model {

namespace {

struct ExpertTerms {
    torch::Tensor task, critique, halting, improvement;
    torch::Tensor taskPerRow; ///< [n]: the task loss of each row (task = its mean)
};

ExpertTerms expertTerms(const ExpertRun& run, const torch::Tensor& y, const HaltingPolicy& policy,
                        TaskLoss taskLoss, bool meanField = false)
{
    const int64_t steps = run.logits.size(0);
    const int64_t n = run.logits.size(1);
    const int64_t classes = run.logits.size(2);
    const auto stepLoss = torch::nn::functional::cross_entropy(
                              run.logits.reshape({steps * n, classes}), y.repeat({steps}),
                              torch::nn::functional::CrossEntropyFuncOptions().reduction(
                                  torch::kNone))
                              .view({steps, n});
    ExpertTerms terms;
    if (taskLoss == TaskLoss::DeepSupervision) {
        terms.taskPerRow = stepLoss.mean(0);
    } else if (taskLoss == TaskLoss::Final) {
        terms.taskPerRow = stepLoss.select(0, steps - 1);
    } else if (meanField) {
        // ACT (Graves 2016): the loss of the mean-field answer sum_t w_t y_t itself.
        terms.taskPerRow = torch::nll_loss(torch::log(run.answer.clamp_min(1e-12)), y, {},
                                           at::Reduction::None);
    } else { // expected: sum_t w_t loss_t over the steps each row used
        terms.taskPerRow =
            (policy.stepWeights(run.lambda, run.critique, run.computed) * stepLoss).sum(0);
    }
    terms.task = terms.taskPerRow.mean();
    // Critique calibration on the steps that ran; the target (draft right?) carries no gradient.
    const auto correct = run.logits.argmax(2).eq(y.unsqueeze(0)).to(run.critique.scalar_type());
    const auto computed = run.computed.to(run.critique.scalar_type());
    const auto bce = binaryCrossEntropy(run.critique.clamp(1e-6, 1.0 - 1e-6), correct.detach(),
                                        at::Reduction::None);
    terms.critique = (bce * computed).sum() / computed.sum().clamp_min(1.0);
    terms.halting = policy.regulariser(run.lambda, run.critique, run.computed);
    if (steps > 1) {
        terms.improvement = torch::relu(stepLoss.narrow(0, 1, steps - 1)
                                        - stepLoss.narrow(0, 0, steps - 1))
                                .sum(0)
                                .mean();
    } else {
        terms.improvement = stepLoss.sum() * 0.0;
    }
    return terms;
}

} // namespace

void MoRModelImpl::addProbeLosses(const torch::Tensor& y, Pass& pass, torch::Tensor& total)
{
    // Every tried expert's loss on the probe rows: the routed ones and the probe.
    const auto& rc = m_config.router;
    auto& losses = pass.out.losses;
    const int64_t batch = y.size(0);
    const auto zeros = torch::zeros({batch}, pass.out.logits.options());
    const bool information = rc.probeScore == ProbeScore::Information;
    std::vector<torch::Tensor> cols;
    for (size_t j = 0; j < pass.experts.size(); ++j) {
        // Every row expert j answered in the batch (routed, then probed), and its score there.
        std::vector<torch::Tensor> rowParts, answerParts;
        for (const ExpertPass* part : {&pass.experts[j], &pass.probes[j]}) {
            if (part->ran) {
                rowParts.push_back(part->rows);
                answerParts.push_back(part->run.answer);
            }
        }
        auto col = zeros;
        if (!rowParts.empty()) {
            const auto rowsJ = torch::cat(rowParts);
            const auto answersJ = torch::cat(answerParts).detach();
            const auto yj = y.index_select(0, rowsJ);
            // "information": log q_j(y|x) - log qbar_j(y), qbar_j = expert j's mean answer over
            // its rows, so an expert that only repeats its favourite label (fed inputs the router
            // sorted by label) gains nothing over its own average.
            col = indexCopyPromoted(col, 0, rowsJ,
                                 information ? informationLoss(answersJ, yj)
                                             : -answersJ.clamp_min(1e-12).log().gather(
                                                   1, yj.unsqueeze(1)).squeeze(1));
        }
        cols.push_back(col);
    }
    const auto tried = pass.out.mask.logical_or(pass.probeMask);
    const auto rows = pass.probeMask.any(1).nonzero().squeeze(1);
    const auto all = torch::stack(cols, 1);
    auto prior = pass.routerLogProbs.detach();
    if (rc.probeBalance > 0.0) {
        prior = prior + loadCorrection(pass.out.mask, rc.probeBalance);
    }
    losses["probe"] = probeContrastLoss(pass.routerLogProbs.index_select(0, rows),
                                        all.index_select(0, rows), tried.index_select(0, rows),
                                        rc.probeTemperature, prior.index_select(0, rows));
    total = total + rc.probeWeight * losses["probe"];

    // The probe expert learns from an input in proportion to its responsibility for it (the
    // M-step of EM): an expert that beats the routed one keeps improving there and can take the
    // input over; one far worse is not made a generalist.
    const auto targets = probeTargets(all, tried, rc.probeTemperature, prior);
    torch::Tensor probeTask;
    for (size_t j = 0; j < pass.probes.size(); ++j) {
        const auto& probe = pass.probes[j];
        if (!probe.ran || rc.probeLearning == ProbeLearning::None) {
            continue;
        }
        const auto perRow = expertTerms(probe.run, y.index_select(0, probe.rows),
                                        m_parts->policies[j], m_config.taskLoss)
                                .taskPerRow;
        const auto sum = rc.probeLearning == ProbeLearning::Always
                             ? perRow.sum()
                             : (targets.select(1, int64_t(j)).index_select(0, probe.rows) * perRow)
                                   .sum();
        probeTask = probeTask.defined() ? probeTask + sum : sum;
    }
    if (probeTask.defined()) {
        losses["probe_expert"] = probeTask / double(rows.numel());
        total = total + m_config.expertWeight * losses["probe_expert"];
    }
}

torch::Tensor MoRModelImpl::competitiveTaskLoss(const torch::Tensor& expertLosses,
                                               const torch::Tensor& logGates,
                                               std::map<std::string, torch::Tensor>& losses) const
{
    if (m_config.router.objective == RouterObjective::MixtureLikelihood) {
        // Jacobs et al. 1991: the task loss is the mixture's negative log-likelihood; it trains
        // the experts (weighted by their posterior responsibility) and the gate together.
        losses["mixture"] = mixtureNegLogLikelihood(logGates, expertLosses).mean();
        return losses["mixture"];
    }
    // Hard EM: each input belongs to its lowest-loss expert (E-step, stop-gradient); only that
    // expert learns from it and the router learns the assignment.
    const auto assigned = hardEmAssignment(expertLosses);
    losses["expert"] = expertLosses.gather(1, assigned.unsqueeze(1)).mean();
    losses["assignment"] = torch::nll_loss(logGates, assigned);
    return m_config.expertWeight * losses["expert"] + losses["assignment"];
}

void MoRModelImpl::computeLosses(const torch::Tensor& yIn, const torch::Tensor& domainIn,
                                 Pass& pass)
{
    auto& parts = *m_parts;
    auto& out = pass.out;
    const auto device = out.logits.device();
    const auto y = yIn.to(device, torch::kLong);
    auto& losses = out.losses;
    const auto& rc = m_config.router;

    losses["task"] = torch::nll_loss(out.logits, y);

    torch::Tensor task, critique, halting, weightedHalting, improvement;
    const bool competitive = rc.objective != RouterObjective::Routed && pass.selection.defined();
    // Competitive objectives: every expert's own task loss on every input [B, E].
    std::vector<torch::Tensor> lossColumns;
    double rows = 0.0;
    // Grouped dispatch: every term is a sum over rows (every step ran), so a group's terms
    // computed once on its whole run equal its members' terms weighted by their rows; the
    // number of ops no longer grows with the group's size. Competitive objectives (a column
    // per expert), re-reflected members and unequal halt weights take the per-expert loop.
    std::vector<bool> done(pass.experts.size(), false);
    for (const auto& group : pass.groups) {
        const size_t first = size_t(group.experts.front());
        bool fused = !competitive;
        for (const int64_t j : group.experts) {
            fused = fused && !pass.experts[size_t(j)].extraRows.defined()
                    && m_config.experts[size_t(j)].haltWeight == m_config.experts[first].haltWeight;
        }
        if (!fused) {
            continue;
        }
        const auto terms =
            expertTerms(group.run, y.index_select(0, group.rows), parts.policies[first],
                        m_config.taskLoss, m_config.experts[first].halting == HaltingRule::Act);
        const double n = double(group.rows.numel());
        const auto add = [n](torch::Tensor& sum, const torch::Tensor& term) {
            sum = sum.defined() ? sum + term * n : term * n;
        };
        add(task, terms.task);
        add(critique, terms.critique);
        add(halting, terms.halting);
        add(weightedHalting, terms.halting * m_config.experts[first].haltWeight);
        add(improvement, terms.improvement);
        rows += n;
        for (const int64_t j : group.experts) {
            done[size_t(j)] = true;
        }
    }
    for (size_t j = 0; j < pass.experts.size(); ++j) {
        const auto& ep = pass.experts[j];
        if (!ep.ran || done[j]) {
            continue;
        }
        const auto terms = expertTerms(ep.run, y.index_select(0, ep.rows), parts.policies[j],
                                       m_config.taskLoss, m_config.experts[j].halting == HaltingRule::Act);
        if (competitive) {
            lossColumns.push_back(torch::zeros({y.size(0)}, terms.taskPerRow.options())
                                      .index_copy(0, ep.rows, terms.taskPerRow));
        }
        const double n = double(ep.rows.numel());
        const double haltWeight = m_config.experts[j].haltWeight;
        const auto add = [n](torch::Tensor& sum, const torch::Tensor& term) {
            sum = sum.defined() ? sum + term * n : term * n;
        };
        add(task, terms.task);
        auto critiqueTerm = terms.critique;
        if (ep.extraRows.defined() && ep.extra.critique.defined()) {
            // The re-reflection steps are the expert's own drafts too: their critique learns.
            const auto ye = y.index_select(0, ep.extraRows).unsqueeze(0);
            const auto right =
                ep.extra.probs.argmax(2).eq(ye).to(ep.extra.critique.scalar_type()).detach();
            const auto bce = binaryCrossEntropy(ep.extra.critique.clamp(1e-6, 1.0 - 1e-6), right);
            critiqueTerm = critiqueTerm + bce * (double(ep.extraRows.numel()) / n);
        }
        add(critique, critiqueTerm);
        add(halting, terms.halting);
        add(weightedHalting, terms.halting * haltWeight);
        add(improvement, terms.improvement);
        rows += n;
    }
    if (rows == 0.0) { // empty batch: no expert ran
        const auto zero = out.logits.sum() * 0.0;
        task = critique = halting = weightedHalting = improvement = zero;
        rows = 1.0;
    }
    // Experts are averaged weighted by how many inputs each one served.
    losses["expert"] = task / rows;
    losses["critique"] = critique / rows;
    losses["halting"] = halting / rows;
    if (rc.strategy == RoutingStrategy::SharedRouted && rc.sharedExperts > 0
        && rc.sharedExperts < out.routerProbs.size(1)) {
        // Shared experts (always on) are not part of the load to balance (DeepSeekMoE).
        const int64_t shared = rc.sharedExperts;
        const int64_t routed = out.routerProbs.size(1) - shared;
        const auto p = out.routerProbs.narrow(1, shared, routed);
        losses["balance"] = loadBalanceLoss(p / p.sum(1, true).clamp_min(1e-12),
                                            out.mask.narrow(1, shared, routed));
    } else {
        // Competitive objectives: the load is what inference would select, not "every expert".
        losses["balance"] =
            loadBalanceLoss(out.routerProbs, competitive ? pass.selection : out.mask);
    }
    // The Gaussian gate's logits are log densities: no z-loss.
    const bool gaussianGate = rc.gate == RouterGate::Gaussian;
    losses["z"] = gaussianGate ? pass.routerLogits.sum() * 0.0 : routerZLoss(pass.routerLogits);

    // halting_step_loss false on every expert: only the experts' own objectives (PonderNet's
    // expected loss, ACT's mean-field loss), no extra loss on the fused halting-step answer.
    bool answerLoss = false;
    for (const auto& ec : m_config.experts) {
        answerLoss = answerLoss || ec.haltingStepLoss;
    }
    auto taskTerm = (answerLoss ? losses["task"] : losses["task"].detach() * 0.0)
                    + m_config.expertWeight * losses["expert"];
    if (competitive && int64_t(lossColumns.size()) == out.routerProbs.size(1)) {
        // Gaussian gate: the joint log density log a_j N(x | j), so the loss is -log p(x, y).
        taskTerm = competitiveTaskLoss(torch::stack(lossColumns, 1),
                                       gaussianGate ? pass.routerLogits : pass.routerLogProbs,
                                       losses);
    }
    auto total = taskTerm + m_config.critiqueWeight * losses["critique"] + weightedHalting / rows
                 + rc.balanceWeight * losses["balance"] + rc.zLossWeight * losses["z"];
    if (rc.feedbackWeight > 0.0 && pass.routeLogProb.defined()) {
        // REINFORCE for the sampled routing (Williams 1992): raise the log-probability of the
        // sampled expert set in proportion to its advantage, the batch-mean fused task loss
        // minus this input's (a baseline that does not depend on the input's own sample).
        const auto perRow = torch::nll_loss(out.logits.detach(), y, {}, at::Reduction::None);
        const auto advantage = perRow.mean() - perRow;
        losses["feedback"] = -(advantage * pass.routeLogProb).mean();
        total = total + rc.feedbackWeight * losses["feedback"];
    }
    if (pass.fusion.alpha.defined()) {
        const auto evidential = m_parts->integration->evidentialLoss(pass.fusion, y, out.mask);
        if (evidential.defined()) {
            losses["evidential"] = evidential;
            total = total + evidential;
        }
    }
    if (rc.entropyWeight > 0.0) {
        losses["entropy"] = routerEntropy(pass.routerLogProbs);
        total = total + rc.entropyWeight * losses["entropy"];
    }
    if (rc.sinkhornIterations > 0 && rc.sinkhornWeight > 0.0) {
        losses["sinkhorn"] =
            sinkhornLoss(pass.routerLogProbs, rc.sinkhornIterations, rc.sinkhornTemperature);
        total = total + rc.sinkhornWeight * losses["sinkhorn"];
    }
    if (pass.probeMask.defined()) {
        addProbeLosses(y, pass, total);
    }
    if (rc.selectorWeight > 0.0 && domainIn.defined()) {
        losses["selector"] = selectorLoss(pass.routerLogProbs, domainIn.to(device, torch::kLong));
        total = total + rc.selectorWeight * losses["selector"];
    }
    if (m_config.integration.conflictWeight > 0.0) {
        losses["conflict"] = out.conflictScore.mean();
        total = total + m_config.integration.conflictWeight * losses["conflict"];
    }
    if (m_config.improvementWeight > 0.0) {
        losses["improvement"] = improvement / rows;
        total = total + m_config.improvementWeight * losses["improvement"];
    }
    out.totalLoss = total;
}

} // namespace mor::model
