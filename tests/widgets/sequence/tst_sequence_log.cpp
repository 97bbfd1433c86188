// The sequence view over a real log: token traces written through
// mor::ExperimentLog::logTokenTraces come back on screen unchanged, the main window shows the
// Sequence tab only for runs that have them, and the view follows a run that grows.
#include "sequencefixture.h"

#include "common/stepcursorbar.h"
#include "sequence/depthlegend.h"
#include "sequence/depthplots.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/tokenstyle.h"
#include "shell/mainwindow.h"

#include <mor/experiment_log.h>
#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace sequence;

class TstSequenceLog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void showsTheLoggedTokensDepthsAndScores();
    void runWithoutTokenTracesShowsNoTokens();
    void mainWindowShowsTheTabOnlyForSequenceRuns();
    void refreshPicksUpANewEvaluationStep();
    void tabAppearsWhenARunLogsItsFirstTraces();
    void presentationModeEnlargesTheTokens();
    void mixtureOfDepthsColoursTokensByBlocksUsed();
    void mixtureOfDepthsStepperWalksEveryBlock();

private:
    QTemporaryDir m_dir;
    std::string m_path;
    int64_t m_sequenceRun = -1;
    int64_t m_plainRun = -1;
    std::map<int64_t, std::vector<mor::TokenTrace>> m_logged;
    int64_t m_depthsRun = -1; ///< a Mixture-of-Depths run (issue 23)
};

namespace {
/// A Mixture-of-Depths trace of a 4-block model (issue 23): tokens that skipped no block, one
/// block, two blocks, and one whose skipped blocks were not recorded (depth 2, list empty).
mor::TokenTrace modTrace() {
    mor::TokenTrace trace;
    trace.sampleId = 7;
    trace.maxRecursions = 4;
    trace.routing = "mixture_of_depths";
    const std::vector<std::vector<int>> skipped = {{}, {1}, {1, 3}, {3}, {}};
    const std::vector<int> depths = {4, 3, 2, 3, 2};
    const char* texts[] = {"1", "2", "+", "3", "="};
    for (size_t i = 0; i < skipped.size(); ++i) {
        mor::TokenStep t;
        t.text = texts[i];
        t.target = int64_t(i);
        t.targetText = std::to_string(i);
        t.depth = depths[i];
        t.skippedBlocks = skipped[i];
        t.routerScores = {1.f, 0.2f + 0.1f * float(i), 1.f, 0.7f - 0.1f * float(i)};
        for (int r = 0; r < t.depth; ++r) {
            t.recursionPreds.push_back(int64_t(i));
            t.recursionTargetProbs.push_back(0.3f + 0.1f * float(r));
        }
        t.pred = int64_t(i);
        trace.tokens.push_back(t);
    }
    return trace;
}
} // namespace

void TstSequenceLog::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath("seq.sqlite").toStdString();
    std::string error;
    auto log = mor::ExperimentLog::open(m_path, &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo plain;
    plain.name = "classifier";
    plain.dataset = "parity";
    m_plainRun = log->createRun(plain);
    mor::RunInfo info;
    info.name = "recursion demo";
    info.dataset = "addition";
    m_sequenceRun = log->createRun(info);
    m_logged = sequence_test::makeRun(true);
    m_logged.erase(300); // written later by refreshPicksUpANewEvaluationStep
    for (const auto& [step, traces] : m_logged) {
        log->logTokenTraces(m_sequenceRun, step, traces);
    }
    mor::RunInfo depths;
    depths.name = "mixture of depths";
    depths.dataset = "addition";
    // A router at every 2nd block: blocks 1 and 3 take every token (traced score 1).
    depths.configJson =
        R"({"model":{"family":"recursion","recursion":{"routing":"mixture_of_depths",)"
        R"("recursions":4,"depth_every":2}}})";
    m_depthsRun = log->createRun(depths);
    log->logTokenTraces(m_depthsRun, 100, {modTrace()});
    log->flush();
}

void TstSequenceLog::init() {
    QSettings().clear();
}

void TstSequenceLog::showsTheLoggedTokensDepthsAndScores() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_path).value());
    QVERIFY2(reader, error.c_str());
    SequenceView view;
    view.setRun(reader, m_sequenceRun);
    QVERIFY(view.hasTokenTraces());
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 2);
    QVERIFY(view.showSequence(200, 1));
    const mor::TokenTrace& expected = m_logged.at(200)[1];
    QCOMPARE(view.currentTrace()->sampleId, expected.sampleId);
    const auto* model = view.tokenModel();
    QCOMPARE(model->rowCount(), int(expected.tokens.size()));
    for (int row = 0; row < model->rowCount(); ++row) {
        const mor::TokenStep& token = expected.tokens[size_t(row)];
        const QModelIndex index = model->index(row);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), sequence::displayText(token.text));
        QCOMPARE(index.data(sequence::TokenDepthModel::DepthRole).toInt(), token.depth);
        QCOMPARE(index.data(Qt::BackgroundRole).value<QColor>(),
                 sequence::depthColor(token.depth, expected.maxRecursions));
        const QString tip = index.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("r1 %1").arg(
                     QString::number(double(token.routerScores[0]), 'f', 3))),
                 qPrintable(tip));
        view.selectToken(row);
        auto* stepper = view.recursionStepper();
        for (int r = 1; r <= token.depth; ++r) {
            stepper->setRecursion(r);
            QCOMPARE(float(stepper->routerScore()), token.routerScores[size_t(r - 1)]);
            QCOMPARE(float(stepper->targetProbability()),
                     token.recursionTargetProbs[size_t(r - 1)]);
            QCOMPARE(stepper->prediction(), token.recursionPreds[size_t(r - 1)]);
        }
    }
    // Difficulty names survive the log: the histogram groups by them.
    QCOMPARE(view.depthPlots()->meanDepthBars()->data()->size(), 2);
}

void TstSequenceLog::runWithoutTokenTracesShowsNoTokens() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_path).value());
    SequenceView view;
    view.setRun(reader, m_plainRun);
    QVERIFY(!view.hasTokenTraces());
    QCOMPARE(view.tokenModel()->rowCount(), 0);
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 0);
    // No run after a sequence run: cleared, nothing of the run before stays on screen.
    view.setRun(reader, m_sequenceRun);
    QVERIFY(view.hasTokenTraces());
    QVERIFY(view.tokenModel()->rowCount() > 0);
    view.setRun(reader, -1);
    QVERIFY(!view.hasTokenTraces());
    QCOMPARE(view.shownRun(), qint64(-1));
    QCOMPARE(view.tokenModel()->rowCount(), 0);
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 0);
    QVERIFY(!view.currentTrace());
}

void TstSequenceLog::mainWindowShowsTheTabOnlyForSequenceRuns() {
    shell::MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    QCOMPARE(window.tabs()->count(), 9); // ... Compare, Sequence, Playground, Sweeps
    window.selectRun(m_sequenceRun);
    // The view reads the run on the session's view pool (issue 21).
    QTRY_VERIFY(window.tabs()->isTabVisible(shell::MainWindow::Sequence));
    QVERIFY(window.showView(QStringLiteral("sequence")));
    auto* view = qobject_cast<SequenceView*>(window.tabs()->currentWidget());
    QVERIFY(view);
    QCOMPARE(view->tokenModel()->rowCount(), int(m_logged.at(200)[0].tokens.size()));
    window.selectRun(m_plainRun);
    QTRY_VERIFY(!window.tabs()->isTabVisible(shell::MainWindow::Sequence));
}

void TstSequenceLog::refreshPicksUpANewEvaluationStep() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_path).value());
    SequenceView view;
    view.setRun(reader, m_sequenceRun);
    view.show();
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 2);
    {
        auto log = mor::ExperimentLog::open(m_path, &error);
        QVERIFY2(log, error.c_str());
        log->logTokenTraces(m_sequenceRun, 300, sequence_test::makeRun(true).at(300));
        log->flush();
    }
    view.refresh();
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 3);
    QCOMPARE(view.evaluationStep(), qint64(200)); // the user's step stays
    QCOMPARE(view.depthPlots()
                 ->byStepPlot()
                 ->graph(view.depthPlots()->byStepPlot()->graphCount() - 1)
                 ->data()
                 ->size(),
             3);
}

void TstSequenceLog::tabAppearsWhenARunLogsItsFirstTraces() {
    std::string error;
    auto log = mor::ExperimentLog::open(m_path, &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo info;
    info.name = "still training";
    const int64_t run = log->createRun(info);
    log->flush();
    shell::MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    window.selectRun(run);
    QVERIFY(!window.tabs()->isTabVisible(shell::MainWindow::Sequence));
    // The first evaluation of a training run writes traces: the main window's poll finds them.
    log->logTokenTraces(run, 10, {sequence_test::makeTrace(0)});
    log->flush();
    QTRY_VERIFY_WITH_TIMEOUT(window.tabs()->isTabVisible(shell::MainWindow::Sequence), 15000);
}

void TstSequenceLog::presentationModeEnlargesTheTokens() {
    shell::MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    window.selectRun(m_sequenceRun);
    auto* flow = window.findChild<sequence::TokenFlowWidget*>();
    QVERIFY(flow);
    QTRY_VERIFY(flow->tokenRect(0).height() > 0); // the run comes once the log answers
    const int normal = flow->tokenRect(0).height();
    window.setPresentationMode(true);
    QTRY_VERIFY(flow->tokenRect(0).height() > normal * 1.2);
    window.setPresentationMode(false);
    QTRY_COMPARE(flow->tokenRect(0).height(), normal);
}

void TstSequenceLog::mixtureOfDepthsColoursTokensByBlocksUsed() {
    // Through the log: the stored skipped blocks come back (issue 23).
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_path).value());
    QVERIFY2(reader, error.c_str());
    SequenceView view;
    view.resize(900, 600);
    const mor::TokenTrace trace = modTrace();
    view.setRun(reader, m_depthsRun);
    QVERIFY(view.currentTrace());
    QCOMPARE(view.currentTrace()->routing, std::string("mixture_of_depths"));
    const TokenDepthModel* model = view.tokenModel();
    QCOMPARE(model->rowCount(), 5);
    for (int row = 0; row < 4; ++row) { // recorded: colour = 4 - skipped blocks
        const auto& token = trace.tokens[size_t(row)];
        const QModelIndex index = model->index(row);
        const int used = 4 - int(token.skippedBlocks.size());
        QCOMPARE(index.data(Qt::BackgroundRole).value<QColor>(), depthColor(used, 4));
        const QVariantList mask = index.data(TokenDepthModel::BlockMaskRole).toList();
        QCOMPARE(mask.size(), 4);
        for (int b = 0; b < 4; ++b) {
            const bool skipped = std::find(token.skippedBlocks.begin(), token.skippedBlocks.end(),
                                           b) != token.skippedBlocks.end();
            QCOMPARE(mask[b].toBool(), !skipped);
        }
    }
    QVERIFY(model->tooltip(2).contains(QStringLiteral("Skipped blocks: 2, 4")));
    QVERIFY(model->tooltip(2).contains(QStringLiteral("Blocks used: 2 of 4")));
    QVERIFY(model->tooltip(0).contains(QStringLiteral("Skipped blocks: none")));
    // The run's depth_every 2: only blocks 2 and 4 have a router, so only they have a score.
    QVERIFY2(model->tooltip(1).contains(QStringLiteral("Router scores per block: b2 0.300, b4 "
                                                       "0.600")),
             qPrintable(model->tooltip(1)));
    RecursionStepper* stepper = view.recursionStepper();
    QCOMPARE(stepper->depthEvery(), 2);
    view.selectToken(1);
    auto* values = stepper->findChild<QLabel*>(QStringLiteral("recursionValues"));
    stepper->setRecursion(1);
    QVERIFY2(values->text().contains(QStringLiteral("none (no router at this block)")),
             qPrintable(values->text()));
    stepper->setRecursion(2);
    QVERIFY(values->text().contains(QStringLiteral("0.300")));
    // Not recorded: no marks, the depth's colour, and the tooltip says so.
    QVERIFY(model->index(4).data(TokenDepthModel::BlockMaskRole).toList().isEmpty());
    QCOMPARE(model->index(4).data(Qt::BackgroundRole).value<QColor>(), depthColor(2, 4));
    QVERIFY(model->tooltip(4).contains(QStringLiteral("Skipped blocks: not recorded")));
    // The flow draws one mark per block, the legend counts blocks and explains the marks.
    QCOMPARE(view.tokenFlow()->blockMarks(), 4);
    auto* legend = view.findChild<DepthLegend*>();
    QVERIFY(legend);
    QVERIFY(legend->blocksMode());
    QCOMPARE(legend->title(), QStringLiteral("Blocks used"));
    auto* summary = view.findChild<QLabel*>(QStringLiteral("sequenceSummary"));
    QVERIFY(summary->text().contains(QStringLiteral("not recorded for 1 token")));
    QVERIFY(view.depthPlots()->blocksMode()); // the histograms count blocks used

    // An ordinary recursion run: no marks, the recursion-depth legend.
    view.setRun(reader, m_sequenceRun);
    QCOMPARE(view.tokenFlow()->blockMarks(), 0);
    QVERIFY(!legend->blocksMode());
    QCOMPARE(legend->title(), QStringLiteral("Recursion depth"));
    QVERIFY(!view.depthPlots()->blocksMode());
    QVERIFY(!model->tooltip(0).contains(QStringLiteral("Skipped blocks")));
}

void TstSequenceLog::mixtureOfDepthsStepperWalksEveryBlock() {
    SequenceView view;
    mor::TokenTrace trace = modTrace();
    trace.tokens.pop_back(); // every token recorded: the summary counts skips per block
    view.setTraces({{100, {trace}}});
    auto* summary = view.findChild<QLabel*>(QStringLiteral("sequenceSummary"));
    QVERIFY2(
        summary->text().contains(QStringLiteral("block 1: 0, block 2: 2, block 3: 0, block 4: 2")),
        qPrintable(summary->text()));
    view.selectToken(2); // skipped blocks 2 and 4 (0-based 1 and 3)
    RecursionStepper* stepper = view.recursionStepper();
    QVERIFY(stepper->isBlocksMode());
    QCOMPARE(stepper->cursor()->count(), 4); // every block, not just the 2 it went through
    const std::vector<int> expected = {1, 0, 1, 0};
    for (int r = 1; r <= 4; ++r) {
        stepper->setRecursion(r);
        QCOMPARE(stepper->blockUsedAtCursor(), expected[size_t(r - 1)]);
        QCOMPARE(stepper->routerScore(), double(trace.tokens[2].routerScores[size_t(r - 1)]));
    }
    auto* title = stepper->findChild<QLabel*>(QStringLiteral("recursionTitle"));
    QVERIFY2(title->text().contains(QStringLiteral("blocks used 2 of 4, skipped: 2, 4")),
             qPrintable(title->text()));
    auto* values = stepper->findChild<QLabel*>(QStringLiteral("recursionValues"));
    stepper->setRecursion(2);
    QVERIFY(values->text().contains(QStringLiteral("skipped (residual path)")));
    stepper->setRecursion(3);
    QVERIFY(values->text().contains(QStringLiteral("went through it")));
}

QTEST_MAIN(TstSequenceLog)
#include "tst_sequence_log.moc"
