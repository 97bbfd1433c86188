// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark (not a test): the Sweeps tab with 100 runs (20 configurations x 5 seeds). The log
// is written through the log writer API (mor::ExperimentLog, mor::SweepStore; no training).
// Prints, in milliseconds: writing the log, opening the tab on it (read + first paint), a
// redraw (re-read + repaint, as on every change of a live sweep), and the main window opening
// the log and switching to the tab. With a folder it also grabs the Sweeps tab (light, dark)
// and the Compare tab with seed groups and their CI bands at 1280x800.
//   QT_QPA_PLATFORM=offscreen ./bench_sweeps [--out FILE] [--shots DIR]
#include "sweepfixture.h"

#include "compare/comparecurves.h"
#include "compare/comparegroups.h"
#include "compare/compareview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "sweeps/parallelcoordinates.h"
#include "sweeps/sweepdata.h"
#include "sweeps/sweepgrouptable.h"
#include "sweeps/sweepsview.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

const double kRates[] = {0.001, 0.002, 0.003, 0.005, 0.01};

std::vector<std::string> overrides() {
    std::vector<std::string> out;
    for (int topK : {1, 2}) {
        for (int batch : {32, 64}) {
            for (double rate : kRates) {
                out.push_back("{\"model.router.top_k\": " + std::to_string(topK) +
                              ", \"train.batch_size\": " + std::to_string(batch) +
                              ", \"train.learning_rate\": " + QString::number(rate).toStdString() +
                              "}");
            }
        }
    }
    return out; // 2 x 2 x 5 = 20, in the order of `mor sweep --grid`
}

/// Plausible results: the rate peaks at 0.003, top_k 2 is more accurate and twice the compute.
sweepfixture::Metrics metricsOf(int c, int s) {
    const int topK = 1 + c / 10, rateIndex = c % 5;
    const bool bigBatch = (c / 5) % 2 == 1;
    const double seedNoise = 0.012 * std::sin(1.7 * s + 0.3 * c);
    sweepfixture::Metrics m;
    m.accuracy = 0.70 + 0.06 * (topK - 1) - 0.018 * std::abs(rateIndex - 2) +
                 (bigBatch ? -0.01 : 0.0) + seedNoise;
    m.expertSteps = 2.4 * topK + 0.15 * rateIndex + 0.05 * std::cos(1.3 * s);
    m.flops = 5200.0 * m.expertSteps;
    m.latencyMs = 0.04 * m.expertSteps * (bigBatch ? 0.8 : 1.0) + 0.01 * std::cos(2.1 * s);
    return m;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void settle() {
    for (int i = 0; i < 3; ++i) {
        QApplication::processEvents();
    }
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // window state and settings not the user's
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-bench"));
    QString outPath, shots;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--out")) {
            outPath = args[i + 1];
        } else if (args[i] == QLatin1String("--shots")) {
            shots = args[i + 1];
        }
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sweep100.sqlite"));
    QElapsedTimer timer;
    timer.start();
    {
        sweepfixture::SweepWriter writer(path.toStdString(), overrides(), {1, 2, 3, 4, 5},
                                         "bench");
        if (!writer.ok()) {
            std::fprintf(stderr, "cannot write the log: %s\n", writer.error().c_str());
            return 1;
        }
        writer.finishAll(metricsOf, 20);
        writer.release();
    }
    const double writeMs = timer.nsecsElapsed() / 1e6;

    shell::LogSession session;
    session.setPollInterval(1000000); // no timer polls during the measurements
    QString error;
    if (!session.open(path, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    // Open: the tab built on the open log, shown and painted (reads the sweep, 100 runs).
    std::vector<double> opens;
    for (int i = 0; i < 5; ++i) {
        timer.restart();
        sweeps::SweepsView view(&session, nullptr, {});
        view.resize(1024, 720);
        view.show();
        settle();
        view.repaint();
        opens.push_back(timer.nsecsElapsed() / 1e6);
        if (view.data().runs.size() != 100 || view.data().groups.size() != 20) {
            std::fprintf(stderr, "expected 100 runs in 20 configurations, got %d in %d\n",
                         int(view.data().runs.size()), int(view.data().groups.size()));
            return 1;
        }
    }
    // Redraw: what a change of the log costs (re-read the sweep, rebuild, repaint everything).
    sweeps::SweepsView view(&session, nullptr, {});
    view.resize(1024, 720);
    view.show();
    settle();
    std::vector<double> redraws, paints;
    for (int i = 0; i < 10; ++i) {
        timer.restart();
        view.refresh();
        settle();
        view.repaint();
        redraws.push_back(timer.nsecsElapsed() / 1e6);
        timer.restart();
        view.parallelCoordinates()->repaint();
        paints.push_back(timer.nsecsElapsed() / 1e6);
    }
    const QString report =
        QStringLiteral(
            "bench_sweeps: Sweeps tab, 100 runs (20 configurations x 5 seeds, 20 metric points "
            "each), QT_QPA_PLATFORM=%1, Release build (build/ci), shared 2-core machine\n"
            "  write the log (log writer API, no training): %2 ms\n"
            "  open the tab (read sweep + build + first paint), median of 5: %3 ms (max %4)\n"
            "  redraw after a log change (re-read + rebuild + repaint), median of 10: %5 ms "
            "(max %6)\n"
            "  parallel coordinates repaint alone, median of 10: %7 ms\n")
            .arg(QGuiApplication::platformName())
            .arg(writeMs, 0, 'f', 0)
            .arg(median(opens), 0, 'f', 1)
            .arg(*std::max_element(opens.begin(), opens.end()), 0, 'f', 1)
            .arg(median(redraws), 0, 'f', 1)
            .arg(*std::max_element(redraws.begin(), redraws.end()), 0, 'f', 1)
            .arg(median(paints), 0, 'f', 1);
    auto say = [&outPath](const QString& text, bool append) {
        std::fputs(qPrintable(text), stdout);
        std::fflush(stdout);
        if (!outPath.isEmpty()) {
            QFile out(outPath);
            if (out.open(append ? QIODevice::Append | QIODevice::Text
                                : QIODevice::WriteOnly | QIODevice::Text)) {
                QTextStream(&out) << text;
            }
        }
    };
    say(report, false);
    if (!shots.isEmpty()) {
        view.resize(1024, 720);
        view.grab().save(shots + QStringLiteral("/sweeps_view_only.png"));
    }
    view.hide();

    // The main window: open the log, switch to the Sweeps tab, paint.
    shell::MainWindow window;
    window.resize(1280, 800);
    window.show();
    settle();
    timer.restart();
    window.openLog(path, false);
    auto* tab = window.findChild<sweeps::SweepsView*>();
    window.tabs()->setCurrentWidget(tab);
    while (tab->isReading()) { // its read on the session's view pool, shown when back
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    settle();
    window.repaint();
    const double windowMs = timer.nsecsElapsed() / 1e6;

    say(QStringLiteral("  main window: open the log + switch to the Sweeps tab + paint: %1 ms\n")
             .arg(windowMs, 0, 'f', 1),
         true);
    if (shots.isEmpty()) {
        return 0;
    }

    // Screenshots at 1280x800: the Sweeps tab with a brushed range (selected in the browser).
    auto grabWindow = [&](const QString& name) {
        settle();
        window.grab().save(shots + QLatin1Char('/') + name);
    };
    sweeps::ParallelCoordinates* pc = tab->parallelCoordinates();
    pc->setBrush(pc->axisCount() - 4, 0.7, 1.0); // the most accurate runs
    const QList<qint64> brushed = pc->brushedRuns();
    {
        QItemSelection selection;
        shell::RunBrowser* browser = window.runBrowser();
        for (qint64 id : brushed) {
            const QModelIndex index = browser->proxy()->mapFromSource(
                browser->model()->index(browser->model()->rowOf(id), 0));
            selection.select(index, index);
        }
        browser->view()->selectionModel()->select(
            selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    grabWindow(QStringLiteral("sweeps_light.png"));
    window.setDarkTheme(true);
    grabWindow(QStringLiteral("sweeps_dark.png"));
    window.setDarkTheme(false);
    pc->clearBrushes();

    // Compare: three configurations x 5 seeds, grouped by seed, on the FLOPs axis.
    QList<qint64> compared;
    for (int g : {2, 7, 12}) {
        for (int64_t id : tab->data().groups[g].group.runIds) {
            compared << id;
        }
    }
    window.compareView()->setRuns(session.reader(), {}); // settle settings first
    window.compareView()->setGroupBySeed(true);
    window.compareView()->setSmoothing(0.0);
    window.compareView()->setXAxis(compare::CompareCurves::XAxis::Flops);
    window.tabs()->setCurrentWidget(window.compareView());
    {
        QItemSelection selection;
        shell::RunBrowser* browser = window.runBrowser();
        for (qint64 id : compared) {
            const QModelIndex index = browser->proxy()->mapFromSource(
                browser->model()->index(browser->model()->rowOf(id), 0));
            selection.select(index, index);
        }
        browser->view()->selectionModel()->select(
            selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    const auto compareRead = [&window] { // Compare reads on the session's view pool
        while (window.compareView()->isReading()) {
            QApplication::processEvents(QEventLoop::AllEvents, 20);
        }
    };
    compareRead();
    window.compareView()->setMetric(QStringLiteral("val/accuracy"));
    compareRead();
    window.compareView()->tables()->setCurrentWidget(window.compareView()->groups());
    grabWindow(QStringLiteral("compare_ci_light.png"));
    window.setDarkTheme(true);
    grabWindow(QStringLiteral("compare_ci_dark.png"));
    window.setDarkTheme(false);
    return 0;
}
