// The Compare view on a log with three runs: two differ only in train.seed, the third in
// model.router.top_k. The config diff, the seed groups (mean and 95% CI band), the summary, the
// curves on each x axis (step, wall time, FLOPs, expert-steps), the Welch t-test between two
// seed groups and the smoothing arithmetic are checked against the values written.
#include "compare/compareconfigdiff.h"
#include "compare/comparecurves.h"
#include "compare/comparedata.h"
#include "compare/comparegroups.h"
#include "compare/comparesummary.h"
#include "compare/compareview.h"
#include "compare/compareroutingpair.h"
#include "compare/compareprunepair.h"
#include "compare/compareread.h"
#include "common/routingheatmap.h"
#include "shell/mainwindow.h"
#include "shell/runbrowser.h"
#include "common/theme.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QSemaphore>
#include <QThreadPool>
#include <QtTest>
#include <qcustomplot.h>

#include <cmath>

class TstCompareView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void differencesOnlyShowsExactlyTheDifferingLeaves();
    void allLeavesShownWithoutTheSwitch();
    void runsDifferingOnlyInSeedFormOneGroup();
    void groupedPlotDrawsOneCurvePerGroup();
    void summaryHasBestAndFinalValidationAccuracy();
    void summaryCopyIsTabSeparated();
    void fewerThanTwoSelectedRunsShowsTheLogsRuns();
    void hoverTextListsEveryRunAtTheNearestStep();
    void wallTimeAxisStartsAtZeroPerRun();
    void computeAxesCountInputsSeenTimesCostPerInput();
    void groupsTabTestsTwoSeedGroupsWithWelch();
    void logScaleSwitchesTheValueAxis();
    void mainWindowComparesTheBrowserSelection();
    void routingTabShowsTwoRunsOnOneScale();
    void curvesGetMostOfTheHeightAndTheSummaryItsRows();
    void settingsSurviveARestart();
    void readsOnAPoolShowWhatReadsHereShow();
    void emaWithBiasCorrection_data();
    void emaWithBiasCorrection();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<const mor::LogReader> m_reader;
    QString m_path;
    QList<qint64> m_runs;
    // Logged val/accuracy per run (steps 10, 20, 30, 40).
    QList<QVector<double>> m_val = {
        {0.50, 0.80, 0.90, 0.85}, {0.55, 0.70, 0.95, 0.92}, {0.40, 0.60, 0.65, 0.75}};
};

void TstCompareView::initTestCase() {
    // The main window test stores recent logs and window state: keep them out of the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
    const std::string path = m_path.toStdString();
    std::string error;
    auto log = mor::ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    mor::ExperimentConfig config;
    config.name = "twin";
    std::vector<mor::ExperimentConfig> configs(3, config);
    configs[1].train.seed = config.train.seed + 1;
    configs[2].model.router.topK = config.model.router.topK + 1;
    for (int r = 0; r < 3; ++r) {
        mor::RunInfo info;
        info.name = "run" + std::to_string(r);
        info.configJson = mor::toJson(configs[r]);
        info.seed = configs[r].train.seed;
        const int64_t id = log->createRun(info);
        for (int i = 0; i < 4; ++i) {
            log->logMetrics(id, 10 * (i + 1),
                            {{"val/accuracy", m_val[r][i]},
                             {"train/loss", 1.0 / (i + 1)},
                             {"val/flops", 100.0 * (r + 1)},
                             {"val/expert_steps", 2.0 + (i >= 2 ? 1.0 : 0.0)}});
        }
        log->logMetrics(id, 40, {{"test/accuracy", 0.8 + 0.01 * r}, {"test/mean_depth", 2.5}});
        if (r > 0) { // runs 1 and 2 have a routing snapshot, run 0 has none
            const float a = 0.1f * float(r);
            log->logRouting(id, 40, 3, 2, {a, 1 - a, 0.5f, 0.5f, 1 - a, a}, {1, 0, 1, 1, 0, 1},
                            {7, 8, 9});
        }
        log->setStatus(id, "finished");
        m_runs << id;
    }
    log->flush();
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(m_reader, error.c_str());
}

void TstCompareView::init() {
    // The view stores its settings: each test starts from the defaults.
    QSettings().remove(QStringLiteral("compare"));
}

void TstCompareView::differencesOnlyShowsExactlyTheDifferingLeaves() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setDifferencesOnly(true);
    QStringList leaves = view.diffLeaves();
    leaves.sort();
    // The names differ only in the run info, not in the config: "name" is the same leaf.
    QCOMPARE(leaves, QStringList({"model.router.top_k", "train.seed"}));
    QCOMPARE(view.diffRowCount(), 2);
}

void TstCompareView::allLeavesShownWithoutTheSwitch() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setDifferencesOnly(false);
    const auto all = mor::flattenConfigJson(m_reader->run(m_runs[0])->configJson);
    QCOMPARE(view.diffRowCount(), static_cast<int>(all.size()));
    QVERIFY(view.diffRowCount() > 10);
}

void TstCompareView::runsDifferingOnlyInSeedFormOneGroup() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    QCOMPARE(view.groupCount(), 2);
    std::vector<std::string> configs;
    for (qint64 id : m_runs) {
        configs.push_back(m_reader->run(id)->configJson);
    }
    const QList<QList<int>> groups = compare::seedGroups(configs);
    QCOMPARE(groups, (QList<QList<int>>{{0, 1}, {2}}));
}

void TstCompareView::groupedPlotDrawsOneCurvePerGroup() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setMetric(QStringLiteral("val/accuracy"));
    view.setSmoothing(0.0);
    QCOMPARE(view.curves()->curveCount(), 3);
    view.setGroupBySeed(true);
    QCOMPARE(view.curves()->curveCount(), 2);
    // Group of runs 0 and 1: mean curve inside its 95% Student-t band. With no smoothing there
    // is no faint raw graph: lower, upper, mean for the group, then the single run's line.
    // Two runs a, b: s = |a - b| / sqrt(2), half-width t(0.975, 1) * s / sqrt(2) with
    // t(0.975, 1) = 12.706204736174707 (scipy.stats.t.ppf).
    QCustomPlot* plot = view.curves()->plot();
    QCOMPARE(plot->graphCount(), 4);
    QCPGraph* lower = plot->graph(0);
    QCPGraph* upper = plot->graph(1);
    QCPGraph* mean = plot->graph(2);
    QCOMPARE(lower->channelFillGraph(), upper);
    QCOMPARE(mean->dataCount(), 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(mean->data()->at(i)->value, (m_val[0][i] + m_val[1][i]) / 2.0);
        const double mid = (m_val[0][i] + m_val[1][i]) / 2.0;
        const double half = 12.706204736174707 * std::abs(m_val[0][i] - m_val[1][i]) / 2.0;
        QVERIFY(std::abs(lower->data()->at(i)->value - (mid - half)) < 1e-9);
        QVERIFY(std::abs(upper->data()->at(i)->value - (mid + half)) < 1e-9);
    }
}

void TstCompareView::summaryHasBestAndFinalValidationAccuracy() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    QCOMPARE(view.summaryRowCount(), 3);
    for (int row = 0; row < 3; ++row) {
        const QString name = view.summaryValue(row, compare::CompareSummary::Name).toString();
        const int r = name.mid(3, 1).toInt(); // "runN (#id)"
        const QVector<double>& val = m_val[r];
        QCOMPARE(view.summaryValue(row, compare::CompareSummary::BestValAccuracy).toDouble(),
                 *std::max_element(val.begin(), val.end()));
        QCOMPARE(view.summaryValue(row, compare::CompareSummary::FinalValAccuracy).toDouble(),
                 val.back());
        QCOMPARE(view.summaryValue(row, compare::CompareSummary::TestAccuracy).toDouble(),
                 0.8 + 0.01 * r);
        QCOMPARE(view.summaryValue(row, compare::CompareSummary::TestMeanDepth).toDouble(), 2.5);
        QCOMPARE(view.summaryValue(row, compare::CompareSummary::Status).toString(),
                 QStringLiteral("finished"));
        QVERIFY(!view.summaryValue(row, compare::CompareSummary::TestConflictRate).isValid());
    }
    // Sorting by best accuracy descending puts run1 (0.95) first.
    view.summary()->sortItems(compare::CompareSummary::BestValAccuracy, Qt::DescendingOrder);
    QCOMPARE(view.summaryValue(0, compare::CompareSummary::BestValAccuracy).toDouble(), 0.95);
    QCOMPARE(view.summaryValue(2, compare::CompareSummary::BestValAccuracy).toDouble(), 0.75);
}

void TstCompareView::summaryCopyIsTabSeparated() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    compare::CompareSummary* summary = view.summary();
    summary->sortItems(compare::CompareSummary::Name, Qt::AscendingOrder);
    summary->setRangeSelected(QTableWidgetSelectionRange(0, compare::CompareSummary::Name, 1,
                                                         compare::CompareSummary::BestValAccuracy),
                              true);
    const QStringList lines = summary->selectionAsText().trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0].split(QLatin1Char('\t')).size(), 4);
    const QStringList first = lines[1].split(QLatin1Char('\t'));
    QVERIFY(first[0].startsWith(QStringLiteral("run0")));
    QCOMPARE(first[3].toDouble(), 0.9);
    summary->copySelection();
    QCOMPARE(QApplication::clipboard()->text(), summary->selectionAsText());
}

void TstCompareView::fewerThanTwoSelectedRunsShowsTheLogsRuns() {
    compare::CompareView view;
    view.setRuns(m_reader, {m_runs[1]});
    QCOMPARE(view.shownRuns(), m_runs);
}

void TstCompareView::hoverTextListsEveryRunAtTheNearestStep() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setMetric(QStringLiteral("val/accuracy"));
    view.setSmoothing(0.0);
    const QStringList lines = view.curves()->valuesAt(22.0).split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("step 22"));
    QVERIFY2(lines[1].contains(QStringLiteral(": 0.8 (step 20)")), qPrintable(lines[1]));
    QVERIFY2(lines[2].contains(QStringLiteral(": 0.7 (step 20)")), qPrintable(lines[2]));
    QVERIFY2(lines[3].contains(QStringLiteral(": 0.6 (step 20)")), qPrintable(lines[3]));
}

void TstCompareView::wallTimeAxisStartsAtZeroPerRun() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setMetric(QStringLiteral("val/accuracy"));
    view.setSmoothing(0.0);
    view.curves()->setXAxis(compare::CompareCurves::XAxis::WallTime);
    QCustomPlot* plot = view.curves()->plot();
    QCOMPARE(plot->graphCount(), 3);
    for (int g = 0; g < plot->graphCount(); ++g) {
        QCOMPARE(plot->graph(g)->data()->at(0)->key, 0.0);
        QVERIFY(plot->graph(g)->data()->at(3)->key >= 0.0);
    }
    QCOMPARE(plot->xAxis->label(), QStringLiteral("wall time (s)"));
}

void TstCompareView::computeAxesCountInputsSeenTimesCostPerInput() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setMetric(QStringLiteral("val/accuracy"));
    view.setSmoothing(0.0);
    const mor::ExperimentConfig config;
    const double perStep = double(config.train.batchSize * config.train.accumulation);
    // FLOPs: run r measured 100 (r + 1) per input at every evaluation; at step 10 (i + 1) it has
    // seen 10 (i + 1) x batch inputs.
    view.setXAxis(compare::CompareCurves::XAxis::Flops);
    QCustomPlot* plot = view.curves()->plot();
    QCOMPARE(plot->graphCount(), 3);
    for (int r = 0; r < 3; ++r) {
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(plot->graph(r)->data()->at(i)->key,
                     10.0 * (i + 1) * perStep * 100.0 * (r + 1));
        }
    }
    QVERIFY(plot->xAxis->label().contains(QStringLiteral("FLOPs")));
    // Expert-steps: 2 per input until the evaluation at step 30 measures 3 (from step 30 on):
    // steps 10, 20, 30 at 2 each, then 10 more at 3 -> 20, 40, 60, 90 (x inputs per step).
    view.setXAxis(compare::CompareCurves::XAxis::ExpertSteps);
    const double expected[] = {20, 40, 60, 90};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(plot->graph(0)->data()->at(i)->key, expected[i] * perStep);
    }
    QVERIFY(plot->xAxis->label().contains(QStringLiteral("expert-steps")));
}

void TstCompareView::groupsTabTestsTwoSeedGroupsWithWelch() {
    // Two configurations x 5 seeds whose final val/accuracy are scipy's example: Welch's t-test
    // (scipy.stats.ttest_ind(a, b, equal_var=False)) t = 3.5704296, p = 0.0077128, and
    // Welch–Satterthwaite dof = 7.7297228.
    const std::vector<double> a{0.81, 0.84, 0.79, 0.86, 0.83}, b{0.76, 0.80, 0.74, 0.78, 0.77};
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("welch.sqlite")).toStdString();
    std::string error;
    QList<qint64> runs;
    {
        auto log = mor::ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        for (int g = 0; g < 2; ++g) {
            for (int seed = 0; seed < 5; ++seed) {
                mor::ExperimentConfig config;
                config.train.seed = seed + 1;
                config.model.router.topK = 1 + g;
                mor::RunInfo info;
                info.name = g == 0 ? "top1" : "top2";
                info.configJson = mor::toJson(config);
                const int64_t id = log->createRun(info);
                log->logMetrics(id, 10, {{"val/accuracy", 0.5}});
                log->logMetrics(id, 20, {{"val/accuracy", (g == 0 ? a : b)[size_t(seed)]}});
                log->setStatus(id, "finished");
                runs << id;
            }
        }
        log->flush();
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(reader, error.c_str());
    compare::CompareView view;
    view.setRuns(reader, runs);
    view.setMetric(QStringLiteral("val/accuracy"));
    QCOMPARE(view.groupCount(), 2);
    QCOMPARE(view.groups()->table()->rowCount(), 2);
    // The first two groups with two or more runs are tested at once.
    const compare::WelchResult r = view.groups()->test();
    QVERIFY(std::abs(r.t - 3.5704295931546914) < 1e-9);
    QVERIFY(std::abs(r.dof - 7.729722825392776) < 1e-9);
    QVERIFY(std::abs(r.p - 0.00771282973687553) < 1e-9);
    const QString text = view.groups()->testText();
    QVERIFY2(text.contains(QStringLiteral("t = 3.57")) &&
                 text.contains(QStringLiteral("dof = 7.7")) &&
                 text.contains(QStringLiteral("p = 0.0077")),
             qPrintable(text));
    // Group 1's final values 0.81..0.86: mean 0.826 ± t(0.975, 4) 2.776445 * s / sqrt(5).
    QCOMPARE(view.groups()->table()->item(0, 2)->text(), QStringLiteral("0.826 ± 0.034"));
    // Grouped curves: each group is one mean curve in its CI band.
    view.setGroupBySeed(true);
    QCOMPARE(view.curves()->curveCount(), 2);
}

void TstCompareView::logScaleSwitchesTheValueAxis() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.setMetric(QStringLiteral("train/loss"));
    view.curves()->setLogScale(true);
    QCustomPlot* plot = view.curves()->plot();
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(plot->yAxis->range().lower > 0.0);
    QVERIFY(plot->yAxis->range().contains(0.25) && plot->yAxis->range().contains(1.0));
    view.curves()->setLogScale(false);
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLinear);
}

void TstCompareView::mainWindowComparesTheBrowserSelection() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    QVERIFY(window.showView(QStringLiteral("compare")));
    QCOMPARE(window.tabs()->currentWidget(), window.compareView());
    QTableView* table = window.runBrowser()->view();
    QCOMPARE(table->model()->rowCount(), 3);
    table->selectionModel()->clearSelection();
    for (int row : {0, 2}) {
        table->selectionModel()->select(table->model()->index(row, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
    // Compare reads the selection once a worker found the log readable (issue 21).
    QTRY_COMPARE(window.compareView()->shownRuns().size(), 2);
    QList<qint64> shown = window.compareView()->shownRuns();
    QList<qint64> selected = window.runBrowser()->selectedRuns();
    std::sort(shown.begin(), shown.end());
    std::sort(selected.begin(), selected.end());
    QCOMPARE(selected.size(), 2);
    QCOMPARE(shown, selected);
    QCOMPARE(window.compareView()->summaryRowCount(), 2);
}

// In a window the view reads on the log session's view pool (issue 21): what it shows once
// the reads come back equals what a view reading on this thread shows, for the runs and for
// another metric chosen afterwards (its curves are read on the pool too).
void TstCompareView::readsOnAPoolShowWhatReadsHereShow() {
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    compare::CompareView here, pooled;
    pooled.setReadPool(&pool);
    here.setRuns(m_reader, m_runs);
    pooled.setRuns(m_reader, m_runs);
    QVERIFY(pooled.isReading());
    QVERIFY(pooled.shownRuns().isEmpty()); // nothing shown until the read is back
    QTRY_VERIFY(!pooled.isReading());
    const auto sameAsHere = [&] {
        QCOMPARE(pooled.shownRuns(), m_runs);
        QCOMPARE(pooled.shownRuns(), here.shownRuns());
        QCOMPARE(pooled.metric(), here.metric());
        QCOMPARE(pooled.summaryRowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            for (int column = 0; column < compare::CompareSummary::ColumnCount; ++column) {
                QCOMPARE(pooled.summaryValue(row, column), here.summaryValue(row, column));
            }
        }
        QCOMPARE(pooled.diffLeaves(), here.diffLeaves());
        QCOMPARE(pooled.groupCount(), here.groupCount());
        for (int side = 0; side < 2; ++side) {
            QCOMPARE(pooled.routingPair()->shownRun(side), m_runs[side + 1]);
        }
        QCOMPARE(pooled.curves()->curveCount(), 3);
        for (double step : {10.0, 20.0, 30.0, 40.0}) {
            QCOMPARE(pooled.curves()->valuesAt(step), here.curves()->valuesAt(step));
        }
    };
    sameAsHere();
    QCOMPARE(pooled.metric(), QStringLiteral("val/accuracy"));
    QVERIFY(pooled.curves()->valuesAt(30.0).contains(QStringLiteral("0.95")));

    here.setMetric(QStringLiteral("train/loss"));
    pooled.setMetric(QStringLiteral("train/loss"));
    QVERIFY(pooled.isReading()); // its curves
    QTRY_VERIFY(!pooled.isReading());
    sameAsHere();
    QVERIFY(pooled.curves()->valuesAt(20.0).contains(QStringLiteral("0.5")));

    // A metric chosen while a re-read is under way is the one shown once the reads are back
    // (the re-read chose the metric shown when it was asked for).
    QSemaphore gate;
    pool.start([&gate] { gate.acquire(); }); // holds the pool's one thread
    pooled.refresh();
    pooled.setMetric(QStringLiteral("val/accuracy"));
    here.setMetric(QStringLiteral("val/accuracy"));
    gate.release();
    QTRY_VERIFY(!pooled.isReading());
    sameAsHere();
    QCOMPARE(pooled.metric(), QStringLiteral("val/accuracy"));
    QVERIFY(pooled.curves()->valuesAt(30.0).contains(QStringLiteral("0.95")));
}

void TstCompareView::emaWithBiasCorrection_data() {
    QTest::addColumn<double>("weight");
    QTest::addColumn<QVector<double>>("input");
    QTest::addColumn<QVector<double>>("expected");
    QTest::newRow("no smoothing") << 0.0 << QVector<double>{1, 2, 3} << QVector<double>{1, 2, 3};
    // Bias correction: a constant stays constant from the first point on.
    QTest::newRow("constant") << 0.9 << QVector<double>{5, 5, 5} << QVector<double>{5, 5, 5};
    // w = 0.5: s1 = 0.5*2 = 1 -> 1/0.5 = 2; s2 = 0.5*1 + 0.5*4 = 2.5 -> 2.5/0.75 = 10/3.
    QTest::newRow("two points") << 0.5 << QVector<double>{2, 4} << QVector<double>{2, 10.0 / 3.0};
}

void TstCompareView::emaWithBiasCorrection() {
    QFETCH(double, weight);
    QFETCH(QVector<double>, input);
    QFETCH(QVector<double>, expected);
    const QVector<double> out = compare::emaSmooth(input, weight);
    QCOMPARE(out.size(), expected.size());
    for (int i = 0; i < out.size(); ++i) {
        QVERIFY2(std::abs(out[i] - expected[i]) < 1e-12,
                 qPrintable(QStringLiteral("%1: %2 vs %3").arg(i).arg(out[i]).arg(expected[i])));
    }
}

void TstCompareView::curvesGetMostOfTheHeightAndTheSummaryItsRows() {
    // About the room the Compare tab has in a 1280x800 window.
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    view.resize(1100, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* splitter = view.findChild<QSplitter*>();
    QVERIFY(splitter);
    const QList<int> sizes = splitter->sizes();
    // The routing and before/after pages used to set the tabs' minimum (~350 px): the curves
    // got 195 of 530 px.
    QVERIFY2(sizes[0] >= 0.6 * (sizes[0] + sizes[1]),
             qPrintable(QStringLiteral("curves %1, tables %2").arg(sizes[0]).arg(sizes[1])));
    // The summary still shows each of the three runs' rows in full.
    auto* summary = view.findChild<compare::CompareSummary*>();
    QVERIFY(summary);
    QCOMPARE(summary->rowCount(), 3);
    const int last = summary->rowViewportPosition(2) + summary->rowHeight(2);
    QVERIFY2(last <= summary->viewport()->height(),
             qPrintable(QStringLiteral("rows end at %1 of %2 px")
                            .arg(last)
                            .arg(summary->viewport()->height())));
}

void TstCompareView::routingTabShowsTwoRunsOnOneScale() {
    compare::CompareView view;
    view.setRuns(m_reader, m_runs);
    compare::CompareRoutingPair* pair = view.routingPair();
    QCOMPARE(pair->shownRun(0), m_runs[1]); // run 0 has no snapshot: skipped
    QCOMPARE(pair->shownRun(1), m_runs[2]);
    for (int side = 0; side < 2; ++side) {
        common::RoutingHeatmap* map = pair->heatmap(side);
        QCOMPARE(map->rowCount(), 3);
        QCOMPARE(map->expertCount(), 2);
        double expert0 = 0.0;
        for (int row = 0; row < 3; ++row) {
            expert0 += map->valueAt(row, 0);
        }
        const double a = 0.1 * (side + 1);
        QVERIFY(std::abs(expert0 - (a + 0.5 + (1 - a))) < 1e-6);
    }
    // Nothing between the two maps: no rotated axis title (the short pane cut "input (3)" and
    // the left scale's title to stray letters), one colour scale on the right, and the number
    // of inputs in each title instead.
    view.resize(1400, 1000);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (QTabWidget* tabs : view.findChildren<QTabWidget*>()) {
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->widget(i)->isAncestorOf(pair)) {
                tabs->setCurrentIndex(i);
            }
        }
    }
    QTest::qWait(50);
    common::RoutingHeatmap* left = pair->heatmap(0);
    common::RoutingHeatmap* right = pair->heatmap(1);
    QVERIFY(!left->colorScaleShown());
    QVERIFY(right->colorScaleShown());
    for (common::RoutingHeatmap* map : {left, right}) {
        QCOMPARE(map->yAxis->label(), QString());
        map->replot();
    }
    // The left map's axes end within a few pixels of its widget: no scale or title beside them.
    const int gap = left->width() - left->axisRect()->outerRect().right();
    QVERIFY2(gap <= 12, qPrintable(QStringLiteral("%1 px right of the left map's axes").arg(gap)));
    int titled = 0;
    for (const QLabel* label : pair->findChildren<QLabel*>()) {
        titled += label->text().contains(QStringLiteral("3 inputs")) ? 1 : 0;
    }
    QCOMPARE(titled, 2);
    if (qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) { // for looking at it by eye
        pair->resize(1000, 500);
        pair->grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") + "/compare-routing.png");
    }
}


void TstCompareView::settingsSurviveARestart() {
    {
        compare::CompareView before;
        before.setRuns(m_reader, m_runs);
        before.setMetric(QStringLiteral("train/loss"));
        before.setSmoothing(0.25);
        before.setXAxisWallTime(true);
        before.setLogScale(true);
        before.setGroupBySeed(true);
        before.setDifferencesOnly(false);
    }
    // A new view (as after a restart) starts with the last choices, before and after a log.
    compare::CompareView after;
    QCOMPARE(after.smoothing(), 0.25);
    QVERIFY(after.isXAxisWallTime());
    QVERIFY(after.isLogScale());
    QVERIFY(after.isGroupedBySeed());
    QVERIFY(!after.isDifferencesOnly());
    after.setRuns(m_reader, m_runs);
    QCOMPARE(after.metric(), QStringLiteral("train/loss"));
    QCOMPARE(after.groupCount(), 2);
    QCOMPARE(after.curves()->curveCount(), 2); // grouped: the seed twins are one curve
    QCOMPARE(after.diffRowCount(), after.configDiff()->table()->rowCount());

    // Without stored settings a view starts from the defaults.
    QSettings().remove(QStringLiteral("compare"));
    compare::CompareView fresh;
    QCOMPARE(fresh.smoothing(), 0.6);
    QVERIFY(!fresh.isGroupedBySeed());
    QVERIFY(!fresh.isLogScale());
    QVERIFY(!fresh.isXAxisWallTime());
    QVERIFY(fresh.isDifferencesOnly());
}

// A pruned run selected alone: Compare offers its parent; the Before/after tab shows the
// parent's and the child's measures as `mor prune` logged them, with the change.
QTEST_MAIN(TstCompareView)
#include "tst_compareview.moc"
