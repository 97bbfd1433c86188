#include "model/answer_only.h"

#include "model/encoder.h"
#include "model/eval_detail.h"
#include "model/fused_products.h"
#include "model/router.h"
#include "model/routing_strategy.h"

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

bool& answerOnlyTailFlag()
{
    return t_answerOnlyTail;
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
                              int64_t classes, double baseFlops, bool switchMix)
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
    out.answer = switchMix ? torch::empty({batch, classes}, torch::kFloat) : out.probs;
    out.logits = torch::empty({batch, classes}, torch::kFloat);
    float* answerOut = out.answer.data_ptr<float>();
    float* logits = out.logits.data_ptr<float>();
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
        // switchMixture: mass = min(sum of the gates, 1); mass p + (1 - mass) / C.
        float* a = answerOut + b * classes;
        if (switchMix) {
            float mass = 0.0f;
            for (int64_t j = 0; j < count; ++j) {
                mass += g[b * count + j];
            }
            mass = std::min(mass, 1.0f);
            const float rest = (1.0f - mass) / float(classes);
            for (int64_t k = 0; k < classes; ++k) {
                a[k] = mass * p[k] + rest;
            }
        }
        for (int64_t k = 0; k < classes; ++k) {
            logits[b * classes + k] = std::log(std::max(a[k], 1e-12f));
        }
    }
    return out;
}

bool confidenceFusion(const IntegrationOptions& options, const torch::Tensor& answersIn,
                      const torch::Tensor& confidencesIn, const torch::Tensor& gatesIn,
                      const torch::Tensor& maskIn, Fusion& out)
{
    const auto floatCpu = [](const torch::Tensor& t) {
        return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat;
    };
    if (!t_answerOnlyTail || torch::GradMode::is_enabled() || !floatCpu(answersIn)
        || !floatCpu(confidencesIn) || !floatCpu(gatesIn) || !maskIn.defined()
        || !maskIn.is_cpu() || maskIn.scalar_type() != torch::kBool || answersIn.dim() != 3
        || maskIn.dim() != 2 || confidencesIn.sizes() != maskIn.sizes()
        || gatesIn.sizes() != maskIn.sizes() || answersIn.size(0) != maskIn.size(0)
        || answersIn.size(1) != maskIn.size(1)) {
        return false;
    }
    const auto answers = answersIn.contiguous();
    const auto confidences = confidencesIn.contiguous();
    const auto gates = gatesIn.contiguous();
    const auto mask = maskIn.contiguous();
    const int64_t batch = mask.size(0);
    const int64_t count = mask.size(1);
    const int64_t classes = answers.size(2);
    const bool weightedScore = options.conflictScore() == "weighted";
    const float conflictThreshold = float(options.conflictThreshold());
    const float confidentThreshold = float(options.confidentThreshold());
    out.weights = torch::empty({batch, count}, answers.options());
    out.probs = torch::empty({batch, classes}, answers.options());
    out.score = torch::empty({batch}, answers.options());
    out.conflict = torch::empty({batch}, mask.options());
    const float* q = answers.data_ptr<float>();
    const float* c = confidences.data_ptr<float>();
    const float* g = gates.data_ptr<float>();
    const bool* m = mask.data_ptr<bool>();
    float* w = out.weights.data_ptr<float>();
    float* probs = out.probs.data_ptr<float>();
    float* score = out.score.data_ptr<float>();
    bool* conflict = out.conflict.data_ptr<bool>();
    std::vector<float> mixture(static_cast<size_t>(classes));
    for (int64_t b = 0; b < batch; ++b) {
        const float* qb = q + b * count * classes;
        const bool* mb = m + b * count;
        float* wb = w + b * count;
        // IntegrationImpl::weights: g c^gamma, times the mask, over its sum (>= 1e-12).
        float wSum = 0.0f;
        int64_t selected = 0, confident = 0;
        for (int64_t j = 0; j < count; ++j) {
            const float cj = c[b * count + j];
            const float raw =
                g[b * count + j] * answerOnlyPow(std::max(cj, 1e-6f), options.gamma());
            wb[j] = raw * (mb[j] ? 1.0f : 0.0f);
            wSum += wb[j];
            selected += mb[j] ? 1 : 0;
            confident += mb[j] && cj >= confidentThreshold ? 1 : 0;
        }
        const float denominator = std::max(wSum, 1e-12f);
        float* p = probs + b * classes;
        std::fill(p, p + classes, 0.0f);
        for (int64_t j = 0; j < count; ++j) {
            wb[j] = wb[j] / denominator;
            for (int64_t k = 0; k < classes; ++k) {
                p[k] += wb[j] * qb[j * classes + k];
            }
        }
        // Jensen-Shannon divergence over every expert, weighted by the fusion weights or 1 /
        // n_selected on the selected ones (0 elsewhere); 0 with fewer than 2 selected.
        float js = 0.0f;
        if (selected >= 2) {
            const float equal = 1.0f / float(selected);
            std::fill(mixture.begin(), mixture.end(), 0.0f);
            float within = 0.0f;
            for (int64_t j = 0; j < count; ++j) {
                const float wj = weightedScore ? wb[j] : (mb[j] ? 1.0f : 0.0f) * equal;
                for (int64_t k = 0; k < classes; ++k) {
                    mixture[size_t(k)] += wj * qb[j * classes + k];
                }
                within += wj * answerOnlyEntropyBits(qb + j * classes, classes);
            }
            js = std::max(answerOnlyEntropyBits(mixture.data(), classes) - within, 0.0f);
        }
        score[b] = js;
        conflict[b] = js > conflictThreshold && confident >= 2;
    }
    return true;
}

} // namespace mor::model

// ---------------------------------------------------------------------------------------------
// The head of the answer-only pass: encoder, router, top-k routing.

namespace mor::model {

namespace {

thread_local bool t_answerOnlyHead = true;

/// Per-thread buffers of the head's hidden layers, reused pass to pass.
thread_local std::vector<float> t_headScratch;

bool headFusable(const torch::Tensor& t)
{
    return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

/// A float CPU linear layer with bias as a fused::Dense; false for anything else.
bool headDense(const std::shared_ptr<torch::nn::Module>& module, fused::Dense& dense)
{
    const auto* linear = module ? module->as<torch::nn::LinearImpl>() : nullptr;
    if (linear == nullptr || !headFusable(linear->weight) || !headFusable(linear->bias)) {
        return false;
    }
    dense.weight = linear->weight.data_ptr<float>();
    dense.bias = linear->bias.data_ptr<float>();
    dense.outputs = linear->weight.size(0);
    dense.inputs = linear->weight.size(1);
    return true;
}

/// The encoder's layers (Linear + exact GELU, Dropout skipped in eval), in order; false for
/// any other module in its Sequential.
bool encoderLayers(EncoderImpl& encoder, std::vector<fused::Dense>& layers)
{
    if (encoder.options.layers() <= 0) {
        return true; // identity: e = x
    }
    const auto children = encoder.named_children();
    const auto* net = children.find("net");
    if (net == nullptr) {
        return false;
    }
    bool geluNext = false;
    for (const auto& child : (*net)->children()) {
        fused::Dense dense;
        if (headDense(child, dense)) {
            if (geluNext || (!layers.empty() && layers.back().outputs != dense.inputs)) {
                return false;
            }
            layers.push_back(dense);
            geluNext = true;
        } else if (const auto* gelu = child->as<torch::nn::GELUImpl>()) {
            if (!geluNext || gelu->options.approximate() != "none") {
                return false;
            }
            geluNext = false;
        } else if (child->as<torch::nn::DropoutImpl>() == nullptr || child->is_training()) {
            return false;
        }
    }
    return !geluNext && int64_t(layers.size()) == encoder.options.layers();
}

} // namespace

bool answerOnlyHeadEnabled()
{
    return t_answerOnlyHead;
}

bool& answerOnlyHeadFlag()
{
    return t_answerOnlyHead;
}

torch::Tensor geluWithoutAutograd(const torch::Tensor& x)
{
    if (!t_answerOnlyHead || torch::GradMode::is_enabled() || !x.is_cpu()
        || x.scalar_type() != torch::kFloat || !x.is_contiguous()) {
        return torch::gelu(x);
    }
    fused::geluInPlace(x.data_ptr<float>(), x.numel());
    return x;
}

bool answerOnlyHead(EncoderImpl& encoder, RouterImpl& router, const RouterConfig& config,
                    const torch::Tensor& x, AnswerOnlyHead& out)
{
    if (!t_answerOnlyHead || router.is_training() || encoder.is_training() || evalDetail()
        || torch::GradMode::is_enabled() || config.strategy != RoutingStrategy::TopK
        || !config.groups.empty() || router.options.gaussian() || router.options.tokens() > 0
        || !headFusable(x) || x.dim() != 2 || x.size(0) == 0) {
        return false;
    }
    std::vector<fused::Dense> layers;
    fused::Dense hidden, logit;
    const auto children = router.named_children();
    const auto* hiddenModule = children.find("hidden");
    const auto* outModule = children.find("out");
    if (!encoderLayers(encoder, layers) || hiddenModule == nullptr || outModule == nullptr
        || !headDense(*hiddenModule, hidden) || !headDense(*outModule, logit)
        || logit.inputs != hidden.outputs
        || (!layers.empty() && layers.front().inputs != x.size(1))) {
        return false;
    }
    const bool features = config.input == RouterInput::Features;
    const int64_t batch = x.size(0);
    const int64_t width = layers.empty() ? x.size(1) : layers.back().outputs;
    if (hidden.inputs != (features ? x.size(1) : width)) {
        return false;
    }
    const int64_t experts = logit.outputs;
    int64_t widest = hidden.outputs;
    for (const auto& layer : layers) {
        widest = std::max(widest, layer.outputs);
    }
    t_headScratch.resize(size_t(2 * batch * widest));
    float* scratch[2] = {t_headScratch.data(), t_headScratch.data() + batch * widest};

    // Encoder: e = gelu(W_L ... gelu(W_1 x + b_1) ... + b_L), the last layer written into e.
    if (layers.empty()) {
        out.encoding = x;
    } else {
        out.encoding = torch::empty({batch, width}, x.options());
        const float* in = x.data_ptr<float>();
        int64_t ldi = x.size(1);
        for (size_t i = 0; i < layers.size(); ++i) {
            const int64_t n = layers[i].outputs;
            float* dst = i + 1 == layers.size() ? out.encoding.data_ptr<float>() : scratch[i % 2];
            fused::denseProduct(layers[i], in, ldi, batch, dst, n);
            fused::geluInPlace(dst, batch * n);
            in = dst;
            ldi = n;
        }
    }
    // Router: r = W_o gelu(W_h input + b_h) + b_o; log p = log_softmax(r / tau), p = exp(log p).
    const auto& input = features ? x : out.encoding;
    float* h = scratch[layers.size() % 2];
    fused::denseProduct(hidden, input.data_ptr<float>(), input.size(1), batch, h,
                        hidden.outputs);
    fused::geluInPlace(h, batch * hidden.outputs);
    out.logits = torch::empty({batch, experts}, x.options());
    out.logProbs = torch::empty({batch, experts}, x.options());
    out.probs = torch::empty({batch, experts}, x.options());
    out.gates = torch::empty({batch, experts}, x.options());
    out.mask = torch::empty({batch, experts}, x.options().dtype(torch::kBool));
    float* r = out.logits.data_ptr<float>();
    float* lp = out.logProbs.data_ptr<float>();
    float* p = out.probs.data_ptr<float>();
    float* g = out.gates.data_ptr<float>();
    bool* m = out.mask.data_ptr<bool>();
    fused::denseProduct(logit, h, hidden.outputs, batch, r, experts);
    const double tau = router.options.temperature() > 0.0 ? router.options.temperature() : 1.0;
    const float inverse = 1.0f / float(tau); // ATen's div by a CPU scalar: a * (1 / b)
    const int64_t k = std::clamp<int64_t>(config.topK, 1, experts);
    for (int64_t row = 0; row < batch; ++row) {
        const float* ri = r + row * experts;
        float* lpi = lp + row * experts;
        float* pi = p + row * experts;
        float top = -INFINITY;
        for (int64_t j = 0; j < experts; ++j) {
            lpi[j] = tau == 1.0 ? ri[j] : ri[j] * inverse;
            if (std::isnan(lpi[j])) {
                return false; // the sort's NaN order: the ATen path
            }
            top = std::max(top, lpi[j]);
        }
        float sum = 0.0f;
        for (int64_t j = 0; j < experts; ++j) {
            sum += std::exp(lpi[j] - top);
        }
        const float shift = top + std::log(sum);
        for (int64_t j = 0; j < experts; ++j) {
            lpi[j] -= shift;
            pi[j] = std::exp(lpi[j]);
        }
        // selectTopK: k passes of a strict maximum (ties: the lower index), gates p * mask.
        bool* mi = m + row * experts;
        float* gi = g + row * experts;
        topKRowMask(pi, experts, k, mi);
        float mass = 0.0f;
        for (int64_t j = 0; j < experts; ++j) {
            gi[j] = mi[j] ? pi[j] : 0.0f;
            mass += gi[j];
        }
        if (config.renormalize) {
            const float norm = std::max(mass, 1e-12f);
            for (int64_t j = 0; j < experts; ++j) {
                gi[j] /= norm;
            }
        }
    }
    return true;
}

} // namespace mor::model
