// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/runauditdialog.h"

#include <QColor>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace shell {

namespace {

QString auditText(const std::string& s) {
    return QString::fromStdString(s);
}

QTreeWidgetItem* auditRow(QTreeWidget* tree, const QString& field, const QString& value,
                          QTreeWidgetItem* parent = nullptr) {
    auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
    item->setText(0, field);
    item->setText(1, value);
    item->setToolTip(1, value);
    return item;
}

} // namespace

RunAuditDialog::RunAuditDialog(const QString& logPath, qint64 runId, QWidget* parent)
    : QDialog(parent), m_logPath(logPath), m_runId(runId), m_audit(new QTreeWidget(this)),
      m_checks(new QTreeWidget(this)), m_verdict(new QLabel(this)),
      m_verify(new QPushButton(tr("&Verify"), this)) {
    setObjectName(QStringLiteral("runAuditDialog"));
    setWindowTitle(tr("Audit trail of run %1").arg(runId));
    m_audit->setObjectName(QStringLiteral("auditTree"));
    m_audit->setHeaderLabels({tr("Item"), tr("Value")});
    m_audit->setRootIsDecorated(true);
    m_audit->setWordWrap(false);
    m_audit->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->setObjectName(QStringLiteral("verifyTree"));
    m_checks->setHeaderLabels({tr("Item"), tr("Result"), tr("Detail")});
    m_checks->setRootIsDecorated(false);
    m_checks->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_checks->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_checks->setVisible(false);
    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setText(tr("Verify re-hashes the run's stored config and its data files and "
                          "compares them with the digests logged when the run started."));
    m_verify->setObjectName(QStringLiteral("verifyRun"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("&Close")); // Qt's catalogue is absent
    buttons->addButton(m_verify, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_verify, &QPushButton::clicked, this, &RunAuditDialog::verify);
    connect(&m_watcher, &QFutureWatcher<mor::AuditVerification>::finished, this,
            &RunAuditDialog::showVerification);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_audit, 3);
    layout->addWidget(m_checks, 1);
    layout->addWidget(m_verdict);
    layout->addWidget(buttons);
    resize(860, 520);
    fillAudit();
}

RunAuditDialog::~RunAuditDialog() {
    m_watcher.waitForFinished(); // the hashing thread reads only its own copies
}

void RunAuditDialog::fillAudit() {
    std::string error;
    const std::optional<mor::RunAudit> audit =
        mor::readRunAudit(m_logPath.toStdString(), m_runId, &error);
    m_audit->clear();
    if (!audit) {
        auditRow(m_audit, tr("Audit"),
                 error.empty() ? tr("Not recorded: this run was logged before log schema 4.")
                               : auditText(error));
        m_verify->setEnabled(error.empty());
        return;
    }
    const mor::RunAudit& a = *audit;
    const QString unknown = tr("unknown");
    auditRow(m_audit, tr("Recorded"),
             QDateTime::fromMSecsSinceEpoch(a.recordedMs).toUTC().toString(Qt::ISODate));
    auditRow(m_audit, tr("User"), auditText(a.user));
    auditRow(m_audit, tr("Host"), auditText(a.host));
    auditRow(m_audit, tr("Command line"), auditText(a.commandLine));
    auditRow(m_audit, tr("App version"), auditText(a.appVersion));
    auditRow(m_audit, tr("Git commit"), a.gitCommit.empty() ? unknown : auditText(a.gitCommit));
    auditRow(m_audit, tr("LibTorch"), a.torchVersion.empty() ? unknown : auditText(a.torchVersion));
    auditRow(m_audit, tr("Device"), auditText(a.device));
    auditRow(m_audit, tr("Config SHA-256"), auditText(a.configSha256));
    auditRow(m_audit, tr("Parent run"),
             a.parentRun > 0 ? tr("%1 (%2)").arg(a.parentRun).arg(auditText(a.parentKind))
                             : tr("none"));
    if (!a.sweep.empty()) {
        auditRow(m_audit, tr("Sweep"), auditText(a.sweep));
    }
    for (const std::string& resume : a.resumes) {
        auditRow(m_audit, tr("Resumed"), auditText(resume));
    }
    QTreeWidgetItem* files =
        auditRow(m_audit, tr("Data files"),
                 a.dataFiles.empty() ? tr("none (generated data)")
                                     : tr("%n file(s)", nullptr, int(a.dataFiles.size())));
    for (const mor::AuditDataFile& f : a.dataFiles) {
        QTreeWidgetItem* file = auditRow(m_audit, auditText(f.field), auditText(f.path), files);
        auditRow(m_audit, tr("SHA-256"),
                 f.sha256.empty() ? tr("(unreadable when the run started)") : auditText(f.sha256),
                 file);
        auditRow(m_audit, tr("Bytes"), QString::number(f.bytes), file);
    }
    m_audit->expandAll();
    m_audit->resizeColumnToContents(0);
}

void RunAuditDialog::verify() {
    if (m_watcher.isRunning()) {
        return;
    }
    m_verify->setEnabled(false);
    m_verdict->setText(tr("Hashing the config and the data files…"));
    const std::string path = m_logPath.toStdString();
    const int64_t run = m_runId;
    m_watcher.setFuture(QtConcurrent::run([path, run] { return mor::verifyRunAudit(path, run); }));
}

void RunAuditDialog::showVerification() {
    const mor::AuditVerification v = m_watcher.result();
    m_verify->setEnabled(true);
    m_checks->clear();
    m_checks->setVisible(!v.checks.empty());
    for (const mor::AuditCheck& c : v.checks) {
        auto* item = new QTreeWidgetItem(m_checks);
        item->setText(0, auditText(c.item));
        const bool ok = c.status == "ok";
        const QString status = ok                         ? tr("matches")
                               : c.status == "mismatch"   ? tr("changed")
                               : c.status == "missing"    ? tr("missing")
                                                          : tr("not recorded");
        item->setText(1, status);
        item->setForeground(1, ok ? QColor(0x1b, 0x7f, 0x3b) : QColor(0xb0, 0x20, 0x20));
        item->setText(2, auditText(c.detail));
        item->setToolTip(2, tr("logged %1\nnow %2")
                                .arg(auditText(c.expected), c.actual.empty()
                                                                ? tr("(no file)")
                                                                : auditText(c.actual)));
    }
    const bool reproducible = v.reproducible();
    if (!v.error.empty()) {
        m_verdict->setText(auditText(v.error));
    } else if (reproducible) {
        m_verdict->setText(tr("This run can be reproduced as logged: the config and every data "
                              "file hash as recorded."));
    } else {
        m_verdict->setText(tr("This run can NOT be reproduced as logged: see the items marked "
                              "changed, missing or not recorded."));
    }
    Q_EMIT verified(reproducible);
}

} // namespace shell
