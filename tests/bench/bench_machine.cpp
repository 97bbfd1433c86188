// Item 6 of issue 8: achieved FLOP/s of the expert computation against the machine's
// matrix-multiply peak through LibTorch, with the same thread count. The expert computation is
// one reflection step forward on a batch of 256 (the model's GRU cell alone, and the whole
// expert step: cell, head, critic and halting head), timed alternately with a 2048^2 torch::mm.
// FLOPs are counted analytically (2 per multiply-add, the cells' own flopsPerRow()).
#include <torch/torch.h>

#include "benchutil.h"

#include "model/cells.h"
#include "model/reflection_expert.h"
#include "mor/trainer.h"

#include <iostream>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int64_t kThreads = 2;
constexpr int64_t kBatch = 256;
constexpr int64_t kClasses = 10;
constexpr int kReps = 9;

/// Median-free timing of `calls` calls of fn (one repetition).
double timeCalls(int calls, const std::function<void()>& fn)
{
    const double start = now();
    for (int i = 0; i < calls; ++i) {
        fn();
    }
    return (now() - start) / calls;
}

/// Calls per repetition so that one repetition lasts ~0.2 s.
int callsFor(const std::function<void()>& fn)
{
    fn();
    const double once = std::max(timeCalls(1, fn), 1e-6);
    return std::max(1, int(0.2 / once));
}

} // namespace

int main()
{
    const std::string item = "6 against the machine";
    setThreads(kThreads);
    torch::manual_seed(1);
    torch::NoGradGuard noGrad;

    const int64_t n = 2048;
    const auto a = torch::randn({n, n});
    const auto b = torch::randn({n, n});
    auto mm = [&] { auto c = torch::mm(a, b); };
    const double mmFlops = 2.0 * double(n) * double(n) * double(n);
    const int mmCalls = callsFor(mm);
    const double peak = mmFlops / median([&] {
        std::vector<double> t;
        for (int i = 0; i < 3; ++i) t.push_back(timeCalls(mmCalls, mm));
        return t;
    }());
    row(item, "matmul peak, torch::mm 2048^2 float, 2 threads", "(reference)",
        format("%.1f GFLOP/s", peak / 1e9), "info");

    for (const int64_t width : {int64_t(1024), int64_t(2048)}) {
        // The expert's input is [e, previous draft, previous critique] with e as wide as the cell.
        const int64_t inputs = width + kClasses + 1;
        guarded(item, format("GRU cell step, width %lld", (long long)width), [&] {
            auto cell = model::makeCell("gru", model::CellOptions(inputs, width));
            const auto state = torch::randn({kBatch, width});
            const auto input = torch::randn({kBatch, inputs});
            auto step = [&] { auto s = cell->forward(state, input); };
            const double flops = cell->flopsPerRow() * double(kBatch);
            const int calls = callsFor(step);
            const PairedTimes t = alternate(kReps, [&] { return timeCalls(calls, step) / flops; },
                                            [&] { return timeCalls(mmCalls, mm) / mmFlops; });
            // a = seconds per FLOP of the cell, b = of matmul: b / a = achieved / peak.
            const double fraction = 1.0 / t.medianRatio();
            row(item, format("GRU cell step forward, width %lld, batch 256", (long long)width),
                ">= 50% of peak", format("%.0f%%", 100.0 * fraction), verdict(fraction >= 0.5),
                format("%.1f GFLOP/s vs peak %.1f GFLOP/s (median of %d alternated pairs)",
                       1e-9 / t.medianA(), 1e-9 / t.medianB(), kReps));
        });
        guarded(item, format("GRU matrix products, width %lld", (long long)width), [&] {
            // The cell's two matrix products alone: what the GRU would reach if its gate
            // arithmetic (unfused element-wise ops in LibTorch's CPU gru_cell) were free.
            auto cell = model::makeCell("gru", model::CellOptions(inputs, width));
            const auto params = cell->named_parameters();
            const auto state = torch::randn({kBatch, width});
            const auto input = torch::randn({kBatch, inputs});
            auto gemms = [&] {
                auto a = torch::linear(input, params["gru.weight_ih"], params["gru.bias_ih"]);
                auto b = torch::linear(state, params["gru.weight_hh"], params["gru.bias_hh"]);
            };
            const double flops = cell->flopsPerRow() * double(kBatch);
            const int calls = callsFor(gemms);
            const PairedTimes t = alternate(kReps, [&] { return timeCalls(calls, gemms) / flops; },
                                            [&] { return timeCalls(mmCalls, mm) / mmFlops; });
            const double fraction = 1.0 / t.medianRatio();
            row(item, format("  its two matrix products alone, width %lld", (long long)width),
                "(diagnostic)", format("%.0f%%", 100.0 * fraction), "info",
                format("%.1f GFLOP/s: the gap to the cell is LibTorch's unfused CPU gate "
                       "arithmetic",
                       1e-9 / t.medianA()));
        });
        guarded(item, format("whole expert step, width %lld", (long long)width), [&] {
            model::ReflectionExpert expert(
                model::ReflectionExpertOptions(width, kClasses).width(width).maxDepth(1));
            const auto e = torch::randn({kBatch, width});
            const auto state = expert->initialState(e);
            const auto draft = torch::softmax(torch::randn({kBatch, kClasses}), 1);
            const auto critique = torch::rand({kBatch});
            auto step = [&] { auto s = expert->step(state, e, draft, critique); };
            const double flops = expert->stepFlops() * double(kBatch);
            const int calls = callsFor(step);
            const PairedTimes t = alternate(kReps, [&] { return timeCalls(calls, step) / flops; },
                                            [&] { return timeCalls(mmCalls, mm) / mmFlops; });
            const double fraction = 1.0 / t.medianRatio();
            row(item,
                format("whole expert step forward (cell+head+critic+halt), width %lld",
                       (long long)width),
                ">= 50% of peak", format("%.0f%%", 100.0 * fraction), verdict(fraction >= 0.5),
                format("%.1f GFLOP/s vs peak %.1f GFLOP/s", 1e-9 / t.medianA(),
                       1e-9 / t.medianB()));
        });
    }
    return 0;
}
