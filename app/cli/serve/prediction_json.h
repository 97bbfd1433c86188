#pragma once
// The JSON of the inference API: request parsing with messages a client can act on, and
// the response bodies.
#include "mor/predictor.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mor::serve {

struct PredictRequest {
    std::vector<PredictInput> inputs;
    /// Optional true class per input ("labels": [index or class name, ...], or "label" with
    /// "input"); -1 = none. Only counted in the A/B accuracy metrics.
    std::vector<int64_t> labels;
    std::string error; ///< why the request is invalid (answered with 400)
    bool ok() const { return error.empty(); }
};

/// Reads {"inputs": [[...], ...]} or {"input": [...]} with optional "trace" and "scaled"
/// flags; checks JSON syntax, field types, row sizes and the input count.
PredictRequest parsePredictRequest(const std::string& body, const ModelSummary& model,
                                   int64_t maxInputs);

struct GenerateRequest {
    GenerateOptions options;
    std::string error; ///< why the request is invalid (answered with 400)
    bool ok() const { return error.empty(); }
};

/// Reads {"prompt": "text", "max_tokens": N} with optional "temperature" (0 = greedy, the
/// default) and "seed"; N in [0, maxTokens].
GenerateRequest parseGenerateRequest(const std::string& body, int64_t maxTokens);
/// {"tokens": [{"text", "depth"}...] (the sampled ones), "prompt_tokens": [...], "text", ...}
nlohmann::json generationToJson(const GenerateResult& r);
nlohmann::json generatorSummaryToJson(const GeneratorSummary& s);

nlohmann::json predictionToJson(const Prediction& p);
nlohmann::json traceToJson(const SampleTrace& t);
nlohmann::json summaryToJson(const ModelSummary& s);
/// {"error": {"code": status, "message": message}}
std::string errorBody(int status, const std::string& message);

} // namespace mor::serve
