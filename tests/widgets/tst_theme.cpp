// The dark theme keeps the controls legible: an unchecked check box or radio button shows its
// edge against the window (Fusion's own edge is as dark as the box on the dark palette).
#include "common/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QImage>
#include <QRadioButton>
#include <QStyle>
#include <QStyleOptionButton>
#include <QtTest>

class TstTheme : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void uncheckedIndicatorsShowTheirEdge_data();
    void uncheckedIndicatorsShowTheirEdge();
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

QTEST_MAIN(TstTheme)
#include "tst_theme.moc"
