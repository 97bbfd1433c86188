// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/depthwise_batching.h"

#include "seq/host_batched_decoder.h"
#include "seq/recursion_decoder.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace mor::seq {

BatchedRecursionDecoder::BatchedRecursionDecoder(RecursionModel model, int64_t batch)
    : m_model(std::move(model)), m_batch(std::max<int64_t>(batch, 1)), m_host(m_batch) {
    reset();
}

BatchedRecursionDecoder::~BatchedRecursionDecoder() = default;
BatchedRecursionDecoder::BatchedRecursionDecoder(BatchedRecursionDecoder&&) noexcept = default;
BatchedRecursionDecoder&
BatchedRecursionDecoder::operator=(BatchedRecursionDecoder&&) noexcept = default;

void BatchedRecursionDecoder::reset() {
    // As RecursionDecoder::reset: the reference caches are made when that path first runs;
    // the host path keeps its arrays and checks its snapshot (deeply) here.
    m_cache.clear();
    m_edgeCache.clear();
    m_length = 0;
    m_tokens.clear();
    m_host.restart();
}

void BatchedRecursionDecoder::resetReference() {
    const auto fresh = [&] {
        Cache cache;
        cache.k = emptyCacheTensor(*m_model, m_batch);
        cache.v = emptyCacheTensor(*m_model, m_batch);
        cache.n.assign(static_cast<size_t>(m_batch), 0);
        return cache;
    };
    makeReferenceCaches(*m_model, fresh, &m_cache, &m_edgeCache);
}

bool BatchedRecursionDecoder::hostApplies() {
    return m_host.forStep(m_model, decoderReferenceForced()) != nullptr;
}

torch::Tensor BatchedRecursionDecoder::step(const torch::Tensor& tokens,
                                            std::vector<int>* depths) {
    const auto ids = tokens.to(torch::kCPU, torch::kLong).contiguous().view({-1});
    if (ids.numel() != m_batch) {
        throw std::invalid_argument("one token per sequence of the batch");
    }
    torch::Tensor logits;
    if (const float* host = stepLogits(ids.data_ptr<int64_t>(), depths, &logits)) {
        return torch::from_blob(const_cast<float*>(host), {m_batch, m_host->vocab()},
                                torch::kFloat)
            .clone();
    }
    return logits;
}

const float* BatchedRecursionDecoder::stepLogits(const int64_t* tokens, std::vector<int>* depths,
                                                 torch::Tensor* logits) {
    const bool host = hostApplies();
    if (host != m_onHost || (!host && m_cache.empty())) {
        // The other path holds the cached tokens (the guard changed, or the host step stopped
        // applying): this path starts again and is fed them first.
        std::vector<int64_t> history;
        history.swap(m_tokens);
        m_length = 0;
        m_onHost = host;
        if (host) {
            m_host->reset();
        } else {
            resetReference();
        }
        for (size_t at = 0; at < history.size(); at += static_cast<size_t>(m_batch)) {
            stepLogits(history.data() + at, nullptr, nullptr);
        }
    }
    m_tokens.insert(m_tokens.end(), tokens, tokens + m_batch);
    if (!host) {
        auto reference = referenceStep(
            torch::from_blob(const_cast<int64_t*>(tokens), {m_batch}, torch::kLong).clone(),
            depths);
        if (logits) {
            *logits = std::move(reference);
        }
        return nullptr;
    }
    if (depths) {
        depths->resize(static_cast<size_t>(m_batch));
    }
    const float* out = m_host->step(tokens, depths ? depths->data() : nullptr);
    m_length = m_host->length();
    return out;
}

BatchedRecursionDecoder::Rows BatchedRecursionDecoder::allRows() const {
    Rows rows;
    rows.index.resize(static_cast<size_t>(m_batch));
    std::iota(rows.index.begin(), rows.index.end(), int64_t{0});
    return rows;
}

BatchedRecursionDecoder::Rows BatchedRecursionDecoder::rowsOf(std::vector<int64_t> index) const {
    Rows rows;
    rows.index = std::move(index);
    // A subset keeps the batch order, so one of full size is every row.
    if (static_cast<int64_t>(rows.index.size()) != m_batch) {
        rows.tensor = torch::tensor(rows.index, torch::kLong);
    }
    return rows;
}

torch::Tensor BatchedRecursionDecoder::attend(AttentionLayer& layer, const torch::Tensor& x,
                                              Cache& cache, const Rows& rows, bool append) {
    const auto& c = m_model->config();
    const double scale = 1.0 / std::sqrt(static_cast<double>(c.dModel / c.heads));
    const int64_t k = x.size(0);
    auto [q, key, value] = layer->project(x); // [k, heads, 1, dh]
    auto countsOf = [&] {
        std::vector<int64_t> n;
        n.reserve(rows.index.size());
        for (int64_t row : rows.index) {
            n.push_back(cache.n[static_cast<size_t>(row)]);
        }
        return n;
    };
    if (append) {
        const auto at = countsOf();
        const bool level = std::adjacent_find(at.begin(), at.end(), std::not_equal_to<>()) ==
                           at.end();
        if (rows.all() && level) {
            cache.k.narrow(2, at.front(), 1).copy_(key);
            cache.v.narrow(2, at.front(), 1).copy_(value);
        } else {
            // Each row writes at its own count: cache[row, :, n_row, :] = its key/value.
            const auto rowIndex =
                rows.all() ? torch::arange(m_batch, torch::kLong) : rows.tensor;
            const auto atIndex = torch::tensor(at, torch::kLong);
            using torch::indexing::Slice;
            cache.k.index_put_({rowIndex, Slice(), atIndex}, key.squeeze(2));
            cache.v.index_put_({rowIndex, Slice(), atIndex}, value.squeeze(2));
        }
        for (int64_t row : rows.index) {
            ++cache.n[static_cast<size_t>(row)];
        }
    }
    const auto n = countsOf();
    const auto [lo, hi] = std::minmax_element(n.begin(), n.end());
    auto K = cache.k.narrow(2, 0, *hi);
    auto V = cache.v.narrow(2, 0, *hi);
    if (!rows.all()) {
        K = K.index_select(0, rows.tensor);
        V = V.index_select(0, rows.tensor);
    }
    auto scores = torch::matmul(q, K.transpose(-2, -1)) * scale; // [k, heads, 1, hi]
    if (*lo < *hi) {
        // Rows with fewer cached keys: the slots past their count are not theirs.
        auto pad = torch::arange(*hi, torch::kLong)
                       .unsqueeze(0)
                       .ge(torch::tensor(n, torch::kLong).unsqueeze(1));
        scores = scores.masked_fill(pad.view({k, 1, 1, *hi}),
                                    -std::numeric_limits<double>::infinity());
    }
    auto att = torch::softmax(scores, -1);
    auto out = torch::matmul(att, V).transpose(1, 2).reshape({k, 1, c.dModel});
    return layer->finish(x, out);
}

torch::Tensor BatchedRecursionDecoder::referenceStep(const torch::Tensor& tokens,
                                                     std::vector<int>* depths) {
    if (m_length >= m_model->maxLen()) {
        throw std::out_of_range("the decoder holds maxLen tokens already");
    }
    torch::NoGradGuard noGrad;
    const auto& c = m_model->config();
    const int64_t B = m_batch;
    const auto device = m_model->parameters().front().device();
    const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
    auto h = m_model->embed(tokens.to(longs).view({B, 1}), torch::full({B, 1}, m_length, longs));
    const Rows every = allRows();
    if (m_model->hasEdgeLayers()) {
        h = attend(m_model->firstLayer(), h, m_edgeCache[0], every, true);
    }
    const auto h0 = h;
    const bool expertChoice = c.routing == RecursionRouting::ExpertChoice;
    const bool tokenChoice = c.routing == RecursionRouting::TokenChoice;
    // Token choice: each row's depth and gate, read once from the state entering the
    // recursions (as RecursionDecoder::step and forward() do).
    torch::Tensor tcGate;
    std::vector<int64_t> tcDepth;
    if (tokenChoice) {
        auto gates = m_model->tokenRouterGates(h0).view({B, c.recursions});
        tcGate = gates.gather(1, gates.argmax(-1, true)).view({B, 1, 1});
        auto depth = m_model->tokenChoiceDepth(gates).to(torch::kCPU).contiguous();
        tcDepth.assign(depth.data_ptr<int64_t>(), depth.data_ptr<int64_t>() + B);
    }
    // Which of `candidates` pass (a bool per candidate, in order).
    auto passing = [](const std::vector<int64_t>& candidates, const torch::Tensor& keep,
                      std::vector<int64_t>* at) {
        const auto flags = keep.to(torch::kCPU).contiguous();
        const bool* f = flags.data_ptr<bool>();
        std::vector<int64_t> kept;
        for (size_t i = 0; i < candidates.size(); ++i) {
            if (f[i]) {
                kept.push_back(candidates[i]);
                at->push_back(static_cast<int64_t>(i));
            }
        }
        return kept;
    };
    std::vector<int> received(static_cast<size_t>(B), 0);
    std::vector<int64_t> active = every.index; // rows still in the recursions
    for (int64_t r = 0; r < c.recursions; ++r) {
        torch::Tensor gate;
        Rows rows;
        if (expertChoice) {
            const Rows current = rowsOf(active);
            auto x = current.all() ? h : h.index_select(0, current.tensor);
            auto logit = m_model->expertRouterLogit(x, r).view({-1});
            gate = m_model->expertGate(logit);
            if (m_model->capacities()[static_cast<size_t>(r)] < 1.0) {
                std::vector<int64_t> at;
                auto next = passing(active, torch::sigmoid(logit).gt(c.threshold), &at);
                if (next.size() < active.size()) {
                    gate = gate.index_select(0, torch::tensor(at, torch::kLong));
                }
                active = std::move(next);
            }
            if (active.empty()) {
                break;
            }
            rows = rowsOf(active);
        } else if (tokenChoice) {
            std::vector<int64_t> next;
            for (int64_t row : active) {
                if (tcDepth[static_cast<size_t>(row)] > r) {
                    next.push_back(row);
                }
            }
            active = std::move(next);
            if (active.empty()) {
                break;
            }
            rows = rowsOf(active);
        } else if (m_model->depthRouted(r)) {
            // mixture_of_depths: every row is a candidate for every block; the skipped ones
            // stay out of this block's keys.
            auto logit = m_model->depthRouterLogit(h, r).view({-1});
            std::vector<int64_t> at;
            auto chosen = passing(every.index, torch::sigmoid(logit).gt(c.threshold), &at);
            if (chosen.empty()) {
                continue;
            }
            gate = m_model->expertGate(logit).index_select(0, torch::tensor(at, torch::kLong));
            rows = rowsOf(std::move(chosen));
        } else {
            rows = rowsOf(active);
        }
        const auto x = rows.all() ? h : h.index_select(0, rows.tensor);
        auto y = x;
        auto& block = m_model->layers(r);
        for (size_t l = 0; l < block.size(); ++l) {
            const bool share = c.kvSharing && r > 0;
            y = attend(block[l], y, m_cache[static_cast<size_t>(share ? 0 : r)][l], rows, !share);
        }
        torch::Tensor out = y;
        if (gate.defined()) {
            const auto g = gate.view({-1, 1, 1});
            out = expertChoice ? x + g * y : x + g * (y - x);
        }
        h = rows.all() ? out : h.index_copy(0, rows.tensor, out);
        for (int64_t row : rows.index) {
            ++received[static_cast<size_t>(row)];
        }
    }
    if (tokenChoice) {
        h = h0 + tcGate * h;
    }
    if (m_model->hasEdgeLayers()) {
        h = attend(m_model->lastLayer(), h, m_edgeCache[1], every, true);
    }
    ++m_length;
    if (depths) {
        *depths = std::move(received);
    }
    return m_model->headLogits(h).view({B, -1});
}

int64_t sampleToken(const torch::Tensor& logits, double temperature, std::mt19937_64& rng) {
    if (temperature <= 0.0) {
        return logits.argmax().item<int64_t>();
    }
    auto probs = torch::softmax(logits.to(torch::kDouble) / temperature, -1).contiguous();
    return drawToken(probs.data_ptr<double>(), probs.numel(), rng);
}

int64_t sampleToken(const float* logits, int64_t n, double temperature, std::mt19937_64& rng) {
    if (temperature <= 0.0) {
        return std::max_element(logits, logits + n) - logits;
    }
    thread_local std::vector<double> probs;
    probs.resize(static_cast<size_t>(n));
    double top = -std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < n; ++i) {
        probs[static_cast<size_t>(i)] = static_cast<double>(logits[i]) / temperature;
        top = std::max(top, probs[static_cast<size_t>(i)]);
    }
    double sum = 0.0;
    for (double& p : probs) {
        p = std::exp(p - top);
        sum += p;
    }
    const double inverse = 1.0 / sum;
    for (double& p : probs) {
        p *= inverse;
    }
    return drawToken(probs.data(), n, rng);
}

int64_t drawToken(const double* p, int64_t n, std::mt19937_64& rng) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    double acc = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        acc += p[i];
        if (u < acc) {
            return i;
        }
    }
    return n - 1;
}

std::vector<int64_t> sampleTokens(const torch::Tensor& logits, double temperature,
                                  std::vector<std::mt19937_64>& rngs) {
    const int64_t rows = logits.size(0), n = logits.size(1);
    std::vector<int64_t> tokens(static_cast<size_t>(rows));
    if (temperature <= 0.0) {
        const auto best = logits.argmax(-1).to(torch::kCPU).contiguous();
        std::copy(best.data_ptr<int64_t>(), best.data_ptr<int64_t>() + rows, tokens.begin());
        return tokens;
    }
    const auto probs =
        torch::softmax(logits.to(torch::kDouble) / temperature, -1).to(torch::kCPU).contiguous();
    for (int64_t b = 0; b < rows; ++b) {
        tokens[static_cast<size_t>(b)] =
            drawToken(probs.data_ptr<double>() + b * n, n, rngs[static_cast<size_t>(b)]);
    }
    return tokens;
}

} // namespace mor::seq
