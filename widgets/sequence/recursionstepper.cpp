#include "sequence/recursionstepper.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "common/stepcursorbar.h"
#include "sequence/depthblocks.h"
#include "sequence/depthplots.h"
#include "sequence/tokenstyle.h"
#include "common/theme.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace sequence {

namespace {
/// Names and values in two columns with room between them: the trailing spaces of a cell are
/// dropped by Qt's rich text, and the longest German name touched its value.
template <size_t N> QString valuesTable(const QString (&rows)[N][2]) {
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    for (const auto& row : rows) {
        html += QStringLiteral("<tr><td style='padding-right:14px'>%1:</td>"
                               "<td><b>%2</b></td></tr>")
                    .arg(row[0].toHtmlEscaped(), row[1]);
    }
    return html + QStringLiteral("</table>");
}
} // namespace

RecursionStepper::RecursionStepper(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("recursionStepper"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("recursionTitle"));
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_values = new QLabel(this);
    m_values->setObjectName(QStringLiteral("recursionValues"));
    m_values->setTextFormat(Qt::RichText);
    m_values->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_cursor = new common::StepCursorBar(this);
    m_cursor->setObjectName(QStringLiteral("recursionCursor"));
    if (auto* speed = m_cursor->findChild<QWidget*>(QStringLiteral("speedSlider"))) {
        speed->setMinimumWidth(70); // the panel is narrow: keep the speed slider usable
    }
    // The pane is narrow (a third of the window at 1280 px): icons only, and the position on
    // its own line, where German texts were cut off in the bar.
    m_cursor->setCompact(true);
    m_position = new QLabel(this);
    m_position->setObjectName(QStringLiteral("recursionPosition"));
    m_position->setFont(bold);
    m_plot = common::makePlot(this, QStringLiteral("recursionPlot"));
    // A small design height: the fit makes it as tall as its axis titles and legend need. At
    // 160 px, grown with the font to 240 in presentation mode, the pane needed more than the
    // window had at 1280x800 and the splitter cut off the plot's axis and legend.
    m_plot->setMinimumHeight(100);
    common::PlotStyler::setFitHeight(m_plot); // taller when its axis titles and legend need it
    m_scoreBars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_scoreBars->setWidth(0.5);
    m_skippedBars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_skippedBars->setWidth(0.5);
    m_probGraph = m_plot->addGraph();
    m_probGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    m_marker = new QCPItemStraightLine(m_plot);
    // Legend in a row under the plot: inside it would hide the line or the bars.
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(2);
    common::installExportMenu(m_plot);

    auto* layout = new QVBoxLayout(this);
    // The pane is short at 1280x800: the plot's legend needs the room (no margins, as the
    // text pane beside it).
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_cursor);
    layout->addWidget(m_position);
    layout->addWidget(m_values);
    layout->addWidget(m_note);
    layout->addWidget(m_plot, 1);
    connect(m_cursor, &common::StepCursorBar::currentChanged, this, [this] { showRecursion(); });
    restyle();
    clear();
}

const mor::TokenStep* RecursionStepper::token() const {
    return m_row >= 0 && size_t(m_row) < m_trace.tokens.size() ? &m_trace.tokens[size_t(m_row)]
                                                               : nullptr;
}

int RecursionStepper::depth() const {
    const mor::TokenStep* t = token();
    return t ? t->depth : 0;
}

void RecursionStepper::clear() {
    setToken({}, -1);
}

void RecursionStepper::setToken(const mor::TokenTrace& trace, int row,
                                const Vocabulary& vocabulary) {
    m_cursor->setPlaying(false);
    m_trace = trace;
    m_vocabulary = vocabulary;
    m_row = row >= 0 && size_t(row) < trace.tokens.size() ? row : -1;
    const mor::TokenStep* t = token();
    const bool blocks = isBlocksMode();
    // Mixture-of-Depths: every block, the skipped ones included (they are the point).
    m_cursor->setCount(t ? std::max(0, blocks ? trace.maxRecursions : t->depth) : 0);
    m_cursor->setCurrent(0);

    // The plot: router score for every recursion the model has, target probability for the
    // recursions this token received.
    QVector<double> rs, scores, skippedRs, skippedScores, probs, probKeys;
    const int maxR = t ? std::max<int>(trace.maxRecursions, t->depth) : 0;
    const std::vector<bool> used = t && blocks ? blockMask(trace, *t) : std::vector<bool>{};
    for (int r = 1; r <= maxR; ++r) {
        const double score =
            t ? double(mor::routerValue(trace, *t, size_t(r - 1))) : 0.0;
        const bool skipped = size_t(r - 1) < used.size() && !used[size_t(r - 1)];
        if (!t || !mor::routerScored(trace, *t, r - 1, m_depthEvery)) {
            continue; // no router's decision here: no bar (depthblocks.h)
        }
        (skipped ? skippedRs : rs) << r;
        (skipped ? skippedScores : scores) << score;
    }
    if (t && t->target >= 0) {
        for (size_t r = 0; r < t->recursionTargetProbs.size(); ++r) {
            probKeys << double(r + 1);
            probs << double(t->recursionTargetProbs[r]);
        }
    }
    m_scoreBars->setData(rs, scores, true);
    m_skippedBars->setData(skippedRs, skippedScores, true);
    m_skippedBars->setVisible(blocks);
    // One legend entry names both bars (a third entry took a second legend row, which the
    // pane has no height for at 1280x800 in German).
    // Fixed and vanilla routing have no router: no score bars to name.
    m_plot->legend->clearItems();
    if (!t || mor::hasRouter(trace)) {
        m_scoreBars->addToLegend();
    }
    m_probGraph->addToLegend();
    m_probGraph->setData(probKeys, probs, true);
    m_plot->xAxis->setRange(0.4, std::max(1, maxR) + 0.6);
    m_plot->yAxis->setRange(0.0, 1.05);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    m_plot->xAxis->setTicker(ticker);
    if (t && blocks) {
        m_title->setText(
            tr("Token %1: %2 → target %3, blocks used %4 of %5, skipped: %6")
                .arg(m_row)
                .arg(quoted(t->text), t->target >= 0 ? quoted(t->targetText) : QStringLiteral("—"))
                .arg(blocksUsed(trace, *t))
                .arg(maxR)
                .arg(DepthBlocks::skippedText(trace, *t)));
    } else if (t) {
        m_title->setText(
            tr("Token %1: %2 → target %3, depth %4 of %5")
                .arg(m_row)
                .arg(quoted(t->text), t->target >= 0 ? quoted(t->targetText) : QStringLiteral("—"))
                .arg(t->depth)
                .arg(maxR));
    } else {
        m_title->setText(tr("Click a token to step through its recursions."));
    }
    restyle(); // axis and legend names differ for Mixture-of-Depths
    showRecursion();
}

int RecursionStepper::recursion() const {
    return m_cursor->count() > 0 ? m_cursor->current() + 1 : 0;
}

bool RecursionStepper::isBlocksMode() const {
    return isMixtureOfDepths(m_trace);
}

int RecursionStepper::blockUsedAtCursor() const {
    const mor::TokenStep* t = token();
    const int r = recursion();
    if (!t || !isBlocksMode() || r < 1) {
        return -1;
    }
    const std::vector<bool> used = blockMask(m_trace, *t);
    return size_t(r - 1) < used.size() ? (used[size_t(r - 1)] ? 1 : 0) : -1;
}

void RecursionStepper::setRecursion(int r) {
    m_cursor->setCurrent(r - 1);
}

double RecursionStepper::routerScore() const {
    const mor::TokenStep* t = token();
    const int r = recursion();
    return t && r >= 1 ? double(mor::routerValue(m_trace, *t, size_t(r - 1)))
                       : 0.0;
}

bool RecursionStepper::continued() const {
    const int r = recursion();
    return r >= 1 && r < depth();
}

int64_t RecursionStepper::prediction() const {
    const mor::TokenStep* t = token();
    const int r = recursion();
    return t && r >= 1 && size_t(r - 1) < t->recursionPreds.size()
               ? t->recursionPreds[size_t(r - 1)]
               : -1;
}

double RecursionStepper::targetProbability() const {
    const mor::TokenStep* t = token();
    const int r = recursion();
    return t && r >= 1 && size_t(r - 1) < t->recursionTargetProbs.size()
               ? double(t->recursionTargetProbs[size_t(r - 1)])
               : 0.0;
}

void RecursionStepper::showRecursion() {
    const mor::TokenStep* t = token();
    const int r = recursion();
    m_values->setVisible(t && r > 0);
    m_marker->setVisible(t && r > 0);
    if (!t || r <= 0) {
        m_note->setText(t ? tr("This token was not scored by the router.") : QString());
        m_note->setVisible(t != nullptr);
        m_position->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_note->setText(QString());
    m_note->setVisible(false); // an empty line took the room the plot's legend needs
    const int64_t pred = prediction();
    const QString verdict =
        t->target < 0 ? QString() : (pred == t->target ? tr("right") : tr("wrong"));
    if (isBlocksMode()) {
        showBlock(r, pred, verdict);
        return;
    }
    m_position->setText(tr("r = %1 of %2").arg(r).arg(t->depth));
    const bool tokenChoice = m_trace.routing == "token_choice";
    const QString rows[][2] = {
        {tokenChoice ? tr("Router's P(depth = r)") : tr("Router score at r"),
         mor::hasRouter(m_trace) ? QString::number(routerScore(), 'f', 3)
                            : tr("none (routing “%1” has no router)")
                                  .arg(QString::fromStdString(m_trace.routing))},
        {tr("Continued to r + 1"),
         continued() ? tr("yes") : (r >= t->depth ? tr("no — the token leaves here") : tr("no"))},
        {tr("Prediction after r"),
         (tokenName(m_vocabulary, pred) +
          (verdict.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(verdict)))
             .toHtmlEscaped()},
        {tr("Target probability after r"), t->target >= 0
                                               ? QString::number(targetProbability(), 'f', 3)
                                               : tr("— (no target at this position)")},
    };
    m_values->setText(valuesTable(rows));
    m_marker->point1->setCoords(r, 0.0);
    m_marker->point2->setCoords(r, 1.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RecursionStepper::showBlock(int r, int64_t pred, const QString& verdict) {
    const mor::TokenStep* t = token();
    m_position->setText(tr("block %1/%2").arg(r).arg(m_trace.maxRecursions));
    const int used = blockUsedAtCursor();
    // The trace holds the head's prediction after every block (an older log: after each
    // of the first `depth` blocks only, the others "not recorded").
    const bool predicted = size_t(r - 1) < t->recursionPreds.size();
    const bool probed = size_t(r - 1) < t->recursionTargetProbs.size();
    const QString rows[][2] = {
        {tr("Block %1").arg(r), used < 0    ? tr("not recorded")
                                : used == 1 ? tr("went through it")
                                            : tr("skipped (residual path)")},
        {tr("Router score at the block"),
         mor::depthBlockHasRouter(m_depthEvery, r - 1)
             ? QString::number(routerScore(), 'f', 3)
             : tr("none (no router at this block)")},
        {tr("Prediction after the block"),
         predicted ? (tokenName(m_vocabulary, pred) +
                      (verdict.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(verdict)))
                         .toHtmlEscaped()
                   : tr("not recorded")},
        {tr("Target probability after the block"),
         t->target < 0 ? tr("— (no target at this position)")
         : probed      ? QString::number(targetProbability(), 'f', 3)
                       : tr("not recorded")},
    };
    m_values->setText(valuesTable(rows));
    m_marker->point1->setCoords(r, 0.0);
    m_marker->point2->setCoords(r, 1.0);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RecursionStepper::restyle() {
    const QPalette pal = QApplication::palette();
    const QColor fg = pal.color(QPalette::WindowText), bg = pal.color(QPalette::Base);
    common::applyPalette(m_plot, {m_plot->xAxis, m_plot->yAxis}, true);
    m_plot->legend->setBrush(QBrush(bg));
    common::PlotStyler::setLegendTextColor(m_plot->legend, fg);
    m_plot->legend->setBorderPen(QPen(pal.color(QPalette::Mid)));
    const QColor probColor(common::Theme::curveColor(0));
    m_probGraph->setPen(QPen(probColor, 2));
    m_probGraph->setName(isBlocksMode() ? tr("target probability after the block")
                                        : tr("target probability after r"));
    QColor scoreColor(common::Theme::curveColor(3));
    scoreColor.setAlpha(140);
    m_scoreBars->setBrush(scoreColor);
    m_scoreBars->setPen(Qt::NoPen);
    m_scoreBars->setName(isBlocksMode() ? tr("router score (grey: block skipped)")
                         : m_trace.routing == "token_choice" ? tr("router's P(depth = r)")
                                                             : tr("router score at r"));
    m_skippedBars->setBrush(QColor(160, 160, 160, 110));
    m_skippedBars->setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
    m_skippedBars->setName(tr("router score, block skipped"));
    m_marker->setPen(QPen(pal.color(QPalette::Highlight), 2, Qt::DashLine));
    m_plot->xAxis->setLabel(isBlocksMode() ? tr("block") : tr("recursion r"));
    // No y title: the legend names both series (0..1), and the vertical title needed an axis
    // taller than the Sequence tab's pane has at 1280x800 (the plot was cut at the bottom).
    m_plot->yAxis->setLabel(QString());
    fitAxisRectToYLabel(m_plot);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RecursionStepper::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        restyle();
        if (event->type() == QEvent::LanguageChange && m_row >= 0) {
            const int r = recursion(); // the title is built in setToken: rebuild, keep r
            setToken(mor::TokenTrace(m_trace), m_row, Vocabulary(m_vocabulary));
            setRecursion(r);
        }
        showRecursion();
    }
    QWidget::changeEvent(event);
}

} // namespace sequence
