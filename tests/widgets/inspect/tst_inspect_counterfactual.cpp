// The stepper's counterfactuals (issue 19) show what `mor trace --json` prints for the same
// input, checkpoint and intervention, and its run summary's "halt at the maximum depth" row is
// the model's fixed-depth accuracy. The fixture is a tiny run trained here (fixed halting,
// depth 3, three experts, top-2), and the built `mor` binary is run through QProcess.
#include "inspect/counterfactualcontrols.h"
#include "inspect/counterfactualsummary.h"
#include "inspect/calibrationview.h"
#include "inspect/counterfactualview.h"
#include "common/plotstyle.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/tracecomparison.h"

#include <mor/log_reader.h>
#include <mor/run.h>
#include <mor/trainer.h>

#include <qcustomplot.h>

#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

Q_DECLARE_METATYPE(mor::Intervention)

namespace {

const char* kConfig = R"({"name":"cf","data":{"kind":"parity","length":6,"samples":400,
    "probe_size":6},"model":{"encoder":{"hidden":16},"router":{"top_k":2,"hidden":16},
    "experts":[{"width":16,"max_depth":3,"halting":"fixed"},{"width":16,"max_depth":3,
    "halting":"fixed"},{"width":16,"max_depth":3,"halting":"fixed"}]},
    "train":{"epochs":3,"batch_size":32,"threads":1}})";

QString morBinary() {
    return QStringLiteral(MOR_BINARY_DIR "/app/cli/mor");
}

/// Runs `mor` and returns the last line of its standard output parsed as JSON.
QJsonObject runMor(const QStringList& args) {
    QProcess mor;
    mor.start(morBinary(), args);
    if (!mor.waitForFinished(60000) || mor.exitCode() != 0) {
        qWarning("mor %s: %s", qPrintable(args.join(' ')), mor.readAllStandardError().constData());
        return {};
    }
    const QList<QByteArray> lines = mor.readAllStandardOutput().trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

bool close(double a, double b) {
    return std::abs(a - b) <= 1e-6;
}

} // namespace

class TstInspectCounterfactual : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void whatIfShowsWhatMorTracePrints_data();
    void whatIfShowsWhatMorTracePrints();
    void controlsRoundTripTheIntervention();
    void runSummaryHaltAtMaxDepthIsTheFixedDepthAccuracy();
    /// With MOR_SCREENSHOT_DIR set: the What if, Run summary and Calibration pages, light and
    /// dark, at 1280x800 (looked at by hand).
    void screenshots();

private:
    /// The side of the comparison equals the JSON object of `mor trace --json`.
    void compareSide(const inspect::TraceComparison& view, inspect::TraceComparison::Side side,
                     const QJsonObject& json);

    QTemporaryDir m_dir;
    std::string m_log;
    int64_t m_runId = -1;
    int64_t m_step = -1;   ///< last evaluation step with traces
    int64_t m_sample = -1; ///< a probe input
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectCounterfactual::initTestCase() {
    QVERIFY(QFileInfo::exists(morBinary()));
    m_log = m_dir.filePath("log.sqlite").toStdString();
    const auto parsed = mor::parseConfig(kConfig);
    QVERIFY2(parsed.ok(), parsed.message().c_str());
    mor::RunOptions options;
    options.logPath = m_log;
    const auto out = mor::trainExperiment(parsed.config, options, nullptr);
    QCOMPARE(out.status, std::string("finished"));
    m_runId = out.runId;
    std::string error;
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(m_log).value());
    QVERIFY2(m_reader, error.c_str());
    m_step = m_reader->traceSteps(m_runId).back();
    for (const auto& s : m_reader->samples(m_runId)) {
        if (s.split == "probe") {
            m_sample = s.sampleId;
            break;
        }
    }
    QVERIFY(m_sample >= 0);
}

void TstInspectCounterfactual::compareSide(const inspect::TraceComparison& view,
                                           inspect::TraceComparison::Side side,
                                           const QJsonObject& json) {
    QVERIFY(!json.isEmpty());
    QCOMPARE(view.field(side, "answer")->property("value").toLongLong(),
             json["answer"].toInteger());
    QCOMPARE(view.field(side, "answer")->text(), QString::number(json["answer"].toInteger()));
    const double confidence = view.field(side, "confidence")->property("value").toDouble();
    QVERIFY2(close(confidence, json["confidence"].toDouble()),
             qPrintable(QString("%1 vs %2").arg(confidence).arg(json["confidence"].toDouble())));
    QCOMPARE(view.field(side, "confidence")->text(), common::fmt(json["confidence"].toDouble(), 4));
    QVERIFY(close(view.field(side, "conflict")->property("value").toDouble(),
                  json["conflict_score"].toDouble()));
    QVERIFY(view.field(side, "conflict")->text().startsWith(
        common::fmt(json["conflict_score"].toDouble(), 4)));
    QCOMPARE(view.field(side, "verdict")->property("value").toBool(), json["correct"].toBool());
    QCOMPARE(view.field(side, "expertSteps")->property("value").toInt(),
             json["expert_steps"].toInt());

    const QTreeWidget* tree = view.tree(side);
    const QJsonArray experts = json["experts"].toArray();
    QCOMPARE(tree->topLevelItemCount(), experts.size());
    for (int i = 0; i < experts.size(); ++i) {
        const QJsonObject e = experts[i].toObject();
        const QTreeWidgetItem* row = tree->topLevelItem(i);
        QCOMPARE(row->data(0, Qt::UserRole).toInt(), e["expert"].toInt());
        QCOMPARE(row->text(0), QString("E%1").arg(e["expert"].toInt()));
        QVERIFY(close(row->data(1, Qt::UserRole).toDouble(), e["gate"].toDouble()));
        QCOMPARE(row->text(1), common::fmt(e["gate"].toDouble(), 4));
        QCOMPARE(row->data(2, Qt::UserRole).toLongLong(), e["pred"].toInteger());
        QVERIFY(close(row->data(3, Qt::UserRole).toDouble(), e["confidence"].toDouble()));
        QCOMPARE(row->data(6, Qt::UserRole).toInt(), e["halt_step"].toInt());
        const QJsonArray steps = e["steps"].toArray();
        QCOMPARE(row->childCount(), steps.size());
        for (int j = 0; j < steps.size(); ++j) {
            const QJsonObject s = steps[j].toObject();
            const QTreeWidgetItem* step = row->child(j);
            QCOMPARE(step->data(0, Qt::UserRole).toInt(), s["t"].toInt());
            QCOMPARE(step->data(2, Qt::UserRole).toLongLong(), s["pred"].toInteger());
            QVERIFY(close(step->data(4, Qt::UserRole).toDouble(), s["critique"].toDouble()));
            QCOMPARE(step->text(4), common::fmt(s["critique"].toDouble(), 4));
            QVERIFY(close(step->data(5, Qt::UserRole).toDouble(), s["halt_p"].toDouble()));
            const QJsonArray probs = s["probs"].toArray();
            const double p = probs[s["pred"].toInt()].toDouble();
            QVERIFY(close(step->data(3, Qt::UserRole).toDouble(), p));
        }
    }
}

void TstInspectCounterfactual::whatIfShowsWhatMorTracePrints_data() {
    QTest::addColumn<mor::Intervention>("intervention");
    QTest::addColumn<QStringList>("flags");
    mor::Intervention halt;
    halt.forceHalt = 1;
    QTest::newRow("halt at t=1") << halt << QStringList{"--force-halt", "1"};
    mor::Intervention extra;
    extra.extraSteps = 2;
    extra.noCritiqueFeedback = true;
    QTest::newRow("2 extra steps, no critique feedback")
        << extra << QStringList{"--extra-steps", "2", "--no-critique-feedback"};
    mor::Intervention veto;
    veto.veto = {0, 2};
    QTest::newRow("veto E0 and E2") << veto << QStringList{"--veto", "0,2"};
    mor::Intervention route;
    route.route = {1, 2};
    route.routeGates = {0.75f, 0.25f};
    QTest::newRow("route to E1, E2 with gates")
        << route << QStringList{"--route", "1,2", "--gates", "0.75,0.25"};
    mor::Intervention routeP;
    routeP.route = {0};
    routeP.forceHalt = 2;
    QTest::newRow("route to E0, halt at 2") << routeP
                                             << QStringList{"--route", "0", "--force-halt", "2"};
}

void TstInspectCounterfactual::whatIfShowsWhatMorTracePrints() {
    QFETCH(mor::Intervention, intervention);
    QFETCH(QStringList, flags);
    inspect::ReflectionStepperView view;
    view.resize(1200, 800);
    view.setRun(m_reader, m_runId);
    view.showSample(m_step, m_sample, false);
    QCOMPARE(view.currentSampleId(), m_sample);
    view.setPage(1);
    inspect::CounterfactualView* whatIf = view.counterfactualView();
    whatIf->controls()->setIntervention(intervention);
    QSignalSpy done(whatIf, &inspect::CounterfactualView::computed);
    auto* run = whatIf->findChild<QPushButton*>("cfRun");
    QVERIFY(run && run->isEnabled());
    QTest::mouseClick(run, Qt::LeftButton);
    QVERIFY(whatIf->isBusy());
    QVERIFY(done.wait(30000));
    QVERIFY(!whatIf->isBusy());

    const QStringList base = {"trace",    "--log",  QString::fromStdString(m_log),
                              "--run",    QString::number(m_runId),
                              "--sample", QString::number(m_sample),
                              "--step",   QString::number(m_step),
                              "--json"};
    const QJsonObject original = runMor(base);
    const QJsonObject changed = runMor(base + flags);
    QVERIFY(changed.contains("intervention"));
    const inspect::TraceComparison& cmp = *whatIf->comparison();
    compareSide(cmp, inspect::TraceComparison::Original, original);
    compareSide(cmp, inspect::TraceComparison::Changed, changed);
    // The one-line summary states the change in compute the two columns show.
    QVERIFY2(cmp.summary().contains(QString("expert-steps %1 → %2")
                                        .arg(original["expert_steps"].toInt())
                                        .arg(changed["expert_steps"].toInt())),
             qPrintable(cmp.summary()));
}

void TstInspectCounterfactual::controlsRoundTripTheIntervention() {
    inspect::CounterfactualControls controls;
    controls.setModel(3, 4);
    mor::Intervention iv;
    iv.forceHalt = 4;
    iv.extraSteps = 3;
    iv.veto = {1};
    iv.route = {0, 2};
    iv.routeGates = {0.5f, 0.125f};
    iv.noCritiqueFeedback = true;
    controls.setIntervention(iv);
    const mor::Intervention back = controls.intervention();
    QCOMPARE(back.forceHalt, int64_t(4));
    QCOMPARE(back.extraSteps, int64_t(3));
    QCOMPARE(back.veto, std::vector<int>({1}));
    QCOMPARE(back.route, std::vector<int>({0, 2}));
    QCOMPARE(back.routeGates, std::vector<float>({0.5f, 0.125f}));
    QVERIFY(back.noCritiqueFeedback);
    // Without "own gates" a forced routing uses the router's p (no gates).
    controls.findChild<QCheckBox*>("cfOwnGates")->setChecked(false);
    QVERIFY(controls.intervention().routeGates.empty());
    QCOMPARE(inspect::CounterfactualControls::describe(back),
             QString("halt at t=4; 3 extra step(s); veto E1; route to E0, E2 (gates 0.500, "
                     "0.125); no critique feedback"));
    QVERIFY(controls.intervention().active());
    controls.findChild<QPushButton*>("cfReset")->click();
    QVERIFY(!controls.intervention().active());
}

void TstInspectCounterfactual::runSummaryHaltAtMaxDepthIsTheFixedDepthAccuracy() {
    inspect::ReflectionStepperView view;
    view.resize(1200, 800);
    view.setRun(m_reader, m_runId);
    view.setPage(2);
    inspect::CounterfactualSummary* summary = view.counterfactualSummary();
    QSignalSpy done(summary, &inspect::CounterfactualSummary::computed);
    QTest::mouseClick(summary->findChild<QPushButton*>("cfTableCompute"), Qt::LeftButton);
    QVERIFY(done.wait(60000));
    QCOMPARE(summary->table().step, m_reader->checkpoints(m_runId).back().step);
    QCOMPARE(summary->table().maxDepth, int64_t(3));

    // The model is trained with fixed halting at depth 3: the fixed-depth accuracy is mor
    // eval's accuracy of the same checkpoint.
    const auto evaluated =
        mor::Run::open(m_log, m_runId).andThen([](const mor::Run& run) { return run.evaluate(); });
    QVERIFY2(evaluated, evaluated.error().c_str());
    const QJsonObject cli = runMor({"eval", "--log", QString::fromStdString(m_log), "--run",
                                    QString::number(m_runId), "--counterfactual", "--json"});
    QVERIFY(!cli.isEmpty());
    std::map<std::pair<QString, qlonglong>, double> cliRows;
    for (const auto& r : cli["rows"].toArray()) {
        const QJsonObject o = r.toObject();
        cliRows[{o["kind"].toString(), o["value"].toInteger()}] = o["accuracy"].toDouble();
    }
    const QTableWidget* table = summary->tableWidget();
    QCOMPARE(table->rowCount(), 1 + 3 + 3 + 3);
    QCOMPARE(int(cliRows.size()), table->rowCount());
    bool sawMaxDepth = false;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString kind = table->item(row, 0)->data(Qt::UserRole).toString();
        const qlonglong value = table->item(row, 0)->data(Qt::UserRole + 1).toLongLong();
        const double shown = table->item(row, 1)->data(Qt::UserRole).toDouble();
        QCOMPARE(table->item(row, 1)->text(), common::fmt(shown, 4));
        QVERIFY2(close(shown, cliRows.at({kind, value})), qPrintable(kind));
        if (kind == "halt" && value == 3) {
            sawMaxDepth = true;
            QVERIFY(table->item(row, 0)->text().contains("fixed depth"));
            QCOMPARE(shown, evaluated->test.accuracy);
        }
        if (kind == "model") {
            QCOMPARE(shown, evaluated->test.accuracy);
        }
    }
    QVERIFY(sawMaxDepth);
    // The plot has one bar per row.
    int bars = 0;
    for (int i = 0; i < summary->plot()->plottableCount(); ++i) {
        if (auto* b = qobject_cast<QCPBars*>(summary->plot()->plottable(i))) {
            bars += b->dataCount();
        }
    }
    QCOMPARE(bars, table->rowCount());
}

void TstInspectCounterfactual::screenshots() {
    const QString dir = qEnvironmentVariable("MOR_SCREENSHOT_DIR");
    if (dir.isEmpty()) {
        QSKIP("MOR_SCREENSHOT_DIR not set");
    }
    QDir().mkpath(dir);
    const QPalette light = QApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    dark.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    dark.setColor(QPalette::Button, QColor(60, 60, 64));
    dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    dark.setColor(QPalette::Mid, QColor(80, 80, 84));
    dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    for (const bool isDark : {false, true}) {
        QApplication::setPalette(isDark ? dark : light);
        const QString theme = isDark ? "dark" : "light";
        inspect::ReflectionStepperView view;
        view.resize(1280, 800);
        view.setRun(m_reader, m_runId);
        view.showSample(m_step, m_sample, false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.grab().save(dir + "/stepper-reflection-" + theme + ".png");
        view.setPage(1);
        mor::Intervention iv;
        iv.forceHalt = 1;
        iv.veto = {0};
        view.counterfactualView()->controls()->setIntervention(iv);
        QSignalSpy done(view.counterfactualView(), &inspect::CounterfactualView::computed);
        view.counterfactualView()->run();
        QVERIFY(done.wait(30000));
        QTest::qWait(100);
        view.grab().save(dir + "/stepper-whatif-" + theme + ".png");
        view.setPage(2);
        QSignalSpy table(view.counterfactualSummary(), &inspect::CounterfactualSummary::computed);
        view.counterfactualSummary()->compute();
        QVERIFY(table.wait(60000));
        QTest::qWait(100);
        view.grab().save(dir + "/stepper-runsummary-" + theme + ".png");
        view.setPage(3);
        QTRY_VERIFY_WITH_TIMEOUT(!view.calibrationView()->isBusy(), 60000);
        QTest::qWait(100);
        view.grab().save(dir + "/stepper-calibration-" + theme + ".png");
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TstInspectCounterfactual)
#include "tst_inspect_counterfactual.moc"
