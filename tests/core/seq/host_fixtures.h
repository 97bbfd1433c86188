#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The models of the host-array decoder tests (tst_host_decoder, tst_host_batched): every
// routing with the settings the host step must follow (shared router, KV sharing,
// middle_cycle edge layers, softmax gate, a pruned depth cap, briefly trained routers), and
// the helpers both compare with.
#include "model/fused_gemm.h"
#include "seq/recursion_model.h"

#include <QTest>

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace host_decoder_test {

using mor::RecursionConfig;
using mor::seq::RecursionModel;

constexpr double kTolerance = 1e-5; ///< of max |logit| of the reference step

inline RecursionConfig hostConfig(const std::string& routing, const std::string& sharing,
                                  bool kvSharing) {
    RecursionConfig c;
    mor::parseChoice(routing, mor::recursionRoutingNames(), &c.routing);
    mor::parseChoice(sharing, mor::recursionSharingNames(), &c.sharing);
    c.kvSharing = kvSharing;
    c.recursions = 3;
    c.dModel = 32;
    c.heads = 4;
    c.ffn = 64;
    c.layersPerBlock = 2;
    c.embeddingStd = 0.0; // N(0, 1) embeddings: untrained routers see varied inputs
    return c;
}

/// A few Adam steps on "repeat the previous token" so that the routers are not at their
/// initial scores (expert_choice/mixture_of_depths with their top-k training routing).
inline void briefTraining(RecursionModel& m, int64_t vocab, int64_t T, int steps) {
    m->train();
    torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
    torch::manual_seed(11);
    for (int s = 0; s < steps; ++s) {
        const auto x = torch::randint(vocab, {8, T}, torch::kLong);
        const auto target = torch::roll(x, 1, 1);
        auto pass = m->forward(x, true);
        auto loss = torch::nn::functional::cross_entropy(pass.logits.reshape({-1, vocab}),
                                                         target.reshape({-1})) +
                    pass.auxLoss;
        opt.zero_grad();
        loss.backward();
        opt.step();
    }
    m->eval();
}

/// |a - b| / max |b| over the logits.
inline double relativeError(const torch::Tensor& a, const torch::Tensor& b) {
    const double scale = std::max(b.abs().max().item<double>(), 1e-30);
    return (a - b).abs().max().item<double>() / scale;
}

inline std::vector<int64_t> tokenList(int64_t n, int64_t vocab, uint64_t seed) {
    torch::manual_seed(seed);
    const auto t = torch::randint(vocab, {n}, torch::kLong);
    return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + n);
}

/// One model of the routing fixtures.
struct HostFixture {
    const char* name;
    const char* routing;
    const char* sharing;
    bool kvSharing;
    bool routerPerStep;
    const char* gate;
    int depthCap;   ///< token_choice's pruned cap (0: none)
    int trainSteps; ///< briefTraining steps (0: the initial weights)
    bool routed;    ///< depths differ between tokens (else every token takes all 3)
};

inline const std::vector<HostFixture>& hostFixtures() {
    static const std::vector<HostFixture> all = {
        {"expert_choice", "expert_choice", "cycle", false, true, "sigmoid", 0, 0, true},
        {"expert_choice, shared router", "expert_choice", "cycle", false, false, "sigmoid", 0,
         0, true},
        {"expert_choice, kv sharing", "expert_choice", "cycle", true, true, "sigmoid", 0, 0,
         true},
        {"expert_choice, middle_cycle", "expert_choice", "middle_cycle", false, true,
         "sigmoid", 0, 0, true},
        {"expert_choice, middle_cycle, kv sharing", "expert_choice", "middle_cycle", true,
         false, "sigmoid", 0, 0, true},
        {"expert_choice, trained", "expert_choice", "cycle", false, true, "sigmoid", 0, 40,
         true},
        {"expert_choice, trained, kv sharing, middle_cycle", "expert_choice", "middle_cycle",
         true, true, "sigmoid", 0, 40, true},
        {"token_choice, sigmoid", "token_choice", "cycle", false, true, "sigmoid", 0, 0, true},
        {"token_choice, softmax", "token_choice", "cycle", false, true, "softmax", 0, 0, true},
        {"token_choice, depth cap 2", "token_choice", "cycle", false, true, "sigmoid", 2, 0,
         true},
        {"token_choice, softmax, middle_cycle, kv sharing, cap 2", "token_choice",
         "middle_cycle", true, true, "softmax", 2, 0, true},
        {"token_choice, trained", "token_choice", "cycle", false, true, "softmax", 0, 40, true},
        {"mixture_of_depths", "mixture_of_depths", "cycle", false, true, "sigmoid", 0, 0, true},
        {"mixture_of_depths, trained", "mixture_of_depths", "cycle", false, true, "sigmoid", 0,
         40, true},
        {"fixed", "fixed", "cycle", false, true, "sigmoid", 0, 0, false},
        {"fixed, middle_cycle, kv sharing", "fixed", "middle_cycle", true, true, "sigmoid", 0,
         0, false},
        {"vanilla", "vanilla", "cycle", false, true, "sigmoid", 0, 0, false},
        {"vanilla, middle_cycle, trained", "vanilla", "middle_cycle", false, true, "sigmoid", 0,
         40, false},
    };
    return all;
}

/// The fixture's model (seed 5), trained as it says, in eval mode, its depth cap set.
inline RecursionModel fixtureModel(const HostFixture& f, int64_t vocab, int64_t maxLen) {
    auto c = hostConfig(f.routing, f.sharing, f.kvSharing);
    c.routerPerStep = f.routerPerStep;
    if (!mor::parseChoice(f.gate, mor::recursionGateNames(), &c.gate)) {
        throw std::invalid_argument(std::string("no gate ") + f.gate);
    }
    if (c.routing == mor::RecursionRouting::MixtureOfDepths) {
        c.depthEvery = 2; // block 1 routed, blocks 0 and 2 take every token
    }
    torch::manual_seed(5);
    RecursionModel model(c, vocab, maxLen);
    if (f.trainSteps > 0) {
        briefTraining(model, vocab, maxLen, f.trainSteps);
    }
    model->eval();
    if (f.depthCap > 0) {
        model->setTokenDepthCap(f.depthCap);
    }
    return model;
}

/// The rows of a kernel test: columns "routing" (QString) and "isa" (int, fused::GemmIsa: the
/// products' kernel at the snapshot), every routing with a router under every kernel.
inline void addKernelRows() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<int>("isa");
    using mor::model::fused::GemmIsa;
    for (const char* routing : {"expert_choice", "token_choice", "mixture_of_depths"}) {
        const std::string name(routing);
        QTest::newRow((name + ", plain loops").c_str()) << routing << int(GemmIsa::None);
        QTest::newRow((name + ", AVX2").c_str()) << routing << int(GemmIsa::Avx2);
        QTest::newRow((name + ", AVX-512").c_str()) << routing << int(GemmIsa::Avx512);
    }
}

} // namespace host_decoder_test
