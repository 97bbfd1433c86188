// SPDX-License-Identifier: GPL-3.0-or-later
// The Sweeps tab follows the run browser to another sweep: a run of a sweep other than the one
// shown, picked in the browser (or given as --run), shows its sweep; a selection with a run of
// the shown sweep keeps it; the parameters without an axis are the shown sweep's. On fixture
// logs written through the log writer API.
#include "sweepfixture.h"

#include "shell/logsession.h"
#include "shell/runbrowser.h"
#include "sweeps/parallelcoordinates.h"
#include "sweeps/paretoplot.h"
#include "sweeps/sweepgrouptable.h"
#include "sweeps/sweepsview.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <cmath>
#include <memory>

using sweepfixture::gridMetrics;
using sweepfixture::kGridOverrides;

class TstSweepsFollow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void selectingARunOfAnotherSweepShowsThatSweep();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TstSweepsFollow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TstSweepsFollow::selectingARunOfAnotherSweepShowsThatSweep() {
    // Two sweeps in one log; the view opens on the newer. A run of the older one picked in the
    // browser (or given as --run) showed the newer sweep without any line lit.
    const QString path = m_dir->filePath(QStringLiteral("two_sweeps.sqlite"));
    QVERIFY(sweepfixture::writeFinishedSweep(path.toStdString(),
                                             {kGridOverrides[0], kGridOverrides[2]}, {1, 2})
                .empty());
    sweepfixture::SweepWriter second(path.toStdString(),
                                     {kGridOverrides[1], kGridOverrides[3]}, {1}, "second");
    QVERIFY2(second.ok(), second.error().c_str());
    const int64_t older = second.sweepId() - 1;
    // The newer sweep logged no compute measure (as older recursion runs).
    const auto noCompute = [](int c) {
        sweepfixture::Metrics m = gridMetrics(c, 0);
        m.flops = m.expertSteps = m.latencyMs = std::nan("");
        return m;
    };
    const int64_t newerRun = second.finish(0, 0, noCompute(1));
    QVERIFY(second.finish(1, 0, noCompute(3)) > 0);
    second.release();
    shell::LogSession session;
    QString error;
    QVERIFY(session.open(path, &error));
    shell::RunBrowser browser(&session);
    sweeps::SweepsView view(&session, &browser, {});
    QCOMPARE(view.currentSweep(), qint64(second.sweepId()));
    // Run ids 1-4 are the older sweep's (two configurations x two seeds), in writing order.
    browser.selectRun(3);
    QCOMPARE(view.currentSweep(), qint64(older));
    QCOMPARE(view.parallelCoordinates()->highlighted(), QList<qint64>{3});
    QCOMPARE(view.groupTable()->rowCount(), 2);
    // Its learning rate is 0.001 in both configurations: no axis, named above the plot.
    using Constants = QList<QPair<QString, QString>>;
    QCOMPARE(view.parallelCoordinates()->constantParameters(),
             (Constants{{QStringLiteral("learning_rate"), QStringLiteral("0.001")}}));
    QCOMPARE(view.parallelCoordinates()->axisName(0), QStringLiteral("top_k"));
    QCOMPARE(view.parallelCoordinates()->axisName(1), QStringLiteral("test accuracy"));
    // Brushing selects runs of the shown sweep: the sweep stays.
    view.groupTable()->selectRow(1);
    QCOMPARE(view.currentSweep(), qint64(older));
    auto* plot = view.paretoPlot()->findChild<QCustomPlot*>();
    QVERIFY(plot);
    QVERIFY(plot->xAxis->range().upper > 1000.0); // the older sweep's FLOPs, 2000-4200
    // Back to the newer sweep with one of its runs.
    browser.selectRun(newerRun);
    QCOMPARE(view.currentSweep(), qint64(second.sweepId()));
    QCOMPARE(view.parallelCoordinates()->highlighted(), QList<qint64>{newerRun});
    QCOMPARE(view.parallelCoordinates()->constantParameters(),
             (Constants{{QStringLiteral("learning_rate"), QStringLiteral("0.003")}}));
    // Nothing to draw there: the axis does not keep the older sweep's FLOPs.
    QCOMPARE(plot->xAxis->range().lower, 0.0);
    QCOMPARE(plot->xAxis->range().upper, 1.0);
}

QTEST_MAIN(TstSweepsFollow)
#include "tst_sweepsfollow.moc"
