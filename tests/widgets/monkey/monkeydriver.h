#pragma once
// Seeded random input for the main window: clicks (left, right, double), drags, wheel turns,
// keys and shortcuts, typed text, window resizes, tab switches, menu actions and run
// selections. Modal dialogs and popups get the same input and are closed after a while; file
// dialogs are never given random input (they could delete files): they are answered with a
// path in the test's folder or cancelled.
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <functional>
#include <string>

class QFileDialog;
class QWidget;

namespace shell {
class MainWindow;
} // namespace shell

namespace monkey {

class Driver : public QObject {
    Q_OBJECT
public:
    /// `folder`: where file dialogs are pointed (the test's temporary folder).
    Driver(shell::MainWindow* window, quint64 seed, const QString& folder,
           QObject* parent = nullptr);

    /// Sends events every `intervalMs` for `durationMs`, then emits done().
    void start(int durationMs, int intervalMs);
    int events() const { return m_events; }
    /// Events per kind ("click", "key", ...), for the summary.
    QHash<QString, int> counts() const { return m_counts; }
    /// Run ids the monkey may select.
    void setRuns(const QList<qint64>& runs) { m_runs = runs; }

Q_SIGNALS:
    void done();
    /// Before each event (index, what it is).
    void sending(int index, const std::string& description);

private:
    void tick();
    void sendOne();
    QWidget* targetWindow() const;
    QWidget* randomWidget(QWidget* top);
    void note(const QString& kind, const QString& what);
    void click(QWidget* top);
    void drag(QWidget* top);
    void wheel(QWidget* top);
    void key(QWidget* top);
    void type(QWidget* top);
    void resizeWindow();
    void switchTab();
    void triggerMenuAction();
    void selectRun();
    bool answerFileDialog(QFileDialog* dialog);
    bool closeStaleModal(QWidget* top);
    int pick(int n) { return int(m_random.bounded(quint32(n))); }
    bool chance(double p) { return m_random.generateDouble() < p; }

    shell::MainWindow* m_window;
    QRandomGenerator m_random;
    QString m_folder;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_durationMs = 0;
    int m_events = 0;
    QHash<QString, int> m_counts;
    QList<qint64> m_runs;
    QPointer<QWidget> m_modal; ///< the dialog or popup now receiving input
    int m_modalEvents = 0;     ///< events sent to it so far
    int m_modalLimit = 0;      ///< events it gets before it is closed
    bool m_pending = false;    ///< an event is queued and not sent yet
    bool m_finished = false;
};

} // namespace monkey
