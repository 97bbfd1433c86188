#include "inspect/integrationpanel.h"

#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "inspect/wrappedtitle.h"

namespace inspect {

namespace {
QVector<double> barValues(const QCPBars* bars) {
    QVector<double> values;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
        values << it->value;
    }
    return values;
}
} // namespace

IntegrationPanel::IntegrationPanel(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("integrationPlot");
    setProperty("ownTheme", true); // changeEvent themes it (the active tint)
    setMinimumHeight(200);
    // Inside the stepper's scroll area nothing else makes room for bigger fonts.
    common::PlotStyler::setFitHeight(this);
    plotLayout()->clear();
    m_title = new WrappedTitle(this, QString(), QFont(font().family(), 9, QFont::Bold));
    m_weightRect = new QCPAxisRect(this);
    m_conflictRect = new QCPAxisRect(this);
    m_fusedRect = new QCPAxisRect(this);
    plotLayout()->addElement(0, 0, m_title);
    auto* row = new QCPLayoutGrid;
    plotLayout()->addElement(1, 0, row);
    row->addElement(0, 0, m_weightRect);
    row->addElement(0, 1, m_conflictRect);
    row->addElement(0, 2, m_fusedRect);
    row->setColumnStretchFactors({1.2, 0.5, 1.5});
    // The title row stops at its text height (QCPTextElement's maximum). A tiny stretch factor
    // instead makes QCustomPlot 2.1 lock the row at its minimum and then lose the rest of the
    // height: the plots ended up shorter than the widget, with a blank band below.
    plotLayout()->setRowStretchFactor(0, 1.0);

    m_weightRect->axis(QCPAxis::atLeft)->setRange(0, 1.05);
    m_weightRect->axis(QCPAxis::atLeft)->setLabel(tr("fusion weight w_j"));
    m_weightRect->axis(QCPAxis::atBottom)->setLabel(tr("expert"));
    m_weights =
        new QCPBars(m_weightRect->axis(QCPAxis::atBottom), m_weightRect->axis(QCPAxis::atLeft));
    m_weights->setWidth(0.6);

    m_conflictRect->axis(QCPAxis::atLeft)->setRange(0, 1.0);
    m_conflictRect->axis(QCPAxis::atLeft)->setLabel(tr("conflict score D"));
    QSharedPointer<QCPAxisTickerText> one(new QCPAxisTickerText);
    one->addTick(0, tr("D"));
    m_conflictRect->axis(QCPAxis::atBottom)->setTicker(one);
    m_conflictRect->axis(QCPAxis::atBottom)->setRange(-0.7, 0.7);
    m_conflict =
        new QCPBars(m_conflictRect->axis(QCPAxis::atBottom), m_conflictRect->axis(QCPAxis::atLeft));
    m_conflict->setWidth(0.7);
    m_threshold = new QCPItemStraightLine(this);
    m_threshold->setClipAxisRect(m_conflictRect);
    m_threshold->point1->setAxes(m_conflictRect->axis(QCPAxis::atBottom),
                                 m_conflictRect->axis(QCPAxis::atLeft));
    m_threshold->point2->setAxes(m_conflictRect->axis(QCPAxis::atBottom),
                                 m_conflictRect->axis(QCPAxis::atLeft));
    m_threshold->setPen(QPen(QColor(200, 30, 30), 2, Qt::DashLine));

    m_fusedRect->axis(QCPAxis::atLeft)->setRange(0, 1.05);
    m_fusedRect->axis(QCPAxis::atLeft)->setLabel(tr("fused answer"));
    m_fusedRect->axis(QCPAxis::atBottom)->setLabel(tr("class"));
    m_fused = new QCPBars(m_fusedRect->axis(QCPAxis::atBottom), m_fusedRect->axis(QCPAxis::atLeft));
    m_fused->setWidth(0.7);
    m_fused->setBrush(QColor(90, 90, 90));
    m_fusedLabel =
        new QCPBars(m_fusedRect->axis(QCPAxis::atBottom), m_fusedRect->axis(QCPAxis::atLeft));
    m_fusedLabel->setWidth(0.85);
    m_fusedLabel->setBrush(Qt::NoBrush);
    m_fusedLabel->setPen(QPen(common::verdictColor(true), 2.5));
    setActive(false);
}

void IntegrationPanel::setTrace(const mor::SampleTrace& trace, int numClasses,
                                double conflictThreshold) {
    // Weights per selected expert, keyed by the expert index so colours match the panels.
    QCPBarsDataContainer& weights = *m_weights->data();
    weights.clear();
    QSharedPointer<QCPAxisTickerText> expertTicks(new QCPAxisTickerText);
    for (size_t i = 0; i < trace.experts.size(); ++i) {
        weights.add(QCPBarsData(double(i), trace.experts[i].fusionWeight));
        expertTicks->addTick(double(i), tr("E%1").arg(trace.experts[i].expert));
    }
    m_weightRect->axis(QCPAxis::atBottom)->setTicker(expertTicks);
    m_weightRect->axis(QCPAxis::atBottom)
        ->setRange(-0.6, std::max<double>(trace.experts.size(), 1) - 0.4);
    m_weights->setBrush(QColor(0x4e, 0x79, 0xa7));
    if (trace.winner >= 0) {
        m_weights->setName(tr("winner E%1").arg(trace.winner));
    }

    m_conflict->setData({0.0}, {double(trace.conflictScore)});
    m_conflict->setBrush(trace.conflict ? QColor(0xe1, 0x57, 0x59) : QColor(0x8c, 0xc0, 0x8c));
    m_conflictRect->axis(QCPAxis::atLeft)->setRange(0, std::max(1.0, trace.conflictScore * 1.1));
    m_threshold->point1->setCoords(0, conflictThreshold);
    m_threshold->point2->setCoords(1, conflictThreshold);

    QVector<double> fused(numClasses, 0.0), labelBar(numClasses, 0.0);
    for (int k = 0; k < numClasses && k < int(trace.fusedProbs.size()); ++k) {
        fused[k] = trace.fusedProbs[size_t(k)];
    }
    if (trace.label >= 0 && trace.label < numClasses) {
        labelBar[int(trace.label)] = 1.0;
    }
    common::setBarValues(m_fused, fused);
    common::setBarValues(m_fusedLabel, labelBar);
    common::setIndexTicks(m_fusedRect->axis(QCPAxis::atBottom), numClasses, QString());
    m_fused->setBrush(common::verdictColor(trace.correct).lighter(120));

    if (trace.experts.size() < 2) {
        // A conflict needs two opinions: say so instead of showing an empty score.
        m_fullTitle = tr("Integration: answer %1 %2 (label %3)  ·  one expert selected: "
                         "conflicts need at least 2 (raise top_k)")
                          .arg(trace.finalPred)
                          .arg(trace.correct ? tr("right") : tr("wrong"))
                          .arg(trace.label);
        wrapTitle();
        replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    QString text = tr("Integration: answer %1 %2 (label %3)  ·  conflict D = %4 %5 %6")
                       .arg(trace.finalPred)
                       .arg(trace.correct ? tr("right") : tr("wrong"))
                       .arg(trace.label)
                       .arg(common::fmt(trace.conflictScore, 3))
                       .arg(trace.conflictScore >= conflictThreshold ? "≥" : "<")
                       .arg(common::fmt(conflictThreshold));
    if (trace.conflictScoreAfter >= 0.f) {
        text += tr(" → %1 after re-reflection").arg(common::fmt(trace.conflictScoreAfter, 3));
    }
    if (trace.conflict) {
        text += tr("  ·  %1, winner E%2, margin %3")
                    .arg(QString::fromStdString(trace.resolution.empty() ? "?" : trace.resolution))
                    .arg(trace.winner)
                    .arg(common::fmt(trace.margin));
    } else {
        text += tr("  ·  no conflict, margin %1").arg(common::fmt(trace.margin));
    }
    m_fullTitle = text;
    wrapTitle();
    replot(QCustomPlot::rpQueuedReplot);
}

void IntegrationPanel::wrapTitle() {
    if (static_cast<WrappedTitle*>(m_title)->setWrappedText(m_fullTitle, width())) {
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void IntegrationPanel::resizeEvent(QResizeEvent* event) {
    QCustomPlot::resizeEvent(event);
    wrapTitle();
}

void IntegrationPanel::setActive(bool active) {
    m_active = active;
    // A tinted background makes "the cursor is here" visible without moving anything.
    // Theme-aware: a warm tint of the window colour (light and dark theme alike).
    const QPalette pal = palette();
    const QColor window = pal.color(QPalette::Window);
    const QColor tint(0xf2, 0x8e, 0x2b);
    const auto mix = [](const QColor& a, const QColor& b, double t) {
        return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                                float(a.greenF() * (1 - t) + b.greenF() * t),
                                float(a.blueF() * (1 - t) + b.blueF() * t));
    };
    setBackground(QBrush(active ? mix(window, tint, 0.18) : window));
    m_title->setTextColor(active ? (common::darkPalette() ? tint.lighter(120) : QColor(170, 80, 0))
                                 : pal.color(QPalette::WindowText));
    replot(QCustomPlot::rpQueuedReplot);
}

QVector<double> IntegrationPanel::shownWeights() const {
    return barValues(m_weights);
}
QVector<double> IntegrationPanel::shownFused() const {
    return barValues(m_fused);
}
double IntegrationPanel::shownConflictScore() const {
    return m_conflict->data()->isEmpty() ? 0.0 : m_conflict->data()->constBegin()->value;
}

void IntegrationPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        common::themePlot(this);
        setActive(m_active);
    }
    QCustomPlot::changeEvent(event);
}

} // namespace inspect
