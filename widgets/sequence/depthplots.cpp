#include "sequence/depthplots.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "common/theme.h"
#include "sequence/tokenstyle.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QHBoxLayout>
#include <QtMath>

#include <algorithm>
#include <cmath>

namespace sequence {
namespace {
void addTitle(QCustomPlot* plot) {
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, QString(), QFont()));
}
// Long class names ("carry chain >= 2") on two lines, broken at the space nearest the middle.
QString wrapped(const QString& name) {
    if (name.size() <= 10) {
        return name;
    }
    int best = -1;
    for (int i = 0; i < name.size(); ++i) {
        if (name[i] == QLatin1Char(' ') &&
            (best < 0 || std::abs(i - name.size() / 2) < std::abs(best - name.size() / 2))) {
            best = i;
        }
    }
    return best < 0 ? name : name.left(best) + QLatin1Char('\n') + name.mid(best + 1);
}
/// Up to four classes: their names in lines under the bars while the widest line fits between
/// two ticks, else on one slanted line each (three plots side by side at 1280 px: German names
/// such as "Übertragskette" ran into their neighbours). Runs after every layout of the plot.
constexpr double kClassSlant = 30.0;
void fitClassTicks(QCustomPlot* plot) {
    const QStringList names = plot->property("classTicks").toStringList();
    if (names.isEmpty() || names.size() > 4) {
        return;
    }
    const QFontMetrics fm(plot->xAxis->tickLabelFont());
    int widest = 0;
    for (const QString& name : names) {
        for (const QString& line : name.split(QLatin1Char('\n'))) {
            widest = std::max(widest, fm.horizontalAdvance(line));
        }
    }
    const double room = plot->axisRect()->width() / std::max(1.0, plot->xAxis->range().size());
    const bool fits = widest + fm.averageCharWidth() * 2 <= room;
    bool changed = false;
    if (fits != (plot->xAxis->tickLabelRotation() == 0.0)) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int i = 0; i < names.size(); ++i) {
            QString name = names[i];
            ticker->addTick(i, fits ? name : name.replace(QLatin1Char('\n'), QLatin1Char(' ')));
        }
        plot->xAxis->setTicker(ticker);
        // Slanted up to its tick (a label that would cross the widget's edge is not drawn at
        // all: slanted down from its tick, the last one went past the right edge).
        plot->xAxis->setTickLabelRotation(fits ? 0.0 : -kClassSlant);
        changed = true;
    }
    // Slanted, the axis rect moves right as far as the first label needs; again after every
    // layout, as the room per class changes (the third plot appears, the pane is resized).
    int left = 0;
    if (!fits) {
        const double radians = qDegreesToRadians(kClassSlant);
        const QString first = QString(names.front()).replace(QLatin1Char('\n'), QLatin1Char(' '));
        left = std::max(0, int(std::ceil(std::cos(radians) * fm.horizontalAdvance(first) +
                                         std::sin(radians) * fm.height() - 0.6 * room)) +
                               4);
    }
    if (std::abs(plot->axisRect()->minimumMargins().left() - left) > 1) {
        plot->axisRect()->setMinimumMargins(QMargins(left, 0, 0, 0));
        changed = true;
    }
    if (changed) {
        plot->replot(QCustomPlot::rpQueuedReplot); // this layout is done: the next one has them
    }
}
QCPTextElement* titleOf(QCustomPlot* plot) {
    return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
}
} // namespace

void fitAxisRectToYLabel(QCustomPlot* plot) {
    const QFontMetrics fm(plot->font());
    const int need = plot->yAxis->label().isEmpty()
                         ? 0
                         : fm.horizontalAdvance(plot->yAxis->label()) + fm.height();
    plot->axisRect()->setMinimumSize(plot->axisRect()->minimumSize().width(), need);
}

DepthPlots::DepthPlots(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("depthPlots"));
    m_mean = common::makePlot(this, QStringLiteral("meanDepthPlot"));
    m_distribution = common::makePlot(this, QStringLiteral("depthDistributionPlot"));
    m_byStep = common::makePlot(this, QStringLiteral("depthByStepPlot"));
    for (QCustomPlot* plot : {m_mean, m_distribution, m_byStep}) {
        addTitle(plot);
        plot->setMinimumHeight(180);
        // Taller when the title, two-line class names, axis titles and legend need it (at
        // 180 px the title was covered by the plot).
        common::PlotStyler::setFitHeight(plot);
        common::installExportMenu(plot);
    }
    for (QCustomPlot* plot : {m_mean, m_distribution}) {
        connect(plot, &QCustomPlot::afterLayout, this, [plot] { fitClassTicks(plot); });
    }
    m_meanBars = new QCPBars(m_mean->xAxis, m_mean->yAxis);
    m_meanBars->setWidth(0.6);
    // The legends sit below the plots, in rows: inside they would hide the stacked bars.
    for (QCustomPlot* plot : {m_distribution, m_byStep}) {
        plot->legend->setVisible(true);
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->plotLayout()->addElement(2, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(2, 0.001);
        plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        plot->legend->setWrap(4);
        plot->legend->setMargins(QMargins(4, 2, 4, 2));
    }
    m_byStep->setVisible(false);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_mean, 1);
    layout->addWidget(m_distribution, 1);
    layout->addWidget(m_byStep, 1);
    restyle();
}

void DepthPlots::setClassTicks(QCustomPlot* plot, const QStringList& names) {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < names.size(); ++i) {
        ticker->addTick(i, names[i]);
    }
    plot->xAxis->setTicker(ticker);
    // Many classes: slanted labels, so neighbours do not overlap; a few: see fitClassTicks().
    plot->xAxis->setTickLabelRotation(names.size() > 4 ? 25 : 0);
    plot->xAxis->setRange(-0.6, names.size() - 0.4);
    plot->setProperty("classTicks", names);
    plot->axisRect()->setMinimumMargins(QMargins()); // what slanted labels of other data needed
    fitClassTicks(plot);
}

void DepthPlots::setClassDepths(const std::vector<ClassDepth>& classes, int maxDepth,
                                bool byDifficulty) {
    m_byDifficulty = byDifficulty;
    QStringList names;
    QVector<double> means;
    for (const auto& c : classes) {
        names << QStringLiteral("%1\n(%2)").arg(wrapped(c.name)).arg(c.tokens);
        means << c.meanDepth;
    }
    common::setBarValues(m_meanBars, means);
    // A mean is not a depth: one neutral colour, not the depth scale.
    const QColor meanColor(common::Theme::curveColor(0));
    m_meanBars->setPen(QPen(meanColor.darker(130)));
    m_meanBars->setBrush(meanColor);
    setClassTicks(m_mean, names);
    m_mean->yAxis->setRange(0.0, std::max(1, maxDepth) + 0.2);

    // Stacked fractions: bars for depth 1 at the bottom, the deepest on top.
    m_distribution->clearPlottables();
    QCPBars* below = nullptr;
    for (int d = 1; d <= maxDepth; ++d) {
        auto* bars = new QCPBars(m_distribution->xAxis, m_distribution->yAxis);
        bars->setName(m_blocks ? tr("%n block(s)", nullptr, d) : tr("depth %1").arg(d));
        bars->setWidth(0.6);
        bars->setBrush(depthColor(d, maxDepth));
        bars->setPen(QPen(QApplication::palette().color(QPalette::Mid)));
        QVector<double> fractions;
        for (const auto& c : classes) {
            const int count =
                size_t(d - 1) < c.depthCounts.size() ? c.depthCounts[size_t(d - 1)] : 0;
            fractions << (c.tokens > 0 ? double(count) / c.tokens : 0.0);
        }
        common::setBarValues(bars, fractions);
        if (below) {
            bars->moveAbove(below);
        }
        below = bars;
    }
    setClassTicks(m_distribution, names);
    m_distribution->yAxis->setRange(0.0, 1.0);
    restyle();
}

void DepthPlots::setDepthByStep(const std::vector<int64_t>& steps,
                                const std::vector<double>& overall,
                                const std::vector<std::vector<double>>& perClass,
                                const QStringList& classNames) {
    m_byStep->clearGraphs();
    m_byStep->setVisible(steps.size() >= 2);
    if (steps.size() < 2) {
        return;
    }
    QVector<double> keys;
    for (int64_t s : steps) {
        keys << double(s);
    }
    double top = 1.0;
    auto addGraph = [&](const std::vector<double>& values, const QString& name, const QColor& c,
                        qreal width) {
        QCPGraph* g = m_byStep->addGraph();
        g->setName(name);
        g->setPen(QPen(c, width));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        QVector<double> ys;
        for (double v : values) {
            ys << v;
            if (std::isfinite(v)) {
                top = std::max(top, v);
            }
        }
        g->setData(keys, ys, true);
    };
    for (size_t c = 0; c < perClass.size(); ++c) {
        addGraph(perClass[c], c < size_t(classNames.size()) ? classNames[int(c)] : QString(),
                 QColor(common::Theme::curveColor(int(c) + 1)), 1.2);
    }
    addGraph(overall, tr("all tokens"), QColor(common::Theme::curveColor(0)), 2.5);
    m_byStep->xAxis->setRange(keys.front(), keys.back());
    m_byStep->xAxis->scaleRange(1.05);
    m_byStep->yAxis->setRange(0.0, top + 0.3);
    restyle();
}

void DepthPlots::clear() {
    setClassDepths({}, 0, false);
    setDepthByStep({}, {}, {}, {});
}

void DepthPlots::setBlocksMode(bool blocks) {
    if (blocks != m_blocks) {
        m_blocks = blocks;
        restyle();
    }
}

void DepthPlots::restyle() {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText), bg = pal.color(QPalette::Base);
    const QColor grid = pal.color(QPalette::Mid);
    const QString classAxis =
        m_byDifficulty ? tr("difficulty class (tokens)") : tr("character class (tokens)");
    const QString titles[] = {
        m_blocks ? tr("Mean blocks used per class") : tr("Mean recursion depth per class"),
        m_blocks ? tr("Blocks used per class") : tr("Depth distribution per class"),
        m_blocks ? tr("Mean blocks used per evaluation step")
                 : tr("Mean depth per evaluation step")};
    const QString xLabels[] = {classAxis, classAxis, tr("step")};
    const QString meanLabel = m_blocks ? tr("mean blocks used") : tr("mean depth");
    const QString yLabels[] = {meanLabel, tr("share of tokens"), meanLabel};
    int i = 0;
    for (QCustomPlot* plot : {m_mean, m_distribution, m_byStep}) {
        common::applyPalette(plot, {plot->xAxis, plot->yAxis}, true);
        QColor legendBg = bg;
        legendBg.setAlpha(215);
        plot->legend->setBrush(QBrush(legendBg));
        common::PlotStyler::setLegendTextColor(plot->legend, fg);
        plot->legend->setBorderPen(QPen(grid));
        if (QCPTextElement* title = titleOf(plot)) {
            title->setText(titles[i]);
            title->setTextColor(fg);
        }
        plot->xAxis->setLabel(xLabels[i]);
        plot->yAxis->setLabel(yLabels[i]);
        fitAxisRectToYLabel(plot);
        plot->replot(QCustomPlot::rpQueuedReplot);
        ++i;
    }
}

void DepthPlots::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        restyle();
    }
    QWidget::changeEvent(event);
}

} // namespace sequence
