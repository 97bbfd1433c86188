// The dark theme keeps the controls legible: an unchecked check box or radio button shows its
// edge against the window (Fusion's own edge is as dark as the box on the dark palette). Its
// curve colours stay apart from each other and stand out against the background.
#include "common/plotstyle.h"
#include "common/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QImage>
#include <QRadioButton>
#include <QStyle>
#include <QStyleOptionButton>
#include <QtTest>

#include <array>
#include <cmath>

namespace {
/// CIE L*a*b* of an sRGB colour (D65).
std::array<double, 3> lab(const QColor& c) {
    auto linear = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const double r = linear(c.redF()), g = linear(c.greenF()), b = linear(c.blueF());
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    return {116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))};
}

/// CIE76 colour difference: about 2.3 is just noticeable; tableau10's closest pair is 27.7.
double distance(const QColor& a, const QColor& b) {
    const auto p = lab(a), q = lab(b);
    return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
} // namespace

class TstTheme : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void uncheckedIndicatorsShowTheirEdge_data();
    void uncheckedIndicatorsShowTheirEdge();
    void darkCurveColoursAreApartAndReadable();
    void cleanupTestCase() { common::Theme::apply(common::Theme::Kind::Light); }
};

void TstTheme::uncheckedIndicatorsShowTheirEdge_data() {
    QTest::addColumn<bool>("radio");
    QTest::newRow("check box") << false;
    QTest::newRow("radio button") << true;
}

void TstTheme::uncheckedIndicatorsShowTheirEdge() {
    QFETCH(bool, radio);
    common::Theme::apply(common::Theme::Kind::Dark);
    QCheckBox check(QStringLiteral("Wrong only"));
    QRadioButton button(QStringLiteral("Wrong only"));
    QAbstractButton* widget = radio ? static_cast<QAbstractButton*>(&button) : &check;
    widget->resize(widget->sizeHint());
    const QImage image = widget->grab().toImage();
    QStyleOptionButton option;
    option.initFrom(widget);
    const QRect box = widget->style()->subElementRect(
        radio ? QStyle::SE_RadioButtonIndicator : QStyle::SE_CheckBoxIndicator, &option, widget);
    QVERIFY(!box.isEmpty());
    // The brightest pixel along the indicator's middle row, outside its inner fill: the edge.
    const QColor window = widget->palette().color(QPalette::Window);
    int brightest = 0;
    const int y = box.center().y() + 1;
    for (int x = box.left(); x <= box.left() + 3; ++x) {
        brightest = std::max(brightest, image.pixelColor(x, y).lightness());
    }
    // Fusion alone: the edge (window.darker(140)) is darker than the window around it.
    QVERIFY2(brightest - window.lightness() >= 40,
             qPrintable(QStringLiteral("edge %1, window %2")
                            .arg(brightest)
                            .arg(window.lightness())));
}

void TstTheme::darkCurveColoursAreApartAndReadable() {
    // Two loss curves in the dark theme were hard to tell apart (orange and tan, lavender and
    // grey): every pair at least as far apart as the light theme's closest (27.7).
    common::Theme::apply(common::Theme::Kind::Dark);
    const QColor base = QApplication::palette().color(QPalette::Base);
    for (int i = 0; i < 10; ++i) {
        const QColor a(common::Theme::curveColor(i));
        QVERIFY2(common::contrastRatio(a, base) >= 3.0, qPrintable(a.name()));
        for (int j = i + 1; j < 10; ++j) {
            const QColor b(common::Theme::curveColor(j));
            QVERIFY2(distance(a, b) >= 27.0, qPrintable(QStringLiteral("%1 and %2: %3")
                                                            .arg(a.name(), b.name())
                                                            .arg(distance(a, b))));
        }
    }
}

QTEST_MAIN(TstTheme)
#include "tst_theme.moc"
