// The sequence view over a real log: token traces written through
// mor::ExperimentLog::logTokenTraces come back on screen unchanged, the main window shows the
// Sequence tab only for runs that have them, and the view follows a run that grows.
#include "sequencefixture.h"

#include "mainwindow.h"
#include "sequence/depthplots.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/tokenstyle.h"

#include <mor/experiment_log.h>
#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

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

private:
    QTemporaryDir m_dir;
    std::string m_path;
    int64_t m_sequenceRun = -1;
    int64_t m_plainRun = -1;
    std::map<int64_t, std::vector<mor::TokenTrace>> m_logged;
};

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
    log->flush();
}

void TstSequenceLog::init() {
    QSettings().clear();
}

void TstSequenceLog::showsTheLoggedTokensDepthsAndScores() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = mor::LogReader::open(m_path, &error);
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
    std::shared_ptr<const mor::LogReader> reader = mor::LogReader::open(m_path, &error);
    SequenceView view;
    view.setRun(reader, m_plainRun);
    QVERIFY(!view.hasTokenTraces());
    QCOMPARE(view.tokenModel()->rowCount(), 0);
    QCOMPARE(view.findChild<QComboBox*>("evalStepCombo")->count(), 0);
}

void TstSequenceLog::mainWindowShowsTheTabOnlyForSequenceRuns() {
    MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    QCOMPARE(window.tabs()->count(), 9); // ... Compare, Sequence, Playground, Sweeps
    window.selectRun(m_sequenceRun);
    QVERIFY(window.tabs()->isTabVisible(MainWindow::Sequence));
    QVERIFY(window.showView(QStringLiteral("sequence")));
    auto* view = qobject_cast<SequenceView*>(window.tabs()->currentWidget());
    QVERIFY(view);
    QCOMPARE(view->tokenModel()->rowCount(), int(m_logged.at(200)[0].tokens.size()));
    window.selectRun(m_plainRun);
    QVERIFY(!window.tabs()->isTabVisible(MainWindow::Sequence));
}

void TstSequenceLog::refreshPicksUpANewEvaluationStep() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = mor::LogReader::open(m_path, &error);
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
    MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    window.selectRun(run);
    QVERIFY(!window.tabs()->isTabVisible(MainWindow::Sequence));
    // The first evaluation of a training run writes traces: the main window's poll finds them.
    log->logTokenTraces(run, 10, {sequence_test::makeTrace(0)});
    log->flush();
    QTRY_VERIFY_WITH_TIMEOUT(window.tabs()->isTabVisible(MainWindow::Sequence), 15000);
}

void TstSequenceLog::presentationModeEnlargesTheTokens() {
    MainWindow window;
    QVERIFY(window.openLog(QString::fromStdString(m_path), false));
    window.selectRun(m_sequenceRun);
    auto* flow = window.findChild<sequence::TokenFlowWidget*>();
    QVERIFY(flow);
    const int normal = flow->tokenRect(0).height();
    QVERIFY(normal > 0);
    window.setPresentationMode(true);
    QTRY_VERIFY(flow->tokenRect(0).height() > normal * 1.2);
    window.setPresentationMode(false);
    QTRY_COMPARE(flow->tokenRect(0).height(), normal);
}

QTEST_MAIN(TstSequenceLog)
#include "tst_sequence_log.moc"
