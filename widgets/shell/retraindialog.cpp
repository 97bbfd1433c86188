// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/retraindialog.h"

#include "common/engineaccess.h"

#include "mor/engine_interface.h"

#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <functional>

namespace shell {

namespace {

/// Training progress of the child, handed to `post` at most every 100 ms (on the training
/// thread); Cancel is polled between batches.
class RetrainDialogObserver final : public mor::TrainingObserver {
public:
    RetrainDialogObserver(std::function<void(double, const QString&)> post,
                          std::shared_ptr<std::atomic<bool>> stop)
        : m_post(std::move(post)), m_stop(std::move(stop)) {
        m_clock.start();
    }
    void onProgress(const mor::TrainingProgress& p) override {
        if (m_clock.elapsed() < 100 && p.step < p.totalSteps) {
            return;
        }
        m_clock.restart();
        const double fraction =
            p.totalSteps > 0 ? 0.9 * double(p.step) / double(p.totalSteps) : 0.0;
        m_post(fraction,
               p.step < p.totalSteps
                   ? QCoreApplication::translate("shell::RetrainDialog",
                                                 "Training the child: step %1 of %2")
                         .arg(p.step)
                         .arg(p.totalSteps)
                   : QCoreApplication::translate("shell::RetrainDialog",
                                                 "Comparing parent and child on the held-out "
                                                 "data…"));
    }
    bool stopRequested() override { return m_stop->load(); }

private:
    std::function<void(double, const QString&)> m_post;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QElapsedTimer m_clock;
};

QTableWidgetItem* retrainDialogCell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

/// An accuracy difference in points with its sign.
QString retrainDialogPoints(double fraction) {
    const double points = 100.0 * fraction;
    return (points > 0 ? QStringLiteral("+") : QString()) + QLocale().toString(points, 'f', 2);
}

} // namespace

RetrainDialog::RetrainDialog(const QString& logPath, qint64 runId, const QString& runName,
                             QWidget* parent)
    : QDialog(parent), m_logPath(logPath), m_runId(runId), m_data(new QLineEdit(this)),
      m_browse(new QPushButton(tr("&Browse…"), this)),
      m_fromParent(new QRadioButton(tr("From the parent's &weights"), this)),
      m_fromScratch(new QRadioButton(tr("From &scratch"), this)),
      m_margin(new QDoubleSpinBox(this)), m_epochs(new QSpinBox(this)),
      m_start(new QPushButton(tr("&Retrain"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_close(new QPushButton(tr("Close"), this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_verdict(new QLabel(this)), m_detail(new QLabel(this)),
      m_result(new QTableWidget(this)), m_stop(std::make_shared<std::atomic<bool>>(false)) {
    setObjectName(QStringLiteral("retrainDialog"));
    setWindowTitle(tr("Retrain run %1").arg(runId));
    auto* title = new QLabel(
        tr("Retrain <b>%1</b> (#%2) on new data into a child run of the log. Parent and child "
           "are compared on the same held-out part of the new data; the child is tagged "
           "<i>promoted</i> only if the confidence interval of the paired difference lies "
           "above the margin.")
            .arg(runName.toHtmlEscaped())
            .arg(runId),
        this);
    title->setWordWrap(true);

    m_data->setObjectName(QStringLiteral("retrainData"));
    m_data->setPlaceholderText(tr("a CSV file (reflection runs) or a text file (recursion runs)"));
    m_browse->setObjectName(QStringLiteral("retrainBrowse"));
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(m_data, 1);
    dataRow->addWidget(m_browse);
    m_fromParent->setObjectName(QStringLiteral("retrainFromParent"));
    m_fromScratch->setObjectName(QStringLiteral("retrainFromScratch"));
    m_fromParent->setChecked(true);
    auto* startRow = new QHBoxLayout;
    startRow->addWidget(m_fromParent);
    startRow->addWidget(m_fromScratch);
    startRow->addStretch(1);
    m_margin->setObjectName(QStringLiteral("retrainMargin"));
    m_margin->setRange(0.0, 100.0);
    m_margin->setDecimals(2);
    m_margin->setSingleStep(0.5);
    m_margin->setSuffix(tr(" pt"));
    m_margin->setToolTip(tr("The lower end of the 95 % confidence interval of (child − parent) "
                            "held-out accuracy must lie above this many points"));
    m_epochs->setObjectName(QStringLiteral("retrainEpochs"));
    m_epochs->setRange(0, 100000);
    m_epochs->setSpecialValueText(tr("as the run"));
    m_epochs->setToolTip(tr("Training epochs of the child; “as the run” keeps the parent's"));

    auto* form = new QFormLayout;
    auto* dataLabel = new QLabel(tr("New &data:"), this);
    dataLabel->setBuddy(m_data);
    form->addRow(dataLabel, dataRow);
    form->addRow(tr("Start:"), startRow);
    form->addRow(tr("Promotion &margin:"), m_margin);
    form->addRow(tr("&Epochs:"), m_epochs);

    m_start->setObjectName(QStringLiteral("retrainStart"));
    m_start->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("retrainCancel"));
    m_cancel->setEnabled(false);
    m_progress->setObjectName(QStringLiteral("retrainProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_close);
    m_status->setObjectName(QStringLiteral("retrainStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verdict->setObjectName(QStringLiteral("retrainVerdict"));
    m_verdict->setWordWrap(true);
    m_detail->setObjectName(QStringLiteral("retrainDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_result->setObjectName(QStringLiteral("retrainResult"));
    m_result->setRowCount(2);
    m_result->setColumnCount(ColumnCount);
    m_result->setVerticalHeaderLabels(
        {tr("Held-out accuracy"), tr("Held-out inputs where it is better")});
    m_result->setHorizontalHeaderLabels({tr("Parent"), tr("Child"), tr("Child − parent")});
    m_result->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_result->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_result->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_result->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_result->setWordWrap(false);
    m_result->resizeRowsToContents();
    m_result->setFixedHeight(m_result->horizontalHeader()->sizeHint().height() +
                             m_result->verticalHeader()->length() + 2 * m_result->frameWidth());
    m_result->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_verdict);
    layout->addWidget(m_result);
    layout->addWidget(m_detail);
    layout->addStretch(1);
    resize(900, 560);

    connect(m_browse, &QPushButton::clicked, this, &RetrainDialog::browse);
    connect(m_start, &QPushButton::clicked, this, &RetrainDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_stop->store(true);
        m_cancel->setEnabled(false);
        m_status->setText(tr("Cancelling… (training stops after its current batch)"));
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
}

RetrainDialog::~RetrainDialog() {
    m_stop->store(true);
    if (m_future.isValid()) {
        m_future.waitForFinished();
    }
}

bool RetrainDialog::isRunning() const {
    // Not the future's state: the worker posts onDone() before its future ends, so a start()
    // right after done() would still see the old future running.
    return m_running;
}

void RetrainDialog::browse() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("New data for run %1").arg(m_runId), QFileInfo(m_data->text()).absolutePath(),
        tr("Data (*.csv *.txt);;All files (*)"));
    if (!path.isEmpty()) {
        m_data->setText(path);
    }
}

mor::RetrainOptions RetrainDialog::options() const {
    mor::RetrainOptions o;
    o.logPath = m_logPath.toStdString();
    o.runId = m_runId;
    o.dataPath = m_data->text().trimmed().toStdString();
    o.fromScratch = m_fromScratch->isChecked();
    o.margin = m_margin->value() / 100.0;
    o.epochs = m_epochs->value() > 0 ? m_epochs->value() : -1;
    return o;
}

bool RetrainDialog::start() {
    if (isRunning()) {
        return false;
    }
    if (m_data->text().trimmed().isEmpty()) {
        m_status->setText(tr("Choose the new data file first."));
        return false;
    }
    const mor::RetrainOptions request = options();
    m_outcome = mor::RetrainOutcome{};
    m_error.clear();
    m_stop->store(false);
    m_verdict->clear();
    m_detail->clear();
    m_result->hide();
    setBusy(true);
    m_running = true;
    m_status->setText(tr("Retraining…"));
    // Everything for the dialog goes through queued calls on `this`, dropped if it is gone
    // (its destructor waits for the worker, so `this` outlives the call).
    const auto post = [this](auto function) {
        QMetaObject::invokeMethod(this, std::move(function), Qt::QueuedConnection);
    };
    m_future = QtConcurrent::run([this, request, post, stop = m_stop] {
        RetrainDialogObserver observer(
            [this, post](double fraction, const QString& text) {
                post([this, fraction, text] { onProgress(fraction, text); });
            },
            stop);
        mor::Result<mor::RetrainOutcome> result = mor::Error{};
        try {
            result = common::EngineAccess::engine().retrainRun(request, &observer);
        } catch (const std::exception& e) { // never out of the pool thread
            result = mor::Error{e.what()};
        }
        const bool cancelled = stop->load();
        post([this, result, cancelled] { onDone(result, cancelled); });
    });
    return true;
}

void RetrainDialog::setBusy(bool busy) {
    m_start->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    for (QWidget* w : {static_cast<QWidget*>(m_data), static_cast<QWidget*>(m_browse),
                       static_cast<QWidget*>(m_fromParent), static_cast<QWidget*>(m_fromScratch),
                       static_cast<QWidget*>(m_margin), static_cast<QWidget*>(m_epochs)}) {
        w->setEnabled(!busy);
    }
    if (busy) {
        m_progress->setRange(0, 0); // busy until the first progress
    } else {
        m_progress->setRange(0, 1000);
    }
}

void RetrainDialog::onProgress(double fraction, const QString& text) {
    if (!m_cancel->isEnabled()) {
        return; // cancelling: keep saying so
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::lround(1000.0 * fraction)));
    m_status->setText(text);
}

void RetrainDialog::onDone(const mor::Result<mor::RetrainOutcome>& result, bool cancelled) {
    m_running = false;
    setBusy(false);
    if (!result) {
        m_error = QString::fromStdString(result.error());
        m_status->setText(cancelled ? tr("Cancelled: %1").arg(m_error)
                                    : tr("Not retrained: %1").arg(m_error));
        Q_EMIT runCreated(0); // a stopped child may be in the log
        Q_EMIT done(false);
        return;
    }
    m_progress->setValue(1000);
    m_outcome = result.value();
    showOutcome(m_outcome);
    m_status->setText(tr("Done: child run #%1 written to the log.").arg(m_outcome.runId));
    Q_EMIT runCreated(m_outcome.runId);
    Q_EMIT done(true);
}

void RetrainDialog::showOutcome(const mor::RetrainOutcome& o) {
    const QLocale locale;
    const auto percent = [&locale](double fraction) {
        return locale.toString(100.0 * fraction, 'f', 2) + QStringLiteral(" %");
    };
    m_result->horizontalHeaderItem(Parent)->setText(tr("Parent #%1").arg(o.parentId));
    m_result->horizontalHeaderItem(Child)->setText(tr("Child #%1").arg(o.runId));
    m_result->setItem(0, Parent, retrainDialogCell(percent(o.parentAccuracy)));
    m_result->setItem(0, Child, retrainDialogCell(percent(o.childAccuracy)));
    m_result->setItem(0, Difference,
                      retrainDialogCell(retrainDialogPoints(o.difference) + tr(" pt")));
    m_result->setItem(1, Parent, retrainDialogCell(locale.toString(qint64(o.parentBetter))));
    m_result->setItem(1, Child, retrainDialogCell(locale.toString(qint64(o.childBetter))));
    m_result->setItem(1, Difference, retrainDialogCell(QStringLiteral("–")));
    m_result->show();
    m_verdict->setText(
        o.promoted
            ? tr("<b>Promoted:</b> child #%1 is tagged “promoted” (the lower end of the CI, "
                 "%2 pt, lies above the margin of %3 pt).")
                  .arg(o.runId)
                  .arg(retrainDialogPoints(o.low), retrainDialogPoints(o.margin))
            : tr("<b>Not promoted:</b> child #%1 is tagged “not-promoted” (the lower end of the "
                 "CI, %2 pt, does not lie above the margin of %3 pt).")
                  .arg(o.runId)
                  .arg(retrainDialogPoints(o.low), retrainDialogPoints(o.margin)));
    QString detail =
        tr("Paired difference (child − parent) %1 pt, %2 % CI [%3, %4] pt over %5 held-out "
           "inputs of %6. The child trained %7 steps %8.")
            .arg(retrainDialogPoints(o.difference))
            .arg(locale.toString(100.0 * o.level, 'f', 0))
            .arg(retrainDialogPoints(o.low), retrainDialogPoints(o.high))
            .arg(o.compared)
            .arg(QFileInfo(QString::fromStdString(o.dataPath)).fileName().toHtmlEscaped())
            .arg(o.steps)
            .arg(o.start == "from-scratch" ? tr("from scratch")
                                           : tr("from the parent's weights"));
    if (o.family == mor::Family::Recursion) {
        detail += QLatin1Char(' ') + tr("Recursion run: an input is a held-out sequence, scored "
                                        "by its next-token accuracy.");
    }
    if (!o.reason.empty()) {
        detail += QStringLiteral("<br>") + tr("Core: %1").arg(QString::fromStdString(o.reason)
                                                                   .toHtmlEscaped());
    }
    if (!o.demoted.empty()) {
        QStringList ids;
        for (int64_t id : o.demoted) {
            ids << QStringLiteral("#%1").arg(id);
        }
        detail += QStringLiteral("<br>") +
                  tr("No longer promoted: %1.").arg(ids.join(QStringLiteral(", ")));
    }
    m_detail->setText(detail);
}

} // namespace shell
