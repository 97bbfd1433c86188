// Benchmark (not a test): how long the routing heatmap needs for 100,000 inputs x 64 experts.
// Prints build, first render, re-render, export and hover times in milliseconds.
//   QT_QPA_PLATFORM=offscreen ./bench_heatmap [inputs] [experts]
#include "common/routingheatmap.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>

#include <cmath>
#include <cstdio>
#include <random>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const int64_t inputs = argc > 1 ? std::atoll(argv[1]) : 100000;
    const int64_t experts = argc > 2 ? std::atoll(argv[2]) : 64;

    // Plausible routing: softmax of noisy logits with a per-class preferred expert, top-2 mask.
    mor::RoutingSnapshot snapshot;
    snapshot.step = 1;
    snapshot.nSamples = inputs;
    snapshot.nExperts = experts;
    snapshot.probs.resize(size_t(inputs * experts));
    snapshot.mask.assign(size_t(inputs * experts), 0);
    std::vector<common::RowMeta> meta(static_cast<size_t>(inputs));
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.f, 1.f);
    for (int64_t r = 0; r < inputs; ++r) {
        snapshot.sampleIds.push_back(r);
        meta[size_t(r)].label = r % 10;
        meta[size_t(r)].domain = r % 3;
        float* row = snapshot.probs.data() + r * experts;
        float sum = 0.f;
        for (int64_t e = 0; e < experts; ++e) {
            row[e] = std::exp(noise(rng) + (e == (r % 10) * experts / 10 ? 3.f : 0.f));
            sum += row[e];
        }
        int first = 0, second = 1;
        for (int64_t e = 0; e < experts; ++e) {
            row[e] /= sum;
        }
        for (int e = 1; e < experts; ++e) {
            if (row[e] > row[first]) {
                second = first;
                first = e;
            } else if (e != first && row[e] > row[second]) {
                second = e;
            }
        }
        snapshot.mask[size_t(r * experts + first)] = 1;
        snapshot.mask[size_t(r * experts + second)] = 1;
    }

    common::RoutingHeatmap heatmap;
    heatmap.resize(900, 700);
    heatmap.show();
    QElapsedTimer timer;

    timer.start();
    heatmap.setSnapshot(snapshot, meta); // builds the colour-map data (and replots)
    const double setMs = timer.nsecsElapsed() / 1e6;
    const double buildMs = heatmap.lastBuildMs();

    timer.restart();
    heatmap.replot();
    const double replotMs = timer.nsecsElapsed() / 1e6;

    timer.restart();
    heatmap.setSortKey(common::RoutingHeatmap::SortKey::TopExpert);
    const double resortMs = timer.nsecsElapsed() / 1e6;

    timer.restart();
    const QPixmap pixmap = heatmap.toPixmap(900, 700);
    const double pixmapMs = timer.nsecsElapsed() / 1e6;

    // Zoom to 2,000 rows: the map is refilled at full resolution for the rows in view.
    timer.restart();
    heatmap.yAxis->setRange(50000, 52000);
    QApplication::processEvents(); // runs the coalesced refill
    heatmap.replot();
    const double zoomMs = timer.nsecsElapsed() / 1e6;
    heatmap.yAxis->setRange(-0.5, inputs - 0.5);
    QApplication::processEvents();
    heatmap.replot();

    // Hover: mouse moves over the map (cell lookup, tooltip text, overlay layer redraw).
    const QRect area = heatmap.axisRect()->rect();
    const int moves = 300;
    timer.restart();
    for (int i = 0; i < moves; ++i) {
        const QPointF pos(area.left() + (i * 37) % area.width(),
                          area.top() + (i * 53) % area.height());
        QMouseEvent move(QEvent::MouseMove, pos, heatmap.mapToGlobal(pos), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&heatmap, &move);
        heatmap.repaint(); // include painting the widget from its layer buffers
    }
    const double hoverMs = timer.nsecsElapsed() / 1e6 / moves;

    std::printf("routing heatmap %lld inputs x %lld experts (%lld cells)\n", (long long)inputs,
                (long long)experts, (long long)(inputs * experts));
    std::printf("  build colour-map data (one pass): %8.1f ms\n", buildMs);
    std::printf("  setSnapshot incl. first render:   %8.1f ms\n", setMs);
    std::printf("  replot (cached map image):        %8.1f ms\n", replotMs);
    std::printf("  re-sort by top expert + render:   %8.1f ms\n", resortMs);
    std::printf("  zoom to 2,000 rows, refill+render:%8.1f ms\n", zoomMs);
    std::printf("  toPixmap 900x700:                 %8.1f ms\n", pixmapMs);
    std::printf("  hover (per mouse move + repaint): %8.2f ms\n", hoverMs);
    return pixmap.isNull() ? 1 : 0;
}
