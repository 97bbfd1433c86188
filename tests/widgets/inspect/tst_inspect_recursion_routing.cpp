// SPDX-License-Identifier: GPL-3.0-or-later
// The Routing tab for a recursion run: its probe tokens x recursions of the router's scores
// (a score only where the router decided: up to the recursion after the token's depth), the
// depth x recursion means, tokens per recursion, a Mixture-of-Depths run's blocks, and a click
// that opens the token at that recursion in the Sequence tab.
#include "common/routingheatmap.h"
#include "inspect/recursionrouting.h"
#include "inspect/routingaggregateplot.h"
#include "inspect/routingloadplot.h"
#include "inspect/routingview.h"
#include "inspect/tracefeatures.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"

#include <mor/experiment_log.h>
#include <mor/log_reader.h>

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

mor::TokenStep token(const std::string& text, int depth, std::vector<float> scores,
                     int difficulty) {
    mor::TokenStep t;
    t.text = text;
    t.target = 1;
    t.targetText = "b";
    t.depth = depth;
    t.routerScores = std::move(scores);
    t.recursionPreds.assign(size_t(depth), 1);
    t.recursionTargetProbs.assign(size_t(depth), 0.5f);
    t.pred = 1;
    t.difficulty = difficulty;
    return t;
}

/// Two probe sequences, three recursions (expert-choice): depths 1, 3, 2 and (not run) 0, 2.
std::vector<mor::TokenTrace> probes(float shift = 0.f) {
    mor::TokenTrace a, b;
    for (mor::TokenTrace* t : {&a, &b}) {
        t->maxRecursions = 3;
        t->routing = "expert_choice";
        t->difficultyNames = {"no carry", "carry"};
    }
    a.sampleId = 0;
    b.sampleId = 1;
    a.tokens = {token("x", 1, {0.9f, 0.2f, 0.6f + shift}, 0),
                token("y", 3, {0.8f, 0.7f, 0.9f}, 1), token("z", 2, {0.6f, 0.8f, 0.1f}, 1)};
    b.tokens = {token("p", 0, {}, -1), token("q", 2, {0.5f, 0.9f, 0.3f}, 0)};
    return {a, b};
}

/// The same tokens as token choice: the traces store the router's shares P(depth >= r); each
/// token's depth is its most probable one (x 1, y 3, z 2, q 2).
std::vector<mor::TokenTrace> tokenChoiceProbes() {
    std::vector<mor::TokenTrace> traces = probes();
    const std::vector<std::vector<float>> shares = {
        {1.f, 0.3f, 0.1f}, {1.f, 0.9f, 0.6f}, {1.f, 0.8f, 0.2f}, {}, {1.f, 0.7f, 0.25f}};
    size_t k = 0;
    for (auto& t : traces) {
        t.routing = "token_choice";
        for (auto& step : t.tokens) {
            step.routerScores = shares[k++];
        }
    }
    return traces;
}

constexpr float kNotScored = std::numeric_limits<float>::quiet_NaN();

/// Equal values, NaN (not scored) equal to NaN.
bool sameScores(const std::vector<float>& a, const std::vector<float>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](float x, float y) {
        return std::isnan(x) ? std::isnan(y) : x == y;
    });
}

} // namespace

class TstInspectRecursionRouting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tokensBecomeRowsScoredUpToTheirDecision();
    void mixtureOfDepthsColumnsAreBlocks();
    void tokensPerRecursionAndTheirMeanScore();
    void routingViewShowsTokensByRecursion();
    void clickOpensTheTokenInTheSequenceTab();

private:
    QTemporaryDir m_dir;
    QString m_path;
    int64_t m_recursion = -1, m_reflection = -1, m_fixed = -1, m_tokenChoice = -1;
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectRecursionRouting::initTestCase() {
    QCoreApplication::setApplicationName(QStringLiteral("tst_inspect_recursion_routing"));
    m_path = m_dir.filePath(QStringLiteral("rec.morlog"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    m_recursion = log->createRun(mor::RunInfo{"rec", R"({"model":{"family":"recursion"}})",
                                             "addition", "cpu", 1, {}});
    log->logTokenTraces(m_recursion, 10, probes());
    log->logTokenTraces(m_recursion, 20, probes(0.3f));
    m_reflection = log->createRun(mor::RunInfo{"refl", R"({"model":{"family":"reflection"}})",
                                              "parity", "cpu", 1, {}});
    log->logRouting(m_reflection, 5, 2, 2, {0.7f, 0.3f, 0.4f, 0.6f}, {1, 0, 0, 1}, {0, 1});
    m_fixed = log->createRun(mor::RunInfo{"fixed", R"({"model":{"family":"recursion"}})",
                                         "addition", "cpu", 1, {}});
    std::vector<mor::TokenTrace> fixed = probes();
    for (auto& t : fixed) {
        t.routing = "fixed";
    }
    log->logTokenTraces(m_fixed, 10, fixed);
    m_tokenChoice = log->createRun(mor::RunInfo{
        "token choice", R"({"model":{"family":"recursion"}})", "addition", "cpu", 1, {}});
    log->logTokenTraces(m_tokenChoice, 10, tokenChoiceProbes());
    log->flush();
    auto reader = mor::LogReader::open(m_path.toStdString());
    QVERIFY2(reader, reader.error().c_str());
    m_reader = std::make_shared<const mor::LogReader>(std::move(reader).value());
}

void TstInspectRecursionRouting::tokensBecomeRowsScoredUpToTheirDecision() {
    const inspect::RecursionRouting r = inspect::recursionRouting(probes(), 10);
    QVERIFY(!r.blocks);
    const mor::RoutingSnapshot& s = r.snapshot;
    QCOMPARE(s.step, int64_t(10));
    QCOMPARE(s.nSamples, int64_t(4)); // the token that was not run (depth 0) is left out
    QCOMPARE(s.nExperts, int64_t(3));
    QCOMPARE(s.sampleIds, (std::vector<int64_t>{0, 1, 2, 3}));
    // Depth 1: scored for r1 and for r2 (not selected), not for r3 (it had left): NaN.
    QVERIFY(sameScores(s.probs, {0.9f, 0.2f, kNotScored, 0.8f, 0.7f, 0.9f, 0.6f, 0.8f, 0.1f, 0.5f,
                                 0.9f, 0.3f}));
    QVERIFY(!sameScores(s.probs, {0.9f, 0.2f, 0.f, 0.8f, 0.7f, 0.9f, 0.6f, 0.8f, 0.1f, 0.5f,
                                  0.9f, 0.3f}));
    QCOMPARE(s.mask, (std::vector<uint8_t>{1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0}));
    QCOMPARE(r.tokens, (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}, {1, 1}}));
    QCOMPARE(r.meta.size(), size_t(4));
    QCOMPARE(r.meta[1].label, int64_t(3)); // depth
    QCOMPARE(r.meta[1].domain, int64_t(1)); // difficulty class
    QCOMPARE(QString::fromStdString(r.meta[3].preview),
             QStringLiteral("sequence #1, token 1 “q”, target “b”: depth 2 of 3"));
    QCOMPARE(r.classNames.at(1), QStringLiteral("carry"));
    QVERIFY(r.routed);
    // Token choice decides a token's depth up front; the traces store its shares P(depth >= r),
    // the tab shows the router's own output, P(depth = r) = P(>= r) - P(>= r + 1), at every
    // recursion (the chosen depth is the most probable one).
    std::vector<mor::TokenTrace> tokenChoice = tokenChoiceProbes(), fixed = probes();
    for (auto& t : fixed) {
        t.routing = "fixed";
    }
    const inspect::RecursionRouting tc = inspect::recursionRouting(tokenChoice, 10);
    QVERIFY(tc.routed && tc.depthChoice && !r.depthChoice);
    const std::vector<float> depthProbs = {0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f,
                                           0.2f, 0.6f, 0.2f, 0.3f, 0.45f, 0.25f};
    QCOMPARE(tc.snapshot.probs.size(), depthProbs.size());
    for (size_t i = 0; i < depthProbs.size(); ++i) {
        QVERIFY2(std::abs(tc.snapshot.probs[i] - depthProbs[i]) < 1e-6f,
                 qPrintable(QString::number(i)));
    }
    const inspect::RecursionRouting none = inspect::recursionRouting(fixed, 10);
    QVERIFY(!none.routed);
    QCOMPARE(none.routing, std::string("fixed"));
    QVERIFY(std::all_of(none.snapshot.probs.begin(), none.snapshot.probs.end(),
                        [](float p) { return std::isnan(p); }));
}

void TstInspectRecursionRouting::mixtureOfDepthsColumnsAreBlocks() {
    mor::TokenTrace t;
    t.maxRecursions = 3;
    t.routing = "mixture_of_depths";
    t.tokens = {token("a", 2, {0.7f, 0.2f, 0.9f}, -1), token("b", 3, {0.6f, 0.8f, 0.7f}, -1),
                token("c", 1, {0.1f, 0.2f, 0.3f}, -1)};
    t.tokens[0].skippedBlocks = {1}; // ran blocks 1 and 3
    // t.tokens[2]: one block used, skipped blocks not recorded: left out
    const inspect::RecursionRouting r = inspect::recursionRouting({t}, 4);
    QVERIFY(r.blocks);
    QCOMPARE(r.snapshot.nSamples, int64_t(2));
    // Every block's router scores every token: the scores are kept.
    QCOMPARE(r.snapshot.probs, (std::vector<float>{0.7f, 0.2f, 0.9f, 0.6f, 0.8f, 0.7f}));
    QCOMPARE(r.snapshot.mask, (std::vector<uint8_t>{1, 0, 1, 1, 1, 1}));
    QCOMPARE(r.meta[0].label, int64_t(2)); // blocks used
    QVERIFY(QString::fromStdString(r.meta[0].preview).endsWith(QStringLiteral("2 of 3 blocks")));
    // depth_every 2: only block 2 has a router; blocks 1 and 3 (the traces store 1 there, every
    // token selected) have no score, and the load plot no mean score for them.
    mor::TokenTrace dense = t;
    dense.tokens[0].routerScores = {1.f, 0.2f, 1.f};
    dense.tokens[0].skippedBlocks = {1};
    dense.tokens[1].routerScores = {1.f, 0.8f, 1.f};
    const inspect::RecursionRouting every2 = inspect::recursionRouting({dense}, 4, 2);
    QVERIFY(sameScores(every2.snapshot.probs,
                       {kNotScored, 0.2f, kNotScored, kNotScored, 0.8f, kNotScored}));
    const inspect::LoadSummary load = inspect::summarizeRecursionLoad(every2.snapshot, true);
    QCOMPARE(load.load, (std::vector<double>{1.0, 0.5, 1.0}));
    QVERIFY(std::isnan(load.meanProb[0]) && std::isnan(load.meanProb[2]));
    QVERIFY(std::abs(load.meanProb[1] - 0.5) < 1e-6);
    QCOMPARE(inspect::parseRunFeatures(R"({"model":{"recursion":{"depth_every":2}}})").depthEvery,
             2);
    QCOMPARE(inspect::parseRunFeatures(R"({"model":{"recursion":{}}})").depthEvery, 1);
    // Sorted by the highest-scoring block: a block without a score (NaN) is never the top one.
    common::RoutingHeatmap heatmap;
    heatmap.setColumns(common::RoutingHeatmap::Columns::Blocks);
    heatmap.setSnapshot(every2.snapshot, every2.meta);
    heatmap.setSortKey(common::RoutingHeatmap::SortKey::TopExpert);
    const auto ticks = qSharedPointerCast<QCPAxisTickerText>(heatmap.yAxis->ticker())->ticks();
    QCOMPARE(ticks.values(), QList<QString>{QStringLiteral("top b2")});
}

void TstInspectRecursionRouting::tokensPerRecursionAndTheirMeanScore() {
    const auto s = inspect::recursionRouting(probes(), 10).snapshot;
    const inspect::LoadSummary load = inspect::summarizeRecursionLoad(s);
    QCOMPARE(load.load.size(), size_t(3));
    QCOMPARE(load.load[0], 1.0);
    QCOMPARE(load.load[1], 0.75);
    QCOMPARE(load.load[2], 0.25);
    // The mean over the tokens scored there: r3 leaves out the depth-1 token.
    QVERIFY(std::abs(load.meanProb[0] - (0.9 + 0.8 + 0.6 + 0.5) / 4) < 1e-6);
    QVERIFY(std::abs(load.meanProb[1] - (0.2 + 0.7 + 0.8 + 0.9) / 4) < 1e-6);
    QVERIFY(std::abs(load.meanProb[2] - (0.9 + 0.1 + 0.3) / 3) < 1e-6);
    QCOMPARE(load.ideal, 0.0);
    QVERIFY(load.warnings.isEmpty());
    // No token deeper than 2: recursion 3 is named.
    mor::RoutingSnapshot shallow = s;
    for (size_t i = 2; i < shallow.mask.size(); i += 3) {
        shallow.mask[i] = 0;
    }
    const inspect::LoadSummary unused = inspect::summarizeRecursionLoad(shallow);
    QCOMPARE(unused.warnings, QStringList{QStringLiteral("No token went through r3")});
    QCOMPARE(inspect::summarizeRecursionLoad(shallow, true).warnings,
             QStringList{QStringLiteral("No token went through b3")});
}

void TstInspectRecursionRouting::routingViewShowsTokensByRecursion() {
    inspect::RoutingView view;
    view.resize(1100, 700);
    view.setRun(m_reader, m_recursion);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_COMPARE(view.shownRun(), qint64(m_recursion));
    QCOMPARE(view.shownStep(), qint64(20)); // the newest evaluation
    auto* heatmap = view.findChild<common::RoutingHeatmap*>();
    auto* aggregate = view.findChild<inspect::RoutingAggregatePlot*>();
    auto* slider = view.findChild<QSlider*>(QStringLiteral("evolutionSlider"));
    auto* sort = view.findChild<QComboBox*>(QStringLiteral("sortCombo"));
    auto* aggregateCombo = view.findChild<QComboBox*>(QStringLiteral("groupCombo"));
    QCOMPARE(heatmap->columns(), common::RoutingHeatmap::Columns::Recursions);
    QCOMPARE(heatmap->expertLabel(0), QStringLiteral("r1"));
    QCOMPARE(heatmap->rowCount(), 4);
    QCOMPARE(slider->maximum(), 1); // two evaluation steps
    QCOMPARE(sort->itemText(1), QStringLiteral("Depth"));
    view.showStep(10);
    QTRY_COMPARE(view.shownStep(), qint64(10));
    QTRY_VERIFY(!view.isReading());
    // Grouped by depth: 1, 2, 3; depth 1 was never scored at r3 (grey, NaN).
    QCOMPARE(aggregate->groups(), (std::vector<int64_t>{1, 2, 3}));
    QVERIFY(std::isnan(aggregate->meanAt(0, 2)));
    QVERIFY(std::abs(aggregate->meanAt(1, 1) - (0.8 + 0.9) / 2) < 1e-6);
    QVERIFY(std::abs(aggregate->meanAt(1, 2) - (0.1 + 0.3) / 2) < 1e-6);
    // The cell of sequence 0's third token at r2 asks for it in the Sequence tab.
    QSignalSpy spy(&view, &common::InspectView::tokenActivated);
    int row = -1;
    for (int r = 0; r < heatmap->rowCount(); ++r) {
        row = heatmap->sampleIdAtRow(r) == 2 ? r : row;
    }
    QVERIFY(row >= 0);
    heatmap->replot();
    QTest::mouseClick(heatmap, Qt::LeftButton, Qt::NoModifier, heatmap->pixelOf(row, 1));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0), (QVariantList{qint64(10), 0, 2, 2}));
    // A recursion run without a router: a note says so instead of grey plots.
    view.setRun(m_reader, m_fixed);
    QTRY_COMPARE(view.shownRun(), qint64(m_fixed));
    QTRY_VERIFY(!view.isReading());
    auto* note = view.findChild<QLabel*>(QStringLiteral("routingNote"));
    QVERIFY(note->isVisible() && !heatmap->isVisible());
    QVERIFY2(note->text().contains(QStringLiteral("no router (routing “fixed”)")),
             qPrintable(note->text()));
    // Nothing to sort or aggregate there.
    QVERIFY(!sort->isEnabled() && !aggregateCombo->isEnabled());
    // Token choice: the router's probability for each depth, grouped by the chosen depth.
    view.setRun(m_reader, m_tokenChoice);
    QTRY_COMPARE(view.shownRun(), qint64(m_tokenChoice));
    QTRY_VERIFY(!view.isReading());
    QCOMPARE(heatmap->columns(), common::RoutingHeatmap::Columns::Depths);
    QCOMPARE(heatmap->expertLabel(2), QStringLiteral("r3"));
    QCOMPARE(sort->itemText(3), QStringLiteral("Router's most probable depth"));
    QVERIFY(sort->isEnabled() && aggregateCombo->isEnabled());
    QCOMPARE(aggregate->groups(), (std::vector<int64_t>{1, 2, 3}));
    QVERIFY(std::abs(aggregate->meanAt(0, 0) - 0.7) < 1e-6); // x
    QVERIFY(std::abs(aggregate->meanAt(1, 1) - (0.6 + 0.45) / 2) < 1e-6); // z, q
    QVERIFY(std::abs(aggregate->meanAt(2, 2) - 0.6) < 1e-6); // y
    // A reflection run next: experts again, named as such.
    view.setRun(m_reader, m_reflection);
    QTRY_COMPARE(view.shownRun(), qint64(m_reflection));
    QCOMPARE(heatmap->columns(), common::RoutingHeatmap::Columns::Experts);
    QCOMPARE(heatmap->expertLabel(1), QStringLiteral("E1"));
    QCOMPARE(sort->itemText(1), QStringLiteral("Class"));
    QVERIFY(sort->isEnabled() && aggregateCombo->isEnabled());
    // Its inputs have no logged class: one group, every input's probability counted.
    QCOMPARE(aggregate->groups().size(), size_t(1));
    QVERIFY(std::abs(aggregate->meanAt(0, 0) - (0.7 + 0.4) / 2) < 1e-6);
}

void TstInspectRecursionRouting::clickOpensTheTokenInTheSequenceTab() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.selectRun(m_recursion);
    QVERIFY(window.showView(QStringLiteral("routing")));
    auto* routing = window.findChild<inspect::RoutingView*>();
    auto* sequence = window.findChild<sequence::SequenceView*>();
    QTRY_COMPARE(routing->shownRun(), qint64(m_recursion));
    QTRY_COMPARE(sequence->shownRun(), qint64(m_recursion));
    Q_EMIT routing->tokenActivated(10, 1, 1, 2); // sequence #1's second token at r2
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("views"));
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(sequence));
    QTRY_COMPARE(sequence->evaluationStep(), qint64(10));
    QVERIFY(sequence->currentTrace() != nullptr);
    QCOMPARE(sequence->currentTrace()->sampleId, int64_t(1));
    QCOMPARE(sequence->recursionStepper()->tokenRow(), 1);
    QCOMPARE(sequence->recursionStepper()->recursion(), 2);
}

QTEST_MAIN(TstInspectRecursionRouting)
#include "tst_inspect_recursion_routing.moc"
