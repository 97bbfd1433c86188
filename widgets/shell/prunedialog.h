// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The pruning panel of one run (Runs → context menu → Prune…): method, amount, optional
// fine-tuning steps, or a sweep over several amounts; runs off the GUI thread (PruneJob) with
// progress and Cancel. Shows the child run's test accuracy, parameters, FLOPs and expert-steps
// before and after (recursion runs: token accuracy, test loss, mean recursion depth, FLOPs
// per token; the expert rows hidden), and for a sweep test accuracy against sparsity. What core
// refuses (dead experts of a recursion run, an amount out of range) is shown with core's
// message; the dialog greys out Dead experts for a recursion run up front.
#include "mor/pruning.h"

#include <QDialog>
#include <QList>
#include <QVector>

#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace shell {

class PruneJob;
class PrunePlot;

class PruneDialog : public QDialog {
    Q_OBJECT
public:
    /// The rows of the result table (TestLoss and MeanDepth are shown right under
    /// TestAccuracy; ExpertSteps is hidden for a recursion run).
    enum Row {
        TestAccuracy, Parameters, NonzeroParameters, Flops, SparseFlops, ExpertSteps, TestLoss,
        MeanDepth, RowCount
    };
    /// Its columns: the parent, right after pruning, the child run, after − before.
    enum Column { Before, Pruned, After, Change, ColumnCount };

    /// `configJson`: the run's logged config (the run browser's row), for its family.
    PruneDialog(const QString& logPath, qint64 runId, const QString& runName,
                const std::string& configJson, QWidget* parent = nullptr);
    ~PruneDialog() override;

    // The form (tests set it as a user would).
    QComboBox* methodBox() const { return m_method; }
    QDoubleSpinBox* amountBox() const { return m_amount; }
    QSpinBox* finetuneBox() const { return m_finetune; }
    QCheckBox* sweepBox() const { return m_sweep; }
    QLineEdit* sweepAmountsEdit() const { return m_sweepAmounts; }
    QPushButton* pruneButton() const { return m_start; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }
    QTableWidget* resultTable() const { return m_result; }
    QTableWidget* sweepTable() const { return m_sweepTable; }
    PrunePlot* sweepPlot() const { return m_plot; }
    PruneJob* job() const { return m_job; }
    /// The outcomes of the last start, in the order of its amounts (the prunes that finished).
    const std::vector<mor::PruneOutcome>& outcomes() const { return m_outcomes; }
    /// Why the last start's last prune failed or was cancelled (core's words); empty if none.
    const QString& lastError() const { return m_error; }
    bool isRunning() const;
    /// The run's model family (read from its logged config; a prune's outcome confirms it).
    mor::Family family() const { return m_family; }

    /// Starts pruning with the form's values (what the Prune button does). False (with the
    /// reason in the status line) when the form is not valid or a job runs.
    bool start();

Q_SIGNALS:
    /// A child run was written (the run browser re-reads the log); 0: a prune failed or was
    /// cancelled, and a fine-tuning may have left its child in the log.
    void runCreated(qint64 runId);
    /// The job ended (after the last outcome).
    void done(bool cancelled);

private:
    void onMethodChanged();
    void onPruned(int index, double amount, const mor::PruneOutcome& outcome);
    void onFailed(int index, double amount, const QString& error);
    void onFinished(bool cancelled);
    void showOutcome(const mor::PruneOutcome& outcome);
    void updateSweepView();
    void setBusy(bool busy);
    void applyFamily(mor::Family family);
    QList<double> sweepAmounts(QString* error) const;

    QString m_logPath;
    qint64 m_runId;
    PruneJob* m_job;
    QComboBox* m_method;
    QLabel* m_methodHelp;
    QLabel* m_amountLabel;
    QDoubleSpinBox* m_amount;
    QSpinBox* m_finetune;
    QCheckBox* m_sweep;
    QLineEdit* m_sweepAmounts;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QPushButton* m_close;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_note;
    QTableWidget* m_result;
    QTableWidget* m_sweepTable;
    PrunePlot* m_plot;
    std::vector<mor::PruneOutcome> m_outcomes;
    QString m_error;
    QList<double> m_amounts;
    bool m_sweeping = false;
    mor::Family m_family = mor::Family::Reflection;
};

} // namespace shell
