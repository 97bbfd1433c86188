#include "training/trainingcontroller.h"

namespace training {

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<mor::TrainingProgress>();
    qRegisterMetaType<mor::ExperimentConfig>();
    m_thread.setObjectName(QStringLiteral("training"));
    m_thread.start();
}

TrainingController::~TrainingController() {
    if (m_flags) {
        m_flags->stop = true;
    }
    m_thread.quit();
    m_thread.wait();
}

bool TrainingController::start(const mor::ExperimentConfig& config, const QString& logPath) {
    if (m_running) {
        return false;
    }
    m_flags = std::make_shared<TrainingFlags>();
    mor::RunOptions options;
    options.logPath = logPath.toStdString();
    options.name = config.name;
    return launch(new TrainingWorker(config, options, m_flags));
}

bool TrainingController::resumeRun(qint64 runId, const QString& logPath) {
    if (m_running) {
        return false;
    }
    m_flags = std::make_shared<TrainingFlags>();
    mor::RunOptions options;
    options.logPath = logPath.toStdString();
    auto* worker = new TrainingWorker(mor::ExperimentConfig{}, options, m_flags);
    worker->setResumeRun(runId);
    return launch(worker);
}

bool TrainingController::launch(TrainingWorker* worker) {
    worker->moveToThread(&m_thread);
    connect(worker, &TrainingWorker::started, this, [this](qint64 runId, qint64 totalSteps) {
        m_runId = runId;
        Q_EMIT started(runId, totalSteps);
    });
    connect(worker, &TrainingWorker::progress, this, &TrainingController::progress);
    connect(worker, &TrainingWorker::eventLogged, this, &TrainingController::eventLogged);
    connect(worker, &TrainingWorker::finished, this,
            [this, worker](qint64 runId, const QString& status, const QString& error) {
                worker->deleteLater();
                m_running = false;
                m_runId = runId;
                Q_EMIT finished(runId, status, error);
                Q_EMIT runningChanged(false);
            });
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_running = true;
    m_runId = -1;
    Q_EMIT runningChanged(true);
    QMetaObject::invokeMethod(worker, &TrainingWorker::run, Qt::QueuedConnection);
    return true;
}

void TrainingController::pause() {
    if (m_running && m_flags && !m_flags->pause.exchange(true)) {
        Q_EMIT pausedChanged(true);
    }
}

void TrainingController::resume() {
    if (m_flags && m_flags->pause.exchange(false)) {
        Q_EMIT pausedChanged(false);
    }
}

void TrainingController::stop() {
    if (m_running && m_flags && !m_flags->stop.exchange(true)) {
        resume();
        Q_EMIT eventLogged(QStringLiteral("info"), tr("Stopping…"));
        Q_EMIT stopping();
    }
}

void TrainingController::stepBatch() {
    if (m_running && m_flags) {
        m_flags->pauseAfterBatch = true; // before the resume: the worker may wake at once
        resume();
    }
}

} // namespace training
