// Presentation mode of the main window: larger fonts and thicker lines for a projector, the
// panels hidden, and the exact layout put back when it ends (kept apart from mainwindow.cpp,
// which wires the views).
#include "shell/mainwindow.h"

#include "common/plotstyler.h"
#include "playground/playgroundview.h"
#include "setup/setupview.h"
#include "shell/mainwindowactions.h"
#include "training/trainingview.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLayout>
#include <QSplitter>
#include <QTimer>

#include <numeric>
#include <utility>

namespace shell {

void MainWindow::setPresentationMode(bool on) {
    if (on == m_presenting) {
        return;
    }
    m_presenting = on;
    if (on) {
        // Everything presentation mode changes is put back exactly when it ends.
        m_layoutBeforePresentation = saveState();
        m_geometryBeforePresentation = geometry();
        m_splittersBeforePresentation.clear();
        for (QSplitter* splitter : findChildren<QSplitter*>()) {
            const QList<int> sizes = splitter->sizes();
            // A splitter of a tab never shown has no sizes yet: nothing to put back.
            if (std::accumulate(sizes.begin(), sizes.end(), 0) > 0) {
                m_splittersBeforePresentation.append({splitter, splitter->saveState(), sizes});
            }
        }
    }
    QFont font = QApplication::font();
    font.setPointSizeF(on ? m_normalFontSize * 1.5 : m_normalFontSize);
    QApplication::setFont(font);
    common::PlotStyler::instance()->setLineScale(on ? 1.6 : 1.0);
    m_setup->setAdvancedVisible(!on);
    m_training->setPresentationMode(on);
    m_playground->setPresentationMode(on);
    // The views get the whole screen; the panels come back when presentation mode ends.
    m_eventsDock->setVisible(!on);
    m_browserDock->setVisible(!on);
    if (!on) {
        // The font change re-lays out everything once the events are processed; restore after.
        restoreLayoutAfterPresentation();
        QTimer::singleShot(0, this, &MainWindow::restoreLayoutAfterPresentation);
    }
    if (m_actions->presentation->isChecked() != on) {
        m_actions->presentation->setChecked(on);
    }
}

void MainWindow::restoreLayoutAfterPresentation() {
    if (m_presenting || m_layoutBeforePresentation.isEmpty()) {
        return;
    }
    // The normal font posted layout requests from the bottom up (a menu bar, then the window):
    // until they are handled the bars keep their presentation height, and docks restored now
    // came back a few pixels off once the bars shrank (issue 21). Let them settle first.
    for (int round = 0; round < 4; ++round) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        layout()->activate();
    }
    restoreState(m_layoutBeforePresentation);
    for (const auto& [splitter, state, sizes] : std::as_const(m_splittersBeforePresentation)) {
        // Only a splitter presentation mode changed: one on a tab never laid out keeps the
        // sizes it was given, which need not fit its (unset) extent and would be squeezed.
        if (splitter && splitter->sizes() != sizes) {
            splitter->restoreState(state);
        }
    }
    if (!isMaximized() && !isFullScreen()) {
        setGeometry(m_geometryBeforePresentation);
    }
}

} // namespace shell
