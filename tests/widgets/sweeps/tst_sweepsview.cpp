// SPDX-License-Identifier: GPL-3.0-or-later
// The Sweeps tab on a fixture log (2 x 2 configurations x 3 seeds, metrics chosen by hand):
// the intervals in the table, brushing the parallel coordinates selects runs in the run
// browser and the browser's selection highlights lines, runs of a running sweep appear as they
// finish, the Pareto front, and the launcher's `mor sweep` (a real --dry-run).
#include "sweepfixture.h"

#include "common/plotstyle.h"
#include "common/theme.h"

#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "shell/runbrowser.h"
#include "sweeps/importancetable.h"
#include "sweeps/parallelcoordinates.h"
#include "sweeps/paretoplot.h"
#include "sweeps/sweepdata.h"
#include "sweeps/sweepgrouptable.h"
#include "sweeps/sweeplauncher.h"
#include "sweeps/sweepsview.h"

#include "mor/config.h"

#include <QApplication>
#include <QComboBox>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <qcustomplot.h>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace {

using sweepfixture::gridMetrics;
using sweepfixture::kGridOverrides;

void sendMouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    QMouseEvent event(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &event);
}

/// A Sweeps view over a finished sweep written to `path` (seed 1 and gridMetrics by default).
struct ViewedSweep {
    shell::LogSession session;
    std::unique_ptr<sweeps::SweepsView> view;
    std::string error; ///< why the log was not written or opened; empty when it was

    ViewedSweep(const QString& path, const std::vector<std::string>& overrides,
                const std::vector<int64_t>& seeds = {1},
                const std::function<sweepfixture::Metrics(int, int)>& metrics = gridMetrics)
        : error(sweepfixture::writeFinishedSweep(path.toStdString(), overrides, seeds,
                                                 metrics)) {
        QString why;
        if (error.empty() && !session.open(path, &why)) {
            error = why.toStdString();
        }
        if (error.empty()) {
            view = std::make_unique<sweeps::SweepsView>(&session, nullptr, nullptr);
        }
    }
    sweeps::ParallelCoordinates* coordinates() const { return view->parallelCoordinates(); }
};

/// The index of the axis called `name`, or -1.
int axisNamed(const sweeps::ParallelCoordinates* pc, const QString& name) {
    for (int a = 0; a < pc->axisCount(); ++a) {
        if (pc->axisName(a) == name) {
            return a;
        }
    }
    return -1;
}

} // namespace

class TstSweepsView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tableShowsEachConfigurationWithItsInterval();
    void sweepListShowsTheStatusInTheUsersLanguage();
    void importanceRanksTheParameterThatMatters();
    void brushingAnAxisSelectsItsRunsInTheBrowser();
    void browserSelectionHighlightsLines();
    void paretoFrontHasTheBestConfigurationPerCost();
    void computeAxisDefaultsToOneTheRunsLogged();
    void sweepWithoutComputeMeasureSaysSo();
    void paretoBarsStopWhereTheMeasuresEnd();
    void recursionSweepCountsFlopsPerToken();
    void booleanAxisNamesItsValuesInOneRowOfNames();
    void defaultValueIsNamedOnItsAxisAndInTheTable();
    void lowScoresStandOutOnTheDarkBackground();
    void runsOfARunningSweepAppearAsTheyFinish();
    void launcherBuildsTheSweepCommand();
    void launcherChecksEveryConfigurationWithMor();
    void mainWindowHasTheSweepsTab();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QList<qint64> m_runs; ///< per configuration, per seed
};

void TstSweepsView::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("sweep.sqlite"));
    sweepfixture::SweepWriter writer(m_path.toStdString(), kGridOverrides, {1, 2, 3}, "grid");
    QVERIFY2(writer.ok(), writer.error().c_str());
    for (int c = 0; c < 4; ++c) {
        for (int s = 0; s < 3; ++s) {
            const int64_t run = writer.finish(c, s, gridMetrics(c, s));
            QVERIFY2(run >= 0, writer.error().c_str());
            m_runs << run;
        }
    }
}

void TstSweepsView::tableShowsEachConfigurationWithItsInterval() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    sweeps::SweepsView view(&session, nullptr, {});
    QCOMPARE(view.sweepCount(), 1);
    const sweeps::SweepData& data = view.data();
    QCOMPARE(data.groups.size(), 4);
    QCOMPARE(data.runs.size(), 12);
    QCOMPARE(data.paramKeys,
             (QStringList{QStringLiteral("model.router.top_k"),
                          QStringLiteral("train.learning_rate")}));
    // Configuration 0: accuracies 0.60, 0.62, 0.64: mean 0.62, s = 0.02, t(0.975, 2) = 4.302653,
    // half-width 4.302653 * 0.02 / sqrt(3) = 0.049683.
    const mor::MeanInterval& acc = data.groups[0].group.testAccuracy;
    QCOMPARE(acc.n, 3);
    QVERIFY(std::abs(acc.mean - 0.62) < 1e-12);
    QVERIFY(std::abs(acc.halfWidth() - 0.0496827) < 1e-6);
    // Time per input: 0.5 ms for every seed: no spread, a zero-width interval.
    QVERIFY(std::abs(data.groups[0].latencyMs.mean - 0.5) < 1e-12);
    sweeps::SweepGroupTable* table = view.groupTable();
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->paramCount(), 2);
    QCOMPARE(table->horizontalHeaderItem(0)->text(), QStringLiteral("top_k"));
    QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("learning_rate"));
    int row0 = -1;
    for (int r = 0; r < 4; ++r) {
        row0 = table->groupOfRow(r) == 0 ? r : row0;
    }
    QVERIFY(row0 >= 0);
    QCOMPARE(table->item(row0, 0)->text(), QStringLiteral("1"));
    QCOMPARE(table->item(row0, 1)->text(), QStringLiteral("0.001"));
    using T = sweeps::SweepGroupTable;
    QCOMPARE(table->item(row0, table->column(T::Seeds))->text(), QStringLiteral("3 / 3"));
    QCOMPARE(table->item(row0, table->column(T::TestAccuracy))->text(),
             QStringLiteral("0.620 ± 0.050"));
    // Expert-steps 2.0, 2.1, 2.2 -> FLOPs 2000, 2100, 2200: mean 2100, half-width 248.4.
    QCOMPARE(table->item(row0, table->column(T::Flops))->text(), QStringLiteral("2100 ± 248"));
    QCOMPARE(table->horizontalHeaderItem(table->column(T::Flops))->text(),
             QStringLiteral("FLOPs / input"));
    for (const T::Column c : {T::ExpertSteps, T::Flops, T::TimePerInput}) {
        QVERIFY(!table->isColumnHidden(table->column(c))); // every run logged them
    }
    // Sorting by accuracy (descending) puts configuration 3 (0.73) first.
    table->sortByColumn(table->column(T::TestAccuracy), Qt::DescendingOrder);
    QCOMPARE(table->groupOfRow(0), 3);
}

namespace {
/// A German translator of the run status words alone (no .qm file needed).
class SweepStatusGerman : public QTranslator {
public:
    bool isEmpty() const override { return false; }
    QString translate(const char* context, const char* source, const char*, int) const override {
        return QByteArray(context) == "shell::RunTableModel" && QByteArray(source) == "finished"
                   ? QStringLiteral("beendet")
                   : QString();
    }
};
} // namespace

// The sweep list says "finished" in the user's language (it was English in German, issue 21).
void TstSweepsView::sweepListShowsTheStatusInTheUsersLanguage() {
    SweepStatusGerman german;
    QVERIFY(QCoreApplication::installTranslator(&german));
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    sweeps::SweepsView view(&session, nullptr, {});
    QCoreApplication::removeTranslator(&german);
    auto* list = view.findChild<QComboBox*>(QStringLiteral("sweepChoice"));
    QVERIFY(list);
    QCOMPARE(list->count(), 1);
    QVERIFY2(list->itemText(0).contains(QLatin1String("(beendet,")),
             qPrintable(list->itemText(0)));
}

void TstSweepsView::importanceRanksTheParameterThatMatters() {
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(m_path, &error));
    sweeps::SweepsView view(&session, nullptr, {});
    QTableWidget* table = view.importance()->table();
    QCOMPARE(table->rowCount(), 2);
    // A balanced design: top_k moves the accuracy by ±0.05 (SS 12 * 0.0025 = 0.03), the rate by
    // ±0.005 (SS 0.0003), the seeds by -0.02, 0, 0.02 (SS 8 * 0.0004 = 0.0032); SS_total 0.0335.
    // eta²(top_k) = 0.03 / 0.0335 = 0.896, eta²(rate) = 0.0003 / 0.0335 = 0.009; top_k first.
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("model.router.top_k"));
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("0.90"));
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("train.learning_rate"));
    QCOMPARE(table->item(1, 3)->text(), QStringLiteral("0.01"));
}

void TstSweepsView::brushingAnAxisSelectsItsRunsInTheBrowser() {
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(m_path, &error));
    shell::RunBrowser browser(&session);
    sweeps::SweepsView view(&session, &browser, {});
    view.resize(1100, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    sweeps::ParallelCoordinates* pc = view.parallelCoordinates();
    QCOMPARE(pc->axisName(0), QStringLiteral("top_k"));
    // Drag along the top_k axis over its upper half: the top_k = 2 runs (configurations 2, 3).
    const double x = pc->axisX(0);
    QSignalSpy brushed(pc, &sweeps::ParallelCoordinates::brushed);
    sendMouse(pc, QEvent::MouseButtonPress, QPointF(x, pc->positionY(1.0) - 2), Qt::LeftButton);
    sendMouse(pc, QEvent::MouseMove, QPointF(x, pc->positionY(0.8)), Qt::LeftButton);
    sendMouse(pc, QEvent::MouseMove, QPointF(x, pc->positionY(0.6)), Qt::LeftButton);
    sendMouse(pc, QEvent::MouseButtonRelease, QPointF(x, pc->positionY(0.6)), Qt::NoButton);
    QCOMPARE(brushed.count(), 1);
    QList<qint64> expected = m_runs.mid(6, 6);
    QList<qint64> selected = browser.selectedRuns();
    std::sort(selected.begin(), selected.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(selected, expected);
    // ... and the selection came back as the highlighted lines.
    QList<qint64> lit = pc->highlighted();
    std::sort(lit.begin(), lit.end());
    QCOMPARE(lit, expected);
    // A click on the axis clears its brush.
    sendMouse(pc, QEvent::MouseButtonPress, QPointF(x, pc->positionY(0.5)), Qt::LeftButton);
    sendMouse(pc, QEvent::MouseButtonRelease, QPointF(x, pc->positionY(0.5)), Qt::NoButton);
    QCOMPARE(brushed.count(), 2);
    QVERIFY(brushed.last().first().value<QList<qint64>>().isEmpty());
    QCOMPARE(pc->brushedRuns().size(), 12);
}

void TstSweepsView::browserSelectionHighlightsLines() {
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(m_path, &error));
    shell::RunBrowser browser(&session);
    sweeps::SweepsView view(&session, &browser, {});
    browser.selectRun(m_runs[4]); // configuration 1, seed 2
    QCOMPARE(view.parallelCoordinates()->highlighted(), QList<qint64>{m_runs[4]});
    // Its position on the accuracy axis: 0.63 in [0.60, 0.75] -> (0.63 - 0.60) / 0.15.
    const int accuracyAxis = 2;
    QCOMPARE(view.parallelCoordinates()->axisName(accuracyAxis), QStringLiteral("test accuracy"));
    QVERIFY(std::abs(view.parallelCoordinates()->position(accuracyAxis, m_runs[4]) -
                     0.03 / 0.15) < 1e-9);
    // Selecting a configuration in the table selects its three runs in the browser.
    view.groupTable()->selectRow(0);
    QList<qint64> selected = browser.selectedRuns();
    std::sort(selected.begin(), selected.end());
    QCOMPARE(selected, m_runs.mid(0, 3));
}

void TstSweepsView::computeAxisDefaultsToOneTheRunsLogged() {
    // A sweep of runs that log no FLOPs and no expert-steps, only time.
    const QString path = m_dir->filePath(QStringLiteral("timeonly.sqlite"));
    const ViewedSweep sweep(path, kGridOverrides, {1, 2}, [](int c, int s) {
        sweepfixture::Metrics m = gridMetrics(c, s);
        m.flops = m.expertSteps = std::nan("");
        return m;
    });
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    const sweeps::SweepsView& view = *sweep.view;
    QCOMPARE(view.data().groups.size(), 4);
    sweeps::ParetoPlot* pareto = view.findChild<sweeps::ParetoPlot*>();
    QVERIFY(pareto);
    // FLOPs, the default, has no values: the plot shows time per input, its points and front.
    QCOMPARE(pareto->cost(), sweeps::LatencyMs);
    QCOMPARE(view.findChild<QComboBox*>(QStringLiteral("sweepCost"))->currentData().toInt(),
             int(sweeps::LatencyMs));
    QVERIFY(!pareto->front().isEmpty());
    QVERIFY(pareto->emptyText().isEmpty());
    // Chosen by hand, an axis without values says so in the plot.
    pareto->setCost(sweeps::Flops);
    QVERIFY(pareto->emptyText().contains(QStringLiteral("FLOPs per input")));
}

void TstSweepsView::sweepWithoutComputeMeasureSaysSo() {
    // Runs that log none of the three (as recursion runs did): the note asked to choose another
    // compute axis, and no other had values either.
    const QString path = m_dir->filePath(QStringLiteral("nocompute.sqlite"));
    const ViewedSweep sweep(path, kGridOverrides, {1, 2}, [](int c, int s) {
        sweepfixture::Metrics m = gridMetrics(c, s);
        m.flops = m.expertSteps = m.latencyMs = std::nan("");
        return m;
    });
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    const sweeps::SweepsView& view = *sweep.view;
    QCOMPARE(view.data().groups.size(), 4);
    const sweeps::ParetoPlot* pareto = view.findChild<sweeps::ParetoPlot*>();
    QVERIFY(pareto && pareto->front().isEmpty());
    QVERIFY2(pareto->emptyText().contains(QStringLiteral("no compute measure")),
             qPrintable(pareto->emptyText()));
    QVERIFY(!pareto->emptyText().contains(QStringLiteral("choose another")));
}

void TstSweepsView::paretoBarsStopWhereTheMeasuresEnd() {
    // Configuration 0's two seeds disagree (accuracy 0.05 and 0.95, FLOPs 100 and 19900): the
    // Student-t half-widths (12.7 x 0.45 and 12.7 x 9900) reach far past accuracy 0 and 1 and
    // below zero compute. The bars stop there, and so does the axis (with its padding). Its
    // mean cost (10000) is the highest, so its point is the last by cost but the first group:
    // its bar must still sit on its own point (accuracy 0.5), the others' stay short.
    const QString path = m_dir->filePath(QStringLiteral("spread.sqlite"));
    const ViewedSweep sweep(path, kGridOverrides, {1, 2}, [](int c, int s) {
        sweepfixture::Metrics m = gridMetrics(c, s);
        if (c == 0) {
            m.accuracy = s == 1 ? 0.05 : 0.95;
            m.flops = s == 1 ? 100.0 : 19900.0;
        }
        return m;
    });
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    auto* plot = sweep.view->paretoPlot()->findChild<QCustomPlot*>();
    QVERIFY(plot);
    int bars = 0;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        auto* errors = qobject_cast<QCPErrorBars*>(plot->plottable(i));
        if (!errors) {
            continue;
        }
        auto* points = qobject_cast<QCPGraph*>(errors->dataPlottable());
        QVERIFY(points);
        for (int k = 0; k < errors->dataCount(); ++k) {
            const QCPErrorBarsData e = errors->data()->at(k);
            const double key = points->data()->at(k)->key, value = points->data()->at(k)->value;
            if (errors->errorType() == QCPErrorBars::etValueError) {
                QVERIFY(value - e.errorMinus >= -1e-12 && value + e.errorPlus <= 1.0 + 1e-12);
                const bool wide = std::abs(value - 0.5) < 1e-9;
                QCOMPARE(wide, std::abs(key - 10000.0) < 1e-6);
                QVERIFY(wide ? e.errorMinus == 0.5 && e.errorPlus == 0.5 : e.errorPlus < 0.2);
            } else {
                QVERIFY(key - e.errorMinus >= -1e-9);
            }
            ++bars;
        }
    }
    QCOMPARE(bars, 8); // 4 configurations, a bar on each axis
    QVERIFY(plot->yAxis->range().lower > -0.2 && plot->yAxis->range().upper < 1.2);
    // Below zero compute only the padding (8% of the span).
    QVERIFY(plot->xAxis->range().lower >= -0.1 * plot->xAxis->range().upper);
}

void TstSweepsView::recursionSweepCountsFlopsPerToken() {
    // Sequence models log test/flops per token (core/src/seq/sequence_eval.cpp): every place
    // that names the measure says so. A reflection sweep's say per input (the tests above).
    const QString path = m_dir->filePath(QStringLiteral("recursion.sqlite"));
    const std::vector<std::string> overrides = {
        R"({"model.family": "recursion", "data.kind": "pointer_chase",
            "model.recursion.recursions": 2})",
        R"({"model.family": "recursion", "data.kind": "pointer_chase",
            "model.recursion.recursions": 3})"};
    const ViewedSweep sweep(path, overrides, {1, 2}, [](int c, int s) {
        sweepfixture::Metrics m = gridMetrics(c, s);
        m.expertSteps = m.latencyMs = std::nan("");
        return m;
    });
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    const sweeps::SweepsView& view = *sweep.view;
    QCOMPARE(view.data().groups.size(), 2);
    QVERIFY(view.data().perToken);
    const auto* table = view.findChild<sweeps::SweepGroupTable*>();
    QVERIFY(table);
    QCOMPARE(table->horizontalHeaderItem(table->column(sweeps::SweepGroupTable::Flops))->text(),
             QStringLiteral("FLOPs / token"));
    // No run logged expert-steps or time: those columns are hidden, FLOPs is not.
    QVERIFY(table->isColumnHidden(table->column(sweeps::SweepGroupTable::ExpertSteps)));
    QVERIFY(table->isColumnHidden(table->column(sweeps::SweepGroupTable::TimePerInput)));
    QVERIFY(!table->isColumnHidden(table->column(sweeps::SweepGroupTable::Flops)));
    QVERIFY(axisNamed(sweep.coordinates(), QStringLiteral("FLOPs / token")) >= 0);
    QCOMPARE(axisNamed(sweep.coordinates(), QStringLiteral("FLOPs / input")), -1);
    auto* plot = sweep.view->paretoPlot()->findChild<QCustomPlot*>();
    QVERIFY(plot);
    QCOMPARE(plot->xAxis->label(), QStringLiteral("FLOPs per token"));
    QVERIFY(!sweep.view->paretoPlot()->front().isEmpty());
    const auto* cost = view.findChild<QComboBox*>(QStringLiteral("sweepCost"));
    QCOMPARE(cost->itemText(0), QStringLiteral("FLOPs per token"));
    QCOMPARE(cost->currentData().toInt(), int(sweeps::Flops));
}

void TstSweepsView::booleanAxisNamesItsValuesInOneRowOfNames() {
    const QString path = m_dir->filePath(QStringLiteral("boolean.sqlite"));
    const ViewedSweep sweep(path,
                             {R"({"model.router.renormalize": false, "model.router.top_k": 1})",
                              R"({"model.router.renormalize": true, "model.router.top_k": 1})",
                              R"({"model.router.renormalize": false, "model.router.top_k": 2})"});
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    sweeps::ParallelCoordinates* pc = sweep.coordinates();
    pc->resize(900, 340);
    const int axis = axisNamed(pc, QStringLiteral("renormalize"));
    QVERIFY(axis >= 0);
    // As the table writes them (it said "false", the axis "0").
    QCOMPARE(pc->tickLabels(axis), (QStringList{QStringLiteral("false"), QStringLiteral("true")}));
    // Short names at 900 px: one row, all at the same height (they alternated rows).
    QVERIFY(!pc->namesStaggered());
}

void TstSweepsView::defaultValueIsNamedOnItsAxisAndInTheTable() {
    // A configuration without the parameter runs with its default: "" on the axis, unlabelled.
    const QString path = m_dir->filePath(QStringLiteral("default.sqlite"));
    const ViewedSweep sweep(
        path, {R"({"model.recursion.kv_sharing": false})",
               R"({"model.recursion.kv_sharing": false, "model.recursion.capacity": [1, 0.5]})"});
    QVERIFY2(sweep.error.empty(), sweep.error.c_str());
    sweeps::ParallelCoordinates* pc = sweep.coordinates();
    const int axis = axisNamed(pc, QStringLiteral("capacity"));
    QVERIFY(axis >= 0);
    const QStringList labels = pc->tickLabels(axis);
    QCOMPARE(labels.size(), 2);
    QCOMPARE(labels.first(), QStringLiteral("default"));
    QVERIFY(!labels.last().isEmpty());
    // A label right of an inner axis may reach the next axis (German "Standard" was cut at the
    // 48 px margin); the last axis keeps the margin.
    pc->resize(700, 340);
    QVERIFY(axis + 1 < pc->axisCount());
    const QFontMetricsF fm(pc->font());
    QVERIFY(pc->tickLabelRoom(axis) >= fm.horizontalAdvance(QStringLiteral("Standard")));
    QCOMPARE(pc->tickLabelRoom(axis), pc->axisX(axis + 1) - pc->axisX(axis) - 10);
    QCOMPARE(pc->tickLabelRoom(pc->axisCount() - 1), 48.0);
    // The table names it the same way (its cell was empty). Columns 0 and 1: the parameters.
    const sweeps::SweepGroupTable* table = sweep.view->groupTable();
    QStringList cells;
    for (int row = 0; row < table->rowCount(); ++row) {
        cells << table->item(row, 0)->text() << table->item(row, 1)->text();
    }
    QVERIFY2(cells.contains(QStringLiteral("default")) && !cells.contains(QString()),
             qPrintable(cells.join(QStringLiteral(" | "))));
    // kv_sharing is false in both configurations: no axis, named above the plot instead.
    QCOMPARE(axisNamed(pc, QStringLiteral("kv_sharing")), -1);
    using Constants = QList<QPair<QString, QString>>;
    QCOMPARE(pc->constantParameters(),
             (Constants{{QStringLiteral("kv_sharing"), QStringLiteral("false")}}));
    const auto* hint = sweep.view->findChild<QLabel*>(QStringLiteral("sweepsParallelHint"));
    QVERIFY(hint && hint->text().contains(QStringLiteral("(no axis): kv_sharing false")));
}

void TstSweepsView::lowScoresStandOutOnTheDarkBackground() {
    // The lowest score's line was viridis' dark purple on the dark theme's base: 1.4:1.
    common::Theme::apply(common::Theme::Kind::Dark);
    const QColor dark = QApplication::palette().color(QPalette::Base);
    common::Theme::apply(common::Theme::Kind::Light);
    const QColor light = QApplication::palette().color(QPalette::Base);
    for (const double share : {0.0, 0.25, 0.5, 0.75, 1.0}) {
        const QColor line = sweeps::ParallelCoordinates::scoreColor(share, dark);
        QVERIFY2(common::contrastRatio(line, dark) >= 3.0,
                 qPrintable(QStringLiteral("%1 at %2: %3:1")
                                .arg(line.name())
                                .arg(share)
                                .arg(common::contrastRatio(line, dark))));
    }
    // Low and high scores still differ, and the light theme keeps its dark low end.
    using sweeps::ParallelCoordinates;
    QVERIFY(common::contrastRatio(ParallelCoordinates::scoreColor(0.0, dark),
                                  ParallelCoordinates::scoreColor(1.0, dark)) >= 2.0);
    QVERIFY(common::contrastRatio(ParallelCoordinates::scoreColor(0.0, light), light) >= 7.0);
}

void TstSweepsView::paretoFrontHasTheBestConfigurationPerCost() {
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(m_path, &error));
    sweeps::SweepsView view(&session, nullptr, {});
    // FLOPs: configurations 0 and 1 cost 2100, 2 and 3 cost 4100; 1 and 3 are more accurate.
    QCOMPARE(view.paretoPlot()->front(), (QList<int>{1, 3}));
    // Time per input: 0.5, 0.6, 0.7, 0.8 ms with accuracies .62, .63, .72, .73: all on it.
    view.paretoPlot()->setCost(sweeps::LatencyMs);
    QCOMPARE(view.paretoPlot()->front(), (QList<int>{0, 1, 2, 3}));
}

void TstSweepsView::runsOfARunningSweepAppearAsTheyFinish() {
    const QString path = m_dir->filePath(QStringLiteral("live.sqlite"));
    sweepfixture::SweepWriter writer(path.toStdString(),
                                     {kGridOverrides[0], kGridOverrides[2]}, {1, 2}, "live");
    QVERIFY2(writer.ok(), writer.error().c_str());
    QVERIFY(writer.finish(0, 0, gridMetrics(0, 0)) >= 0);
    QVERIFY(writer.finish(0, 1, gridMetrics(0, 1)) >= 0);
    QVERIFY(writer.finish(1, 0, gridMetrics(2, 0)) >= 0);
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(path, &error));
    sweeps::SweepsView view(&session, nullptr, {});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.data().info.status, std::string("running")); // this process owns it
    QCOMPARE(view.data().runs.size(), 3);
    QCOMPARE(view.data().groups[1].group.n, 1);
    QCOMPARE(view.data().info.finished, 3);
    QVERIFY(writer.finish(1, 1, gridMetrics(2, 1)) >= 0);
    session.poll(); // what the session's timer does every second
    QCOMPARE(view.data().runs.size(), 4);
    QCOMPARE(view.data().groups[1].group.n, 2);
    QCOMPARE(view.groupTable()->rowCount(), 2);
    writer.release();
}

void TstSweepsView::launcherBuildsTheSweepCommand() {
    sweeps::SweepLauncher launcher;
    launcher.setLogPath(QStringLiteral("/tmp/x.sqlite"));
    launcher.setBaseConfig(QString::fromStdString(mor::toJson(mor::ExperimentConfig{})));
    launcher.addAxis(QStringLiteral("model.router.top_k"), QStringLiteral("1,2"));
    launcher.addAxis(QStringLiteral("train.learning_rate"), QStringLiteral("0.001,0.003,0.01"));
    launcher.setSeeds(QStringLiteral("1-3,7"));
    launcher.setJobs(3);
    launcher.setThreadsPerWorker(1);
    launcher.setSweepName(QStringLiteral("grid"));
    QCOMPARE(launcher.plannedRuns(), 2 * 3 * 4);
    QCOMPARE(launcher.arguments(QStringLiteral("base.json"), false),
             (QStringList{"sweep", "--config", "base.json", "--log", "/tmp/x.sqlite", "--grid",
                          "model.router.top_k=1,2", "--grid",
                          "train.learning_rate=0.001,0.003,0.01", "--seeds", "1-3,7", "--name",
                          "grid", "--jobs", "3", "--threads", "1", "--json"}));
    QVERIFY(launcher.arguments(QStringLiteral("b.json"), true).contains("--dry-run"));
    launcher.setSeeds(QStringLiteral("3-1"));
    QCOMPARE(launcher.plannedRuns(), 0); // not a range: nothing to start
}

void TstSweepsView::launcherChecksEveryConfigurationWithMor() {
    const QString mor = QStringLiteral(MOR_BINARY_DIR "/app/cli/mor");
    QVERIFY2(QFileInfo(mor).isExecutable(), qPrintable(mor));
    sweeps::SweepLauncher launcher;
    launcher.setMorProgram(mor);
    launcher.setLogPath(m_path);
    launcher.setBaseConfig(QString::fromStdString(mor::toJson(mor::ExperimentConfig{})));
    launcher.addAxis(QStringLiteral("model.router.top_k"), QStringLiteral("1,2"));
    launcher.setSeeds(QStringLiteral("1,2"));
    QSignalSpy finished(&launcher, &sweeps::SweepLauncher::finished);
    QVERIFY(launcher.start(true));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(0).toInt(), 0);
    QVERIFY2(launcher.output().contains(QStringLiteral("4 runs; every configuration is valid")),
             qPrintable(launcher.output()));
    // An invalid value is refused before anything runs, naming the field.
    launcher.addAxis(QStringLiteral("train.learning_rate"), QStringLiteral("-1"));
    QVERIFY(launcher.start(true));
    QVERIFY(finished.wait(30000));
    QVERIFY(finished.last().at(0).toInt() != 0);
    QVERIFY2(launcher.output().contains(QStringLiteral("learning_rate")),
             qPrintable(launcher.output()));
}

void TstSweepsView::mainWindowHasTheSweepsTab() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    auto* view = window.findChild<sweeps::SweepsView*>();
    QVERIFY(view);
    QCOMPARE(window.tabs()->tabText(window.tabs()->indexOf(view)), QStringLiteral("Sweeps"));
    window.tabs()->setCurrentWidget(view);
    // In the window the view reads on the session's view pool (issue 21).
    QTRY_VERIFY(!view->isReading());
    QCOMPARE(view->sweepCount(), 1);
    QCOMPARE(view->data().runs.size(), 12);
}

QTEST_MAIN(TstSweepsView)
#include "tst_sweepsview.moc"
