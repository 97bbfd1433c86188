#include "training/trainingworker.h"

#include "common/engineaccess.h"

#include <mor/engine_interface.h>

#include <QElapsedTimer>

#include <exception>

namespace training {

namespace {
// Progress reaches the GUI at most this often; the rest are dropped (the log has them all).
constexpr qint64 kProgressIntervalMs = 100;

class SignallingObserver : public mor::TrainingObserver {
public:
    SignallingObserver(TrainingWorker* worker, TrainingFlags* flags)
        : m_worker(worker), m_flags(flags) {
        m_sinceLast.start();
    }
    void onStarted(int64_t runId, int64_t totalSteps) override {
        m_runId = runId;
        Q_EMIT m_worker->started(runId, totalSteps);
    }
    void onProgress(const mor::TrainingProgress& p) override {
        // Step: pause before the next batch (the engine asks between batches); this report
        // always reaches the GUI, as the step it paused at.
        const bool stepDone = m_flags->pauseAfterBatch.exchange(false);
        if (stepDone) {
            m_flags->pause = true;
        }
        if (stepDone || m_sinceLast.elapsed() >= kProgressIntervalMs || p.step >= p.totalSteps) {
            m_sinceLast.restart();
            Q_EMIT m_worker->progress(p);
        }
    }
    void onEvaluation(int64_t step, const mor::EvalResult& validation) override {
        Q_EMIT m_worker->evaluated(step, validation.accuracy);
    }
    void onEvent(const std::string& level, const std::string& message) override {
        Q_EMIT m_worker->eventLogged(QString::fromStdString(level),
                                     QString::fromStdString(message));
    }
    bool stopRequested() override { return m_flags->stop.load(); }
    bool pauseRequested() override { return m_flags->pause.load() && !m_flags->stop.load(); }
    int64_t runId() const { return m_runId; }

private:
    TrainingWorker* m_worker;
    TrainingFlags* m_flags;
    QElapsedTimer m_sinceLast;
    int64_t m_runId = 0;
};
} // namespace

TrainingWorker::TrainingWorker(mor::ExperimentConfig config, mor::RunOptions options,
                               std::shared_ptr<TrainingFlags> flags)
    : m_config(std::move(config)), m_options(std::move(options)), m_flags(std::move(flags)) {}

void TrainingWorker::run() {
    SignallingObserver observer(this, m_flags.get());
    try {
        mor::EngineInterface& engine = common::EngineAccess::engine();
        const mor::RunOutcome outcome = m_resumeRunId >= 0
                                            ? engine.resume(m_resumeRunId, m_options, &observer)
                                            : engine.train(m_config, m_options, &observer);
        Q_EMIT finished(outcome.runId, QString::fromStdString(outcome.status),
                        QString::fromStdString(outcome.error));
    } catch (const std::exception& e) {
        Q_EMIT finished(observer.runId(), QStringLiteral("failed"), QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT finished(observer.runId(), QStringLiteral("failed"),
                        QStringLiteral("unknown error in the training thread"));
    }
}

} // namespace training
