// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The audit trail of one run (Runs → context menu → Audit trail…): who started it, where and
// how, the SHA-256 of its config and of each input data file, its parent run; "Verify"
// re-hashes them off the GUI thread and says per item whether the run can be reproduced as
// logged (the same check as `mor verify`).
#include "mor/run_audit.h"

#include <QDialog>
#include <QFutureWatcher>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace shell {

class RunAuditDialog : public QDialog {
    Q_OBJECT
public:
    RunAuditDialog(const QString& logPath, qint64 runId, QWidget* parent = nullptr);
    ~RunAuditDialog() override;

    QTreeWidget* auditTree() const { return m_audit; }
    QTreeWidget* checkTree() const { return m_checks; }
    QLabel* verdictLabel() const { return m_verdict; }
    QPushButton* verifyButton() const { return m_verify; }
    /// Starts the verification (what the Verify button does); finished() -> verified().
    void verify();

Q_SIGNALS:
    void verified(bool reproducible);

private:
    void fillAudit();
    void showVerification();

    QString m_logPath;
    qint64 m_runId;
    QTreeWidget* m_audit;
    QTreeWidget* m_checks;
    QLabel* m_verdict;
    QPushButton* m_verify;
    QFutureWatcher<mor::AuditVerification> m_watcher;
};

} // namespace shell
