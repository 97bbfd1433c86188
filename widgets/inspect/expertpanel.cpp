#include "inspect/expertpanel.h"

#include "common/mapgrid.h"
#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "inspect/wrappedtitle.h"

#include <QApplication>

#include <algorithm>

namespace inspect {

namespace {
QCPItemStraightLine* verticalLine(QCustomPlot* plot, QCPAxisRect* rect, const QPen& pen) {
    auto* line = new QCPItemStraightLine(plot);
    line->setClipAxisRect(rect);
    line->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    line->setPen(pen);
    return line;
}
void placeVertical(QCPItemStraightLine* line, double x) {
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
}
/// Draft probability 0 → 1: from the plot's background (white, or the dark theme's base, where
/// a white strip glared) to a colour that stands out on both.
QCPColorGradient stripGradient() {
    QCPColorGradient gradient(QCPColorGradient::gpGrayscale);
    const bool dark = common::darkPalette();
    gradient.setColorStopAt(0.0, dark ? QApplication::palette().color(QPalette::Base)
                                      : QColor(Qt::white));
    gradient.setColorStopAt(1.0, dark ? QColor(0x6f, 0xa8, 0xdc) : QColor(0x1f, 0x3b, 0x73));
    return gradient;
}
} // namespace

ExpertPanel::ExpertPanel(QWidget* parent) : QCustomPlot(parent) {
    setMinimumHeight(230);
    setProperty("ownTheme", true); // changeEvent themes it (the title colour)
    // Inside the stepper's scroll area nothing else makes room for bigger fonts.
    common::PlotStyler::setFitHeight(this);
    setAutoAddPlottableToLegend(false);
    plotLayout()->clear();
    m_title = new WrappedTitle(this, QString(), QFont(font().family(), 9, QFont::Bold));
    m_timeRect = new QCPAxisRect(this);
    m_stripRect = new QCPAxisRect(this);
    m_draftRect = new QCPAxisRect(this);
    // The title gets its own row above a nested grid, so its width never widens a column.
    m_grid = new QCPLayoutGrid;
    plotLayout()->addElement(0, 0, m_title);
    plotLayout()->addElement(1, 0, m_grid);
    // The title row stops at its text height (QCPTextElement's maximum). A tiny stretch factor
    // instead makes QCustomPlot 2.1 lock the row at its minimum and then lose the rest of the
    // height: the plots ended up shorter than the widget, with a blank band below.
    plotLayout()->setRowStretchFactor(0, 1.0);
    m_grid->addElement(0, 0, m_timeRect);
    m_grid->addElement(0, 1, m_draftRect);
    m_grid->addElement(1, 0, m_stripRect);
    m_grid->setColumnStretchFactor(0, 2.2);
    m_grid->setColumnStretchFactor(1, 1.0);
    m_grid->setRowStretchFactor(0, 1.0);
    m_grid->setRowStretchFactor(1, 0.45);
    // The strip shares the timeline's x axis positions.
    auto* group = new QCPMarginGroup(this);
    m_timeRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    m_stripRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);

    QCPAxis* tx = m_timeRect->axis(QCPAxis::atBottom);
    QCPAxis* ty = m_timeRect->axis(QCPAxis::atLeft);
    ty->setRange(-0.05, 1.08);
    ty->setLabel(tr("c_t, λ_t"));
    QSharedPointer<QCPAxisTickerFixed> half(new QCPAxisTickerFixed);
    half->setTickStep(0.5);
    ty->setTicker(half);
    tx->setTickLabels(false);
    QSharedPointer<QCPAxisTickerFixed> unit(new QCPAxisTickerFixed);
    unit->setTickStep(1.0);
    unit->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    tx->setTicker(unit);

    m_critique = addGraph(tx, ty);
    m_critique->setName(tr("critique c_t"));
    m_critique->setPen(QPen(QColor(0x4e, 0x79, 0xa7), 2.2));
    m_halt = addGraph(tx, ty);
    m_halt->setName(tr("halting λ_t"));
    m_halt->setPen(QPen(QColor(0x9c, 0x75, 0x5f), 1.6, Qt::DashLine));
    m_halt->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 5));
    m_rightMarks = addGraph(tx, ty);
    m_rightMarks->setLineStyle(QCPGraph::lsNone);
    m_rightMarks->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssDisc, common::verdictColor(true), common::verdictColor(true), 9));
    m_rightMarks->setName(tr("draft right"));
    m_wrongMarks = addGraph(tx, ty);
    m_wrongMarks->setLineStyle(QCPGraph::lsNone);
    m_wrongMarks->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssCross, QPen(common::verdictColor(false), 2.5), Qt::NoBrush, 10));
    m_wrongMarks->setName(tr("draft wrong"));
    // The legend sits in the free cell under the draft bars, so it never hides a curve.
    auto* legend = new QCPLegend;
    m_grid->addElement(1, 1, legend);
    legend->setLayer("legend");
    legend->setFont(QFont(font().family(), 7));
    legend->setIconSize(14, 8);
    legend->setRowSpacing(-3);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(2);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(8, 2, 2, 2));
    for (QCPGraph* g : {m_critique, m_halt, m_rightMarks, m_wrongMarks}) {
        g->addToLegend(legend);
    }

    m_extraBand = new QCPItemRect(this);
    m_extraBand->setClipAxisRect(m_timeRect);
    m_extraBand->topLeft->setAxes(tx, ty);
    m_extraBand->bottomRight->setAxes(tx, ty);
    m_extraBand->setPen(Qt::NoPen);
    m_extraBand->setBrush(QColor(255, 220, 120, 70));
    m_extraBand->setVisible(false);
    m_haltLine = verticalLine(this, m_timeRect, QPen(QColor(80, 80, 80), 1.5, Qt::DashDotLine));
    m_thresholdLine = new QCPItemStraightLine(this);
    m_thresholdLine->setClipAxisRect(m_timeRect);
    m_thresholdLine->point1->setAxes(tx, ty);
    m_thresholdLine->point2->setAxes(tx, ty);
    m_thresholdLine->setPen(QPen(QColor(150, 150, 150), 1, Qt::DotLine));
    m_cursor = verticalLine(this, m_timeRect, QPen(QColor(255, 140, 0, 170), 7));

    QCPAxis* sx = m_stripRect->axis(QCPAxis::atBottom);
    QCPAxis* sy = m_stripRect->axis(QCPAxis::atLeft);
    sx->setTicker(unit);
    sx->setLabel(tr("reflection step t"));
    sy->setLabel(tr("class"));
    m_strip = new QCPColorMap(sx, sy);
    m_strip->setInterpolate(false);
    m_strip->setTightBoundary(false);
    m_strip->setGradient(stripGradient());
    m_strip->setDataRange(QCPRange(0, 1));
    m_stripCursor = verticalLine(this, m_stripRect, QPen(QColor(255, 140, 0, 200), 2));

    QCPAxis* dx = m_draftRect->axis(QCPAxis::atBottom);
    QCPAxis* dy = m_draftRect->axis(QCPAxis::atLeft);
    dy->setRange(0, 1.05);
    dy->setTicker(half);
    dy->setLabel(tr("draft"));
    m_draft = new QCPBars(dx, dy);
    m_draft->setWidth(0.7);
    m_draft->setName(tr("draft"));
    // The true class as an outline on top of the draft, so a wrong draft is obvious.
    m_draftLabel = new QCPBars(dx, dy);
    m_draftLabel->setWidth(0.85);
    m_draftLabel->setBrush(Qt::NoBrush);
    m_draftLabel->setPen(QPen(common::verdictColor(true), 2.5));
}

void ExpertPanel::setTrace(const mor::ExpertTrace& trace, int numClasses, int64_t label,
                           int maxIterations, double haltThreshold) {
    m_trace = trace;
    // A nested expert's width shows wherever the panel is used; the stepper also says when a
    // nested run's stored trace did not record it (setWidthText).
    m_widthText = trace.width > 0 ? tr("width %1 units").arg(trace.width) : QString();
    m_numClasses = numClasses;
    m_label = label;
    setObjectName(QString("expertPanel_%1").arg(trace.expert));
    const QColor color = common::expertColor(trace.expert);
    m_title->setTextColor(common::darkPalette() ? color.lighter(125) : color.darker(130));

    QVector<double> t, c, lambda, rightT, rightC, wrongT, wrongC;
    for (const mor::StepTrace& s : trace.steps) {
        t << s.iteration;
        c << s.critique;
        lambda << s.haltProb;
        (s.correct ? rightT : wrongT) << s.iteration;
        (s.correct ? rightC : wrongC) << s.critique;
    }
    m_critique->setData(t, c, true);
    m_halt->setData(t, lambda, true);
    m_rightMarks->setData(rightT, rightC, true);
    m_wrongMarks->setData(wrongT, wrongC, true);

    const int span = std::max({maxIterations, int(trace.steps.size()), 1});
    m_timeRect->axis(QCPAxis::atBottom)->setRange(0.5, span + 0.5);
    m_stripRect->axis(QCPAxis::atBottom)->setRange(0.5, span + 0.5);
    placeVertical(m_haltLine, trace.haltStep);
    m_haltLine->setVisible(trace.haltStep > 0);
    m_thresholdLine->point1->setCoords(0, haltThreshold);
    m_thresholdLine->point2->setCoords(1, haltThreshold);
    const int extraFrom = int(trace.steps.size()) - trace.extraSteps;
    m_extraBand->setVisible(trace.extraSteps > 0);
    m_extraBand->topLeft->setCoords(extraFrom + 0.5, 1.08);
    m_extraBand->bottomRight->setCoords(trace.steps.size() + 0.5, -0.05);

    // Heat strip: x = iteration, y = class, z = draft probability.
    const int steps = int(trace.steps.size());
    common::MapGrid grid(m_strip->data(), std::max(steps, 1), 1, std::max(steps, 1),
                 std::max(numClasses, 1), 0, std::max(numClasses - 1, 0));
    m_strip->data()->fill(0.0);
    for (int i = 0; i < steps; ++i) {
        const auto& probs = trace.steps[size_t(i)].probs;
        for (int k = 0; k < numClasses && k < int(probs.size()); ++k) {
            grid.set(i, k, probs[size_t(k)]);
        }
    }
    common::setIndexTicks(m_stripRect->axis(QCPAxis::atLeft), numClasses, QString(), 3);
    common::setIndexTicks(m_draftRect->axis(QCPAxis::atBottom), numClasses, QString());
    m_draft->setBrush(color.lighter(115));
    m_draft->setPen(QPen(color.darker(140)));
    QVector<double> labelBar(numClasses, 0.0);
    if (label >= 0 && label < numClasses) {
        labelBar[int(label)] = 1.0;
    }
    common::setBarValues(m_draftLabel, labelBar);
    setCursor(1, false);
}

void ExpertPanel::setCursor(int t, bool integration) {
    const int steps = int(m_trace.steps.size());
    m_cursorT = std::max(1, t);
    if (integration) {
        m_cursorT =
            std::clamp(m_trace.haltStep > 0 ? m_trace.haltStep : steps, 1, std::max(steps, 1));
    }
    m_shownIndex = steps == 0 ? -1 : std::min(m_cursorT, steps) - 1;
    placeVertical(m_cursor, m_cursorT);
    placeVertical(m_stripCursor, m_cursorT);

    QString caption;
    if (m_shownIndex >= 0) {
        const mor::StepTrace& s = m_trace.steps[size_t(m_shownIndex)];
        QVector<double> probs(m_numClasses, 0.0);
        for (int k = 0; k < m_numClasses && k < int(s.probs.size()); ++k) {
            probs[k] = s.probs[size_t(k)];
        }
        common::setBarValues(m_draft, probs);
        caption = tr("class\nt=%1: pred %2 %3  c=%4  λ=%5")
                      .arg(s.iteration)
                      .arg(s.pred)
                      .arg(s.correct ? QStringLiteral("✓") : QStringLiteral("✗"))
                      .arg(common::fmt(s.critique))
                      .arg(common::fmt(s.haltProb));
        if (m_cursorT > steps) {
            caption = tr("class\nhalted at t=%1: pred %2 %3")
                          .arg(steps)
                          .arg(s.pred)
                          .arg(s.correct ? QStringLiteral("✓") : QStringLiteral("✗"));
        }
        m_draftRect->axis(QCPAxis::atBottom)->setLabelColor(common::verdictColor(s.correct));
    } else {
        m_draft->data()->clear();
    }
    m_draftRect->axis(QCPAxis::atBottom)->setLabel(caption);
    updateTitle();
    replot(QCustomPlot::rpQueuedReplot);
}

void ExpertPanel::setWidthText(const QString& text) {
    m_widthText = text;
    updateTitle();
    replot(QCustomPlot::rpQueuedReplot);
}

void ExpertPanel::updateTitle() {
    m_fullTitle = (tr("Expert %1  ·  gate %2  ·  router p %3  ·  halted at t=%4  ·  answer %5 %6"
                        "  ·  confidence %7%8")
                         .arg(m_trace.expert)
                         .arg(common::fmt(m_trace.gate))
                         .arg(common::fmt(m_trace.routerProb))
                         .arg(m_trace.haltStep)
                         .arg(m_trace.pred)
                         .arg(m_trace.pred == m_label ? QStringLiteral("✓") : QStringLiteral("✗"))
                         .arg(common::fmt(m_trace.confidence))
                         .arg(m_trace.extraSteps > 0
                                  ? tr("  ·  +%1 re-reflection").arg(m_trace.extraSteps)
                                  : QString()) +
                     (m_trace.uncertainty >= 0.f
                          ? tr("  ·  uncertainty u = %1").arg(common::fmt(m_trace.uncertainty))
                          : QString()) +
                     // Its own line: the first one already fills a narrow panel.
                     (m_widthText.isEmpty() ? QString() : QStringLiteral("\n") + m_widthText));
    wrapTitle();
}

void ExpertPanel::wrapTitle() {
    if (static_cast<WrappedTitle*>(m_title)->setWrappedText(m_fullTitle, width())) {
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void ExpertPanel::resizeEvent(QResizeEvent* event) {
    QCustomPlot::resizeEvent(event);
    wrapTitle();
}

QString ExpertPanel::titleText() const {
    return m_title->text();
}

QVector<double> ExpertPanel::shownDraft() const {
    QVector<double> values;
    for (auto it = m_draft->data()->constBegin(); it != m_draft->data()->constEnd(); ++it) {
        values << it->value;
    }
    return values;
}

void ExpertPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        common::themePlot(this);
        const QColor color = common::expertColor(m_trace.expert);
        m_title->setTextColor(common::darkPalette() ? color.lighter(125) : color.darker(130));
        m_strip->setGradient(stripGradient());
        replot(QCustomPlot::rpQueuedReplot);
    }
    QCustomPlot::changeEvent(event);
}

} // namespace inspect
