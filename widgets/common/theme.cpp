#include "common/theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace common {

namespace Theme {
namespace {
Kind g_current = Kind::Light;

QPalette darkPalette() {
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), button(60, 60, 64);
    const QColor highlight(42, 130, 218), disabled(130, 130, 130);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(100, 170, 255));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(80, 80, 84));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Light, QColor(75, 75, 80));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}
} // namespace

void apply(Kind kind) {
    g_current = kind;
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(kind == Kind::Dark ? darkPalette()
                                                : QApplication::style()->standardPalette());
}

Kind stored() {
    return QSettings().value(QStringLiteral("ui/theme")).toString() == QLatin1String("dark")
               ? Kind::Dark
               : Kind::Light;
}

void store(Kind kind) {
    QSettings().setValue(QStringLiteral("ui/theme"),
                         kind == Kind::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
}

Kind current() {
    return g_current;
}

QString curveColor(int index) {
    // Tableau-like colours; the dark theme gets the lighter variants.
    static const char* light[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    static const char* dark[] = {"#6baed6", "#ff6b6b", "#74c476", "#fdae6b", "#bcbddc",
                                 "#d6a37f", "#f1a6d6", "#c7c7c7", "#e7e76b", "#7fdfea"};
    const int i = index % 10;
    return QString::fromLatin1(g_current == Kind::Dark ? dark[i] : light[i]);
}

} // namespace Theme

} // namespace common
