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
    return m;
}

} // namespace mor
