#pragma once
// View 2: the live training of a run: progress with ETA and throughput from the training
// observer, pause / resume / stop, and the curves read back from the log.
#include "mor/trainer.h"

#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;

namespace mor {
class LogReader;
}

namespace training {

class MetricPlots;
class TrainingReplay;
class TrainingController;

class TrainingView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingView(TrainingController* controller, QWidget* parent = nullptr);

    /// Shows the curves of run `runId` (e.g. the run selected in the browser).
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// Re-reads the curves and the run's status from the log.
    void refresh();
    MetricPlots* plots() const { return m_plots; }
    /// Replay of the shown run, evaluation by evaluation (transport bar above the curves).
    TrainingReplay* replay() const { return m_replay; }
    /// Presentation mode: advanced buttons hidden, the replay up front.
    void setPresentationMode(bool on);
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    /// Writes every metric of the shown run as CSV (key,step,value,wall_ms).
    bool exportCsv(const QString& path, QString* error) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void onStarted(qint64 runId, qint64 totalSteps);
    void onProgress(const mor::TrainingProgress& progress);
    void onFinished(qint64 runId, const QString& status, const QString& error);
    void updateButtons();
    void updateTitle();
    void retranslateUi();

    TrainingController* m_controller;
    std::shared_ptr<const mor::LogReader> m_reader;
    qint64 m_runId = -1;
    QLabel* m_title = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_export = nullptr;
    MetricPlots* m_plots = nullptr;
    TrainingReplay* m_replay = nullptr;
    QString m_lastStatus;
};

} // namespace training
