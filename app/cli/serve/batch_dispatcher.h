#pragma once
// Collects the inputs of concurrent requests into batches for one forward pass each.
// The dispatcher thread is the only thread that touches the model.
#include "mor/predictor.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mor::serve {

struct BatchResult {
    std::vector<Prediction> predictions;
    std::string error; ///< set when the pass failed or the server is stopping
};

class BatchDispatcher {
public:
    /// Called on the dispatcher thread after each pass with the batch's predictions.
    using PassObserver = std::function<void(const std::vector<Prediction>& batch)>;

    BatchDispatcher(Predictor& predictor, int64_t maxBatch, int64_t maxWaitMs,
                    PassObserver observer = {});
    ~BatchDispatcher();
    BatchDispatcher(const BatchDispatcher&) = delete;
    BatchDispatcher& operator=(const BatchDispatcher&) = delete;

    /// Queues one request's inputs; the future resolves after their pass.
    std::future<BatchResult> submit(std::vector<PredictInput> inputs);
    /// Answers every queued request with an error and ends the thread.
    void stop();
    /// The next pass (not the one running) uses `next` (which must outlive the dispatcher):
    /// `mor serve --follow-promoted` switches models without dropping a request.
    void setPredictor(Predictor& next) { m_predictor.store(&next); }

private:
    struct Job {
        std::vector<PredictInput> inputs;
        std::promise<BatchResult> promise;
    };
    void loop();
    void runBatch(std::vector<Job>& jobs);

    std::atomic<Predictor*> m_predictor;
    const int64_t m_maxBatch;
    const int64_t m_maxWaitMs;
    PassObserver m_observer;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    int64_t m_queuedInputs = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace mor::serve
