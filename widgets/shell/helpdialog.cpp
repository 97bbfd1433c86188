#include "shell/helpdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QEvent>
#include <QHeaderView>
#include <QKeySequence>
#include <QMenu>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace shell {

HelpDialog::HelpDialog(QWidget* actionsOf, Page page, QWidget* parent)
    : QDialog(parent), m_actionsOf(actionsOf) {
    setObjectName(QStringLiteral("helpDialog"));
    auto* layout = new QVBoxLayout(this);
    m_pages = new QTabWidget(this);
    m_manual = new QTextBrowser(m_pages);
    m_manual->setObjectName(QStringLiteral("manual"));
    m_manual->setOpenExternalLinks(false);
    m_shortcuts = new QTableWidget(0, 2, m_pages);
    m_shortcuts->setObjectName(QStringLiteral("shortcuts"));
    m_shortcuts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_shortcuts->verticalHeader()->hide();
    m_shortcuts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_shortcuts->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_pages->addTab(m_manual, QString());
    m_pages->addTab(m_shortcuts, QString());
    m_pages->setCurrentIndex(page == Shortcuts ? 1 : 0);
    layout->addWidget(m_pages);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    // Qt's own German catalogue is not installed: the standard button is named by us.
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("helpClose"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 560);
    retranslateUi();
}

QString HelpDialog::manualHtml() {
    return tr(
        "<h2>MoR Studio in short</h2>"
        "<p>A Mixture-of-Reflection model sends each input to a few experts (the router); "
        "each expert drafts an answer, scores its own draft and refines it for a few steps; "
        "the answers are fused by confidence, and disagreements are detected as conflicts. "
        "Recursion models do the same per token of a text.</p>"
        "<h3>A first experiment</h3>"
        "<ol><li><b>Setup</b>: pick a demo (File › Demos) or keep the new experiment's "
        "defaults; choose the model family (reflection or recursion) under <b>Model</b>; "
        "the form checks every value as you type.</li>"
        "<li>Press <b>Start training</b> (Ctrl+Return). The <b>Training</b> view shows loss "
        "and accuracy live; Pause and Stop work between batches.</li>"
        "<li><b>Reflection stepper</b>: pick an input and step through every expert's drafts "
        "and self-critique scores.</li>"
        "<li><b>Routing</b> and <b>Conflicts</b>: which expert takes which inputs, and where "
        "experts disagree.</li>"
        "<li><b>Compare</b>: select several runs in the run browser (Ctrl+click) to see their "
        "curves and settings side by side.</li></ol>"
        "<h3>Views</h3>"
        "<p><b>Sequence</b> appears for recursion models: each token with its recursion depth "
        "(with Mixture-of-Depths, the blocks it used); type your own text to trace it, or press "
        "<b>Generate</b> to continue it. <b>Playground</b> trains a small model on 2-D points "
        "and paints its decisions live.</p>"
        "<h3>Runs and files</h3>"
        "<p>Every run goes into one experiment log (a SQLite file); runs written by the "
        "command-line tool <tt>mor</tt> on another machine open here unchanged. Right-click a "
        "run to rename, tag, resume or load its settings into Setup. Plots export as PNG, SVG "
        "or PDF from their context menu; File › Export saves metrics and traces as CSV.</p>"
        "<p>The README of the project describes every setting and command in full.</p>");
}

void HelpDialog::fillShortcuts() {
    struct Row {
        QString what;
        QKeySequence keys;
    };
    QList<Row> rows;
    QList<QAction*> actions = m_actionsOf ? m_actionsOf->findChildren<QAction*>() : QList<QAction*>{};
    for (QAction* a : actions) {
        if (a->shortcut().isEmpty() || a->text().isEmpty()) {
            continue;
        }
        const QString what = a->text().remove(QLatin1Char('&'));
        const bool seen = std::any_of(rows.begin(), rows.end(), [&](const Row& r) {
            return r.what == what && r.keys == a->shortcut();
        });
        if (!seen) {
            rows.append({what, a->shortcut()});
        }
    }
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.what.localeAwareCompare(b.what) < 0; });
    m_shortcuts->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        m_shortcuts->setItem(i, 0, new QTableWidgetItem(rows[i].what));
        m_shortcuts->setItem(
            i, 1, new QTableWidgetItem(rows[i].keys.toString(QKeySequence::NativeText)));
    }
}

void HelpDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QDialog::changeEvent(event);
}

void HelpDialog::retranslateUi() {
    setWindowTitle(tr("MoR Studio help"));
    if (auto* close = findChild<QPushButton*>(QStringLiteral("helpClose"))) {
        close->setText(tr("&Close"));
    }
    m_pages->setTabText(0, tr("Manual"));
    m_pages->setTabText(1, tr("Keyboard shortcuts"));
    m_shortcuts->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    m_manual->setHtml(manualHtml());
    fillShortcuts();
}

} // namespace shell
