#pragma once
// View 2: the live training of a run: progress with ETA and throughput from the training
// observer, pause / resume / stop, and the curves read back from the log.
#include "mor/log_reader.h"
#include "mor/trainer.h"
#include "shell/logreads.h"

#include <QWidget>

#include <memory>
#include <optional>

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
    /// Where the log reads of setRun() and refresh() run (the window's view pool, issue 21):
    /// the title, the curves and the replay of a run are shown together once read. None:
    /// on the calling thread.
    void setReadPool(QThreadPool* pool);
    /// True while a read asked for is not shown yet.
    bool isReading() const { return m_reads.isPending(); }
    /// The run whose title and data are shown (-1: none).
    qint64 shownRun() const { return m_runId; }
    MetricPlots* plots() const { return m_plots; }
    /// Replay of the shown run, evaluation by evaluation (transport bar above the curves).
    TrainingReplay* replay() const { return m_replay; }
    /// Presentation mode: advanced buttons hidden, the replay up front.
    void setPresentationMode(bool on);
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* stopButton() const { return m_stop; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    /// Writes every metric of the shown run as CSV (key,step,value,wall_ms; shell::writeMetricsCsv)
    /// on the read pool (on the calling thread without one); metricsExported() tells the end.
    /// False (nothing started) when no run is shown.
    bool exportCsv(const QString& path);

Q_SIGNALS:
    /// An exportCsv() ended: `rows` data rows written, or `error` (non-empty) why not.
    void metricsExported(const QString& path, int rows, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void onStarted(qint64 runId, qint64 totalSteps);
    void onProgress(const mor::TrainingProgress& progress);
    void onFinished(qint64 runId, const QString& status, const QString& error);
    void updateButtons();
    struct Read;
    void applyRead(Read& read);
    void updateTitle();
    void retranslateUi();

    TrainingController* m_controller;
    std::shared_ptr<const mor::LogReader> m_reader; ///< of the run shown
    qint64 m_runId = -1;
    std::optional<mor::RunSummary> m_run;             ///< its summary, as last read
    std::shared_ptr<const mor::LogReader> m_wantReader; ///< the run asked for (setRun)
    qint64 m_wantRun = -1;
    bool m_resetPending = false;
    shell::LogReads m_reads;
    shell::LogReads m_exports; ///< exportCsv() on the same pool
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
