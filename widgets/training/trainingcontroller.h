#pragma once
// Owns the training thread. start() trains a config into a log on that thread; progress,
// events and the end come back as queued signals, so the window never waits on torch.
#include "training/trainingworker.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace training {

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    /// Asks a running training to stop and waits for the thread to end.
    ~TrainingController() override;

    /// Starts training `config` into the log at `logPath`. False if a run is in progress.
    bool start(const mor::ExperimentConfig& config, const QString& logPath);
    /// Continues run `runId` of the log from its last checkpoint (as `mor resume`).
    bool resumeRun(qint64 runId, const QString& logPath);
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_flags && m_flags->pause.load(); }
    /// Stop was asked and the run has not ended yet (the current batch or evaluation ends
    /// first; a stopped run skips its test evaluation).
    bool isStopping() const { return m_running && m_flags && m_flags->stop.load(); }
    qint64 runId() const { return m_runId; }

public Q_SLOTS:
    void pause();
    void resume();
    void stop();
    /// Trains exactly one more batch of the running training, then pauses it (the worker
    /// pauses itself; the progress report of that batch is always sent).
    void stepBatch();

Q_SIGNALS:
    void started(qint64 runId, qint64 totalSteps);
    void progress(const mor::TrainingProgress& progress);
    void eventLogged(const QString& level, const QString& message);
    void finished(qint64 runId, const QString& status, const QString& error);
    void runningChanged(bool running);
    /// Stop was asked (eventLogged says "Stopping…" once); finished() follows at the end.
    void stopping();
    void pausedChanged(bool paused);

private:
    bool launch(class TrainingWorker* worker);
    QThread m_thread;
    std::shared_ptr<TrainingFlags> m_flags;
    bool m_running = false;
    qint64 m_runId = -1;
};

} // namespace training
