#include "compare/compareconfigdiff.h"

#include "mor/config.h"

#include <QCheckBox>
#include <QEvent>
#include <QHeaderView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace compare {

CompareConfigDiff::CompareConfigDiff(QWidget* parent)
    : QWidget(parent), m_differencesOnly(new QCheckBox(this)), m_table(new QTableWidget(this)) {
    setObjectName(QStringLiteral("compareConfigDiff"));
    m_differencesOnly->setObjectName(QStringLiteral("differencesOnly"));
    m_differencesOnly->setChecked(true);
    m_table->setObjectName(QStringLiteral("configDiffTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_differencesOnly);
    layout->addWidget(m_table, 1);
    connect(m_differencesOnly, &QCheckBox::toggled, this, &CompareConfigDiff::applyFilter);
    connect(m_differencesOnly, &QCheckBox::toggled, this,
            &CompareConfigDiff::differencesOnlyChanged);
    retranslateUi();
}

void CompareConfigDiff::setConfigs(const QStringList& titles,
                                   const std::vector<std::string>& configJsons) {
    // Rows in the order leaves first appear, so related fields stay together.
    std::vector<std::string> leaves;
    std::vector<std::map<std::string, std::string>> values(configJsons.size());
    for (size_t run = 0; run < configJsons.size(); ++run) {
        for (auto& [path, value] : mor::flattenConfigJson(configJsons[run])) {
            if (values[run].emplace(path, value).second &&
                std::find(leaves.begin(), leaves.end(), path) == leaves.end()) {
                leaves.push_back(path);
            }
        }
    }
    m_table->clear();
    m_table->setColumnCount(static_cast<int>(configJsons.size()));
    m_table->setRowCount(static_cast<int>(leaves.size()));
    m_table->setHorizontalHeaderLabels(titles);
    m_differs.clear();
    QFont bold = m_table->font();
    bold.setBold(true);
    for (int row = 0; row < static_cast<int>(leaves.size()); ++row) {
        const std::string& path = leaves[row];
        m_table->setVerticalHeaderItem(row, new QTableWidgetItem(QString::fromStdString(path)));
        bool differs = false;
        for (size_t run = 0; run < values.size(); ++run) {
            const auto it = values[run].find(path);
            // A leaf one run lacks counts as a difference (older config versions).
            const QString text =
                it == values[run].end() ? QStringLiteral("—") : QString::fromStdString(it->second);
            m_table->setItem(row, static_cast<int>(run), new QTableWidgetItem(text));
            if (run > 0 && text != m_table->item(row, 0)->text()) {
                differs = true;
            }
        }
        m_differs << differs;
        if (differs) {
            m_table->verticalHeaderItem(row)->setFont(bold);
            for (int c = 0; c < m_table->columnCount(); ++c) {
                m_table->item(row, c)->setFont(bold);
            }
        }
    }
    applyFilter();
}

void CompareConfigDiff::setDifferencesOnly(bool on) {
    m_differencesOnly->setChecked(on);
}

bool CompareConfigDiff::differencesOnly() const {
    return m_differencesOnly->isChecked();
}

void CompareConfigDiff::applyFilter() {
    const bool only = m_differencesOnly->isChecked();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        m_table->setRowHidden(row, only && !m_differs.value(row));
    }
}

int CompareConfigDiff::visibleRowCount() const {
    return static_cast<int>(visibleLeaves().size());
}

QStringList CompareConfigDiff::visibleLeaves() const {
    QStringList leaves;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (!m_table->isRowHidden(row)) {
            leaves << m_table->verticalHeaderItem(row)->text();
        }
    }
    return leaves;
}

void CompareConfigDiff::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void CompareConfigDiff::retranslateUi() {
    m_differencesOnly->setText(tr("Differences only"));
}

} // namespace compare
