#include "model/fused_reflect.h"

#include "model/cells.h"
#include "model/fused_reflect_detail.h"
#include "model/fused_reflect_packs.h"
#include "model/fused_gemm.h"
#include "model/fused_products.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

// The elementwise loops are compiled twice, for AVX2 and for the baseline, and the loader picks
// one (GCC/Clang function multi-versioning): the polynomial exp below vectorises 8-wide there.
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define MOR_FUSED_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MOR_FUSED_CLONES
#endif

namespace mor::model {

namespace {

thread_local bool t_fusedReflect = true;

using fused::Dense;
using fused::denseProduct;

/// One output: out[r] = b + <in row r, w> (critic2, the halting head).
void denseDot(const Dense& layer, const float* in, int64_t ldi, int64_t m, float* out)
{
    for (int64_t r = 0; r < m; ++r) {
        const float* x = in + r * ldi;
        float sum = 0.0f;
        for (int64_t j = 0; j < layer.inputs; ++j) {
            sum += x[j] * layer.weight[j];
        }
        out[r] = layer.bias[0] + sum;
    }
}

// ---------------------------------------------------------------------------------------------
// Elementwise parts. exp is a Cephes-style polynomial (2^k p(r), |r| <= ln2 / 2; ~1 ulp on
// [-87, 88]), written so that the compiler vectorises it; ATen's own kernels use Sleef's
// vectorised exp and tanh, so both sides are approximations within a few ulp of each other.

// Vectorising the clamps' comparisons needs -fno-trapping-math (the comparisons may raise FP
// exceptions, which nothing here reads), for these functions only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

inline float expApprox(float x)
{
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    const float shifter = 12582912.0f; // 1.5 * 2^23: adding and subtracting it rounds
    const float fk = (x * 1.44269504088896341f + shifter) - shifter;
    const int32_t k = static_cast<int32_t>(fk == fk ? fk : 0.0f); // NaN: no UB cast; r stays NaN
    float r = x - fk * 0.693359375f;
    r = r - fk * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = (k + 127) << 23;
    float scale = 0.0f;
    std::memcpy(&scale, &bits, sizeof(scale));
    return p * scale;
}

inline float sigmoidApprox(float x)
{
    return 1.0f / (1.0f + expApprox(-x));
}

inline float tanhApprox(float x)
{
    return 2.0f / (1.0f + expApprox(-2.0f * x)) - 1.0f;
}

/// The GRU cell as ATen's gru_cell combines the two products gi = x W_ih^T + b_ih and
/// gh = h W_hh^T + b_hh ([m, 3W], chunks r, z, n): r = sigmoid(gh_r + gi_r),
/// z = sigmoid(gh_z + gi_z), n = tanh(gi_n + gh_n r), h' = (h - n) z + n; h' overwrites h.
MOR_FUSED_CLONES
void gruGates(const float* gi, const float* gh, float* h, int64_t ldh, int64_t m, int64_t w)
{
    for (int64_t row = 0; row < m; ++row) {
        const float* i = gi + row * 3 * w;
        const float* g = gh + row * 3 * w;
        float* s = h + row * ldh;
        for (int64_t j = 0; j < w; ++j) {
            const float r = sigmoidApprox(g[j] + i[j]);
            const float z = sigmoidApprox(g[w + j] + i[w + j]);
            const float n = tanhApprox(i[2 * w + j] + g[2 * w + j] * r);
            s[j] = (s[j] - n) * z + n;
        }
    }
}

/// Row-wise softmax in place (as ATen's: exp(x - max) / sum).
MOR_FUSED_CLONES
void softmaxRows(float* x, int64_t ld, int64_t m, int64_t c)
{
    for (int64_t row = 0; row < m; ++row) {
        float* v = x + row * ld;
        float top = v[0];
        for (int64_t j = 1; j < c; ++j) {
            top = v[j] > top ? v[j] : top;
        }
        float sum = 0.0f;
        for (int64_t j = 0; j < c; ++j) {
            v[j] = expApprox(v[j] - top);
            sum += v[j];
        }
        const float scale = 1.0f / sum;
        for (int64_t j = 0; j < c; ++j) {
            v[j] *= scale;
        }
    }
}

/// erf as ATen's vectorised CPU kernels compute it (Vectorized<float>::erf: Abramowitz and
/// Stegun 7.1.26, |error| <= 1.5e-7): sign(x) (1 - (((((p5 t + p4) t + p3) t + p2) t + p1) t
/// exp(-x^2)), t = 1 / (1 + p |x|).
inline float erfApprox(float x)
{
    const float a = x < 0.0f ? -x : x;
    const float t = 1.0f / (0.3275911f * a + 1.0f);
    float r = 1.061405429f * t - 1.453152027f;
    r = r * t + 1.421413741f;
    r = r * t - 0.284496736f;
    r = r * t + 0.254829592f;
    const float e = 1.0f - r * t * expApprox(-x * x);
    return x < 0.0f ? -e : e;
}

/// tanh of the first w values of m rows (row stride ld), in place: s_0 = tanh(W e + b).
MOR_FUSED_CLONES
void tanhRows(float* x, int64_t ld, int64_t m, int64_t w)
{
    for (int64_t row = 0; row < m; ++row) {
        float* v = x + row * ld;
        for (int64_t j = 0; j < w; ++j) {
            v[j] = tanhApprox(v[j]);
        }
    }
}

/// out[r] = sigmoid(z[r] / temperature) (the critique; temperature 1: the fed-back critique).
void sigmoidRows(const float* z, float* out, int64_t m, float temperature)
{
    for (int64_t r = 0; r < m; ++r) {
        out[r] = sigmoidApprox(z[r] / temperature);
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/// Per-thread scratch of the fused step, reused by the next reflection on the thread: no
/// allocation, zero-filling or page faults per reflection (the buffers are written before they
/// are read). Released after a reflection that needed more than kKeptScratch floats.
struct Scratch {
    std::unique_ptr<float[]> data;
    size_t size = 0;
};
thread_local Scratch t_scratch;
constexpr size_t kKeptScratch = size_t(4) << 20; // floats: 16 MB

float* scratch(size_t floats)
{
    if (t_scratch.size < floats) {
        t_scratch.data.reset(new float[floats]);
        t_scratch.size = floats;
    }
    return t_scratch.data.get();
}

/// The parameters one step reads, as raw pointers (the module's own storage).
struct FusedParameters {
    Dense ih, hh, head, critic1, critic2, halt, init; ///< init: none (no outputs) for zeros
    const float* steps = nullptr; ///< stepEmbedding: [maxDepth, H]
    float temperature = 1.0f;
};

/// The GRU cell's parameters (GruCellImpl's torch::nn::GRUCell "gru"), undefined where
/// missing: handles to the module's own tensors.
struct GruWeights {
    torch::Tensor ih, bih, hh, bhh;
};

GruWeights gruWeights(const ReflectionCellImpl& cell)
{
    const auto* gru = dynamic_cast<const GruCellImpl*>(&cell);
    if (gru == nullptr) {
        return {};
    }
    const auto& g = *gru->gru();
    return {g.weight_ih, g.bias_ih, g.weight_hh, g.bias_hh};
}

bool fusable(const torch::Tensor& t)
{
    return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

Dense denseOf(const torch::Tensor& weight, const torch::Tensor& bias)
{
    Dense d;
    d.weight = weight.data_ptr<float>();
    d.bias = bias.data_ptr<float>();
    d.outputs = weight.size(0);
    d.inputs = weight.size(1);
    return d;
}

} // namespace

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#endif

namespace fused {

/// torch::gelu's default, exact form: x / 2 (1 + erf(x / sqrt 2)), in place (erf as ATen's
/// GELU kernel computes it).
MOR_FUSED_CLONES
void geluInPlace(float* x, int64_t count)
{
    const float alpha = float(M_SQRT1_2);
    for (int64_t j = 0; j < count; ++j) {
        x[j] = x[j] * 0.5f * (1.0f + erfApprox(x[j] * alpha));
    }
}

void gruGatesInPlace(const float* gi, const float* gh, float* h, int64_t ldh, int64_t m,
                     int64_t w)
{
    gruGates(gi, gh, h, ldh, m, w);
}

} // namespace fused

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

bool& fusedReflectFlag()
{
    return t_fusedReflect;
}

bool fusedReflectEnabled()
{
    return t_fusedReflect;
}

bool fusedReflectDirectBlas()
{
    return fused::directBlas();
}

void setFusedReflectDirectBlas(bool direct)
{
    fused::setDirectBlas(direct);
}

bool fusedReflectSupports(const ReflectionExpertImpl& expert, const torch::Tensor& e,
                          const HaltingPolicy& policy)
{
    if (!t_fusedReflect || !e.defined() || !e.is_cpu() || e.dim() != 2 || e.size(0) == 0
        || e.scalar_type() != torch::kFloat) {
        return false;
    }
    const auto& o = expert.options;
    const HaltingKind kind = policy.kind();
    if (o.readTokens() || o.readFeatures() > 0 || o.cell() != "gru"
        || !(kind == HaltingKind::Critique || kind == HaltingKind::Fixed
             || kind == HaltingKind::PonderNet)) {
        return false;
    }
    const auto p = expert.stepParameters();
    if (dynamic_cast<const GruCellImpl*>(p.cell) == nullptr) {
        return false;
    }
    const int64_t h = o.inputs(), c = o.classes(), w = o.width();
    const auto gru = gruWeights(*p.cell);
    if (!fusable(gru.ih) || !fusable(gru.hh) || !fusable(gru.bih) || !fusable(gru.bhh)) {
        return false;
    }
    const int64_t cellInputs = h + (o.feedback() ? c + 1 : 0);
    for (const auto* t : {&p.headWeight, &p.headBias, &p.critic1Weight, &p.critic1Bias,
                          &p.critic2Weight, &p.critic2Bias, &p.haltWeight, &p.haltBias,
                          &p.criticTemperature}) {
        if (!fusable(*t)) {
            return false;
        }
    }
    return e.size(1) == h && gru.ih.size(0) == 3 * w
           && gru.ih.size(1) == cellInputs && gru.hh.size(1) == w
           && p.critic1Weight.size(1) == w + c
           && (!o.stepEmbedding() || fusable(p.steps))
           && (o.zeroInitialState()
               || (fusable(p.initWeight) && fusable(p.initBias) && p.initWeight.size(1) == h
                   && p.initWeight.size(0) == w));
}

ExpertRun fusedReflect(ReflectionExpertImpl& expert, const torch::Tensor& e,
                       const HaltingPolicy& policy, double critiqueThreshold, bool detail)
{
    const auto& o = expert.options;
    const int64_t n = e.size(0);
    const int64_t h = o.inputs(), c = o.classes(), w = o.width();
    const int64_t steps = std::max<int64_t>(o.maxDepth(), 1);
    const bool feedback = o.feedback();
    const bool embed = o.stepEmbedding();
    const HaltingKind kind = policy.kind();
    const bool ponder = kind == HaltingKind::PonderNet;

    const auto sp = expert.stepParameters();
    FusedParameters p;
    // Handles to the module's own tensors, held for the whole reflection.
    const auto gru = gruWeights(*sp.cell);
    p.ih = denseOf(gru.ih, gru.bih);
    p.hh = denseOf(gru.hh, gru.bhh);
    p.head = denseOf(sp.headWeight, sp.headBias);
    p.critic1 = denseOf(sp.critic1Weight, sp.critic1Bias);
    const bool zeros = o.zeroInitialState(); // no initial-state layer: its tensors undefined
    p.init = zeros ? Dense() : denseOf(sp.initWeight, sp.initBias);
    p.critic2 = denseOf(sp.critic2Weight, sp.critic2Bias);
    p.halt = denseOf(sp.haltWeight, sp.haltBias);
    p.steps = embed ? sp.steps.data_ptr<float>() : nullptr;
    // ReflectionExpertImpl::step: the fitted temperature applies outside training only.
    const bool calibrated = !expert.is_training();
    p.temperature = sp.criticTemperature.data_ptr<float>()[0];
    const int64_t hidden = p.critic1.outputs;
    const int64_t k = p.ih.inputs; // cell inputs: [e (+ step), draft, critique]
    // Critique-gated halting: HaltingPolicy::haltsNow's comparison critique >= threshold, the
    // tuned threshold where given; ATen compares a float tensor with the threshold as float.
    const float threshold =
        float(critiqueThreshold > 0.0 ? critiqueThreshold : policy.threshold());

    // Outputs, created before the loop (ordinary tensors, as answerAtHalt's).
    const auto floatOpts = e.options().dtype(torch::kFloat);
    auto answer = torch::empty({n, c}, floatOpts);
    auto confidence = torch::empty({n}, floatOpts);
    auto state = torch::empty({n, w}, floatOpts);
    auto halt = torch::empty({n}, e.options().dtype(torch::kLong));
    float* answerOut = answer.data_ptr<float>();
    float* confidenceOut = confidence.data_ptr<float>();
    float* stateOut = state.data_ptr<float>();
    int64_t* haltOut = halt.data_ptr<int64_t>();

    // Buffers, rows compacted: row i is input row active[i]. x = the cell's input [e, draft,
    // critique]; sc = [state, probs], which is also the critic's input cat(state, probs).
    const int64_t ldsc = w + c;
    const size_t scratchFloats =
        size_t(n) * size_t(k + ldsc + 6 * w + hidden + 4 + (embed ? h : 0));
    float* const x = scratch(scratchFloats);
    float* const sc = x + n * k;
    float* const gi = sc + n * ldsc;
    float* const gh = gi + n * 3 * w;
    float* const criticHidden = gh + n * 3 * w;
    float* const z = criticHidden + n * hidden;
    float* const crit = z + n;
    float* const fed = crit + n;
    float* const lambda = fed + n;
    float* const raw = lambda + n; // stepEmbedding: e itself (x holds e + the step's embedding)
    std::vector<int64_t> active(static_cast<size_t>(n));
    const auto eIn = e.contiguous();
    const float* eData = eIn.data_ptr<float>();
    const fused::ReflectionProducts products({gru.ih, gru.bih, gru.hh, gru.bhh, sp.critic1Weight,
                                              sp.critic1Bias, sp.initWeight, sp.initBias},
                                             {p.ih, p.hh, p.critic1, p.init}, n, steps);
    // s_0 (ReflectionExpertImpl::initialState): tanh(W e + b), or 0.
    if (zeros) {
        for (int64_t r = 0; r < n; ++r) {
            std::fill(sc + r * ldsc, sc + r * ldsc + w, 0.0f);
        }
    } else {
        products.product(fused::Init, eData, h, n, sc, ldsc);
        tanhRows(sc, ldsc, n, w);
    }
    const float uniform = float(1.0 / double(c)); // torch::full(1 / C) in float
    for (int64_t r = 0; r < n; ++r) {
        float* xr = x + r * k;
        std::memcpy(xr, eData + r * h, size_t(h) * sizeof(float));
        if (feedback) {
            std::fill(xr + h, xr + h + c, uniform);
            xr[h + c] = 0.0f;
        }
        active[size_t(r)] = r;
    }
    if (embed) {
        std::memcpy(raw, eData, size_t(n * h) * sizeof(float));
    }
    // PonderNet: the policy's own progress (survival, quantile), on the compacted rows, and its
    // own haltsNow each step on views of them.
    std::vector<float> survival, quantile, cumulative;
    std::vector<uint8_t> computed;
    if (ponder) {
        c10::InferenceMode inference;
        const auto start = policy.start(eIn);
        const auto q = start.quantile.contiguous();
        quantile.assign(q.data_ptr<float>(), q.data_ptr<float>() + n);
        survival.assign(size_t(n), 1.0f);
        cumulative.assign(size_t(n), 0.0f);
        computed.assign(size_t(n), 1);
    }

    std::optional<FusedStepRecord> record; // evaluation detail: every step's values
    if (detail) {
        record.emplace(n, steps, c);
    }
    int64_t m = n;
    for (int64_t t = 1; t <= steps && m > 0; ++t) {
        if (embed) { // e + steps[t - 1]
            const float* stepRow = p.steps + (t - 1) * h;
            for (int64_t r = 0; r < m; ++r) {
                const float* er = raw + r * h;
                float* xr = x + r * k;
                for (int64_t j = 0; j < h; ++j) {
                    xr[j] = er[j] + stepRow[j];
                }
            }
        }
        products.product(fused::Ih, x, k, m, gi, 3 * w);
        products.product(fused::Hh, sc, ldsc, m, gh, 3 * w);
        gruGates(gi, gh, sc, ldsc, m, w);
        denseProduct(p.head, sc, ldsc, m, sc + w, ldsc);
        if (record) {
            record->logits(t, active.data(), m, sc + w, ldsc);
        }
        softmaxRows(sc + w, ldsc, m, c);
        products.product(fused::Critic1, sc, ldsc, m, criticHidden, hidden);
        fused::geluInPlace(criticHidden, m * hidden);
        denseDot(p.critic2, criticHidden, hidden, m, z);
        sigmoidRows(z, crit, m, calibrated ? p.temperature : 1.0f);
        if (feedback) {
            sigmoidRows(z, fed, m, 1.0f);
        }
        expert.countRows(m);

        // Which rows halt after this step: every row at the last step; fixed depth: none
        // before it.
        const bool last = t == steps;
        torch::Tensor ponderHalts;
        if ((ponder && !last) || record) {
            denseDot(p.halt, sc, ldsc, m, lambda);
            sigmoidRows(lambda, lambda, m, 1.0f);
        }
        if (record) {
            record->values(t, active.data(), m, sc + w, ldsc, z, crit, lambda);
        }
        if (ponder && !last) {
            c10::InferenceMode inference;
            const auto f = torch::TensorOptions(torch::kFloat);
            HaltingProgress progress;
            progress.survival = torch::from_blob(survival.data(), {m}, f);
            progress.quantile = torch::from_blob(quantile.data(), {m}, f);
            progress.cumulativeLambda = torch::from_blob(cumulative.data(), {m}, f);
            ponderHalts = policy
                              .haltsNow(progress, torch::from_blob(crit, {m}, f),
                                        torch::from_blob(lambda, {m}, f),
                                        torch::from_blob(computed.data(), {m},
                                                         f.dtype(torch::kBool)))
                              .contiguous();
            const auto s = progress.survival.contiguous();
            std::memcpy(survival.data(), s.data_ptr<float>(), size_t(m) * sizeof(float));
        }
        const bool* ponderHalt = ponderHalts.defined() ? ponderHalts.data_ptr<bool>() : nullptr;

        int64_t kept = 0;
        for (int64_t r = 0; r < m; ++r) {
            const float* scr = sc + r * ldsc;
            bool stops = last;
            if (!stops && kind == HaltingKind::Critique) {
                stops = crit[r] >= threshold;
            } else if (!stops && ponderHalt != nullptr) {
                stops = ponderHalt[r];
            }
            if (stops) {
                const int64_t row = active[size_t(r)];
                std::memcpy(answerOut + row * c, scr + w, size_t(c) * sizeof(float));
                std::memcpy(stateOut + row * w, scr, size_t(w) * sizeof(float));
                confidenceOut[row] = crit[r];
                haltOut[row] = t;
                continue;
            }
            // The row goes on: move it to slot `kept` and feed back its draft and critique
            // (the uncalibrated sigmoid(z), as ExpertStep::fedCritique).
            float* xk = x + kept * k;
            if (kept != r) {
                active[size_t(kept)] = active[size_t(r)];
                std::memcpy(sc + kept * ldsc, scr, size_t(w) * sizeof(float));
                if (embed) {
                    std::memcpy(raw + kept * h, raw + r * h,
                                size_t(h) * sizeof(float));
                } else {
                    std::memcpy(xk, x + r * k, size_t(h) * sizeof(float));
                }
                if (ponder) {
                    survival[size_t(kept)] = survival[size_t(r)];
                    quantile[size_t(kept)] = quantile[size_t(r)];
                    cumulative[size_t(kept)] = cumulative[size_t(r)];
                }
            }
            if (feedback) {
                std::memcpy(xk + h, scr + w, size_t(c) * sizeof(float));
                xk[h + c] = fed[r];
            }
            ++kept;
        }
        m = kept;
    }

    if (scratchFloats > kKeptScratch) {
        t_scratch = Scratch();
    }
    ExpertRun run;
    run.answer = answer;
    run.confidence = confidence;
    run.state = state;
    run.haltStep = halt;
    run.iterations = halt.clone(); // a row ran steps 1 .. its halting step
    return record ? record->finish(std::move(run)) : run;
}

} // namespace mor::model
