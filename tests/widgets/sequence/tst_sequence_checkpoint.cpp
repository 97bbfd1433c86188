// Typed text in the sequence view goes through the run's real checkpoint: a tiny recursion
// model is trained, the view traces text through the engine mor-studio installs
// (mor::localEngine(), over mor::Run::traceTokens) off the GUI thread, and shows the same
// tokens and depths as a direct call.
#include "engineaccess.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenstyle.h"

#include <mor/config.h>
#include <mor/log_reader.h>
#include <mor/engine_interface.h>
#include <mor/run.h>
#include <mor/sequence.h>
#include <mor/trainer.h>

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

class TstSequenceCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void typedTextShowsTheCheckpointsTrace();
    void missingCheckpointSaysWhy();

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
    QVERIFY(EngineAccess::installed());
}

void TstSequenceCheckpoint::typedTextShowsTheCheckpointsTrace() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = mor::LogReader::open(m_log, &error);
    QVERIFY2(reader, error.c_str());
    SequenceView view;
    view.setRun(reader, m_run);
    QVERIFY(view.hasTokenTraces());
    const qint64 step = view.evaluationStep();
    QSignalSpy traced(&view, &SequenceView::textTraced);
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

void TstSequenceCheckpoint::missingCheckpointSaysWhy() {
    std::string error;
    std::shared_ptr<const mor::LogReader> reader = mor::LogReader::open(m_log, &error);
    SequenceView view;
    view.setRun(reader, m_run);
    // Another run id of the same log has no checkpoint: the engine's error reaches the user.
    view.setTextTracer([](const std::string& path, int64_t, int64_t step, const std::string& text,
                          std::string* err) {
        auto traced = EngineAccess::engine().traceTokens(path, 4242, step, text);
        *err = traced.error();
        return traced ? traced.value() : std::vector<mor::TokenTrace>{};
    });
    QSignalSpy traced(&view, &SequenceView::textTraced);
    QVERIFY(view.traceText(QStringLiteral("1+2=")));
    QVERIFY(traced.wait(30000));
    QCOMPARE(traced.first().first().toBool(), false);
    const QString status = view.findChild<QLabel*>("sequenceStatus")->text();
    QVERIFY2(status.startsWith(QStringLiteral("Tracing failed: ")) && status.size() > 17,
             qPrintable(status));
}

QTEST_MAIN(TstSequenceCheckpoint)
#include "tst_sequence_checkpoint.moc"
