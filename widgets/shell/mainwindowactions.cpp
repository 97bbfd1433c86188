#include "shell/mainwindowactions.h"

#include "shell/languagemanager.h"

#include <QAction>
#include <QActionGroup>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

namespace shell {

MainWindowActions::MainWindowActions(QMainWindow* window, QUndoStack* undoStack)
    : QObject(window), m_window(window) {
    QStyle* style = window->style();
    auto make = [this](QKeySequence shortcut, const QIcon& icon = {}) {
        auto* action = new QAction(icon, QString(), m_window);
        if (!shortcut.isEmpty()) {
            action->setShortcut(shortcut);
        }
        return action;
    };
    newExperiment = make(QKeySequence::New, style->standardIcon(QStyle::SP_FileIcon));
    openLog = make(QKeySequence::Open, style->standardIcon(QStyle::SP_DialogOpenButton));
    savePreset = make(QKeySequence::Save, style->standardIcon(QStyle::SP_DialogSaveButton));
    loadPreset = make(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    exportPlots = make(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportMetrics = make({});
    exportTraces = make({});
    copyFigure = make(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    exportMetrics->setObjectName(QStringLiteral("exportMetricsAction"));
    exportTraces->setObjectName(QStringLiteral("exportTracesAction"));
    copyFigure->setObjectName(QStringLiteral("copyFigureAction"));
    quit = make(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    undo = undoStack->createUndoAction(this);
    undo->setShortcut(QKeySequence::Undo);
    redo = undoStack->createRedoAction(this);
    redo->setShortcut(QKeySequence::Redo);
    start =
        make(QKeySequence(Qt::CTRL | Qt::Key_Return), style->standardIcon(QStyle::SP_MediaPlay));
    pause = make(QKeySequence(Qt::CTRL | Qt::Key_P), style->standardIcon(QStyle::SP_MediaPause));
    stop = make(QKeySequence(Qt::CTRL | Qt::Key_Period), style->standardIcon(QStyle::SP_MediaStop));
    lightTheme = make({});
    darkTheme = make({});
    auto* themes = new QActionGroup(this);
    for (QAction* a : {lightTheme, darkTheme}) {
        a->setCheckable(true);
        themes->addAction(a);
    }
    presentation = make(QKeySequence(Qt::Key_F5));
    presentation->setCheckable(true);
    manual = make(QKeySequence::HelpContents);
    shortcuts = make(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    about = make({});
    about->setMenuRole(QAction::AboutRole);
    aboutQt = make({});
    aboutQt->setMenuRole(QAction::AboutQtRole);
    for (int i = 0; i < 6; ++i) {
        viewTabs << make(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }
    auto* languageGroup = new QActionGroup(this);
    for (const QString& code : LanguageManager::available()) {
        QAction* a = make({});
        a->setText(LanguageManager::displayName(code));
        a->setData(code);
        a->setCheckable(true);
        languageGroup->addAction(a);
        languages << a;
    }

    QMenuBar* bar = window->menuBar();
    m_file = bar->addMenu(QString());
    m_file->addAction(newExperiment);
    m_file->addAction(openLog);
    m_recent = m_file->addMenu(QString());
    m_demos = m_file->addMenu(QString());
    m_file->addSeparator();
    m_file->addAction(loadPreset);
    m_file->addAction(savePreset);
    m_file->addSeparator();
    m_file->addAction(exportPlots);
    m_file->addAction(exportMetrics);
    m_file->addAction(exportTraces);
    m_file->addSeparator();
    m_file->addAction(quit);
    m_edit = bar->addMenu(QString());
    m_edit->addAction(undo);
    m_edit->addAction(redo);
    m_edit->addSeparator();
    m_edit->addAction(copyFigure);
    m_view = bar->addMenu(QString());
    for (QAction* a : viewTabs) {
        m_view->addAction(a);
    }
    m_view->addSeparator();
    m_docks = m_view->addMenu(QString());
    m_theme = m_view->addMenu(QString());
    m_theme->addAction(lightTheme);
    m_theme->addAction(darkTheme);
    m_language = m_view->addMenu(QString());
    m_language->addActions(languages);
    m_view->addAction(presentation);
    m_run = bar->addMenu(QString());
    m_run->addAction(start);
    m_run->addAction(pause);
    m_run->addAction(stop);
    m_help = bar->addMenu(QString());
    m_help->addAction(manual);
    m_help->addAction(shortcuts);
    m_help->addSeparator();
    m_help->addAction(about);
    m_help->addAction(aboutQt);

    m_toolbar = window->addToolBar(QString());
    m_toolbar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->addAction(newExperiment);
    m_toolbar->addAction(openLog);
    m_toolbar->addAction(savePreset);
    m_toolbar->addSeparator();
    m_toolbar->addAction(start);
    m_toolbar->addAction(pause);
    m_toolbar->addAction(stop);
    m_docks->addAction(m_toolbar->toggleViewAction());
    retranslate();
}

void MainWindowActions::addDockToggle(QAction* toggle) {
    m_docks->addAction(toggle);
}

void MainWindowActions::setRecentLogs(const QStringList& paths) {
    m_recentPaths = paths;
    m_recent->clear();
    int n = 0;
    for (const QString& path : paths) {
        ++n;
        QAction* a =
            m_recent->addAction(QStringLiteral("&%1 %2").arg(n).arg(QFileInfo(path).fileName()));
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, path] { Q_EMIT recentLogTriggered(path); });
    }
    m_recent->setEnabled(!paths.isEmpty());
}

void MainWindowActions::setDemos(const QStringList& names, const QStringList& descriptions) {
    m_demos->clear();
    for (int i = 0; i < names.size(); ++i) {
        const QString name = names[i];
        QAction* a = m_demos->addAction(name);
        a->setStatusTip(descriptions.value(i));
        connect(a, &QAction::triggered, this, [this, name] { Q_EMIT demoTriggered(name); });
    }
    m_demos->setEnabled(!names.isEmpty());
}

void MainWindowActions::retranslate() {
    m_file->setTitle(tr("&File"));
    m_recent->setTitle(tr("&Recent logs"));
    m_demos->setTitle(tr("&Demos"));
    m_edit->setTitle(tr("&Edit"));
    m_view->setTitle(tr("&View"));
    m_docks->setTitle(tr("&Panels"));
    m_theme->setTitle(tr("&Theme"));
    m_language->setTitle(tr("&Language"));
    m_run->setTitle(tr("&Run"));
    m_help->setTitle(tr("&Help"));
    m_toolbar->setWindowTitle(tr("Toolbar"));
    newExperiment->setText(tr("&New experiment"));
    newExperiment->setStatusTip(tr("Reset the setup to a default experiment"));
    openLog->setText(tr("&Open log…"));
    openLog->setStatusTip(tr("Open an experiment log (.sqlite)"));
    savePreset->setText(tr("&Save preset…"));
    exportPlots->setText(tr("&Export all plots…"));
    exportMetrics->setText(tr("Export &metrics as CSV…"));
    exportMetrics->setStatusTip(tr("Every metric of the selected run: key, step, value, wall time"));
    exportTraces->setText(tr("Export &traces as CSV…"));
    exportTraces->setStatusTip(
        tr("Every logged reflection trace of the selected run: one row per input, expert and "
           "iteration"));
    copyFigure->setText(tr("&Copy figure"));
    copyFigure->setStatusTip(
        tr("Copy the plot under the mouse (or the largest plot of the view) as an image"));
    loadPreset->setText(tr("&Load preset…"));
    quit->setText(tr("&Quit"));
    undo->setText(tr("&Undo"));
    redo->setText(tr("&Redo"));
    start->setText(tr("&Start training"));
    pause->setText(tr("&Pause / resume"));
    stop->setText(tr("S&top"));
    lightTheme->setText(tr("&Light"));
    darkTheme->setText(tr("&Dark"));
    presentation->setText(tr("&Presentation mode"));
    presentation->setStatusTip(tr("Large fonts, advanced settings hidden"));
    manual->setText(tr("&Manual"));
    manual->setStatusTip(tr("A short manual: the views and a first experiment"));
    shortcuts->setText(tr("&Keyboard shortcuts"));
    about->setText(tr("&About MoR Studio"));
    aboutQt->setText(tr("About &Qt"));
    const QStringList tabs = {tr("Setup"), tr("Training"), tr("Reflection stepper"), tr("Routing"),
                              tr("Conflicts"), tr("Compare")};
    for (int i = 0; i < viewTabs.size(); ++i) {
        viewTabs[i]->setText(tabs.value(i));
    }
    setRecentLogs(m_recentPaths);
}

} // namespace shell
