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

#include "mor/config.h"
#include "mor/log_reader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace compare {

namespace {
constexpr int kMaxPoints = 2000;
constexpr int kMaxFallbackRuns = 8;
const char* kDefaultMetric = "val/accuracy";
/// The x axis choices as stored in the settings, in the order of CompareCurves::XAxis.
const QStringList kXAxisNames = {QStringLiteral("step"), QStringLiteral("wall"),
                                 QStringLiteral("flops"), QStringLiteral("expert_steps")};

/// Inputs one optimizer step sees: train.batch_size x train.accumulation (1 when unknown).
double inputsPerStep(const std::string& configJson) {
    double batch = 1.0, accumulation = 1.0;
    for (const auto& [key, value] : mor::flattenConfigJson(configJson)) {
        if (key == "train.batch_size") {
            batch = std::max(1.0, std::atof(value.c_str()));
        } else if (key == "train.accumulation") {
            accumulation = std::max(1.0, std::atof(value.c_str()));
        }
    }
    return batch * accumulation;
}

/// The compute spent by each point of `points`: per-input cost from the run's val/ metric
/// (test/ when it has no val/ one) times the inputs seen.
QVector<double> computeAxis(const mor::LogReader& reader, int64_t runId,
                            const std::vector<mor::MetricPoint>& points, const char* cost,
                            double perStep) {
    std::vector<mor::MetricPoint> measured = reader.metric(runId, std::string("val/") + cost);
    if (measured.empty()) {
        measured = reader.metric(runId, std::string("test/") + cost);
    }
    std::vector<double> steps, costSteps, costs;
    for (const mor::MetricPoint& p : points) {
        steps.push_back(double(p.step));
    }
    for (const mor::MetricPoint& m : measured) {
        costSteps.push_back(double(m.step));
        costs.push_back(m.value);
    }
    const std::vector<double> x = compare::cumulativeCost(steps, costSteps, costs, perStep);
    return QVector<double>(x.begin(), x.end());
}
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
    m_tables->addTab(m_routing, QString());
    m_tables->addTab(m_groupsTab, QString());
    m_tables->addTab(m_prunePair, QString());
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
        reloadCurves();
        m_curves->resetView(); // another metric: the old zoom means nothing
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
    m_smoothing->setValue(settings.value(QStringLiteral("smoothing"), m_smoothing->value()).toInt());
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

void CompareView::setRuns(std::shared_ptr<const mor::LogReader> reader,
                          const QList<qint64>& runIds) {
    m_reader = std::move(reader);
    m_requested = runIds;
    refresh();
    m_curves->resetView();
}

void CompareView::refresh() {
    m_shown = m_requested;
    if (m_reader && m_shown.size() < 2) {
        // Nothing (or one run) selected: compare the latest runs instead of an empty view.
        m_shown.clear();
        std::vector<mor::RunSummary> runs = m_reader->runs();
        std::sort(runs.begin(), runs.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        const size_t first = runs.size() > kMaxFallbackRuns ? runs.size() - kMaxFallbackRuns : 0;
        for (size_t i = first; i < runs.size(); ++i) {
            m_shown << runs[i].id;
        }
    }
    QStringList titles;
    std::vector<std::string> configs;
    std::set<std::string> keys;
    if (m_reader) {
        for (qint64 id : m_shown) {
            const std::optional<mor::RunSummary> run = m_reader->run(id);
            titles
                << (run ? QStringLiteral("%1 (#%2)").arg(QString::fromStdString(run->name)).arg(id)
                        : QStringLiteral("#%1").arg(id));
            configs.push_back(run ? run->configJson : std::string());
            for (const std::string& key : m_reader->metricKeys(id)) {
                keys.insert(key);
            }
        }
    }
    m_groups = compare::seedGroups(configs);
    m_diff->setConfigs(titles, configs);
    m_summary->setRuns(m_reader.get(), m_shown);
    m_routing->setRuns(m_reader.get(), m_shown);
    m_prunePair->setRuns(m_reader.get(), m_shown);
    // A pruned run selected without its parent: offer the pair.
    m_prunedAlone = m_prunedParent = -1;
    for (qint64 id : m_requested) {
        const std::optional<mor::RunSummary> run = m_reader ? m_reader->run(id) : std::nullopt;
        const qint64 parent = run ? ComparePrunePair::parentOf(*run) : -1;
        if (parent >= 0 && !m_requested.contains(parent)) {
            m_prunedAlone = id;
            m_prunedParent = parent;
            break;
        }
    }
    m_parentButton->setVisible(m_prunedAlone >= 0);

    // Keep the chosen metric (also from the last session) when it exists; else val/accuracy.
    const QString previous =
        m_preferredMetric.isEmpty() ? m_metric->currentText() : m_preferredMetric;
    QSignalBlocker block(m_metric);
    m_metric->clear();
    for (const std::string& key : keys) {
        m_metric->addItem(QString::fromStdString(key));
    }
    int index = m_metric->findText(previous);
    if (index < 0) {
        index = m_metric->findText(QLatin1String(kDefaultMetric));
    }
    m_metric->setCurrentIndex(std::max(0, index));
    retranslateUi();
    reloadCurves();
}

void CompareView::compareWithParent() {
    if (m_prunedAlone < 0) {
        return;
    }
    m_requested = {m_prunedParent, m_prunedAlone};
    refresh();
    m_curves->resetView();
    m_tables->setCurrentWidget(m_prunePair);
}

void CompareView::reloadCurves() {
    QList<CompareCurves::Series> series;
    QList<CompareGroups::Group> groups;
    std::vector<double> finalValues;
    const std::string key = m_metric->currentText().toStdString();
    for (qint64 id : m_shown) {
        CompareCurves::Series s;
        s.runId = id;
        // Stable colour: a run looks the same in every comparison it appears in.
        s.color = QColor(common::Theme::curveColor(static_cast<int>((id - 1) % 10)));
        const std::optional<mor::RunSummary> run = m_reader ? m_reader->run(id) : std::nullopt;
        s.label = run ? QStringLiteral("%1 (#%2)").arg(QString::fromStdString(run->name)).arg(id)
                      : QStringLiteral("#%1").arg(id);
        if (m_reader && !key.empty()) {
            const std::vector<mor::MetricPoint> points =
                m_reader->metricDownsampled(id, key, kMaxPoints);
            const int64_t start = points.empty() ? 0 : points.front().wallMs;
            for (const mor::MetricPoint& p : points) {
                s.steps << static_cast<double>(p.step);
                s.seconds << (p.wallMs - start) / 1000.0;
                s.values << p.value;
            }
            const double perStep = inputsPerStep(run ? run->configJson : std::string());
            s.flops = computeAxis(*m_reader, id, points, "flops", perStep);
            s.expertSteps = computeAxis(*m_reader, id, points, "expert_steps", perStep);
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
