// Item 1 of issue 8, C++ side. Two modes, driven by python/compare.py:
//   bench_cpp_python prepare DIR   trains configs/python_reference.json briefly with a log,
//       exports the weights with mor::Run::exportWeights (what `mor export --weights` does) and
//       writes 256 test inputs with the C++ model's outputs on them (eval and train mode) as raw
//       little-endian arrays, plus the full config, for the Python port to compare against.
//   bench_cpp_python time DIR      loads the exported weights and prints the medians of the
//       inference latency (eval, no grad) and the training-step time (forward, backward, clip,
//       AdamW: the engine's, engine/optimizer.h, as `mor train` steps; the Python twin steps
//       with torch.optim.AdamW and clip_grad_norm_) at batch 1, 32 and 256 as
//       "@@TIME <tab> kind <tab> batch <tab> seconds".
// The Python side (python/compare.py) does the same with python/mor_reference.py.
#include <torch/torch.h>

#include "benchutil.h"

#include "engine/optimizer.h"
#include "model/answer_only.h"
#include "model/fused_reflect.h"
#include "model/mor_model.h"
#include "mor/allocator.h"
#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/run.h"
#include "mor/trainer.h"
#include "train/tensors.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int64_t kRows = 256;

struct Setup {
    ExperimentConfig config;
    Dataset dataset;
    torch::Tensor x, y; ///< the first kRows test inputs
};

Setup loadSetup()
{
    const auto parsed = loadConfigFile(sourcePath("tests/bench/configs/python_reference.json"));
    if (!parsed.ok()) {
        throw std::runtime_error(parsed.message());
    }
    Setup s;
    s.config = parsed.config;
    auto loaded = loadDataset(s.config.data, s.config.train.seed);
    if (!loaded.ok()) {
        throw std::runtime_error(loaded.error);
    }
    s.dataset = std::move(loaded.dataset);
    const auto data = train::DataTensors::fromDataset(s.dataset, torch::kCPU);
    std::vector<int64_t> rows(s.dataset.test.begin(),
                              s.dataset.test.begin()
                                  + std::min<long>(kRows, long(s.dataset.test.size())));
    const auto b = data.batch(rows);
    s.x = b.x.contiguous().clone();
    s.y = b.y.contiguous().clone();
    return s;
}

model::MoRModel loadModel(const Setup& s, const std::string& weights)
{
    model::ModelShape shape;
    shape.inputs = s.dataset.numFeatures;
    shape.classes = s.dataset.numClasses;
    shape.domains = s.dataset.numDomains();
    model::MoRModel net(s.config.model, shape);
    torch::load(net, weights);
    return net;
}

void writeRaw(const std::string& path, const torch::Tensor& t)
{
    const auto c = t.contiguous();
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(c.data_ptr()), std::streamsize(c.nbytes()));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

void prepare(const std::string& dir)
{
    std::filesystem::create_directories(dir);
    const std::string log = dir + "/reference.morlog";
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(log + suffix);
    }
    std::filesystem::remove_all(log + ".checkpoints");
    Setup s = loadSetup();
    RunOptions options;
    options.logPath = log;
    options.threads = 2;
    const RunOutcome outcome = trainExperiment(s.config, options, nullptr);
    if (outcome.status != "finished") {
        throw std::runtime_error("training " + outcome.status + ": " + outcome.error);
    }
    const std::string weights = dir + "/weights.pt";
    const auto exported = Run::open(log, outcome.runId).andThen(
        [&](const Run& run) { return run.exportWeights(weights); });
    if (!exported) {
        throw std::runtime_error(exported.error());
    }
    auto net = loadModel(s, weights);
    torch::NoGradGuard noGrad;
    net->eval();
    const auto ev = net->forward(s.x, torch::Tensor(), torch::Tensor());
    net->train();
    const auto tr = net->forward(s.x, s.y, torch::Tensor());
    writeRaw(dir + "/x.f32", s.x.to(torch::kFloat));
    writeRaw(dir + "/y.i64", s.y.to(torch::kLong));
    writeRaw(dir + "/eval_logits.f32", ev.logits.to(torch::kFloat));
    writeRaw(dir + "/eval_steps.i64", ev.steps.to(torch::kLong));
    writeRaw(dir + "/train_logits.f32", tr.logits.to(torch::kFloat));
    std::ofstream meta(dir + "/meta.json");
    meta << "{\"rows\": " << s.x.size(0) << ", \"features\": " << s.x.size(1)
         << ", \"classes\": " << s.dataset.numClasses << ", \"run\": " << outcome.runId
         << ", \"parameters\": " << outcome.parameters
         << ", \"train_loss\": " << format("%.9g", tr.totalLoss.item<double>())
         << ", \"config\": " << toJson(s.config) << "}\n";
    std::cout << "prepared " << dir << " (run " << outcome.runId << ", " << outcome.parameters
              << " parameters)\n";
}

/// MOR_BENCH_ATEN=1: the model's ATen reference paths on this thread (before / after of issue
/// 20, session 17, in one binary): the GRU cell, confidence fusion and the encoder's and router's
/// GELU of an evaluation pass as ATen ops, as before commit f22d733.
bool atenReferenceAsked()
{
    const char* aten = std::getenv("MOR_BENCH_ATEN");
    return aten != nullptr && std::string(aten) == "1";
}

struct AtenReference {
    bool on = atenReferenceAsked();
    model::FusedReflectGuard cell{!on};
    model::AnswerOnlyTailGuard fusion{!on};
    model::AnswerOnlyHeadGuard gelu{!on};
};

/// Median seconds per call of fn over 5 blocks of ~0.1 s.
double timePerCall(const std::function<void()>& fn)
{
    for (int i = 0; i < 3; ++i) {
        fn();
    }
    double start = now();
    fn();
    const double once = std::max(now() - start, 1e-6);
    const int calls = std::max(1, int(0.1 / once));
    std::vector<double> blocks;
    for (int b = 0; b < 5; ++b) {
        start = now();
        for (int i = 0; i < calls; ++i) {
            fn();
        }
        blocks.push_back((now() - start) / calls);
    }
    return median(blocks);
}

/// One training step as `mor train` takes it (engine/optimizer.h): gradients cleared, forward,
/// backward, the missing ones zeroed, clipping, the engine's optimizer.
void trainingStep(model::MoRModel& net, torch::optim::Optimizer& optimizer,
                  const torch::Tensor& x, const torch::Tensor& y, double clipNorm)
{
    const auto params = net->parameters();
    const auto hadGradient = engine::clearGradients(params);
    net->forward(x, y, torch::Tensor()).totalLoss.backward();
    engine::zeroMissingGradients(hadGradient);
    engine::clipGradNorm(params, clipNorm);
    optimizer.step();
}

void timeAll(const std::string& dir)
{
    Setup s = loadSetup();
    auto net = loadModel(s, dir + "/weights.pt");
    const std::vector<int64_t> batches{1, 32, 256};
    const AtenReference reference;
    // Inference first, on the exported weights (halting depends on them).
    net->eval();
    for (const int64_t b : batches) {
        const auto x = s.x.narrow(0, 0, b);
        const double t = timePerCall([&] {
            c10::InferenceMode inferenceMode; // as the predictor serves (session 10)
            auto out = net->forward(x, torch::Tensor(), torch::Tensor());
        });
        std::cout << "@@TIME\tinference\t" << b << '\t' << format("%.9f", t) << std::endl;
    }
    net->train();
    std::string optimizerName;
    const auto optimizer =
        engine::makeOptimizer(s.config.train, net->parameters(), &optimizerName);
    for (const int64_t b : batches) {
        const auto x = s.x.narrow(0, 0, b);
        const auto y = s.y.narrow(0, 0, b);
        const double t = timePerCall(
            [&] { trainingStep(net, *optimizer, x, y, s.config.train.clipNorm); });
        std::cout << "@@TIME\ttrain\t" << b << '\t' << format("%.9f", t) << std::endl;
    }
}

/// `profile DIR BATCH OUT`: the training step of timeAll at one batch size, 20 steps after 5
/// warm-up steps, under the autograd profiler; writes a chrome trace that
/// python/profile_step.py sets beside the Python twin's (issue 20, session 10); OUT "none": 300
/// steps without the profiler (for perf record around the process).
void profileStep(const std::string& dir, int64_t batch, const std::string& out)
{
    Setup s = loadSetup();
    auto net = loadModel(s, dir + "/weights.pt");
    net->train();
    std::string optimizerName;
    const auto optimizer =
        engine::makeOptimizer(s.config.train, net->parameters(), &optimizerName);
    const auto x = s.x.narrow(0, 0, batch);
    const auto y = s.y.narrow(0, 0, batch);
    const auto step = [&] { trainingStep(net, *optimizer, x, y, s.config.train.clipNorm); };
    for (int i = 0; i < 5; ++i) {
        step();
    }
    if (out == "none") { // 300 steps unprofiled, for perf or callgrind around the process
        for (int i = 0; i < 300; ++i) {
            step();
        }
        return;
    }
    torch::autograd::profiler::RecordProfile guard(out);
    for (int i = 0; i < 20; ++i) {
        step();
    }
}

/// `infer DIR BATCH OUT`: the inference pass of timeAll (eval, InferenceMode) at one batch
/// size, 50 passes after 5 warm-up passes under the autograd profiler (a chrome trace: count its
/// ops); OUT "none": 5000 passes without the profiler, for perf around the process (issue 20,
/// session 17).
void profileInference(const std::string& dir, int64_t batch, const std::string& out)
{
    Setup s = loadSetup();
    auto net = loadModel(s, dir + "/weights.pt");
    net->eval();
    const AtenReference reference;
    const auto x = s.x.narrow(0, 0, batch);
    const auto pass = [&] {
        c10::InferenceMode inferenceMode;
        auto result = net->forward(x, torch::Tensor(), torch::Tensor());
    };
    for (int i = 0; i < 5; ++i) {
        pass();
    }
    if (out == "none") {
        for (int i = 0; i < 5000; ++i) {
            pass();
        }
        return;
    }
    torch::autograd::profiler::RecordProfile guard(out);
    for (int i = 0; i < 50; ++i) {
        pass();
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: bench_cpp_python prepare|time DIR | profile|infer DIR BATCH "
                     "OUT.json|none\n";
        return 2;
    }
    tuneAllocator(); // as every entry point does
    setThreads(2);
    const char* mkldnn = std::getenv("MOR_BENCH_MKLDNN");
    if (mkldnn != nullptr && std::string(mkldnn) == "0") {
        // Measurement aid (issue 20, session 17): ATen's own GELU kernel instead of oneDNN's,
        // whose every call opens an OpenMP region (a thread wake-up) even for 64 values.
        at::globalContext().setUserEnabledMkldnn(false);
    }
    torch::manual_seed(1);
    const std::string mode = argv[1];
    try {
        if (mode == "prepare") {
            prepare(argv[2]);
        } else if (mode == "profile" && argc >= 5) {
            profileStep(argv[2], std::atoll(argv[3]), argv[4]);
        } else if (mode == "infer" && argc >= 5) {
            profileInference(argv[2], std::atoll(argv[3]), argv[4]);
        } else {
            timeAll(argv[2]);
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_cpp_python " << mode << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
