// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 21: views never show a previous run's data under a new run's title. The window's
// views read the log on a worker and show a run when its read comes back; a probe looks at the
// window every few milliseconds while runs are switched and a training is started, and checks
// that the training view's title, curves and replay heatmap and the routing view's heatmap are
// always of one and the same run. And a recursion run after a reflection run: no stale
// heatmap, no empty panels (the panels that do not apply are hidden and a note says where its
// depths are).
#include "common/routingheatmap.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/routingview.h"
#include "setup/setupview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "training/metricplots.h"
#include "training/trainingcontroller.h"
#include "training/trainingreplay.h"
#include "training/trainingview.h"

#include "mor/experiment_log.h"

#include "spin_typing.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <map>

namespace {

/// A logged run of the fixture: what each view must show for it.
struct Fixture {
    QString name;
    int64_t id = -1;
    int lossPoints = 0;
    double lossBase = 0; ///< its loss values lie in [lossBase, lossBase + 1)
    int experts = 0;     ///< of its routing snapshots (0: it logs none, a recursion run)
};

} // namespace

class TstViewConsistency : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void switchingRunsNeverPairsATitleWithAnotherRunsData();
    void startingATrainingNeverShowsTheOldRunUnderTheNewTitle();
    void recursionRunAfterAReflectionRunHasNoStaleHeatmapAndNoEmptyPanels();
    void anInputOpenedAtAnotherStepOpensOnceThatStepIsRead();

private:
    /// Looks at the window every 5 ms; counts states that pair one run's title with another
    /// run's data (and says what it saw first).
    void startProbe(shell::MainWindow* window);
    int stopProbe();
    /// The run the training view's title names (-1: none).
    qint64 titleRun(training::TrainingView* view) const;
    const Fixture* fixtureOf(qint64 id) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::vector<Fixture> m_runs; ///< alpha, beta (reflection), gamma (recursion)
    QTimer m_probe;
    int m_mismatches = 0;
    int m_looks = 0;
    QString m_firstMismatch;
};

void TstViewConsistency::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_view_consistency"));
}

void TstViewConsistency::init() {
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    m_runs = {{QStringLiteral("alpha"), -1, 12, 7.0, 7},
              {QStringLiteral("beta"), -1, 20, 3.0, 9},
              {QStringLiteral("gamma"), -1, 16, 5.0, 0}};
    for (Fixture& run : m_runs) {
        mor::RunInfo info;
        info.name = run.name.toStdString();
        info.dataset = "parity";
        info.configJson = run.experts > 0 ? R"({"model":{"family":"reflection"}})"
                                          : R"({"model":{"family":"recursion"}})";
        run.id = log->createRun(info);
        for (int step = 0; step < run.lossPoints; ++step) {
            log->logMetric(run.id, "train/loss", step, run.lossBase + step * 0.01);
        }
        for (int step : {5, 10}) {
            log->logMetric(run.id, "val/accuracy", step, 0.5 + step * 0.01);
            if (run.experts == 0) { // a recursion run logs depths, no experts
                log->logMetric(run.id, "val/mean_depth", step, 1.5);
                continue;
            }
            for (int e = 0; e < run.experts; ++e) {
                log->logMetric(run.id, "val/activation/" + std::to_string(e), step, 0.1 * e);
            }
            for (int t = 1; t <= 3; ++t) {
                log->logMetric(run.id, "val/accuracy_step/" + std::to_string(t), step, 0.2 * t);
            }
            std::vector<float> probs(size_t(4 * run.experts), 1.0f / float(run.experts));
            std::vector<uint8_t> mask(size_t(4 * run.experts), 1);
            log->logRouting(run.id, step, 4, run.experts, probs, mask, {0, 1, 2, 3});
            // Probe traces of inputs 0..3 (the stepper's list), answered right at step 10.
            std::vector<mor::SampleTrace> traces(4);
            for (int i = 0; i < 4; ++i) {
                traces[size_t(i)].sampleId = i;
                traces[size_t(i)].label = i % 2;
                traces[size_t(i)].routerProbs = std::vector<float>(size_t(run.experts), 0.1f);
                traces[size_t(i)].mask = std::vector<uint8_t>(size_t(run.experts), 1);
                traces[size_t(i)].fusedProbs = {0.4f, 0.6f};
                traces[size_t(i)].finalPred = step == 10 ? i % 2 : 1 - i % 2;
                traces[size_t(i)].correct = step == 10;
            }
            log->logTraces(run.id, step, traces);
        }
        log->setStatus(run.id, "finished");
    }
    log->flush();
}

const Fixture* TstViewConsistency::fixtureOf(qint64 id) const {
    for (const Fixture& run : m_runs) {
        if (run.id == id) {
            return &run;
        }
    }
    return nullptr;
}

qint64 TstViewConsistency::titleRun(training::TrainingView* view) const {
    static const QRegularExpression run(QStringLiteral("^Run (\\d+) "));
    const auto match =
        run.match(view->findChild<QLabel*>(QStringLiteral("trainingTitle"))->text());
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

void TstViewConsistency::startProbe(shell::MainWindow* window) {
    m_mismatches = 0;
    m_looks = 0;
    m_firstMismatch.clear();
    m_probe.disconnect();
    m_probe.setInterval(5);
    m_probe.setTimerType(Qt::PreciseTimer);
    training::TrainingView* trainingView = window->trainingView();
    auto* replayHeatmap =
        trainingView->replay()->findChild<common::RoutingHeatmap*>(QStringLiteral("replayHeatmap"));
    auto* routing = window->findChild<inspect::RoutingView*>();
    auto* routingHeatmap = routing->findChild<common::RoutingHeatmap*>();
    QVERIFY(replayHeatmap && routingHeatmap);
    connect(&m_probe, &QTimer::timeout, this, [=] {
        ++m_looks;
        QStringList wrong;
        const qint64 shown = trainingView->shownRun();
        const qint64 titled = titleRun(trainingView);
        if (titled != shown) {
            wrong << QStringLiteral("title names run %1, the view shows run %2")
                         .arg(titled)
                         .arg(shown);
        }
        const QVector<QPointF> loss =
            trainingView->plots()->shownPoints(QStringLiteral("train/loss"));
        const Fixture* run = fixtureOf(shown);
        for (const QPointF& p : loss) {
            const bool ok = run ? (p.y() >= run->lossBase && p.y() < run->lossBase + 1)
                                : p.y() < 3.0; // a trained run's loss, never a fixture's
            if (!ok) {
                wrong << QStringLiteral("run %1 shows a loss of %2").arg(shown).arg(p.y());
                break;
            }
        }
        if (run && loss.size() != run->lossPoints) {
            wrong << QStringLiteral("run %1 shows %2 loss points").arg(shown).arg(loss.size());
        }
        // The replay's heatmap: the run's own snapshot, or none.
        const int replayExperts = replayHeatmap->expertCount();
        if (run ? replayExperts != run->experts && replayExperts != 0
                : std::any_of(m_runs.begin(), m_runs.end(), [&](const Fixture& f) {
                      return f.experts > 0 && f.experts == replayExperts;
                  })) {
            wrong << QStringLiteral("run %1's replay shows %2 experts").arg(shown).arg(replayExperts);
        }
        if (run && run->experts == 0 && replayHeatmap->isVisibleTo(trainingView)) {
            wrong << QStringLiteral("recursion run %1 shows a routing heatmap").arg(shown);
        }
        // The routing view: its run's snapshot.
        const Fixture* routed = fixtureOf(routing->shownRun());
        if (routed && routingHeatmap->expertCount() != routed->experts) {
            wrong << QStringLiteral("routing of run %1 shows %2 experts")
                         .arg(routing->shownRun())
                         .arg(routingHeatmap->expertCount());
        }
        if (!wrong.isEmpty()) {
            if (m_firstMismatch.isEmpty()) {
                m_firstMismatch = wrong.join(QStringLiteral("; "));
            }
            ++m_mismatches;
        }
    });
    m_probe.start();
}

void TstViewConsistency::cleanup() {
    // A failed check returns before stopProbe(): the probe must not look at the next test's
    // window through this one's (destroyed) pointers.
    m_probe.stop();
    m_probe.disconnect();
}

int TstViewConsistency::stopProbe() {
    m_probe.stop();
    m_probe.disconnect();
    qInfo("probe: %d looks, %d mismatches %s", m_looks, m_mismatches,
          qPrintable(m_firstMismatch));
    return m_mismatches;
}

void TstViewConsistency::switchingRunsNeverPairsATitleWithAnotherRunsData() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.showView(QStringLiteral("training")));
    training::TrainingView* view = window.trainingView();
    startProbe(&window);
    // Switches faster than the reads come back, then slower: 0 to 9 ms between them.
    const std::vector<int64_t> order = {m_runs[0].id, m_runs[1].id, m_runs[2].id};
    int64_t last = -1;
    for (int i = 0; i < 90; ++i) {
        last = order[size_t((i * 7 + i / 3) % 3)];
        window.selectRun(last);
        if (i % 10 == 5) {
            QVERIFY(window.showView(QStringLiteral("routing")));
        } else if (i % 10 == 0) {
            QVERIFY(window.showView(QStringLiteral("training")));
        }
        QTest::qWait(i % 10);
    }
    QTRY_COMPARE(view->shownRun(), qint64(last));
    QTRY_VERIFY(!view->isReading());
    QTRY_COMPARE(window.findChild<inspect::RoutingView*>()->shownRun(), qint64(last));
    QTest::qWait(50);
    QTRY_VERIFY(m_looks > 50);
    QCOMPARE(stopProbe(), 0);
    QCOMPARE(view->plots()->shownPoints(QStringLiteral("train/loss")).size(),
             fixtureOf(last)->lossPoints);
    QCOMPARE(titleRun(view), qint64(last));
}

void TstViewConsistency::startingATrainingNeverShowsTheOldRunUnderTheNewTitle() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    training::TrainingView* view = window.trainingView();
    window.selectRun(m_runs[0].id); // alpha: 7 experts, losses in [7, 8)
    QTRY_COMPARE(view->shownRun(), qint64(m_runs[0].id));
    QVERIFY(view->replay()->heatmap()->expertCount() == 7);

    // A tiny training built in the setup, started as Start does.
    setup::SetupView* setup = window.setupView();
    auto* kind = qobject_cast<QComboBox*>(setup->fieldWidget(QStringLiteral("data.kind")));
    QVERIFY(kind);
    kind->setCurrentIndex(kind->findData(QStringLiteral("parity")));
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("data.length"))), 6);
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("data.samples"))), 200);
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("train.epochs"))), 2);
    QVERIFY(setup->isValid());
    QSignalSpy finished(window.controller(), &training::TrainingController::finished);
    startProbe(&window);
    window.startTraining();
    QVERIFY(window.controller()->isRunning());
    // At once: the old run's curves and heatmap are gone, and no title names it.
    QCOMPARE(view->shownRun(), qint64(-1));
    QVERIFY(view->plots()->shownPoints(QStringLiteral("train/loss")).isEmpty());
    QCOMPARE(view->replay()->heatmap()->expertCount(), 0);
    QCOMPARE(titleRun(view), qint64(-1));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 240000);
    const qint64 trained = finished.at(0).at(0).toLongLong();
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("finished"));
    QTRY_COMPARE_WITH_TIMEOUT(view->shownRun(), trained, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !view->plots()->shownPoints(QStringLiteral("train/loss")).isEmpty(), 10000);
    QTRY_VERIFY(!view->isReading());
    QCOMPARE(titleRun(view), trained);
    // Then back to an old run and to the new one, as a user looks at both.
    window.selectRun(m_runs[1].id);
    window.selectRun(trained);
    QTRY_COMPARE(view->shownRun(), trained);
    QTRY_VERIFY(!view->isReading());
    // The probe looked all along; how often depends on how fast the training ran (an idle
    // machine trains it in a few looks), so wait for enough looks instead of expecting them.
    QTRY_VERIFY(m_looks > 20);
    QCOMPARE(stopProbe(), 0);
}

void TstViewConsistency::recursionRunAfterAReflectionRunHasNoStaleHeatmapAndNoEmptyPanels() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.showView(QStringLiteral("training")));
    training::TrainingView* view = window.trainingView();
    training::TrainingReplay* replay = view->replay();
    auto* note = replay->findChild<QLabel*>(QStringLiteral("replayNote"));
    auto* activation = replay->findChild<QCustomPlot*>(QStringLiteral("replayActivation"));
    auto* stepAccuracy = replay->findChild<QCustomPlot*>(QStringLiteral("replayStepAccuracy"));
    QVERIFY(note && activation && stepAccuracy);
    const Fixture& reflection = m_runs[1]; // beta: 9 experts
    const Fixture& recursion = m_runs[2];  // gamma: no routing, activation or steps
    const auto reflectionShown = [&] {
        QCOMPARE(view->shownRun(), qint64(reflection.id));
        QCOMPARE(replay->heatmap()->expertCount(), reflection.experts);
        QVERIFY(replay->heatmap()->isVisibleTo(view));
        QVERIFY(activation->isVisibleTo(view));
        QVERIFY(stepAccuracy->isVisibleTo(view));
        QVERIFY(!note->isVisibleTo(view));
        QVERIFY(view->plots()->plot(training::MetricPlots::Activation)->isVisibleTo(view));
    };
    window.selectRun(reflection.id);
    QTRY_COMPARE(view->shownRun(), qint64(reflection.id));
    reflectionShown();

    startProbe(&window);
    window.selectRun(recursion.id);
    QTRY_COMPARE(view->shownRun(), qint64(recursion.id));
    QTest::qWait(30);
    QCOMPARE(stopProbe(), 0);
    QCOMPARE(titleRun(view), qint64(recursion.id));
    // No stale heatmap: none in the replay (hidden, empty), none in the routing view.
    QCOMPARE(replay->heatmap()->expertCount(), 0);
    QVERIFY(!replay->heatmap()->isVisibleTo(view));
    auto* routing = window.findChild<inspect::RoutingView*>();
    QTRY_COMPARE(routing->shownRun(), qint64(recursion.id));
    QCOMPARE(routing->findChild<common::RoutingHeatmap*>()->expertCount(), 0);
    QCOMPARE(routing->findChild<QLabel*>(QStringLiteral("stepLabel"))->text(),
             QStringLiteral("no routing logged"));
    // No empty panels: the replay's and the curves' expert panels are hidden, a note says what
    // applies, and what is shown has data.
    QVERIFY(!activation->isVisibleTo(view));
    QVERIFY(!stepAccuracy->isVisibleTo(view));
    QVERIFY(note->isVisibleTo(view));
    QVERIFY2(note->text().contains(QStringLiteral("Sequence")), qPrintable(note->text()));
    for (int p = 0; p < training::MetricPlots::PlotCount; ++p) {
        QCustomPlot* plot = view->plots()->plot(training::MetricPlots::Plot(p));
        QCOMPARE(plot->isVisibleTo(view), plot->graphCount() > 0);
    }
    QVERIFY(!view->plots()->plot(training::MetricPlots::Activation)->isVisibleTo(view));
    QVERIFY(view->plots()->plot(training::MetricPlots::Losses)->isVisibleTo(view));
    QVERIFY(view->plots()->plot(training::MetricPlots::DepthConflict)->isVisibleTo(view));
    // The hidden activation plot leaves no empty cell: the bottom row's plots start where the
    // loss plot above them starts and end where the accuracy plot ends.
    QCoreApplication::processEvents();
    const auto left = [view](training::MetricPlots::Plot p) {
        return view->plots()->plot(p)->geometry().left();
    };
    const auto right = [view](training::MetricPlots::Plot p) {
        return view->plots()->plot(p)->geometry().right();
    };
    QCOMPARE(left(training::MetricPlots::DepthConflict), left(training::MetricPlots::Losses));
    QCOMPARE(right(training::MetricPlots::LearningRate), right(training::MetricPlots::Accuracy));

    // And back: the reflection run's panels return with its own snapshot.
    startProbe(&window);
    window.selectRun(reflection.id);
    QTRY_COMPARE(view->shownRun(), qint64(reflection.id));
    QTest::qWait(30);
    QCOMPARE(stopProbe(), 0);
    reflectionShown();
}

// A heatmap row of another evaluation step (Routing, Conflicts) opens the input in the stepper:
// in the window the step's traces are read on the view pool, then the input is opened there.
void TstViewConsistency::anInputOpenedAtAnotherStepOpensOnceThatStepIsRead() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.session()->setPollInterval(60 * 60 * 1000);
    auto* stepper = window.findChild<inspect::ReflectionStepperView*>();
    auto* routing = window.findChild<inspect::RoutingView*>();
    QVERIFY(stepper && routing);
    window.selectRun(m_runs[0].id);
    QTRY_COMPARE(stepper->shownRun(), qint64(m_runs[0].id));
    QTRY_VERIFY(!stepper->isReading());
    QCOMPARE(stepper->evaluationStep(), qint64(10)); // the newest evaluation
    Q_EMIT routing->sampleActivated(5, 2, false);    // a row of step 5's heatmap
    QCOMPARE(window.tabs()->currentWidget(), stepper);
    QTRY_COMPARE(stepper->evaluationStep(), qint64(5));
    QTRY_COMPARE(stepper->currentSampleId(), qint64(2));
    QVERIFY(!stepper->isReading());
    // And back to step 10 (as from a conflict).
    Q_EMIT routing->sampleActivated(10, 3, true);
    QTRY_COMPARE(stepper->evaluationStep(), qint64(10));
    QTRY_COMPARE(stepper->currentSampleId(), qint64(3));
}

QTEST_MAIN(TstViewConsistency)
#include "tst_view_consistency.moc"
