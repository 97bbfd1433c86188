#pragma once
// The open experiment log of the window: one read-only LogReader shared by every view, an
// ExperimentLog for edits (rename, tags, notes, delete), and a poll of changeStamp() so runs
// written by another thread or process (`mor train`) show up live.
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mor {
class LogReader;
class ExperimentLog;
struct RunSummary;
} // namespace mor

namespace shell {

class LogSession : public QObject {
    Q_OBJECT
public:
    explicit LogSession(QObject* parent = nullptr);
    ~LogSession() override;

    /// Opens (or creates) the log at `path`; marks runs of dead processes interrupted.
    /// On failure the previous log stays open and *error says why.
    bool open(const QString& path, QString* error);
    /// open() on a thread of the session's own, the run list read there too, so a log held by
    /// another process (SQLite retries ~10 s per statement) does not freeze the window. The
    /// previous log stays open until then. Success emits opened() and changed() (the run list
    /// in polledRuns()) as open() does, then openFinished(path, {}); failure leaves the
    /// previous log open and emits openFinished(path, message). An open() or another
    /// openInBackground() asked for meanwhile supersedes it: its result is dropped.
    void openInBackground(const QString& path);
    /// True from openInBackground() until its result is in (or superseded).
    bool isOpening() const { return m_opening; }
    bool isOpen() const { return m_reader != nullptr; }
    QString path() const { return m_path; }
    std::shared_ptr<const mor::LogReader> reader() const { return m_reader; }
    /// The connection of the views' reads on viewReadPool() (issue 21): never used on the GUI
    /// thread, so a view's read stuck in a held log cannot block a read of the window's own.
    /// Null when no log is open (or the third connection could not be opened: then reader()).
    std::shared_ptr<const mor::LogReader> viewReader() const {
        return m_viewReader ? m_viewReader : m_reader;
    }
    /// The thread the views' reads run on (shell::LogReads): one, since they share one
    /// connection; apart from the polls' pool, so a read stuck in a held log delays no poll.
    QThreadPool* viewReadPool() { return &m_viewPool; }
    /// The writer; null when no log is open. The window edits through edit(), never here.
    mor::ExperimentLog* writer() const { return m_writer.get(); }
    /// Runs `change` (a run renamed, tagged, annotated, deleted) with the writer on a thread of
    /// its own, one edit at a time in the order asked, never on the GUI thread: another process
    /// holding the log would freeze the window (SQLite retries ~10 s per attempt). Then polls in
    /// the background; a failed edit (`change` false) emits editFailed() naming `what`.
    void edit(const QString& what, std::function<bool(mor::ExperimentLog&)> change);
    /// True from an edit() until it is written (or failed).
    bool isEditing() const { return m_editsPending > 0; }

    /// Poll interval of changeStamp() (default 1000 ms).
    void setPollInterval(int ms) { m_timer.setInterval(ms); }
    /// Checks the log now and emits changed() if anything was written since the last check,
    /// or if a read failed since (so every view retries).
    void poll();
    /// What the poll timer does: the same check, read on a worker thread with a connection of
    /// its own, the result handled on this thread. A log held by another process makes SQLite
    /// retry for ~10 s; on the GUI thread that froze the window at every poll (issue 21).
    /// Called while the previous background poll is still reading, it polls again once that
    /// one is done (the caller may have written after it read). The window's own writes (run
    /// edits, a training started or ended) poll this way too, never on the GUI thread.
    void pollInBackground();
    /// True while a background poll is reading.
    bool isPolling() const { return m_polling; }
    /// A background poll that finds the log changed (or that is asked to, below) reads the
    /// run list too, on its worker: while it emits changed() or polled() this is that list,
    /// else null (read it yourself). The run browser takes it, so the timer's polls leave no
    /// read of the log to the GUI thread (issue 21).
    const std::vector<mor::RunSummary>* polledRuns() const { return m_polledRuns.get(); }
    /// Every background poll reads the run list (the browser asks while a run shows
    /// "running": a killed process changes nothing in the log).
    void setReadRunsOnEveryPoll(bool on) { m_runsEveryPoll = on; }
    /// A view's read of the log failed (busy, locked, file gone): readFailed() tells the
    /// window, and the next poll that reads the log again emits changed() and readRecovered().
    void reportReadFailure(const QString& message);
    /// True from a failed read until a poll succeeds again.
    bool isReadFailing() const { return m_failing; }

Q_SIGNALS:
    void opened(const QString& path);
    /// Something in the log changed (a run was added, grew, or was edited).
    void changed();
    /// A poll read the log and found nothing new (runs whose process died change nothing in
    /// the log, so views that show liveness re-check on this).
    void polled();
    /// A read failed; what the views show is kept and retried on the next poll.
    void readFailed(const QString& message);
    /// An edit() could not be written: `message` names it and says why.
    void editFailed(const QString& message);
    /// An openInBackground() is done: `error` is null when `path` is now open.
    void openFinished(const QString& path, const QString& error);
    void readRecovered();

private:
    /// What an open reads and opens, off the GUI thread where asked (logsession.cpp).
    struct Opening;
    /// Takes `o` as the open log (emits opened() and changed()); false, *error, when it failed.
    bool install(Opening& o, QString* error);
    /// The part of poll() after the read: `stamp` (nullopt = failed, with `error`).
    void handleStamp(std::optional<int64_t> stamp, const QString& error);

    QString m_path;
    std::shared_ptr<const mor::LogReader> m_reader;
    std::shared_ptr<const mor::LogReader> m_pollReader; ///< background polls' own connection
    std::shared_ptr<const mor::LogReader> m_viewReader; ///< the views' reads on m_viewPool
    bool m_polling = false;
    bool m_pollAgain = false; ///< pollInBackground() was called while a poll was reading
    bool m_runsEveryPoll = false;
    std::shared_ptr<const std::vector<mor::RunSummary>> m_polledRuns;
    /// Threads of the polls and checks, not the global pool: two reads stuck in a held log
    /// filled it, and the raster paint engine, which spreads fills over that pool, stopped
    /// painting the window until they came back (~10 s).
    QThreadPool m_readPool;
    QThreadPool m_viewPool;
    quint64 m_generation = 0; ///< counts open(): a poll of a log no longer open is dropped
    std::shared_ptr<mor::ExperimentLog> m_writer; ///< shared with edits under way
    QThreadPool m_writePool;                       ///< edits, one at a time
    int m_editsPending = 0;
    QThreadPool m_openPool; ///< openInBackground(): a new open never waits behind a stuck one
    quint64 m_openRequests = 0; ///< counts open() and openInBackground(): the last one wins
    bool m_opening = false;
    QTimer m_timer;
    qint64 m_lastStamp = -1;
    bool m_failing = false;
};

} // namespace shell
