// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/prunedialog.h"

#include "shell/prunejob.h"
#include "shell/pruneplot.h"


#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace shell {

namespace {

double pruneMeasureValue(const mor::PruneMeasure& m, int row) {
    switch (row) {
    case PruneDialog::TestAccuracy:
        return 100.0 * m.testAccuracy;
    case PruneDialog::Parameters:
        return double(m.parameters);
    case PruneDialog::NonzeroParameters:
        return double(m.nonzeroParameters);
    case PruneDialog::Flops:
        return m.flopsPerInput;
    case PruneDialog::SparseFlops:
        return m.sparseFlopsPerInput;
    case PruneDialog::TestLoss:
        return m.testLoss;
    case PruneDialog::MeanDepth:
        return m.meanDepth;
    default:
        return m.expertStepsPerInput;
    }
}

QString pruneValueText(int row, double value) {
    const QLocale locale;
    switch (row) {
    case PruneDialog::TestAccuracy:
        return locale.toString(value, 'f', 2) + QStringLiteral(" %");
    case PruneDialog::ExpertSteps:
    case PruneDialog::MeanDepth:
        return locale.toString(value, 'f', 3);
    case PruneDialog::TestLoss:
        return locale.toString(value, 'f', 4);
    default:
        return locale.toString(value, 'f', 0);
    }
}

/// The family of a logged run from its stored config (model.family; the browser's row, not a
/// read of the log on the GUI thread); reflection when the config says none (core says more
/// when a prune starts).
mor::Family pruneDialogFamilyOf(const std::string& configJson) {
    const QJsonObject model = QJsonDocument::fromJson(QByteArray::fromStdString(configJson))
                                  .object()
                                  .value(QStringLiteral("model"))
                                  .toObject();
    return model.value(QStringLiteral("family")).toString() ==
                   QString::fromStdString(mor::familyName(mor::Family::Recursion))
               ? mor::Family::Recursion
               : mor::Family::Reflection;
}

/// The table as tall as its rows (no empty area under a table of six rows).
void pruneFitTableHeight(QTableWidget* table) {
    table->resizeRowsToContents();
    table->setFixedHeight(table->horizontalHeader()->sizeHint().height() +
                          table->verticalHeader()->length() + 2 * table->frameWidth());
}

QString pruneChangeText(int row, double before, double after) {
    const QLocale locale;
    const double d = after - before;
    const QString sign = d > 0 ? QStringLiteral("+") : QString();
    if (row == PruneDialog::TestAccuracy) {
        return sign + locale.toString(d, 'f', 2) +
               QCoreApplication::translate("shell::PruneDialog", " pt");
    }
    QString text = sign + pruneValueText(row, d);
    if (before != 0.0) {
        text += QStringLiteral(" (%1%2 %)").arg(sign, locale.toString(100.0 * d / before, 'f', 1));
    }
    return text;
}

} // namespace

PruneDialog::PruneDialog(const QString& logPath, qint64 runId, const QString& runName,
                         const std::string& configJson, QWidget* parent)
    : QDialog(parent), m_logPath(logPath), m_runId(runId), m_job(new PruneJob(this)),
      m_method(new QComboBox(this)), m_methodHelp(new QLabel(this)),
      m_amountLabel(new QLabel(this)), m_amount(new QDoubleSpinBox(this)),
      m_finetune(new QSpinBox(this)), m_sweep(new QCheckBox(tr("S&weep amounts:"), this)),
      m_sweepAmounts(new QLineEdit(QStringLiteral("0, 0.5, 0.8, 0.9"), this)),
      m_start(new QPushButton(tr("&Prune"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_close(new QPushButton(tr("Close"), this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_note(new QLabel(this)), m_result(new QTableWidget(this)),
      m_sweepTable(new QTableWidget(this)), m_plot(new PrunePlot(this)) {
    setObjectName(QStringLiteral("pruneDialog"));
    setWindowTitle(tr("Prune run %1").arg(runId));
    auto* title = new QLabel(tr("Prune <b>%1</b> (#%2) into a new child run of the log; the run "
                                "itself is not changed.")
                                 .arg(runName.toHtmlEscaped())
                                 .arg(runId),
                             this);
    title->setWordWrap(true);

    m_method->setObjectName(QStringLiteral("pruneMethod"));
    m_method->addItem(tr("Magnitude (unstructured)"), QStringLiteral("magnitude"));
    m_method->addItem(tr("Structured (hidden units)"), QStringLiteral("structured"));
    m_method->addItem(tr("Dead experts"), QStringLiteral("dead-experts"));
    m_method->addItem(tr("Depth cap"), QStringLiteral("depth"));
    m_methodHelp->setWordWrap(true);
    m_amount->setObjectName(QStringLiteral("pruneAmount"));
    m_finetune->setObjectName(QStringLiteral("pruneFinetune"));
    m_finetune->setRange(0, 1000000);
    m_finetune->setSpecialValueText(tr("none"));
    m_finetune->setToolTip(tr("Optimizer steps of fine-tuning with the pruned weights held at "
                              "zero, rounded up to whole epochs"));
    m_sweep->setObjectName(QStringLiteral("pruneSweep"));
    m_sweepAmounts->setObjectName(QStringLiteral("pruneSweepAmounts"));
    m_sweepAmounts->setEnabled(false);
    m_sweepAmounts->setToolTip(tr("One pruned child run per amount, separated by commas"));
    auto* sweepRow = new QHBoxLayout;
    sweepRow->addWidget(m_sweep);
    sweepRow->addWidget(m_sweepAmounts, 1);

    auto* form = new QFormLayout;
    form->addRow(tr("&Method:"), m_method);
    form->addRow(QString(), m_methodHelp);
    form->addRow(m_amountLabel, m_amount);
    m_amountLabel->setBuddy(m_amount);
    form->addRow(tr("&Fine-tune steps:"), m_finetune);
    form->addRow(sweepRow);

    m_start->setObjectName(QStringLiteral("pruneStart"));
    m_start->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("pruneCancel"));
    m_cancel->setEnabled(false);
    m_progress->setObjectName(QStringLiteral("pruneProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_close);
    m_status->setObjectName(QStringLiteral("pruneStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note->setObjectName(QStringLiteral("pruneNote"));
    m_note->setWordWrap(true);

    m_result->setObjectName(QStringLiteral("pruneResult"));
    m_result->setRowCount(RowCount);
    m_result->setColumnCount(ColumnCount);
    for (int row = 0; row < RowCount; ++row) {
        m_result->setVerticalHeaderItem(row, new QTableWidgetItem);
    }
    // Loss and mean depth right under the accuracy (logical rows stay as the enum says).
    m_result->verticalHeader()->moveSection(TestLoss, 1);
    m_result->verticalHeader()->moveSection(MeanDepth, 2);
    m_result->setHorizontalHeaderLabels(
        {tr("Before (parent)"), tr("Pruned"), tr("After (child)"), tr("Change")});
    m_result->horizontalHeaderItem(Pruned)->setToolTip(
        tr("Right after pruning, before any fine-tuning"));
    m_result->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_result->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_result->horizontalHeader()->setSectionResizeMode(Change, QHeaderView::ResizeToContents);
    m_result->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_result->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_result->setWordWrap(false);
    pruneFitTableHeight(m_result);

    m_sweepTable->setObjectName(QStringLiteral("pruneSweepTable"));
    m_sweepTable->setColumnCount(5);
    m_sweepTable->setHorizontalHeaderLabels({tr("Amount"), tr("Child run"), tr("Sparsity"),
                                             tr("Accuracy pruned"), tr("Accuracy after")});
    m_sweepTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sweepTable->verticalHeader()->hide();
    m_sweepTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_note);
    leftLayout->addWidget(m_result);
    leftLayout->addWidget(m_sweepTable);
    leftLayout->addStretch(1);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_plot);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({3000, 2000});
    m_sweepTable->hide();
    m_plot->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    resize(1200, 700);

    connect(m_method, &QComboBox::currentIndexChanged, this, &PruneDialog::onMethodChanged);
    connect(m_sweep, &QCheckBox::toggled, m_sweepAmounts, &QWidget::setEnabled);
    connect(m_sweep, &QCheckBox::toggled, m_amount, [this](bool on) { m_amount->setEnabled(!on); });
    connect(m_start, &QPushButton::clicked, this, &PruneDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_job->cancel();
        m_cancel->setEnabled(false);
        m_status->setText(tr("Cancelling… (a fine-tuning stops after its current batch, an "
                             "evaluation when it ends, a sweep before its next amount)"));
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_job, &PruneJob::progress, this, [this](double fraction, const QString& text) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::lround(1000.0 * fraction)));
        if (m_cancel->isEnabled()) {
            m_status->setText(text);
        }
    });
    connect(m_job, &PruneJob::pruned, this, &PruneDialog::onPruned);
    connect(m_job, &PruneJob::failed, this, &PruneDialog::onFailed);
    connect(m_job, &PruneJob::finished, this, &PruneDialog::onFinished);
    applyFamily(pruneDialogFamilyOf(configJson));
}

void PruneDialog::applyFamily(mor::Family family) {
    m_family = family;
    const bool recursion = family == mor::Family::Recursion;
    const QStringList labels = {
        recursion ? tr("Test token accuracy") : tr("Test accuracy"),
        tr("Parameters"),
        tr("Non-zero parameters"),
        recursion ? tr("FLOPs per token") : tr("FLOPs per input"),
        recursion ? tr("FLOPs per token without zeros") : tr("FLOPs per input without zeros"),
        tr("Expert-steps per input"),
        recursion ? tr("Test loss (nats per token)") : tr("Test loss"),
        recursion ? tr("Mean recursion depth") : tr("Mean reflection depth")};
    for (int row = 0; row < RowCount; ++row) {
        m_result->verticalHeaderItem(row)->setText(labels[row]);
    }
    m_result->verticalHeaderItem(Flops)->setToolTip(
        recursion ? tr("An estimate per scored token: linear maps and attention of every layer, "
                       "the recursion block as often as the mean depth, head and routers")
                  : tr("The evaluator's dense estimate: multiplications by zero weights still "
                       "count"));
    m_result->verticalHeaderItem(SparseFlops)->setToolTip(
        recursion ? tr("FLOPs per token less the multiplications by zero recursion-block "
                       "weights (an estimate)")
                  : tr("FLOPs per input less the multiplications by zero expert weights (an "
                       "estimate)"));
    m_result->verticalHeaderItem(MeanDepth)->setToolTip(
        recursion ? tr("Recursions per scored test token")
                  : tr("Reflection steps per input and selected expert"));
    // A recursion run has no experts: no expert-steps row, no dead-experts method.
    m_result->setRowHidden(ExpertSteps, recursion);
    if (auto* model = qobject_cast<QStandardItemModel*>(m_method->model())) {
        QStandardItem* dead = model->item(m_method->findData(QStringLiteral("dead-experts")));
        dead->setEnabled(!recursion);
        dead->setToolTip(recursion ? tr("A recursion run has no experts to remove") : QString());
    }
    if (recursion && m_method->currentData().toString() == QLatin1String("dead-experts")) {
        m_method->setCurrentIndex(m_method->findData(QStringLiteral("magnitude")));
    }
    onMethodChanged();
    pruneFitTableHeight(m_result);
}

PruneDialog::~PruneDialog() {
    m_job->cancel();
    m_job->wait();
}

bool PruneDialog::isRunning() const {
    return m_job->isRunning();
}

void PruneDialog::onMethodChanged() {
    const QString method = m_method->currentData().toString();
    const bool depth = method == QLatin1String("depth");
    if (depth) {
        m_amountLabel->setText(tr("Maximum &depth:"));
        m_amount->setDecimals(0);
        m_amount->setRange(1, 64);
        m_amount->setSingleStep(1);
        m_amount->setValue(2);
        m_amount->setSuffix(QString());
        m_sweepAmounts->setText(QStringLiteral("1, 2, 3"));
    } else {
        m_amountLabel->setText(method == QLatin1String("dead-experts")
                                   ? tr("Activation &threshold:")
                                   : tr("&Amount (fraction):"));
        m_amount->setDecimals(3);
        m_amount->setRange(0, 1);
        m_amount->setSingleStep(0.05);
        m_amount->setValue(method == QLatin1String("dead-experts") ? 0.05 : 0.5);
        m_sweepAmounts->setText(method == QLatin1String("dead-experts")
                                    ? QStringLiteral("0, 0.02, 0.05, 0.1")
                                    : QStringLiteral("0, 0.5, 0.8, 0.9"));
    }
    const bool recursion = m_family == mor::Family::Recursion;
    if (method == QLatin1String("magnitude")) {
        m_methodHelp->setText(recursion ? tr("Zeroes the given fraction of the recursion blocks' "
                                             "weights with the smallest magnitude.")
                                        : tr("Zeroes the given fraction of all expert weights "
                                             "with the smallest magnitude."));
    } else if (method == QLatin1String("structured")) {
        m_methodHelp->setText(recursion ? tr("Removes, per feed-forward layer of the recursion "
                                             "block, the given fraction of hidden units (rows of "
                                             "smallest L2 norm, with their biases).")
                                        : tr("Removes, per expert layer, the given fraction of "
                                             "hidden units (rows of smallest L2 norm, with their "
                                             "biases)."));
    } else if (method == QLatin1String("dead-experts")) {
        m_methodHelp->setText(recursion ? tr("Not for recursion runs: they have no experts to "
                                             "remove.")
                                        : tr("Experts routed to fewer than this share of the "
                                             "validation inputs never run again (their router "
                                             "entries are masked)."));
    } else {
        m_methodHelp->setText(recursion ? tr("Caps the number of recursions: no token runs more "
                                             "than this many, in evaluation, generation and "
                                             "fine-tuning.")
                                        : tr("Caps every reflection expert's maximum depth."));
    }
}

QList<double> PruneDialog::sweepAmounts(QString* error) const {
    QList<double> amounts;
    const QLocale locale;
    for (const QString& part : m_sweepAmounts->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        double value = part.trimmed().toDouble(&ok); // "0.5" in every language
        if (!ok) {
            value = locale.toDouble(part.trimmed(), &ok);
        }
        if (!ok) {
            *error = tr("“%1” in the sweep amounts is not a number.").arg(part.trimmed());
            return {};
        }
        amounts << value;
    }
    if (amounts.isEmpty()) {
        *error = tr("Give at least one amount to sweep, e.g. 0, 0.5, 0.8, 0.9.");
    }
    return amounts;
}

bool PruneDialog::start() {
    if (m_job->isRunning()) {
        return false;
    }
    QString error;
    const QList<double> amounts =
        m_sweep->isChecked() ? sweepAmounts(&error) : QList<double>{m_amount->value()};
    if (amounts.isEmpty()) {
        m_status->setText(error);
        return false;
    }
    PruneJob::Request request;
    request.logPath = m_logPath;
    request.runId = m_runId;
    request.method = m_method->currentData().toString();
    request.amounts = amounts;
    request.finetuneSteps = m_finetune->value();
    m_outcomes.clear();
    m_error.clear();
    m_amounts = amounts;
    m_sweeping = m_sweep->isChecked();
    m_sweepTable->setRowCount(0);
    m_sweepTable->setVisible(m_sweeping);
    m_plot->setVisible(m_sweeping);
    m_plot->setPoints({}, 0.0, request.finetuneSteps > 0, request.method == QLatin1String("depth"));
    setBusy(true);
    m_status->setText(tr("Pruning…"));
    return m_job->start(request);
}

void PruneDialog::setBusy(bool busy) {
    m_start->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    for (QWidget* w : {static_cast<QWidget*>(m_method), static_cast<QWidget*>(m_finetune),
                       static_cast<QWidget*>(m_sweep)}) {
        w->setEnabled(!busy);
    }
    m_amount->setEnabled(!busy && !m_sweep->isChecked());
    m_sweepAmounts->setEnabled(!busy && m_sweep->isChecked());
    if (busy) {
        m_progress->setRange(0, 0); // busy until the first progress
    }
}

void PruneDialog::onPruned(int index, double amount, const mor::PruneOutcome& outcome) {
    Q_UNUSED(index);
    Q_UNUSED(amount);
    m_outcomes.push_back(outcome);
    Q_EMIT runCreated(outcome.runId);
    showOutcome(outcome);
    if (m_sweeping) {
        updateSweepView();
    }
}

void PruneDialog::onFailed(int index, double amount, const QString& error) {
    Q_UNUSED(index);
    Q_UNUSED(amount);
    m_error = error;
    // A fine-tuning that was cancelled or failed has left its child run in the log.
    Q_EMIT runCreated(0);
    m_status->setText(tr("Not pruned: %1").arg(error));
}

void PruneDialog::onFinished(bool cancelled) {
    setBusy(false);
    m_progress->setRange(0, 1000);
    const bool failed = !m_error.isEmpty();
    m_progress->setValue(failed || cancelled ? m_progress->value() : 1000);
    if (cancelled && !failed) {
        m_status->setText(tr("Cancelled after %n child run(s).", nullptr, int(m_outcomes.size())));
    } else if (!failed) {
        m_status->setText(tr("Done: %n child run(s) written to the log.", nullptr,
                             int(m_outcomes.size())));
    }
    Q_EMIT done(cancelled);
}

void PruneDialog::showOutcome(const mor::PruneOutcome& o) {
    if (o.family != m_family) {
        applyFamily(o.family);
    }
    const mor::PruneMeasure* measures[] = {&o.before, &o.pruned, &o.after};
    for (int row = 0; row < RowCount; ++row) {
        for (int column = Before; column <= After; ++column) {
            auto* item = new QTableWidgetItem(
                pruneValueText(row, pruneMeasureValue(*measures[column], row)));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_result->setItem(row, column, item);
        }
        auto* change = new QTableWidgetItem(pruneChangeText(
            row, pruneMeasureValue(o.before, row), pruneMeasureValue(o.after, row)));
        change->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_result->setItem(row, Change, change);
    }
    m_result->horizontalHeaderItem(Before)->setText(tr("Before (#%1)").arg(o.parentId));
    m_result->horizontalHeaderItem(After)->setText(tr("After (#%1)").arg(o.runId));
    QString note = tr("Child run #%1: %2.").arg(o.runId).arg(QString::fromStdString(o.note));
    if (o.candidates > 0) {
        const QString sparsity =
            QLocale().toString(100.0 * double(o.prunedEntries) / double(o.candidates), 'f', 1);
        note += QLatin1Char(' ') +
                (o.family == mor::Family::Recursion
                     ? tr("Sparsity of the recursion-block weights %1 %.").arg(sparsity)
                     : tr("Sparsity of the expert weights %1 %.").arg(sparsity));
    }
    if (o.finetuneSteps > 0) {
        note += QLatin1Char(' ') + tr("Fine-tuned for %n step(s).", nullptr, int(o.finetuneSteps));
    }
    m_note->setText(note);
    pruneFitTableHeight(m_result);
}

void PruneDialog::updateSweepView() {
    QVector<PrunePlot::Point> points;
    const bool depth = m_method->currentData().toString() == QLatin1String("depth");
    m_sweepTable->setRowCount(0);
    double parentAccuracy = 0.0;
    bool fineTuned = false;
    const QLocale locale;
    for (size_t i = 0; i < m_outcomes.size(); ++i) {
        const mor::PruneOutcome& o = m_outcomes[i];
        const double amount = i < size_t(m_amounts.size()) ? m_amounts[int(i)] : 0.0;
        const double sparsity =
            o.candidates > 0 ? 100.0 * double(o.prunedEntries) / double(o.candidates) : 0.0;
        PrunePlot::Point p;
        p.x = depth ? amount : sparsity;
        p.pruned = 100.0 * o.pruned.testAccuracy;
        p.after = 100.0 * o.after.testAccuracy;
        p.runId = o.runId;
        points << p;
        parentAccuracy = 100.0 * o.before.testAccuracy;
        fineTuned = fineTuned || o.finetuneSteps > 0;
        const int row = m_sweepTable->rowCount();
        m_sweepTable->insertRow(row);
        const QStringList cells = {locale.toString(amount), QStringLiteral("#%1").arg(o.runId),
                                   locale.toString(sparsity, 'f', 1) + QStringLiteral(" %"),
                                   locale.toString(p.pruned, 'f', 2) + QStringLiteral(" %"),
                                   locale.toString(p.after, 'f', 2) + QStringLiteral(" %")};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_sweepTable->setItem(row, c, item);
        }
    }
    pruneFitTableHeight(m_sweepTable);
    m_plot->setPoints(points, parentAccuracy, fineTuned, depth);
}

} // namespace shell
