#pragma once
// The evaluation detail of a fused reflection (issue 20, session 17): what reflect() returns
// with evaluation detail on ([T, n] logits, probabilities, critiques, critic logits, lambdas,
// computed steps; eval_detail.h), recorded step by step by fusedReflect (fused_reflect.h) from
// the rows it computes. A row that halted keeps the values of its halting step at the later
// steps, as reflect()'s gather of the steps' outputs leaves them.
#include "model/reflection_expert.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model {

class FusedStepRecord {
public:
    /// n input rows, `steps` steps, `classes` classes.
    FusedStepRecord(int64_t n, int64_t steps, int64_t classes);

    /// Step t (1-based) of the m compacted rows, row i being input row rows[i]: the head's
    /// logits (row stride ld) before the softmax.
    void logits(int64_t t, const int64_t* rows, int64_t m, const float* values, int64_t ld);
    /// Step t's drafts (row stride ld), critic logits z, critiques and halting lambdas.
    void values(int64_t t, const int64_t* rows, int64_t m, const float* probs, int64_t ld,
                const float* z, const float* critique, const float* lambda);

    /// `run` (answer, confidence, state, haltStep, iterations of the fused reflection) with the
    /// detail: logits, probs, critique, criticLogit, heldCritique, lambda, computed.
    ExpertRun finish(ExpertRun run) const;

private:
    int64_t m_n = 0, m_steps = 0, m_classes = 0;
    std::vector<float> m_logits, m_probs; ///< [T, n, C]
    std::vector<float> m_z, m_critique, m_lambda; ///< [T, n]
};

} // namespace mor::model
