#include "model/grouped_linear.h"

#include "compat/torch_compat.h"
#include "model/member_parallel.h"
#include "model/segment_gradients.h"
#include "model/segment_packs.h"
#include "model/segment_views.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/graph_task.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

namespace mor::model {

namespace {

using torch::autograd::variable_list;

using segment::columns;
using segment::member;
using segment::offsetsOf;
using segment::product;
using segment::rows;
using segment::rowSum;

} // namespace

/// What the calls of one SegmentWeight share: the members' weights and biases, and in a
/// backward pass the gradient buffers that the calls' backward add into, until the gradient
/// node hands them over.
struct SegmentWeight::Shared {
    std::vector<torch::Tensor> weights, biases;
    int64_t out = 0, in = 0;
    fused::GemmIsa isa = fused::GemmIsa::None; ///< packed products' kernel; None: BLAS only
    bool narrow = false; ///< products by segment::narrow* (few outputs, float CPU weights)
    bool loops = false;  ///< float CPU weights, packed products on: plain loops may run
    /// W's columns [column, column + k) for dx = dy W, per (column, k), as needed in a backward
    /// pass (dropped with the gradient buffers).
    std::vector<std::pair<std::pair<int64_t, int64_t>, std::unique_ptr<segment::MemberPacks>>>
        backwardPacks;
    /// W's columns [column, column + k) of every member as rows for the few-input loops
    /// (segment::fewColumnsAsRows), per (column, k): made by a member's thread at its first
    /// call in the pass, read by every call's forward and backward on those columns.
    struct FewColumns {
        int64_t column = 0, k = 0;
        std::vector<float> rows;        ///< [members][k][out]
        std::vector<uint32_t> versions; ///< per member: versionOf() when made
        std::vector<uint8_t> ready;     ///< per member (bytes: members' threads set their own)
    };
    std::vector<std::unique_ptr<FewColumns>> fewColumns;
    std::vector<float> zeros; ///< a zero bias for dx's products (in + 32 floats)
    std::mutex mutex;
    torch::Tensor dw, db;                   ///< [G, out, in], [G, out]; undefined: none yet
    std::vector<std::vector<bool>> written; ///< per member: the columns of dw written
    /// per member: db written (bytes, not std::vector<bool>: members' threads write their own)
    std::vector<uint8_t> biasWritten;
    std::vector<segment::DeferredCall> deferred; ///< dW parts left for the gradient node
};

namespace {

using Shared = SegmentWeight::Shared;

/// The most rows of a member's product that run packed: the kernel's limit for the threads a
/// BLAS product in its place could use (all of them with one member; with more, forEachMember
/// gives each member one thread, where built with OpenMP).
int64_t packedRowLimit(const Shared& s, size_t members)
{
    const bool alone = (members < 2 || !kMemberThreads) && !at::in_parallel_region();
    return fused::packedRowLimit(s.isa, alone ? at::get_num_threads() : 1);
}

/// Member g's weight and bias versions, summed (a pack made at another sum is stale: version
/// counters only grow, so a change to either moves the sum). Inference tensors keep no version
/// counter (0: packed once per backward pass).
uint32_t versionOf(const Shared& s, int64_t g)
{
    const auto version = [](const torch::Tensor& t) {
        return t.defined() && !t.is_inference() ? uint32_t(t._version()) : 0u;
    };
    const uint32_t bias = s.biases.empty() ? 0u : version(s.biases[size_t(g)]);
    return version(s.weights[size_t(g)]) + bias;
}

/// Member g's columns [column, column + k) and its bias (or none) packed for y = x W^T + b
/// into the calling thread's pack buffer (fused::packBuffer; the fused reflection step's packs,
/// its other user, never live across a segment call), for the product that follows. A pack
/// kept for the pass's later calls (as until session 38) left 12 MB of packs beside the weights
/// at E = 32: written back to memory and read from there at the next step, where the thread's
/// buffer stays in its cache (bench_dispatch, session 39: the GRU's hidden product 195 against 162
/// GFLOP/s at E = 32, 312 against 252 at E = 2).
fused::PackedDense forwardPack(const Shared& s, int64_t g, int64_t column, int64_t k, bool bias)
{
    float* dest = fused::packBuffer(fused::packedFloats(s.out, k, s.isa));
    const auto& w = s.weights[size_t(g)];
    return fused::packWeightRows(w.data_ptr<float>() + column, w.stride(0), s.out, k,
                                 bias ? s.biases[size_t(g)].data_ptr<float>() : nullptr, s.isa,
                                 dest);
}

/// The few-column rows of W's columns [column, column + k) (the calling thread, before the
/// members' threads start).
Shared::FewColumns& fewColumns(Shared& s, int64_t column, int64_t k)
{
    for (auto& few : s.fewColumns) {
        if (few->column == column && few->k == k) {
            return *few;
        }
    }
    auto few = std::make_unique<Shared::FewColumns>();
    few->column = column;
    few->k = k;
    const size_t members = s.weights.size();
    few->rows.resize(members * size_t(k * s.out));
    few->versions.assign(members, 0);
    few->ready.assign(members, 0);
    s.fewColumns.push_back(std::move(few));
    return *s.fewColumns.back();
}

/// Member g's rows in `few`, made first where missing or stale (member g's thread).
const float* fewRows(const Shared& s, Shared::FewColumns& few, int64_t g)
{
    float* rows = few.rows.data() + size_t(g) * size_t(few.k * s.out);
    const auto version = versionOf(s, g);
    if (few.ready[size_t(g)] == 0 || few.versions[size_t(g)] != version) {
        const auto& w = s.weights[size_t(g)];
        segment::fewColumnsAsRows(w.data_ptr<float>() + few.column, w.stride(0), s.out, few.k,
                                  rows);
        few.versions[size_t(g)] = version;
        few.ready[size_t(g)] = 1;
    }
    return rows;
}

/// The packs of W's columns [column, column + k) for dx = dy W, made on first use in a pass.
segment::MemberPacks& backwardPacks(Shared& s, int64_t column, int64_t k)
{
    for (auto& [key, packs] : s.backwardPacks) {
        if (key.first == column && key.second == k) {
            return *packs;
        }
    }
    s.backwardPacks.emplace_back(
        std::make_pair(column, k),
        std::make_unique<segment::MemberPacks>(int64_t(s.weights.size()),
                                               fused::packedFloats(k, s.out, s.isa)));
    return *s.backwardPacks.back().second;
}

/// Member g's columns [column, column + k) packed for dx = dy W, packing them first if needed.
const fused::PackedDense& backwardPack(Shared& s, segment::MemberPacks& packs, int64_t g,
                                       int64_t column, int64_t k)
{
    const auto version = versionOf(s, g);
    if (!packs.ready(g, version)) {
        const auto& w = s.weights[size_t(g)];
        packs.set(g,
                  fused::packWeightColumns(w.data_ptr<float>() + column, w.stride(0), s.out, k,
                                           s.isa, packs.slot(g)),
                  version);
    }
    return packs.layer(g);
}

/// Backward of one call: the input gradient, and (when the weights' gradient node will run)
/// the call's part of every member's weight and bias gradient, added into the shared buffers
/// right after the input gradient's product, while the member's block of the output gradient
/// is in cache. One thread per member (both products of a member on one thread).
struct SegmentCallBackward : torch::autograd::Node {
    std::shared_ptr<Shared> shared;
    torch::Tensor x; // the call's input, contiguous, without autograd history
    std::vector<int64_t> counts;
    int64_t column = 0;
    bool bias = false;

    std::string name() const override { return "SegmentCallBackward"; }
    void release_variables() override { x = torch::Tensor(); }

    variable_list apply(variable_list&& grads) override
    {
        variable_list result(2);
        if (!grads[0].defined()) {
            return result;
        }
        const auto dy = grads[0].contiguous();
        const bool needX = task_should_compute_output(0);
        const bool needW = task_should_compute_output(1); // the gradient node runs
        const int64_t k = x.size(1), members = int64_t(counts.size());
        auto& s = *shared;
        torch::Tensor dx;
        if (needX) {
            dx = torch::empty({dy.size(0), k}, dy.options());
        }
        const std::lock_guard<std::mutex> lock(s.mutex);
        if (needW && !s.dw.defined()) {
            s.dw = torch::empty({members, s.out, s.in}, dy.options());
            s.written.assign(size_t(members), std::vector<bool>(size_t(s.in), false));
            s.biasWritten.assign(size_t(members), 0);
            if (!s.biases.empty()) {
                s.db = torch::empty({members, s.out}, dy.options());
            }
        }
        const auto offsets = offsetsOf(counts);
        // Float CPU tensors: each member's blocks as pointers, for BLAS too (no tensor views per
        // member and call: ~1 us each, ~1,000 a step at E = 32).
        const bool raw = dy.is_cpu() && dy.scalar_type() == torch::kFloat
                         && x.scalar_type() == torch::kFloat;
        // dx = dy W by the kernel for the deep weights (the GRU's): W's rows read in place as
        // panels where k is a multiple of a panel (no packing: every member, from one row), else
        // W's columns packed (from a few rows on).
        segment::MemberPacks* dxPacks = nullptr;
        const bool dxKernel = needX && raw && s.isa != fused::GemmIsa::None
                              && s.out >= segment::kMinDxDepth && k >= segment::kMinOutputs;
        const bool dxInPlace = dxKernel && k % fused::panelWidth(s.isa) == 0;
        if (dxKernel && !dxInPlace) {
            dxPacks = &backwardPacks(s, column, k);
        }
        const int64_t rowLimit = packedRowLimit(s, counts.size());
        const int64_t inPlaceLimit = s.isa == fused::GemmIsa::Avx512 ? rowLimit : 16;
        const int64_t minRows = segment::minRowsToPack(s.isa, true);
        const bool narrow = s.narrow && raw;
        // The weight gradient by the kernel (segment::kMaxDwKernelRows): x's columns a whole
        // number of panels (read in place), the switch on.
        using segment::BackwardPath;
        const bool dwKernel = needW && raw && !narrow && s.isa != fused::GemmIsa::None
                              && segment::backwardPath(BackwardPath::WeightGradientKernel)
                              && k % fused::panelWidth(s.isa) == 0;
        // Those blocks' dW left to the gradient node (segment_gradients.h): marked per member.
        const bool defer =
            dwKernel && segment::backwardPath(BackwardPath::DeferredWeightGradient);
        std::vector<uint8_t> deferred(defer ? size_t(members) : 0, 0);
        // Calls on a few columns (the feedback's): loops instead of BLAS products that narrow.
        const bool few = raw && s.loops && !narrow && k <= segment::kMaxFewInputs
                         && segment::backwardPath(BackwardPath::FewInputs);
        auto* fewCols = few && needX ? &fewColumns(s, column, k) : nullptr;
        forEachMember(counts, s.out * k, dy.is_cpu(), [&](int64_t g) {
            const int64_t n = counts[size_t(g)];
            if (n == 0) {
                return;
            }
            const float* dyData = raw ? dy.data_ptr<float>() + offsets[size_t(g)] * s.out
                                      : nullptr;
            const float* xData = raw ? x.data_ptr<float>() + offsets[size_t(g)] * k : nullptr;
            float* dxData = raw && needX ? dx.data_ptr<float>() + offsets[size_t(g)] * k
                                         : nullptr;
            if (narrow) {
                if (needX) {
                    segment::countPackedProduct();
                    const auto& w = s.weights[size_t(g)];
                    segment::narrowInputGradient(dyData, n, s.out, w.data_ptr<float>() + column,
                                                 w.stride(0), k, dxData);
                }
            } else if (few) {
                if (needX) {
                    segment::countPackedProduct();
                    segment::fewInputGradientRows(dyData, n, s.out, fewRows(s, *fewCols, g), k,
                                                  dxData);
                }
            } else if (dxInPlace && n <= inPlaceLimit) {
                const auto& w = s.weights[size_t(g)];
                segment::countPackedProduct();
                fused::packedProduct(fused::weightColumns(w.data_ptr<float>() + column,
                                                          w.stride(0), s.out, k, s.isa,
                                                          s.zeros.data()),
                                     dyData, s.out, n, dxData, k);
            } else if (dxPacks != nullptr && n <= rowLimit
                       && (n >= minRows || dxPacks->ready(g, versionOf(s, g)))) {
                segment::countPackedProduct();
                fused::packedProduct(backwardPack(s, *dxPacks, g, column, k), dyData, s.out, n,
                                     dxData, k);
            } else if (needX
                       && !(raw
                            && fused::rowMajorProduct(
                                false, false, n, k, s.out, dyData, s.out,
                                s.weights[size_t(g)].data_ptr<float>() + column,
                                s.weights[size_t(g)].stride(0), false, dxData, k))) {
                auto out = rows(dx, offsets[size_t(g)], n);
                product(out, rows(dy, offsets[size_t(g)], n),
                        columns(s.weights[size_t(g)], column, k), false);
            }
            if (!needW) {
                return;
            }
            const bool later = defer && n <= segment::kMaxDwKernelRows;
            if (later) {
                deferred[size_t(g)] = 1;
            }
            // Columns this call adds to: written by an earlier call (accumulate), or not yet
            // (overwrite; where only some are, those others are zeroed first).
            auto& written = s.written[size_t(g)];
            const bool accumulate =
                !later && segment::startColumns(written, member(s.dw, g), column, k);
            const bool addBias = bias && s.db.defined();
            if (narrow) {
                segment::countPackedProduct();
                float* db = addBias ? s.db.data_ptr<float>() + g * s.out : nullptr;
                segment::narrowWeightGradient(
                    dyData, xData, n, s.out, k,
                    s.dw.data_ptr<float>() + g * s.out * s.in + column, s.in, accumulate, db,
                    addBias && s.biasWritten[size_t(g)] != 0);
            } else {
                if (few) {
                    segment::countPackedProduct();
                    segment::fewInputWeightGradient(
                        dyData, xData, n, s.out, k,
                        s.dw.data_ptr<float>() + g * s.out * s.in + column, s.in, accumulate);
                } else if (later) {
                    // added by the gradient node with the weight's other calls
                } else if (dwKernel && n <= segment::kMaxDwKernelRows) {
                    // dW[:, column:column+k] (+)= dy^T x: dy^T read in place (rows 1 float
                    // apart, inputs out apart), x's rows as the panels (k a whole number of
                    // panels): no packing, no zeroing of the buffer first.
                    segment::countPackedProduct();
                    fused::packedProductStrided(
                        fused::weightColumns(xData, k, n, k, s.isa, s.zeros.data()), dyData, 1,
                        s.out, s.out, s.dw.data_ptr<float>() + g * s.out * s.in + column, s.in,
                        accumulate);
                } else if (!(raw
                             && fused::rowMajorProduct(
                                 true, false, s.out, k, n, dyData, s.out, xData, k, accumulate,
                                 s.dw.data_ptr<float>() + g * s.out * s.in + column, s.in))) {
                    auto w = columns(member(s.dw, g), column, k);
                    product(w, rows(dy, offsets[size_t(g)], n, true),
                            rows(x, offsets[size_t(g)], n), accumulate);
                }
                if (addBias && raw) {
                    segment::columnSums(dyData, n, s.out, s.out,
                                        s.db.data_ptr<float>() + g * s.out,
                                        s.biasWritten[size_t(g)] != 0);
                } else if (addBias) {
                    auto b = member(s.db, g);
                    rowSum(b, rows(dy, offsets[size_t(g)], n), s.biasWritten[size_t(g)] != 0);
                }
            }
            if (!later) {
                std::fill(written.begin() + column, written.begin() + column + k, true);
            }
            if (addBias) {
                s.biasWritten[size_t(g)] = 1;
            }
        });
        if (std::any_of(deferred.begin(), deferred.end(), [](uint8_t d) { return d != 0; })) {
            s.deferred.push_back(
                segment::DeferredCall{x, dy, counts, offsets, column, std::move(deferred)});
        }
        result[0] = dx;
        return result;
    }
};

/// The weight's gradient node: runs once the backward of every call has run (each call reads
/// its output, the token); zeroes what no call wrote (members without rows, columns no call
/// reads) and hands each member a view of the buffers. Next edges: the members' weights, then
/// their biases; none (an invalid edge) for a parameter marked `direct`, whose view the node
/// adds into its gradient itself.
struct SegmentWeightGradients : torch::autograd::Node {
    std::shared_ptr<Shared> shared;
    /// Per next edge: 1 where the parameter, a plain leaf (compat::plainLeafGradient), takes its
    /// gradient from this node (segment::accumulateIntoParameter), not from one of ~450
    /// AccumulateGrad nodes a step at E = 32 (1.5 ms of a 31 ms backward, session 40). With a
    /// hook (pruning's masks) a parameter keeps its edge, and with it its hooks.
    std::vector<uint8_t> direct;

    std::string name() const override { return "SegmentWeightGradients"; }

    variable_list apply(variable_list&& /*token gradient: unused*/) override
    {
        auto& s = *shared;
        const int64_t members = int64_t(s.weights.size());
        variable_list grads(size_t(members) * (s.biases.empty() ? 1 : 2));
        torch::Tensor dw, db;
        std::vector<std::vector<bool>> written;
        std::vector<uint8_t> biasWritten;
        std::vector<segment::DeferredCall> deferred;
        {
            // Taken out: a later backward through the same graph starts new buffers.
            const std::lock_guard<std::mutex> lock(s.mutex);
            std::swap(dw, s.dw);
            s.backwardPacks.clear(); // a later backward packs the weights as they are then
            std::swap(db, s.db);
            written.swap(s.written);
            biasWritten.swap(s.biasWritten);
            deferred.swap(s.deferred);
        }
        if (!dw.defined()) {
            return grads; // no call received a gradient: none for the weights, as per expert
        }
        segment::addDeferredWeightGradients(deferred, dw, written, s.isa);
        deferred.clear(); // the calls' inputs and output gradients
        if (db.defined() && std::none_of(biasWritten.begin(), biasWritten.end(),
                                         [](uint8_t b) { return b != 0; })) {
            db = torch::Tensor(); // no call added the bias: no bias gradient, as per expert
        }
        segment::zeroUnwritten(dw, db, written, biasWritten);
        // Per member its part of the buffers, holding them alive (taken as it is), made
        // without unbind's dispatched selects. Direct parameters take theirs in a whole
        // backward pass only: autograd::grad() (or backward() of chosen inputs) leaves .grad.
        const auto* task = torch::autograd::get_current_graph_task_exec_info();
        const bool accumulate = task == nullptr || task->empty();
        const auto hand = [&](size_t i, const torch::Tensor& p, torch::Tensor grad) {
            if (direct[i] != 0 && accumulate) {
                segment::accumulateIntoParameter(p, std::move(grad));
            } else if (direct[i] == 0 && task_should_compute_output(i)) {
                grads[i] = std::move(grad);
            }
        };
        for (int64_t g = 0; g < members; ++g) {
            hand(size_t(g), s.weights[size_t(g)], member(dw, g));
            if (db.defined()) {
                hand(size_t(members + g), s.biases[size_t(g)], member(db, g));
            }
        }
        return grads;
    }
};

} // namespace

SegmentWeight::SegmentWeight(std::vector<torch::Tensor> weights, std::vector<torch::Tensor> biases)
    : m_shared(std::make_shared<Shared>())
{
    TORCH_CHECK(!weights.empty() && (biases.empty() || biases.size() == weights.size()),
                "SegmentWeight: one weight per member, and one bias per member or none");
    auto& s = *m_shared;
    s.out = weights.front().size(0);
    s.in = weights.front().size(1);
    for (const auto& w : weights) {
        TORCH_CHECK(w.dim() == 2 && w.size(0) == s.out && w.size(1) == s.in
                        && (!w.is_cpu() || w.stride(1) == 1),
                    "SegmentWeight: the members' weights are [out, in] of one shape");
    }
    for (const auto& b : biases) {
        TORCH_CHECK(b.dim() == 1 && b.size(0) == s.out, "SegmentWeight: biases are [out]");
    }
    s.weights = std::move(weights);
    s.biases = std::move(biases);
    // Packed products (segment_packs.h): float CPU weights, the switch on, a kernel available;
    // not for narrow layers (fewer outputs than a panel's half): their products run plain
    // loops (segment::narrow*).
    if (packedSegmentProducts()
        && std::all_of(s.weights.begin(), s.weights.end(),
                       [](const torch::Tensor& w) {
                           return w.is_cpu() && w.scalar_type() == torch::kFloat;
                       })
        && std::all_of(s.biases.begin(), s.biases.end(),
                       [](const torch::Tensor& b) {
                           return b.is_cpu() && b.scalar_type() == torch::kFloat
                                  && b.stride(0) == 1;
                       })) {
        s.loops = true;
        s.narrow = s.out <= segment::kMaxNarrowOutputs;
        s.isa = s.out >= segment::kMinOutputs ? fused::packedGemmIsa() : fused::GemmIsa::None;
        if (s.isa != fused::GemmIsa::None) {
            s.zeros.assign(size_t(s.in + 32), 0.0f);
        }
    }
    if (!torch::autograd::compute_requires_grad(s.weights, s.biases)) {
        return; // no gradient wanted (evaluation, frozen weights): no gradient node
    }
    auto node = std::make_shared<SegmentWeightGradients>();
    node->shared = m_shared;
    torch::autograd::edge_list edges;
    for (const auto* list : {&s.weights, &s.biases}) {
        for (const auto& p : *list) {
            const bool direct = compat::plainLeafGradient(p);
            node->direct.push_back(direct ? 1 : 0);
            edges.push_back(direct ? torch::autograd::Edge()
                                   : torch::autograd::impl::gradient_edge(p));
        }
    }
    node->set_next_edges(std::move(edges));
    // The token: a 0-element output of the gradient node that every call reads, so the node
    // runs after the backward of all calls.
    m_token = torch::empty({0}, s.weights.front().options());
    torch::autograd::set_history(m_token, node);
}

torch::Tensor SegmentWeight::operator()(const torch::Tensor& xIn,
                                        const std::vector<int64_t>& counts, int64_t column,
                                        bool bias) const
{
    const auto& s = *m_shared;
    TORCH_CHECK(xIn.dim() == 2 && counts.size() == s.weights.size() && column >= 0
                    && column + xIn.size(1) <= s.in && (!bias || !s.biases.empty())
                    && xIn.scalar_type() == s.weights.front().scalar_type(),
                "SegmentWeight: x [N, k] of the weights' dtype, one count per member, columns "
                "within the weight");
    torch::Tensor x, y;
    {
        const torch::NoGradGuard noGrad; // the products are not recorded: one node per call
        x = xIn.contiguous();
        y = torch::empty({x.size(0), s.out}, x.options());
        const int64_t k = x.size(1);
        const auto offsets = offsetsOf(counts);
        const int64_t rowLimit = packedRowLimit(s, counts.size());
        const int64_t minRows = segment::minRowsToPack(s.isa, false);
        const bool raw = x.is_cpu() && x.scalar_type() == torch::kFloat;
        const bool narrow = s.narrow && raw;
        // Calls on a few columns (the feedback's): loops, as their backward.
        const bool few = raw && s.loops && !narrow && k <= segment::kMaxFewInputs
                         && segment::backwardPath(segment::BackwardPath::FewInputs);
        const bool packed = raw && s.isa != fused::GemmIsa::None && !few;
        auto* fewCols = few ? &fewColumns(*m_shared, column, k) : nullptr;
        forEachMember(counts, s.out * k, x.is_cpu(), [&](int64_t g) {
            const int64_t n = counts[size_t(g)];
            if (n == 0) {
                return;
            }
            if (narrow) {
                const auto& w = s.weights[size_t(g)];
                segment::countPackedProduct();
                segment::narrowForward(x.data_ptr<float>() + offsets[size_t(g)] * k, n, k,
                                       w.data_ptr<float>() + column, w.stride(0), s.out,
                                       bias ? s.biases[size_t(g)].data_ptr<float>() : nullptr,
                                       y.data_ptr<float>() + offsets[size_t(g)] * s.out, s.out);
                return;
            }
            if (few) {
                segment::countPackedProduct();
                segment::fewInputForwardRows(
                    x.data_ptr<float>() + offsets[size_t(g)] * k, n, k, fewRows(s, *fewCols, g),
                    s.out, bias ? s.biases[size_t(g)].data_ptr<float>() : nullptr,
                    y.data_ptr<float>() + offsets[size_t(g)] * s.out, s.out);
                return;
            }
            if (packed && n >= minRows && n <= rowLimit) {
                segment::countPackedProduct();
                fused::packedProduct(forwardPack(s, g, column, k, bias),
                                     x.data_ptr<float>() + offsets[size_t(g)] * k, k, n,
                                     y.data_ptr<float>() + offsets[size_t(g)] * s.out, s.out);
                return;
            }
            const auto& w = s.weights[size_t(g)];
            if (raw
                && (!bias
                    || (s.biases[size_t(g)].is_contiguous()
                        && s.biases[size_t(g)].scalar_type() == torch::kFloat))) {
                // Float CPU: the bias rows written, then y += x W^T, on pointers (no views).
                float* yg = y.data_ptr<float>() + offsets[size_t(g)] * s.out;
                for (int64_t r = 0; bias && r < n; ++r) {
                    std::memcpy(yg + r * s.out, s.biases[size_t(g)].data_ptr<float>(),
                                size_t(s.out) * sizeof(float));
                }
                if (fused::rowMajorProduct(false, true, n, s.out, k,
                                           x.data_ptr<float>() + offsets[size_t(g)] * k, k,
                                           w.data_ptr<float>() + column, w.stride(0), bias, yg,
                                           s.out)) {
                    return;
                }
            }
            auto out = rows(y, offsets[size_t(g)], n);
            const auto wt = columns(w, column, k, true);
            const auto xg = rows(x, offsets[size_t(g)], n);
            if (bias && out.is_cpu() && s.biases[size_t(g)].is_contiguous()) {
                // The bias rows written in place, then out += x W^T: no dispatched expand
                // and copy per member.
                const auto bytes = size_t(s.out) * out.element_size();
                const char* row = static_cast<const char*>(s.biases[size_t(g)].data_ptr());
                char* dst = static_cast<char*>(out.data_ptr());
                for (int64_t r = 0; r < n; ++r) {
                    std::memcpy(dst + size_t(r) * bytes, row, bytes);
                }
                product(out, xg, wt, true);
            } else if (bias) {
                out.copy_(s.biases[size_t(g)].expand({n, s.out}));
                product(out, xg, wt, true);
            } else {
                product(out, xg, wt, false);
            }
        });
    }
    const bool xGrad = torch::autograd::compute_requires_grad(xIn);
    if (!m_token.defined() && !xGrad) {
        return y;
    }
    if (!torch::GradMode::is_enabled()) {
        return y;
    }
    auto node = std::make_shared<SegmentCallBackward>();
    node->shared = m_shared;
    node->x = x.variable_data();
    node->counts = counts;
    node->column = column;
    node->bias = bias;
    node->set_next_edges(torch::autograd::collect_next_edges(xIn, m_token));
    torch::autograd::set_history(y, node);
    return y;
}

} // namespace mor::model
