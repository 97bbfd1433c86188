#include "common/plotstyle.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QEvent>
#include <QPointer>

#include <algorithm>
#include <cmath>

namespace common {

QColor expertColor(int expert) {
    // Tableau-10: distinguishable and print-friendly.
    static const QColor palette[] = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b),
                                     QColor(0x59, 0xa1, 0x4f), QColor(0xe1, 0x57, 0x59),
                                     QColor(0x76, 0xb7, 0xb2), QColor(0xed, 0xc9, 0x48),
                                     QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
                                     QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac)};
    const int n = int(sizeof(palette) / sizeof(palette[0]));
    return palette[((expert % n) + n) % n];
}

QColor verdictColor(bool correct) {
    return correct ? QColor(0x2e, 0x9d, 0x4a) : QColor(0xd6, 0x27, 0x28);
}

QCustomPlot* makePlot(QWidget* parent, const QString& objectName) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setNoAntialiasingOnDrag(true);
    plot->setInteractions(QCP::Interactions());
    plot->setMinimumHeight(120);
    plot->legend->setVisible(false);
    return plot;
}

void setBarValues(QCPBars* bars, const QVector<double>& values, double keyOffset) {
    QVector<double> keys(values.size());
    for (int i = 0; i < values.size(); ++i) {
        keys[i] = i + keyOffset;
    }
    bars->setData(keys, values, true);
}

void setIndexTicks(QCPAxis* axis, int count, const QString& prefix, int maxLabels) {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    // Thin the labels out when there are many categories, so they stay readable.
    const int every = count > maxLabels ? (count + maxLabels - 1) / maxLabels : 1;
    for (int i = 0; i < count; i += every) {
        ticker->addTick(i, prefix + QString::number(i));
    }
    axis->setTicker(ticker);
    axis->setRange(-0.6, count - 0.4);
}

QCPColorGradient probabilityGradient() {
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.00, QColor(68, 1, 84));
    gradient.setColorStopAt(0.25, QColor(59, 82, 139));
    gradient.setColorStopAt(0.50, QColor(33, 145, 140));
    gradient.setColorStopAt(0.75, QColor(94, 201, 98));
    gradient.setColorStopAt(1.00, QColor(253, 231, 37));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setLevelCount(256);
    // No value (a recursion a token had left before is not scored): grey, off the scale.
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(0xd9, 0xd9, 0xd9));
    return gradient;
}

namespace {
const char* kCellLabel = "morCellLabel";

} // namespace

double relativeLuminance(const QColor& c) {
    auto linear = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const QColor rgb = c.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) +
           0.0722 * linear(rgb.blueF());
}

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor textColorOn(const QColor& cell) {
    // Where black and white have equal contrast (WCAG): (L + 0.05)^2 = 1.05 * 0.05.
    return relativeLuminance(cell) > 0.179 ? QColor(Qt::black) : QColor(Qt::white);
}

void setCellLabelColor(QCPItemText* text, const QColor& cell) {
    text->setColor(textColorOn(cell));
    text->setProperty(kCellLabel, true);
}

bool isCellLabel(const QCPItemText* text) {
    return text->property(kCellLabel).toBool();
}

QString fmt(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

void applyPalette(QCustomPlot* plot, std::initializer_list<QCPAxis*> axes, bool hideZeroLine) {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText);
    plot->setBackground(pal.color(QPalette::Window));
    plot->axisRect()->setBackground(pal.color(QPalette::Base));
    for (QCPAxis* axis : axes) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->grid()->setPen(QPen(pal.color(QPalette::Mid), 0, Qt::DotLine));
        if (hideZeroLine) {
            axis->grid()->setZeroLinePen(Qt::NoPen);
        }
    }
}

bool darkPalette() {
    const QPalette pal = QApplication::palette();
    return pal.color(QPalette::Window).lightness() < pal.color(QPalette::WindowText).lightness();
}

namespace {
/// QCPLegend::setTextColor walks every cell; a wrapped legend with an odd item count has empty
/// cells, which that QCustomPlot 2.1 build dereferences. Colour the items one by one then.
void setLegendText(QCPLegend* legend, const QColor& color) {
    bool gaps = false;
    for (int i = 0; i < legend->elementCount(); ++i) {
        gaps = gaps || legend->elementAt(i) == nullptr;
    }
    if (!gaps) {
        legend->setTextColor(color);
        return;
    }
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (QCPAbstractLegendItem* item = legend->item(i)) {
            item->setTextColor(color);
        }
    }
}
} // namespace

void themePlot(QCustomPlot* plot) {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText);
    plot->setBackground(pal.color(QPalette::Window));
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(pal.color(QPalette::Base));
        for (QCPAxis* axis : rect->axes()) {
            const QPen zero = axis->grid()->zeroLinePen();
            applyPalette(plot, {axis});
            if (zero.style() == Qt::NoPen) {
                axis->grid()->setZeroLinePen(Qt::NoPen);
            }
        }
    }
    // The first rect's background was set by applyPalette to Base already; legends and titles:
    if (plot->legend) { // null when a plot removed its legend
        setLegendText(plot->legend, fg);
        plot->legend->setBrush(QBrush(pal.color(QPalette::Base)));
        plot->legend->setBorderPen(Qt::NoPen);
    }
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            text->setTextColor(fg);
        } else if (auto* legend = qobject_cast<QCPLegend*>(element)) {
            setLegendText(legend, fg);
        }
    }
    const auto neutral = [](const QColor& c) {
        return c.saturation() < 20 && (c.lightness() < 60 || c.lightness() > 200);
    };
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem* item = plot->item(i);
        if (auto* text = qobject_cast<QCPItemText*>(item)) {
            if (neutral(text->color()) && !isCellLabel(text)) {
                text->setColor(fg);
            }
        } else if (auto* line = qobject_cast<QCPItemStraightLine*>(item)) {
            QPen pen = line->pen();
            if (neutral(pen.color())) {
                pen.setColor(fg);
                line->setPen(pen);
            }
        }
    }
}

namespace {

/// Re-themes the plots below the watched widget when the palette changes.
class ThemeFollower : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::PaletteChange ||
            event->type() == QEvent::ApplicationPaletteChange) {
            if (auto* root = qobject_cast<QWidget*>(watched)) {
                for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
                    if (plot->property("ownTheme").toBool()) {
                        continue;
                    }
                    themePlot(plot);
                    plot->replot(QCustomPlot::rpQueuedReplot);
                }
            }
        }
        return false;
    }
};

} // namespace

void followTheme(QWidget* root) {
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
        themePlot(plot);
    }
    root->installEventFilter(new ThemeFollower(root));
}

} // namespace common
