// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/prunejob.h"

#include "common/engineaccess.h"

#include "mor/engine_interface.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocale>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace shell {

namespace {

/// The one call into the engine: the EngineInterface the executable installed.
mor::Result<mor::PruneOutcome> pruneJobEngineCall(const mor::PruneOptions& options,
                                                  mor::TrainingObserver* observer) {
    return common::EngineAccess::engine().pruneRun(options, observer);
}

/// Fine-tuning progress of one prune, forwarded to the GUI thread at most every 100 ms.
class PruneJobObserver final : public mor::TrainingObserver {
public:
    PruneJobObserver(PruneJob* job, std::shared_ptr<std::atomic<bool>> cancel, int index,
                     int count)
        : m_job(job), m_cancel(std::move(cancel)), m_index(index), m_count(count) {
        m_clock.start();
    }
    void onProgress(const mor::TrainingProgress& p) override {
        if (m_clock.elapsed() < 100 && p.step < p.totalSteps) {
            return;
        }
        m_clock.restart();
        const double within = p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 0.0;
        const double fraction = (double(m_index) + 0.2 + 0.8 * within) / double(m_count);
        const QString text =
            QCoreApplication::translate("shell::PruneJob", "Fine-tuning: step %1 of %2")
                .arg(p.step)
                .arg(p.totalSteps);
        QMetaObject::invokeMethod(
            m_job, [job = m_job, fraction, text] { Q_EMIT job->progress(fraction, text); },
            Qt::QueuedConnection);
    }
    bool stopRequested() override { return m_cancel->load(); }

private:
    QPointer<PruneJob> m_job;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_index, m_count;
    QElapsedTimer m_clock;
};

} // namespace

PruneJob::PruneJob(QObject* parent)
    : QObject(parent), m_cancel(std::make_shared<std::atomic<bool>>(false)) {}

PruneJob::~PruneJob() {
    cancel();
    wait();
}

bool PruneJob::start(const Request& request) {
    if (isRunning()) {
        return false;
    }
    m_cancel->store(false);
    m_future = QtConcurrent::run([this, request] { runAll(request); });
    return true;
}

void PruneJob::cancel() {
    m_cancel->store(true);
}

bool PruneJob::isRunning() const {
    return m_future.isValid() && !m_future.isFinished();
}

void PruneJob::wait() {
    if (m_future.isValid()) {
        m_future.waitForFinished();
    }
}

void PruneJob::runAll(Request request) {
    // Runs on a pool thread: everything for the GUI goes through queued calls on `this`
    // (dropped if the job is gone, which its destructor prevents by waiting).
    const auto post = [this](auto function) {
        QMetaObject::invokeMethod(this, std::move(function), Qt::QueuedConnection);
    };
    const int count = int(request.amounts.size());
    for (int i = 0; i < count; ++i) {
        if (m_cancel->load()) {
            break;
        }
        const double amount = request.amounts[i];
        const QString text = count > 1 ? tr("Pruning %1 of %2 (amount %3)…")
                                             .arg(i + 1)
                                             .arg(count)
                                             .arg(QLocale().toString(amount))
                                       : tr("Pruning (amount %1)…").arg(QLocale().toString(amount));
        post([this, fraction = double(i) / count, text] { Q_EMIT progress(fraction, text); });
        mor::PruneOptions options;
        options.logPath = request.logPath.toStdString();
        options.runId = request.runId;
        options.method = request.method.toStdString();
        options.amount = amount;
        options.finetuneSteps = request.finetuneSteps;
        PruneJobObserver observer(this, m_cancel, i, count);
        mor::Result<mor::PruneOutcome> outcome = mor::Error{};
        try {
            outcome = pruneJobEngineCall(options, &observer);
        } catch (const std::exception& e) { // never out of the pool thread
            outcome = mor::Error{e.what()};
        }
        if (!outcome) {
            post([this, i, amount, error = QString::fromStdString(outcome.error())] {
                Q_EMIT failed(i, amount, error);
            });
            break; // a refusal holds for every amount of the sweep as well
        }
        post([this, i, amount, value = outcome.value()] { Q_EMIT pruned(i, amount, value); });
    }
    const bool cancelled = m_cancel->load();
    post([this, cancelled] { Q_EMIT finished(cancelled); });
}

} // namespace shell
