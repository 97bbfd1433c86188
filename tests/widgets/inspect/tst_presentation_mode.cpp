// Presentation mode (F5): bigger fonts must not clip anything. Every plot of every view gets
// fonts with an explicit size equal to its widget font (QCustomPlot measures margins at the
// stored size but paints unsized fonts at the widget's current size: the cause of the clipped
// axis titles), curves get thicker, and no plot is squeezed below what its layout needs
// (axis titles, tick labels, titles, legends) at 1280x800 and 1920x1080. Nor narrowed below
// it: a legend wider than its plot lost the ends of its names.
#include "inspectfixture.h"
#include "sequencefixture.h"

#include "inspect/expertpanel.h"
#include "inspect/integrationpanel.h"
#include "inspect/reflectionstepperview.h"
#include "shell/mainwindow.h"
#include "training/metricplots.h"
#include "training/trainingview.h"

#include <QAbstractScrollArea>
#include <QListWidget>
#include <QApplication>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <mor/experiment_log.h>
#include <qcustomplot.h>

namespace {
/// A legend inside an axis rect that covers a data point or a bar (issue 21: legends must sit
/// outside the data or where they hide nothing). "" when it covers nothing.
QString legendOverData(QCustomPlot* plot) {
    if (!plot->legend || !plot->legend->visible() || plot->legend->itemCount() == 0) {
        return {};
    }
    bool inset = false;
    for (QCPAxisRect* rect : plot->axisRects()) {
        inset = inset || plot->legend->layout() == rect->insetLayout();
    }
    if (!inset) {
        return {}; // in a row or column of its own
    }
    const QRectF legend = plot->legend->outerRect();
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        if (!p->visible()) {
            continue;
        }
        if (auto* graph = qobject_cast<QCPGraph*>(p)) {
            for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
                if (legend.contains(graph->coordsToPixels(it->key, it->value))) {
                    return QStringLiteral("legend covers a point of '%1'").arg(graph->name());
                }
            }
        } else if (auto* bars = qobject_cast<QCPBars*>(p)) {
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
                const QPointF a = bars->coordsToPixels(it->key - bars->width() / 2, 0.0);
                const QPointF b = bars->coordsToPixels(it->key + bars->width() / 2, it->value);
                if (legend.intersects(QRectF(a, b).normalized())) {
                    return QStringLiteral("legend covers a bar of '%1'").arg(bars->name());
                }
            }
        }
    }
    return {};
}

/// Tick labels of `axis` drawn over each other ("" when none): six labels in the 50 px of the
/// Sequence view's recursion chart, or steps run together ("0102030") in a narrow plot.
QString tickLabelsOverlap(QCPAxis* axis) {
    if (!axis->visible() || !axis->tickLabels()) {
        return {};
    }
    const QFontMetrics metrics(axis->tickLabelFont());
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    const QCPRange range = axis->range();
    for (int i = 1; i < ticks.size() && i < labels.size(); ++i) {
        if (!range.contains(ticks[i - 1]) || !range.contains(ticks[i])) {
            continue;
        }
        const double apart = std::abs(axis->coordToPixel(ticks[i]) -
                                      axis->coordToPixel(ticks[i - 1]));
        const double need = axis->orientation() == Qt::Vertical
                                ? metrics.capHeight() + 2 // digits, and a gap
                                : (metrics.horizontalAdvance(labels[i - 1]) +
                                   metrics.horizontalAdvance(labels[i])) / 2.0;
        if (apart < need) {
            return QStringLiteral("tick labels '%1' and '%2' %3 px apart, need %4")
                .arg(labels[i - 1], labels[i])
                .arg(apart, 0, 'f', 0)
                .arg(need);
        }
    }
    return {};
}

/// Problems of one plot, as readable text ("" when none).
QString plotProblems(QCustomPlot* plot) {
    QStringList problems;
    if (const QString covered = legendOverData(plot); !covered.isEmpty()) {
        problems << covered;
    }
    const double size = plot->font().pointSizeF();
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            if (const QString overlap = tickLabelsOverlap(axis); !overlap.isEmpty()) {
                problems << overlap;
            }
            if (!qFuzzyCompare(axis->labelFont().pointSizeF(), size) ||
                !qFuzzyCompare(axis->tickLabelFont().pointSizeF(), size)) {
                problems << QStringLiteral("axis '%1' font %2/%3 pt, widget %4 pt")
                                .arg(axis->label())
                                .arg(axis->labelFont().pointSizeF())
                                .arg(axis->tickLabelFont().pointSizeF())
                                .arg(size);
            }
        }
    }
    const QSize need = plot->plotLayout()->minimumOuterSizeHint();
    if (plot->height() < need.height()) {
        problems << QStringLiteral("height %1 < needed %2").arg(plot->height()).arg(need.height());
    }
    if (plot->width() < need.width()) {
        problems << QStringLiteral("width %1 < needed %2").arg(plot->width()).arg(need.width());
    }
    // The whole widget on screen: a parent shorter than the plot's minimum cuts off its
    // bottom rows (the compare legend, issue 21).
    // (A plot in a scroll area is shown in part by design.)
    bool scrolled = false;
    for (QWidget* w = plot->parentWidget(); w; w = w->parentWidget()) {
        scrolled = scrolled || qobject_cast<QAbstractScrollArea*>(w);
    }
    const QRect shown = plot->visibleRegion().boundingRect();
    if (!scrolled && shown.height() < plot->height()) {
        problems << QStringLiteral("only %1 of %2 px visible")
                        .arg(shown.height())
                        .arg(plot->height());
    }
    // Every layout element (title, axis rect, a legend in its own row) inside the widget.
    const QRect inside = plot->rect();
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        QCPLayoutElement* element = plot->plotLayout()->elementAt(i);
        if (element && element->visible() && !inside.contains(element->outerRect())) {
            const QRect r = element->outerRect();
            problems << QStringLiteral("%1 at y %2..%3 outside 0..%4")
                            .arg(QString::fromLatin1(element->metaObject()->className()))
                            .arg(r.top())
                            .arg(r.bottom())
                            .arg(inside.bottom());
        }
    }
    if (plot->legend && plot->legend->visible() && plot->legend->itemCount() > 0 &&
        plot->legend->outerRect().height() < plot->legend->minimumOuterSizeHint().height()) {
        problems << QStringLiteral("legend %1 px high, needs %2")
                        .arg(plot->legend->outerRect().height())
                        .arg(plot->legend->minimumOuterSizeHint().height());
    }
    if (plot->legend && plot->legend->visible() && plot->legend->itemCount() > 0 &&
        plot->legend->outerRect().width() < plot->legend->minimumOuterSizeHint().width()) {
        problems << QStringLiteral("legend %1 px wide, needs %2")
                        .arg(plot->legend->outerRect().width())
                        .arg(plot->legend->minimumOuterSizeHint().width());
    }
    return problems.isEmpty() ? QString()
                              : plot->objectName() + QStringLiteral(": ") + problems.join("; ");
}

QStringList viewProblems(QWidget* view) {
    QStringList problems;
    for (QCustomPlot* plot : view->findChildren<QCustomPlot*>()) {
        if (plot->isVisibleTo(view)) {
            const QString p = plotProblems(plot);
            if (!p.isEmpty()) {
                problems << p;
            }
        }
    }
    return problems;
}

void settle() {
    // Queued replots, layouts and the fit-height passes (each may trigger one more).
    for (int i = 0; i < 4; ++i) {
        QTest::qWait(60);
        QApplication::processEvents();
    }
}

/// Opens `path` in `window`, selects `run`, shows `view` at `size` (the default size when
/// invalid) and waits until it is drawn; false when the log or the view does not open.
bool showRunIn(shell::MainWindow& window, const QString& path, qint64 run, const QString& view,
               QSize size = {}) {
    if (!window.openLog(path, false)) {
        return false;
    }
    window.selectRun(run);
    if (!window.showView(view)) {
        return false;
    }
    if (size.isValid()) {
        window.resize(size);
    }
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        return false;
    }
    settle();
    return true;
}
} // namespace

class TstPresentationMode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void plotsFitTheirLabels_data();
    void plotsFitTheirLabels();
    void curvesGetThickerAndBackAgain();
    void stepperPanelsGrowWithTheFont();
    void stepperListShowsItsEntriesWhole_data();
    void stepperListShowsItsEntriesWhole();

private:
    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_run = -1;
    qint64 m_recursionRun = -1; ///< token traces: the Sequence view
};

void TstPresentationMode::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("log.sqlite"));
    std::string error;
    inspect_test::FixtureOptions options;
    const inspect_test::FixtureRun run =
        inspect_test::writeFixtureRun(m_path.toStdString(), options, &error);
    QVERIFY2(run.runId >= 0, error.c_str());
    m_run = run.runId;
    // What a real reflection run logs besides: the legends of Training's bottom row hold the
    // experts' activations and two names each, the cases that were cut at 1280x800.
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    for (const int64_t step : run.steps) {
        const double t = double(step);
        log->logMetrics(m_run, step,
                        {{"val/activation/0", 0.2}, {"val/activation/1", 0.5},
                         {"val/activation/2", 0.3}, {"val/mean_depth", 3.0 - 1e-3 * t},
                         {"train/loss", 1.0 / (1.0 + t)}, {"train/loss/task", 0.5 / (1.0 + t)},
                         {"train/lr", 0.003}, {"train/throughput", 9000.0 + t}});
    }
    // Runs named as sweeps name them: the compare legend is two columns of such names.
    for (int seed = 1; seed <= 3; ++seed) {
        mor::RunInfo info;
        info.name = "recursion-pointer recursion.capacity=1,0.22,0.11, "
                    "recursion.kv_sharing=false seed=" + std::to_string(seed);
        const int64_t id = log->createRun(info);
        for (const int64_t step : run.steps) {
            log->logMetric(id, "val/accuracy", step, 0.5 + 0.01 * double(seed + step % 7));
        }
        log->setStatus(id, "finished");
    }
    mor::RunInfo recursion;
    recursion.name = "recursion demo";
    recursion.dataset = "addition";
    recursion.configJson = R"({"model":{"family":"recursion"}})";
    m_recursionRun = log->createRun(recursion);
    for (const auto& [step, traces] : sequence_test::makeRun(true)) {
        log->logTokenTraces(m_recursionRun, step, traces);
        log->logMetric(m_recursionRun, "val/mean_depth", step, 2.0);
    }
    log->setStatus(m_recursionRun, "finished");
    log->flush();
}

void TstPresentationMode::plotsFitTheirLabels_data() {
    QTest::addColumn<QString>("view");
    QTest::addColumn<QSize>("size");
    for (const char* view :
         {"training", "stepper", "routing", "conflicts", "compare", "sequence"}) {
        for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
            QTest::addRow("%s %dx%d", view, size.width(), size.height())
                << QString::fromLatin1(view) << size;
        }
    }
}

void TstPresentationMode::plotsFitTheirLabels() {
    QFETCH(QString, view);
    QFETCH(QSize, size);
    shell::MainWindow window;
    QVERIFY(showRunIn(window, m_path,
                      view == QLatin1String("sequence") ? m_recursionRun : m_run, view, size));
    // The problem only showed when the font grows after the plots exist: switch while shown.
    window.setPresentationMode(true);
    settle();
    QWidget* current = window.tabs()->currentWidget();
    QVERIFY(!current->findChildren<QCustomPlot*>().isEmpty());
    const QStringList problems = viewProblems(current);
    window.setPresentationMode(false);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    settle();
    const QStringList after = viewProblems(current);
    QVERIFY2(after.isEmpty(), qPrintable(after.join('\n')));
}

void TstPresentationMode::curvesGetThickerAndBackAgain() {
    shell::MainWindow window;
    QVERIFY(showRunIn(window, m_path, m_run, QStringLiteral("training")));
    QCustomPlot* plot = window.trainingView()->plots()->plot(training::MetricPlots::Accuracy);
    QVERIFY(plot->graphCount() > 0);
    const double normal = plot->graph(0)->pen().widthF();
    window.setPresentationMode(true);
    settle();
    QVERIFY2(plot->graph(0)->pen().widthF() > normal * 1.4,
             qPrintable(QString::number(plot->graph(0)->pen().widthF())));
    window.setPresentationMode(false);
    settle();
    QCOMPARE(plot->graph(0)->pen().widthF(), normal);
}

void TstPresentationMode::stepperPanelsGrowWithTheFont() {
    shell::MainWindow window;
    QVERIFY(showRunIn(window, m_path, m_run, QStringLiteral("stepper"), QSize(1280, 800)));
    auto* panel = window.findChild<inspect::ExpertPanel*>();
    auto* integration = window.findChild<inspect::IntegrationPanel*>();
    QVERIFY(panel && integration);
    const int normalPanel = panel->height();
    const int normalMinimum = panel->minimumHeight();
    QVERIFY(normalMinimum >= 230); // the design minimum, or more when the labels need it
    window.setPresentationMode(true);
    settle();
    QVERIFY2(panel->height() > normalPanel,
             qPrintable(QStringLiteral("%1 -> %2").arg(normalPanel).arg(panel->height())));
    QVERIFY(integration->height() >= integration->plotLayout()->minimumOuterSizeHint().height());
    window.setPresentationMode(false);
    settle();
    QCOMPARE(panel->minimumHeight(), normalMinimum); // shrinks back with the font
}

void TstPresentationMode::stepperListShowsItsEntriesWhole_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

void TstPresentationMode::stepperListShowsItsEntriesWhole() {
    // The picker kept its design 220 px at the 1.5x font: "#46 y=1 → 3 ✗ depth 4" was cut.
    QFETCH(QSize, size);
    shell::MainWindow window;
    QVERIFY(showRunIn(window, m_path, m_run, QStringLiteral("stepper"), size));
    window.setPresentationMode(true);
    settle();
    auto* list = window.findChild<QListWidget*>(QStringLiteral("sampleList"));
    QVERIFY(list && list->count() > 0);
    int widest = 0;
    for (int i = 0; i < list->count(); ++i) {
        widest = std::max(widest, list->fontMetrics().horizontalAdvance(list->item(i)->text()));
    }
    const int shown = list->viewport()->width();
    window.setPresentationMode(false);
    QVERIFY2(shown >= widest, qPrintable(QStringLiteral("list %1 px wide, its widest entry %2")
                                             .arg(shown)
                                             .arg(widest)));
}

QTEST_MAIN(TstPresentationMode)
#include "tst_presentation_mode.moc"
