#pragma once
// Runs one training on the controller's worker thread: calls the installed engine's train()
// (EngineAccess, engineaccess.h) with an observer whose callbacks (on this thread) become
// queued signals, progress throttled to ~10 Hz. Exceptions never leave run().
#include "common/metatypes.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace training {

/// Pause and stop requests shared between the GUI thread and the worker.
struct TrainingFlags {
    std::atomic<bool> pause{false};
    std::atomic<bool> stop{false};
    /// Step: the worker pauses itself after the next finished batch, so exactly one batch
    /// passes however late the GUI thread sees the progress report.
    std::atomic<bool> pauseAfterBatch{false};
};

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker(mor::ExperimentConfig config, mor::RunOptions options,
                   std::shared_ptr<TrainingFlags> flags);

    /// Continue this run of the log (the engine's resume()) instead of training a new one.
    void setResumeRun(qint64 runId) { m_resumeRunId = runId; }

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void started(qint64 runId, qint64 totalSteps);
    void progress(const mor::TrainingProgress& progress);
    void evaluated(qint64 step, double accuracy);
    void eventLogged(const QString& level, const QString& message);
    /// status: finished | stopped | failed; error says why it failed.
    void finished(qint64 runId, const QString& status, const QString& error);

private:
    mor::ExperimentConfig m_config;
    mor::RunOptions m_options;
    std::shared_ptr<TrainingFlags> m_flags;
    qint64 m_resumeRunId = -1;
};

} // namespace training
