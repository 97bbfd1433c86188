// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Launches a sweep over a base config (the setup view's) from the GUI: fields and their values
// (a grid), seeds, worker processes; runs `mor sweep ... --json` with QProcess into the open
// log and shows its progress. "Check" runs the same command with --dry-run, which validates
// every configuration without training.
#include <QDialog>
#include <QProcess>
#include <QStringList>

#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTemporaryDir;

namespace sweeps {

class SweepLauncher : public QDialog {
    Q_OBJECT
public:
    explicit SweepLauncher(QWidget* parent = nullptr);
    ~SweepLauncher() override;

    void setLogPath(const QString& path);
    /// The config JSON every configuration starts from; the field list offers its leaves.
    void setBaseConfig(const QString& json);
    /// The `mor` executable (default: next to this program, else on PATH).
    void setMorProgram(const QString& path) { m_program = path; }
    QString morProgram() const { return m_program; }
    static QString findMorProgram();

    /// A grid axis: a dotted config path and its values ("1,2,4").
    void addAxis(const QString& key, const QString& values);
    int axisCount() const;
    void setSeeds(const QString& seeds);
    void setJobs(int jobs);
    void setThreadsPerWorker(int threads);
    void setSweepName(const QString& name);

    /// Configurations x seeds of the grid as entered (0 when a field or the seeds are invalid).
    int plannedRuns() const;
    /// The arguments of `mor` for the sweep (base config file as `configPath`).
    QStringList arguments(const QString& configPath, bool dryRun) const;

    bool isRunning() const;
    /// Starts the sweep (or the check); false with the reason in the output box.
    bool start(bool dryRun = false);
    /// Stops a running sweep (SIGTERM: workers stop at their next batch, runs read "stopped").
    void stop();
    QString output() const;
    int endedRuns() const { return m_ended; }

Q_SIGNALS:
    /// The sweep process named its sweep id (its runs are in the log from now on).
    void sweepStarted(qint64 sweepId);
    /// A run of the sweep ended (finished, failed or stopped).
    void progressed(int ended, int total);
    void finished(int exitCode, bool dryRun);

protected:
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void onOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void updatePlan();
    void updateButtons();
    void retranslateUi();
    QStringList configKeys() const;

    QString m_logPath, m_baseConfig, m_program;
    QLabel* m_intro;
    QLabel* m_nameLabel;
    QLineEdit* m_name;
    QTableWidget* m_axes;
    QPushButton* m_addAxis;
    QPushButton* m_removeAxis;
    QLabel* m_seedsLabel;
    QLineEdit* m_seeds;
    QLabel* m_jobsLabel;
    QSpinBox* m_jobs;
    QLabel* m_threadsLabel;
    QSpinBox* m_threads;
    QLabel* m_plan;
    QProgressBar* m_progress;
    QPlainTextEdit* m_output;
    QPushButton* m_check;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_close;
    QProcess* m_process = nullptr;
    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_pending; ///< output not yet ending in a newline
    bool m_dryRun = false;
    int m_ended = 0, m_total = 0;
    qint64 m_sweepId = -1;
};

} // namespace sweeps
