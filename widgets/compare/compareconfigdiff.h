#pragma once
// The Compare view's config diff: one row per config leaf (dotted path), one column per run.
// "Differences only" hides the rows where every run has the same value.
#include <QWidget>

#include <string>
#include <vector>

class QCheckBox;
class QTableWidget;

namespace compare {

class CompareConfigDiff : public QWidget {
    Q_OBJECT
public:
    explicit CompareConfigDiff(QWidget* parent = nullptr);

    /// One column per run: its title and its config JSON.
    void setConfigs(const QStringList& titles, const std::vector<std::string>& configJsons);
    void setDifferencesOnly(bool on);
    bool differencesOnly() const;
    /// Rows shown (all leaves, or only the differing ones).
    int visibleRowCount() const;
    /// Leaf paths of the rows shown, top to bottom.
    QStringList visibleLeaves() const;
    QTableWidget* table() const { return m_table; }

Q_SIGNALS:
    /// The user (or setDifferencesOnly()) switched the filter.
    void differencesOnlyChanged(bool on);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyFilter();
    void retranslateUi();

    QCheckBox* m_differencesOnly;
    QTableWidget* m_table;
    QList<bool> m_differs;
};

} // namespace compare
