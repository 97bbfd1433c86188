// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/servingdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <set>

namespace shell {

namespace {

QString servingPercentText(double fraction) {
    return std::isfinite(fraction) ? QLocale().toString(100.0 * fraction, 'f', 1) +
                                         QStringLiteral(" %")
                                   : QStringLiteral("–");
}

QString servingMsText(double seconds) {
    return std::isfinite(seconds) ? QLocale().toString(1000.0 * seconds, 'f', 2) +
                                        QStringLiteral(" ms")
                                  : QStringLiteral("–");
}

QString servingPValueText(double p) {
    if (!std::isfinite(p)) {
        return QStringLiteral("–");
    }
    return p < 1e-4 ? QLocale().toString(p, 'e', 1) : QLocale().toString(p, 'f', 4);
}

} // namespace

ServingDialog::ServingDialog(const QString& logPath, qint64 runId, QWidget* parent)
    : QDialog(parent), m_logPath(logPath), m_runId(runId), m_summary(new QLabel(this)),
      m_table(new QTableWidget(this)), m_tests(new QLabel(this)) {
    setObjectName(QStringLiteral("servingDialog"));
    setWindowTitle(tr("Serving records of run %1").arg(runId));
    m_summary->setObjectName(QStringLiteral("servingSummary"));
    m_summary->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("servingTable"));
    m_table->setColumnCount(ColumnCount);
    m_table->setHorizontalHeaderLabels(
        {tr("Session"), tr("Variant"), tr("Run"), tr("Share"), tr("Requests"), tr("Inputs"),
         tr("Labelled"), tr("Accuracy"), tr("Latency median"), tr("Latency p95"),
         tr("Latency mean"), tr("Shadow agreement")});
    m_table->horizontalHeaderItem(LatencyMedian)
        ->setToolTip(tr("Per request, from the latency histogram (linear within a bucket)"));
    m_table->horizontalHeaderItem(LatencyP95)
        ->setToolTip(tr("95th percentile per request, from the latency histogram"));
    m_table->horizontalHeaderItem(Accuracy)
        ->setToolTip(tr("Correct answers among the inputs that were sent with a label"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_tests->setObjectName(QStringLiteral("servingTests"));
    m_tests->setWordWrap(true);
    m_tests->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("&Close")); // Qt's catalogue is absent
    QPushButton* reloadButton = buttons->addButton(tr("&Reload"), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(reloadButton, &QPushButton::clicked, this, &ServingDialog::reload);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_tests);
    layout->addWidget(buttons);
    resize(1180, 380);
    reload();
}

void ServingDialog::reload() {
    m_records.clear();
    std::vector<mor::ServingRecord> all;
    std::string error;
    if (!mor::readServingRecords(m_logPath.toStdString(), -1, &all, &error)) {
        m_summary->setText(tr("The serving records could not be read: %1")
                               .arg(QString::fromStdString(error)));
        m_table->setRowCount(0);
        m_table->hide();
        m_tests->clear();
        m_comparisons.clear();
        return;
    }
    // Every variant of each session that served this run: the other variant is what it was
    // compared with.
    std::set<std::string> sessions;
    for (const mor::ServingRecord& r : all) {
        if (r.runId == m_runId) {
            sessions.insert(r.session);
        }
    }
    for (mor::ServingRecord& r : all) {
        if (sessions.count(r.session)) {
            m_records.push_back(std::move(r));
        }
    }
    if (m_records.empty()) {
        m_summary->setText(tr("No serving records for run %1: it has not been served with "
                              "`mor serve --log` yet.")
                               .arg(m_runId));
    } else {
        m_summary->setText(tr("Run %1 was served in %n session(s); every variant of those "
                              "sessions is listed. Latencies per request.",
                              nullptr, int(sessions.size()))
                               .arg(m_runId));
    }
    m_table->setVisible(!m_records.empty());
    fillTable();
    fillTests();
}

void ServingDialog::fillTable() {
    m_table->setRowCount(int(m_records.size()));
    for (int row = 0; row < int(m_records.size()); ++row) {
        const mor::ServingRecord& r = m_records[size_t(row)];
        const auto set = [this, row](int column, const QString& text, bool number = true) {
            auto* item = new QTableWidgetItem(text);
            if (number) {
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            m_table->setItem(row, column, item);
        };
        const QLocale locale;
        set(Session, QString::fromStdString(r.session), false);
        set(Variant, QString::fromStdString(r.variant) + (r.shadow ? tr(" (shadow mode)") : ""),
            false);
        set(Run, QStringLiteral("#%1").arg(r.runId));
        set(Share, locale.toString(r.share));
        set(Requests, locale.toString(r.requests));
        set(Inputs, locale.toString(r.inputs));
        set(Labelled, locale.toString(r.labelled));
        set(Accuracy, r.labelled > 0 ? servingPercentText(double(r.correct) / double(r.labelled))
                                     : tr("no labels"));
        set(LatencyMedian,
            servingMsText(serving::servingHistogramQuantile(r.latencyBounds, r.latencyCounts, 0.5)));
        set(LatencyP95, servingMsText(serving::servingHistogramQuantile(r.latencyBounds,
                                                                        r.latencyCounts, 0.95)));
        set(LatencyMean, r.requests > 0 ? servingMsText(r.latencySum / double(r.requests))
                                        : QStringLiteral("–"));
        set(ShadowAgreement,
            r.shadowInputs > 0
                ? servingPercentText(double(r.shadowAgreeing) / double(r.shadowInputs))
                : QStringLiteral("–"));
    }
}

void ServingDialog::fillTests() {
    m_comparisons.clear();
    // Each session's labelled variants in order: the first against each of the others.
    std::vector<std::string> order;
    for (const mor::ServingRecord& r : m_records) {
        if (std::find(order.begin(), order.end(), r.session) == order.end()) {
            order.push_back(r.session);
        }
    }
    QStringList lines;
    for (const std::string& session : order) {
        std::vector<const mor::ServingRecord*> labelled;
        for (const mor::ServingRecord& r : m_records) {
            if (r.session == session && r.labelled > 0) {
                labelled.push_back(&r);
            }
        }
        for (size_t i = 1; i < labelled.size(); ++i) {
            const mor::ServingRecord& a = *labelled.front();
            const mor::ServingRecord& b = *labelled[i];
            Comparison c;
            c.session = QString::fromStdString(session);
            c.variantA = QString::fromStdString(a.variant);
            c.variantB = QString::fromStdString(b.variant);
            c.correctA = a.correct;
            c.labelledA = a.labelled;
            c.correctB = b.correct;
            c.labelledB = b.labelled;
            c.test = serving::servingProportionTest(a.correct, a.labelled, b.correct, b.labelled);
            m_comparisons.push_back(c);
            const double p = std::isfinite(c.test.pZ) ? c.test.pZ : c.test.pFisher;
            lines << tr("<b>%1</b>: %2 (#%3) %4 of %5 correct (%6) vs %7 (#%8) %9 of %10 "
                        "correct (%11); difference %12 points; two-proportion z-test z = %13, "
                        "p = %14; Fisher's exact test p = %15: %16")
                         .arg(c.session.toHtmlEscaped(), c.variantA.toHtmlEscaped())
                         .arg(a.runId)
                         .arg(a.correct)
                         .arg(a.labelled)
                         .arg(servingPercentText(c.test.p1), c.variantB.toHtmlEscaped())
                         .arg(b.runId)
                         .arg(b.correct)
                         .arg(b.labelled)
                         .arg(servingPercentText(c.test.p2),
                              QLocale().toString(100.0 * (c.test.p1 - c.test.p2), 'f', 1),
                              std::isfinite(c.test.z) ? QLocale().toString(c.test.z, 'f', 3)
                                                      : QStringLiteral("–"),
                              servingPValueText(c.test.pZ), servingPValueText(c.test.pFisher),
                              p < 0.05 ? tr("significant at the 5% level")
                                       : tr("not significant at the 5% level"));
        }
    }
    if (lines.isEmpty() && !m_records.empty()) {
        lines << tr("No significance test: it needs two variants of one session with labelled "
                    "requests (send a \"label\" with the inputs).");
    }
    m_tests->setText(lines.join(QStringLiteral("<br>")));
}

} // namespace shell
