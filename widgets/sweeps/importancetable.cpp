// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/importancetable.h"

#include "sweeps/sweepstats.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace sweeps {

namespace {
QString cell(double v, int decimals) {
    if (std::isinf(v)) {
        return QStringLiteral("∞");
    }
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—");
}
} // namespace

ImportanceTable::ImportanceTable(QWidget* parent)
    : QWidget(parent), m_resultLabel(new QLabel(this)), m_result(new QComboBox(this)),
      m_table(new QTableWidget(this)), m_note(new QLabel(this)) {
    setObjectName(QStringLiteral("sweepImportance"));
    m_result->setObjectName(QStringLiteral("importanceResult"));
    for (int r = 0; r < ResultCount; ++r) {
        m_result->addItem(QString(), r);
    }
    m_table->setObjectName(QStringLiteral("importanceTable"));
    m_table->setColumnCount(5);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_note->setWordWrap(true);
    m_note->setObjectName(QStringLiteral("importanceNote"));
    auto* top = new QHBoxLayout;
    top->addWidget(m_resultLabel);
    top->addWidget(m_result, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_note);
    connect(m_result, &QComboBox::currentIndexChanged, this, &ImportanceTable::rebuild);
    retranslateUi();
}

void ImportanceTable::setData(const SweepData& data) {
    m_data = data;
    retranslateUi(); // the FLOPs' unit (per input or per token) is the sweep's; rebuilds
}

void ImportanceTable::setResult(Result result) {
    m_result->setCurrentIndex(int(result));
}

Result ImportanceTable::result() const {
    return Result(std::max(0, m_result->currentIndex()));
}

void ImportanceTable::rebuild() {
    const Result r = result();
    struct Row {
        QString key;
        Importance importance;
    };
    QList<Row> rows;
    std::vector<double> results;
    for (const RunRow& run : m_data.runs) {
        results.push_back(run.results[r]);
    }
    for (int p = 0; p < m_data.paramKeys.size(); ++p) {
        std::vector<std::string> levels;
        for (const RunRow& run : m_data.runs) {
            levels.push_back(run.params.value(p).toStdString());
        }
        rows << Row{m_data.paramKeys[p], parameterImportance(levels, results)};
    }
    // Most explained variance first; parameters with no estimate last.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        const double x = a.importance.etaSquared, y = b.importance.etaSquared;
        return std::isfinite(x) && (!std::isfinite(y) || x > y);
    });
    m_table->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const Importance& imp = rows[i].importance;
        const QString texts[] = {rows[i].key, QString::number(imp.levels),
                                 cell(imp.correlation, 2), cell(imp.etaSquared, 2),
                                 cell(imp.f, 1)};
        for (int c = 0; c < 5; ++c) {
            auto* item = new QTableWidgetItem(texts[c]);
            if (c > 0) {
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            m_table->setItem(i, c, item);
        }
    }
    int n = 0;
    for (double v : results) {
        n += std::isfinite(v) ? 1 : 0;
    }
    m_note->setText(tr("%n run(s). η²: share of the variance explained (one-way ANOVA); "
                       "r: Pearson's correlation.",
                       nullptr, n));
    m_note->setToolTip(tr("η² = SS between the parameter's values / SS total, F its one-way "
                          "ANOVA statistic; r is Pearson's correlation for numeric "
                          "parameters (— for others)."));
}

void ImportanceTable::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void ImportanceTable::retranslateUi() {
    m_resultLabel->setText(tr("Importance for:"));
    const QString names[ResultCount] = {tr("test accuracy"), tr("expert-steps per input"),
                                        flopsName(m_data.perToken, false), tr("time per input")};
    for (int r = 0; r < ResultCount; ++r) {
        m_result->setItemText(r, names[r]);
    }
    m_table->setHorizontalHeaderLabels(
        {tr("Parameter"), tr("Values"), tr("r"), tr("η²"), tr("F")});
    rebuild();
}

} // namespace sweeps
