#pragma once
// The runs of the open log: a sortable, filterable table with multi-select and a context
// menu to rename, tag, annotate and delete runs (through the log session's ExperimentLog).
// Follows LogSession::changed(), so runs written by other processes appear live.
#include <QList>
#include <QWidget>

class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace shell {

class LogSession;
class RunAuditDialog;
class RunTableModel;

class RunBrowser : public QWidget {
    Q_OBJECT
public:
    explicit RunBrowser(LogSession* session, QWidget* parent = nullptr);

    RunTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    /// Ids of the selected runs, in view order.
    QList<qint64> selectedRuns() const;
    qint64 currentRun() const;
    /// Selects the run; a run not in the table yet is selected once a refresh brings it.
    void selectRun(qint64 runId);

    // Edits of the selected runs; each asks the user first (dialogs).
    void renameCurrent();
    void editTags();
    void editNotes();
    /// The current run's audit trail (who, where, how, hashes; Verify) in a non-modal dialog.
    RunAuditDialog* showAudit();
    void deleteSelected();
    /// Deletes without asking (used after the confirmation and by tests), on the session's
    /// edit thread (LogSession::edit): the rows go at the poll after it.
    void deleteRuns(const QList<qint64>& runs);
    /// The context menu of the current selection (null when nothing is selected): Resume,
    /// Load into Setup, Rename, Tags, Notes, Audit trail, Delete. Each action has an object name.
    QMenu* createContextMenu(QWidget* parent);

Q_SIGNALS:
    /// The current run changed (-1: none).
    void currentRunChanged(qint64 runId);
    void selectionChanged(const QList<qint64>& runs);
    /// "Resume": continue the run from its last checkpoint (the window's training controller).
    void resumeRequested(qint64 runId);
    /// "Load into Setup": the run's config into the setup view.
    void loadIntoSetupRequested(qint64 runId);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh();
    /// The name column takes the room the id leaves in the viewport (names elided with "…");
    /// the other columns follow, a scroll away.
    void fitNameColumn();
    void showContextMenu(const QPoint& pos);
    void retranslateUi();

    LogSession* m_session;
    RunTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLineEdit* m_filter;
    qint64 m_current = -1;
    qint64 m_pendingSelection = -1;
};

} // namespace shell
