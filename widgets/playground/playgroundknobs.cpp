// SPDX-License-Identifier: GPL-3.0-or-later
// The Playground's panel beside the plane: the knobs two to a row, the buttons, what to paint,
// the status line and the lesson; and the loss / accuracy curves (shown under the plane).
#include "playground/playgroundview.h"

#include "common/demolibrary.h"
#include "common/plotstyle.h"
#include "common/plotstyler.h"
#include "playground/planeview.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace playground {

namespace {
/// Puts `knob` and its name into cell `column` (0: left, 1: right) of `row`.
void addKnob(QGridLayout* grid, int row, int column, const QString& name, QWidget* knob) {
    auto* label = new QLabel(name, knob->parentWidget());
    label->setBuddy(knob);
    grid->addWidget(label, row, column * 3);
    grid->addWidget(knob, row, column * 3 + 1);
}
} // namespace

void PlaygroundView::setKnobVisible(QWidget* knob, bool visible) {
    const int index = m_knobs->indexOf(knob);
    if (index < 0) {
        return;
    }
    int row = 0, column = 0, rows = 0, columns = 0;
    m_knobs->getItemPosition(index, &row, &column, &rows, &columns);
    if (QLayoutItem* name = m_knobs->itemAtPosition(row, column - 1); name && name->widget()) {
        name->widget()->setVisible(visible);
    }
    knob->setVisible(visible);
}

void PlaygroundView::buildKnobs(QWidget* panel) {
    auto* layout = new QVBoxLayout(panel);
    // Two knobs a row (name, box, gap, name, box): one knob a row took 10 rows, and the lesson
    // below them got about 90 px at 1280x800 (issue 21).
    m_knobs = new QGridLayout;
    m_knobs->setObjectName(QStringLiteral("playgroundKnobs"));
    m_knobs->setColumnStretch(1, 1);
    m_knobs->setColumnStretch(4, 1);
    m_knobs->setColumnMinimumWidth(2, 10);
    layout->addLayout(m_knobs);
    m_demo = new QComboBox(panel);
    m_demo->setObjectName(QStringLiteral("playgroundDemo"));
    for (const common::DemoInfo& demo : common::DemoLibrary::demos()) {
        if (demo.name.startsWith(QLatin1String("playground-"))) {
            m_demo->addItem(demo.name);
        }
    }
    connect(m_demo, &QComboBox::textActivated, this, &PlaygroundView::loadDemo);
    m_knobs->addWidget(new QLabel(tr("Demo"), panel), 0, 0);
    m_knobs->addWidget(m_demo, 0, 1, 1, 4);
    m_kind = new QComboBox(panel);
    m_kind->addItems({QStringLiteral("spirals"), QStringLiteral("circles"), QStringLiteral("xor"),
                      QStringLiteral("blobs"), QStringLiteral("checkerboard"),
                      QStringLiteral("moons")});
    addKnob(m_knobs, 1, 0, tr("Data"), m_kind);
    m_noise = new QDoubleSpinBox(panel);
    m_noise->setObjectName(QStringLiteral("playgroundNoise"));
    m_noise->setRange(0.0, 2.0);
    m_noise->setSingleStep(0.05);
    addKnob(m_knobs, 1, 1, tr("Noise"), m_noise);
    m_samples = new QSpinBox(panel);
    m_samples->setRange(100, 20000);
    m_samples->setSingleStep(200);
    addKnob(m_knobs, 2, 0, tr("Points"), m_samples);
    m_learningRate = new QDoubleSpinBox(panel);
    m_learningRate->setObjectName(QStringLiteral("playgroundLearningRate"));
    m_learningRate->setRange(0.0001, 0.1);
    m_learningRate->setDecimals(4);
    m_learningRate->setSingleStep(0.001);
    addKnob(m_knobs, 2, 1, tr("Learning rate"), m_learningRate);
    m_experts = new QSpinBox(panel);
    m_experts->setRange(1, 4);
    addKnob(m_knobs, 3, 0, tr("Experts"), m_experts);
    m_topK = new QSpinBox(panel);
    m_topK->setRange(1, 4);
    addKnob(m_knobs, 3, 1, tr("Top-k"), m_topK);
    m_strategy = new QComboBox(panel);
    m_strategy->addItems({QStringLiteral("top_k"), QStringLiteral("top_p"),
                          QStringLiteral("threshold")});
    addKnob(m_knobs, 4, 0, tr("Routing"), m_strategy);
    m_haltThreshold = new QDoubleSpinBox(panel);
    m_haltThreshold->setRange(0.5, 0.999);
    m_haltThreshold->setDecimals(3);
    m_haltThreshold->setSingleStep(0.01);
    addKnob(m_knobs, 4, 1, tr("Halting threshold"), m_haltThreshold);
    m_depth = new QSpinBox(panel);
    m_depth->setRange(1, 8);
    addKnob(m_knobs, 5, 0, tr("Reflection depth"), m_depth);
    for (QSpinBox* spin : {m_samples, m_experts, m_topK, m_depth}) {
        connect(spin, &QSpinBox::valueChanged, this, &PlaygroundView::knobChanged);
    }
    for (QDoubleSpinBox* spin : {m_noise, m_haltThreshold, m_learningRate}) {
        connect(spin, &QDoubleSpinBox::valueChanged, this, &PlaygroundView::knobChanged);
    }
    for (QComboBox* box : {m_kind, m_strategy}) {
        connect(box, &QComboBox::currentTextChanged, this, &PlaygroundView::knobChanged);
    }

    auto* buttons = new QHBoxLayout;
    layout->addLayout(buttons);
    m_train = new QPushButton(panel);
    m_stop = new QPushButton(panel);
    m_rewind = new QPushButton(panel);
    m_step = new QPushButton(panel);
    m_step->setObjectName(QStringLiteral("playgroundStep1"));
    m_clearPoints = new QPushButton(panel);
    m_clearPoints->setObjectName(QStringLiteral("playgroundClearPoints"));
    for (QPushButton* b : {m_train, m_step, m_stop, m_rewind, m_clearPoints}) {
        buttons->addWidget(b);
    }
    connect(m_step, &QPushButton::clicked, this, &PlaygroundView::stepOnce);
    connect(m_clearPoints, &QPushButton::clicked, this, &PlaygroundView::clearUserPoints);
    connect(m_plane, &PlaneView::pointPlaced, this, &PlaygroundView::addUserPoint);
    connect(m_train, &QPushButton::clicked, this, &PlaygroundView::train);
    connect(m_stop, &QPushButton::clicked, this, &PlaygroundView::stop);
    connect(m_rewind, &QPushButton::clicked, this, &PlaygroundView::rewind);
    m_map = new QComboBox(panel);
    m_map->setObjectName(QStringLiteral("playgroundMap"));
    connect(m_map, &QComboBox::currentIndexChanged, this, &PlaygroundView::mapChanged);
    auto* mapRow = new QFormLayout;
    mapRow->addRow(tr("Paint"), m_map);
    m_expertPick = new QSpinBox(panel);
    m_expertPick->setObjectName(QStringLiteral("playgroundExpert"));
    m_expertPick->setRange(0, 3);
    mapRow->addRow(tr("Expert"), m_expertPick);
    auto* stepRow = new QHBoxLayout;
    m_stepSlider = new QSlider(Qt::Horizontal, panel);
    m_stepSlider->setObjectName(QStringLiteral("playgroundStep"));
    m_stepSlider->setRange(1, 8);
    m_stepLabel = new QLabel(panel);
    stepRow->addWidget(m_stepSlider, 1);
    stepRow->addWidget(m_stepLabel);
    mapRow->addRow(tr("Step t"), stepRow);
    const auto showExpertStep = [this] {
        m_stepLabel->setText(QString::number(m_stepSlider->value()));
        m_plane->setExpertStep(m_expertPick->value(), m_stepSlider->value() - 1);
    };
    connect(m_expertPick, &QSpinBox::valueChanged, this, showExpertStep);
    connect(m_stepSlider, &QSlider::valueChanged, this, showExpertStep);
    showExpertStep();
    m_expertStepRows = mapRow;
    layout->addLayout(mapRow);
    m_status = new QLabel(panel);
    layout->addWidget(m_status);

    // The curves: the constructor places them under the plane.
    m_curves = new QCustomPlot(this);
    m_curves->setObjectName(QStringLiteral("playgroundCurves"));
    m_curves->setMinimumHeight(120);
    m_curves->addGraph(m_curves->xAxis, m_curves->yAxis);
    m_curves->addGraph(m_curves->xAxis, m_curves->yAxis2);
    m_curves->graph(0)->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5));
    m_curves->graph(1)->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2.0));
    m_curves->yAxis2->setVisible(true);
    m_curves->yAxis2->setRange(0.0, 1.0);
    // A short plot: few ticks, or their labels crowd each other.
    m_curves->yAxis->ticker()->setTickCount(3);
    m_curves->yAxis2->ticker()->setTickCount(3);
    // The legend gets its own row above the curves, in one line: inside the axis rect it
    // covered the curves and was clipped at presentation-mode font sizes.
    m_curves->legend->setVisible(true);
    m_curves->axisRect()->insetLayout()->take(m_curves->legend);
    m_curves->plotLayout()->insertRow(0);
    m_curves->plotLayout()->addElement(0, 0, m_curves->legend);
    m_curves->plotLayout()->setRowStretchFactor(0, 0.001);
    m_curves->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_curves->legend->setMargins(QMargins(4, 0, 4, 0));
    common::themePlot(m_curves);
    // Never shorter than its axes, tick labels and legend row need at the current font.
    common::PlotStyler::setFitHeight(m_curves);

    // The lesson takes the rest of the panel, and scrolls when that is not enough (a long
    // lesson, presentation mode).
    auto* lessonScroll = new QScrollArea(panel);
    lessonScroll->setObjectName(QStringLiteral("playgroundLessonScroll"));
    lessonScroll->setWidgetResizable(true);
    lessonScroll->setFrameShape(QFrame::NoFrame);
    lessonScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_lesson = new QLabel(lessonScroll);
    m_lesson->setObjectName(QStringLiteral("playgroundLesson"));
    m_lesson->setWordWrap(true);
    m_lesson->setTextFormat(Qt::MarkdownText);
    m_lesson->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lessonScroll->setWidget(m_lesson);
    lessonScroll->viewport()->setAutoFillBackground(false);
    m_lesson->setAutoFillBackground(false);
    layout->addWidget(lessonScroll, 1);
}

} // namespace playground
