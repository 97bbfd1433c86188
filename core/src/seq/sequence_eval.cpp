// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/sequence_eval.h"

#include "mor/vocabulary.h"

#include <algorithm>
#include <cmath>

namespace mor::seq {

EvalResult evaluateSequences(RecursionModel& model, const data::SequenceSplit& split,
                             int64_t classes, const std::string& splitName,
                             const std::string& prefix, bool text, int64_t batchSize) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model->is_training();
    model->eval();
    const int64_t N = model->recursions(), T = split.length;
    int64_t targetCount = 0; // positions with a target
    std::vector<double> depthAtLeast(static_cast<size_t>(N), 0.0); // [r-1]: reaching r
    std::vector<double> depthPerClass(static_cast<size_t>(classes), 0.0);
    std::vector<double> accuracyPerClass(static_cast<size_t>(classes), 0.0);
    std::vector<int64_t> countPerClass(static_cast<size_t>(classes), 0);
    double routingAgreement = -1.0, routingDecisionAgreement = -1.0; // expert_choice only
    double lossSum = 0.0, correct = 0.0, depthSum = 0.0, tokenDepthSum = 0.0;
    // Training-time routing is top-k over each sequence; only expert choice differs from the
    // causal rule used here, so only there is the agreement measured.
    const bool expertChoice = model->config().routing == RecursionRouting::ExpertChoice;
    double sameDepth = 0.0;
    int64_t decisions = 0, agreeing = 0;
    const auto longs = torch::TensorOptions().dtype(torch::kLong);
    const auto device = model->parameters().front().device();
    for (int64_t from = 0; from < split.count; from += batchSize) {
        const int64_t b = std::min(batchSize, split.count - from);
        const auto offset = static_cast<size_t>(from * T);
        auto inputs = torch::from_blob(const_cast<int64_t*>(split.inputs.data() + offset),
                                       {b, T}, longs)
                          .to(device, /*non_blocking=*/false, /*copy=*/true);
        auto targets = torch::from_blob(const_cast<int64_t*>(split.targets.data() + offset),
                                        {b, T}, longs)
                           .to(device, /*non_blocking=*/false, /*copy=*/true);
        auto pass = model->forward(inputs, false);
        auto mask = targets.ge(0);
        auto safe = targets.clamp_min(0);
        auto logp = torch::log_softmax(pass.logits, -1);
        auto nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1);
        auto hit = pass.logits.argmax(-1).eq(safe).logical_and(mask);
        lossSum += nll.masked_select(mask).sum().item<double>();
        correct += hit.sum().item<double>();
        const auto depth = pass.depth.masked_select(mask);
        if (expertChoice) {
            auto topK = model->forward(inputs, true);
            sameDepth += topK.depth.masked_select(mask).eq(depth).sum().item<double>();
            decisions += topK.routedDecisions;
            agreeing += topK.agreeingDecisions;
        }
        depthSum += depth.sum().item<double>();
        tokenDepthSum += pass.depth.sum().item<double>();
        targetCount += mask.sum().item<int64_t>();
        for (int64_t r = 1; r <= N; ++r) {
            depthAtLeast[static_cast<size_t>(r - 1)] += depth.ge(r).sum().item<double>();
        }
        if (classes > 0) {
            auto depthCpu = pass.depth.cpu().contiguous();
            auto hitCpu = hit.cpu().contiguous();
            const auto* d = depthCpu.data_ptr<int64_t>();
            const auto* h = hitCpu.data_ptr<bool>();
            for (int64_t i = 0; i < b * T; ++i) {
                const int k = split.difficulty[offset + static_cast<size_t>(i)];
                if (k >= 0 && k < classes && split.targets[offset + static_cast<size_t>(i)] >= 0) {
                    depthPerClass[static_cast<size_t>(k)] += static_cast<double>(d[i]);
                    accuracyPerClass[static_cast<size_t>(k)] += h[i] ? 1.0 : 0.0;
                    ++countPerClass[static_cast<size_t>(k)];
                }
            }
        }
    }
    EvalResult e;
    e.split = splitName;
    e.samples = split.count;
    if (targetCount > 0) {
        const auto n = static_cast<double>(targetCount);
        e.loss = lossSum / n;
        e.accuracy = correct / n;
        e.meanDepth = depthSum / n;
        for (double& f : depthAtLeast) {
            f /= n;
        }
        if (expertChoice) {
            routingAgreement = sameDepth / n;
        }
    }
    if (decisions > 0) {
        routingDecisionAgreement = static_cast<double>(agreeing) / static_cast<double>(decisions);
    }
    model->train(wasTraining);

    const std::string p = prefix + "/";
    auto& m = e.metrics;
    m[p + "loss"] = e.loss;
    m[p + "accuracy"] = e.accuracy;
    m[p + "mean_depth"] = e.meanDepth;
    if (split.count > 0 && T > 0) {
        m[p + "flops"] = recursionFlopsPerToken(
            model, tokenDepthSum / static_cast<double>(split.count * T));
    }
    if (text) {
        m[p + "bpc"] = e.loss / std::log(2.0);
    }
    m[p + "perplexity"] = std::exp(std::min(e.loss, 50.0));
    for (size_t r = 0; r < depthAtLeast.size(); ++r) {
        m[p + "depth/" + std::to_string(r + 1)] = depthAtLeast[r];
    }
    if (routingAgreement >= 0.0) {
        m[p + "routing_agreement"] = routingAgreement;
    }
    if (routingDecisionAgreement >= 0.0) {
        m[p + "routing_decision_agreement"] = routingDecisionAgreement;
    }
    for (size_t k = 0; k < depthPerClass.size(); ++k) {
        if (countPerClass[k] > 0) {
            const auto count = static_cast<double>(countPerClass[k]);
            m[p + "depth_class/" + std::to_string(k)] = depthPerClass[k] / count;
            m[p + "accuracy_class/" + std::to_string(k)] = accuracyPerClass[k] / count;
        }
    }
    return e;
}

double recursionLinearFlopsPerLayer(const RecursionConfig& c) {
    const double d = double(c.dModel);
    return 2.0 * (4.0 * d * d + 2.0 * d * double(c.ffn));
}

double recursionFlopsPerToken(const RecursionModel& model, double meanDepth) {
    const RecursionConfig& c = model->config();
    const double d = double(c.dModel), T = double(std::max<int64_t>(1, model->maxLen()));
    const double linear = recursionLinearFlopsPerLayer(c);
    const double layer = linear + 4.0 * d * (T + 1.0) / 2.0;
    const double edges = model->hasEdgeLayers() ? 2.0 : 0.0;
    double router = 0.0;
    if (c.routing == RecursionRouting::ExpertChoice) {
        router = 2.0 * d * std::min(double(c.recursions), meanDepth + 1.0);
    } else if (c.routing == RecursionRouting::TokenChoice) {
        router = 2.0 * d * double(c.recursions);
    } else if (c.routing == RecursionRouting::MixtureOfDepths) {
        for (int64_t r = 0; r < c.recursions; ++r) {
            router += model->depthRouted(r) ? 2.0 * d : 0.0;
        }
    }
    return edges * layer + meanDepth * double(c.layersPerBlock) * layer +
           2.0 * d * double(model->vocab()) + router;
}

std::vector<TokenTrace> traceSequences(RecursionModel& model, const std::vector<int64_t>& inputs,
                                       const std::vector<int64_t>& targets,
                                       const std::vector<int>& difficulty, int64_t count,
                                       int64_t length, const std::vector<std::string>& vocab,
                                       const std::vector<std::string>& difficultyNames,
                                       int64_t firstSampleId) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model->is_training();
    model->eval();
    std::vector<TokenTrace> traces;
    if (count <= 0 || length <= 0) {
        return traces;
    }
    auto in = torch::tensor(std::vector<int64_t>(inputs.begin(),
                                                 inputs.begin() + count * length))
                  .view({count, length})
                  .to(model->parameters().front().device());
    auto pass = model->forward(in, false, true);
    const int64_t N = model->recursions();
    auto probs = torch::softmax(pass.logits, -1);
    auto pred = pass.logits.argmax(-1);
    std::vector<torch::Tensor> recProbs, recPred;
    for (const auto& l : pass.recursionLogits) {
        recProbs.push_back(torch::softmax(l, -1));
        recPred.push_back(l.argmax(-1));
    }
    auto text = [&](int64_t id) {
        return id >= 0 && id < static_cast<int64_t>(vocab.size())
                   ? displayToken(vocab[static_cast<size_t>(id)])
                   : std::string("?");
    };
    for (int64_t s = 0; s < count; ++s) {
        TokenTrace trace;
        trace.sampleId = firstSampleId + s;
        trace.maxRecursions = static_cast<int>(N);
        trace.routing = choiceName(model->config().routing, recursionRoutingNames());
        trace.difficultyNames = difficultyNames;
        for (int64_t t = 0; t < length; ++t) {
            const auto i = static_cast<size_t>(s * length + t);
            TokenStep step;
            step.text = text(inputs[i]);
            step.target = targets.empty() ? -1 : targets[i];
            if (step.target >= 0) {
                step.targetText = text(step.target);
            }
            step.depth = static_cast<int>(pass.depth[s][t].item<int64_t>());
            for (int64_t r = 0; r < N; ++r) {
                step.routerScores.push_back(
                    r < static_cast<int64_t>(pass.routerScores.size())
                        ? pass.routerScores[static_cast<size_t>(r)][s][t].item<float>()
                        : 0.f);
            }
            // Mixture-of-Depths: the head after every block (a skipped block leaves the state as
            // it was), so a token's blocks past its first `depth` ones are shown too.
            const int recorded =
                pass.blockSelected.empty() ? step.depth : static_cast<int>(recPred.size());
            for (int r = 0; r < recorded && r < static_cast<int>(recPred.size()); ++r) {
                step.recursionPreds.push_back(
                    recPred[static_cast<size_t>(r)][s][t].item<int64_t>());
                if (step.target >= 0) {
                    step.recursionTargetProbs.push_back(
                        recProbs[static_cast<size_t>(r)][s][t][step.target].item<float>());
                }
            }
            step.pred = pred[s][t].item<int64_t>();
            if (step.target >= 0) {
                step.loss = -std::log(std::max(1e-30f, probs[s][t][step.target].item<float>()));
            }
            step.difficulty = difficulty.empty() ? -1 : difficulty[i];
            for (size_t r = 0; r < pass.blockSelected.size(); ++r) { // mixture_of_depths
                if (!pass.blockSelected[r][s][t].item<bool>()) {
                    step.skippedBlocks.push_back(static_cast<int>(r));
                }
            }
            trace.tokens.push_back(std::move(step));
        }
        traces.push_back(std::move(trace));
    }
    model->train(wasTraining);
    return traces;
}

} // namespace mor::seq
