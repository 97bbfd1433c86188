#include "serve/batch_dispatcher.h"

#include <chrono>

namespace mor::serve {

BatchDispatcher::BatchDispatcher(Predictor& predictor, int64_t maxBatch, int64_t maxWaitMs,
                                 PassObserver observer)
    : m_predictor(&predictor), m_maxBatch(maxBatch < 1 ? 1 : maxBatch),
      m_maxWaitMs(maxWaitMs < 0 ? 0 : maxWaitMs), m_observer(std::move(observer)),
      m_thread([this] { loop(); }) {}

BatchDispatcher::~BatchDispatcher() {
    stop();
}

std::future<BatchResult> BatchDispatcher::submit(std::vector<PredictInput> inputs) {
    Job job;
    job.inputs = std::move(inputs);
    auto future = job.promise.get_future();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopping) {
            job.promise.set_value({{}, "the server is stopping"});
            return future;
        }
        m_queuedInputs += int64_t(job.inputs.size());
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
    return future;
}

void BatchDispatcher::stop() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& job : m_queue) {
        job.promise.set_value({{}, "the server is stopping"});
    }
    m_queue.clear();
    m_queuedInputs = 0;
}

void BatchDispatcher::loop() {
    for (;;) {
        std::vector<Job> jobs;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) {
                return;
            }
            // The first input waits at most max-wait for others to fill the batch.
            const auto deadline =
                std::chrono::steady_clock::now() + std::chrono::milliseconds(m_maxWaitMs);
            m_wake.wait_until(lock, deadline,
                              [this] { return m_stopping || m_queuedInputs >= m_maxBatch; });
            if (m_stopping) {
                return;
            }
            // Whole requests only: the first one always (even when larger than a batch),
            // then as many as fit.
            int64_t taken = 0;
            while (!m_queue.empty() &&
                   (jobs.empty() || taken + int64_t(m_queue.front().inputs.size()) <= m_maxBatch)) {
                taken += int64_t(m_queue.front().inputs.size());
                jobs.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
            m_queuedInputs -= taken;
        }
        runBatch(jobs);
    }
}

void BatchDispatcher::runBatch(std::vector<Job>& jobs) {
    std::vector<PredictInput> all;
    for (auto& job : jobs) {
        for (auto& in : job.inputs) {
            all.push_back(std::move(in));
        }
    }
    std::string error;
    std::vector<Prediction> predictions = m_predictor.load()->predict(all, &error);
    if (predictions.size() != all.size()) {
        for (auto& job : jobs) {
            job.promise.set_value({{}, error.empty() ? "the forward pass failed" : error});
        }
        return;
    }
    if (m_observer) {
        m_observer(predictions);
    }
    size_t next = 0;
    for (auto& job : jobs) {
        BatchResult result;
        const size_t n = job.inputs.size();
        result.predictions.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            result.predictions.push_back(std::move(predictions[next++]));
        }
        job.promise.set_value(std::move(result));
    }
}

} // namespace mor::serve
