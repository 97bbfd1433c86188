// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A view's reads of the experiment log, off the GUI thread (issue 21). A read runs on the log
// session's read pool (LogSession::viewReadPool(), never the global pool, which Qt's raster
// painter uses) and hands plain data back to the view on the GUI thread through a queued call,
// dropped when the view is gone. Every read() supersedes the ones before it: an older read that
// has not begun is skipped and an older result is never applied, so a view never shows an older
// run's data under a newer run's title.
// A view given no pool (one built on its own, outside a window) reads on the calling thread,
// through the same read and apply functions.
#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace shell {

class LogReads {
public:
    /// The pool the reads run on; null: on the calling thread.
    void setPool(QThreadPool* pool) {
        m_pool = pool;
        m_async = pool != nullptr;
    }
    bool isAsync() const { return m_async; }
    /// True from a read() until its data was applied (or it was cancelled).
    bool isPending() const { return m_state->applied != m_state->requested.load(); }
    /// Drops every read asked for so far (their data is never applied).
    void cancel() { m_state->applied = ++m_state->requested; }

    /// Runs `read` (on the pool; it must only use what it captured) and then `apply` with its
    /// data on the GUI thread, unless `context` is gone or a newer read() or cancel() came.
    template <typename Data>
    void read(QObject* context, std::function<Data()> read, std::function<void(Data&)> apply) {
        const quint64 mine = ++m_state->requested;
        if (!m_async) {
            Data data = read();
            m_state->applied = mine;
            apply(data);
            return;
        }
        if (!m_pool) {
            return; // the session (and its pool) is gone: the window is closing
        }
        auto state = m_state;
        QPointer<QObject> guard(context);
        m_pool->start([state, mine, guard, read = std::move(read), apply = std::move(apply)] {
            if (state->requested.load() != mine) {
                return; // superseded before it began
            }
            auto data = std::make_shared<Data>(read());
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [state, mine, guard, data, apply] {
                    if (!guard || state->requested.load() != mine) {
                        return;
                    }
                    state->applied = mine;
                    apply(*data);
                },
                Qt::QueuedConnection);
        });
    }

    /// read(), except with nothing to read (`clear`: no log, no run) the view is cleared at
    /// once: every read under way is dropped and `read` + `apply` run on the calling thread.
    template <typename Data>
    void readOrClear(bool clear, QObject* context, std::function<Data()> read,
                     std::function<void(Data&)> apply) {
        if (clear) {
            cancel();
            Data none = read();
            apply(none);
            return;
        }
        this->read<Data>(context, std::move(read), std::move(apply));
    }

private:
    struct State {
        std::atomic<quint64> requested{0};
        quint64 applied = 0; ///< GUI thread only
    };
    std::shared_ptr<State> m_state = std::make_shared<State>();
    QPointer<QThreadPool> m_pool;
    bool m_async = false;
};

} // namespace shell
