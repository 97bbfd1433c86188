// The routing view shows the logged routing snapshot cell for cell, sorts rows, aggregates by
// class, computes loads from the mask, follows the evolution slider, and a click on a heatmap
// cell opens exactly the input in that row.
#include "inspectfixture.h"

#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "common/routingheatmap.h"
#include "inspect/groupexpertheatmap.h"
#include "inspect/routingaggregateplot.h"
#include "inspect/routingloadplot.h"
#include "inspect/routingview.h"

#include <mor/experiment_log.h>
#include <mor/log_reader.h>

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include <cmath>
#include <map>
#include <set>

class TstInspectRouting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void heatmapHoldsTheLoggedProbabilities_data();
    void heatmapHoldsTheLoggedProbabilities();
    void sortingGroupsRowsByKey_data();
    void sortingGroupsRowsByKey();
    void clickingACellOpensThatInput();
    void aggregateIsTheMeanPerClass();
    void loadIsTheMaskMeanWithIdealShare();
    void warnsAboutDeadExpertsAndImbalance();
    void evolutionSliderChangesTheSnapshot();
    void hugeSnapshotsAreBinnedAndRefilledOnZoom();
    void singleExpertStillDrawsItsColumn();
    void hoverNamesInputExpertAndValue();
    void playWalksThroughEveryRoutingStep();
    void groupExpertHeatmapCountsTheTraces();
    void groupPanelOnlyForGroupedRuns();
    void darkThemeLabelsReadOnTheirCells();
    void runWithoutRoutingShowsANoteInsteadOfPlots();

private:
    std::map<int64_t, mor::SampleInfo> samplesById() const;
    QTemporaryDir m_dir;
    inspect_test::FixtureRun m_run;
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectRouting::initTestCase() {
    QVERIFY(m_dir.isValid());
    const std::string path = m_dir.filePath("fixture.sqlite").toStdString();
    std::string error;
    m_run = inspect_test::writeFixtureRun(path, {}, &error);
    QVERIFY2(m_run.runId >= 0, error.c_str());
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(m_reader, error.c_str());
}

std::map<int64_t, mor::SampleInfo> TstInspectRouting::samplesById() const {
    std::map<int64_t, mor::SampleInfo> byId;
    for (const auto& s : m_reader->samples(m_run.runId)) {
        byId[s.sampleId] = s;
    }
    return byId;
}

void TstInspectRouting::heatmapHoldsTheLoggedProbabilities_data() {
    QTest::addColumn<int>("sortKey");
    QTest::newRow("log order") << int(common::RoutingHeatmap::SortKey::Input);
    QTest::newRow("by class") << int(common::RoutingHeatmap::SortKey::Class);
    QTest::newRow("by top expert") << int(common::RoutingHeatmap::SortKey::TopExpert);
}

void TstInspectRouting::heatmapHoldsTheLoggedProbabilities() {
    QFETCH(int, sortKey);
    inspect::RoutingView view;
    view.setRun(m_reader, m_run.runId);
    QCOMPARE(view.shownStep(), m_run.steps.back());
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    heatmap->setSortKey(common::RoutingHeatmap::SortKey(sortKey));
    const auto snapshot = m_reader->routing(m_run.runId, m_run.steps.back());
    QVERIFY(snapshot);
    QCOMPARE(heatmap->rowCount(), int(snapshot->nSamples));
    QCOMPARE(heatmap->expertCount(), int(snapshot->nExperts));
    std::map<int64_t, int64_t> rowOfSample;
    for (size_t r = 0; r < snapshot->sampleIds.size(); ++r) {
        rowOfSample[snapshot->sampleIds[r]] = int64_t(r);
    }
    std::set<int64_t> seen;
    for (int row = 0; row < heatmap->rowCount(); ++row) {
        const int64_t id = heatmap->sampleIdAtRow(row);
        QVERIFY(rowOfSample.count(id));
        seen.insert(id);
        for (int e = 0; e < heatmap->expertCount(); ++e) {
            const float logged = snapshot->probs[size_t(rowOfSample[id] * snapshot->nExperts + e)];
            QCOMPARE(heatmap->valueAt(row, e), double(logged));
        }
    }
    QCOMPARE(seen.size(), size_t(snapshot->nSamples)); // every input exactly once
    QCOMPARE(heatmap->colorMap()->dataRange(), QCPRange(0.0, 1.0));
    QVERIFY(!heatmap->colorMap()->interpolate());
}

void TstInspectRouting::sortingGroupsRowsByKey_data() {
    QTest::addColumn<int>("sortKey");
    QTest::newRow("class") << int(common::RoutingHeatmap::SortKey::Class);
    QTest::newRow("domain") << int(common::RoutingHeatmap::SortKey::Domain);
}

void TstInspectRouting::sortingGroupsRowsByKey() {
    QFETCH(int, sortKey);
    inspect::RoutingView view;
    view.setRun(m_reader, m_run.runId);
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    heatmap->setSortKey(common::RoutingHeatmap::SortKey(sortKey));
    const auto samples = samplesById();
    auto key = [&](int row) {
        const auto& s = samples.at(heatmap->sampleIdAtRow(row));
        return sortKey == int(common::RoutingHeatmap::SortKey::Class) ? s.label : s.domain;
    };
    for (int row = 1; row < heatmap->rowCount(); ++row) {
        QVERIFY(key(row - 1) <= key(row));
    }
    QVERIFY(key(0) < key(heatmap->rowCount() - 1));
}

void TstInspectRouting::clickingACellOpensThatInput() {
    inspect::RoutingView view;
    view.resize(1000, 700);
    view.setRun(m_reader, m_run.runId);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    heatmap->replot(); // lay out the axes at the shown size
    QSignalSpy spy(&view, &common::InspectView::sampleActivated);
    for (const auto& [row, expert] : std::vector<std::pair<int, int>>{{0, 0}, {17, 2}, {59, 1}}) {
        const QPoint pixel = heatmap->pixelOf(row, expert);
        const auto cell = heatmap->cellAt(pixel);
        QCOMPARE(cell.row, row);
        QCOMPARE(cell.expert, expert);
        QTest::mouseClick(heatmap, Qt::LeftButton, Qt::NoModifier, pixel);
        QCOMPARE(spy.count(), 1);
        const QList<QVariant> args = spy.takeFirst();
        QCOMPARE(args.at(0).toLongLong(), m_run.steps.back());
        QCOMPARE(args.at(1).toLongLong(), heatmap->sampleIdAtRow(row));
        QCOMPARE(args.at(2).toBool(), false);
    }
    // Outside the cells nothing opens.
    QTest::mouseClick(heatmap, Qt::LeftButton, Qt::NoModifier, QPoint(2, 2));
    QCOMPARE(spy.count(), 0);
}

void TstInspectRouting::aggregateIsTheMeanPerClass() {
    inspect::RoutingView view;
    view.setRun(m_reader, m_run.runId);
    auto* aggregate = view.findChild<inspect::RoutingAggregatePlot*>();
    const auto snapshot = m_reader->routing(m_run.runId, m_run.steps.back());
    const auto samples = samplesById();
    std::map<int64_t, std::vector<double>> sum;
    std::map<int64_t, int> count;
    for (int64_t r = 0; r < snapshot->nSamples; ++r) {
        const int64_t label = samples.at(snapshot->sampleIds[size_t(r)]).label;
        sum[label].resize(size_t(snapshot->nExperts));
        for (int e = 0; e < snapshot->nExperts; ++e) {
            sum[label][size_t(e)] += snapshot->probs[size_t(r * snapshot->nExperts + e)];
        }
        ++count[label];
    }
    QCOMPARE(aggregate->groups().size(), sum.size());
    for (size_t g = 0; g < aggregate->groups().size(); ++g) {
        const int64_t label = aggregate->groups()[g];
        for (int e = 0; e < snapshot->nExperts; ++e) {
            QVERIFY(qAbs(aggregate->meanAt(int(g), e) - sum[label][size_t(e)] / count[label]) <
                    1e-9);
        }
    }
}

void TstInspectRouting::loadIsTheMaskMeanWithIdealShare() {
    const auto snapshot = m_reader->routing(m_run.runId, m_run.steps.front());
    const inspect::LoadSummary load = inspect::summarizeLoad(*snapshot);
    QCOMPARE(int(load.load.size()), int(snapshot->nExperts));
    double total = 0.0;
    for (int e = 0; e < snapshot->nExperts; ++e) {
        int routed = 0;
        for (int64_t r = 0; r < snapshot->nSamples; ++r) {
            routed += snapshot->mask[size_t(r * snapshot->nExperts + e)] ? 1 : 0;
        }
        QCOMPARE(load.load[size_t(e)], double(routed) / snapshot->nSamples);
        total += load.load[size_t(e)];
    }
    // The fixture routes top-2 of 3 experts: ideal share k/E = 2/3.
    QVERIFY(qAbs(load.ideal - 2.0 / 3.0) < 1e-12);
    QVERIFY(qAbs(total - 2.0) < 1e-12);
}

void TstInspectRouting::warnsAboutDeadExpertsAndImbalance() {
    mor::RoutingSnapshot s;
    s.nSamples = 4;
    s.nExperts = 4;
    // Expert 3 never selected; expert 0 takes every input.
    s.probs = {0.7f, 0.2f, 0.1f, 0.0f, 0.6f, 0.3f, 0.1f, 0.0f,
               0.8f, 0.1f, 0.1f, 0.0f, 0.5f, 0.1f, 0.4f, 0.0f};
    s.mask = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0};
    const inspect::LoadSummary load = inspect::summarizeLoad(s);
    QCOMPARE(load.ideal, 5.0 / 4.0 / 4.0);
    QCOMPARE(load.warnings.size(), 2);
    QVERIFY(load.warnings[0].contains("E1, E3") || load.warnings[0].contains("E3"));
    QVERIFY(load.warnings[1].contains("E0"));
}

void TstInspectRouting::evolutionSliderChangesTheSnapshot() {
    inspect::RoutingView view;
    view.setRun(m_reader, m_run.runId);
    auto* slider = view.findChild<QSlider*>("evolutionSlider");
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    heatmap->setSortKey(common::RoutingHeatmap::SortKey::Input);
    QCOMPARE(slider->maximum(), int(m_run.steps.size()) - 1);
    QCOMPARE(slider->value(), slider->maximum());
    for (int i = 0; i <= slider->maximum(); ++i) {
        slider->setValue(i);
        QCOMPARE(view.shownStep(), m_run.steps[size_t(i)]);
        const auto snapshot = m_reader->routing(m_run.runId, m_run.steps[size_t(i)]);
        QCOMPARE(heatmap->valueAt(5, 1),
                 double(snapshot->probs[size_t(5 * snapshot->nExperts + 1)]));
        QVERIFY(view.findChild<QLabel*>("stepLabel")
                    ->text()
                    .contains(QString::number(m_run.steps[size_t(i)])));
    }
}

void TstInspectRouting::hugeSnapshotsAreBinnedAndRefilledOnZoom() {
    // More inputs than the colour map holds: rows are binned (mean), zooming refills exactly.
    const int rows = 3 * common::RoutingHeatmap::kMaxMapRows + 123;
    const int experts = 4;
    mor::RoutingSnapshot s;
    s.nSamples = rows;
    s.nExperts = experts;
    for (int r = 0; r < rows; ++r) {
        s.sampleIds.push_back(5000 + r);
        for (int e = 0; e < experts; ++e) {
            s.probs.push_back(float(((r * 7 + e * 13) % 101) / 100.0));
        }
    }
    common::RoutingHeatmap heatmap;
    heatmap.resize(600, 500);
    heatmap.setSnapshot(s, {});
    QVERIFY(!heatmap.isFullResolution());
    QCOMPARE(heatmap.colorMap()->data()->valueSize(), common::RoutingHeatmap::kMaxMapRows);
    QCOMPARE(heatmap.valueAt(1000, 2), double(s.probs[1000 * experts + 2])); // logged value
    // The drawn colour of a binned row is the mean of the rows in its bin.
    const double stride = double(rows) / common::RoutingHeatmap::kMaxMapRows;
    const int bin = int(1000 / stride);
    double sum = 0.0;
    int n = 0;
    for (int r = int(bin * stride); r < int((bin + 1) * stride); ++r, ++n) {
        sum += s.probs[size_t(r * experts + 2)];
    }
    QVERIFY(qAbs(heatmap.shownValueAt(1000, 2) - sum / n) < 1e-6);

    // Zoom onto rows 1000..1199 (value coordinates run bottom-up).
    heatmap.yAxis->setRange(rows - 1 - 1199.5, rows - 1 - 999.5);
    QTRY_VERIFY(heatmap.isFullResolution());
    QVERIFY(heatmap.colorMap()->data()->valueSize() <= 202);
    for (int row : {1000, 1100, 1199}) {
        QCOMPARE(heatmap.shownValueAt(row, 3), double(s.probs[size_t(row * experts + 3)]));
        QCOMPARE(heatmap.sampleIdAtRow(row), qint64(5000 + row));
    }
}

void TstInspectRouting::singleExpertStillDrawsItsColumn() {
    // A dense baseline has one expert: a one-cell dimension must still cover its column.
    mor::RoutingSnapshot s;
    s.nSamples = 3;
    s.nExperts = 1;
    s.probs = {1.f, 1.f, 1.f};
    s.sampleIds = {7, 8, 9};
    common::RoutingHeatmap heatmap;
    heatmap.setSnapshot(s, {});
    QVERIFY(heatmap.colorMap()->data()->keyRange().size() > 0);
    QCOMPARE(heatmap.valueAt(1, 0), 1.0);
    QCOMPARE(heatmap.sampleIdAtRow(2), qint64(9));
    heatmap.resize(300, 300);
    heatmap.replot();
    const auto cell = heatmap.cellAt(heatmap.pixelOf(1, 0));
    QCOMPARE(cell.sampleId, qint64(8));
}

void TstInspectRouting::hoverNamesInputExpertAndValue() {
    inspect::RoutingView view;
    view.resize(1000, 700);
    view.setRun(m_reader, m_run.runId);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    heatmap->replot();
    const int row = 11, expert = 1;
    QTest::mouseMove(heatmap, heatmap->pixelOf(row, expert));
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QToolTip::text();
    QVERIFY2(text.contains(QString("#%1").arg(heatmap->sampleIdAtRow(row))), qPrintable(text));
    QVERIFY2(text.contains("E1"), qPrintable(text));
    QVERIFY2(text.contains(QString::number(heatmap->valueAt(row, expert), 'f', 3)),
             qPrintable(text));
}

void TstInspectRouting::playWalksThroughEveryRoutingStep() {
    inspect::RoutingView view;
    view.setRun(m_reader, m_run.runId);
    view.showStep(m_run.steps.front());
    QCOMPARE(view.shownStep(), m_run.steps.front());
    auto* play = view.findChild<QPushButton*>("evolutionPlay");
    play->click();
    QTRY_COMPARE_WITH_TIMEOUT(view.shownStep(), m_run.steps.back(), 5000);
    QTRY_VERIFY(!play->isChecked()); // stops at the newest snapshot
}

namespace {
/// MoMa groups of the tests: domains 0/1/2 -> experts {0,1} / {2,3} / {4,5}.
const char* kGroupedConfig =
    R"({"name":"moma","data":{"kind":"mixed","domains":["parity","modular","majority"]},)"
    R"("model":{"router":{"strategy":"top_k","top_k":1,"groups":[)"
    R"({"domains":[0],"experts":[0,1]},{"domains":[1],"experts":[2,3]},)"
    R"({"domains":[2],"experts":[4,5]}]},"experts":[{},{},{},{},{},{}]}})";

/// Traced inputs of a grouped run: input i is in group i % 3 and selects expert 2g + (i / 3) % 2,
/// every fifth also the other expert of its group; the last two record no group.
std::vector<mor::SampleTrace> groupedTraces(int n) {
    std::vector<mor::SampleTrace> traces;
    for (int i = 0; i < n; ++i) {
        mor::SampleTrace t;
        t.sampleId = 500 + i;
        t.domain = i % 3;
        t.label = i % 2;
        t.group = i >= n - 2 ? -1 : i % 3;
        t.routerProbs.assign(6, 1.f / 6.f);
        t.mask.assign(6, 0);
        t.gates.assign(6, 0.f);
        const int g = i % 3;
        t.mask[size_t(2 * g + (i / 3) % 2)] = 1;
        if (i % 5 == 0) {
            t.mask[size_t(2 * g + 1 - (i / 3) % 2)] = 1;
        }
        t.fusedProbs = {0.5f, 0.5f};
        traces.push_back(t);
    }
    return traces;
}
} // namespace

void TstInspectRouting::groupExpertHeatmapCountsTheTraces() {
    const inspect::RunFeatures features = inspect::parseRunFeatures(kGroupedConfig);
    QCOMPARE(int(features.groups.size()), 3);
    QCOMPARE(features.groupOfExpert(3), 1);
    QCOMPARE(features.groupLabel(1), QStringLiteral("G1 · modular (E2, E3)"));
    const auto traces = groupedTraces(32);
    // Expected counts straight from the traces.
    std::map<std::pair<int, int>, int> expected;
    for (const auto& t : traces) {
        for (int e = 0; e < 6 && t.group >= 0; ++e) {
            expected[{t.group, e}] += t.mask[size_t(e)];
        }
    }
    inspect::GroupExpertHeatmap heatmap;
    heatmap.resize(400, 300);
    heatmap.setTraces(traces, features, 6, QStringLiteral("test"));
    QCOMPARE(heatmap.counts().notRecorded, 2);
    int total = 0;
    for (int g = 0; g < 3; ++g) {
        for (int e = 0; e < 6; ++e) {
            const int n = expected[{g, e}];
            total += n;
            QCOMPARE(heatmap.counts().at(g, e), n);
            QCOMPARE(heatmap.shownValueAt(g, e), double(n));
            const bool own = e / 2 == g;
            QCOMPARE(heatmap.cellText(g, e),
                     n == 0 && !own ? QStringLiteral("·") : QString::number(n));
            if (!own) {
                QCOMPARE(n, 0); // the fixture routes inside the group
            }
        }
    }
    QVERIFY(total > 30); // 30 inputs with a group, six of them on both experts
    QVERIFY2(heatmap.caption().contains(QStringLiteral("group not recorded for 2 input(s)")),
             qPrintable(heatmap.caption()));
}

void TstInspectRouting::groupPanelOnlyForGroupedRuns() {
    { // an ordinary run: no group panel
        inspect::RoutingView view;
        view.setRun(m_reader, m_run.runId);
        auto* panel = view.findChild<inspect::GroupExpertHeatmap*>();
        QVERIFY(panel);
        QVERIFY(panel->isHidden());
        QCOMPARE(view.findChild<common::RoutingHeatmap*>()->expertLabel(1), QStringLiteral("E1"));
    }
    { // nested experts: the width under each expert's label
        common::RoutingHeatmap heatmap;
        heatmap.setExpertWidths(
            inspect::parseRunFeatures(R"({"model":{"experts":[{"kind":"nested","width":8},)"
                                      R"({"kind":"nested","width":24}]}})")
                .nestedWidths);
        QCOMPARE(heatmap.expertLabel(1), QStringLiteral("E1\n24 u"));
    }
    const std::string path = m_dir.filePath("grouped.sqlite").toStdString();
    std::string error;
    int64_t run = -1;
    const auto traces = groupedTraces(12);
    {
        auto log = mor::ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        mor::RunInfo info;
        info.name = "moma";
        info.configJson = kGroupedConfig;
        run = log->createRun(info);
        std::vector<float> probs;
        std::vector<uint8_t> mask;
        std::vector<int64_t> ids;
        for (const auto& t : traces) {
            probs.insert(probs.end(), t.routerProbs.begin(), t.routerProbs.end());
            mask.insert(mask.end(), t.mask.begin(), t.mask.end());
            ids.push_back(t.sampleId);
        }
        log->logRouting(run, 100, int64_t(traces.size()), 6, probs, mask, ids);
        log->logTraces(run, 100, traces);
        log->flush();
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(reader, error.c_str());
    inspect::RoutingView view;
    view.resize(1000, 700);
    view.setRun(reader, run);
    auto* panel = view.findChild<inspect::GroupExpertHeatmap*>();
    QVERIFY(panel);
    QVERIFY(!panel->isHidden());
    const auto stored = reader->traces(run, 100);
    QCOMPARE(stored.size(), traces.size());
    const bool recorded = std::any_of(stored.begin(), stored.end(),
                                      [](const mor::SampleTrace& t) { return t.group >= 0; });
    if (recorded) { // the log keeps the group: counts from the stored traces
        const auto expected = inspect::countGroupExperts(stored, 3, 6);
        QCOMPARE(panel->counts().counts, expected.counts);
        QCOMPARE(panel->counts().notRecorded, 2);
    } else {
        // A log without the group: every input counts as "not recorded", none in a cell, and
        // re-running the (missing) checkpoint fails with a reason.
        QCOMPARE(panel->counts().notRecorded, int(traces.size()));
        QTRY_VERIFY_WITH_TIMEOUT(panel->caption().contains(QStringLiteral("failed")), 15000);
        QCOMPARE(panel->counts().notRecorded, int(traces.size()));
    }
    for (int c : panel->counts().counts) {
        QVERIFY(c <= int(traces.size()));
    }
}

namespace {
double luminance(const QColor& c) {
    auto linear = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}
double contrast(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
} // namespace

void TstInspectRouting::darkThemeLabelsReadOnTheirCells() {
    // Two classes routed all-or-nothing: a yellow cell (p = 1) and a purple one (p = 0) each.
    mor::RoutingSnapshot snapshot;
    snapshot.nSamples = 2;
    snapshot.nExperts = 2;
    snapshot.probs = {1.0f, 0.0f, 0.0f, 1.0f};
    snapshot.mask = {1, 0, 0, 1};
    snapshot.sampleIds = {0, 1};
    std::vector<common::RowMeta> meta(2);
    meta[0].label = 0;
    meta[1].label = 1;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x30));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x20));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    inspect::RoutingAggregatePlot aggregate;
    aggregate.setPalette(dark);
    aggregate.setData(snapshot, meta, false);
    common::PlotStyler::applyTheme(&aggregate);
    int labels = 0;
    for (int i = 0; i < aggregate.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(aggregate.item(i))) {
            const double p = text->text().toDouble();
            const QColor cell = common::probabilityGradient().color(p, QCPRange(0, 1));
            // Without the cell's own colour the theme made every label light (unreadable on
            // yellow: contrast 1.1).
            QVERIFY2(contrast(text->color(), cell) >= 4.5, qPrintable(text->text()));
            ++labels;
        }
    }
    QCOMPARE(labels, 4);

    // The load plot's red "ideal" label reads on the dark data area (dark red did not: 2.6).
    inspect::RoutingLoadPlot load;
    load.setPalette(dark);
    load.setSummary(inspect::summarizeLoad(snapshot));
    common::PlotStyler::applyTheme(&load);
    int ideal = 0;
    for (int i = 0; i < load.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(load.item(i))) {
            QCOMPARE(text->text(), QStringLiteral("ideal 0.50"));
            QVERIFY(contrast(text->color(), dark.color(QPalette::Base)) >= 4.5);
            QVERIFY(text->color().red() > text->color().green()); // still red
            ++ideal;
        }
    }
    QCOMPARE(ideal, 1);
}

void TstInspectRouting::runWithoutRoutingShowsANoteInsteadOfPlots() {
    // A run with metrics but no routing snapshot and no token traces (yet).
    const std::string path = m_dir.filePath("norouting.sqlite").toStdString();
    std::string error;
    auto log = mor::ExperimentLog::open(path, &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo info;
    info.name = "recursion";
    const int64_t id = log->createRun(info);
    log->logMetrics(id, 10, {{"val/accuracy", 0.5}});
    log->flush();
    auto reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    inspect::RoutingView view;
    view.resize(1000, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setRun(reader, id);
    QTRY_COMPARE(view.shownRun(), qint64(id));
    auto* note = view.findChild<QLabel*>("routingNote");
    QVERIFY(note);
    QVERIFY(note->isVisible());
    QVERIFY(note->text().contains(QStringLiteral("train.log_traces")));
    QVERIFY(!view.findChild<common::RoutingHeatmap*>()->isVisible());
    QVERIFY(!view.findChild<inspect::RoutingLoadPlot*>()->isVisible());
    // A run with routing shows its plots again, the load plot with its ideal share.
    view.setRun(m_reader, m_run.runId);
    QTRY_COMPARE(view.shownRun(), qint64(m_run.runId));
    QVERIFY(!note->isVisible());
    auto* load = view.findChild<inspect::RoutingLoadPlot*>();
    QVERIFY(load->isVisible());
    // An empty load summary draws neither the ideal line nor its label.
    inspect::RoutingLoadPlot empty;
    empty.setSummary(inspect::summarizeLoad(mor::RoutingSnapshot{}));
    for (int i = 0; i < empty.itemCount(); ++i) {
        QVERIFY(!empty.item(i)->visible());
    }
}

QTEST_MAIN(TstInspectRouting)
#include "tst_inspect_routing.moc"
