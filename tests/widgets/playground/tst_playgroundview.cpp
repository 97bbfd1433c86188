// SPDX-License-Identifier: GPL-3.0-or-later
// The Playground trains a bundled 2-D demo live and paints the plane from its checkpoints;
// a knob changed while it trains restarts the training with the new value.
#include "common/demolibrary.h"
#include "common/theme.h"
#include "playground/planeview.h"
#include "playground/playgroundview.h"

#include "mor/dataset.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThreadPool>
#include <QtTest>
#include <qcustomplot.h>

#include <memory>

namespace {

/// Offscreen screenshots when MOR_SCREENSHOT_DIR names a folder (looked at by hand).
void grab(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("MOR_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        widget.grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }
}

/// Trains until the training ends and the final frame is painted.
void trainToEnd(playground::PlaygroundView& view, int timeoutMs) {
    QSignalSpy finished(&view, &playground::PlaygroundView::trainingFinished);
    QSignalSpy painted(&view, &playground::PlaygroundView::framePainted);
    view.train();
    QVERIFY(finished.wait(timeoutMs));
    const auto paintedAtEnd = painted.size();
    QTRY_VERIFY_WITH_TIMEOUT(painted.size() > paintedAtEnd, 10000);
}

} // namespace

class TstPlaygroundView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qputenv("OMP_WAIT_POLICY", "PASSIVE"); }

    void bundledDemosLoadIntoTheKnobs() {
        playground::PlaygroundView view;
        for (const char* demo : {"playground-routing", "playground-thinking",
                                 "playground-border"}) {
            QVERIFY2(view.loadDemo(QString::fromLatin1(demo)), demo);
            const auto errors = mor::validateConfig(view.config());
            QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().message.c_str());
            QCOMPARE(view.config().train.threads, int64_t(1));
        }
        QCOMPARE(view.config().data.kind, mor::DataKind::Moons);
        QCOMPARE(view.config().model.router.topK, int64_t(2));
    }

    void trainingPaintsThePlaneFromTheCheckpoints() {
        playground::PlaygroundView view;
        view.resize(1100, 700);
        QVERIFY(view.loadDemo(QStringLiteral("playground-border")));
        QSignalSpy painted(&view, &playground::PlaygroundView::framePainted);
        trainToEnd(view, 120000);
        if (QTest::currentTestFailed()) {
            return;
        }
        const playground::PlaneFrame& frame = view.plane()->frame();
        QCOMPARE(frame.grid, 64);
        QCOMPARE(frame.answer.size(), 64 * 64);
        QCOMPARE(frame.numExperts, 3);
        QVERIFY2(frame.accuracy >= 0.95, qPrintable(QString::number(frame.accuracy)));
        QVERIFY2(painted.size() >= 3, qPrintable(QString::number(painted.size())));
        // both classes appear on the plane, and every cell has top-2 routing
        QVERIFY(frame.answer.contains(0) && frame.answer.contains(1));
        for (int i = 0; i < 64 * 64; i += 97) {
            int used = 0;
            for (int e = 0; e < 3; ++e) {
                used += frame.gates[i * 3 + e] > 0.f ? 1 : 0;
            }
            QCOMPARE(used, 2);
        }
        // the maps are different pictures of one frame
        QImage maps[4];
        for (int m = 0; m < 4; ++m) {
            view.plane()->setMap(static_cast<playground::PlaneView::Map>(m));
            maps[m] = view.plane()->mapImage();
            QCOMPARE(maps[m].size(), QSize(64, 64));
        }
        QVERIFY(maps[0] != maps[1]);
        QVERIFY(maps[0] != maps[2]);
        // "expert at step t": choosing the map traces the experts' drafts per step
        auto* map = view.findChild<QComboBox*>(QStringLiteral("playgroundMap"));
        QVERIFY(map);
        map->setCurrentIndex(static_cast<int>(playground::PlaneView::Map::ExpertStep));
        // A frame already in flight when the map changed comes first, without the drafts per
        // step; the view then asks for one with them.
        QTRY_VERIFY_WITH_TIMEOUT(view.plane()->frame().steps >= 1, 30000);
        const playground::PlaneFrame& traced = view.plane()->frame();
        QCOMPARE(traced.step, frame.step);
        QVERIFY(traced.steps >= 1 && traced.steps <= 3 + 2); // depth 3, re-reflection 2
        QCOMPARE(traced.stepAnswer.size(), 64 * 64 * 3 * traced.steps);
        // where an expert ran, its first draft is a class; the fused answer's experts all ran
        for (int i = 0; i < 64 * 64; i += 97) {
            for (int e = 0; e < 3; ++e) {
                const bool ran = traced.gates[i * 3 + e] > 0.f;
                QCOMPARE(traced.stepAnswer[traced.stepIndex(i, e, 0)] >= 0, ran);
            }
        }
        view.show();
        grab(view, QStringLiteral("playground-light-expert-step"));
        map->setCurrentIndex(0);
        view.plane()->setMap(playground::PlaneView::Map::Decision);
        view.show();
        grab(view, QStringLiteral("playground-light"));
        view.plane()->setMap(playground::PlaneView::Map::Routing);
        grab(view, QStringLiteral("playground-light-routing"));
        view.plane()->setMap(playground::PlaneView::Map::Conflict);
        grab(view, QStringLiteral("playground-light-conflicts"));
        common::Theme::apply(common::Theme::Kind::Dark);
        view.plane()->setMap(playground::PlaneView::Map::Decision);
        QCoreApplication::processEvents(); // the palette change reaches the widgets
        QVERIFY(view.plane()->mapImage() != maps[0]); // the map follows the theme's base colour
        grab(view, QStringLiteral("playground-dark"));
        view.plane()->setMap(playground::PlaneView::Map::Routing);
        grab(view, QStringLiteral("playground-dark-routing"));
        view.plane()->setMap(playground::PlaneView::Map::Decision);
        common::Theme::apply(common::Theme::Kind::Light);
        const QFont normal = QApplication::font();
        QFont big = normal;
        big.setPointSizeF(normal.pointSizeF() * 1.6);
        QApplication::setFont(big);
        auto* learningRate =
            view.findChild<QDoubleSpinBox*>(QStringLiteral("playgroundLearningRate"));
        QVERIFY(learningRate && learningRate->isVisible());
        view.setPresentationMode(true);
        QVERIFY(!learningRate->isVisible()); // an advanced knob, hidden when presenting
        QTest::qWait(100); // the font change re-lays out the panel
        grab(view, QStringLiteral("playground-presentation"));
        QApplication::setFont(normal);
        view.setPresentationMode(false);
    }

    void presentationModeCutsNothingOff() {
        // The Playground tab of a 1280x800 window in presentation mode (font x1.5, no docks):
        // the curves get what their labels need, the whole lesson can be read (it scrolls),
        // and every knob lies inside the view (issue 21: the lesson's end was cut off).
        playground::PlaygroundView view;
        view.resize(1264, 620);
        QVERIFY(view.loadDemo(QStringLiteral("playground-border"))); // the longest lesson
        const QFont normal = QApplication::font();
        QFont big = normal;
        big.setPointSizeF(normal.pointSizeF() * 1.5);
        QApplication::setFont(big);
        view.setPresentationMode(true);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int i = 0; i < 4; ++i) {
            QTest::qWait(60); // the font change, queued replots and the fit-height pass
        }
        grab(view, QStringLiteral("playground-presentation-1280"));
        auto* lesson = view.findChild<QLabel*>(QStringLiteral("playgroundLesson"));
        auto* curves = view.findChild<QCustomPlot*>(QStringLiteral("playgroundCurves"));
        QVERIFY(lesson && curves);
        QStringList problems;
        const int lessonNeeds = lesson->heightForWidth(lesson->width());
        if (lesson->height() < lessonNeeds) {
            problems << QStringLiteral("lesson %1 of %2 px").arg(lesson->height()).arg(lessonNeeds);
        }
        const int curvesNeed = curves->plotLayout()->minimumOuterSizeHint().height();
        if (curves->height() < curvesNeed) {
            problems << QStringLiteral("curves %1 of %2 px").arg(curves->height()).arg(curvesNeed);
        }
        for (QWidget* w : view.findChildren<QWidget*>()) {
            const bool scrolled = w != lesson && w->parentWidget() &&
                                  w->parentWidget()->objectName() == QLatin1String("qt_scrollarea_viewport");
            if (!w->isVisible() || w->isWindow() || scrolled || w == lesson) {
                continue;
            }
            const QRect r(w->mapTo(&view, QPoint(0, 0)), w->size());
            if (!view.rect().contains(r)) {
                problems << QStringLiteral("%1 '%2' at %3,%4 %5x%6 outside the view")
                                .arg(QString::fromLatin1(w->metaObject()->className()),
                                     w->objectName())
                                .arg(r.x())
                                .arg(r.y())
                                .arg(r.width())
                                .arg(r.height());
            }
        }
        QApplication::setFont(normal);
        view.setPresentationMode(false);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    }

    void aKnobChangedWhileTrainingRestartsWithIt() {
        playground::PlaygroundView view;
        QVERIFY(view.loadDemo(QStringLiteral("playground-routing")));
        QSignalSpy painted(&view, &playground::PlaygroundView::framePainted);
        view.train();
        QTRY_VERIFY_WITH_TIMEOUT(painted.size() >= 1, 60000);
        const qint64 first = view.runId();
        QVERIFY(first >= 0);
        auto* noise = view.findChild<QDoubleSpinBox*>(QStringLiteral("playgroundNoise"));
        QVERIFY(noise);
        noise->setValue(0.2);
        // the training restarts by itself, as a new run of the new config
        QTRY_VERIFY_WITH_TIMEOUT(view.runId() > first && view.isTraining(), 30000);
        QCOMPARE(view.config().data.noise, 0.2);
        view.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!view.isTraining(), 30000);
    }

    void clickedPointsJoinTheTrainingData() {
        playground::PlaygroundView view;
        view.resize(1100, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.loadDemo(QStringLiteral("playground-routing")));
        playground::PlaneView* plane = view.plane();
        const QPoint left = plane->widgetAt({0.5, -0.25}).toPoint();
        const QPoint right = plane->widgetAt({-1.0, 1.0}).toPoint();
        QTest::mouseClick(plane, Qt::LeftButton, Qt::NoModifier, left);
        QTest::mouseClick(plane, Qt::RightButton, Qt::NoModifier, right);
        QCOMPARE(view.userPointCount(), 2);
        // a pixel is 3.6 / side plane units: the click lands within one of it
        const double pixel = 3.6 / std::min(plane->width(), plane->height()) * 1.5;
        const QPointF back = plane->planeAt(left);
        QVERIFY(std::abs(back.x() - 0.5) < pixel && std::abs(back.y() + 0.25) < pixel);

        const mor::ExperimentConfig base = view.config();
        const auto plain = mor::loadDataset(base.data, base.train.seed);
        QVERIFY(plain.ok());
        const mor::ExperimentConfig withPoints = view.trainingConfig();
        QCOMPARE(withPoints.data.kind, mor::DataKind::Csv);
        QVERIFY(mor::validateConfig(withPoints).empty());
        const auto data = mor::loadDataset(withPoints.data, withPoints.train.seed);
        QVERIFY2(data.ok(), data.error.c_str());
        QCOMPARE(data.dataset.train.size() + data.dataset.validation.size(),
                 plain.dataset.train.size() + plain.dataset.validation.size() + 2);
        QCOMPARE(data.dataset.test.size(), plain.dataset.test.size());
        // the file ends with the user's points and their classes (left 0, right 1)
        QFile file(QString::fromStdString(withPoints.data.path));
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        const QList<QByteArray> a = lines[lines.size() - 2].split(',');
        const QList<QByteArray> b = lines.last().split(',');
        QCOMPARE(a.value(2), QByteArray("0"));
        QCOMPARE(b.value(2), QByteArray("1"));
        QVERIFY(std::abs(a.value(0).toDouble() - back.x()) < 1e-4);
        QVERIFY(std::abs(b.value(1).toDouble() - plane->planeAt(right).y()) < 1e-4);
        grab(view, QStringLiteral("playground-user-points"));
        view.clearUserPoints();
        QCOMPARE(view.userPointCount(), 0);
        QCOMPARE(view.trainingConfig().data.kind, base.data.kind);
    }

    void stepTrainsABatchAndPauses() {
        playground::PlaygroundView view;
        QVERIFY(view.loadDemo(QStringLiteral("playground-routing")));
        view.stepOnce();
        QTRY_VERIFY_WITH_TIMEOUT(view.isPaused() && view.pausedAtStep() > 0, 60000);
        // from a stopped training Step trains exactly the first batch (the worker pauses
        // itself after it, however late the GUI sees the report)
        QCOMPARE(view.pausedAtStep(), qint64(1));
        QTest::qWait(300); // paused: no batch passes
        QVERIFY(view.isPaused());
        QCOMPARE(view.pausedAtStep(), qint64(1));
        for (qint64 next = 2; next <= 4; ++next) { // and each Step exactly one more
            view.stepOnce();
            QTRY_VERIFY_WITH_TIMEOUT(view.pausedAtStep() >= next && view.isPaused(), 30000);
            QTest::qWait(100); // a second batch would report within this
            QCOMPARE(view.pausedAtStep(), next);
        }
        // while it trains freely, Step pauses it after the batch in progress
        view.train();
        QTRY_VERIFY_WITH_TIMEOUT(!view.isPaused(), 10000);
        QTest::qWait(200);
        view.stepOnce();
        QTRY_VERIFY_WITH_TIMEOUT(view.isPaused() && view.pausedAtStep() > 4, 30000);
        QTest::qWait(300); // reports sent before the pause are all in
        const qint64 pausedAt = view.pausedAtStep();
        QTest::qWait(300);
        QCOMPARE(view.pausedAtStep(), pausedAt);
        view.train(); // Train resumes a paused training
        QTRY_VERIFY_WITH_TIMEOUT(!view.isPaused(), 10000);
        view.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!view.isTraining(), 30000);
    }

    void teardownRemovesTheFolderOffTheGuiThread() {
        auto view = std::make_unique<playground::PlaygroundView>();
        QVERIFY(view->loadDemo(QStringLiteral("playground-routing")));
        view->stepOnce(); // a training writes its log and checkpoints into the folder
        QTRY_VERIFY_WITH_TIMEOUT(view->isPaused() && view->pausedAtStep() > 0, 60000);
        const QString folder = view->workFolder();
        QVERIFY(QFileInfo::exists(QDir(folder).filePath(QStringLiteral("playground.sqlite"))));
        for (int i = 0; i < 200; ++i) { // a folder with many files (a long session)
            QFile f(QDir(folder).filePath(QStringLiteral("extra%1.bin").arg(i)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(1024, 'x'));
        }
        // Every worker of the global pool held: a removal on the GUI thread would still end
        // inside the destructor; one handed to a worker waits in the pool's queue.
        QThreadPool* pool = QThreadPool::globalInstance();
        QSemaphore release;
        for (int i = 0; i < pool->maxThreadCount(); ++i) {
            pool->start([&release] { release.acquire(); });
        }
        view.reset();
        QVERIFY2(QDir(folder).exists(), "removed on the GUI thread, inside the destructor");
        release.release(pool->maxThreadCount());
        QVERIFY(pool->waitForDone(30000));
        QVERIFY2(!QDir(folder).exists(), qPrintable(folder + QStringLiteral(" left behind")));
    }

    void lessonFollowsTheLanguage() {
        playground::PlaygroundView view;
        auto* lesson = view.findChild<QLabel*>(QStringLiteral("playgroundLesson"));
        QVERIFY(lesson);
        for (const char* demo : {"playground-routing", "playground-thinking",
                                 "playground-border"}) {
            const QString name = QString::fromLatin1(demo);
            common::DemoLibrary::setLessonLanguage(QStringLiteral("en"));
            QEvent en(QEvent::LanguageChange);
            QVERIFY(view.loadDemo(name));
            QApplication::sendEvent(&view, &en);
            const QString english = lesson->text();
            QVERIFY2(english.contains(QLatin1String("What to watch")), demo);
            // German: the lesson's <name>.de.md, read again when the language changes.
            common::DemoLibrary::setLessonLanguage(QStringLiteral("de"));
            QEvent de(QEvent::LanguageChange);
            QApplication::sendEvent(&view, &de);
            QVERIFY2(lesson->text().contains(QLatin1String("Worauf achten")), demo);
            QVERIFY(lesson->text() != english);
            // A lesson without a German file stays English.
            QVERIFY(!common::DemoLibrary::find(QStringLiteral("act-parity")).lesson().isEmpty());
        }
        common::DemoLibrary::setLessonLanguage(QStringLiteral("en"));
    }
};

QTEST_MAIN(TstPlaygroundView)
#include "tst_playgroundview.moc"
