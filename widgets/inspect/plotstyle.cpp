#include "inspect/plotstyle.h"

#include <qcustomplot.h>

#include <QApplication>

namespace inspect {

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
    return gradient;
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

} // namespace inspect
