// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/playgroundview.h"

#include "common/demolibrary.h"
#include "common/folderremoval.h"
#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "playground/planeevaluator.h"
#include "playground/planeview.h"
#include "playground/playgroundpoints.h"
#include "training/trainingcontroller.h"

#include "mor/dataset.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace playground {

namespace {
/// Optimizer steps between the checkpoints the plane is painted from: at 40-60 batches per
/// second on one loaded core, every 5 gives the plane 8-12 new pictures a second (every 10 gave
/// 4-6, under the 5 the issue asks for); the extra validation passes and checkpoints cost the
/// training about a tenth of its speed.
constexpr int64_t kStepsPerFrame = 5;
/// The poll asks for a new frame this often (the plane repaints when one is ready); a poll
/// that finds no new checkpoint costs the plane thread one small query.
constexpr int kPollMs = 40;
/// Cells per side of the plane grid (a 48 grid while training saved ~8 ms of the plane thread
/// per frame but showed the cells' steps along the border in the dark theme: kept at 64).
constexpr int kGrid = 64;
/// The "expert at step t" map traces every cell (core's per-sample trace costs ~150 ms for
/// 64² cells, 40 % of the CPU, and held the plane at ~6 pictures/s on a quiet machine): while
/// the training runs it uses a 40 × 40 grid, refined to 64 × 64 when paused or finished.
constexpr int kTraceGrid = 40;
/// Every 2-D kind lies in about [-1.5, 1.5]² before the jitter.
const QRectF kBounds(-1.8, -1.8, 3.6, 3.6);
} // namespace

PlaygroundView::PlaygroundView(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<PlaneFrame>();
    qRegisterMetaType<PlaneRequest>();
    m_controller = new training::TrainingController(this);
    m_evalThread.setObjectName(QStringLiteral("playground plane"));
    m_evaluator = new PlaneEvaluator;
    m_evaluator->moveToThread(&m_evalThread);
    connect(&m_evalThread, &QThread::finished, m_evaluator, &QObject::deleteLater);
    m_evalThread.start();
    connect(m_evaluator, &PlaneEvaluator::frameReady, this, &PlaygroundView::onFrame);
    connect(m_evaluator, &PlaneEvaluator::idle, this, [this] { m_evaluating = false; });
    connect(m_controller, &training::TrainingController::started, this,
            [this](qint64 runId, qint64) { m_runId = runId; });
    connect(m_controller, &training::TrainingController::progress, this, &PlaygroundView::onProgress);
    connect(m_controller, &training::TrainingController::finished, this, &PlaygroundView::onFinished);

    auto* outer = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    outer->addLayout(left, 3);
    m_plane = new PlaneView(this);
    m_plane->setObjectName(QStringLiteral("playgroundPlane"));
    m_plane->setBounds(kBounds);
    left->addWidget(m_plane, 4);
    auto* panel = new QWidget(this);
    outer->addWidget(panel, 2);
    buildKnobs(panel);
    // The curves under the plane (a square leaves room below it): beside the knobs they took
    // the room the lesson needs, which at 1280x800 showed four lines of it (issue 21).
    left->addWidget(m_curves, 1);

    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &PlaygroundView::poll);
    retranslate();
    mapChanged(m_map->currentIndex());
    if (!loadDemo(QStringLiteral("playground-routing"))) {
        refreshPoints();
    }
}

PlaygroundView::~PlaygroundView() {
    m_poll->stop();
    m_evalThread.quit();
    m_evalThread.wait();
    delete m_controller; // the training writes into the folder: it ends first
    m_controller = nullptr;
    // Removing the log and checkpoints took 5.1 s on a busy disk on the GUI thread (issue 21).
    m_dir.setAutoRemove(false);
    if (m_dir.isValid()) {
        common::removeFolderInBackground(m_dir.path());
    }
}

bool PlaygroundView::loadDemo(const QString& name) {
    const common::DemoInfo demo = common::DemoLibrary::find(name);
    if (demo.name.isEmpty()) {
        return false;
    }
    const auto parsed = mor::loadConfigFile(demo.jsonPath.toStdString());
    if (!parsed.ok() || parsed.config.model.experts.empty()) {
        return false;
    }
    m_base = parsed.config;
    const mor::ExperimentConfig& c = m_base;
    m_loading = true; // one restart for the whole demo, not one per knob
    m_demo->setCurrentText(demo.name);
    m_kind->setCurrentText(QString::fromStdString(mor::dataKindName(c.data.kind)));
    m_noise->setValue(c.data.noise);
    m_samples->setValue(static_cast<int>(c.data.samples));
    m_experts->setValue(static_cast<int>(c.model.experts.size()));
    m_strategy->setCurrentText(QString::fromStdString(
        mor::choiceName(c.model.router.strategy, mor::routingStrategyNames())));
    m_topK->setValue(static_cast<int>(c.model.router.topK));
    m_depth->setValue(static_cast<int>(c.model.experts.front().maxDepth));
    m_haltThreshold->setValue(c.model.experts.front().haltThreshold);
    m_learningRate->setValue(c.train.learningRate);
    m_lesson->setText(demo.lesson());
    m_loading = false;
    knobChanged();
    return true;
}

mor::ExperimentConfig PlaygroundView::config() const {
    mor::ExperimentConfig c = m_base;
    c.name = "playground";
    mor::parseChoice(m_kind->currentText().toStdString(), mor::dataKindNames(), &c.data.kind);
    c.data.noise = m_noise->value();
    c.data.samples = m_samples->value();
    const mor::ExpertConfig first = c.model.experts.empty() ? mor::ExpertConfig{}
                                                            : c.model.experts.front();
    c.model.experts.resize(static_cast<size_t>(m_experts->value()), first);
    for (auto& expert : c.model.experts) {
        expert.maxDepth = m_depth->value();
        expert.haltThreshold = m_haltThreshold->value();
    }
    for (const auto& [value, name] : mor::routingStrategyNames()) {
        if (QString::fromStdString(name) == m_strategy->currentText()) {
            c.model.router.strategy = value;
        }
    }
    c.model.router.topK = std::min(m_topK->value(), m_experts->value());
    c.train.learningRate = m_learningRate->value();
    c.train.threads = 1;
    c.train.evalEvery = kStepsPerFrame;
    c.train.checkpointEvery = kStepsPerFrame;
    c.train.logTraces = false;
    return c;
}

void PlaygroundView::setPresentationMode(bool on) {
    for (QWidget* advanced : std::initializer_list<QWidget*>{m_samples, m_strategy,
                                                             m_haltThreshold, m_learningRate}) {
        setKnobVisible(advanced, !on);
    }
}

bool PlaygroundView::isTraining() const { return m_controller->isRunning(); }

bool PlaygroundView::isPaused() const {
    return m_controller->isRunning() && m_controller->isPaused();
}

void PlaygroundView::train() {
    m_stepPending = false;
    if (m_controller->isRunning()) {
        if (m_controller->isPaused()) {
            m_controller->resume();
            m_status->setText(tr("Training…"));
        }
        return;
    }
    startNow();
}

void PlaygroundView::stepOnce() {
    m_stepPending = true; // onProgress notes the batch the worker paused at
    m_pausedAt = -1;
    if (!m_controller->isRunning()) {
        startNow();
    }
    m_controller->stepBatch(); // the worker pauses itself after exactly one batch
}

void PlaygroundView::addUserPoint(const QPointF& position, int label) {
    if (label < 0 || label >= m_numClasses) {
        m_status->setText(tr("This data set has %n class(es): left click places class 0, right "
                             "click class 1.",
                             nullptr, m_numClasses));
        return;
    }
    m_userFeatures << float(position.x()) << float(position.y());
    m_userLabels << label;
    m_plane->setUserPoints(m_userFeatures, m_userLabels);
    m_status->setText(tr("%n point(s) of yours in the training data", nullptr,
                         int(m_userLabels.size())));
    if (m_controller->isRunning()) {
        m_restartPending = true; // like a knob: the data changed, train on it at once
        m_controller->stop();
    }
}

void PlaygroundView::clearUserPoints() {
    const bool had = !m_userLabels.isEmpty();
    m_userFeatures.clear();
    m_userLabels.clear();
    m_plane->setUserPoints({}, {});
    if (had && m_controller->isRunning()) {
        m_restartPending = true;
        m_controller->stop();
    }
}

mor::ExperimentConfig PlaygroundView::trainingConfig() {
    mor::ExperimentConfig c = config();
    if (m_userLabels.isEmpty()) {
        return c;
    }
    // The generated training and validation points plus the user's, and the generated test
    // points as the test file: the same test set as without user points, so accuracies compare.
    const QString trainPath = m_dir.filePath(QStringLiteral("points.csv"));
    const QString testPath = m_dir.filePath(QStringLiteral("points_test.csv"));
    if (!writePlaygroundPointsCsv(trainPath, m_fitFeatures, m_fitLabels, m_userFeatures,
                                  m_userLabels) ||
        !writePlaygroundPointsCsv(testPath, m_testFeatures, m_testLabels, {}, {})) {
        return c; // no folder to write to: train without the user's points
    }
    c.data.kind = mor::DataKind::Csv;
    c.data.path = trainPath.toStdString();
    c.data.testPath = testPath.toStdString();
    c.data.labelColumn = "last";
    return c;
}

void PlaygroundView::stop() {
    m_restartPending = false;
    m_controller->stop();
}

void PlaygroundView::rewind() {
    if (m_controller->isRunning()) {
        m_restartPending = true;
        m_controller->stop();
    } else {
        startNow();
    }
}

void PlaygroundView::knobChanged() {
    if (m_loading) {
        return;
    }
    refreshPoints();
    if (m_controller->isRunning()) {
        m_restartPending = true; // knobs take effect at once: restart with them
        m_controller->stop();
    }
}

void PlaygroundView::refreshPoints() {
    const mor::ExperimentConfig c = config();
    const auto errors = mor::validateConfig(c);
    m_testFeatures.clear();
    m_testLabels.clear();
    if (!errors.empty()) {
        m_status->setText(QString::fromStdString(errors.front().message));
        m_plane->setPoints({}, {});
        return;
    }
    const auto data = mor::loadDataset(c.data, c.train.seed);
    if (!data.ok()) {
        m_status->setText(QString::fromStdString(data.error));
        return;
    }
    QVector<float> trainFeatures;
    QVector<qint64> trainLabels;
    for (int64_t i : data.dataset.train) {
        trainFeatures << data.dataset.row(i)[0] << data.dataset.row(i)[1];
        trainLabels << data.dataset.labels[static_cast<size_t>(i)];
    }
    m_numClasses = static_cast<int>(std::max<int64_t>(2, data.dataset.numClasses));
    m_fitFeatures = trainFeatures;
    m_fitLabels = trainLabels;
    for (int64_t i : data.dataset.validation) {
        m_fitFeatures << data.dataset.row(i)[0] << data.dataset.row(i)[1];
        m_fitLabels << data.dataset.labels[static_cast<size_t>(i)];
    }
    for (int64_t i : data.dataset.test) {
        m_testFeatures << data.dataset.row(i)[0] << data.dataset.row(i)[1];
        m_testLabels << data.dataset.labels[static_cast<size_t>(i)];
    }
    m_plane->setPoints(trainFeatures, trainLabels);
}

void PlaygroundView::startNow() {
    if (!m_dir.isValid()) {
        m_status->setText(tr("No temporary folder for the playground's log"));
        return;
    }
    const mor::ExperimentConfig c = trainingConfig();
    const auto errors = mor::validateConfig(c);
    if (!errors.empty()) {
        m_status->setText(QString::fromStdString(errors.front().message));
        return;
    }
    m_curves->graph(0)->data()->clear();
    m_curves->graph(1)->data()->clear();
    m_runId = -1;
    m_evaluating = false;
    if (m_controller->start(c, m_dir.filePath(QStringLiteral("playground.sqlite")))) {
        m_poll->start();
        m_status->setText(tr("Training…"));
    }
}

void PlaygroundView::poll() {
    if (m_runId < 0 || m_evaluating) {
        return;
    }
    m_evaluating = true;
    PlaneRequest request;
    request.logPath = m_dir.filePath(QStringLiteral("playground.sqlite"));
    request.runId = m_runId;
    request.steps = m_map->currentIndex() == static_cast<int>(PlaneView::Map::ExpertStep);
    const bool live = m_controller->isRunning() && !m_controller->isPaused();
    request.grid = request.steps && live ? kTraceGrid : kGrid;
    request.bounds = kBounds;
    request.testFeatures = m_testFeatures;
    request.testLabels = m_testLabels;
    // the last frame after the end, a frame with step drafts for the map just chosen, or the
    // full grid of a coarse frame once paused
    request.force = !m_controller->isRunning() || m_forceNext ||
                    (!live && m_plane->frame().grid > 0 && m_plane->frame().grid < kGrid);
    m_forceNext = false;
    if (!m_controller->isRunning()) {
        m_poll->stop();
    }
    PlaneEvaluator* evaluator = m_evaluator;
    QMetaObject::invokeMethod(evaluator, [evaluator, request] { evaluator->evaluate(request); });
}

void PlaygroundView::mapChanged(int index) {
    const bool expertStep = index == static_cast<int>(PlaneView::Map::ExpertStep);
    m_expertStepRows->setRowVisible(m_expertPick, expertStep);
    m_expertStepRows->setRowVisible(2, expertStep); // row 2: the step slider
    m_plane->setMap(static_cast<PlaneView::Map>(std::max(0, index)));
    if (expertStep && m_plane->frame().steps == 0 && m_runId >= 0) {
        m_forceNext = true; // the drafts per step are traced only for this map
        m_poll->start();
    }
}

void PlaygroundView::onFrame(const PlaneFrame& frame) {
    m_evaluating = false;
    m_expertPick->setMaximum(std::max(0, frame.numExperts - 1));
    m_plane->setFrame(frame);
    if (frame.accuracy >= 0.0) {
        m_curves->graph(1)->addData(static_cast<double>(frame.step), frame.accuracy);
        m_curves->xAxis->rescale();
        m_curves->replot(QCustomPlot::rpQueuedReplot);
        if (m_stepPending && m_pausedAt >= 0 && isPaused()) {
            // stepping: the plane comes from the last checkpoint (every kStepsPerFrame batches)
            m_status->setText(tr("Paused at batch %1 · the plane shows batch %2 · test "
                                 "accuracy %3%")
                                  .arg(m_pausedAt)
                                  .arg(frame.step)
                                  .arg(100.0 * frame.accuracy, 0, 'f', 1));
        } else {
            m_status->setText(tr("Step %1 · test accuracy %2%")
                                  .arg(frame.step)
                                  .arg(100.0 * frame.accuracy, 0, 'f', 1));
        }
    }
    Q_EMIT framePainted(frame.step, frame.accuracy);
}

void PlaygroundView::onProgress(const mor::TrainingProgress& progress) {
    // Step: the worker paused itself after one batch and always sends that batch's report,
    // the last before the pause (earlier reports still queued are overwritten by it).
    if (m_stepPending && m_controller->isPaused()) {
        m_pausedAt = progress.step;
        m_status->setText(tr("Paused at batch %1: Step trains one more, Train continues")
                              .arg(progress.step));
    }
    m_curves->graph(0)->addData(static_cast<double>(progress.step), progress.loss);
    m_curves->xAxis->setRange(0.0, static_cast<double>(std::max<int64_t>(1, progress.totalSteps)));
    m_curves->yAxis->rescale();
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

void PlaygroundView::onFinished(qint64, const QString& status, const QString& error) {
    if (m_restartPending) {
        m_restartPending = false;
        startNow();
        return;
    }
    if (!error.isEmpty()) {
        m_status->setText(error);
    }
    poll(); // the final checkpoint's frame
    Q_EMIT trainingFinished(status);
}

void PlaygroundView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
        m_lesson->setText(common::DemoLibrary::find(m_demo->currentText()).lesson());
    } else if (event->type() == QEvent::PaletteChange) {
        common::themePlot(m_curves); // the curves follow the light / dark theme
        m_curves->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

void PlaygroundView::retranslate() {
    m_train->setText(tr("Train"));
    m_stop->setText(tr("Stop"));
    m_rewind->setText(tr("Rewind"));
    m_rewind->setToolTip(tr("Train again from the same initial weights and data"));
    m_step->setText(tr("Step"));
    m_step->setToolTip(tr("Train one batch, then pause"));
    m_clearPoints->setText(tr("Clear my points"));
    m_clearPoints->setToolTip(tr("Remove the points you placed (left click: class 0, right "
                                 "click: class 1)"));
    m_plane->setToolTip(tr("Click to add training points: left button class 0, right button "
                           "class 1, middle button class 2"));
    const int map = std::max(0, m_map->currentIndex());
    m_map->blockSignals(true);
    m_map->clear();
    m_map->addItems({tr("Fused decision"), tr("Routing regions"), tr("Halting depth"),
                     tr("Conflicts"), tr("Expert at step t")});
    m_map->setCurrentIndex(map);
    m_map->blockSignals(false);
    m_curves->graph(0)->setName(tr("loss"));
    m_curves->graph(1)->setName(tr("test accuracy"));
}

} // namespace playground
