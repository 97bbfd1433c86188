// Training from the GUI: a config built through the setup widgets and Start writes a run that
// finishes; Stop ends a run as "stopped"; the event loop stays responsive while training.
#include "setup/setupview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "training/metricplots.h"
#include "training/trainingcontroller.h"
#include "training/trainingview.h"

#include "mor/log_reader.h"

#include "spin_typing.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

namespace {

/// Largest gap between the ticks of a 10 ms timer: how long the GUI thread was unavailable.
class LatencyProbe : public QObject {
public:
    LatencyProbe() {
        m_timer.setInterval(10);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last > 0) {
                m_maxGapMs = std::max(m_maxGapMs, (now - m_last) / 1e6 - 10.0);
            }
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    double maxLatencyMs() const { return m_maxGapMs; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_maxGapMs = 0.0;
};
} // namespace

class TstTrainingGui : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startTrainsTheConfigBuiltInTheWidgetsToFinished();
    void stopEndsTheRunAsStopped();

private:
    void buildTinyConfig(setup::SetupView* setup, int samples, int epochs);
    QString runStatus(const QString& path, qint64 runId);
    QTemporaryDir m_dir;
};

void TstTrainingGui::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_training_gui"));
    QVERIFY(m_dir.isValid());
}

void TstTrainingGui::buildTinyConfig(setup::SetupView* setup, int samples, int epochs) {
    auto* kind = qobject_cast<QComboBox*>(setup->fieldWidget(QStringLiteral("data.kind")));
    QVERIFY(kind);
    kind->setCurrentIndex(kind->findData(QStringLiteral("parity")));
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("data.length"))), 6);
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("data.samples"))), samples);
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("train.epochs"))), epochs);
    typeValue(qobject_cast<QSpinBox*>(setup->fieldWidget(QStringLiteral("train.batch_size"))), 32);
    QCOMPARE(setup->config().data.length, int64_t{6});
    QCOMPARE(setup->config().data.samples, int64_t{samples});
    QCOMPARE(setup->config().train.epochs, int64_t{epochs});
    QVERIFY2(setup->isValid(), "the tiny config should be valid");
    QVERIFY(setup->startButton()->isEnabled());
}

QString TstTrainingGui::runStatus(const QString& path, qint64 runId) {
    std::string error;
    auto reader = mor::LogReader::open(path.toStdString());
    if (!reader) {
        return {};
    }
    const auto run = reader->run(runId);
    return run ? QString::fromStdString(run->status) : QString();
}

void TstTrainingGui::startTrainsTheConfigBuiltInTheWidgetsToFinished() {
    const QString path = m_dir.filePath(QStringLiteral("gui.sqlite"));
    shell::MainWindow window;
    QVERIFY(window.openLog(path, false));
    window.show();
    buildTinyConfig(window.setupView(), 200, 1);
    QSignalSpy finished(window.controller(), &training::TrainingController::finished);

    LatencyProbe probe;
    QTest::mouseClick(window.setupView()->startButton(), Qt::LeftButton);
    QVERIFY(window.controller()->isRunning());
    QVERIFY(!window.setupView()->startButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 240000);
    const qint64 runId = finished.at(0).at(0).toLongLong();
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("finished"));
    QTRY_COMPARE_WITH_TIMEOUT(runStatus(path, runId), QStringLiteral("finished"), 10000);
    qInfo("max GUI event-loop latency while training: %.1f ms", probe.maxLatencyMs());
    QVERIFY2(probe.maxLatencyMs() < 500.0, "the GUI thread was blocked for more than 500 ms");

    // The training view shows the run's curves from the log.
    window.session()->poll();
    QTRY_VERIFY_WITH_TIMEOUT(
        window.trainingView()->plots()->curveCount(training::MetricPlots::Losses) > 0, 5000);
    QVERIFY(window.setupView()->startButton()->isEnabled());

    // Every metric of the run can be exported as CSV.
    const QString csv = m_dir.filePath(QStringLiteral("metrics.csv"));
    QSignalSpy exported(window.trainingView(), &training::TrainingView::metricsExported);
    QVERIFY(window.trainingView()->exportCsv(csv)); // on the session's view pool
    QTRY_COMPARE(exported.count(), 1);
    QCOMPARE(exported.first().at(2).toString(), QString()); // no error
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QStringLiteral("key,step,value,wall_ms"));
    QVERIFY(lines.size() > 10);
    QVERIFY(std::any_of(lines.begin(), lines.end(),
                        [](const QString& l) { return l.startsWith("train/loss,"); }));
}

void TstTrainingGui::stopEndsTheRunAsStopped() {
    const QString path = m_dir.filePath(QStringLiteral("stop.sqlite"));
    shell::MainWindow window;
    QVERIFY(window.openLog(path, false));
    window.show();
    buildTinyConfig(window.setupView(), 2000, 200);
    QSignalSpy started(window.controller(), &training::TrainingController::started);
    QSignalSpy progress(window.controller(), &training::TrainingController::progress);
    QSignalSpy finished(window.controller(), &training::TrainingController::finished);
    LatencyProbe probe;
    QTest::mouseClick(window.setupView()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > 0, 120000);
    QVERIFY(window.trainingView()->stopButton()->isEnabled());
    // Pause holds the run (no progress while paused); resume continues it.
    QTest::mouseClick(window.trainingView()->pauseButton(), Qt::LeftButton);
    QVERIFY(window.controller()->isPaused());
    // The batch (or evaluation) in flight when Pause was pressed may still report; after
    // that, nothing moves.
    int whilePaused = -1;
    for (int i = 0; i < 20 && progress.count() != whilePaused; ++i) {
        whilePaused = progress.count();
        QTest::qWait(1000);
    }
    QCOMPARE(progress.count(), whilePaused);
    QTest::mouseClick(window.trainingView()->pauseButton(), Qt::LeftButton);
    QVERIFY(!window.controller()->isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() > whilePaused, 60000);
    QSignalSpy stopping(window.controller(), &training::TrainingController::stopping);
    QSignalSpy events(window.controller(), &training::TrainingController::eventLogged);
    QTest::mouseClick(window.trainingView()->stopButton(), Qt::LeftButton);
    // Until the worker's end is delivered, the window knows it is stopping and says so.
    QVERIFY(window.controller()->isStopping());
    QCOMPARE(stopping.count(), 1);
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.first().at(1).toString(), training::TrainingController::tr("Stopping…"));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QVERIFY(!window.controller()->isStopping());
    QCOMPARE(stopping.count(), 1);
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("stopped"));
    const qint64 runId = finished.at(0).at(0).toLongLong();
    QTRY_COMPARE_WITH_TIMEOUT(runStatus(path, runId), QStringLiteral("stopped"), 10000);
    {
        // a stopped run's test split is not evaluated: no test metric, not a wrong one
        std::string error;
        const auto reader = mor::LogReader::open(path.toStdString());
        QVERIFY2(reader, reader.error().c_str());
        QCOMPARE(reader->run(runId)->testAccuracy, -1.0);
    }
    qInfo("max GUI event-loop latency while training (stop run): %.1f ms", probe.maxLatencyMs());
    QVERIFY(probe.maxLatencyMs() < 500.0);
}

QTEST_MAIN(TstTrainingGui)
#include "tst_training_gui.moc"
