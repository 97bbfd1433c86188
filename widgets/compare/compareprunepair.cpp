// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/compareprunepair.h"

#include "compare/compareread.h"

#include <QEvent>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <string>

namespace compare {

namespace {

const char* const kComparePruneKeys[ComparePrunePair::RowCount] = {
    "test_accuracy",  "parameters",           "nonzero_parameters",
    "flops_per_input", "sparse_flops_per_input", "expert_steps_per_input",
    "test_loss",       "mean_depth"};

/// model.family of a run's logged config is "recursion".
bool comparePruneIsRecursion(const mor::RunSummary& run) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(run.configJson))
               .object()
               .value(QStringLiteral("model"))
               .toObject()
               .value(QStringLiteral("family"))
               .toString() == QLatin1String("recursion");
}

QString comparePruneText(int row, double value) {
    if (!std::isfinite(value)) {
        return QStringLiteral("–");
    }
    const QLocale locale;
    if (row == ComparePrunePair::TestAccuracy) {
        return locale.toString(value, 'f', 2) + QStringLiteral(" %");
    }
    if (row == ComparePrunePair::TestLoss) {
        return locale.toString(value, 'f', 4);
    }
    return row == ComparePrunePair::ExpertSteps || row == ComparePrunePair::MeanDepth
               ? locale.toString(value, 'f', 3)
               : locale.toString(value, 'f', 0);
}

} // namespace

ComparePrunePair::ComparePrunePair(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_table(new QTableWidget(this)) {
    setObjectName(QStringLiteral("comparePrune"));
    m_title->setObjectName(QStringLiteral("comparePruneTitle"));
    m_title->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("comparePruneTable"));
    m_table->setRowCount(RowCount);
    m_table->setColumnCount(ColumnCount);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->moveSection(TestLoss, 1);
    m_table->verticalHeader()->moveSection(MeanDepth, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_table);
    layout->addStretch(1);
    for (auto& row : m_values) {
        row[0] = row[1] = std::nan("");
    }
    retranslateUi();
}

qint64 ComparePrunePair::parentOf(const mor::RunSummary& run) {
    static const std::string prefix = "pruned-from:";
    for (const std::string& tag : run.tags) {
        if (tag.rfind(prefix, 0) == 0) {
            bool ok = false;
            const qint64 id = QString::fromStdString(tag.substr(prefix.size())).toLongLong(&ok);
            if (ok) {
                return id;
            }
        }
    }
    return -1;
}

void ComparePrunePair::setPair(const PrunePairRead& pair) {
    m_child = m_parent = -1;
    m_recursion = false;
    m_childName.clear();
    m_parentName.clear();
    m_how.clear();
    for (auto& row : m_values) {
        row[0] = row[1] = std::nan("");
    }
    if (pair.child >= 0 && pair.childRun) {
        const mor::RunSummary& run = *pair.childRun;
        m_child = pair.child;
        m_parent = pair.parent;
        m_childName = QString::fromStdString(run.name);
        m_recursion = comparePruneIsRecursion(run);
        for (const std::string& tag : run.tags) {
            if (tag.rfind("prune:", 0) == 0) {
                // "prune:magnitude:0.5" reads "magnitude 0.5"
                m_how = QString::fromStdString(tag.substr(6)).replace(QLatin1Char(':'),
                                                                      QLatin1Char(' '));
            }
        }
        m_parentName = pair.parentName;
        const std::map<std::string, double>& metrics = pair.childMetrics;
        for (int row = 0; row < RowCount; ++row) {
            for (int side = 0; side < 2; ++side) {
                const auto it = metrics.find(std::string(side == 0 ? "prune/before/"
                                                                   : "prune/after/") +
                                             kComparePruneKeys[row]);
                if (it != metrics.end()) {
                    m_values[row][side] =
                        row == TestAccuracy ? 100.0 * it->second : it->second;
                }
            }
        }
    }
    for (int row = 0; row < RowCount; ++row) {
        const double before = m_values[row][0], after = m_values[row][1];
        const double change = after - before;
        QString changeText = comparePruneText(row, change);
        if (std::isfinite(change) && change > 0) {
            changeText.prepend(QLatin1Char('+'));
        }
        if (row != TestAccuracy && std::isfinite(change) && before != 0.0) {
            changeText += QStringLiteral(" (%1%2 %)")
                              .arg(change > 0 ? QStringLiteral("+") : QString(),
                                   QLocale().toString(100.0 * change / before, 'f', 1));
        }
        if (row == TestAccuracy && std::isfinite(change)) {
            changeText = (change > 0 ? QStringLiteral("+") : QString()) +
                         QLocale().toString(change, 'f', 2) + tr(" pt");
        }
        const QString texts[ColumnCount] = {comparePruneText(row, before),
                                            comparePruneText(row, after), changeText};
        for (int column = 0; column < ColumnCount; ++column) {
            auto* item = new QTableWidgetItem(texts[column]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
        }
    }
    retranslateUi();
    m_table->resizeRowsToContents();
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() +
                            m_table->verticalHeader()->length() + 2 * m_table->frameWidth());
}

double ComparePrunePair::value(int row, int column) const {
    if (row < 0 || row >= RowCount || column < 0 || column >= ColumnCount) {
        return std::nan("");
    }
    return column == Change ? m_values[row][1] - m_values[row][0] : m_values[row][column];
}

void ComparePrunePair::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void ComparePrunePair::retranslateUi() {
    m_table->setVerticalHeaderLabels(
        {m_recursion ? tr("Test token accuracy") : tr("Test accuracy"), tr("Parameters"),
         tr("Non-zero parameters"), m_recursion ? tr("FLOPs per token") : tr("FLOPs per input"),
         m_recursion ? tr("FLOPs per token without zeros") : tr("FLOPs per input without zeros"),
         tr("Expert-steps per input"),
         m_recursion ? tr("Test loss (nats per token)") : tr("Test loss"),
         m_recursion ? tr("Mean recursion depth") : tr("Mean reflection depth")});
    // A recursion run has no experts; a run pruned before loss and depth were logged shows
    // those rows empty ("–").
    m_table->setRowHidden(ExpertSteps, m_recursion);
    if (m_child < 0) {
        m_table->setHorizontalHeaderLabels({tr("Before"), tr("After"), tr("Change")});
        m_title->setText(tr("No pruned run among the compared runs. Prune a run (Runs → "
                            "right-click → Prune…), then select the pruned run: Compare offers "
                            "“Compare with parent”."));
        m_table->hide();
        return;
    }
    m_table->show();
    m_table->setHorizontalHeaderLabels({tr("Before: parent #%1").arg(m_parent),
                                        tr("After: pruned #%1").arg(m_child), tr("Change")});
    m_title->setText(tr("<b>%1</b> (#%2) pruned from <b>%3</b> (#%4) by %5, measured on the "
                        "test split by <code>mor prune</code>.")
                         .arg(m_childName.toHtmlEscaped())
                         .arg(m_child)
                         .arg(m_parentName.isEmpty() ? tr("a deleted run")
                                                     : m_parentName.toHtmlEscaped())
                         .arg(m_parent)
                         .arg(m_how.isEmpty() ? tr("an unknown method") : m_how.toHtmlEscaped()));
}

} // namespace compare
