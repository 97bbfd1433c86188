#include "common/theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QProxyStyle>
#include <QStyleOption>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace common {

namespace Theme {
namespace {
Kind g_current = Kind::Light;

/// Fusion with check box and radio button indicators that show their edge on the dark theme.
/// Fusion draws that edge in Window.darker(140): on the dark palette (#1E1E20 box, #2D2D30
/// around) an unchecked box had no visible border. No palette role moves that colour without
/// also darkening every window, so the edge is drawn again in a colour that reads.
class ThemeStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        const bool indicator =
            element == PE_IndicatorCheckBox || element == PE_IndicatorRadioButton;
        const bool focused = option->state.testFlag(State_HasFocus) &&
                             option->state.testFlag(State_KeyboardFocusChange);
        if (!indicator || focused || !isDark(option->palette)) {
            return;
        }
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing, true);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(indicatorEdge(option->palette), 1));
        const QRect rect = option->rect;
        if (element == PE_IndicatorCheckBox) {
            painter->translate(0.5, 0.5);
            painter->drawRect(rect.adjusted(0, 0, -1, -1));
        } else {
            // The circle Fusion draws its radio button in.
            const QPointF centre = rect.center() + QPoint(1, 1);
            const qreal radius = (rect.width() + (rect.width() + 1) % 2) / 2.0 - 1;
            painter->drawEllipse(centre, radius, radius);
        }
        painter->restore();
    }

private:
    static bool isDark(const QPalette& palette) {
        return palette.color(QPalette::Window).lightness() < 128;
    }
};

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

QColor indicatorEdge(const QPalette& palette) {
    // Between the box (Base) and the text: clearly an edge, quieter than the text.
    const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::Text);
    return QColor((base.red() * 3 + text.red() * 2) / 5, (base.green() * 3 + text.green() * 2) / 5,
                  (base.blue() * 3 + text.blue() * 2) / 5);
}

void apply(Kind kind) {
    g_current = kind;
    QApplication::setStyle(new ThemeStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
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
    // Tableau-like colours; the dark theme gets lighter variants, each pair at least as far
    // apart as the light ones (CIE76 distance 27): the pale lavender, grey and tan were too
    // close to the blue, grey and orange ("train/loss/expert" vs "train/loss/mixture").
    static const char* light[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    static const char* dark[] = {"#5aa9e6", "#ff6b6b", "#74c476", "#ffb347", "#a98bf0",
                                 "#c08a62", "#f59bd0", "#d0d0d0", "#e7e76b", "#6fe3d8"};
    const int i = index % 10;
    return QString::fromLatin1(g_current == Kind::Dark ? dark[i] : light[i]);
}

} // namespace Theme

} // namespace common
