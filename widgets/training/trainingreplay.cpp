#include "training/trainingreplay.h"

#include "common/plotexport.h"
#include "common/plotstyle.h"
#include "common/stepcursorbar.h"

#include "mor/log_reader.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cstdlib>

namespace training {

namespace {
QCPBars* addBars(QCustomPlot* plot) {
    plot->yAxis->setRange(0.0, 1.05);
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidth(0.7);
    bars->setBrush(QColor(0x4e, 0x79, 0xa7));
    bars->setPen(QPen(QColor(0x4e, 0x79, 0xa7).darker(140)));
    return bars;
}

QVector<double> barValues(const QCPBars* bars) {
    QVector<double> values;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
        values << it->value;
    }
    return values;
}

QString percent(double value) {
    return value < 0 ? QStringLiteral("–") : QString::number(100.0 * value, 'f', 1) + '%';
}
const char* const kReplayTitle = "morReplayTitle"; ///< the whole title of a small plot

/// The plot's title on one line, or on two (broken at the space nearest the middle) when the
/// plot is narrower than the line ("Genauigkeit bei Schritt t" at 1280 px).
void replayFitTitle(QCustomPlot* plot, QCPTextElement* title) {
    const QString text = plot->property(kReplayTitle).toString();
    if (!title || text.isEmpty()) {
        return;
    }
    QString shown = text;
    if (QFontMetrics(title->font()).horizontalAdvance(text) > plot->width() - 8) {
        int best = -1;
        for (int i = 0; i < text.size(); ++i) {
            if (text[i] == QLatin1Char(' ') &&
                (best < 0 || std::abs(i - text.size() / 2) < std::abs(best - text.size() / 2))) {
                best = i;
            }
        }
        if (best > 0) {
            shown = text.left(best) + QLatin1Char('\n') + text.mid(best + 1);
        }
    }
    if (title->text() != shown) {
        title->setText(shown);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}
} // namespace

TrainingReplay::TrainingReplay(QWidget* parent)
    : QWidget(parent), m_bar(new common::StepCursorBar(this)), m_caption(new QLabel(this)),
      m_note(new QLabel(this)), m_heatmapTitle(new QLabel(this)),
      m_heatmap(new common::RoutingHeatmap(this)),
      m_activation(common::makePlot(this, QStringLiteral("replayActivation"))),
      m_stepAccuracy(common::makePlot(this, QStringLiteral("replayStepAccuracy"))) {
    setObjectName(QStringLiteral("trainingReplay"));
    m_bar->setObjectName(QStringLiteral("replayBar"));
    m_caption->setObjectName(QStringLiteral("replayCaption"));
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_note->setObjectName(QStringLiteral("replayNote"));
    m_note->setWordWrap(true);
    m_note->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_note->hide();
    m_heatmap->setObjectName(QStringLiteral("replayHeatmap"));
    m_heatmap->setMinimumHeight(140);
    m_activationBars = addBars(m_activation);
    m_stepAccuracyBars = addBars(m_stepAccuracy);
    m_stepAccuracyBars->setBrush(QColor(0x59, 0xa1, 0x4f));
    m_stepAccuracyBars->setPen(QPen(QColor(0x59, 0xa1, 0x4f).darker(140)));
    for (QCustomPlot* plot : {m_activation, m_stepAccuracy}) {
        plot->setMinimumHeight(110);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, QString(), font()));
        common::installExportMenu(plot);
        plot->installEventFilter(this);
    }
    common::installExportMenu(m_heatmap);

    auto* plots = new QHBoxLayout;
    plots->setContentsMargins(0, 0, 0, 0);
    plots->addWidget(m_activation, 1);
    plots->addWidget(m_stepAccuracy, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addWidget(m_note, 1);
    layout->addWidget(m_heatmapTitle);
    layout->addWidget(m_heatmap, 3);
    layout->addLayout(plots, 2);

    connect(m_bar, &common::StepCursorBar::currentChanged, this, &TrainingReplay::showFrame);
    retranslateUi();
}

TrainingReplay::~TrainingReplay() = default;

void TrainingReplay::setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) {
    reader = runId >= 0 ? std::move(reader) : nullptr;
    Data data = readState(reader.get(), runId, true);
    show(std::move(reader), runId, data);
}

void TrainingReplay::refresh() {
    Data data = readState(m_reader.get(), m_runId, false);
    show(m_reader, m_runId, data);
}

TrainingReplay::Data TrainingReplay::read(const mor::LogReader* reader, qint64 runId, bool reset,
                                          int shown, int shownFrames, qint64 routingShown) {
    Data data;
    data.reset = reset;
    if (!reader || runId < 0) {
        return data;
    }
    if (reset) {
        for (const mor::SampleInfo& s : reader->samples(runId)) {
            data.meta[s.sampleId] = common::RowMeta{s.label, s.domain, s.preview};
        }
    }
    data.frames = readEvaluationFrames(*reader, runId);
    // Follow a growing run at its newest evaluation; stay where the user looks otherwise.
    const int count = int(data.frames.size());
    const bool atEnd = reset || shown < 0 || shown + 1 >= shownFrames;
    data.index = atEnd ? count - 1 : std::min(shown, count - 1);
    if (data.index >= 0) {
        data.content = readContent(reader, runId, data.frames[size_t(data.index)],
                                   reset ? -2 : routingShown);
    }
    return data;
}

TrainingReplay::FrameContent TrainingReplay::readContent(const mor::LogReader* reader,
                                                         qint64 runId,
                                                         const EvaluationFrame& frame,
                                                         qint64 routingShown) {
    FrameContent content;
    content.step = frame.step;
    content.routingStep = frame.hasRouting ? frame.step : -1;
    // A snapshot is written once: the one in the heatmap is not read again (it can be 25 MB).
    content.routingKept = content.routingStep == routingShown;
    if (reader && content.routingStep >= 0 && !content.routingKept) {
        content.snapshot = reader->routing(runId, content.routingStep);
    }
    if (reader && frame.hasTraces) {
        for (const mor::SampleTrace& t : reader->traces(runId, frame.step)) {
            ++content.probes;
            content.probesRight += t.correct ? 1 : 0;
        }
    }
    return content;
}

void TrainingReplay::show(std::shared_ptr<const mor::LogReader> reader, qint64 runId,
                          Data& data) {
    if (data.reset) {
        m_reader = runId >= 0 ? std::move(reader) : nullptr;
        m_runId = m_reader ? runId : -1;
        m_meta = std::move(data.meta);
        m_frames.clear();
        m_shown = -1;
        m_routingShown = -2;
        m_contentStep = -1;
        m_frameReads.cancel();
        m_heatmap->clear(); // never the previous run's snapshot under this run's title
        m_bar->setPlaying(false);
        m_bar->setCount(0);
    }
    m_frames = std::move(data.frames);
    m_bar->setCount(frameCount());
    {
        const QSignalBlocker blocker(m_bar);
        m_bar->setCurrent(std::max(0, data.index));
    }
    m_shown = -2; // force a redraw: the newest frame may have gained values
    if (data.index >= 0) {
        m_prefetched = std::move(data.content);
    }
    updatePanels();
    showFrame(data.index);
    m_prefetched.reset();
}

void TrainingReplay::updatePanels() {
    bool routing = false, activation = false, steps = false;
    for (const EvaluationFrame& f : m_frames) {
        routing = routing || f.hasRouting;
        activation = activation || !f.activation.isEmpty();
        steps = steps || !f.stepAccuracy.isEmpty();
    }
    // A run without evaluations yet keeps the panels (a reflection run is about to fill them).
    const bool none = !m_frames.empty() && !routing && !activation && !steps;
    m_heatmapTitle->setVisible(m_frames.empty() || routing);
    m_heatmap->setVisible(m_frames.empty() || routing);
    m_activation->setVisible(m_frames.empty() || activation);
    m_stepAccuracy->setVisible(m_frames.empty() || steps);
    m_note->setVisible(none);
}

int TrainingReplay::position() const {
    return m_shown;
}

void TrainingReplay::setPosition(int index) {
    m_bar->setCurrent(index); // emits currentChanged -> showFrame when it moved
    showFrame(m_bar->current());
}

const EvaluationFrame* TrainingReplay::currentFrame() const {
    return m_shown >= 0 && m_shown < frameCount() ? &m_frames[size_t(m_shown)] : nullptr;
}

qint64 TrainingReplay::stepLimit() const {
    return m_shown < 0 || m_shown + 1 >= frameCount() ? -1 : m_frames[size_t(m_shown)].step;
}

bool TrainingReplay::isPlaying() const {
    return m_bar->isPlaying();
}

void TrainingReplay::setPlaying(bool playing) {
    m_bar->setPlaying(playing);
}

void TrainingReplay::showFrame(int index) {
    if (frameCount() == 0) {
        index = -1;
    }
    if (index == m_shown) {
        return;
    }
    const qint64 oldLimit = stepLimit();
    m_shown = index;
    const EvaluationFrame* frame = currentFrame();

    common::setBarValues(m_activationBars, frame ? frame->activation : QVector<double>{});
    common::setIndexTicks(m_activation->xAxis, frame ? int(frame->activation.size()) : 0,
                           QStringLiteral("E"));
    // Accuracy per reflection step: t = 1..T on the axis.
    common::setBarValues(m_stepAccuracyBars, frame ? frame->stepAccuracy : QVector<double>{},
                          1.0);
    QSharedPointer<QCPAxisTickerText> steps(new QCPAxisTickerText);
    const int depth = frame ? int(frame->stepAccuracy.size()) : 0;
    // At most ~5 labels: a 24-step expert would otherwise print 24 numbers into each other in
    // this narrow plot. The last step is labelled unless it would touch the one before.
    const int stride = std::max(1, (depth + 3) / 4);
    int lastLabel = 0;
    for (int t = 1; t <= depth; t += stride) {
        steps->addTick(t, QString::number(t));
        lastLabel = t;
    }
    if (depth > lastLabel && (depth - lastLabel) * 2 >= stride) {
        steps->addTick(depth, QString::number(depth));
    }
    m_stepAccuracy->xAxis->setTicker(steps);
    m_stepAccuracy->xAxis->setRange(0.4, std::max(depth, 1) + 0.6);
    m_activation->replot(QCustomPlot::rpQueuedReplot);
    m_stepAccuracy->replot(QCustomPlot::rpQueuedReplot);

    // The routing snapshot and the probe results of this evaluation: read with the frames, or
    // now (on the view pool in a window; the heatmap and its title change when they come).
    if (!frame) {
        m_frameReads.cancel();
        FrameContent none;
        applyContent(none);
    } else if (m_prefetched && m_prefetched->step == frame->step) {
        applyContent(*m_prefetched);
    } else if (frame->step != m_contentStep || m_frameReads.isPending()) {
        const auto reader = m_reader;
        const qint64 runId = m_runId, routingShown = m_routingShown, step = frame->step;
        const EvaluationFrame wanted = *frame;
        m_frameReads.read<FrameContent>(
            this,
            [reader, runId, wanted, routingShown] {
                return readContent(reader.get(), runId, wanted, routingShown);
            },
            [this, step](FrameContent& content) {
                if (currentFrame() && currentFrame()->step == step) {
                    applyContent(content);
                    retranslateUi();
                }
            });
    }
    retranslateUi();
    if (stepLimit() != oldLimit) {
        Q_EMIT stepLimitChanged(stepLimit());
    }
}

void TrainingReplay::applyContent(FrameContent& content) {
    if (content.routingKept && content.routingStep != m_routingShown) {
        // Another snapshot came in between: never a snapshot under another step's title.
        m_heatmap->clear();
        m_routingShown = -2;
    } else if (!content.routingKept && content.routingStep != m_routingShown) {
        m_routingShown = content.routingStep;
        if (content.snapshot) {
            std::vector<common::RowMeta> meta(content.snapshot->sampleIds.size());
            for (size_t r = 0; r < meta.size(); ++r) {
                const auto it = m_meta.find(content.snapshot->sampleIds[r]);
                if (it != m_meta.end()) {
                    meta[r] = it->second;
                }
            }
            m_heatmap->setSnapshot(std::move(*content.snapshot), std::move(meta));
        } else {
            m_heatmap->clear();
        }
    }
    m_contentStep = content.step;
    m_probes = content.probes;
    m_probesRight = content.probesRight;
}

QVector<double> TrainingReplay::shownActivation() const {
    return barValues(m_activationBars);
}

QVector<double> TrainingReplay::shownStepAccuracy() const {
    return barValues(m_stepAccuracyBars);
}

QString TrainingReplay::captionText() const {
    return m_caption->text();
}

void TrainingReplay::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

bool TrainingReplay::eventFilter(QObject* watched, QEvent* event) {
    auto* plot = qobject_cast<QCustomPlot*>(watched);
    if (plot && event->type() == QEvent::Resize) {
        replayFitTitle(plot, qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0)));
    }
    return QWidget::eventFilter(watched, event);
}

void TrainingReplay::retranslateUi() {
    m_bar->setToolTip(tr("Replay the run evaluation by evaluation"));
    auto titleOf = [](QCustomPlot* plot) {
        return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
    };
    m_activation->setProperty(kReplayTitle, tr("Activation"));
    m_stepAccuracy->setProperty(kReplayTitle, tr("Accuracy at step t"));
    for (QCustomPlot* plot : {m_activation, m_stepAccuracy}) {
        replayFitTitle(plot, titleOf(plot));
    }
    m_stepAccuracy->setToolTip(tr("Validation accuracy if every expert stopped at reflection step t"));
    m_activation->setToolTip(tr("Fraction of validation inputs routed to each expert"));
    m_note->setText(tr("This run logs no routing snapshots, expert activations or reflection "
                       "steps (a recursion model): its tokens' recursion depths are in the "
                       "Sequence tab."));
    const EvaluationFrame* frame = currentFrame();
    if (!frame) {
        m_bar->setCaption(tr("No evaluation logged yet"));
        m_caption->setText(QString());
        m_heatmapTitle->setText(QString());
        return;
    }
    m_bar->setCaption(tr("Evaluation %1 of %2 · step %3")
                          .arg(m_shown + 1)
                          .arg(frameCount())
                          .arg(frame->step));
    QString text = tr("validation accuracy <b>%1</b> · mean depth %2 · conflict rate %3")
                       .arg(percent(frame->value("val/accuracy")))
                       .arg(frame->value("val/mean_depth") < 0
                                ? QStringLiteral("–")
                                : QString::number(frame->value("val/mean_depth"), 'f', 2))
                       .arg(percent(frame->value("val/conflict_rate")));
    if (m_probes > 0 && m_contentStep == frame->step) {
        text += tr(" · probe inputs %1 of %2 right").arg(m_probesRight).arg(m_probes);
    }
    m_caption->setText(text);
    // The title names the snapshot in the heatmap (another frame's until this one's is read).
    const qint64 shownStep = m_contentStep >= 0 ? m_contentStep : frame->step;
    m_heatmapTitle->setText(m_routingShown >= 0
                                ? tr("Routing at step %1 (inputs × experts)").arg(m_routingShown)
                                : tr("No routing snapshot at step %1").arg(shownStep));
}

} // namespace training
