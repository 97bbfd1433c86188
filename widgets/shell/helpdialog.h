#pragma once
// Help inside the app: a short manual (what each view is for, a first experiment in five
// steps) and the keyboard shortcuts, read from the window's own actions so the list never
// goes stale.
#include <QDialog>

class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace shell {

class HelpDialog : public QDialog {
    Q_OBJECT
public:
    enum Page { Manual, Shortcuts };
    /// `actionsOf`: the window whose actions (menus, toolbar) are listed as shortcuts.
    HelpDialog(QWidget* actionsOf, Page page, QWidget* parent = nullptr);

    QTabWidget* pages() const { return m_pages; }
    QTableWidget* shortcutTable() const { return m_shortcuts; }

    /// The manual as HTML in the current language.
    static QString manualHtml();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillShortcuts();

    QWidget* m_actionsOf;
    QTabWidget* m_pages;
    QTextBrowser* m_manual;
    QTableWidget* m_shortcuts;
};

} // namespace shell
