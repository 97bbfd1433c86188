#include "training/trainingview.h"

#include "shell/runexport.h"

#include "shell/runtablemodel.h"
#include "training/metricplots.h"
#include "training/trainingcontroller.h"
#include "training/trainingreplay.h"

#include "common/stepcursorbar.h"

#include "mor/log_reader.h"

#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

namespace training {

namespace {
QString formatEta(double seconds) {
    const qint64 s = static_cast<qint64>(seconds + 0.5);
    if (s >= 3600) {
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60);
    }
    if (s >= 60) {
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
    }
    return QStringLiteral("%1 s").arg(s);
}
} // namespace

TrainingView::TrainingView(TrainingController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("trainingTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    layout->addWidget(m_title);

    auto* bar = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("trainingProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setMinimumWidth(240);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("trainingStatus"));
    m_status->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 30);
    m_pause = new QPushButton(this);
    m_pause->setObjectName(QStringLiteral("pause"));
    m_pause->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    m_stop = new QPushButton(this);
    m_stop->setObjectName(QStringLiteral("stop"));
    m_stop->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    bar->addWidget(m_progress, 2);
    bar->addWidget(m_status, 3);
    m_export = new QPushButton(this);
    m_export->setObjectName(QStringLiteral("exportCsv"));
    bar->addWidget(m_export);
    bar->addWidget(m_pause);
    bar->addWidget(m_stop);
    layout->addLayout(bar);

    m_plots = new MetricPlots(this);
    m_replay = new TrainingReplay(this);
    layout->addWidget(m_replay->bar());
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("trainingSplitter"));
    splitter->addWidget(m_plots);
    splitter->addWidget(m_replay);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({2000, 1000});
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);
    connect(m_replay, &TrainingReplay::stepLimitChanged, m_plots, &MetricPlots::setStepLimit);

    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_controller->isPaused()) {
            m_controller->resume();
        } else {
            m_controller->pause();
        }
    });
    connect(m_stop, &QPushButton::clicked, m_controller, &TrainingController::stop);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export metrics"), QStringLiteral("run-%1-metrics.csv").arg(m_runId),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty()) {
            exportCsv(path); // its end: metricsExported(), below
        }
    });
    connect(this, &TrainingView::metricsExported, this,
            [this](const QString&, int, const QString& error) {
                if (!error.isEmpty() && isVisible()) {
                    QMessageBox::warning(this, tr("Export metrics"), error);
                }
            });
    connect(m_controller, &TrainingController::started, this, &TrainingView::onStarted);
    connect(m_controller, &TrainingController::progress, this, &TrainingView::onProgress);
    connect(m_controller, &TrainingController::finished, this, &TrainingView::onFinished);
    connect(m_controller, &TrainingController::runningChanged, this, &TrainingView::updateButtons);
    connect(m_controller, &TrainingController::pausedChanged, this, &TrainingView::updateButtons);
    connect(m_controller, &TrainingController::stopping, this, [this] {
        m_status->setText(tr("Stopping…"));
        updateButtons();
    });
    retranslateUi();
}

/// What setRun() and refresh() read: the title's summary, the curves and the replay's frames.
struct TrainingView::Read {
    bool reset = false;
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    std::optional<mor::RunSummary> run;
    MetricPlots::Data plots;
    TrainingReplay::Data replay;
};

void TrainingView::setReadPool(QThreadPool* pool) {
    m_reads.setPool(pool);
    m_exports.setPool(pool);
    m_replay->setReadPool(pool);
}

void TrainingView::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    m_wantReader = std::move(reader);
    m_wantRun = runId;
    m_resetPending = true;
    refresh();
}

void TrainingView::refresh() {
    const bool reset = m_resetPending;
    const auto reader = reset ? m_wantReader : m_reader;
    const qint64 runId = reset ? m_wantRun : m_runId;
    // The replay's read depends on what it shows now (the evaluation the user looks at).
    const int shown = m_replay->position(), frames = m_replay->frameCount();
    const qint64 routingShown = reset ? -2 : m_replay->routingShown();
    const auto read = [reset, reader, runId, shown, frames, routingShown] {
        Read r;
        r.reset = reset;
        r.reader = reader;
        r.runId = runId;
        if (reader && runId >= 0) {
            r.run = reader->run(runId);
        }
        r.plots = MetricPlots::read(reader.get(), runId);
        r.replay = TrainingReplay::read(reader.get(), runId, reset, shown, frames,
                                        routingShown);
        return r;
    };
    // Nothing to read: shown at once, reads under way dropped.
    m_reads.readOrClear<Read>(!reader || runId < 0, this, read,
                              [this](Read& r) { applyRead(r); });
}

void TrainingView::applyRead(Read& r) {
    if (r.reset) {
        m_resetPending = false;
        m_reader = r.reader;
        m_runId = r.runId;
    }
    m_run = std::move(r.run);
    m_plots->show(m_reader, m_runId, r.reset, r.plots);
    m_replay->show(m_reader, m_runId, r.replay);
    m_plots->setStepLimit(m_replay->stepLimit());
    updateTitle();
}

void TrainingView::setPresentationMode(bool on) {
    m_export->setVisible(!on);
}

bool TrainingView::exportCsv(const QString& path) {
    if (!m_reader || m_runId < 0) {
        return false;
    }
    struct Written {
        QString error;
        int rows = 0;
    };
    m_exports.read<Written>(
        this,
        [reader = m_reader, run = m_runId, path] {
            Written written;
            if (!shell::writeMetricsCsv(*reader, run, path, &written.error, &written.rows) &&
                written.error.isEmpty()) {
                written.error = tr("Cannot write %1").arg(path);
            }
            return written;
        },
        [this, path](Written& written) {
            Q_EMIT metricsExported(path, written.rows, written.error);
        });
    return true;
}

void TrainingView::onStarted(qint64 runId, qint64 totalSteps) {
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(1, totalSteps)));
    m_progress->setValue(0);
    m_status->setText(tr("Starting…"));
    if (m_reader) {
        setRun(m_reader, runId);
    } else {
        m_runId = runId;
    }
}

void TrainingView::onProgress(const mor::TrainingProgress& p) {
    m_progress->setRange(0, static_cast<int>(std::max<int64_t>(1, p.totalSteps)));
    m_progress->setValue(static_cast<int>(p.step));
    if (m_controller->isStopping()) {
        return; // "Stopping…" stays until the run has ended
    }
    m_status->setText(tr("epoch %1/%2 · loss %3 · %4 samples/s · ETA %5")
                          .arg(p.epoch)
                          .arg(p.epochs)
                          .arg(p.loss, 0, 'f', 4)
                          .arg(p.samplesPerSecond, 0, 'f', 0)
                          .arg(formatEta(p.etaSeconds)));
}

void TrainingView::onFinished(qint64 runId, const QString& status, const QString& error) {
    m_lastStatus = status;
    if (status == QLatin1String("finished")) {
        m_progress->setValue(m_progress->maximum());
    }
    const QString shown = shell::RunTableModel::statusText(status.toStdString());
    m_status->setText(error.isEmpty() ? tr("Run %1 %2.").arg(runId).arg(shown)
                                      : tr("Run %1 %2: %3").arg(runId).arg(shown, error));
    refresh();
}

void TrainingView::updateButtons() {
    const bool running = m_controller->isRunning();
    m_pause->setEnabled(running);
    m_stop->setEnabled(running && !m_controller->isStopping());
    const bool paused = m_controller->isPaused();
    m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
}

void TrainingView::updateTitle() {
    // The summary read with the shown data: the title never names another run than the curves.
    const std::optional<mor::RunSummary>& run = m_run;
    if (!run || m_runId < 0) {
        m_title->setText(
            tr("No run selected — start one in Setup or pick one in the run browser."));
        return;
    }
    // A run that is not training here: the bar shows how far it got, not a stale 0 %.
    if (!m_controller->isRunning() || m_controller->runId() != m_runId) {
        m_progress->setRange(0, 1);
        m_progress->setValue(run->status == "finished" ? 1 : 0);
        m_progress->setFormat(tr("%n step(s)", nullptr, static_cast<int>(run->lastStep)));
        m_status->setText(tr("Run %1 (%2), %3 s")
                              .arg(run->id)
                              .arg(shell::RunTableModel::statusText(run->status))
                              .arg(run->durationSeconds(), 0, 'f', 0));
    } else {
        m_progress->setFormat(QStringLiteral("%p%"));
    }
    m_title->setText(tr("Run %1 “%2” — %3 — %4")
                         .arg(run->id)
                         .arg(QString::fromStdString(run->name),
                              shell::RunTableModel::statusText(run->status),
                              QString::fromStdString(run->dataset)));
}

void TrainingView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void TrainingView::retranslateUi() {
    m_stop->setText(tr("S&top"));
    m_export->setText(tr("Export CSV…"));
    m_export->setToolTip(tr("Save every metric of this run as CSV"));
    m_pause->setToolTip(tr("Pause or resume the training between batches"));
    m_stop->setToolTip(tr("Stop the training; the run ends as “stopped”"));
    if (m_status->text().isEmpty() || !m_controller->isRunning()) {
        if (m_lastStatus.isEmpty()) {
            m_status->setText(tr("Idle"));
        }
    }
    updateButtons();
    updateTitle();
}

} // namespace training
