// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Prunes a logged run off the GUI thread: one prune per amount (a sweep is several), each a
// new child run of the log. Progress and each outcome come back on the GUI thread; cancel()
// stops a fine-tuning between batches, a prune between its evaluations (before the child run
// is written) and a sweep before its next amount.
#include "mor/pruning.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace shell {

class PruneJob : public QObject {
    Q_OBJECT
public:
    struct Request {
        QString logPath;
        qint64 runId = 0;
        QString method;          ///< magnitude | structured | dead-experts | depth
        QList<double> amounts;   ///< one prune each, in this order
        qint64 finetuneSteps = 0;
    };

    explicit PruneJob(QObject* parent = nullptr);
    ~PruneJob() override; ///< cancels and waits for the worker

    /// False when a job is still running.
    bool start(const Request& request);
    void cancel();
    bool isRunning() const;
    bool isCancelled() const { return m_cancel->load(); }
    /// Blocks until the worker has ended (tests, destructor).
    void wait();

Q_SIGNALS:
    /// fraction of the whole job in [0, 1] and what it does now.
    void progress(double fraction, const QString& text);
    /// One amount done (index into the request's amounts).
    void pruned(int index, double amount, const mor::PruneOutcome& outcome);
    /// One amount refused, failed or cancelled: core's message (the sweep stops there).
    void failed(int index, double amount, const QString& error);
    void finished(bool cancelled);

private:
    void runAll(Request request);

    QFuture<void> m_future;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace shell
