// Typed text in the sequence view goes through the run's real checkpoint: a tiny recursion
// model is trained, the view traces text through the engine mor-studio installs
// (mor::localEngine(), over mor::Run::traceTokens) off the GUI thread, and shows the same
// tokens and depths as a direct call.
#include "common/engineaccess.h"
#include "sequence/recursionstepper.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenstyle.h"

#include <mor/config.h>
#include <mor/engine_interface.h>
#include <mor/experiment_log.h>
#include <mor/log_reader.h>
#include <mor/run.h>
#include <mor/sequence.h>
#include <mor/trainer.h>

#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

class TstSequenceCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void typedTextShowsTheCheckpointsTrace();
    void typedAdditionScoresOnlyTheAnswer();
    void probeShowsTheWholeAnswer();
    void typedCharacterOutsideTheVocabularyIsNamed();
    void missingCheckpointSaysWhy();
    void predictionNoTargetNamesIsShownFromTheRunsVocabulary();

private:
    QTemporaryDir m_dir;
    std::string m_log;
    int64_t m_run = -1;
};

void TstSequenceCheckpoint::initTestCase() {
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    auto parsed = mor::parseConfig(R"({
        "name": "tiny addition",
        "data": {"kind": "addition", "digits": 2, "samples": 300, "probe_size": 3},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 16, "heads": 2, "ffn": 32}},
        "train": {"epochs": 1, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 2,
                  "threads": 1, "eval_every": 3}})");
    QVERIFY2(parsed.ok(), parsed.message().c_str());
    m_log = m_dir.filePath("seq.sqlite").toStdString();
    mor::RunOptions options;
    options.logPath = m_log;
    const mor::RunOutcome out = mor::trainExperiment(parsed.config, options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    m_run = out.runId;
    // The views trace through mor::localEngine(), installed before main() by linking
    // mor_widgets_local_engine (tests/widgets/CMakeLists.txt), as mor-studio does.
    QVERIFY(common::EngineAccess::installed());
}

void TstSequenceCheckpoint::typedTextShowsTheCheckpointsTrace() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value());
    QVERIFY2(reader, error.c_str());
    sequence::SequenceView view;
    view.setRun(reader, m_run);
    QVERIFY(view.hasTokenTraces());
    const qint64 step = view.evaluationStep();
    QSignalSpy traced(&view, &sequence::SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("12+34=")));
    QVERIFY(traced.wait(30000));
    QVERIFY2(traced.first().first().toBool(),
             qPrintable(view.findChild<QLabel*>("sequenceStatus")->text()));

    const auto direct = mor::Run::open(m_log, m_run).andThen(
        [&](const mor::Run& run) { return run.traceTokens(step, "12+34="); });
    QVERIFY2(direct, direct.error().c_str());
    QCOMPARE(direct->size(), size_t(1));
    const mor::TokenTrace& expected = direct->front();
    const auto* model = view.tokenModel();
    QCOMPARE(model->rowCount(), 6);
    QCOMPARE(view.findChild<QComboBox*>("sequenceCombo")->currentText(),
             QStringLiteral("typed: 12+34="));
    for (int row = 0; row < model->rowCount(); ++row) {
        const mor::TokenStep& token = expected.tokens[size_t(row)];
        const QModelIndex index = model->index(row);
        QCOMPARE(index.data(Qt::DisplayRole).toString(), sequence::displayText(token.text));
        QCOMPARE(index.data(sequence::TokenDepthModel::DepthRole).toInt(), token.depth);
        QVERIFY(token.depth >= 1 && token.depth <= 3);
        view.selectToken(row);
        auto* stepper = view.recursionStepper();
        QCOMPARE(stepper->depth(), token.depth);
        stepper->setRecursion(1);
        QCOMPARE(float(stepper->routerScore()), token.routerScores.front());
    }
}

// Operand digits are given, not predicted: a typed addition is scored from "=" on, as the data
// set scores its probes (issue 21).
void TstSequenceCheckpoint::typedAdditionScoresOnlyTheAnswer() {
    const auto traced = mor::Run::open(m_log, m_run).andThen(
        [&](const mor::Run& run) { return run.traceTokens(-1, "12+34=46"); });
    QVERIFY2(traced, traced.error().c_str());
    const mor::TokenTrace& trace = traced->front();
    QCOMPARE(trace.tokens.size(), size_t(8));
    for (size_t i = 0; i < 5; ++i) {
        QVERIFY2(trace.tokens[i].target < 0, trace.tokens[i].text.c_str()); // 1 2 + 3 4
    }
    QCOMPARE(trace.tokens[5].targetText, std::string("4")); // "=" predicts the first digit
    QCOMPARE(trace.tokens[6].targetText, std::string("6"));
    QCOMPARE(trace.tokens[7].target, int64_t(-1)); // nothing typed after the last digit

    sequence::SequenceView view;
    std::string error;
    view.setRun(std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value()), m_run);
    QSignalSpy done(&view, &sequence::SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("12+34=46")));
    QVERIFY(done.wait(30000));
    const QString answer = view.tokenFlow()->answerText();
    QVERIFY2(answer.startsWith(QStringLiteral("Answer: 46, the model's: ")) &&
                 answer.endsWith(QStringLiteral("of 2 right)")),
             qPrintable(answer));
    const QString summary = view.findChild<QLabel*>("sequenceSummary")->text();
    QVERIFY2(summary.contains(QStringLiteral(" of 2 predicted right")), qPrintable(summary));
}

// A probe reads all but the last token: the last digit of the sum is only the last token's
// target. The view still shows the whole answer: that digit in a box after the tokens, and the
// answer line with every digit (rev(a) + rev(b) = rev(a + b), checked from the operands).
void TstSequenceCheckpoint::probeShowsTheWholeAnswer() {
    std::string error;
    sequence::SequenceView view;
    view.setRun(std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value()), m_run);
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const mor::TokenTrace* trace = view.currentTrace();
    QVERIFY(trace);
    QCOMPARE(trace->tokens.size(), size_t(8)); // 2 + 1 + 2 + 1 + 2 of the 3 sum digits
    const auto digit = [&](size_t i) { return std::stoi(trace->tokens[i].text); };
    const int sum = digit(0) + 10 * digit(1) + digit(3) + 10 * digit(4);
    const QString reversed = QStringLiteral("%1%2%3").arg(sum % 10).arg(sum / 10 % 10).arg(sum / 100);
    QCOMPARE(QString::fromStdString(trace->tokens[6].text), reversed.mid(0, 1));
    QCOMPARE(QString::fromStdString(trace->tokens[7].text), reversed.mid(1, 1));
    sequence::TokenFlowWidget* flow = view.tokenFlow();
    QCOMPARE(flow->trailingText(), reversed.mid(2, 1));
    const QRect last = flow->tokenRect(7), trailing = flow->trailingRect();
    QVERIFY(!trailing.isEmpty());
    QVERIFY(trailing.left() > last.right() || trailing.top() > last.bottom());
    QVERIFY(flow->viewport()->rect().contains(trailing));
    QVERIFY2(flow->answerText().startsWith(QStringLiteral("Answer: %1, ").arg(reversed)),
             qPrintable(flow->answerText()));
}

// "12x4+3=9": the x is named as left out; the message does not claim a full context (issue 21).
void TstSequenceCheckpoint::typedCharacterOutsideTheVocabularyIsNamed() {
    std::string error;
    sequence::SequenceView view;
    view.setRun(std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value()), m_run);
    QSignalSpy done(&view, &sequence::SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("12x4+3=9")));
    QVERIFY(done.wait(30000));
    QVERIFY(done.first().first().toBool());
    const QString status = view.findChild<QLabel*>("sequenceStatus")->text();
    QCOMPARE(status, QStringLiteral("Not in the model's vocabulary, left out: “x”"));
    QCOMPARE(view.tokenModel()->rowCount(), 7);
}

void TstSequenceCheckpoint::missingCheckpointSaysWhy() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value());
    sequence::SequenceView view;
    view.setRun(reader, m_run);
    // Another run id of the same log has no checkpoint: the engine's error reaches the user.
    view.setTextTracer([](const std::string& path, int64_t, int64_t step, const std::string& text,
                          std::string* err) {
        auto traced = common::EngineAccess::engine().traceTokens(path, 4242, step, text);
        *err = traced.error();
        return traced ? traced.value() : std::vector<mor::TokenTrace>{};
    });
    QSignalSpy traced(&view, &sequence::SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("1+2=")));
    QVERIFY(traced.wait(30000));
    QCOMPARE(traced.first().first().toBool(), false);
    const QString status = view.findChild<QLabel*>("sequenceStatus")->text();
    QVERIFY2(status.startsWith(QStringLiteral("Tracing failed: ")) && status.size() > 17,
             qPrintable(status));
}

// A prediction that no target of the traces names ("+": never an answer digit) is shown as its
// character from the run's vocabulary (the .vocab file next to its checkpoint), not as "?".
void TstSequenceCheckpoint::predictionNoTargetNamesIsShownFromTheRunsVocabulary() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value());
    QVERIFY2(reader, error.c_str());
    const std::vector<int64_t> steps = reader->tokenTraceSteps(m_run);
    const auto checkpoints = reader->checkpoints(m_run);
    QVERIFY(!steps.empty() && !checkpoints.empty());
    mor::TokenTrace trace = reader->tokenTraces(m_run, steps.back()).at(0);
    QFile vocabFile(QString::fromStdString(checkpoints.back().path + ".vocab"));
    QVERIFY(vocabFile.open(QIODevice::ReadOnly));
    const int64_t plus = QJsonDocument::fromJson(vocabFile.readAll()).array().toVariantList()
                             .indexOf(QVariant(QStringLiteral("+")));
    QVERIFY(plus >= 0);
    int scored = 0;
    for (mor::TokenStep& token : trace.tokens) {
        QVERIFY(token.targetText != "+");
        if (token.target >= 0) {
            token.pred = plus; // every answer position predicts "+"
            ++scored;
        }
    }
    QVERIFY(scored >= 2);
    // A log of its own (the shared one stays as the other tests expect) naming the checkpoint.
    const std::string path = m_dir.filePath("plus.sqlite").toStdString();
    int64_t run = -1;
    {
        auto log = mor::ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        mor::RunInfo info;
        info.name = "predicts plus";
        run = log->createRun(info);
        log->logTokenTraces(run, steps.back(), {trace});
        log->logCheckpoint(run, checkpoints.back().step, checkpoints.back().path, "{}");
        log->setStatus(run, "finished");
        log->flush();
    }
    sequence::SequenceView view;
    view.setRun(std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value()), run);
    const QString answer = view.tokenFlow()->answerText();
    QVERIFY2(answer.contains(QStringLiteral(", the model's: %1 (0 of %2 right)")
                                 .arg(QString(scored, QLatin1Char('+')))
                                 .arg(scored)),
             qPrintable(answer));
    QVERIFY(!answer.contains(QLatin1Char('?')));
}

QTEST_MAIN(TstSequenceCheckpoint)
#include "tst_sequence_checkpoint.moc"
