// SPDX-License-Identifier: GPL-3.0-or-later
// The window on a real laptop screen: it opens inside the available area of a 1280x800 screen
// (the offscreen platform is given one), never grows by itself when its content asks for more
// room, and leaving presentation mode puts docks and splitters back exactly.
#include "shell/mainwindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QtTest>
#include <qcustomplot.h>

#include <numeric>

namespace {

/// Shows tab `tab` of `window` and returns its plots that are shown.
QList<QCustomPlot*> shownPlots(shell::MainWindow& window, int tab) {
    window.tabs()->setCurrentIndex(tab);
    QCoreApplication::processEvents();
    QList<QCustomPlot*> plots = window.tabs()->widget(tab)->findChildren<QCustomPlot*>();
    plots.removeIf([](QCustomPlot* plot) { return !plot->isVisible(); });
    return plots;
}

} // namespace

class TstMainWindowLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void screenIsTheLaptopOne();
    void opensInsideTheAvailableScreen();
    void savedGeometryOfALargerScreenIsShrunk();
    void contentAskingForMoreRoomDoesNotGrowTheWindow();
    void leavingPresentationRestoresDocksAndSplitters();
    void setupColumnsFitOnTheLaptopScreen();
    void squeezedPlotsPaintIntoNoNullPixmap();
    void emptyPlotsFillTheirWidgets();
};

void TstMainWindowLayout::init() {
    QSettings().clear();
}

void TstMainWindowLayout::screenIsTheLaptopOne() {
    // Guards the fixture: without it the other checks would run on an 800x600 default screen.
    QCOMPARE(QGuiApplication::primaryScreen()->geometry().size(), QSize(1280, 800));
}

void TstMainWindowLayout::opensInsideTheAvailableScreen() {
    shell::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QRect available = window.screen()->availableGeometry();
    QVERIFY2(window.width() <= available.width() && window.height() <= available.height(),
             qPrintable(QStringLiteral("%1x%2 on %3x%4")
                            .arg(window.width())
                            .arg(window.height())
                            .arg(available.width())
                            .arg(available.height())));
    QVERIFY(window.width() >= 1000); // it still uses the screen, not a postage stamp
}

void TstMainWindowLayout::savedGeometryOfALargerScreenIsShrunk() {
    {
        shell::MainWindow big;
        big.resize(2400, 1500); // as saved on a 4K monitor
        QSettings().setValue(QStringLiteral("window/geometry"), big.saveGeometry());
    }
    shell::MainWindow window;
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    QVERIFY(window.width() <= available.width());
    QVERIFY(window.height() <= available.height());
}

void TstMainWindowLayout::contentAskingForMoreRoomDoesNotGrowTheWindow() {
    shell::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QSize before = window.size();
    // A view whose content suddenly wants a huge minimum size (a wide legend, a long table).
    auto* greedy = new QLabel(QStringLiteral("greedy"));
    greedy->setMinimumSize(3000, 2000);
    QWidget* compare = window.tabs()->widget(shell::MainWindow::Compare);
    compare->layout()->addWidget(greedy);
    window.tabs()->setCurrentIndex(shell::MainWindow::Compare);
    QTest::qWait(50);
    QCOMPARE(window.size(), before);
    window.setPresentationMode(true);
    QTest::qWait(50);
    window.setPresentationMode(false);
    QTest::qWait(50);
    QCOMPARE(window.size(), before);
}

void TstMainWindowLayout::leavingPresentationRestoresDocksAndSplitters() {
    shell::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* runs = window.findChild<QDockWidget*>(QStringLiteral("runBrowserDock"));
    auto* events = window.findChild<QDockWidget*>(QStringLiteral("eventsDock"));
    QVERIFY(runs && events);
    window.resizeDocks({runs}, {300}, Qt::Horizontal);
    window.resizeDocks({events}, {120}, Qt::Vertical);
    // The splitters laid out so far (a tab never shown has none to restore).
    QList<QSplitter*> splitters;
    for (QSplitter* splitter : window.findChildren<QSplitter*>()) {
        const QList<int> sizes = splitter->sizes();
        if (std::accumulate(sizes.begin(), sizes.end(), 0) > 0) {
            splitters << splitter;
        }
    }
    QVERIFY(!splitters.isEmpty());
    for (QSplitter* splitter : splitters) {
        QList<int> sizes = splitter->sizes();
        if (sizes.size() >= 2 && sizes[0] > 60) {
            sizes[1] += sizes[0] / 3; // the user dragged the handle
            sizes[0] -= sizes[0] / 3;
            splitter->setSizes(sizes);
        }
    }
    QTest::qWait(50);
    const QSize windowSize = window.size();
    const QRect runsRect = runs->geometry(), eventsRect = events->geometry();
    QList<QList<int>> splitterSizes;
    for (QSplitter* splitter : splitters) {
        splitterSizes << splitter->sizes();
    }

    window.setPresentationMode(true);
    QTest::qWait(50);
    QVERIFY(!runs->isVisible() && !events->isVisible());
    window.setPresentationMode(false);
    QTest::qWait(50);

    QCOMPARE(window.size(), windowSize);
    QVERIFY(runs->isVisible() && events->isVisible());
    QVERIFY(!runs->isFloating() && !events->isFloating());
    QCOMPARE(window.dockWidgetArea(runs), Qt::LeftDockWidgetArea);
    QCOMPARE(window.dockWidgetArea(events), Qt::BottomDockWidgetArea);
    // Exactly as before: docks to the pixel, every splitter's sizes.
    const auto rectText = [](const QRect& r) {
        return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
    };
    const auto sizesText = [](const QList<int>& sizes) {
        QStringList parts;
        for (int s : sizes) {
            parts << QString::number(s);
        }
        return parts.join(QLatin1Char('/'));
    };
    QStringList differing;
    if (runs->geometry() != runsRect) {
        differing << QStringLiteral("runs dock %1 (was %2)")
                         .arg(rectText(runs->geometry()), rectText(runsRect));
    }
    if (events->geometry() != eventsRect) {
        differing << QStringLiteral("events dock %1 (was %2)")
                         .arg(rectText(events->geometry()), rectText(eventsRect));
    }
    for (int i = 0; i < splitters.size(); ++i) {
        if (splitters[i]->sizes() != splitterSizes[i]) {
            QStringList path;
            for (QWidget* w = splitters[i]; w && w != &window; w = w->parentWidget()) {
                path.prepend(w->objectName().isEmpty()
                                 ? QString::fromLatin1(w->metaObject()->className())
                                 : w->objectName());
            }
            differing << QStringLiteral("splitter %1 (%2 px): %3 (was %4)")
                             .arg(path.join(QLatin1Char('/')))
                             .arg(splitters[i]->orientation() == Qt::Horizontal
                                      ? splitters[i]->width()
                                      : splitters[i]->height())
                             .arg(sizesText(splitters[i]->sizes()), sizesText(splitterSizes[i]));
        }
    }
    QVERIFY2(differing.isEmpty(), qPrintable(differing.join(QStringLiteral("; "))));
}

void TstMainWindowLayout::setupColumnsFitOnTheLaptopScreen() {
    // The window as it opens on a 1280x800 screen, runs dock included: every section of the
    // setup form (Integration, the right-hand column, was cut off) lies inside the visible
    // part of its scroll area, without a horizontal scroll bar.
    shell::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.tabs()->setCurrentIndex(shell::MainWindow::Setup);
    QTest::qWait(50);
    QWidget* setup = window.tabs()->widget(shell::MainWindow::Setup);
    auto* scroll = setup->findChild<QScrollArea*>();
    QVERIFY(scroll && scroll->widget());
    const QRect visible = scroll->viewport()->rect();
    QStringList cut;
    for (QGroupBox* box : scroll->widget()->findChildren<QGroupBox*>()) {
        if (!box->isVisibleTo(scroll->widget()) || box->parentWidget() != scroll->widget()) {
            continue;
        }
        const QRect r(box->mapTo(scroll->viewport(), QPoint(0, 0)), box->size());
        if (r.right() > visible.right() || r.width() < box->minimumSizeHint().width()) {
            cut << QStringLiteral("%1: x %2..%3, min width %4, viewport width %5")
                       .arg(box->title())
                       .arg(r.left())
                       .arg(r.right())
                       .arg(box->minimumSizeHint().width())
                       .arg(visible.width());
        }
    }
    QVERIFY2(cut.isEmpty(), qPrintable(cut.join(QStringLiteral("; "))));
    QVERIFY(!scroll->horizontalScrollBar()->isVisible());
}

void TstMainWindowLayout::squeezedPlotsPaintIntoNoNullPixmap() {
    // The GUI monkey once dragged the size grip until a plot had no height; QCustomPlot then
    // re-allocated its paint buffers at zero size and every replot warned "QPainter::begin:
    // Paint device returned engine == 0, type: 2". Every plot of every view, squeezed to no
    // height, to no width and to nothing, and replotted there (as new data would), must not warn,
    // and must draw again at its old size afterwards.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QPainter|paint buffer")));
    shell::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    int squeezed = 0;
    for (int tab = 0; tab < window.tabs()->count(); ++tab) {
        for (QCustomPlot* plot : shownPlots(window, tab)) {
            const QSize before = plot->size();
            const QSize sizes[] = {QSize(before.width(), 0), QSize(0, before.height()),
                                   QSize()};
            for (const QSize size : sizes) {
                plot->resize(size);
                QCoreApplication::processEvents();
                plot->replot();
            }
            plot->resize(before);
            QCoreApplication::processEvents();
            plot->replot();
            QCOMPARE(plot->viewport(), plot->rect());
            ++squeezed;
        }
    }
    QVERIFY2(squeezed >= 3, qPrintable(QString::number(squeezed)));
}

// Before any run is chosen every view's plots are empty: their axes still span the plot. The
// Training view's loss plot once drew its axes 83 px wide in a 539 px widget: the empty
// legend's maximum width (its margins) capped the plot layout's only column.
void TstMainWindowLayout::emptyPlotsFillTheirWidgets() {
    shell::MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    int checked = 0;
    for (int tab = 0; tab < window.tabs()->count(); ++tab) {
        for (QCustomPlot* plot : shownPlots(window, tab)) {
            if (plot->width() < 150) {
                continue;
            }
            plot->replot();
            int axes = 0;
            for (QCPAxisRect* rect : plot->axisRects()) {
                axes += rect->outerRect().width();
            }
            QVERIFY2(2 * axes >= plot->width(),
                     qPrintable(QStringLiteral("%1 on tab %2: axes %3 of %4 px")
                                    .arg(plot->objectName(), window.tabs()->tabText(tab))
                                    .arg(axes)
                                    .arg(plot->width())));
            ++checked;
        }
    }
    QVERIFY(checked >= 5); // the Training view's five at least
}

int main(int argc, char** argv) {
    // A 1280x800 laptop screen for the offscreen platform (its default is 800x600).
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("screens.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(R"({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1280,
                       "height": 800, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})") <
            0) {
        return 1;
    }
    file.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toUtf8());
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow_layout"));
    TstMainWindowLayout test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_mainwindow_layout.moc"
