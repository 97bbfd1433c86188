// Item 2 of issue 8 / issue 20: sparse dispatch scaling. Training-step time (forward +
// backward) with top-2 routing over E = 2..32 equal experts, against computing every expert on
// every input and masking. Six variants are timed side by side, alternating E and variant:
//   balanced the real MoRModel with grouped dispatch (grouped_experts.h: the rows of all
//           equal experts sorted by expert, every layer of every step one segment product, no
//           padding; the loss terms once per group), routed top-2 at random in training so
//           that every expert gets ~2B/E rows: the goal row (since session 34)
//   model   the same with its untrained top-2 router, which leaves 17 of 32 experts idle at
//           this batch (each row says how many got rows at E = 32): the goal row until
//           session 34, which timed 15 to 22 busy experts depending on the variants built
//   perexp  the same MoRModel with the per-expert gather -> reflect -> scatter path
//   sparse  a minimal harness: encoder, router, the same ReflectionExpert modules, gather/scatter
//   dense   the same harness computing every expert on the whole batch and masking by gates
//   full    the model variant's step as the engine trains (forward, backward, clipping and the
//           engine's AdamW; info: what a training step costs, the goal row times fwd+bwd)
// The figure is each variant's step time at E = 32 over its time at E = 2. Also reported (info):
// the same ratio of process CPU time (all threads), which waiting for a core on a shared
// machine does not inflate. `bench_dispatch [reps] [variants] [threads] [batch]`: repetitions
// (default 15), a comma-separated subset of balanced,model,full,perexp,sparse,dense,few
// (default all; few: an info row timing the few-column backward products alone, loops vs
// BLAS), the intra-op threads (default 2; 1 is less sensitive to other processes on a shared
// machine) and the batch (default 1024, the goal's; smaller ones compare grouped and per-expert
// dispatch there).
// MOR_BENCH_PACKED=0: segment products through BLAS only; MOR_BENCH_DW=blas: their weight
// gradients through BLAS (the packed kernel's dW of small blocks off); MOR_BENCH_FEW=blas: the
// backward of calls on at most 8 columns (the feedback's) through BLAS; MOR_BENCH_DEFER=0: each
// call's weight-gradient part added at once (segment_gradients.h); MOR_BENCH_SLOTS=0: the
// integration over all E experts, masked, instead of each row's selected slots;
// MOR_BENCH_TORCH_ADAMW=1: the full step with LibTorch's AdamW and clip_grad_norm_ (before/after
// in one binary);
// MOR_BENCH_PROFILE=DIR: after the timing, three steps of each variant and E under LibTorch's
// profiler, written as DIR/<variant>_<E>.json (chrome://tracing; tests/bench/op_profile.py sums
// them by operator: which operators' counts and times grow with E).
#include <torch/torch.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include "benchutil.h"

#include "engine/optimizer.h"
#include "model/fused_products.h"
#include "model/grouped_experts.h"
#include "model/halting_policy.h"
#include "model/integration.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"
#include "model/segment_packs.h"
#include "mor/allocator.h"
#include "mor/trainer.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int64_t kBatch = 1024; // the goal's batch (default)
constexpr int64_t kFeatures = 32;
constexpr int64_t kHidden = 64;
constexpr int64_t kClasses = 4;
constexpr int64_t kWidth = 128;
constexpr int64_t kDepth = 2;
constexpr int kReps = 15; // ~40 s for all four variants; 5 read 1.08x to 1.66x on the same tree

/// Process CPU seconds (every thread).
double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}
/// E values timed: 2, 4, 8, 16, 32, or MOR_BENCH_EXPERTS (comma-separated, for a profile of one
/// E: the goal row needs 2 and 32).
std::vector<int64_t> expertCounts()
{
    const char* env = std::getenv("MOR_BENCH_EXPERTS");
    if (env == nullptr || *env == '\0') {
        return {2, 4, 8, 16, 32};
    }
    std::vector<int64_t> counts;
    std::stringstream list(env);
    for (std::string item; std::getline(list, item, ',');) {
        counts.push_back(std::max<int64_t>(1, std::atoll(item.c_str())));
    }
    return counts;
}
const std::vector<int64_t> kExperts = expertCounts();

ExpertConfig expertConfig()
{
    ExpertConfig ec;
    ec.cell = ExpertCell::Gru;
    ec.width = kWidth;
    ec.maxDepth = kDepth;
    ec.halting = HaltingRule::Fixed;
    return ec;
}

/// Encoder + router + E reflection experts; dense or sparse dispatch of the same modules.
class Harness : public torch::nn::Module {
public:
    Harness(int64_t experts, bool dense) : m_dense(dense), m_policy(expertConfig())
    {
        m_encoder = register_module("encoder", torch::nn::Linear(kFeatures, kHidden));
        m_router = register_module("router", torch::nn::Linear(kHidden, experts));
        for (int64_t j = 0; j < experts; ++j) {
            m_experts.push_back(register_module(
                "expert" + std::to_string(j),
                model::ReflectionExpert(model::ReflectionExpertOptions(kHidden, kClasses)
                                            .width(kWidth)
                                            .maxDepth(kDepth)
                                            .cell("gru"))));
        }
    }

    torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& y)
    {
        const auto e = torch::tanh(m_encoder->forward(x));
        const auto p = torch::softmax(m_router->forward(e), 1);
        const auto top = p.topk(2, 1);
        const auto values = std::get<0>(top);
        const auto gates = torch::zeros_like(p).scatter(1, std::get<1>(top),
                                                        values / values.sum(1, true));
        auto fused = torch::zeros({x.size(0), kClasses}, x.options());
        for (size_t j = 0; j < m_experts.size(); ++j) {
            const auto g = gates.select(1, int64_t(j));
            if (m_dense) {
                const auto run = m_experts[j]->reflect(e, m_policy, false);
                fused = fused + g.unsqueeze(1) * run.answer;
            } else {
                const auto rows = g.gt(0).nonzero().squeeze(1);
                if (rows.numel() == 0) {
                    continue;
                }
                const auto run = m_experts[j]->reflect(e.index_select(0, rows), m_policy, false);
                fused = fused.index_add(0, rows, g.index_select(0, rows).unsqueeze(1) * run.answer);
            }
        }
        return torch::nll_loss(torch::log(fused.clamp_min(1e-9)), y);
    }

private:
    bool m_dense;
    model::HaltingPolicy m_policy;
    torch::nn::Linear m_encoder{nullptr}, m_router{nullptr};
    std::vector<model::ReflectionExpert> m_experts;
};

struct Variant {
    std::string name;
    std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)> loss;
    std::vector<torch::Tensor> parameters;
    std::function<void()> after; ///< timed after backward (the full step's clip + optimizer)
};

/// A MoRModel in training mode whose weights are seeded by its expert count, whichever variants
/// are built before it (see main).
std::shared_ptr<model::MoRModel> seededModel(const ModelConfig& config,
                                             const model::ModelShape& shape)
{
    torch::manual_seed(uint64_t(config.experts.size()));
    auto net = std::make_shared<model::MoRModel>(config, shape);
    (*net)->train();
    return net;
}

/// The training loss of `net` with grouped or per-expert dispatch (forward; the timer calls
/// backward).
std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>
lossOf(std::shared_ptr<model::MoRModel> net, bool grouped = true)
{
    return [net, grouped](const torch::Tensor& x, const torch::Tensor& y) {
        model::setGroupedDispatch(grouped);
        return (*net)->forward(x, y, torch::Tensor()).totalLoss;
    };
}

/// Info row: the backward of a segment call on 5 columns (the feedback's [draft | critique] of
/// a GRU cell of width 128: weight_ih [384, 69], columns 64-68) per member call, by
/// segment::fewInput* loops and by the BLAS products they replaced, alternated in one process
/// (median over rounds of the per-round ratio), on one thread (as each member's products run).
void fewColumnProducts(const std::string& item)
{
    guarded(item, "few-column backward products", [&] {
        constexpr int64_t out = 384, width = 69, column = 64, k = 5;
        // One thread, as each member's products run in the segment backward (forEachMember);
        // the caller's count is back afterwards, also when a check below throws.
        struct OneThread {
            int threads = at::get_num_threads();
            OneThread() { setThreads(1); }
            ~OneThread() { setThreads(threads); }
        } oneThread;
        std::string detail;
        std::vector<double> dxRatios, dwRatios;
        for (const int64_t n : {int64_t(64), int64_t(1024)}) {
            torch::manual_seed(5);
            const auto dy = torch::randn({n, out}), w = torch::randn({out, width});
            const auto x = torch::randn({n, k});
            auto dxLoops = torch::empty({n, k}), dxBlas = torch::empty({n, k});
            auto dwLoops = torch::zeros({out, width}), dwBlas = torch::zeros({out, width});
            const float* wk = w.data_ptr<float>() + column;
            const auto blasDx = [&] {
                return model::fused::rowMajorProduct(false, false, n, k, out, dy.data_ptr<float>(),
                                                     out, wk, width, false,
                                                     dxBlas.data_ptr<float>(), k);
            };
            const auto loopsDx = [&] {
                model::segment::fewInputGradient(dy.data_ptr<float>(), n, out, wk, width, k,
                                                 dxLoops.data_ptr<float>());
                return true;
            };
            const auto blasDw = [&] {
                return model::fused::rowMajorProduct(true, false, out, k, n, dy.data_ptr<float>(),
                                                     out, x.data_ptr<float>(), k, false,
                                                     dwBlas.data_ptr<float>() + column, width);
            };
            const auto loopsDw = [&] {
                model::segment::fewInputWeightGradient(dy.data_ptr<float>(), x.data_ptr<float>(),
                                                       n, out, k,
                                                       dwLoops.data_ptr<float>() + column, width,
                                                       false);
                return true;
            };
            if (!blasDx() || !blasDw()) {
                throw std::runtime_error("no direct sgemm here (rowMajorProduct)");
            }
            loopsDx();
            loopsDw();
            const double dxDiff = (dxLoops - dxBlas).abs().max().item<double>();
            const double dwDiff = (dwLoops - dwBlas).abs().max().item<double>();
            if (dxDiff > 1e-4 * dxBlas.abs().max().item<double>()
                || dwDiff > 1e-4 * dwBlas.abs().max().item<double>()) {
                throw std::runtime_error("the loops and BLAS disagree");
            }
            const int calls = int(std::max<int64_t>(20, 40000 / n));
            const auto perCall = [calls](const std::function<bool()>& fn) {
                const double start = now();
                for (int i = 0; i < calls; ++i) {
                    fn();
                }
                return (now() - start) / calls;
            };
            std::vector<double> tBlasDx, tLoopsDx, tBlasDw, tLoopsDw, rDx, rDw;
            for (int round = 0; round < 9; ++round) {
                tBlasDx.push_back(perCall(blasDx));
                tLoopsDx.push_back(perCall(loopsDx));
                tBlasDw.push_back(perCall(blasDw));
                tLoopsDw.push_back(perCall(loopsDw));
                rDx.push_back(tLoopsDx.back() / tBlasDx.back());
                rDw.push_back(tLoopsDw.back() / tBlasDw.back());
            }
            dxRatios.push_back(median(rDx));
            dwRatios.push_back(median(rDw));
            detail += format("%lld rows: dx %.1f -> %.1f us, dW %.1f -> %.1f us; ", (long long)n,
                             1e6 * median(tBlasDx), 1e6 * median(tLoopsDx),
                             1e6 * median(tBlasDw), 1e6 * median(tLoopsDw));
        }
        row(item, "few-column backward products (5 columns of [384, 69]), loops / BLAS",
            "(info)",
            format("dx %.2fx, %.2fx; dW %.2fx, %.2fx", dxRatios[0], dxRatios[1], dwRatios[0],
                   dwRatios[1]),
            "info",
            detail + "per member call (64 rows: E = 32, 1024: E = 2), medians of 9 alternated "
                     "rounds, one thread");
    });
}

} // namespace

int main(int argc, char** argv)
{
    const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : kReps;
    const std::string only = argc > 2 ? std::string(",") + argv[2] + "," : std::string();
    const auto wanted = [&only](const std::string& name) {
        return only.empty() || only.find("," + name + ",") != std::string::npos;
    };
    const int threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 2;
    const int64_t batch = argc > 4 ? std::max(1, std::atoi(argv[4])) : kBatch;
    const std::string item = "2 sparse dispatch";
    tuneAllocator(); // as every entry point does (MOR_MALLOC_TUNING=off: glibc's defaults)
    // MOR_BENCH_PACKED=0: the segment products through BLAS only (A/B in one binary).
    const char* packedEnv = std::getenv("MOR_BENCH_PACKED");
    const bool packed = !(packedEnv != nullptr && std::string(packedEnv) == "0");
    model::setPackedSegmentProducts(packed);
    // MOR_BENCH_DW=blas: every weight gradient of the segment products through BLAS (A/B).
    const char* dwEnv = std::getenv("MOR_BENCH_DW");
    const bool dwBlas = dwEnv != nullptr && std::string(dwEnv) == "blas";
    using model::segment::BackwardPath;
    model::segment::setBackwardPath(BackwardPath::WeightGradientKernel, !dwBlas);
    // MOR_BENCH_FEW=blas: the few-column calls' backward (the feedback) through BLAS (A/B).
    const char* fewEnv = std::getenv("MOR_BENCH_FEW");
    const bool fewBlas = fewEnv != nullptr && std::string(fewEnv) == "blas";
    model::segment::setBackwardPath(BackwardPath::FewInputs, !fewBlas);
    // MOR_BENCH_DEFER=0: each call's dW part added at once, not by the gradient node (A/B).
    const char* deferEnv = std::getenv("MOR_BENCH_DEFER");
    const bool deferOff = deferEnv != nullptr && std::string(deferEnv) == "0";
    model::segment::setBackwardPath(BackwardPath::DeferredWeightGradient, !deferOff);
    // MOR_BENCH_SLOTS=0: the integration over all E experts, masked (model/integration.h).
    const char* slotsEnv = std::getenv("MOR_BENCH_SLOTS");
    model::setSlotIntegration(!(slotsEnv != nullptr && std::string(slotsEnv) == "0"));
    setThreads(threads);
    torch::manual_seed(1);
    const auto x = torch::randn({batch, kFeatures});
    const auto y = torch::randint(kClasses, {batch});

    // times[variant][E] = per-repetition step seconds (cpuTimes: process CPU seconds; forwardTimes:
    // the forward part's wall seconds)
    std::map<std::string, std::map<int64_t, std::vector<double>>> times, cpuTimes, forwardTimes;
    // Every model of E experts starts from the same weights (seed E), whichever variants are
    // timed: an untrained top-2 router leaves a number of experts idle that depends on its
    // weights (10 or 16 of 32 before session 34, by the variants built first), and the row
    // timed alone and in the suite timed different numbers of busy experts.
    std::map<std::string, std::map<int64_t, Variant>> variants;
    // The MoRModel variants' models, for the number of experts their routers gave rows.
    std::map<std::string, std::map<int64_t, std::shared_ptr<model::MoRModel>>> nets;
    guarded(item, "building the variants", [&] {
        for (const int64_t experts : kExperts) {
            ModelConfig mc;
            mc.encoder.hidden = kHidden;
            mc.router.strategy = RoutingStrategy::TopK;
            mc.router.topK = 2;
            mc.experts.assign(size_t(experts), expertConfig());
            model::ModelShape shape;
            shape.inputs = kFeatures;
            shape.classes = kClasses;
            auto mor = seededModel(mc, shape);
            for (const bool grouped : {true, false}) {
                const std::string name = grouped ? "model" : "perexp";
                if (!wanted(name)) {
                    continue;
                }
                nets[name][experts] = mor;
                variants[name][experts] = Variant{name, lossOf(mor, grouped),
                                                  (*mor)->parameters(), {}};
            }
            if (wanted("balanced")) { // every expert gets rows: random top-2 (training)
                ModelConfig balanced = mc;
                balanced.router.strategy = RoutingStrategy::Random;
                auto net = seededModel(balanced, shape);
                nets["balanced"][experts] = net;
                variants["balanced"][experts] = Variant{"balanced", lossOf(net),
                                                        (*net)->parameters(), {}};
            }
            // "immediate" (only when named): the balanced model with each call's weight-gradient
            // part added at once (BackwardPath::DeferredWeightGradient off during its steps),
            // timed alternately with "balanced" in one process (A/B of segment_gradients.h).
            if (only.find(",immediate,") != std::string::npos) {
                ModelConfig balanced = mc;
                balanced.router.strategy = RoutingStrategy::Random;
                auto net = seededModel(balanced, shape);
                nets["immediate"][experts] = net;
                using model::segment::BackwardPath;
                auto loss = lossOf(net);
                variants["immediate"][experts] = Variant{
                    "immediate",
                    [loss](const torch::Tensor& in, const torch::Tensor& target) {
                        model::segment::setBackwardPath(BackwardPath::DeferredWeightGradient,
                                                        false);
                        return loss(in, target);
                    },
                    (*net)->parameters(), [deferOff] {
                        model::segment::setBackwardPath(BackwardPath::DeferredWeightGradient,
                                                        !deferOff);
                    }};
            }
            if (wanted("full")) { // the whole training step as the engine takes it
                auto net = seededModel(mc, shape);
                // MOR_BENCH_TORCH_ADAMW=1: LibTorch's AdamW and clip_grad_norm_ instead (A/B).
                const char* torchEnv = std::getenv("MOR_BENCH_TORCH_ADAMW");
                const bool torchAdamW = torchEnv != nullptr && std::string(torchEnv) == "1";
                const TrainConfig tc;
                std::string optimizerName;
                std::shared_ptr<torch::optim::Optimizer> optimizer =
                    torchAdamW ? std::make_shared<torch::optim::AdamW>(
                                     (*net)->parameters(),
                                     torch::optim::AdamWOptions(tc.learningRate)
                                         .weight_decay(tc.weightDecay))
                               : std::shared_ptr<torch::optim::Optimizer>(engine::makeOptimizer(
                                     tc, (*net)->parameters(), &optimizerName));
                const auto params = (*net)->parameters();
                nets["full"][experts] = net;
                variants["full"][experts] = Variant{
                    "full", lossOf(net), params,
                    [optimizer, params, torchAdamW, tc] {
                        if (torchAdamW) {
                            torch::nn::utils::clip_grad_norm_(params, tc.clipNorm);
                        } else {
                            engine::clipGradNorm(params, tc.clipNorm);
                        }
                        optimizer->step();
                    }};
            }
            for (const bool dense : {false, true}) {
                if (!wanted(dense ? "dense" : "sparse")) {
                    continue;
                }
                torch::manual_seed(uint64_t(experts)); // whichever variants are built
                auto h = std::make_shared<Harness>(experts, dense);
                variants[dense ? "dense" : "sparse"][experts] = Variant{
                    dense ? "dense" : "sparse",
                    [h](const torch::Tensor& x, const torch::Tensor& y) { return h->loss(x, y); },
                    h->parameters(), {}};
            }
        }
    });
    double lastCpu = 0.0;
    double lastForward = 0.0; // the step's forward part (loss computed), wall seconds
    auto stepTime = [&](Variant& v) {
        for (auto& p : v.parameters) {
            p.mutable_grad() = torch::Tensor();
        }
        const double cpuStart = processCpuSeconds();
        const double start = now();
        const auto loss = v.loss(x, y);
        lastForward = now() - start;
        loss.backward();
        if (v.after) {
            v.after();
        }
        const double wall = now() - start;
        lastCpu = processCpuSeconds() - cpuStart;
        return wall;
    };
    guarded(item, "timing", [&] {
        for (auto& [name, byE] : variants) {
            for (auto& [e, v] : byE) {
                stepTime(v); // warm-up
            }
        }
        for (int rep = 0; rep < reps; ++rep) {
            // Alternate the order of E (up, then down) and of the variants between repetitions.
            std::vector<int64_t> order = kExperts;
            if (rep % 2) {
                std::reverse(order.begin(), order.end());
            }
            for (const int64_t e : order) {
                for (auto& [name, byE] : variants) {
                    times[name][e].push_back(stepTime(byE.at(e)));
                    cpuTimes[name][e].push_back(lastCpu);
                    forwardTimes[name][e].push_back(lastForward);
                }
            }
        }
    });
    if (const char* dir = std::getenv("MOR_BENCH_PROFILE"); dir != nullptr && *dir != '\0') {
        guarded(item, "profiling", [&] {
            for (auto& [name, byE] : variants) {
                for (auto& [e, v] : byE) {
                    stepTime(v);
                    torch::autograd::profiler::RecordProfile guard(
                        format("%s/%s_%lld.json", dir, name.c_str(), (long long)e));
                    for (int i = 0; i < 3; ++i) {
                        stepTime(v);
                    }
                }
            }
        });
    }
    model::setGroupedDispatch(true);
    // Experts that got rows at E = 32 in a training pass of the timed batch (after the timing:
    // the full variant's router has trained on it). An untrained top-k router leaves many idle.
    const auto busyExperts = [&](const std::string& name) {
        const auto it = nets.find(name);
        if (it == nets.end() || !it->second.count(32)) {
            return std::string();
        }
        torch::NoGradGuard noGrad;
        const auto out = (*it->second.at(32))->forward(x, y, torch::Tensor());
        const auto rows = out.mask.sum(0);
        return format("experts with rows at E=32: %lld of 32 (most rows %lld of %lld); ",
                      (long long)rows.gt(0).sum().item<int64_t>(),
                      (long long)rows.max().item<int64_t>(), (long long)batch);
    };
    const std::map<std::string, std::string> labels{
        {"model", "MoRModel grouped dispatch, untrained top-2 router (the goal row until "
                  "session 34)"},
        {"balanced", "MoRModel grouped dispatch, top-2, every expert busy (random top-2 "
                     "routing)"},
        {"full", "whole training step: MoRModel grouped, clipping and AdamW (the engine's)"},
        {"perexp", "MoRModel per-expert dispatch (top-2)"},
        {"sparse", "harness sparse gather/scatter (top-2)"},
        {"dense", "harness dense: every expert, masked"},
        {"immediate", "as balanced, each call's weight gradient added at once (not deferred)"}};
    const std::string products = packed ? std::string("packed where they pay")
                                              + (dwBlas ? ", dW by BLAS" : "")
                                              + (fewBlas ? ", few-column calls by BLAS" : "")
                                              + (deferOff ? ", dW added per call" : "")
                                        : std::string("BLAS only");
    for (const std::string name :
         {"balanced", "immediate", "model", "full", "perexp", "sparse", "dense"}) {
        if (!times.count(name)) {
            continue;
        }
        guarded(item, labels.at(name), [&] {
            // Median over repetitions of the per-repetition ratio (same repetition = same noise).
            const auto growth = [](std::map<int64_t, std::vector<double>>& byE) {
                std::vector<double> ratios;
                for (size_t i = 0; i < byE.at(32).size(); ++i) {
                    ratios.push_back(byE.at(32)[i] / byE.at(2)[i]);
                }
                return median(ratios);
            };
            auto& byE = times.at(name);
            std::string detail;
            for (const int64_t e : kExperts) {
                detail += format("E=%lld %.2f ms (forward %.2f); ", (long long)e,
                                 1000.0 * median(byE.at(e)),
                                 1000.0 * median(forwardTimes.at(name).at(e)));
            }
            // MOR_BENCH_EXPERTS without both ends (a profile of one E): the times, no ratio.
            const bool ends = byE.count(2) && byE.count(32);
            const double wall = ends ? growth(byE) : NAN;
            const double cpu = ends ? growth(cpuTimes.at(name)) : NAN;
            detail += busyExperts(name);
            const bool goal = name == "balanced";
            row(item, "step time E=32 / E=2, " + labels.at(name),
                name == "dense"  ? "~16x (reference)"
                : goal           ? "<= 1.3x"
                : name == "full" ? "(info)"
                                 : "(comparison)",
                ends ? format("%.2fx", wall) : std::string("n/a"),
                goal && ends ? verdict(wall <= 1.3) : "info",
                detail + (ends ? format("process CPU time ratio %.2fx; ", cpu) : std::string())
                    + format("batch %lld, GRU width %lld, depth %lld, %s, %d repetitions, "
                             "%d threads, segment products %s, fusion over %s",
                             (long long)batch, (long long)kWidth, (long long)kDepth,
                             name == "full" ? "fwd+bwd+clip+AdamW" : "fwd+bwd", reps, threads,
                             products.c_str(),
                             model::slotIntegration() ? "the selected experts' slots"
                                                      : "all E experts, masked"));
        });
    }
    if (wanted("few")) {
        fewColumnProducts(item);
    }
    return 0;
}
