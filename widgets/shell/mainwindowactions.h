#pragma once
// The main window's actions, menus and toolbar, with standard shortcuts. Kept apart from
// the window's wiring so both stay short; retranslate() re-sets every text.
#include <QObject>
#include <QStringList>

class QAction;
class QActionGroup;
class QMainWindow;
class QMenu;
class QToolBar;
class QUndoStack;

namespace shell {

class MainWindowActions : public QObject {
    Q_OBJECT
public:
    explicit MainWindowActions(QMainWindow* window, QUndoStack* undoStack);

    /// Adds a dock's toggle action to the View menu.
    void addDockToggle(QAction* toggle);
    void setRecentLogs(const QStringList& paths);
    /// Fills File > Demos (name, description shown as status tip).
    void setDemos(const QStringList& names, const QStringList& descriptions);
    void retranslate();

    QAction* newExperiment = nullptr;
    QAction* openLog = nullptr;
    QAction* savePreset = nullptr;
    QAction* loadPreset = nullptr;
    QAction* exportPlots = nullptr;
    QAction* exportMetrics = nullptr; ///< the shown run's metrics as CSV
    QAction* exportTraces = nullptr;  ///< the shown run's probe traces as CSV
    QAction* copyFigure = nullptr;    ///< the current figure to the clipboard
    QAction* quit = nullptr;
    QAction* undo = nullptr;
    QAction* redo = nullptr;
    QAction* start = nullptr;
    QAction* pause = nullptr;
    QAction* stop = nullptr;
    QAction* lightTheme = nullptr;
    QAction* darkTheme = nullptr;
    QAction* presentation = nullptr;
    QAction* manual = nullptr;    ///< Help > Manual (F1)
    QAction* shortcuts = nullptr; ///< Help > Keyboard shortcuts
    QAction* about = nullptr;
    QAction* aboutQt = nullptr;
    QList<QAction*> viewTabs;  ///< Ctrl+1..: switch to the n-th view
    QList<QAction*> languages; ///< data(): language code

Q_SIGNALS:
    void recentLogTriggered(const QString& path);
    void demoTriggered(const QString& name);

private:
    QMainWindow* m_window;
    QMenu* m_file = nullptr;
    QMenu* m_recent = nullptr;
    QMenu* m_demos = nullptr;
    QMenu* m_edit = nullptr;
    QMenu* m_view = nullptr;
    QMenu* m_docks = nullptr;
    QMenu* m_theme = nullptr;
    QMenu* m_language = nullptr;
    QMenu* m_help = nullptr;
    QMenu* m_run = nullptr;
    QToolBar* m_toolbar = nullptr;
    QStringList m_recentPaths;
};

} // namespace shell
