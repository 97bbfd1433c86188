// The endpoints of `mor serve`: predict (with A/B variants and shadow mode), generate, health.
#include "serve/prediction_json.h"
#include "serve/server_impl.h"

#include "mor/version.h"

namespace mor::serve {

namespace {
constexpr const char* kJson = "application/json";
} // namespace

ShadowWorker::ShadowWorker(size_t capacity)
    : m_capacity(capacity), m_thread([this] { loop(); }) {}

ShadowWorker::~ShadowWorker() {
    stop();
}

bool ShadowWorker::post(std::function<void()> task) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopping || m_tasks.size() >= m_capacity) {
            return false;
        }
        m_tasks.push_back(std::move(task));
    }
    m_wake.notify_one();
    return true;
}

void ShadowWorker::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void ShadowWorker::loop() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
            if (m_tasks.empty()) {
                return; // stopping and drained
            }
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        task();
    }
}

void InferenceServer::Impl::predict(const httplib::Request& req, httplib::Response& res) {
    const size_t v = pickVariant(req);
    VariantSlot& slot = *slots[v];
    const ModelSummary& model = slot.live.load()->summary();
    PredictRequest request = parsePredictRequest(req.body, model, options.maxInputs);
    if (!request.ok()) {
        sendError(res, 400, request.error);
        audit.record("predict", slot.variant.name, model.runId, req.body, 400, nullptr);
        return;
    }
    // Shadow mode: the other variants get the same inputs at the same time; their answers
    // are compared off the request thread and never returned.
    std::vector<std::pair<size_t, std::shared_future<BatchResult>>> shadows;
    if (options.shadow) {
        for (size_t s = 1; s < slots.size(); ++s) {
            shadows.emplace_back(s, slots[s]->dispatcher->submit(request.inputs).share());
        }
    }
    BatchResult result = slot.dispatcher->submit(std::move(request.inputs)).get();
    if (!result.error.empty()) {
        sendError(res, 503, result.error);
        audit.record("predict", slot.variant.name, model.runId, req.body, 503, nullptr);
        return;
    }
    uint64_t labelled = 0, correct = 0;
    std::vector<int64_t> answers;
    nlohmann::json predictions = nlohmann::json::array();
    for (size_t i = 0; i < result.predictions.size(); ++i) {
        const Prediction& p = result.predictions[i];
        answers.push_back(p.answer);
        if (request.labels[i] >= 0) {
            ++labelled;
            correct += p.answer == request.labels[i];
        }
        predictions.push_back(predictionToJson(p));
    }
    metrics.countVariant(v, requestSeconds(), answers.size(), labelled, correct);
    audit.record("predict", slot.variant.name, model.runId, req.body, 200, answers);
    for (const auto& entry : shadows) {
        const size_t s = entry.first;
        const std::shared_future<BatchResult> future = entry.second;
        const bool queued =
            shadow.post([this, s, future, answers, labels = request.labels] {
                const BatchResult r = future.get();
                uint64_t agree = 0, lab = 0, right = 0;
                for (size_t i = 0; i < r.predictions.size() && i < answers.size(); ++i) {
                    agree += r.predictions[i].answer == answers[i];
                    if (labels[i] >= 0) {
                        ++lab;
                        right += r.predictions[i].answer == labels[i];
                    }
                }
                metrics.countShadow(s, r.predictions.size(), agree, lab, right);
            });
        if (!queued) {
            // More comparisons pending than the worker keeps: this one is not counted, and
            // the request thread waits for B so that shadow load cannot pile up unbounded.
            future.wait();
        }
    }
    nlohmann::json body{{"run", model.runId},
                        {"checkpoint_step", model.checkpointStep},
                        {"predictions", predictions}};
    if (slots.size() > 1) {
        body["variant"] = slot.variant.name;
        res.set_header("X-Mor-Variant", slot.variant.name);
    }
    res.set_content(dump(body), kJson);
}

void InferenceServer::Impl::generate(const httplib::Request& req, httplib::Response& res) {
    const size_t v = pickVariant(req);
    VariantSlot& slot = *slots[v];
    GenerateRequest request = parseGenerateRequest(req.body, options.maxTokens);
    if (!request.ok()) {
        sendError(res, 400, request.error);
        audit.record("generate", slot.variant.name, slot.variant.runId, req.body, 400, nullptr);
        return;
    }
    GenerateResult result;
    {
        std::lock_guard<std::mutex> lock(slot.generateMutex);
        result = slot.variant.generator->generate(request.options);
    }
    if (!result.ok) {
        sendError(res, 500, result.error);
        audit.record("generate", slot.variant.name, slot.variant.runId, req.body, 500, nullptr);
        return;
    }
    metrics.countGeneration(result);
    metrics.countVariant(v, requestSeconds(), uint64_t(result.generated), 0, 0);
    const GeneratorSummary& s = slot.variant.generator->summary();
    nlohmann::json body = generationToJson(result);
    body["run"] = s.runId;
    body["checkpoint_step"] = s.checkpointStep;
    if (slots.size() > 1) {
        body["variant"] = slot.variant.name;
        res.set_header("X-Mor-Variant", slot.variant.name);
    }
    audit.record("generate", slot.variant.name, s.runId, req.body, 200, body["text"]);
    res.set_content(dump(body), kJson);
}

void InferenceServer::Impl::health(httplib::Response& res) {
    const ServedVariant& a = slots.front()->variant;
    const Predictor* live = slots.front()->live.load();
    nlohmann::json body{{"status", "ok"},
                        {"version", versionString()},
                        {"family", a.generator ? "recursion" : "reflection"},
                        {"run", live ? live->summary().runId : a.runId},
                        {"model", a.generator ? generatorSummaryToJson(a.generator->summary())
                                              : summaryToJson(live->summary())},
                        {"uptime_seconds", metrics.uptimeSeconds()},
                        {"tls", !options.tlsCert.empty()},
                        {"max_batch", options.maxBatch},
                        {"max_wait_ms", options.maxWaitMs}};
    if (slots.size() > 1) {
        nlohmann::json variants = nlohmann::json::array();
        for (size_t i = 0; i < slots.size(); ++i) {
            variants.push_back({{"variant", slots[i]->variant.name},
                                {"run", slots[i]->variant.runId},
                                {"share", i < options.split.size() ? options.split[i] : 0}});
        }
        body["variants"] = variants;
        body["shadow"] = options.shadow;
        body["sticky_header"] = options.stickyHeader;
    }
    res.set_content(dump(body), kJson);
}

} // namespace mor::serve
