// The sequence view draws exactly the traced tokens in their depth's colour, explains each in a
// tooltip, plots the traces' mean depths, traces typed text. The recursion stepper:
// tst_sequence_stepper.
#include "sequencefixture.h"

#include "common/engineaccess.h"
#include "sequence/depthlegend.h"
#include "sequence/depthplots.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/tokenstyle.h"

#include <mor/log_reader.h>
#include <mor/run.h>
#include <mor/trainer.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QToolTip>
#include <QtTest>

#include <atomic>
#include <map>

using namespace sequence;
using sequence_test::makeRun;
using sequence_test::makeTrace;

class TstSequenceView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsExactlyTheTokensInTheirDepthColour();
    void whitespaceTokensAreVisible_data();
    void whitespaceTokensAreVisible();
    void deeperTokensAreDarker();
    void tooltipNamesTargetPredictionLossDepthAndRouterScores();
    void hoveringATokenShowsItsTooltip();
    void newlineTokenStartsANewLine();
    void clickingATokenOpensItInTheStepper();
    void arrowKeysMoveTheSelection();
    void meanDepthBarsEqualTheTraces();
    void distributionBarsAreTheShareOfEachDepth();
    void difficultyClassesReplaceCharacterClasses();
    void depthByStepPlotHasOneMeanPerStep();
    void onlyOneStepHidesTheStepPlot();
    void sequenceAndStepPickersSwitchTheTrace();
    void typedTextIsTracedOffTheGuiThread();
    void failedTracingSaysWhy();
    void withoutTracerTheTextFieldIsDisabled();
    void withoutTracesTheViewSaysWhy();
    void generateContinuesThePromptLikeRunGenerate();
};

void TstSequenceView::showsExactlyTheTokensInTheirDepthColour() {
    SequenceView view;
    view.setTraces(makeRun());
    const mor::TokenTrace expected = makeRun().at(300).front();
    QCOMPARE(view.evaluationStep(), qint64(300)); // the last step opens first
    const TokenDepthModel* model = view.tokenModel();
    QCOMPARE(model->rowCount(), int(expected.tokens.size()));
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto& token = expected.tokens[size_t(row)];
        const QModelIndex index = model->index(row);
        QCOMPARE(index.data(TokenDepthModel::TokenTextRole).toString(),
                 QString::fromStdString(token.text));
        QCOMPARE(index.data(TokenDepthModel::DepthRole).toInt(), token.depth);
        QCOMPARE(index.data(Qt::BackgroundRole).value<QColor>(), depthColor(token.depth, 3));
    }
    QCOMPARE(view.findChild<DepthLegend*>()->maxDepth(), 3);
}

void TstSequenceView::whitespaceTokensAreVisible_data() {
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("shown");
    QTest::newRow("space") << " "
                           << "␣";
    QTest::newRow("newline") << "\n"
                             << "↵";
    QTest::newRow("newline as the traces write it") << "\\n"
                                                    << "↵";
    QTest::newRow("tab as the traces write it") << "\\t"
                                                << "⇥";
    QTest::newRow("tab") << "\t"
                         << "⇥";
    QTest::newRow("letter") << "a"
                            << "a";
    QTest::newRow("two spaces") << "  "
                                << "␣␣";
    QTest::newRow("empty") << ""
                           << "∅";
}

void TstSequenceView::whitespaceTokensAreVisible() {
    QFETCH(QString, token);
    QFETCH(QString, shown);
    QCOMPARE(displayText(token.toStdString()), shown);
    mor::TokenTrace trace = makeTrace(1);
    trace.tokens[0].text = token.toStdString();
    TokenDepthModel model;
    model.setTrace(trace);
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), shown);
}

void TstSequenceView::deeperTokensAreDarker() {
    for (int maxDepth : {2, 3, 4, 8}) {
        for (int d = 1; d < maxDepth; ++d) {
            QVERIFY2(depthColor(d, maxDepth).lightnessF() >
                         depthColor(d + 1, maxDepth).lightnessF(),
                     qPrintable(QStringLiteral("depth %1 of %2").arg(d).arg(maxDepth)));
        }
    }
    // Text stays readable: dark on the lightest box, white on the darkest.
    QCOMPARE(textColorOn(depthColor(1, 4)), QColor(Qt::black));
    QCOMPARE(textColorOn(depthColor(4, 4)), QColor(Qt::white));
}

void TstSequenceView::tooltipNamesTargetPredictionLossDepthAndRouterScores() {
    const mor::TokenTrace trace = makeTrace(1);
    TokenDepthModel model;
    model.setTrace(trace, vocabularyOf({trace}));
    for (int row = 0; row < model.rowCount(); ++row) {
        const auto& token = trace.tokens[size_t(row)];
        const QString tip = model.index(row).data(Qt::ToolTipRole).toString();
        for (size_t r = 0; r < token.routerScores.size(); ++r) {
            const QString score = QStringLiteral("r%1 %2").arg(r + 1).arg(
                QString::number(double(token.routerScores[r]), 'f', 3));
            // Expert choice: ranked up to its depth + 1, then the token had left (not a score).
            QVERIFY2(tip.contains(score) == (int(r) <= token.depth),
                     qPrintable(tip + " / " + score));
        }
        QVERIFY(tip.contains(QStringLiteral("Depth: %1 of 3").arg(token.depth)));
        if (token.target >= 0) {
            QVERIFY2(tip.contains(QStringLiteral("Target: %1").arg(quoted(token.targetText))),
                     qPrintable(tip));
            QVERIFY(tip.contains(QString::number(double(token.loss), 'f', 3)));
            QVERIFY(tip.contains(token.pred == token.target ? QStringLiteral("(right)")
                                                            : QStringLiteral("(wrong)")));
        }
    }
    // The 4th token ("1") is predicted wrong: the tooltip names the predicted token "z".
    QVERIFY(model.tooltip(3).contains(QStringLiteral("Prediction: #122 (wrong)")) ||
            model.tooltip(3).contains(QStringLiteral("Prediction: “z” (wrong)")));
}

void TstSequenceView::hoveringATokenShowsItsTooltip() {
    SequenceView view;
    view.resize(900, 700);
    view.setTraces(makeRun());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    TokenFlowWidget* flow = view.tokenFlow();
    const QPoint at = flow->tokenRect(3).center();
    QHelpEvent help(QEvent::ToolTip, at, flow->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(flow->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), view.tokenModel()->tooltip(3));
    QVERIFY(QToolTip::text().contains(QStringLiteral("Router scores: r1 ")));
    QToolTip::hideText();
}

void TstSequenceView::newlineTokenStartsANewLine() {
    SequenceView view;
    view.resize(900, 700);
    view.setTraces(makeRun());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    TokenFlowWidget* flow = view.tokenFlow();
    // "a b ␣ 1 , ↵" on the first line, "c" alone on the next one, at the left margin.
    QCOMPARE(flow->tokenRect(5).top(), flow->tokenRect(0).top());
    QVERIFY(flow->tokenRect(6).top() > flow->tokenRect(5).bottom());
    QCOMPARE(flow->tokenRect(6).left(), flow->tokenRect(0).left());
    // A narrow view wraps the line without a newline too.
    flow->resize(60, 300);
    QTRY_VERIFY(flow->tokenRect(3).top() > flow->tokenRect(0).top());
}

void TstSequenceView::clickingATokenOpensItInTheStepper() {
    SequenceView view;
    view.resize(900, 700);
    view.setTraces(makeRun());
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    TokenFlowWidget* flow = view.tokenFlow();
    QCOMPARE(view.recursionStepper()->tokenRow(), 0);
    QTest::mouseClick(flow->viewport(), Qt::LeftButton, {}, flow->tokenRect(4).center());
    QCOMPARE(flow->currentToken(), 4);
    QCOMPARE(view.recursionStepper()->tokenRow(), 4);
    QCOMPARE(view.recursionStepper()->depth(), view.currentTrace()->tokens[4].depth);
    QCOMPARE(flow->tokenAt(flow->tokenRect(2).center()), 2);
}

void TstSequenceView::arrowKeysMoveTheSelection() {
    SequenceView view;
    view.setTraces(makeRun());
    TokenFlowWidget* flow = view.tokenFlow();
    view.selectToken(2);
    QTest::keyClick(flow, Qt::Key_Right);
    QCOMPARE(flow->currentToken(), 3);
    QCOMPARE(view.recursionStepper()->tokenRow(), 3);
    QTest::keyClick(flow, Qt::Key_Left);
    QTest::keyClick(flow, Qt::Key_Left);
    QCOMPARE(view.recursionStepper()->tokenRow(), 1);
    QTest::keyClick(flow, Qt::Key_End);
    QCOMPARE(flow->currentToken(), 6);
}

namespace {
// Mean depth per character class, computed here independently of the view's statistics.
std::map<QString, std::pair<double, int>>
meansByFirstChar(const std::vector<mor::TokenTrace>& traces) {
    std::map<QString, std::pair<double, int>> acc;
    for (const auto& trace : traces) {
        for (const auto& t : trace.tokens) {
            const char c = t.text == "\\n" ? '\n' : t.text.empty() ? '?' : t.text[0];
            const QString cls = c == '\n'                ? QStringLiteral("newlines")
                                : c == ' '               ? QStringLiteral("spaces")
                                : (c >= '0' && c <= '9') ? QStringLiteral("digits")
                                : ((c | 32) >= 'a' && (c | 32) <= 'z')
                                    ? QStringLiteral("letters")
                                    : QStringLiteral("punctuation");
            acc[cls].first += t.depth;
            acc[cls].second += 1;
        }
    }
    return acc;
}
} // namespace

void TstSequenceView::meanDepthBarsEqualTheTraces() {
    SequenceView view;
    const auto run = makeRun();
    view.setTraces(run);
    QCPBars* bars = view.depthPlots()->meanDepthBars();
    const QStringList order = {"letters", "digits", "spaces", "punctuation", "newlines"};
    QCOMPARE(bars->data()->size(), order.size());
    for (int64_t step : {100, 200, 300}) {
        view.showSequence(step, 0);
        const auto expected = meansByFirstChar(run.at(step));
        for (int i = 0; i < order.size(); ++i) {
            const auto& [sum, count] = expected.at(order[i]);
            QCOMPARE(bars->data()->at(i)->key, double(i));
            QCOMPARE(bars->data()->at(i)->value, sum / count);
        }
    }
}

void TstSequenceView::distributionBarsAreTheShareOfEachDepth() {
    SequenceView view;
    const auto run = makeRun();
    view.setTraces(run);
    QCustomPlot* plot = view.depthPlots()->distributionPlot();
    QCOMPARE(plot->plottableCount(), 3); // depths 1, 2, 3
    const auto classes = depthByClass(run.at(300));
    for (int d = 0; d < 3; ++d) {
        auto* bars = qobject_cast<QCPBars*>(plot->plottable(d));
        QVERIFY(bars);
        QCOMPARE(bars->brush().color(), depthColor(d + 1, 3));
        for (int c = 0; c < int(classes.size()); ++c) {
            const double share =
                classes[size_t(c)].tokens
                    ? double(classes[size_t(c)].depthCounts[size_t(d)]) / classes[size_t(c)].tokens
                    : 0.0;
            QCOMPARE(bars->data()->at(c)->value, share);
        }
    }
    // Each class's shares add up to one (stacked to the top of the plot).
    for (int c = 0; c < int(classes.size()); ++c) {
        double sum = 0;
        for (int d = 0; d < 3; ++d) {
            sum += qobject_cast<QCPBars*>(plot->plottable(d))->data()->at(c)->value;
        }
        QVERIFY(qFuzzyCompare(sum, 1.0));
    }
}

void TstSequenceView::difficultyClassesReplaceCharacterClasses() {
    SequenceView view;
    const auto run = makeRun(true);
    view.setTraces(run);
    QCPBars* bars = view.depthPlots()->meanDepthBars();
    QCOMPARE(bars->data()->size(), 2);
    double sum[2] = {0, 0};
    int count[2] = {0, 0};
    for (const auto& trace : run.at(300)) {
        for (const auto& t : trace.tokens) {
            sum[t.difficulty] += t.depth;
            ++count[t.difficulty];
        }
    }
    QCOMPARE(bars->data()->at(0)->value, sum[0] / count[0]);
    QCOMPARE(bars->data()->at(1)->value, sum[1] / count[1]);
    auto ticker =
        view.depthPlots()->meanDepthPlot()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QVERIFY(ticker->ticks().value(0).startsWith(QStringLiteral("no carry")));
    QVERIFY(ticker->ticks().value(1).startsWith(QStringLiteral("carry")));
}

void TstSequenceView::depthByStepPlotHasOneMeanPerStep() {
    SequenceView view;
    const auto run = makeRun();
    view.setTraces(run);
    QCustomPlot* plot = view.depthPlots()->byStepPlot();
    QVERIFY(!plot->isHidden());
    QCPGraph* overall = plot->graph(plot->graphCount() - 1); // drawn last, on top
    QCOMPARE(overall->data()->size(), 3);
    int i = 0;
    for (const auto& [step, traces] : run) {
        double sum = 0;
        int n = 0;
        for (const auto& trace : traces) {
            for (const auto& t : trace.tokens) {
                sum += t.depth;
                ++n;
            }
        }
        QCOMPARE(overall->data()->at(i)->key, double(step));
        QCOMPARE(overall->data()->at(i)->value, sum / n);
        ++i;
    }
    QCOMPARE(plot->graphCount(), 1 + kCharClassCount);
}

void TstSequenceView::onlyOneStepHidesTheStepPlot() {
    SequenceView view;
    auto run = makeRun();
    view.setTraces({{100, run.at(100)}});
    QVERIFY(view.depthPlots()->byStepPlot()->isHidden());
}

void TstSequenceView::sequenceAndStepPickersSwitchTheTrace() {
    SequenceView view;
    const auto run = makeRun();
    view.setTraces(run);
    auto* steps = view.findChild<QComboBox*>("evalStepCombo");
    auto* sequences = view.findChild<QComboBox*>("sequenceCombo");
    QCOMPARE(steps->count(), 3);
    QCOMPARE(sequences->count(), 2);
    QVERIFY(sequences->itemText(1).startsWith(QStringLiteral("#9: ab␣1,↵c")));
    sequences->setCurrentIndex(1);
    QCOMPARE(view.currentTrace()->sampleId, int64_t(9));
    steps->setCurrentIndex(0);
    QCOMPARE(view.evaluationStep(), qint64(100));
    QCOMPARE(view.currentTrace()->sampleId, int64_t(9)); // the same probe at the other step
    for (int row = 0; row < view.tokenModel()->rowCount(); ++row) {
        QCOMPARE(view.tokenModel()->index(row).data(TokenDepthModel::DepthRole).toInt(),
                 run.at(100)[1].tokens[size_t(row)].depth);
    }
    QVERIFY(!view.showSequence(150, 0));
}

void TstSequenceView::typedTextIsTracedOffTheGuiThread() {
    SequenceView view;
    view.setTraces(makeRun());
    std::atomic<bool> offGuiThread{false};
    QThread* gui = QThread::currentThread();
    view.setTextTracer(
        [&](const std::string&, int64_t, int64_t step, const std::string& text, std::string*) {
            offGuiThread = QThread::currentThread() != gui;
            mor::TokenTrace trace = makeTrace(-1, int(step / 100));
            trace.tokens.resize(text.size());
            for (size_t i = 0; i < text.size(); ++i) {
                trace.tokens[i].text = std::string(1, text[i]);
            }
            return std::vector<mor::TokenTrace>{trace};
        });
    auto* edit = view.findChild<QLineEdit*>("customTextEdit");
    auto* button = view.findChild<QPushButton*>("traceButton");
    QVERIFY(edit->isEnabled());
    edit->setText(QStringLiteral("hi 2"));
    QVERIFY(button->isEnabled());
    QSignalSpy traced(&view, &SequenceView::textTraced);
    button->click();
    QVERIFY(traced.wait(5000));
    QCOMPARE(traced.first().first().toBool(), true);
    QVERIFY(offGuiThread.load());
    auto* sequences = view.findChild<QComboBox*>("sequenceCombo");
    QCOMPARE(sequences->count(), 3);
    QCOMPARE(sequences->currentIndex(), 2);
    QCOMPARE(sequences->currentText(), QStringLiteral("typed: hi␣2"));
    QCOMPARE(view.tokenModel()->rowCount(), 4);
    QCOMPARE(view.tokenModel()->index(2).data(Qt::DisplayRole).toString(), QStringLiteral("␣"));
}

void TstSequenceView::failedTracingSaysWhy() {
    SequenceView view;
    view.setTraces(makeRun());
    view.setTextTracer(
        [](const std::string&, int64_t, int64_t, const std::string&, std::string* error) {
            *error = "no checkpoint at step 300";
            return std::vector<mor::TokenTrace>{};
        });
    QSignalSpy traced(&view, &SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("abc")));
    QVERIFY(traced.wait(5000));
    QCOMPARE(traced.first().first().toBool(), false);
    QVERIFY(
        view.findChild<QLabel*>("sequenceStatus")->text().contains("no checkpoint at step 300"));
    QCOMPARE(view.findChild<QComboBox*>("sequenceCombo")->count(), 2);
}

void TstSequenceView::withoutTracerTheTextFieldIsDisabled() {
    common::EngineAccess::install(nullptr); // no engine: a new view has no tracer
    SequenceView view;
    view.setTraces(makeRun());
    QVERIFY(!view.findChild<QLineEdit*>("customTextEdit")->isEnabled());
    QVERIFY(!view.traceText(QStringLiteral("abc")));
}

void TstSequenceView::withoutTracesTheViewSaysWhy() {
    SequenceView view;
    QSignalSpy available(&view, &SequenceView::tokenTracesAvailable);
    view.setTraces(makeRun());
    QCOMPARE(available.count(), 1);
    QVERIFY(view.hasTokenTraces());
    view.setTraces({});
    QCOMPARE(available.count(), 2);
    QCOMPARE(available.last().first().toBool(), false);
    QVERIFY(!view.hasTokenTraces());
    QCOMPARE(view.tokenModel()->rowCount(), 0);
    QVERIFY(view.findChild<QLabel*>("sequenceStatus")->text().contains("no token traces"));
    QCOMPARE(view.recursionStepper()->tokenRow(), -1);
}

mor::GenerateResult generateFailure(const std::string& error) {
    mor::GenerateResult result;
    result.error = error;
    return result;
}

void TstSequenceView::generateContinuesThePromptLikeRunGenerate() {
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    auto parsed = mor::parseConfig(R"({
        "name": "tiny generate",
        "data": {"kind": "addition", "digits": 2, "samples": 200, "probe_size": 2},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 16, "heads": 2, "ffn": 32}},
        "train": {"epochs": 1, "batch_size": 32, "warmup_steps": 2, "threads": 1,
                  "learning_rate": 0.003, "eval_every": 3}})");
    QVERIFY2(parsed.ok(), parsed.message().c_str());
    QTemporaryDir dir;
    const std::string log = dir.filePath("gen.sqlite").toStdString();
    mor::RunOptions runOptions;
    runOptions.logPath = log;
    const mor::RunOutcome out = mor::trainExperiment(parsed.config, runOptions, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(log).value());
    QVERIFY2(reader, error.c_str());
    std::atomic<bool> offGuiThread{false};
    SequenceView view;
    view.setTextGenerator([&](const std::string& path, int64_t runId,
                              const mor::GenerateOptions& options) {
        offGuiThread = QThread::currentThread() != view.thread();
        auto generated = mor::Run::open(path, runId).andThen(
            [&](const mor::Run& run) { return run.generate(options); });
        return generated ? generated.value() : generateFailure(generated.error());
    }); // as mor-studio does
    view.setRun(reader, out.runId);
    GeneratePanel* panel = view.generatePanel();
    panel->setTokenCount(7);
    panel->setTemperature(0.8);
    view.findChild<QLineEdit*>("customTextEdit")->setText(QStringLiteral("12+34="));
    QSignalSpy generated(panel, &GeneratePanel::generated);
    QVERIFY(view.findChild<QPushButton*>("generateButton")->isEnabled());
    view.findChild<QPushButton*>("generateButton")->click();
    QVERIFY(generated.wait(30000));
    QVERIFY2(generated.first().first().toBool(),
             qPrintable(view.findChild<QLabel*>("generateStatus")->text()));
    QVERIFY(offGuiThread.load());

    mor::GenerateOptions options; // what the controls hold, set here by hand
    options.prompt = "12+34=", options.tokens = 7, options.temperature = 0.8, options.seed = 1;
    options.step = view.evaluationStep();
    const auto direct = mor::Run::open(log, out.runId).andThen(
        [&](const mor::Run& run) { return run.generate(options); });
    QVERIFY2(direct, direct.error().c_str());
    QString expectedText; // the sampled tokens, prompt left out
    for (const auto& token : direct->tokens) {
        expectedText += token.prompt ? QString() : QString::fromStdString(token.text);
    }
    QCOMPARE(direct->generated, int64_t(7));
    QCOMPARE(panel->generatedText(), expectedText);
    const TokenDepthModel* model = panel->model();
    QCOMPARE(model->rowCount(), int(direct->tokens.size()));
    for (int row = 0; row < model->rowCount(); ++row) {
        const mor::GeneratedToken& token = direct->tokens[size_t(row)];
        const QModelIndex index = model->index(row);
        QCOMPARE(index.data(TokenDepthModel::TokenTextRole).toString(),
                 QString::fromStdString(token.text));
        QCOMPARE(index.data(TokenDepthModel::DepthRole).toInt(), token.depth);
        QCOMPARE(index.data(Qt::BackgroundRole).value<QColor>(),
                 depthColor(token.depth, direct->maxRecursions));
    }

    // A run id the log does not hold: the generator's message reaches the user.
    view.setTextGenerator([](const std::string& path, int64_t, const mor::GenerateOptions& o) {
        auto failed = mor::Run::open(path, 4242).andThen(
            [&](const mor::Run& run) { return run.generate(o); });
        return generateFailure(failed ? "unexpected success" : failed.error());
    });
    QSignalSpy failedSpy(panel, &GeneratePanel::generated);
    QVERIFY(view.generateText(QStringLiteral("1+2=")));
    QVERIFY(failedSpy.wait(30000));
    QCOMPARE(failedSpy.first().first().toBool(), false);
    const QString status = view.findChild<QLabel*>("generateStatus")->text();
    QVERIFY2(status.startsWith(QStringLiteral("Generation failed: ")) && status.contains("4242"),
             qPrintable(status));
    QCOMPARE(model->rowCount(), 0);
}

QTEST_MAIN(TstSequenceView)
#include "tst_sequence_view.moc"
