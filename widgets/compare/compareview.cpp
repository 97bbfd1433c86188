#include "compare/compareview.h"
#include "compare/compareroutingpair.h"

#include "compare/compareconfigdiff.h"
#include "compare/comparegroups.h"
#include "compare/compareprunepair.h"
#include "compare/comparestats.h"
#include "compare/comparecurves.h"
#include "compare/comparedata.h"
#include "compare/comparesummary.h"
#include "common/theme.h"

#include "compare/compareread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace compare {

namespace {
/// The x axis choices as stored in the settings, in the order of CompareCurves::XAxis.
const QStringList kXAxisNames = {QStringLiteral("step"), QStringLiteral("wall"),
                                 QStringLiteral("flops"), QStringLiteral("expert_steps")};
} // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), m_hint(new QLabel(this)), m_metricLabel(new QLabel(this)),
      m_metric(new QComboBox(this)), m_xLabel(new QLabel(this)), m_xAxis(new QComboBox(this)),
      m_smoothingLabel(new QLabel(this)), m_smoothing(new QSlider(Qt::Horizontal, this)),
      m_logScale(new QCheckBox(this)), m_groupBySeed(new QCheckBox(this)),
      m_reset(new QPushButton(this)), m_curves(new CompareCurves(this)),
      m_tables(new QTabWidget(this)), m_summary(new CompareSummary(this)),
      m_diff(new CompareConfigDiff(this)), m_routing(new CompareRoutingPair(this)),
      m_groupsTab(new CompareGroups(this)), m_prunePair(new ComparePrunePair(this)),
      m_parentButton(new QPushButton(this)) {
    setObjectName(QStringLiteral("compareView"));
    m_metric->setObjectName(QStringLiteral("compareMetric"));
    m_metric->setMinimumContentsLength(18);
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_xAxis->setObjectName(QStringLiteral("compareXAxis"));
    m_xAxis->addItems({QString(), QString(), QString(), QString()});
    m_smoothing->setObjectName(QStringLiteral("compareSmoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setMaximumWidth(160);
    m_smoothing->setMinimumWidth(80); // the controls row squeezed it to a 15 px handle at 1280x800
    m_groupBySeed->setObjectName(QStringLiteral("groupBySeed"));
    m_hint->setObjectName(QStringLiteral("compareHint"));
    m_hint->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_metricLabel);
    controls->addWidget(m_metric);
    controls->addSpacing(12);
    controls->addWidget(m_xLabel);
    controls->addWidget(m_xAxis);
    controls->addSpacing(12);
    controls->addWidget(m_smoothingLabel);
    controls->addWidget(m_smoothing);
    controls->addSpacing(12);
    controls->addWidget(m_logScale);
    controls->addWidget(m_groupBySeed);
    controls->addStretch(1);

    m_tables->addTab(m_summary, QString());
    m_tables->addTab(m_diff, QString());
    // The pages with plots scroll: their minimum height (two heat maps, a prune plot) would
    // otherwise be the tabs' minimum, and the splitter gave the curves what was left (76 px of
    // data area at 1280x800 while the summary showed 180 px of empty rows).
    auto scrolling = [this](QWidget* page) {
        auto* area = new QScrollArea(this);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        area->setWidget(page);
        return area;
    };
    auto* routingPage = scrolling(m_routing);
    auto* prunePage = scrolling(m_prunePair);
    m_tables->addTab(routingPage, QString());
    m_tables->addTab(m_groupsTab, QString());
    m_tables->addTab(prunePage, QString());
    m_parentButton->setObjectName(QStringLiteral("compareWithParent"));
    m_parentButton->hide();
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_curves);
    splitter->addWidget(m_tables);
    splitter->setStretchFactor(0, 7);
    splitter->setStretchFactor(1, 3);
    // Proportions, not pixels: the curves get the larger part whatever the window size (the
    // tables' size hints would otherwise squeeze the plot at large fonts). 7:3, not 3:2: with
    // eight runs the legend takes four rows, and at 1280x800 3:2 left ~75 px of data area.
    splitter->setSizes({7000, 3000});
    // The pages with plots (Routing: two heat maps; Before/after: the prune plot) were a short
    // scrolled strip at 1280x800: while one of them is shown, it gets the larger part, until
    // the user sets the proportions by dragging the splitter.
    m_split = splitter;
    connect(splitter, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });
    // The plot pages by their widgets, not their tab positions (a page added or moved later
    // keeps its share).
    connect(m_tables, &QTabWidget::currentChanged, this, [this, routingPage, prunePage](int) {
        if (!m_splitMoved) {
            const QWidget* page = m_tables->currentWidget();
            const bool plots = page == routingPage || page == prunePage;
            m_split->setSizes(plots ? QList<int>{4000, 6000} : QList<int>{7000, 3000});
        }
    });

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    auto* hintRow = new QHBoxLayout;
    hintRow->addWidget(m_hint, 1);
    hintRow->addWidget(m_parentButton);
    // Reset on the hint's row: in the controls row the German texts left no room for it at
    // 1280x800 (the slider was squeezed to its handle, then the seed check box was cut).
    hintRow->addWidget(m_reset, 0, Qt::AlignTop);
    layout->addLayout(hintRow);
    layout->addWidget(splitter, 1);

    connect(m_metric, &QComboBox::currentTextChanged, this, [this](const QString& key) {
        if (!key.isEmpty()) {
            m_preferredMetric = key;
            saveSettings();
        }
        showMetric(key.toStdString()); // another metric: the old zoom means nothing
    });
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_curves->setXAxis(static_cast<CompareCurves::XAxis>(std::clamp(index, 0, 3)));
        saveSettings();
    });
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_curves->setSmoothing(value / 100.0);
        retranslateUi(); // the label shows the weight
        saveSettings();
    });
    connect(m_logScale, &QCheckBox::toggled, m_curves, &CompareCurves::setLogScale);
    connect(m_groupBySeed, &QCheckBox::toggled, m_curves, &CompareCurves::setGrouped);
    for (QCheckBox* box : {m_logScale, m_groupBySeed}) {
        connect(box, &QCheckBox::toggled, this, &CompareView::saveSettings);
    }
    connect(m_diff, &CompareConfigDiff::differencesOnlyChanged, this, &CompareView::saveSettings);
    connect(m_reset, &QPushButton::clicked, m_curves, &CompareCurves::resetView);
    connect(m_parentButton, &QPushButton::clicked, this, &CompareView::compareWithParent);
    m_curves->setSmoothing(m_smoothing->value() / 100.0);
    restoreSettings();
    retranslateUi();
}

void CompareView::restoreSettings() {
    // Guard: each control's change handler saves, and would overwrite the values still to read.
    m_restoring = true;
    QSettings settings;
    settings.beginGroup(QStringLiteral("compare"));
    m_preferredMetric = settings.value(QStringLiteral("metric")).toString();
    m_smoothing->setValue(
        settings.value(QStringLiteral("smoothing"), m_smoothing->value()).toInt());
    m_xAxis->setCurrentIndex(std::max(0, int(kXAxisNames.indexOf(
                                             settings.value(QStringLiteral("xAxis")).toString()))));
    m_logScale->setChecked(settings.value(QStringLiteral("logScale"), false).toBool());
    m_groupBySeed->setChecked(settings.value(QStringLiteral("groupBySeed"), false).toBool());
    m_diff->setDifferencesOnly(settings.value(QStringLiteral("differencesOnly"), true).toBool());
    m_restoring = false;
}

void CompareView::saveSettings() const {
    if (m_restoring) {
        return;
    }
    QSettings settings;
    settings.beginGroup(QStringLiteral("compare"));
    if (!m_preferredMetric.isEmpty()) {
        settings.setValue(QStringLiteral("metric"), m_preferredMetric);
    }
    settings.setValue(QStringLiteral("smoothing"), m_smoothing->value());
    settings.setValue(QStringLiteral("xAxis"), kXAxisNames.value(m_xAxis->currentIndex()));
    settings.setValue(QStringLiteral("logScale"), m_logScale->isChecked());
    settings.setValue(QStringLiteral("groupBySeed"), m_groupBySeed->isChecked());
    settings.setValue(QStringLiteral("differencesOnly"), m_diff->differencesOnly());
}

CompareView::~CompareView() = default;

void CompareView::setReadPool(QThreadPool* pool) {
    m_reads.setPool(pool);
    m_curveReads.setPool(pool);
}

void CompareView::setRuns(std::shared_ptr<const mor::LogReader> reader,
                          const QList<qint64>& runIds) {
    m_reader = std::move(reader);
    m_requested = runIds;
    m_resetViewPending = true;
    refresh();
}

void CompareView::refresh() {
    const auto reader = m_reader;
    const QList<qint64> requested = m_requested;
    const std::string previous =
        (m_preferredMetric.isEmpty() ? m_metric->currentText() : m_preferredMetric).toStdString();
    const RoutingShown routing = m_routing->shown();
    m_curveReads.cancel(); // this read brings the curves too
    m_reads.readOrClear<CompareRead>(
        !reader, this,
        [reader, requested, previous, routing] {
            if (!reader) { // no log: the runs asked for, by number, with nothing read
                CompareRead none;
                none.requested = none.shown = requested;
                for (qint64 id : requested) {
                    none.runs.push_back(RunRead{id, std::nullopt, {}, {}, {}});
                }
                return none;
            }
            return readCompare(*reader, requested, previous, routing);
        },
        [this](CompareRead& read) { apply(read); });
}

void CompareView::apply(CompareRead& read) {
    m_data = std::make_shared<CompareRead>(std::move(read));
    CompareRead& data = *m_data;
    m_shown = data.shown;
    QStringList titles;
    std::vector<std::string> configs;
    for (const RunRead& run : data.runs) {
        titles << (run.summary ? QStringLiteral("%1 (#%2)")
                                     .arg(QString::fromStdString(run.summary->name))
                                     .arg(run.id)
                               : QStringLiteral("#%1").arg(run.id));
        configs.push_back(run.summary ? run.summary->configJson : std::string());
    }
    m_groups = compare::seedGroups(configs);
    m_diff->setConfigs(titles, configs);
    m_summary->setRuns(data.runs);
    m_routing->setPair(std::move(data.routing));
    m_prunePair->setPair(data.prunePair);
    // A pruned run selected without its parent: offer the pair.
    m_prunedAlone = data.prunedAlone;
    m_prunedParent = data.prunedParent;
    m_parentButton->setVisible(m_prunedAlone >= 0);

    // The chosen metric (also from the last session) when a run has it; else val/accuracy.
    const std::vector<std::string>& keys = data.metricKeys;
    {
        QSignalBlocker block(m_metric);
        m_metric->clear();
        for (const std::string& key : keys) {
            m_metric->addItem(QString::fromStdString(key));
        }
        m_metric->setCurrentIndex(std::max(0, int(m_metric->findText(
                                                  QString::fromStdString(data.metric)))));
    }
    retranslateUi();
    if (m_resetViewPending) {
        m_resetViewPending = false;
        m_curves->resetView();
    }
    reloadCurves();
    // Another metric chosen while the read ran: show it instead (its curves are read now).
    const std::string wanted = chooseMetric(keys, m_preferredMetric.toStdString());
    if (!m_preferredMetric.isEmpty() && wanted != data.metric) {
        m_metric->setCurrentText(QString::fromStdString(wanted));
    }
}

void CompareView::showMetric(const std::string& key) {
    if (!m_data || !m_reader) {
        reloadCurves();
        return;
    }
    if (key == m_data->metric) {
        reloadCurves();
        m_curves->resetView();
        return;
    }
    const auto reader = m_reader;
    const std::vector<RunRead> runs = m_data->runs;
    m_curveReads.read<std::vector<CurveRead>>(
        this, [reader, runs, key] { return readCurves(*reader, runs, key); },
        [this, key](std::vector<CurveRead>& curves) {
            if (!m_data) {
                return;
            }
            m_data->metric = key;
            m_data->curves = std::move(curves);
            reloadCurves();
            m_curves->resetView();
        });
}

void CompareView::compareWithParent() {
    if (m_prunedAlone < 0) {
        return;
    }
    m_requested = {m_prunedParent, m_prunedAlone};
    m_resetViewPending = true;
    refresh();
    m_tables->setCurrentIndex(4); // the Before/after page
}

void CompareView::reloadCurves() {
    QList<CompareCurves::Series> series;
    QList<CompareGroups::Group> groups;
    std::vector<double> finalValues;
    const size_t runCount = m_data ? m_data->runs.size() : 0;
    for (size_t i = 0; i < runCount; ++i) {
        const RunRead& run = m_data->runs[i];
        CompareCurves::Series s;
        s.runId = run.id;
        // Stable colour: a run looks the same in every comparison it appears in.
        s.color = QColor(common::Theme::curveColor(static_cast<int>((run.id - 1) % 10)));
        s.label = run.summary ? QStringLiteral("%1 (#%2)")
                                    .arg(QString::fromStdString(run.summary->name))
                                    .arg(run.id)
                              : QStringLiteral("#%1").arg(run.id);
        if (i < m_data->curves.size()) {
            const CurveRead& curve = m_data->curves[i];
            const int64_t start = curve.points.empty() ? 0 : curve.points.front().wallMs;
            for (const mor::MetricPoint& p : curve.points) {
                s.steps << static_cast<double>(p.step);
                s.seconds << (p.wallMs - start) / 1000.0;
                s.values << p.value;
            }
            s.flops = curve.flops;
            s.expertSteps = curve.expertSteps;
        }
        finalValues.push_back(s.values.isEmpty() ? std::nan("") : s.values.back());
        series << s;
    }
    // The seed groups' final values (the last logged point of the metric, not smoothed).
    for (const QList<int>& group : m_groups) {
        CompareGroups::Group g;
        QStringList ids;
        for (int i : group) {
            if (i < int(finalValues.size())) {
                ids << QStringLiteral("#%1").arg(series[i].runId);
                if (std::isfinite(finalValues[size_t(i)])) {
                    g.values.push_back(finalValues[size_t(i)]);
                }
            }
        }
        const QString first =
            group.isEmpty() || group.front() >= series.size()
                ? QString()
                : series[group.front()].label.section(QStringLiteral(" (#"), 0, 0);
        // A sweep names its runs "<sweep> <params> seed=N": the seed does not name the group.
        static const QRegularExpression seedSuffix(QStringLiteral(" seed=\\d+$"));
        g.label = tr("%1 (%2)").arg(QString(first).remove(seedSuffix),
                                    ids.join(QStringLiteral(", ")));
        groups << g;
    }
    m_groupsTab->setGroups(groups, m_metric->currentText());
    m_curves->setMetricName(m_metric->currentText());
    m_curves->setSeries(series, m_groups);
}

void CompareView::setMetric(const QString& key) {
    m_metric->setCurrentText(key);
}

QString CompareView::metric() const {
    return m_metric->currentText();
}

void CompareView::setSmoothing(double weight) {
    m_smoothing->setValue(static_cast<int>(std::lround(weight * 100.0)));
}

void CompareView::setGroupBySeed(bool on) {
    m_groupBySeed->setChecked(on);
}

void CompareView::setDifferencesOnly(bool on) {
    m_diff->setDifferencesOnly(on);
}

void CompareView::setXAxisWallTime(bool on) {
    m_xAxis->setCurrentIndex(on ? 1 : 0);
}

void CompareView::setXAxis(CompareCurves::XAxis axis) {
    m_xAxis->setCurrentIndex(static_cast<int>(axis));
}

CompareCurves::XAxis CompareView::xAxis() const {
    return static_cast<CompareCurves::XAxis>(std::max(0, m_xAxis->currentIndex()));
}

void CompareView::setLogScale(bool on) {
    m_logScale->setChecked(on);
}

double CompareView::smoothing() const {
    return m_smoothing->value() / 100.0;
}

bool CompareView::isGroupedBySeed() const {
    return m_groupBySeed->isChecked();
}

bool CompareView::isDifferencesOnly() const {
    return m_diff->differencesOnly();
}

bool CompareView::isXAxisWallTime() const {
    return m_xAxis->currentIndex() == 1;
}

bool CompareView::isLogScale() const {
    return m_logScale->isChecked();
}

int CompareView::diffRowCount() const {
    return m_diff->visibleRowCount();
}

QStringList CompareView::diffLeaves() const {
    return m_diff->visibleLeaves();
}

QVariant CompareView::summaryValue(int row, int column) const {
    return m_summary->value(row, column);
}

int CompareView::summaryRowCount() const {
    return m_summary->rowCount();
}

void CompareView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    } else if (event->type() == QEvent::PaletteChange) {
        reloadCurves(); // the run colours have light and dark variants
    }
    QWidget::changeEvent(event);
}

void CompareView::retranslateUi() {
    m_metricLabel->setText(tr("Metric:"));
    m_xLabel->setText(tr("X axis:"));
    m_xAxis->setItemText(0, tr("Step"));
    m_xAxis->setItemText(1, tr("Wall time"));
    m_xAxis->setItemText(2, tr("FLOPs"));
    m_xAxis->setItemText(3, tr("Expert-steps"));
    m_xAxis->setToolTip(tr("FLOPs and expert-steps: the compute spent by each step, from the "
                           "per-input cost measured at each evaluation times the inputs seen"));
    m_smoothingLabel->setText(
        tr("Smoothing: %1").arg(QString::number(m_smoothing->value() / 100.0, 'f', 2)));
    m_logScale->setText(tr("Log scale"));
    m_groupBySeed->setText(tr("Group by seed"));
    m_groupBySeed->setToolTip(
        tr("Runs whose configs differ only in train.seed (a sweep's configuration over its "
           "seeds) are drawn as one mean curve with its 95% confidence band"));
    m_reset->setText(tr("Reset view"));
    m_tables->setTabText(0, tr("Summary"));
    m_tables->setTabText(1, tr("Config diff"));
    m_tables->setTabText(2, tr("Routing"));
    m_tables->setTabText(3, tr("Groups"));
    m_tables->setTabText(4, tr("Before/after"));
    m_parentButton->setText(tr("Compare #%1 with its parent #%2")
                                .arg(m_prunedAlone)
                                .arg(m_prunedParent));
    m_parentButton->setToolTip(tr("The pruned run and the run it was pruned from, side by side "
                                  "(Before/after tab)"));
    if (m_requested.size() < 2 && !m_shown.isEmpty()) {
        m_hint->setText(tr("Select two or more runs in the run browser to compare them. "
                           "Showing the latest %n run(s) of the log.",
                           nullptr, static_cast<int>(m_shown.size())));
        m_hint->show();
    } else if (m_shown.isEmpty()) {
        m_hint->setText(tr("No runs to compare: open a log with runs."));
        m_hint->show();
    } else {
        m_hint->hide();
    }
}

} // namespace compare
