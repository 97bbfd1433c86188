#pragma once
// What the model did on one input: routing, every reflection iteration, integration.
#include <cstdint>
#include <string>
#include <vector>

namespace mor {

/// One reflection iteration t of one expert on one input.
struct StepTrace {
    int iteration = 0;          ///< 1-based t
    std::vector<float> probs;   ///< softmax(y_t), size numClasses
    float critique = 0.f;       ///< c_t, the expert's own P(draft is right)
    float haltProb = 0.f;       ///< lambda_t
    int64_t pred = -1;          ///< argmax y_t
    bool correct = false;       ///< pred == label
};

/// One selected expert on one input.
struct ExpertTrace {
    int expert = 0;             ///< expert index
    float routerProb = 0.f;     ///< p_j
    float gate = 0.f;           ///< g_j (after renormalisation)
    int haltStep = 0;           ///< the iteration whose draft is the expert's answer (1-based)
    float confidence = 0.f;     ///< c_j of the answer
    float fusionWeight = 0.f;   ///< w_j in the integration
    int64_t pred = -1;          ///< argmax of the expert's answer q_j
    std::vector<StepTrace> steps; ///< steps actually computed (including re-reflection)
    int extraSteps = 0;         ///< of which re-reflection iterations at the end
    /// evidential fusion: the expert's Dirichlet uncertainty u = K / S (Sensoy et al. 2018);
    /// -1 for the other fusions.
    float uncertainty = -1.f;
    /// Nested experts (experts[].kind "nested"): the hidden units this input used (the first
    /// `width` of the shared network); 0 for reflection experts.
    int width = 0;
};

/// The full trace of one input.
struct SampleTrace {
    int64_t sampleId = -1;      ///< index into the data set
    int64_t label = -1;
    int64_t domain = 0;
    std::vector<float> routerProbs;   ///< p over all experts
    std::vector<uint8_t> mask;        ///< 1 = expert ran
    std::vector<float> gates;         ///< g over all experts (0 where not selected)
    std::vector<ExpertTrace> experts; ///< selected experts, in expert order
    std::vector<float> fusedProbs;    ///< integrated answer
    int64_t finalPred = -1;
    bool correct = false;
    float conflictScore = 0.f;        ///< Jensen-Shannon divergence D of the selected answers
    /// re_reflect: D measured again after the re-reflection steps (-1 when none ran).
    float conflictScoreAfter = -1.f;
    bool conflict = false;
    std::string resolution;           ///< policy applied ("" when no conflict)
    int winner = -1;                  ///< expert whose answer won (most weight), -1 if none
    float margin = 0.f;               ///< top-1 minus top-2 fused probability
    int expertSteps = 0;              ///< sum of iterations over selected experts
    double flops = 0.0;               ///< estimated forward FLOPs for this input
    int group = -1;                   ///< router.groups: the input's expert group (-1: none)
};

/// A conflict as stored in the log.
struct ConflictRecord {
    int64_t step = 0;
    int64_t sampleId = -1;
    float score = 0.f;
    std::vector<int> experts;
    int winner = -1;
    float margin = 0.f;
    int64_t resolvedPred = -1;
    int64_t label = -1;
    bool correct = false;
    std::string resolution;
};

} // namespace mor
