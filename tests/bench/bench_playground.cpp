// Benchmark, not a test (issue 19): while the Playground trains a bundled demo, how often does
// the plane get a new picture and repaint, and how long is the GUI event loop's longest stall?
// Goals: >= 5 repaints per second, no stall over 100 ms.
//
//   OMP_NUM_THREADS=1 bench_playground [--demo NAME] [--seconds S] [--out FILE]
//
// A 5 ms timer on the GUI thread records the gaps between its ticks; a gap minus the interval
// is the time the event loop was busy (a stall). Prints one line per figure, and writes them to
// FILE when given.
#include "playground/planeview.h"
#include "playground/playgroundview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QString demo = QStringLiteral("playground-routing");
    QString out;
    double seconds = 15.0;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--demo") {
            demo = args[++i];
        } else if (args[i] == "--seconds") {
            seconds = args[++i].toDouble();
        } else if (args[i] == "--out") {
            out = args[++i];
        }
    }
    PlaygroundView view;
    view.resize(1280, 800);
    view.show();
    if (!view.loadDemo(demo)) {
        std::fprintf(stderr, "no playground demo %s\n", qPrintable(demo));
        return 2;
    }
    constexpr int kTickMs = 5;
    QElapsedTimer clock;
    qint64 lastTick = -1, maxGap = 0, ticks = 0;
    std::vector<qint64> gaps;
    QTimer ticker;
    ticker.setInterval(kTickMs);
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        if (lastTick >= 0) {
            maxGap = std::max(maxGap, now - lastTick);
            gaps.push_back(now - lastTick);
        }
        lastTick = now;
        ++ticks;
    });
    int frames = 0;
    double lastAccuracy = -1.0;
    qint64 firstFrameMs = -1, lastFrameMs = -1;
    QObject::connect(&view, &PlaygroundView::framePainted, [&](qint64, double accuracy) {
        ++frames;
        lastAccuracy = accuracy;
        lastFrameMs = clock.elapsed();
        if (firstFrameMs < 0) {
            firstFrameMs = lastFrameMs;
        }
    });
    bool finished = false;
    QObject::connect(&view, &PlaygroundView::trainingFinished, [&] { finished = true; });

    const qint64 paintsBefore = view.plane()->paintCount();
    clock.start();
    ticker.start();
    view.train();
    while (!finished && clock.elapsed() < qint64(seconds * 1000)) {
        app.processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    const double trainedS = clock.elapsed() / 1000.0;
    ticker.stop();
    view.stop();
    const qint64 paints = view.plane()->paintCount() - paintsBefore;
    std::sort(gaps.begin(), gaps.end());
    const qint64 p99 = gaps.empty() ? 0 : gaps[size_t(0.99 * double(gaps.size() - 1))];
    const double frameSpan = (lastFrameMs - firstFrameMs) / 1000.0;

    QString report;
    QTextStream s(&report);
    s << "bench_playground: demo " << demo << ", " << (finished ? "trained to the end" : "stopped")
      << " after " << QString::number(trainedS, 'f', 1) << " s, 1 training thread\n";
    s << "new plane pictures (frames): " << frames << " = "
      << QString::number(frameSpan > 0 ? (frames - 1) / frameSpan : 0.0, 'f', 1)
      << " per second between the first and the last (goal >= 5/s)\n";
    s << "plane paint events: " << paints << " = "
      << QString::number(paints / trainedS, 'f', 1) << " per second\n";
    s << "event loop: longest stall " << std::max<qint64>(0, maxGap - kTickMs)
      << " ms (gap between " << kTickMs << " ms timer ticks minus the interval; goal <= 100 ms), "
      << "99th percentile gap " << p99 << " ms, " << ticks << " ticks\n";
    s << "last test accuracy " << QString::number(lastAccuracy, 'f', 3) << "\n";
    s.flush();
    std::fputs(qPrintable(report), stdout);
    if (!out.isEmpty()) {
        QFile file(out);
        if (file.open(QIODevice::Append | QIODevice::Text)) {
            file.write(report.toUtf8());
        }
    }
    return 0;
}
