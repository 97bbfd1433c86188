#include "inspect/conflictplots.h"

#include "common/plotstyle.h"

#include <qcustomplot.h>

#include <QHBoxLayout>

#include <algorithm>

namespace inspect {

namespace {
QCustomPlot* titledPlot(QWidget* parent, const QString& name, const QString& title) {
    QCustomPlot* plot = common::makePlot(parent, name);
    plot->setMinimumSize(200, 170);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), 9, QFont::Bold)));
    return plot;
}
} // namespace

QSize ConflictPlots::minimumSizeHint() const {
    return {QWidget::minimumSizeHint().width(), fontMetrics().height() * 15};
}

ConflictPlots::ConflictPlots(QWidget* parent) : QWidget(parent) {
    m_histogram = titledPlot(this, "conflictHistogram", tr("Conflict score histogram"));
    m_histBars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_histBars->setBrush(QColor(0xe1, 0x57, 0x59));
    m_histogram->xAxis->setLabel(tr("conflict score D"));
    m_histogram->yAxis->setLabel(tr("conflicts"));
    m_threshold = new QCPItemStraightLine(m_histogram);
    m_threshold->setPen(QPen(palette().color(QPalette::WindowText), 1.5, Qt::DashLine));
    m_thresholdLabel = new QCPItemText(m_histogram);
    m_thresholdLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_thresholdLabel->setFont(QFont(font().family(), 8));

    m_rate = titledPlot(this, "conflictRatePlot", tr("Conflict rate over training"));
    m_rateGraph = m_rate->addGraph();
    m_rateGraph->setPen(QPen(QColor(0xe1, 0x57, 0x59), 2));
    m_rateGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    m_rate->xAxis->setLabel(tr("training step"));

    m_accuracy = titledPlot(this, "conflictAccuracyPlot", tr("Resolved accuracy vs score"));
    m_accBars = new QCPBars(m_accuracy->xAxis, m_accuracy->yAxis);
    m_accBars->setBrush(QColor(0x59, 0xa1, 0x4f));
    m_accuracy->xAxis->setLabel(tr("conflict score D (binned)"));
    m_accuracy->yAxis->setLabel(tr("accuracy"));
    m_accuracy->yAxis->setRange(0, 1.05);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_histogram);
    layout->addWidget(m_rate);
    layout->addWidget(m_accuracy);
}

ConflictPlots::Binned
ConflictPlots::accuracyByScore(const std::vector<mor::ConflictRecord>& conflicts, int bins) {
    Binned b;
    if (conflicts.empty() || bins <= 0) {
        return b;
    }
    float lo = conflicts.front().score, hi = lo;
    for (const auto& c : conflicts) {
        lo = std::min(lo, c.score);
        hi = std::max(hi, c.score);
    }
    const double width = std::max(double(hi - lo), 1e-6) / bins;
    std::vector<int> right(size_t(bins), 0), count(size_t(bins), 0);
    for (const auto& c : conflicts) {
        const int i = std::clamp(int((c.score - lo) / width), 0, bins - 1);
        ++count[size_t(i)];
        right[size_t(i)] += c.correct ? 1 : 0;
    }
    for (int i = 0; i < bins; ++i) {
        if (count[size_t(i)] == 0) {
            continue;
        }
        b.centres.push_back(lo + (i + 0.5) * width);
        b.accuracy.push_back(double(right[size_t(i)]) / count[size_t(i)]);
        b.counts.push_back(count[size_t(i)]);
    }
    return b;
}

void ConflictPlots::setData(const std::vector<mor::ConflictRecord>& conflicts,
                            const RateSeries& rate, double threshold) {
    // Histogram over [0, max(score, threshold)], 20 bins.
    double top = threshold;
    for (const auto& c : conflicts) {
        top = std::max(top, double(c.score));
    }
    top = std::max(top * 1.05, 1e-3);
    const int bins = 20;
    const double width = top / bins;
    QVector<double> keys(bins), counts(bins, 0.0);
    for (int i = 0; i < bins; ++i) {
        keys[i] = (i + 0.5) * width;
    }
    for (const auto& c : conflicts) {
        counts[std::clamp(int(c.score / width), 0, bins - 1)] += 1.0;
    }
    m_histBars->setWidth(width * 0.9);
    m_histBars->setData(keys, counts, true);
    m_histogram->xAxis->setRange(0, top);
    m_histogram->yAxis->setRange(
        0, std::max(1.0, *std::max_element(counts.begin(), counts.end()) * 1.15));
    m_threshold->point1->setCoords(threshold, 0);
    m_threshold->point2->setCoords(threshold, 1);
    m_thresholdLabel->position->setCoords(threshold, m_histogram->yAxis->range().upper);
    // Near the right end of the axis the label goes left of the line, or the plot cuts it off.
    m_thresholdLabel->setPositionAlignment((threshold > 0.6 * top ? Qt::AlignRight : Qt::AlignLeft) |
                                           Qt::AlignTop);
    m_thresholdLabel->setPadding(QMargins(3, 0, 3, 0));
    m_thresholdLabel->setText(tr(" threshold %1").arg(threshold, 0, 'f', 2));
    m_histogram->replot();

    m_rateGraph->setData(QVector<double>(rate.steps.begin(), rate.steps.end()),
                         QVector<double>(rate.rates.begin(), rate.rates.end()), true);
    m_rate->yAxis->setLabel(rate.source);
    m_rate->rescaleAxes();
    const QCPRange xr = m_rate->xAxis->range();
    m_rate->xAxis->setRange(xr.lower - 0.05 * xr.size(), xr.upper + 0.05 * xr.size());
    double maxRate = 0.0;
    for (double r : rate.rates) {
        maxRate = std::max(maxRate, r);
    }
    m_rate->yAxis->setRange(0, std::max(0.05, maxRate * 1.15));
    if (rate.steps.size() == 1) {
        m_rate->xAxis->setRange(rate.steps.front() - 1, rate.steps.front() + 1);
    }
    m_rate->replot();

    const Binned binned = accuracyByScore(conflicts, 8);
    const double binWidth =
        binned.centres.size() > 1 ? (binned.centres.back() - binned.centres.front()) / 8.0 : 0.05;
    m_accBars->setWidth(std::max(binWidth, 0.01) * 0.9);
    m_accBars->setData(QVector<double>(binned.centres.begin(), binned.centres.end()),
                       QVector<double>(binned.accuracy.begin(), binned.accuracy.end()), true);
    for (QCPItemText* label : m_countLabels) {
        m_accuracy->removeItem(label);
    }
    m_countLabels.clear();
    for (size_t i = 0; i < binned.centres.size(); ++i) {
        // The count per bin says how much to trust each bar.
        auto* label = new QCPItemText(m_accuracy);
        label->position->setCoords(binned.centres[i], binned.accuracy[i]);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setText(QString("n=%1").arg(binned.counts[i]));
        label->setFont(QFont(m_accuracy->font().family(), 7));
        m_countLabels.push_back(label);
    }
    m_accuracy->yAxis->setRange(0, 1.15);
    if (!binned.centres.empty()) {
        m_accuracy->xAxis->setRange(binned.centres.front() - binWidth,
                                    binned.centres.back() + binWidth);
    }
    m_accuracy->replot();
    // A long y title (the rate's source) needs more height when rotated: the pane never
    // squeezes a plot below what its layout needs.
    for (QCustomPlot* plot : {m_histogram, m_rate, m_accuracy}) {
        plot->setMinimumHeight(std::max(170, plot->plotLayout()->minimumOuterSizeHint().height()));
    }
}

} // namespace inspect
