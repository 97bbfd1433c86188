#include "serve/prediction_json.h"

#include <cmath>
#include <limits>

namespace mor::serve {

namespace {

std::string typeName(const nlohmann::json& v) {
    if (v.is_string()) {
        return "a string";
    }
    if (v.is_boolean()) {
        return "a boolean";
    }
    if (v.is_null()) {
        return "null";
    }
    if (v.is_array()) {
        return "an array";
    }
    if (v.is_object()) {
        return "an object";
    }
    return "a number";
}

std::string shapeHint(const ModelSummary& model) {
    return "send {\"inputs\": [[x1, ..., x" + std::to_string(model.numFeatures) + "], ...]} with " +
           std::to_string(model.numFeatures) + " numbers per input";
}

/// Reads one row; returns "" or what is wrong with it.
std::string readRow(const nlohmann::json& row, size_t index, const ModelSummary& model,
                    PredictInput* out) {
    const std::string name = "input " + std::to_string(index);
    if (!row.is_array()) {
        return name + " is " + typeName(row) + ", not an array of " +
               std::to_string(model.numFeatures) + " numbers";
    }
    if (int64_t(row.size()) != model.numFeatures) {
        return name + " has " + std::to_string(row.size()) + " features; the model expects " +
               std::to_string(model.numFeatures);
    }
    out->features.reserve(row.size());
    for (size_t k = 0; k < row.size(); ++k) {
        const auto& v = row[k];
        if (!v.is_number()) {
            return name + ", feature " + std::to_string(k) + " is " + typeName(v) +
                   ", not a number";
        }
        const double d = v.get<double>();
        if (!std::isfinite(d) || std::fabs(d) > double(std::numeric_limits<float>::max())) {
            return name + ", feature " + std::to_string(k) + " is out of the float range";
        }
        out->features.push_back(static_cast<float>(d));
    }
    return {};
}

bool readFlag(const nlohmann::json& body, const char* key, bool* value, std::string* error) {
    auto it = body.find(key);
    if (it == body.end()) {
        return true;
    }
    if (!it->is_boolean()) {
        *error = std::string("field \"") + key + "\" must be true or false, not " + typeName(*it);
        return false;
    }
    *value = it->get<bool>();
    return true;
}

/// Index of a label given as a class index or a class name; -1 with *error otherwise.
int64_t labelIndex(const nlohmann::json& v, size_t index, const ModelSummary& model,
                   std::string* error) {
    if (v.is_number_integer()) {
        const auto k = v.get<int64_t>();
        if (k >= 0 && k < model.numClasses) {
            return k;
        }
    } else if (v.is_string()) {
        for (size_t k = 0; k < model.classNames.size(); ++k) {
            if (model.classNames[k] == v.get<std::string>()) {
                return int64_t(k);
            }
        }
    } else if (v.is_null()) {
        return -1;
    }
    *error = "label " + std::to_string(index) + " is not a class index in [0, " +
             std::to_string(model.numClasses) + ") or a class name";
    return -2;
}

bool readLabels(const nlohmann::json& body, size_t rows, const ModelSummary& model,
                std::vector<int64_t>* labels, std::string* error) {
    labels->assign(rows, -1);
    nlohmann::json given;
    if (body.contains("labels")) {
        given = body["labels"];
        if (!given.is_array() || given.size() != rows) {
            *error = "field \"labels\" must be an array with one label per input";
            return false;
        }
    } else if (body.contains("label")) {
        given = nlohmann::json::array({body["label"]});
        if (rows != 1) {
            *error = "field \"label\" goes with one \"input\"; use \"labels\" for many";
            return false;
        }
    } else {
        return true;
    }
    for (size_t i = 0; i < rows; ++i) {
        const int64_t k = labelIndex(given[i], i, model, error);
        if (k == -2) {
            return false;
        }
        (*labels)[i] = k;
    }
    return true;
}

} // namespace

GenerateRequest parseGenerateRequest(const std::string& body, int64_t maxTokens) {
    GenerateRequest r;
    r.options.temperature = 0.0;
    r.options.tokens = 32;
    const std::string hint = "send {\"prompt\": \"text\", \"max_tokens\": N}";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        r.error = "the request body is not valid JSON (at byte " + std::to_string(e.byte) +
                  "); " + hint;
        return r;
    } catch (const nlohmann::json::exception& e) {
        r.error = std::string("the request body cannot be read: ") + e.what();
        return r;
    }
    if (!j.is_object()) {
        r.error = "the request body must be a JSON object; " + hint;
        return r;
    }
    if (auto it = j.find("prompt"); it != j.end()) {
        if (!it->is_string()) {
            r.error = "field \"prompt\" is " + typeName(*it) + ", not a string";
            return r;
        }
        r.options.prompt = it->get<std::string>();
    } else {
        r.error = "missing field \"prompt\"; " + hint;
        return r;
    }
    for (const char* key : {"max_tokens", "seed"}) {
        auto it = j.find(key);
        if (it == j.end()) {
            continue;
        }
        if (!it->is_number_integer()) {
            r.error = std::string("field \"") + key + "\" must be an integer, not " +
                      typeName(*it);
            return r;
        }
        const auto v = it->get<int64_t>();
        if (std::string(key) == "seed") {
            r.options.seed = v;
        } else if (v < 0 || v > maxTokens) {
            r.error = "field \"max_tokens\" must be in [0, " + std::to_string(maxTokens) +
                      "], not " + std::to_string(v);
            return r;
        } else {
            r.options.tokens = v;
        }
    }
    if (auto it = j.find("temperature"); it != j.end()) {
        if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0 ||
            it->get<double>() > 100) {
            r.error = "field \"temperature\" must be a number in [0, 100] (0 = greedy)";
            return r;
        }
        r.options.temperature = it->get<double>();
    }
    return r;
}

nlohmann::json generationToJson(const GenerateResult& r) {
    nlohmann::json tokens = nlohmann::json::array();
    nlohmann::json prompt = nlohmann::json::array();
    std::string text;
    for (const auto& t : r.tokens) {
        nlohmann::json tok{{"text", t.text}, {"depth", t.depth}};
        if (t.prompt) {
            prompt.push_back(std::move(tok));
        } else {
            text += t.text;
            tokens.push_back(std::move(tok));
        }
    }
    return {{"text", text},
            {"tokens", tokens},
            {"prompt_tokens", prompt},
            {"generated", r.generated},
            {"max_recursions", r.maxRecursions},
            {"routing", r.routing},
            {"mean_depth", r.meanDepth},
            {"seconds", r.seconds}};
}

nlohmann::json generatorSummaryToJson(const GeneratorSummary& s) {
    return {{"family", "recursion"},        {"run", s.runId},
            {"run_name", s.runName},        {"run_status", s.runStatus},
            {"dataset", s.dataset},         {"vocabulary", s.vocabSize},
            {"context", s.contextLength},   {"max_recursions", s.maxRecursions},
            {"routing", s.routing},         {"parameters", s.parameters},
            {"checkpoint_step", s.checkpointStep}};
}

PredictRequest parsePredictRequest(const std::string& body, const ModelSummary& model,
                                   int64_t maxInputs) {
    PredictRequest r;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        r.error = "the request body is not valid JSON (at byte " + std::to_string(e.byte) + "); " +
                  shapeHint(model);
        return r;
    } catch (const nlohmann::json::exception& e) {
        // e.g. a number too large for a double (out_of_range 406), found by fuzz_http
        r.error = std::string("the request body cannot be read: ") + e.what();
        return r;
    }
    if (!j.is_object()) {
        r.error = "the request body must be a JSON object; " + shapeHint(model);
        return r;
    }
    bool trace = false, scaled = false;
    if (!readFlag(j, "trace", &trace, &r.error) || !readFlag(j, "scaled", &scaled, &r.error)) {
        return r;
    }
    nlohmann::json rows;
    if (j.contains("inputs")) {
        rows = j["inputs"];
        if (!rows.is_array()) {
            r.error = "field \"inputs\" is " + typeName(rows) + "; " + shapeHint(model);
            return r;
        }
    } else if (j.contains("input")) {
        rows = nlohmann::json::array({j["input"]});
    } else {
        r.error = "missing field \"inputs\"; " + shapeHint(model);
        return r;
    }
    if (rows.empty()) {
        r.error = "field \"inputs\" is empty; " + shapeHint(model);
        return r;
    }
    if (int64_t(rows.size()) > maxInputs) {
        r.error = "too many inputs in one request: " + std::to_string(rows.size()) + " (at most " +
                  std::to_string(maxInputs) + ")";
        return r;
    }
    if (!readLabels(j, rows.size(), model, &r.labels, &r.error)) {
        return r;
    }
    r.inputs.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        r.inputs[i].trace = trace;
        r.inputs[i].scaled = scaled;
        r.error = readRow(rows[i], i, model, &r.inputs[i]);
        if (!r.error.empty()) {
            r.inputs.clear();
            return r;
        }
    }
    return r;
}

nlohmann::json predictionToJson(const Prediction& p) {
    nlohmann::json j{{"answer", p.answer},         {"class", p.className},
                     {"confidence", p.confidence}, {"probs", p.probs},
                     {"experts", p.experts},       {"gates", p.gates},
                     {"depth", p.depth},           {"expert_steps", p.expertSteps},
                     {"conflict", p.conflict},     {"conflict_score", p.conflictScore}};
    if (p.hasTrace) {
        j["trace"] = traceToJson(p.trace);
    }
    return j;
}

nlohmann::json traceToJson(const SampleTrace& t) {
    nlohmann::json experts = nlohmann::json::array();
    for (const auto& e : t.experts) {
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& s : e.steps) {
            steps.push_back({{"iteration", s.iteration},
                             {"probs", s.probs},
                             {"critique", s.critique},
                             {"halt_prob", s.haltProb},
                             {"pred", s.pred}});
        }
        experts.push_back({{"expert", e.expert},
                           {"router_prob", e.routerProb},
                           {"gate", e.gate},
                           {"halt_step", e.haltStep},
                           {"confidence", e.confidence},
                           {"fusion_weight", e.fusionWeight},
                           {"pred", e.pred},
                           {"extra_steps", e.extraSteps},
                           {"steps", steps}});
    }
    return {{"router_probs", t.routerProbs},
            {"mask", t.mask},
            {"gates", t.gates},
            {"experts", experts},
            {"fused_probs", t.fusedProbs},
            {"final_pred", t.finalPred},
            {"conflict", t.conflict},
            {"conflict_score", t.conflictScore},
            {"resolution", t.resolution},
            {"winner", t.winner},
            {"margin", t.margin},
            {"expert_steps", t.expertSteps},
            {"flops", t.flops}};
}

nlohmann::json summaryToJson(const ModelSummary& s) {
    nlohmann::json j{{"run", s.runId},
                     {"run_name", s.runName},
                     {"run_status", s.runStatus},
                     {"dataset", s.dataset},
                     {"input_kind", s.inputKind},
                     {"features", s.numFeatures},
                     {"classes", s.numClasses},
                     {"class_names", s.classNames},
                     {"experts", s.numExperts},
                     {"routing", s.routing},
                     {"parameters", s.parameters},
                     {"checkpoint_step", s.checkpointStep},
                     {"scaling", s.scaling}};
    // Pixel names say nothing; tabular column names tell a client the order to send.
    if (s.inputKind == "vector" && s.featureNames.size() <= 256) {
        j["feature_names"] = s.featureNames;
    }
    return j;
}

std::string errorBody(int status, const std::string& message) {
    return nlohmann::json{{"error", {{"code", status}, {"message", message}}}}.dump();
}

} // namespace mor::serve
