// GPU checks of issue 20 (tests/gpu/run.sh): on the device given (cuda, or cpu as the fallback
// that checks the script's logic on a machine without one):
//   equality  MoRModel training pass on the device: grouped dispatch against the per-expert path
//             and against the same pass on the CPU (forward and every gradient)
//   dispatch  training-step time with 32 experts against 2 (row 2's sparse-dispatch measure)
//   autocast  a bf16 autocast training pass is finite and close to the fp32 one
//   flops     matmul peak (fp32 and bf16) measured on the device, and the expert-step and
//             grouped-dispatch training-step FLOP/s against it
// Prints @@ROW lines (see tests/bench/benchutil.h); exit code 1 when a check fails.
#include "compat/torch_compat.h"

#include "model/grouped_experts.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

using namespace mor;

namespace {

const std::string kItem = "9 GPU";
int g_failures = 0;

void row(const std::string& metric, const std::string& goal, const std::string& measured,
         const std::string& verdict, const std::string& note = "")
{
    std::cout << "@@ROW\t" << kItem << '\t' << metric << '\t' << goal << '\t' << measured << '\t'
              << verdict << '\t' << note << std::endl;
    if (verdict == "not met" || verdict == "failed") {
        ++g_failures;
    }
}

std::string fmt(const char* f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

double seconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Median seconds of `fn` on `device` (synchronised), after a warm-up.
template <typename Fn>
double timeIt(const torch::Device& device, Fn fn, int reps = 7)
{
    fn();
    compat::synchronize(device);
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        const double start = seconds();
        fn();
        compat::synchronize(device);
        t.push_back(seconds() - start);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

ModelConfig dispatchConfig(int64_t experts)
{
    ModelConfig mc;
    mc.encoder.hidden = 64;
    mc.router.strategy = mor::RoutingStrategy::TopK;
    mc.router.topK = 2;
    ExpertConfig ec;
    ec.cell = mor::ExpertCell::Gru;
    ec.width = 128;
    ec.maxDepth = 2;
    ec.halting = mor::HaltingRule::Critique;
    mc.experts.assign(size_t(experts), ec);
    return mc;
}

struct Pass {
    torch::Tensor loss;
    std::map<std::string, torch::Tensor> grads;
};

Pass trainingPass(model::MoRModel& net, const torch::Tensor& x, const torch::Tensor& y,
                  bool grouped)
{
    const auto previous = model::groupedDispatchMode();
    model::setGroupedDispatch(grouped);
    for (auto& p : net->parameters()) {
        p.mutable_grad() = torch::Tensor();
    }
    net->train();
    const auto out = net->forward(x, y, torch::Tensor());
    out.totalLoss.backward();
    model::setGroupedDispatchMode(previous);
    Pass r;
    r.loss = out.totalLoss.detach().to(torch::kCPU);
    for (const auto& p : net->named_parameters()) {
        if (p.value().grad().defined()) {
            r.grads[p.key()] = p.value().grad().to(torch::kCPU);
        }
    }
    return r;
}

double maxDiff(const Pass& a, const Pass& b)
{
    double d = (a.loss - b.loss).abs().item<double>();
    for (const auto& [name, g] : a.grads) {
        const auto it = b.grads.find(name);
        if (it == b.grads.end()) {
            return 1e30;
        }
        d = std::max(d, (g - it->second).abs().max().item<double>());
    }
    return a.grads.size() == b.grads.size() ? d : 1e30;
}

void equality(const torch::Device& device)
{
    torch::manual_seed(5);
    model::ModelShape shape;
    shape.inputs = 32;
    shape.classes = 4;
    model::MoRModel cpuNet(dispatchConfig(8), shape);
    model::MoRModel net(dispatchConfig(8), shape);
    {
        torch::NoGradGuard noGrad;
        const auto src = cpuNet->named_parameters();
        for (auto& p : net->named_parameters()) {
            p.value().copy_(src[p.key()]);
        }
    }
    net->to(device);
    const auto x = torch::randn({512, 32});
    const auto y = torch::randint(4, {512});
    const auto grouped = trainingPass(net, x.to(device), y.to(device), true);
    const auto single = trainingPass(net, x.to(device), y.to(device), false);
    const auto onCpu = trainingPass(cpuNet, x, y, true);
    const double d1 = maxDiff(grouped, single);
    const double d2 = maxDiff(grouped, onCpu);
    row("grouped vs per-expert dispatch on " + device.str() + " (loss and gradients)", "<= 1e-5",
        fmt("%.1e", d1), d1 <= 1e-5 ? "met" : "not met", "8 gru experts, batch 512, top-2");
    row(device.str() + " vs cpu training pass (loss and gradients)", "<= 1e-3",
        fmt("%.1e", d2), d2 <= 1e-3 ? "met" : "not met", "TF32 off; grouped dispatch");
}

/// Row 2's sparse-dispatch measure on the device: one training step (forward and backward, grouped
/// dispatch) with 32 experts against 2, top-2, GRU width 128, depth 2, batch 1024. The step time
/// should not grow with the number of experts, since each input visits two of them.
void dispatchScaling(const torch::Device& device)
{
    model::ModelShape shape;
    shape.inputs = 32;
    shape.classes = 4;
    const int64_t batch = 1024;
    torch::manual_seed(7);
    const auto x = torch::randn({batch, 32}).to(device);
    const auto y = torch::randint(4, {batch}).to(device);
    const auto previous = model::groupedDispatchMode();
    model::setGroupedDispatch(true);
    std::map<int64_t, double> ms;
    for (const int64_t experts : {int64_t(2), int64_t(32)}) {
        torch::manual_seed(8);
        model::MoRModel net(dispatchConfig(experts), shape);
        net->to(device);
        net->train();
        ms[experts] = 1000.0 * timeIt(device, [&] {
            for (auto& p : net->parameters()) {
                p.mutable_grad() = torch::Tensor();
            }
            net->forward(x, y, torch::Tensor()).totalLoss.backward();
        });
    }
    model::setGroupedDispatchMode(previous);
    const double ratio = ms[32] / ms[2];
    row("sparse top-2 training step (fwd+bwd), E=32 / E=2, batch 1024 on " + device.str(),
        "<= 1.3x", fmt("%.2fx", ratio), ratio <= 1.3 ? "met" : "not met",
        fmt("E=2 %.2f ms", ms[2]) + fmt(", E=32 %.2f ms", ms[32])
            + "; grouped dispatch, GRU width 128, depth 2, median of 7 after a warm-up");
}

void autocast(const torch::Device& device)
{
    if (!compat::autocastSupported(device, torch::kBFloat16)) {
        row("bf16 autocast training pass on " + device.str(), "runs", "n/a", "info",
            "autocast bf16 is not supported on this device by this LibTorch");
        return;
    }
    torch::manual_seed(6);
    model::ModelShape shape;
    shape.inputs = 32;
    shape.classes = 4;
    model::MoRModel net(dispatchConfig(4), shape);
    net->to(device);
    const auto x = torch::randn({256, 32}).to(device);
    const auto y = torch::randint(4, {256}).to(device);
    const auto full = trainingPass(net, x, y, true);
    Pass low;
    std::string probeType;
    {
        compat::AutocastGuard guard(device, torch::kBFloat16);
        probeType = std::string(c10::toString(torch::mm(x, x.t()).scalar_type()));
        low = trainingPass(net, x, y, true);
    }
    const double l32 = full.loss.item<double>();
    const double l16 = low.loss.item<double>();
    bool finite = std::isfinite(l16);
    for (const auto& [name, g] : low.grads) {
        finite = finite && g.isfinite().all().item<bool>();
    }
    const double rel = std::abs(l16 - l32) / std::max(1e-6, std::abs(l32));
    row("bf16 autocast training pass on " + device.str() + ": loss vs fp32", "finite, <= 5%",
        fmt("%.3f%%", 100.0 * rel),
        finite && rel <= 0.05 && probeType == "BFloat16" ? "met" : "not met",
        fmt("fp32 loss %.6f", l32) + fmt(", bf16 %.6f", l16) + "; a matmul under the guard gives "
            + probeType);
}

void flops(const torch::Device& device)
{
    const bool cuda = device.is_cuda();
    const int64_t n = cuda ? 8192 : 1024;
    double peak32 = 0.0;
    for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
        if (!cuda && dtype == torch::kBFloat16) {
            continue;
        }
        const auto a = torch::randn({n, n}, torch::TensorOptions(device).dtype(dtype));
        const auto b = torch::randn({n, n}, torch::TensorOptions(device).dtype(dtype));
        const double t = timeIt(device, [&] { (void)torch::mm(a, b); });
        const double rate = 2.0 * double(n) * double(n) * double(n) / t / 1e9;
        if (dtype == torch::kFloat) {
            peak32 = rate;
        }
        row(std::string("matmul peak, ") + (dtype == torch::kFloat ? "fp32" : "bf16") + " "
                + std::to_string(n) + "^2 on " + device.str(),
            "(reference)", fmt("%.0f GFLOP/s", rate), "info", "TF32 off");
    }
    // One expert step forward (cell, head, critic, halting head) at a width that fills the device.
    const int64_t width = cuda ? 2048 : 512;
    const int64_t batch = cuda ? 8192 : 256;
    model::ReflectionExpert expert(model::ReflectionExpertOptions(width, 8).width(width).maxDepth(1));
    expert->to(device);
    torch::NoGradGuard noGrad;
    const auto opts = torch::TensorOptions(device);
    const auto e = torch::randn({batch, width}, opts);
    const auto s0 = torch::randn({batch, width}, opts);
    const auto draft = torch::full({batch, 8}, 1.0 / 8.0, opts);
    const auto crit = torch::zeros({batch}, opts);
    const double t = timeIt(device, [&] { (void)expert->step(s0, e, draft, crit, 1); });
    const double rate = expert->stepFlops() * double(batch) / t / 1e9;
    const double share = peak32 > 0 ? rate / peak32 : 0.0;
    row("expert step forward (gru cell+head+critic+halt), width " + std::to_string(width)
            + ", batch " + std::to_string(batch) + " on " + device.str(),
        ">= 50% of fp32 peak", fmt("%.0f%%", 100.0 * share), share >= 0.5 ? "met" : "not met",
        fmt("%.0f GFLOP/s", rate) + fmt(" vs peak %.0f GFLOP/s", peak32));
}

} // namespace

int main(int argc, char** argv)
{
    std::string deviceName = argc > 1 ? argv[1] : "cuda";
    if (deviceName == "cuda" && !torch::cuda::is_available()) {
        std::cerr << "gpu_checks: CUDA is not available to this LibTorch (" << compat::torchVersion()
                  << "); run with 'cpu' for the logic check only\n";
        return 2;
    }
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    const torch::Device device(deviceName);
    std::cout << "# LibTorch " << compat::torchVersion() << ", device " << device.str()
              << std::endl;
    for (const auto& [name, fn] : std::vector<std::pair<std::string, void (*)(const torch::Device&)>>{
             {"equality", equality}, {"dispatch", dispatchScaling}, {"autocast", autocast},
             {"flops", flops}}) {
        try {
            fn(device);
        } catch (const std::exception& ex) {
            row(name, "", "", "failed", ex.what());
        }
    }
    return g_failures == 0 ? 0 : 1;
}
