#include "mor/evaluation.h"

namespace mor {

std::map<std::string, double> EvalResult::scalars(const std::string& prefix) const {
    std::map<std::string, double> m;
    const std::string p = prefix + "/";
    m[p + "accuracy"] = accuracy;
    m[p + "loss"] = loss;
    for (size_t e = 0; e < activation.size(); ++e) {
        m[p + "activation/" + std::to_string(e)] = activation[e];
    }
    for (size_t e = 0; e < depthPerExpert.size(); ++e) {
        m[p + "depth/" + std::to_string(e)] = depthPerExpert[e];
    }
    for (size_t t = 0; t < accuracyPerStep.size(); ++t) {
        m[p + "accuracy_step/" + std::to_string(t + 1)] = accuracyPerStep[t];
    }
    m[p + "load_ideal_max"] = loadIdealMax;
    m[p + "dead_experts"] = double(deadExperts);
    m[p + "mean_depth"] = meanDepth;
    m[p + "conflict_rate"] = conflictRate;
    m[p + "expert_steps"] = expertStepsPerInput;
    m[p + "flops"] = flopsPerInput;
    m[p + "latency_ms"] = latencyMsPerInput;
    for (const auto& [name, value] : lossTerms) {
        m[p + "loss/" + name] = value;
    }
    // Calibration of the critique: only when the pass had critic logits to judge.
    for (size_t t = 0; t < ecePerStep.size(); ++t) {
        m[p + "ece/step/" + std::to_string(t + 1)] = ecePerStep[t];
    }
    if (!reliability.empty()) {
        m[p + "ece"] = critiqueEce;
    }
    for (size_t b = 0; b < reliability.size(); ++b) {
        const std::string bin = p + "reliability/" + std::to_string(b) + "/";
        m[bin + "count"] = double(reliability[b].count);
        m[bin + "confidence"] = reliability[b].meanConfidence;
        m[bin + "accuracy"] = reliability[b].accuracy;
    }
    if (routingAgreement >= 0.0) {
        m[p + "routing_agreement"] = routingAgreement;
    }
    const auto shares = [&](const std::vector<std::vector<double>>& table, const char* name) {
        for (size_t g = 0; g < table.size(); ++g) {
            for (size_t e = 0; e < table[g].size(); ++e) {
                m[p + name + "/" + std::to_string(g) + "/" + std::to_string(e)] = table[g][e];
            }
        }
    };
    shares(routingByDomain, "routing_domain");
    shares(routingByClass, "routing_class");
    return m;
}

} // namespace mor
