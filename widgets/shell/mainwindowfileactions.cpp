// The File and Edit menus' handlers of the main window: new experiment, open log, presets,
// exports, copy figure (kept apart from mainwindow.cpp, which wires the views).
#include "shell/mainwindow.h"

#include "shell/mainwindowactions.h"
#include "shell/logsession.h"
#include "shell/plotfolderexport.h"
#include "shell/runexport.h"
#include "setup/setupview.h"
#include "training/trainingview.h"

#include "mor/config.h"
#include "mor/log_reader.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace shell {

void MainWindow::connectFileActions() {
    MainWindowActions* a = m_actions;
    connect(a->newExperiment, &QAction::triggered, this, [this] {
        m_setup->setConfig(setup::SetupView::newExperimentConfig(), tr("New experiment"));
        m_tabs->setCurrentWidget(m_setup);
    });
    connect(a->openLog, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open experiment log"), QFileInfo(m_session->path()).absolutePath(),
            tr("Experiment logs (*.sqlite *.db);;All files (*)"));
        if (!path.isEmpty()) {
            openLogInBackground(path);
        }
    });
    connect(a, &MainWindowActions::demoTriggered, this, &MainWindow::loadDemo);
    connect(a, &MainWindowActions::recentLogTriggered, this,
            [this](const QString& path) { openLogInBackground(path); });
    connect(a->savePreset, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save preset"), {},
                                                          tr("Experiment configs (*.json)"));
        QString error;
        if (!path.isEmpty() && !m_setup->savePreset(path, &error)) {
            QMessageBox::warning(this, tr("Save preset"), error);
        }
    });
    connect(a->exportPlots, &QAction::triggered, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Export all plots into a folder"));
        if (folder.isEmpty()) {
            return;
        }
        statusBar()->showMessage(tr("Exporting plots to %1…").arg(folder));
        exportAllPlotsInSteps(
            m_tabs, folder,
            m_currentRun >= 0 ? QStringLiteral("run-%1").arg(m_currentRun) : QString(),
            [this, folder](const QStringList& files, const QString& error) {
                if (!error.isEmpty()) {
                    QMessageBox::warning(this, tr("Export all plots"), error);
                }
                statusBar()->showMessage(
                    tr("%n file(s) written to %1", nullptr, int(files.size())).arg(folder), 5000);
            });
    });
    connect(a->exportMetrics, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export metrics"), QStringLiteral("run-%1-metrics.csv").arg(m_currentRun),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty() && !m_training->exportCsv(path)) {
            QMessageBox::information(this, tr("Export metrics"), tr("Select a run first."));
        }
    });
    // Written on the view pool (never reading the log here): say how it went.
    connect(m_training, &training::TrainingView::metricsExported, this,
            [this](const QString& path, int rows, const QString& error) {
                statusBar()->showMessage(
                    error.isEmpty()
                        ? tr("%n metric point(s) written to %1", nullptr, rows).arg(path)
                        : tr("Export metrics failed: %1").arg(error),
                    error.isEmpty() ? 5000 : 8000);
            });
    connect(a->exportTraces, &QAction::triggered, this, [this] {
        if (!m_session->reader() || m_currentRun < 0) {
            QMessageBox::information(this, tr("Export traces"), tr("Select a run first."));
            return;
        }
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export traces"), QStringLiteral("run-%1-traces.csv").arg(m_currentRun),
            tr("CSV files (*.csv)"));
        if (!path.isEmpty()) {
            exportTraces(path);
        }
    });
    connect(a->copyFigure, &QAction::triggered, this, [this] {
        const QSize size = copyCurrentFigure(m_tabs->currentWidget());
        if (!size.isEmpty()) {
            statusBar()->showMessage(
                tr("Figure copied (%1 × %2 pixels)").arg(size.width()).arg(size.height()), 4000);
        }
    });
    connect(a->loadPreset, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load preset"), {},
                                                          tr("Experiment configs (*.json)"));
        QString error;
        if (!path.isEmpty() && !m_setup->loadPreset(path, &error)) {
            QMessageBox::warning(this, tr("Load preset"), error);
        }
    });
}

bool MainWindow::exportTraces(const QString& path, bool interactive) {
    const auto reader = m_session->viewReader();
    if (!reader || m_currentRun < 0) {
        return false;
    }
    struct Written {
        bool ok = false;
        QString error;
        int rows = 0;
    };
    const qint64 run = m_currentRun;
    statusBar()->showMessage(tr("Writing the traces of run %1 to %2…").arg(run).arg(path));
    // The view pool: its connection is never used on this thread (a held log waits there).
    m_exports.setPool(m_session->viewReadPool());
    m_exports.read<Written>(
        this,
        [reader, run, path] {
            Written written;
            written.ok = writeTracesCsv(*reader, run, path, &written.error, &written.rows);
            if (!written.ok && written.error.isEmpty()) {
                written.error = tr("not written");
            }
            return written;
        },
        [this, path, interactive](Written& written) {
            if (!written.ok) {
                statusBar()->showMessage(tr("Export traces failed: %1").arg(written.error), 8000);
                if (interactive) {
                    QMessageBox::warning(this, tr("Export traces"), written.error);
                }
            } else {
                statusBar()->showMessage(
                    tr("%n trace row(s) written to %1", nullptr, written.rows).arg(path), 5000);
            }
            Q_EMIT tracesExported(path, written.rows, written.ok ? QString() : written.error);
        });
    return true;
}

} // namespace shell
