#include "model/fused_reflect_detail.h"

#include <algorithm>
#include <cstring>

namespace mor::model {

FusedStepRecord::FusedStepRecord(int64_t n, int64_t steps, int64_t classes)
    : m_n(n), m_steps(steps), m_classes(classes), m_logits(size_t(steps * n * classes)),
      m_probs(size_t(steps * n * classes)), m_z(size_t(steps * n)),
      m_critique(size_t(steps * n)), m_lambda(size_t(steps * n))
{
}

void FusedStepRecord::logits(int64_t t, const int64_t* rows, int64_t m, const float* values,
                             int64_t ld)
{
    float* out = m_logits.data() + (t - 1) * m_n * m_classes;
    for (int64_t i = 0; i < m; ++i) {
        std::memcpy(out + rows[i] * m_classes, values + i * ld, size_t(m_classes) * sizeof(float));
    }
}

void FusedStepRecord::values(int64_t t, const int64_t* rows, int64_t m, const float* probs,
                             int64_t ld, const float* z, const float* critique,
                             const float* lambda)
{
    const int64_t base = (t - 1) * m_n;
    for (int64_t i = 0; i < m; ++i) {
        const int64_t row = rows[i];
        std::memcpy(m_probs.data() + (base + row) * m_classes, probs + i * ld,
                    size_t(m_classes) * sizeof(float));
        m_z[size_t(base + row)] = z[i];
        m_critique[size_t(base + row)] = critique[i];
        m_lambda[size_t(base + row)] = lambda[i];
    }
}

ExpertRun FusedStepRecord::finish(ExpertRun run) const
{
    const auto halt = run.haltStep.contiguous();
    const int64_t* h = halt.data_ptr<int64_t>();
    const auto floats = torch::TensorOptions(torch::kFloat);
    run.logits = torch::empty({m_steps, m_n, m_classes}, floats);
    run.probs = torch::empty({m_steps, m_n, m_classes}, floats);
    run.critique = torch::empty({m_steps, m_n}, floats);
    run.criticLogit = torch::empty({m_steps, m_n}, floats);
    run.lambda = torch::empty({m_steps, m_n}, floats);
    run.computed = torch::empty({m_steps, m_n}, floats.dtype(torch::kBool));
    float* logits = run.logits.data_ptr<float>();
    float* probs = run.probs.data_ptr<float>();
    float* critique = run.critique.data_ptr<float>();
    float* z = run.criticLogit.data_ptr<float>();
    float* lambda = run.lambda.data_ptr<float>();
    bool* computed = run.computed.data_ptr<bool>();
    const size_t rowBytes = size_t(m_classes) * sizeof(float);
    for (int64_t t = 0; t < m_steps; ++t) {
        for (int64_t r = 0; r < m_n; ++r) {
            // Step t + 1 ran for the row up to its halting step; after it, the row holds the
            // values of its halting step.
            const int64_t from = std::min<int64_t>(t, h[r] - 1) * m_n + r;
            const int64_t to = t * m_n + r;
            std::memcpy(logits + to * m_classes, m_logits.data() + from * m_classes, rowBytes);
            std::memcpy(probs + to * m_classes, m_probs.data() + from * m_classes, rowBytes);
            critique[to] = m_critique[size_t(from)];
            z[to] = m_z[size_t(from)];
            lambda[to] = m_lambda[size_t(from)];
            computed[to] = t < h[r];
        }
    }
    run.heldCritique = run.critique;
    return run;
}

} // namespace mor::model
