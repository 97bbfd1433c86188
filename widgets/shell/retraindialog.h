// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Retraining one run on new data (Runs → context menu → Retrain…, `mor retrain` in the GUI):
// the new data file, from the parent's weights or from scratch, the promotion margin and the
// epochs; runs off the GUI thread through the engine interface with progress and Cancel.
// Shows parent and child on the same held-out data of the new file, the paired difference
// with its confidence interval, and whether the child was promoted. What core refuses (a text
// with other characters, a missing file) is shown in core's words.
#include "mor/retrain.h"

#include <QDialog>
#include <QFuture>

#include <atomic>
#include <memory>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableWidget;

namespace shell {

class RetrainDialog : public QDialog {
    Q_OBJECT
public:
    /// Rows of the comparison table: held-out accuracy of parent, child and their difference.
    enum Column { Parent, Child, Difference, ColumnCount };

    RetrainDialog(const QString& logPath, qint64 runId, const QString& runName,
                  QWidget* parent = nullptr);
    ~RetrainDialog() override; ///< cancels and waits for the worker

    // The form (tests set it as a user would).
    QLineEdit* dataEdit() const { return m_data; }
    QRadioButton* fromParentButton() const { return m_fromParent; }
    QRadioButton* fromScratchButton() const { return m_fromScratch; }
    /// The promotion margin in accuracy points (the CI's lower end must lie above it).
    QDoubleSpinBox* marginBox() const { return m_margin; }
    /// Epochs of the child; 0 = the run's own train.epochs.
    QSpinBox* epochsBox() const { return m_epochs; }
    QPushButton* retrainButton() const { return m_start; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* verdictLabel() const { return m_verdict; }
    QTableWidget* resultTable() const { return m_result; }

    /// The last finished retraining (runId 0 when none).
    const mor::RetrainOutcome& outcome() const { return m_outcome; }
    /// Core's message when the last start failed or was cancelled; empty if none.
    const QString& lastError() const { return m_error; }
    bool isRunning() const;
    /// The options the form describes (what start() hands to the engine).
    mor::RetrainOptions options() const;

    /// Starts with the form's values (the Retrain button). False, with the reason in the
    /// status line, when no data file is given or a retraining runs.
    bool start();

Q_SIGNALS:
    /// A child run may have been written (the run browser re-reads the log); its id, or 0
    /// when retraining failed or was cancelled (a child may be left in the log then).
    void runCreated(qint64 runId);
    /// The retraining ended (success, refusal or cancel).
    void done(bool succeeded);

private:
    void browse();
    void setBusy(bool busy);
    void onProgress(double fraction, const QString& text);
    void onDone(const mor::Result<mor::RetrainOutcome>& result, bool cancelled);
    void showOutcome(const mor::RetrainOutcome& outcome);

    QString m_logPath;
    qint64 m_runId;
    QLineEdit* m_data;
    QPushButton* m_browse;
    QRadioButton* m_fromParent;
    QRadioButton* m_fromScratch;
    QDoubleSpinBox* m_margin;
    QSpinBox* m_epochs;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QPushButton* m_close;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_verdict;
    QLabel* m_detail;
    QTableWidget* m_result;
    QFuture<void> m_future;
    bool m_running = false; ///< from start() until onDone() ran on the GUI thread
    std::shared_ptr<std::atomic<bool>> m_stop;
    mor::RetrainOutcome m_outcome;
    QString m_error;
};

} // namespace shell
