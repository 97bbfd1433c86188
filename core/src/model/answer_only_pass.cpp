// SPDX-License-Identifier: GPL-3.0-or-later
// MoRModelImpl's answer-only pass after routing (issue 20): each expert's rows from one loop
// over the mask, the experts (or groups of equal experts, with grouped dispatch) on their rows,
// then the fusion, steps and FLOPs as one loop over the batch (answer_only.h) instead of ~90
// small ops on [B, E, C] tensors. run() takes it for eval passes without evaluation detail,
// gradients or interventions, with weighted or flag resolution; same answers and steps as the
// general path (tst_answer_only).
#include "model/mor_model.h"

#include "model/answer_only.h"
#include "model/grouped_experts.h"
#include "model/model_pass.h"

namespace mor::model {

void MoRModelImpl::runAnswerOnly(const torch::Tensor& e, const torch::Tensor& mask,
                                 const torch::Tensor& gates, double baseFlops, Pass& pass)
{
    auto& parts = *m_parts;
    const int64_t experts = int64_t(parts.experts.size());
    const int64_t classes = m_shape.classes;
    auto& out = pass.out;
    const auto lists = expertRowLists(mask);
    std::vector<AnswerOnlyExpert> answered(static_cast<size_t>(experts));
    pass.experts.resize(size_t(experts));
    for (int64_t j = 0; j < experts; ++j) {
        const auto& expert = parts.experts[size_t(j)];
        auto& ao = answered[size_t(j)];
        ao.stepFlops = expert.is_empty() ? parts.nested->flopsPerRow(parts.nestedWidth[size_t(j)])
                                         : expert->stepFlops();
        ao.initFlops = expert.is_empty() ? 0.0 : expert->initFlops();
    }
    // Expert j's entries of the pass and of the tail: its run on its batch rows.
    const auto record = [&](int64_t j, torch::Tensor rows, ExpertRun run) {
        auto& ep = pass.experts[size_t(j)];
        ep.rows = std::move(rows);
        ep.ran = true;
        ep.run = std::move(run);
        auto& ao = answered[size_t(j)];
        ao.rows = &lists[size_t(j)];
        ao.answer = ep.run.answer;
        ao.confidence = ep.run.confidence;
        ao.iterations = ep.run.iterations;
    };
    // Grouped dispatch (never by default in evaluation): each group's rows gathered once,
    // its members reflected by reflectGroup; the same tail after it.
    std::vector<bool> grouped(size_t(experts), false);
    if (groupedDispatch(false) && parts.nested.is_empty()) {
        for (const auto& [group, members] :
             dispatchGroups(m_config.experts, parts.experts, /*training=*/false)) {
            auto gr = reflectGroup(members, parts.policies[size_t(group.front())], e,
                                   mask.index_select(1, rowIndexTensor(group)), /*shrink=*/true);
            for (size_t g = 0; g < group.size(); ++g) {
                grouped[size_t(group[g])] = true;
                if (!lists[size_t(group[g])].empty()) {
                    record(group[g], gr.rows[g], std::move(gr.runs[g]));
                }
            }
        }
    }
    for (int64_t j = 0; j < experts; ++j) {
        if (grouped[size_t(j)] || lists[size_t(j)].empty()) {
            continue;
        }
        auto& expert = parts.experts[size_t(j)];
        const auto rows = rowIndexTensor(lists[size_t(j)]);
        const auto input = e.index_select(0, rows);
        record(j, rows,
               expert.is_empty() ? parts.nested->run(input, parts.nestedWidth[size_t(j)])
                                 : expert->reflect(input, parts.policies[size_t(j)], true,
                                                   expertMemory(*expert, pass, rows)));
    }
    auto tail = answerOnlyTail(*parts.integration, answered, gates, mask, classes, baseFlops,
                               /*switchMix=*/!m_config.router.renormalize);
    pass.probs = tail.answer;
    out.logits = tail.logits;
    out.steps = tail.steps;
    out.conflict = tail.conflict;
    out.conflictScore = tail.score;
    out.flops = tail.flops;
}

} // namespace mor::model
