// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/host_rows.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace mor::seq::host_step {

namespace {

namespace fused = mor::model::fused;

float sigmoid(float x) {
    return 1.0f / (1.0f + std::exp(-x));
}

/// softmax in place: the maximum subtracted, the sum in double.
inline void softmaxInPlace(float* x, int64_t n) {
    const float top = *std::max_element(x, x + n);
    double sum = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        x[j] = std::exp(x[j] - top);
        sum += x[j];
    }
    const auto inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < n; ++j) {
        x[j] *= inv;
    }
}

/// 8 floats in a vector register (GCC vector extensions: ymm in the AVX2 clone, two xmm in
/// the baseline), moved from and to float arrays by memcpy.
typedef float Floats8 __attribute__((vector_size(32)));
typedef int32_t Ints8 __attribute__((vector_size(32)));

/// at[0..8) = e^(at[i] - top) (<= 0: softmax after its maximum is subtracted), added to *sum.
/// Cephes' expf: x = k ln 2 + r with |r| <= ln 2 / 2, a degree-7 polynomial in r (relative
/// error ~2e-7, as the vector exp of ATen's softmax), times 2^k; 0 below -87.3 (e^x under the
/// smallest normal float). Loads and stores through memcpy: `at` is only float-aligned.
__attribute__((always_inline)) inline void expShifted8(float* at, float top, Floats8* sum) {
    Floats8 x;
    std::memcpy(&x, at, sizeof(x));
    x -= top;
    const Floats8 low = x < -87.3f ? Floats8{} + 1.0f : Floats8{};
    x = x < -87.3f ? Floats8{} - 87.3f : x;
    Floats8 k = x * 1.44269504088896341f + 0.5f;
    Floats8 t = __builtin_convertvector(__builtin_convertvector(k, Ints8), Floats8);
    k = t > k ? t - 1.0f : t; // floor
    const Floats8 r = x - k * 0.693359375f + k * 2.12194440e-4f;
    Floats8 y = Floats8{} + 1.9875691500e-4f;
    y = y * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * r * r + r + 1.0f;
    const Ints8 bits = (__builtin_convertvector(k, Ints8) + 127) << 23;
    Floats8 scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    const Floats8 e = low != 0.0f ? Floats8{} : y * scale;
    std::memcpy(at, &e, sizeof(e));
    *sum += e;
}

/// The attention's softmax in place: the maximum subtracted, e^x 8 at a time (expShifted8),
/// the sum in float lanes.
__attribute__((always_inline)) inline void attentionSoftmax(float* x, int64_t n) {
    const float top = *std::max_element(x, x + n);
    Floats8 lanes = {};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        expShifted8(x + j, top, &lanes);
    }
    float sum = 0.0f;
    for (int k = 0; k < 8; ++k) {
        sum += lanes[k];
    }
    for (; j < n; ++j) {
        x[j] = std::exp(x[j] - top);
        sum += x[j];
    }
    const float inv = 1.0f / sum;
    for (j = 0; j < n; ++j) {
        x[j] *= inv;
    }
}

// The attention loops are compiled twice, for AVX2 and for the baseline, and the loader picks
// one (function multi-versioning, as model/fused_reflect.cpp's elementwise loops).
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define MOR_HOST_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MOR_HOST_CLONES
#endif


/// Causal attention of the new token (qkv's queries) over n cached keys kT [d][maxLen] and
/// values v [maxLen][d], head by head: softmax of q.k * scale (the maximum subtracted, the sum
/// in float) -> att [d]. scores: maxLen floats of work space. The sums run in the order of
/// plain loops (over the head's dimensions for a score, over the positions for an output),
/// 16 of them at a time in registers (positions, then output dimensions).
MOR_HOST_CLONES
void attendHeads(const float* qkv, const float* kT, const float* v, int64_t n, int64_t maxLen,
                 int64_t heads, int64_t dh, float* scores, float* att) {
    const int64_t d = heads * dh;
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(dh)));
    for (int64_t hd = 0; hd < heads; ++hd) {
        const float* q = qkv + hd * dh;
        const float* K = kT + hd * dh * maxLen;
        const float* V = v + hd * dh;
        int64_t j0 = 0;
        for (; j0 + 16 <= n; j0 += 16) {
            Floats8 a0 = {}, a1 = {};
            for (int64_t i = 0; i < dh; ++i) {
                const float qi = q[i];
                const float* row = K + i * maxLen + j0;
                Floats8 k0, k1;
                std::memcpy(&k0, row, sizeof(k0));
                std::memcpy(&k1, row + 8, sizeof(k1));
                a0 += qi * k0;
                a1 += qi * k1;
            }
            a0 *= scale;
            a1 *= scale;
            std::memcpy(scores + j0, &a0, sizeof(a0));
            std::memcpy(scores + j0 + 8, &a1, sizeof(a1));
        }
        for (; j0 < n; ++j0) {
            float acc = 0.0f;
            for (int64_t i = 0; i < dh; ++i) {
                acc += q[i] * K[i * maxLen + j0];
            }
            scores[j0] = acc * scale;
        }
        attentionSoftmax(scores, n);
        float* o = att + hd * dh;
        int64_t i0 = 0;
        for (; i0 + 16 <= dh; i0 += 16) {
            Floats8 a0 = {}, a1 = {};
            for (int64_t j = 0; j < n; ++j) {
                const float p = scores[j];
                const float* vj = V + j * d + i0;
                Floats8 v0, v1;
                std::memcpy(&v0, vj, sizeof(v0));
                std::memcpy(&v1, vj + 8, sizeof(v1));
                a0 += p * v0;
                a1 += p * v1;
            }
            std::memcpy(o + i0, &a0, sizeof(a0));
            std::memcpy(o + i0 + 8, &a1, sizeof(a1));
        }
        for (; i0 < dh; ++i0) {
            float acc = 0.0f;
            for (int64_t j = 0; j < n; ++j) {
                acc += scores[j] * V[j * d + i0];
            }
            o[i0] = acc;
        }
    }
}

#undef MOR_HOST_CLONES

} // namespace

void RowStep::prepare(const Weights& w, int64_t rows) {
    if (rows <= m_capacity && &w == m_shaped) {
        return;
    }
    const auto n = static_cast<size_t>(std::max(rows, m_capacity));
    const auto d = static_cast<size_t>(w.d), R = static_cast<size_t>(w.recursions);
    for (auto* v : {&m_h, &m_h0, &m_x, &m_y, &m_xn, &m_att, &m_tmp}) {
        v->assign(n * d, 0.0f);
    }
    m_qkv.assign(n * 3 * d, 0.0f);
    m_ff.assign(n * static_cast<size_t>(w.ffn), 0.0f);
    m_scores.assign(static_cast<size_t>(w.maxLen), 0.0f);
    m_logits.assign(n * static_cast<size_t>(w.vocab), 0.0f);
    m_routed.assign(n * std::max<size_t>(R, 1), 0.0f);
    m_gate.assign(n, 0.0f);
    m_tcGate.assign(n, 0.0f);
    m_tcDepth.assign(n, 0);
    m_received.assign(n, 0);
    m_active.reserve(n);
    m_rows.reserve(n);
    m_rowCaches.assign(n, nullptr);
    m_capacity = static_cast<int64_t>(n);
    m_shaped = &w;
}

void RowStep::layerRows(const Weights& w, int64_t layerIndex, float* x, int64_t m,
                        bool append) {
    const Layer& layer = w.layers[static_cast<size_t>(layerIndex)];
    const int64_t d = w.d, maxLen = w.maxLen;
    float* xn = m_xn.data();
    float* qkv = m_qkv.data();
    float* att = m_att.data();
    float* tmp = m_tmp.data();
    float* ff = m_ff.data();
    layer.ln1.apply(x, xn, m);
    // A layer reading another recursion's keys and values (kv_sharing) projects its queries
    // only: keys and values it would not keep are not computed.
    const int64_t stride = append ? 3 * d : d;
    (append ? layer.qkv : layer.q).apply(xn, qkv, m);
    for (int64_t i = 0; i < m; ++i) {
        Cache& cache = *m_rowCaches[static_cast<size_t>(i)];
        const float* row = qkv + i * stride;
        if (append) {
            if (cache.n >= maxLen) {
                throw std::out_of_range("the decoder's cache is full");
            }
            // Keys transposed ([d][maxLen]: a query's scores are then axpys over the
            // positions, which vectorise), values by position ([maxLen][d]).
            for (int64_t c = 0; c < d; ++c) {
                cache.k[static_cast<size_t>(c * maxLen + cache.n)] = row[d + c];
            }
            std::memcpy(cache.v.data() + cache.n * d, row + 2 * d, sizeof(float) * size_t(d));
            ++cache.n;
        }
        attendHeads(row, cache.k.data(), cache.v.data(), cache.n, maxLen, w.heads, w.dh,
                    m_scores.data(), att + i * d);
    }
    layer.out.apply(att, tmp, m);
    for (int64_t i = 0; i < m * d; ++i) {
        x[i] += tmp[i];
    }
    layer.ln2.apply(x, xn, m);
    layer.ff1.apply(xn, ff, m);
    fused::geluInPlace(ff, m * w.ffn);
    layer.ff2.apply(ff, tmp, m);
    for (int64_t i = 0; i < m * d; ++i) {
        x[i] += tmp[i];
    }
}

void RowStep::gather(const Weights& w, int64_t m) {
    const auto bytes = sizeof(float) * static_cast<size_t>(w.d);
    for (int64_t i = 0; i < m; ++i) {
        std::memcpy(m_x.data() + i * w.d, m_h.data() + m_rows[static_cast<size_t>(i)] * w.d,
                    bytes);
    }
}

const float* RowStep::step(const Weights& w, SequenceCache* caches, const int64_t* tokens,
                           int64_t B, int64_t position, int* depths) {
    if (position >= w.maxLen) {
        throw std::out_of_range("the decoder holds maxLen tokens already");
    }
    for (int64_t b = 0; b < B; ++b) {
        if (tokens[b] < 0 || tokens[b] >= w.vocab) {
            throw std::out_of_range("token id out of the vocabulary");
        }
    }
    prepare(w, B);
    const int64_t d = w.d, N = w.recursions;
    float* h = m_h.data();
    float* x = m_x.data();
    float* y = m_y.data();
    const float* pe = w.pos.data() + position * d;
    for (int64_t b = 0; b < B; ++b) {
        const float* te = w.tok.data() + tokens[b] * d;
        for (int64_t i = 0; i < d; ++i) {
            h[b * d + i] = te[i] + pe[i];
        }
        m_received[static_cast<size_t>(b)] = 0;
    }
    // Every row through an edge layer (middle_cycle), each appending to its own cache.
    auto everyRow = [&](int64_t layer, size_t which) {
        for (int64_t b = 0; b < B; ++b) {
            m_rowCaches[static_cast<size_t>(b)] = &caches[b].edge[which];
        }
        layerRows(w, layer, h, B, true);
    };
    if (w.first >= 0) {
        everyRow(w.first, 0);
    }
    std::copy(h, h + B * d, m_h0.data());
    const bool expertChoice = w.routing == RecursionRouting::ExpertChoice;
    const bool tokenChoice = w.routing == RecursionRouting::TokenChoice;
    // Token choice: each row's depth and gate are read once, from the state entering the
    // recursions: argmax of the gates (the first of equal ones), clamped to the depth cap.
    if (tokenChoice) {
        float* routed = m_routed.data();
        w.routers.front().apply(m_h0.data(), routed, B);
        for (int64_t b = 0; b < B; ++b) {
            float* g = routed + b * N;
            if (w.softmaxGate) {
                softmaxInPlace(g, N);
            }
            for (int64_t r = 0; r < N; ++r) {
                g[r] = w.alpha * (w.softmaxGate ? g[r] : sigmoid(g[r]));
            }
            const int64_t chosen = std::max_element(g, g + N) - g;
            m_tcGate[static_cast<size_t>(b)] = g[chosen];
            m_tcDepth[static_cast<size_t>(b)] = std::min(chosen + 1, w.depthLimit);
        }
    }
    m_active.clear();
    for (int64_t b = 0; b < B; ++b) {
        m_active.push_back(b);
    }
    float* gate = m_gate.data();
    float* logit = m_routed.data(); // the routers' logits (expert choice, mixture_of_depths)
    for (int64_t r = 0; r < N; ++r) {
        bool gated = false;
        m_rows.clear();
        if (expertChoice) {
            // The continuing rows' scores; below capacity 1 a row leaves at a score not
            // above the threshold (and no deeper recursion takes it).
            m_rows = m_active;
            auto m = static_cast<int64_t>(m_rows.size());
            gather(w, m);
            w.routers[static_cast<size_t>(w.routerPerStep ? r : 0)].apply(x, logit, m);
            const bool capped = w.capacity[static_cast<size_t>(r)] < 1.0;
            int64_t kept = 0;
            for (int64_t i = 0; i < m; ++i) {
                const float score = sigmoid(logit[i]);
                if (capped && !(static_cast<double>(score) > w.threshold)) {
                    continue;
                }
                m_rows[static_cast<size_t>(kept)] = m_rows[static_cast<size_t>(i)];
                gate[kept] = w.alpha * score;
                if (kept != i) {
                    std::memcpy(x + kept * d, x + i * d, sizeof(float) * size_t(d));
                }
                ++kept;
            }
            m_rows.resize(static_cast<size_t>(kept));
            m_active = m_rows;
            if (m_active.empty()) {
                break;
            }
            gated = true;
        } else if (tokenChoice) {
            for (int64_t row : m_active) {
                if (m_tcDepth[static_cast<size_t>(row)] > r) {
                    m_rows.push_back(row);
                }
            }
            m_active = m_rows;
            if (m_active.empty()) {
                break;
            }
            gather(w, static_cast<int64_t>(m_rows.size()));
        } else if (w.depthRouted[static_cast<size_t>(r)]) {
            // mixture_of_depths: every row is a candidate for this block only; a skipped row
            // stays out of its keys, a processed one gets x + g (f(x) - x).
            w.routers[static_cast<size_t>(r)].apply(h, logit, B);
            for (int64_t b = 0; b < B; ++b) {
                const float score = sigmoid(logit[b]);
                if (static_cast<double>(score) > w.threshold) {
                    gate[m_rows.size()] = w.alpha * score;
                    m_rows.push_back(b);
                }
            }
            if (m_rows.empty()) {
                continue;
            }
            gather(w, static_cast<int64_t>(m_rows.size()));
            gated = true;
        } else {
            m_rows = m_active;
            gather(w, static_cast<int64_t>(m_rows.size()));
        }
        const auto m = static_cast<int64_t>(m_rows.size());
        std::copy(x, x + m * d, y);
        const auto& block = w.blocks[static_cast<size_t>(r)];
        const bool share = w.kvSharing && r > 0;
        const auto cacheOf = static_cast<size_t>(share ? 0 : r);
        for (size_t l = 0; l < block.size(); ++l) {
            for (int64_t i = 0; i < m; ++i) {
                m_rowCaches[static_cast<size_t>(i)] =
                    &caches[m_rows[static_cast<size_t>(i)]].blocks[cacheOf][l];
            }
            layerRows(w, block[l], y, m, !share);
        }
        // expert_choice: x + g f(x); mixture_of_depths: x + g (f(x) - x); else f(x).
        for (int64_t i = 0; i < m; ++i) {
            const int64_t row = m_rows[static_cast<size_t>(i)];
            float* hr = h + row * d;
            const float* xr = x + i * d;
            const float* yr = y + i * d;
            const float g = gate[i];
            for (int64_t j = 0; j < d; ++j) {
                hr[j] = !gated        ? yr[j]
                        : expertChoice ? xr[j] + g * yr[j]
                                       : xr[j] + g * (yr[j] - xr[j]);
            }
            ++m_received[static_cast<size_t>(row)];
        }
    }
    if (tokenChoice) {
        const float* h0 = m_h0.data();
        for (int64_t b = 0; b < B; ++b) {
            const float g = m_tcGate[static_cast<size_t>(b)];
            for (int64_t i = 0; i < d; ++i) {
                h[b * d + i] = h0[b * d + i] + g * h[b * d + i];
            }
        }
    }
    if (w.last >= 0) {
        everyRow(w.last, 1);
    }
    if (depths) {
        std::copy(m_received.begin(), m_received.begin() + B, depths);
    }
    w.lnf.apply(h, m_xn.data(), B);
    w.head.apply(m_xn.data(), m_logits.data(), B);
    return m_logits.data();
}

} // namespace mor::seq::host_step
