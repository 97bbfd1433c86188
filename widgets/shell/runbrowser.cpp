#include "shell/runbrowser.h"

#include "shell/logsession.h"
#include "shell/prunedialog.h"
#include "shell/retraindialog.h"
#include "shell/runauditdialog.h"
#include "shell/runtablemodel.h"
#include "shell/servingdialog.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QEvent>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace shell {

RunBrowser::RunBrowser(LogSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_model(new RunTableModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_view(new QTableView(this)),
      m_filter(new QLineEdit(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_filter->setClearButtonEnabled(true);
    m_filter->setObjectName(QStringLiteral("runFilter"));
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);

    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(RunTableModel::SortRole);
    m_view->setObjectName(QStringLiteral("runTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunTableModel::Created, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // The id as wide as its numbers, the name the rest of a narrow dock: the default 100 px id
    // column left "Id | Na" in the header, and a name column wider than the dock hid its
    // centred title and cut names without "…".
    m_view->horizontalHeader()->setSectionResizeMode(RunTableModel::Id,
                                                     QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->viewport()->installEventFilter(this);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this,
            [this](int section) {
                if (section == RunTableModel::Id) {
                    fitNameColumn();
                }
            });

    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view, &QWidget::customContextMenuRequested, this, &RunBrowser::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { Q_EMIT selectionChanged(selectedRuns()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const qint64 id =
                    current.isValid() ? current.data(RunTableModel::RunIdRole).toLongLong() : -1;
                if (id != m_current) {
                    m_current = id;
                    Q_EMIT currentRunChanged(id);
                }
            });
    connect(m_session, &LogSession::changed, this, &RunBrowser::refresh);
    // A killed training changes nothing in the log: while a run shows "running", look again
    // on every poll so it turns "interrupted" as soon as the reader sees its process gone.
    connect(m_session, &LogSession::polled, this, [this] {
        if (m_model->hasRunningRun()) {
            refresh();
        }
    });
    connect(m_session, &LogSession::opened, this, [this] {
        m_current = -1;
        Q_EMIT currentRunChanged(-1);
    });
    retranslateUi();
    refresh();
}

void RunBrowser::refresh() {
    const bool wasEmpty = m_model->rowCount() == 0;
    QString error;
    if (const std::vector<mor::RunSummary>* runs = m_session->polledRuns()) {
        m_model->setRuns(*runs); // read by the session's poll on its worker
    } else if (!m_model->refresh(m_session->reader().get(), &error)) {
        m_session->reportReadFailure(error); // rows stay; the next poll retries
        return;
    }
    // A killed training changes nothing in the log: while a run shows "running", the polls
    // read the list every time, so it turns "interrupted" as soon as its process is gone.
    m_session->setReadRunsOnEveryPoll(m_model->hasRunningRun());
    if (m_pendingSelection >= 0 && m_model->rowOf(m_pendingSelection) >= 0) {
        selectRun(m_pendingSelection);
    }
    if (wasEmpty && m_model->rowCount() > 0) {
        m_view->resizeColumnsToContents();
    }
}

QList<qint64> RunBrowser::selectedRuns() const {
    QList<qint64> runs;
    const auto rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex& index : rows) {
        runs << index.data(RunTableModel::RunIdRole).toLongLong();
    }
    return runs;
}

qint64 RunBrowser::currentRun() const {
    return m_current;
}

void RunBrowser::selectRun(qint64 runId) {
    const int row = m_model->rowOf(runId);
    if (row < 0) {
        m_pendingSelection = runId; // not read yet (a new run, or the read failed): later
        return;
    }
    m_pendingSelection = -1;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void RunBrowser::showContextMenu(const QPoint& pos) {
    std::unique_ptr<QMenu> menu(createContextMenu(this));
    if (menu) {
        menu->exec(m_view->viewport()->mapToGlobal(pos));
    }
}

QMenu* RunBrowser::createContextMenu(QWidget* parent) {
    if (selectedRuns().isEmpty()) {
        return nullptr;
    }
    auto* menu = new QMenu(parent);
    const qint64 run = m_current;
    const mor::RunSummary* summary = m_model->run(m_model->rowOf(run));
    QAction* resume = menu->addAction(tr("Res&ume"), this, [this, run] {
        Q_EMIT resumeRequested(run);
    });
    resume->setObjectName(QStringLiteral("resumeRun"));
    // Only a run that ended early has something to continue.
    resume->setEnabled(summary && summary->status != "running" && summary->status != "finished");
    QAction* load = menu->addAction(tr("&Load into Setup"), this, [this, run] {
        Q_EMIT loadIntoSetupRequested(run);
    });
    load->setObjectName(QStringLiteral("loadIntoSetup"));
    load->setEnabled(summary && !summary->configJson.empty());
    menu->addSeparator();
    menu->addAction(tr("&Rename…"), this, &RunBrowser::renameCurrent)
        ->setObjectName(QStringLiteral("renameRun"));
    menu->addAction(tr("Edit &tags…"), this, &RunBrowser::editTags)
        ->setObjectName(QStringLiteral("editTags"));
    menu->addAction(tr("&Notes…"), this, &RunBrowser::editNotes)
        ->setObjectName(QStringLiteral("editNotes"));
    menu->addAction(tr("&Audit trail…"), this, &RunBrowser::showAudit)
        ->setObjectName(QStringLiteral("showAudit"));
    // Pruning (a new child run) and the run's serving records, each in a non-modal dialog.
    const QString name = summary ? QString::fromStdString(summary->name) : QString();
    const std::string config = summary ? summary->configJson : std::string();
    QAction* prune = menu->addAction(tr("&Prune…"), this, [this, run, name, config] {
        auto* dialog = new PruneDialog(m_session->path(), run, name, config, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &PruneDialog::runCreated, m_session, &LogSession::pollInBackground);
        dialog->show();
    });
    prune->setObjectName(QStringLiteral("pruneRun"));
    prune->setEnabled(summary && summary->status != "running");
    QAction* retrain = menu->addAction(tr("Retra&in…"), this, [this, run, name] {
        auto* dialog = new RetrainDialog(m_session->path(), run, name, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &RetrainDialog::runCreated, m_session, &LogSession::pollInBackground);
        dialog->show();
    });
    retrain->setObjectName(QStringLiteral("retrainRun"));
    retrain->setEnabled(summary && summary->status != "running");
    menu->addAction(tr("&Serving records…"), this, [this, run] {
        auto* dialog = new ServingDialog(m_session->path(), run, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    })->setObjectName(QStringLiteral("showServing"));
    menu->addSeparator();
    menu->addAction(tr("&Delete…"), this, &RunBrowser::deleteSelected)
        ->setObjectName(QStringLiteral("deleteRuns"));
    return menu;
}

RunAuditDialog* RunBrowser::showAudit() {
    if (m_current < 0) {
        return nullptr;
    }
    auto* dialog = new RunAuditDialog(m_session->path(), m_current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void RunBrowser::renameCurrent() {
    const mor::RunSummary* run = m_model->run(m_model->rowOf(m_current));
    if (!run || !m_session->writer()) {
        return;
    }
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename run"), tr("Name:"), QLineEdit::Normal,
                              QString::fromStdString(run->name), &ok);
    if (ok && !name.trimmed().isEmpty()) {
        m_session->edit(tr("Renaming run %1").arg(m_current),
                        [id = m_current, text = name.trimmed().toStdString()](
                            mor::ExperimentLog& log) { return log.renameRun(id, text); });
    }
}

void RunBrowser::editTags() {
    const QList<qint64> runs = selectedRuns();
    if (runs.isEmpty() || !m_session->writer()) {
        return;
    }
    const mor::RunSummary* first = m_model->run(m_model->rowOf(runs.first()));
    QStringList current;
    for (const std::string& t : first->tags) {
        current << QString::fromStdString(t);
    }
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Tags"), tr("Tags of %n run(s), separated by commas:", nullptr, runs.size()),
        QLineEdit::Normal, current.join(QStringLiteral(", ")), &ok);
    if (!ok) {
        return;
    }
    std::vector<std::string> tags;
    for (const QString& t : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!t.trimmed().isEmpty()) {
            tags.push_back(t.trimmed().toStdString());
        }
    }
    m_session->edit(tr("Tagging %n run(s)", nullptr, int(runs.size())),
                    [runs, tags](mor::ExperimentLog& log) {
                        bool ok = true;
                        for (qint64 id : runs) {
                            ok = log.setTags(id, tags) && ok;
                        }
                        return ok;
                    });
}

void RunBrowser::editNotes() {
    const mor::RunSummary* run = m_model->run(m_model->rowOf(m_current));
    if (!run || !m_session->writer()) {
        return;
    }
    bool ok = false;
    const QString notes = QInputDialog::getMultiLineText(
        this, tr("Notes"), tr("Notes on “%1”:").arg(QString::fromStdString(run->name)),
        QString::fromStdString(run->notes), &ok);
    if (ok) {
        m_session->edit(tr("Notes on run %1").arg(m_current),
                        [id = m_current, text = notes.toStdString()](mor::ExperimentLog& log) {
                            return log.setNotes(id, text);
                        });
    }
}

void RunBrowser::deleteSelected() {
    const QList<qint64> runs = selectedRuns();
    if (runs.isEmpty()) {
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Delete %n run(s) and everything logged for them? This cannot be undone.", nullptr,
           runs.size()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes) {
        deleteRuns(runs);
    }
}

void RunBrowser::deleteRuns(const QList<qint64>& runs) {
    m_session->edit(tr("Deleting %n run(s)", nullptr, int(runs.size())),
                    [runs](mor::ExperimentLog& log) {
                        bool ok = true;
                        for (qint64 id : runs) {
                            ok = log.deleteRun(id) && ok;
                        }
                        return ok;
                    });
}

void RunBrowser::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

bool RunBrowser::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        fitNameColumn();
    }
    return QWidget::eventFilter(watched, event);
}

void RunBrowser::fitNameColumn() {
    QHeaderView* header = m_view->horizontalHeader();
    const int room = m_view->viewport()->width() - header->sectionSize(RunTableModel::Id);
    header->resizeSection(RunTableModel::Name, std::max(room, 60));
}

void RunBrowser::retranslateUi() {
    m_filter->setPlaceholderText(tr("Filter runs (name, status, data set, tags)…"));
    Q_EMIT m_model->headerDataChanged(Qt::Horizontal, 0, RunTableModel::ColumnCount - 1);
}

} // namespace shell
