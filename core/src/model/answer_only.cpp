#include "model/answer_only.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mor::model {

namespace {

// std::pow(x, gamma) as ATen's pow(Tensor, Scalar) computes it for float: the exponents it
// special-cases give the same bits (x, 1, x * x, sqrt, ...).
float answerOnlyPow(float x, double gamma)
{
    if (gamma == 1.0) {
        return x;
    }
    if (gamma == 0.0) {
        return 1.0f;
    }
    if (gamma == 2.0) {
        return x * x;
    }
    if (gamma == 3.0) {
        return x * x * x;
    }
    if (gamma == 0.5) {
        return std::sqrt(x);
    }
    return std::pow(x, float(gamma));
}

// -(sum_k p_k log2 max(p_k, 1e-12)) in bits, as integration.cpp's entropyBits.
float answerOnlyEntropyBits(const float* p, int64_t classes)
{
    float sum = 0.0f;
    for (int64_t k = 0; k < classes; ++k) {
        sum += p[k] * std::log2(std::max(p[k], 1e-12f));
    }
    return -sum;
}

thread_local bool t_answerOnlyTail = true;

} // namespace

bool answerOnlyTailEnabled()
{
    return t_answerOnlyTail;
}

AnswerOnlyTailGuard::AnswerOnlyTailGuard(bool enabled) : m_previous(t_answerOnlyTail)
{
    t_answerOnlyTail = enabled;
}

AnswerOnlyTailGuard::~AnswerOnlyTailGuard()
{
    t_answerOnlyTail = m_previous;
}

std::vector<std::vector<int64_t>> expertRowLists(const torch::Tensor& mask)
{
    const auto m = mask.contiguous();
    const int64_t batch = m.size(0);
    const int64_t experts = m.size(1);
    std::vector<std::vector<int64_t>> rows(static_cast<size_t>(experts));
    const bool* data = m.data_ptr<bool>();
    for (int64_t b = 0; b < batch; ++b) {
        for (int64_t j = 0; j < experts; ++j) {
            if (data[b * experts + j]) {
                rows[size_t(j)].push_back(b);
            }
        }
    }
    return rows;
}

torch::Tensor rowIndexTensor(const std::vector<int64_t>& rows)
{
    auto t = torch::empty({int64_t(rows.size())}, torch::kLong);
    if (!rows.empty()) {
        std::memcpy(t.data_ptr<int64_t>(), rows.data(), rows.size() * sizeof(int64_t));
    }
    return t;
}

bool answerOnlyTailSupports(const IntegrationImpl& integration, const torch::Tensor& gates,
                            const torch::Tensor& mask)
{
    return integration.options.fusion() == "confidence" && gates.device().is_cpu()
           && mask.device().is_cpu() && gates.scalar_type() == torch::kFloat
           && mask.scalar_type() == torch::kBool && gates.dim() == 2
           && gates.sizes() == mask.sizes();
}

AnswerOnlyTail answerOnlyTail(const IntegrationImpl& integration,
                              const std::vector<AnswerOnlyExpert>& experts,
                              const torch::Tensor& gatesIn, const torch::Tensor& maskIn,
                              int64_t classes, double baseFlops)
{
    const auto gates = gatesIn.contiguous();
    const auto mask = maskIn.contiguous();
    const int64_t batch = mask.size(0);
    const int64_t count = mask.size(1);
    const auto& options = integration.options;
    const bool weightedScore = options.conflictScore() == "weighted";
    const float conflictThreshold = float(options.conflictThreshold());
    const float confidentThreshold = float(options.confidentThreshold());
    const double perExpert = integration.flopsPerExpert();

    // Each (row, expert) pair's position in the expert's rows, -1 where not routed.
    std::vector<int64_t> slot(size_t(batch * count), -1);
    std::vector<const float*> answer(size_t(count), nullptr), confidence(size_t(count), nullptr);
    std::vector<const int64_t*> iterations(size_t(count), nullptr);
    std::vector<torch::Tensor> keep; // contiguous copies, if any, alive for the loop
    for (int64_t j = 0; j < count; ++j) {
        const auto& ex = experts[size_t(j)];
        if (ex.rows == nullptr || ex.rows->empty()) {
            continue;
        }
        keep.push_back(ex.answer.contiguous());
        answer[size_t(j)] = keep.back().data_ptr<float>();
        keep.push_back(ex.confidence.contiguous());
        confidence[size_t(j)] = keep.back().data_ptr<float>();
        keep.push_back(ex.iterations.contiguous());
        iterations[size_t(j)] = keep.back().data_ptr<int64_t>();
        const auto& rows = *ex.rows;
        for (size_t i = 0; i < rows.size(); ++i) {
            slot[size_t(rows[i] * count + j)] = int64_t(i);
        }
    }

    AnswerOnlyTail out;
    out.probs = torch::empty({batch, classes}, torch::kFloat);
    out.steps = torch::empty({batch, count}, torch::kLong);
    out.score = torch::empty({batch}, torch::kFloat);
    out.conflict = torch::empty({batch}, torch::kBool);
    out.flops = torch::empty({batch}, torch::kDouble);
    const float* g = gates.data_ptr<float>();
    const bool* m = mask.data_ptr<bool>();
    float* probs = out.probs.data_ptr<float>();
    int64_t* steps = out.steps.data_ptr<int64_t>();
    float* score = out.score.data_ptr<float>();
    bool* conflict = out.conflict.data_ptr<bool>();
    double* flops = out.flops.data_ptr<double>();
    std::vector<float> w(static_cast<size_t>(count)), c(static_cast<size_t>(count));
    std::vector<float> mixture(static_cast<size_t>(classes));
    std::vector<const float*> q(static_cast<size_t>(count));
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t* pos = slot.data() + b * count;
        // The experts' confidences (0 where not selected, as the general path's scatter leaves
        // them), steps and FLOPs; IntegrationImpl::weights (confidence): g c^gamma over the
        // selected experts, normalised.
        int64_t selected = 0;
        int64_t confident = 0;
        double stepSum = 0.0, initSum = 0.0;
        float wSum = 0.0f;
        for (int64_t j = 0; j < count; ++j) {
            const int64_t i = pos[j];
            const bool routed = m[b * count + j] && i >= 0;
            q[size_t(j)] = routed ? answer[size_t(j)] + i * classes : nullptr;
            c[size_t(j)] = routed ? confidence[size_t(j)][i] : 0.0f;
            const int64_t s = routed ? iterations[size_t(j)][i] : 0;
            steps[b * count + j] = s;
            stepSum += double(s) * experts[size_t(j)].stepFlops;
            if (m[b * count + j]) {
                ++selected;
                initSum += experts[size_t(j)].initFlops;
                confident += c[size_t(j)] >= confidentThreshold ? 1 : 0;
            }
            const float raw = g[b * count + j]
                              * answerOnlyPow(std::max(c[size_t(j)], 1e-6f), options.gamma());
            w[size_t(j)] = m[b * count + j] ? raw * 1.0f : raw * 0.0f;
            wSum += w[size_t(j)];
        }
        const float denominator = std::max(wSum, 1e-12f);
        float* p = probs + b * classes;
        std::fill(p, p + classes, 0.0f);
        for (int64_t j = 0; j < count; ++j) {
            w[size_t(j)] = w[size_t(j)] / denominator;
            if (q[size_t(j)] != nullptr) {
                for (int64_t k = 0; k < classes; ++k) {
                    p[k] += w[size_t(j)] * q[size_t(j)][k];
                }
            }
        }
        // Conflict score: Jensen-Shannon divergence of the selected answers, each counted once
        // (weights 1 / n_selected) or by fusion weight; 0 with fewer than 2 selected.
        float js = 0.0f;
        if (selected >= 2) {
            const float equal = 1.0f / std::max(float(selected), 1.0f);
            std::fill(mixture.begin(), mixture.end(), 0.0f);
            float within = 0.0f;
            for (int64_t j = 0; j < count; ++j) {
                if (q[size_t(j)] == nullptr) {
                    continue;
                }
                const float wj = weightedScore ? w[size_t(j)] : equal;
                for (int64_t k = 0; k < classes; ++k) {
                    mixture[size_t(k)] += wj * q[size_t(j)][k];
                }
                within += wj * answerOnlyEntropyBits(q[size_t(j)], classes);
            }
            js = std::max(answerOnlyEntropyBits(mixture.data(), classes) - within, 0.0f);
        }
        score[b] = js;
        conflict[b] = js > conflictThreshold && confident >= 2;
        flops[b] = baseFlops + stepSum + initSum + double(selected) * perExpert;
    }
    return out;
}

} // namespace mor::model
