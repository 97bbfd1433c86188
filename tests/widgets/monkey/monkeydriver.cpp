#include "monkeydriver.h"

#include "shell/mainwindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>
#include <QTabWidget>
#include <QWheelEvent>
#include <QtTest>

namespace monkey {
namespace {

// Keys a user presses: navigation, editing, and the app's shortcuts (with Ctrl below).
const int kKeys[] = {Qt::Key_Tab,      Qt::Key_Backtab, Qt::Key_Return, Qt::Key_Enter,
                     Qt::Key_Escape,   Qt::Key_Space,   Qt::Key_Up,     Qt::Key_Down,
                     Qt::Key_Left,     Qt::Key_Right,   Qt::Key_PageUp, Qt::Key_PageDown,
                     Qt::Key_Home,     Qt::Key_End,     Qt::Key_Backspace, Qt::Key_Delete,
                     Qt::Key_F1,       Qt::Key_F2,      Qt::Key_F5,     Qt::Key_Period,
                     Qt::Key_1,        Qt::Key_3,       Qt::Key_5,      Qt::Key_8,
                     Qt::Key_A,        Qt::Key_C,       Qt::Key_E,      Qt::Key_N,
                     Qt::Key_O,        Qt::Key_P,       Qt::Key_S,      Qt::Key_Z,
                     Qt::Key_Y,        Qt::Key_Plus,    Qt::Key_Minus,  Qt::Key_Equal};

// Text a user (or a cat) types: numbers, sums, junk, umlauts, very long words.
const char* const kTexts[] = {"12+34=", "0", "-1", "1e9", "nan", "3.5", "abc", "x",
                              "12x4+3=9", "äöüß", "  ", "run 1", "999999999999", ";", "E0"};

QString describe(const QWidget* w) {
    const QString name = w->objectName().isEmpty() ? QStringLiteral("-") : w->objectName();
    return QStringLiteral("%1(%2)").arg(QString::fromLatin1(w->metaObject()->className()), name);
}

} // namespace

Driver::Driver(shell::MainWindow* window, quint64 seed, const QString& folder, QObject* parent)
    : QObject(parent), m_window(window), m_random(seed), m_folder(folder) {
    connect(&m_timer, &QTimer::timeout, this, &Driver::tick);
}

void Driver::start(int durationMs, int intervalMs) {
    m_durationMs = durationMs;
    m_timer.start(intervalMs);
    m_clock.start();
}

void Driver::tick() {
    if (m_clock.elapsed() >= m_durationMs) {
        m_timer.stop();
        if (!m_finished) {
            m_finished = true;
            Q_EMIT done();
        }
        return;
    }
    // The event goes out from the event queue, not from this slot: an event that opens a
    // modal dialog blocks in the dialog's loop, and this timer must keep firing in there.
    if (!m_pending) {
        m_pending = true;
        QMetaObject::invokeMethod(this, &Driver::sendOne, Qt::QueuedConnection);
    }
}

QWidget* Driver::targetWindow() const {
    if (QWidget* popup = QApplication::activePopupWidget()) {
        return popup;
    }
    if (QWidget* modal = QApplication::activeModalWidget()) {
        return modal;
    }
    return m_window;
}

void Driver::note(const QString& kind, const QString& what) {
    ++m_events;
    ++m_counts[kind];
    Q_EMIT sending(m_events, (kind + QLatin1Char(' ') + what).toStdString());
}

void Driver::sendOne() {
    m_pending = false;
    if (m_finished) {
        return;
    }
    QWidget* top = targetWindow();
    if (auto* files = qobject_cast<QFileDialog*>(top)) {
        answerFileDialog(files);
        return;
    }
    if (closeStaleModal(top)) {
        return;
    }
    const bool main = top == m_window;
    const int r = pick(100);
    if (r < 34) {
        click(top);
    } else if (r < 40) {
        drag(top);
    } else if (r < 46) {
        wheel(top);
    } else if (r < 62) {
        key(top);
    } else if (r < 72) {
        type(top);
    } else if (!main) {
        click(top);
    } else if (r < 76) {
        resizeWindow();
    } else if (r < 85) {
        switchTab();
    } else if (r < 92) {
        triggerMenuAction();
    } else {
        selectRun();
    }
}

bool Driver::closeStaleModal(QWidget* top) {
    if (top == m_window) {
        m_modal = nullptr;
        return false;
    }
    if (top != m_modal) {
        m_modal = top;
        m_modalEvents = 0;
        m_modalLimit = 2 + pick(12);
    }
    if (++m_modalEvents <= m_modalLimit) {
        return false;
    }
    note(QStringLiteral("close"), describe(top));
    if (auto* dialog = qobject_cast<QDialog*>(top)) {
        dialog->reject();
    } else {
        top->close();
    }
    return true;
}

bool Driver::answerFileDialog(QFileDialog* dialog) {
    // Half cancelled; half answered with a file of the test's folder (existing or new).
    if (chance(0.5)) {
        note(QStringLiteral("file-dialog"), QStringLiteral("cancel"));
        dialog->reject();
        return true;
    }
    const QStringList present = QDir(m_folder).entryList(QDir::Files, QDir::Name);
    QString name;
    if (dialog->fileMode() == QFileDialog::Directory) {
        name = m_folder;
    } else if (!present.isEmpty() && chance(0.6)) {
        name = QDir(m_folder).filePath(present.at(pick(int(present.size()))));
    } else {
        const QStringList suffixes = {QStringLiteral(".json"), QStringLiteral(".csv"),
                                      QStringLiteral(".png"), QStringLiteral(""),
                                      QStringLiteral(".sqlite")};
        name = QDir(m_folder).filePath(QStringLiteral("monkey-%1%2")
                                           .arg(m_events)
                                           .arg(suffixes.at(pick(int(suffixes.size())))));
    }
    note(QStringLiteral("file-dialog"), QStringLiteral("accept ") + QFileInfo(name).fileName());
    dialog->setDirectory(m_folder);
    dialog->selectFile(name);
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept is protected; QDialog's is not
    return true;
}

QWidget* Driver::randomWidget(QWidget* top) {
    QList<QWidget*> candidates{top};
    for (QWidget* w : top->findChildren<QWidget*>()) {
        if (w->isVisible() && w->isEnabled() && !w->rect().isEmpty()) {
            candidates << w;
        }
    }
    return candidates.at(pick(int(candidates.size())));
}

void Driver::click(QWidget* top) {
    QWidget* w = randomWidget(top);
    const QPoint at(pick(std::max(1, w->width())), pick(std::max(1, w->height())));
    const int how = pick(100);
    // A press on a popup may close it: QCompleter's popup closes on a press when underMouse()
    // is false, which synthetic events never set. On a screen the release then goes to what is
    // under the pointer; QTest would send it to the closed popup, which does not accept it.
    const bool popup = w->window()->windowType() == Qt::Popup;
    if (how < 80 || (popup && how >= 90)) {
        note(QStringLiteral("click"), describe(w));
        if (!popup) {
            QTest::mouseClick(w, Qt::LeftButton, {}, at);
            return;
        }
        QPointer<QWidget> alive(w);
        QTest::mousePress(w, Qt::LeftButton, {}, at);
        if (alive && alive->isVisible()) {
            QTest::mouseRelease(w, Qt::LeftButton, {}, at);
        }
    } else if (how < 90) {
        // What a right click becomes on a real screen: a context menu request.
        note(QStringLiteral("context-menu"), describe(w));
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, w->mapToGlobal(at));
        QApplication::sendEvent(w, &event);
    } else {
        note(QStringLiteral("double-click"), describe(w));
        QTest::mouseDClick(w, Qt::LeftButton, {}, at);
    }
}

void Driver::drag(QWidget* top) {
    QWidget* w = randomWidget(top);
    const QPoint from(pick(std::max(1, w->width())), pick(std::max(1, w->height())));
    const QPoint to(pick(std::max(1, w->width())), pick(std::max(1, w->height())));
    note(QStringLiteral("drag"), describe(w));
    QPointer<QWidget> alive(w);
    QTest::mousePress(w, Qt::LeftButton, {}, from);
    if (alive) {
        QTest::mouseMove(w, (from + to) / 2);
    }
    if (alive) {
        QTest::mouseMove(w, to);
    }
    if (alive) {
        QTest::mouseRelease(w, Qt::LeftButton, {}, to);
    }
}

void Driver::wheel(QWidget* top) {
    QWidget* w = randomWidget(top);
    const QPoint at(pick(std::max(1, w->width())), pick(std::max(1, w->height())));
    const int delta = chance(0.5) ? 120 : -120;
    const Qt::KeyboardModifiers mods = chance(0.2) ? Qt::ControlModifier : Qt::NoModifier;
    note(QStringLiteral("wheel"), describe(w));
    QWheelEvent event(at, w->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton, mods,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &event);
}

void Driver::key(QWidget* top) {
    QWidget* focus = QApplication::focusWidget();
    QWidget* w = focus && focus->window() == top ? focus : top;
    const int k = kKeys[pick(int(std::size(kKeys)))];
    const int m = pick(100);
    const Qt::KeyboardModifiers mods = m < 70   ? Qt::NoModifier
                                       : m < 90 ? Qt::ControlModifier
                                       : m < 95 ? Qt::ShiftModifier
                                                : Qt::AltModifier;
    note(QStringLiteral("key"), QStringLiteral("%1 to %2")
                                    .arg(QKeySequence(int(mods) | k).toString(), describe(w)));
    QTest::keyClick(w, Qt::Key(k), mods);
}

void Driver::type(QWidget* top) {
    QWidget* focus = QApplication::focusWidget();
    QWidget* w = focus && focus->window() == top ? focus : randomWidget(top);
    QString text = QString::fromUtf8(kTexts[pick(int(std::size(kTexts)))]);
    if (chance(0.05)) {
        text = text.repeated(40); // a very long entry
    }
    note(QStringLiteral("type"), QStringLiteral("\"%1\" to %2").arg(text.left(20), describe(w)));
    QPointer<QWidget> alive(w);
    for (const QChar c : text) {
        if (!alive) {
            return;
        }
        if (c.unicode() < 128) {
            QTest::keyClick(w, c.toLatin1());
        } else {
            // QTest knows ASCII keys only; an umlaut arrives as a key with its text.
            QKeyEvent press(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, QString(c));
            QApplication::sendEvent(w, &press);
            QKeyEvent release(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, QString(c));
            if (alive) {
                QApplication::sendEvent(w, &release);
            }
        }
    }
}

void Driver::resizeWindow() {
    const QSize size(480 + pick(1121), 360 + pick(641));
    note(QStringLiteral("resize"), QStringLiteral("%1x%2").arg(size.width()).arg(size.height()));
    m_window->resize(size);
}

void Driver::switchTab() {
    QTabWidget* tabs = m_window->tabs();
    QList<int> visible;
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->isTabVisible(i)) {
            visible << i;
        }
    }
    const int tab = visible.at(pick(int(visible.size())));
    note(QStringLiteral("tab"), tabs->tabText(tab));
    tabs->setCurrentIndex(tab);
}

void Driver::triggerMenuAction() {
    QList<QAction*> actions;
    QList<QMenu*> menus;
    for (QAction* a : m_window->menuBar()->actions()) {
        if (a->menu()) {
            menus << a->menu();
        }
    }
    while (!menus.isEmpty()) {
        QMenu* menu = menus.takeFirst();
        for (QAction* a : menu->actions()) {
            if (a->menu()) {
                menus << a->menu();
            } else if (!a->isSeparator() && a->isEnabled()) {
                actions << a;
            }
        }
    }
    if (actions.isEmpty()) {
        return;
    }
    QAction* action = actions.at(pick(int(actions.size())));
    note(QStringLiteral("menu"), action->text());
    action->trigger();
}

void Driver::selectRun() {
    if (m_runs.isEmpty()) {
        return;
    }
    const qint64 run = m_runs.at(pick(int(m_runs.size())));
    note(QStringLiteral("select-run"), QString::number(run));
    m_window->selectRun(run);
}

} // namespace monkey
