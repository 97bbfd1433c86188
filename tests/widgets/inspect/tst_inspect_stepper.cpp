// The reflection stepper shows exactly what the log holds for an input, and its step cursor
// moves the highlighted iteration in every expert panel at once.
#include "fakeengine.h"
#include "inspectfixture.h"

#include "common/engineaccess.h"
#include "common/stepcursorbar.h"
#include "inspect/expertpanel.h"
#include "inspect/inputpreview.h"
#include "inspect/integrationpanel.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/runsettings.h"
#include "inspect/samplepicker.h"
#include "inspect/tracefeatures.h"

#include <mor/log_reader.h>

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

Q_DECLARE_METATYPE(std::vector<float>)

namespace {
/// Installs an engine for one test function and removes it again, also when a check fails.
struct ScopedEngine {
    explicit ScopedEngine(mor::EngineInterface* engine) { common::EngineAccess::install(engine); }
    ~ScopedEngine() { common::EngineAccess::install(nullptr); }
};
} // namespace

class TstInspectStepper : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pickerListsEveryTracedStepAndInput();
    void showsExactlyTheLoggedValues_data();
    void showsExactlyTheLoggedValues();
    void steppingMovesTheCursorInEveryPanel();
    void lastPositionShowsTheIntegration();
    void buttonsAndPlayMoveTheCursor();
    void filtersListExactlyTheMatchingInputs_data();
    void filtersListExactlyTheMatchingInputs();
    void deepestFirstSortsByReflectionDepth();
    void clearsWithoutARun();
    void refreshKeepsTheInputAndStep();
    void untracedInputSaysWhy();
    void untracedInputIsTracedThroughTheInstalledEngine();
    void arrowKeysStepTheCursor();
    void readsThresholdsFromTheRunConfig();
    void showsTheLoggedInputVector();
    void highlightsTheFeaturesEachStepReads();
    void inputPreviewPicksImageBitsOrBars_data();
    void inputPreviewPicksImageBitsOrBars();
    void nestedWidthShowsBesideTheHaltStep();

private:
    std::vector<inspect::ExpertPanel*> panels(const inspect::ReflectionStepperView& view) const;
    QTemporaryDir m_dir;
    inspect_test::FixtureRun m_run;
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectStepper::initTestCase() {
    QVERIFY(m_dir.isValid());
    const std::string path = m_dir.filePath("fixture.sqlite").toStdString();
    std::string error;
    m_run = inspect_test::writeFixtureRun(path, {}, &error);
    QVERIFY2(m_run.runId >= 0, error.c_str());
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(m_reader, error.c_str());
    QCOMPARE(m_reader->traceSteps(m_run.runId).size(), m_run.steps.size());
}

std::vector<inspect::ExpertPanel*>
TstInspectStepper::panels(const inspect::ReflectionStepperView& view) const {
    std::vector<inspect::ExpertPanel*> result;
    for (auto* p : view.findChildren<inspect::ExpertPanel*>()) {
        if (!p->isHidden()) { // replaced panels wait for deleteLater hidden
            result.push_back(p);
        }
    }
    return result;
}

void TstInspectStepper::pickerListsEveryTracedStepAndInput() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    auto* steps = view.findChild<QComboBox*>("evalStepCombo");
    QVERIFY(steps);
    QCOMPARE(steps->count(), int(m_run.steps.size()));
    QCOMPARE(view.evaluationStep(), m_run.steps.back()); // newest by default
    auto* picker = view.findChild<inspect::SamplePicker*>();
    std::set<int64_t> listed;
    for (int64_t id : picker->filteredIds()) {
        listed.insert(id);
    }
    std::set<int64_t> logged;
    for (const auto& t : m_reader->traces(m_run.runId, m_run.steps.back())) {
        logged.insert(t.sampleId);
    }
    QCOMPARE(listed, logged);
    QCOMPARE(view.currentSampleId(), picker->filteredIds().front());
    // Each entry's tooltip is the logged preview of its input.
    auto* list = view.findChild<QListWidget*>("sampleList");
    for (const auto& info : m_reader->samples(m_run.runId)) {
        if (info.sampleId == picker->filteredIds().front()) {
            QCOMPARE(list->item(0)->toolTip(), QString::fromStdString(info.preview));
        }
    }
}

void TstInspectStepper::showsExactlyTheLoggedValues_data() {
    QTest::addColumn<int>("stepIndex");
    QTest::addColumn<qint64>("sampleId");
    QTest::newRow("first eval, first input") << 0 << qint64(1000);
    QTest::newRow("middle eval, domain 1") << 1 << qint64(1017);
    QTest::newRow("last eval, late input") << 2 << qint64(1058);
}

void TstInspectStepper::showsExactlyTheLoggedValues() {
    QFETCH(int, stepIndex);
    QFETCH(qint64, sampleId);
    const int64_t step = m_run.steps[size_t(stepIndex)];
    const auto trace = m_reader->trace(m_run.runId, step, sampleId);
    QVERIFY(trace);

    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(step, sampleId);
    QCOMPARE(view.evaluationStep(), step);
    QCOMPARE(view.currentSampleId(), sampleId);

    const auto shown = panels(view);
    QCOMPARE(int(shown.size()), int(trace->experts.size()));
    int maxSteps = 0;
    for (size_t j = 0; j < shown.size(); ++j) {
        const mor::ExpertTrace& expected = trace->experts[j];
        inspect::ExpertPanel* panel = shown[j];
        QCOMPARE(panel->expert(), expected.expert);
        QCOMPARE(panel->objectName(), QString("expertPanel_%1").arg(expected.expert));
        maxSteps = std::max(maxSteps, int(expected.steps.size()));
        // The critique and halting curves hold every logged iteration, value for value.
        QCOMPARE(panel->critiqueGraph()->dataCount(), int(expected.steps.size()));
        QCOMPARE(panel->haltGraph()->dataCount(), int(expected.steps.size()));
        for (size_t t = 0; t < expected.steps.size(); ++t) {
            const auto c = panel->critiqueGraph()->data()->at(int(t));
            const auto h = panel->haltGraph()->data()->at(int(t));
            QCOMPARE(c->key, double(expected.steps[t].iteration));
            QCOMPARE(c->value, double(expected.steps[t].critique));
            QCOMPARE(h->value, double(expected.steps[t].haltProb));
        }
        // The draft bars at t = 1 are the logged draft distribution.
        const QVector<double> draft = panel->shownDraft();
        QCOMPARE(draft.size(), int(expected.steps.front().probs.size()));
        for (int k = 0; k < draft.size(); ++k) {
            QCOMPARE(draft[k], double(expected.steps.front().probs[size_t(k)]));
        }
    }
    QCOMPARE(view.stepCount(), maxSteps + 1);

    auto* integration = view.findChild<inspect::IntegrationPanel*>();
    QVERIFY(integration);
    QCOMPARE(integration->shownConflictScore(), double(trace->conflictScore));
    const QVector<double> fused = integration->shownFused();
    QCOMPARE(fused.size(), int(trace->fusedProbs.size()));
    for (int k = 0; k < fused.size(); ++k) {
        QCOMPARE(fused[k], double(trace->fusedProbs[size_t(k)]));
    }
    const QVector<double> weights = integration->shownWeights();
    QCOMPARE(weights.size(), int(trace->experts.size()));
    for (int j = 0; j < weights.size(); ++j) {
        QCOMPARE(weights[j], double(trace->experts[size_t(j)].fusionWeight));
    }
}

void TstInspectStepper::steppingMovesTheCursorInEveryPanel() {
    // Pick an input whose experts differ in depth, so clamping is exercised too.
    const int64_t step = m_run.steps.front();
    int64_t chosen = -1;
    for (const auto& t : m_reader->traces(m_run.runId, step)) {
        if (t.experts.size() >= 2 && t.experts[0].steps.size() != t.experts[1].steps.size()) {
            chosen = t.sampleId;
            break;
        }
    }
    QVERIFY2(chosen >= 0, "fixture has no input with experts of different depth");
    const auto trace = m_reader->trace(m_run.runId, step, chosen);

    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(step, chosen);
    const auto shown = panels(view);
    QCOMPARE(view.currentStep(), 0);
    for (int position = 0; position + 1 < view.stepCount(); ++position) {
        view.setCurrentStep(position);
        QCOMPARE(view.currentStep(), position);
        QVERIFY(!view.isAtIntegration());
        for (size_t j = 0; j < shown.size(); ++j) {
            const auto& steps = trace->experts[j].steps;
            QCOMPARE(shown[j]->cursorIteration(), position + 1);
            QCOMPARE(shown[j]->cursorLine()->point1->coords().x(), double(position + 1));
            // An expert that already halted keeps showing its last draft.
            const int index = std::min(position, int(steps.size()) - 1);
            QCOMPARE(shown[j]->shownStepIndex(), index);
            const QVector<double> draft = shown[j]->shownDraft();
            for (int k = 0; k < draft.size(); ++k) {
                QCOMPARE(draft[k], double(steps[size_t(index)].probs[size_t(k)]));
            }
        }
    }
}

void TstInspectStepper::lastPositionShowsTheIntegration() {
    const int64_t step = m_run.steps.back();
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(step, 1003, true);
    QVERIFY(view.isAtIntegration());
    QCOMPARE(view.currentStep(), view.stepCount() - 1);
    auto* integration = view.findChild<inspect::IntegrationPanel*>();
    QVERIFY(integration->isActive());
    const auto trace = m_reader->trace(m_run.runId, step, 1003);
    const auto shown = panels(view);
    for (size_t j = 0; j < shown.size(); ++j) {
        // At the integration each panel points at the answer its expert handed over.
        QCOMPARE(shown[j]->cursorIteration(), trace->experts[j].haltStep);
    }
    view.setCurrentStep(0);
    QVERIFY(!integration->isActive());
}

void TstInspectStepper::buttonsAndPlayMoveTheCursor() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps.back(), 1005);
    QVERIFY(view.stepCount() >= 2);
    auto* next = view.findChild<QPushButton*>("nextButton");
    auto* last = view.findChild<QPushButton*>("lastButton");
    auto* first = view.findChild<QPushButton*>("firstButton");
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(view.currentStep(), 1);
    for (auto* p : panels(view)) {
        QCOMPARE(p->cursorIteration(), 2);
    }
    QTest::mouseClick(last, Qt::LeftButton);
    QVERIFY(view.isAtIntegration());
    QTest::mouseClick(first, Qt::LeftButton);
    QCOMPARE(view.currentStep(), 0);

    auto* cursor = view.findChild<common::StepCursorBar*>();
    auto* speed = view.findChild<QSlider*>("speedSlider");
    speed->setValue(speed->maximum());
    cursor->setPlaying(true);
    QVERIFY(cursor->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(view.isAtIntegration(), 5000);
    QTRY_VERIFY(!cursor->isPlaying()); // stops at the end
}

void TstInspectStepper::filtersListExactlyTheMatchingInputs_data() {
    QTest::addColumn<int>("filter");
    QTest::addColumn<qint64>("value");
    QTest::newRow("wrong") << int(inspect::SamplePicker::Filter::Wrong) << qint64(0);
    QTest::newRow("conflicted") << int(inspect::SamplePicker::Filter::Conflicted) << qint64(0);
    QTest::newRow("class 2") << int(inspect::SamplePicker::Filter::Class) << qint64(2);
    QTest::newRow("domain 1") << int(inspect::SamplePicker::Filter::Domain) << qint64(1);
}

void TstInspectStepper::filtersListExactlyTheMatchingInputs() {
    QFETCH(int, filter);
    QFETCH(qint64, value);
    const int64_t step = m_run.steps.front();
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(step, 1000);
    auto* picker = view.findChild<inspect::SamplePicker*>();
    picker->setFilter(inspect::SamplePicker::Filter(filter), value);

    std::vector<int64_t> expected;
    for (const auto& t : m_reader->traces(m_run.runId, step)) {
        const bool keep = filter == int(inspect::SamplePicker::Filter::Wrong)        ? !t.correct
                          : filter == int(inspect::SamplePicker::Filter::Conflicted) ? t.conflict
                          : filter == int(inspect::SamplePicker::Filter::Class) ? t.label == value
                                                                                : t.domain == value;
        if (keep) {
            expected.push_back(t.sampleId);
        }
    }
    QVERIFY2(!expected.empty(), "fixture should have inputs for every filter");
    QCOMPARE(picker->filteredIds(), expected);
    // The stepper follows the filtered list: previous/next walk it.
    QCOMPARE(view.currentSampleId(), expected.front());
    if (expected.size() > 1) {
        picker->next();
        QCOMPARE(view.currentSampleId(), expected[1]);
        picker->previous();
        QCOMPARE(view.currentSampleId(), expected[0]);
    }
}

void TstInspectStepper::deepestFirstSortsByReflectionDepth() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    auto* picker = view.findChild<inspect::SamplePicker*>();
    picker->setDeepestFirst(true);
    std::map<int64_t, int> depth;
    for (const auto& t : m_reader->traces(m_run.runId, view.evaluationStep())) {
        depth[t.sampleId] = inspect::reflectionDepth(t);
    }
    const auto ids = picker->filteredIds();
    QCOMPARE(ids.size(), depth.size());
    for (size_t i = 1; i < ids.size(); ++i) {
        QVERIFY(depth[ids[i - 1]] >= depth[ids[i]]);
    }
    QVERIFY(depth[ids.front()] > depth[ids.back()]);
}

void TstInspectStepper::clearsWithoutARun() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    QVERIFY(view.stepCount() > 0);
    view.setRun(nullptr, -1);
    QCOMPARE(view.stepCount(), 0);
    QCOMPARE(view.currentSampleId(), qint64(-1));
    QVERIFY(panels(view).empty());
}

void TstInspectStepper::refreshKeepsTheInputAndStep() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps[1], 1021);
    QVERIFY(view.stepCount() >= 2);
    view.setCurrentStep(1);
    view.refresh(); // e.g. the run grew
    QCOMPARE(view.evaluationStep(), m_run.steps[1]);
    QCOMPARE(view.currentSampleId(), qint64(1021));
    QCOMPARE(view.currentStep(), 1);
    QCOMPARE(panels(view).size(),
             m_reader->trace(m_run.runId, m_run.steps[1], 1021)->experts.size());
}

void TstInspectStepper::arrowKeysStepTheCursor() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps.back(), 1005);
    view.show();
    view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    view.setFocus();
    QCOMPARE(view.currentStep(), 0);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.currentStep(), 1);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.currentStep(), 0);
}

void TstInspectStepper::readsThresholdsFromTheRunConfig() {
    const inspect::RunSettings fixture = inspect::readRunSettings(m_reader.get(), m_run.runId);
    QCOMPARE(fixture.conflictThreshold, m_run.conflictThreshold);
    QCOMPARE(fixture.experts, 3);
    QCOMPARE(fixture.haltThreshold(1), 0.85);
    QCOMPARE(fixture.topK, 2);
    // Missing or broken config: the defaults of mor::IntegrationConfig / ExpertConfig.
    const inspect::RunSettings broken = inspect::parseRunSettings("{not json");
    QCOMPARE(broken.conflictThreshold, 0.3);
    QCOMPARE(broken.haltThreshold(0), 0.9);
}

void TstInspectStepper::highlightsTheFeaturesEachStepReads() {
    // A run whose experts read 5 of the 12 input features per iteration (read_features).
    QTemporaryDir dir;
    inspect_test::FixtureOptions options;
    options.readFeatures = 5;
    std::string error;
    const std::string path = dir.filePath("reader.sqlite").toStdString();
    const auto run = inspect_test::writeFixtureRun(path, options, &error);
    QVERIFY2(run.runId >= 0, error.c_str());
    auto reader = mor::LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const auto settings = inspect::readRunSettings(&*reader, run.runId);
    QCOMPARE(settings.readFeatures, (std::vector<int>{5, 5, 5}));
    QCOMPARE(settings.featuresRead(0, 3, 12), (std::vector<int>{10, 11, 0, 1, 2}));

    inspect::ReflectionStepperView view;
    view.setRun(std::make_shared<const mor::LogReader>(std::move(reader).value()), run.runId);
    view.showSample(run.steps.front(), 1007);
    QVERIFY(view.stepCount() > 2);
    auto* preview = view.findChild<inspect::InputPreview*>("inputPreview");
    view.setCurrentStep(0);
    QCOMPARE(preview->highlighted(), (std::vector<int>{0, 1, 2, 3, 4}));
    view.setCurrentStep(1);
    QCOMPARE(preview->highlighted(), (std::vector<int>{5, 6, 7, 8, 9}));
    QVERIFY(preview->toolTip().contains("feature 7"));
    view.setCurrentStep(view.stepCount() - 1); // the integration reads nothing
    QVERIFY(preview->highlighted().empty());
    // The shared fixture's experts read nothing: no highlight at any step.
    inspect::ReflectionStepperView plain;
    plain.setRun(m_reader, m_run.runId);
    plain.showSample(m_run.steps.front(), 1007);
    plain.setCurrentStep(1);
    QVERIFY(plain.findChild<inspect::InputPreview*>("inputPreview")->highlighted().empty());
}

void TstInspectStepper::untracedInputSaysWhy() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps[0], 999999);
    QCOMPARE(view.currentSampleId(), qint64(-1));
    QCOMPARE(view.stepCount(), 0);
    QVERIFY(panels(view).empty());
    QVERIFY(view.findChild<QLabel*>("sampleInfo")->text().contains("999999"));
    // No engine is installed in this test binary: re-running the checkpoint fails with a
    // message saying so (never a crash).
    QVERIFY(!common::EngineAccess::installed());
    QTRY_VERIFY_WITH_TIMEOUT(
        view.findChild<QLabel*>("sampleInfo")->text().contains("no training engine"), 5000);
}

// An input without a logged trace goes to the installed engine (here a fake) with the log, run,
// step and input id, and the stepper shows the trace it answers, value for value.
void TstInspectStepper::untracedInputIsTracedThroughTheInstalledEngine() {
    const int64_t step = m_run.steps[1];
    auto answer = m_reader->trace(m_run.runId, step, 1003);
    QVERIFY(answer);
    answer->sampleId = 999999;
    answer->conflictScore = 0.4242f; // no logged trace has it
    inspect_test::FakeTraceEngine fake(*answer);
    const ScopedEngine installed(&fake);

    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(step, 999999, true);
    QTRY_COMPARE_WITH_TIMEOUT(view.currentSampleId(), qint64(999999), 5000);
    const auto calls = fake.calls();
    QCOMPARE(int(calls.size()), 1);
    QCOMPARE(calls[0].logPath, m_reader->path());
    QCOMPARE(calls[0].runId, m_run.runId);
    QCOMPARE(calls[0].step, step);
    QCOMPARE(calls[0].sampleIds, std::vector<int64_t>{999999});
    QCOMPARE(int(panels(view).size()), int(answer->experts.size()));
    auto* integration = view.findChild<inspect::IntegrationPanel*>();
    QCOMPARE(integration->shownConflictScore(), double(0.4242f));
    const QVector<double> fused = integration->shownFused();
    QCOMPARE(fused.size(), int(answer->fusedProbs.size()));
    for (int k = 0; k < fused.size(); ++k) {
        QCOMPARE(fused[k], double(answer->fusedProbs[size_t(k)]));
    }
}

void TstInspectStepper::showsTheLoggedInputVector() {
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps.front(), 1007);
    auto* preview = view.findChild<inspect::InputPreview*>("inputPreview");
    std::vector<float> logged;
    for (const auto& s : m_reader->samples(m_run.runId)) {
        if (s.sampleId == 1007) {
            logged = s.input;
        }
    }
    QVERIFY(!logged.empty());
    QCOMPARE(preview->values(), logged);
}

void TstInspectStepper::inputPreviewPicksImageBitsOrBars_data() {
    QTest::addColumn<std::vector<float>>("input");
    QTest::addColumn<int>("kind");
    QTest::newRow("28x28 image") << std::vector<float>(784, 0.25f)
                                 << int(inspect::InputPreview::Kind::Image);
    QTest::newRow("bits") << std::vector<float>{0, 1, 1, 0, 1}
                          << int(inspect::InputPreview::Kind::Bits);
    QTest::newRow("features") << std::vector<float>{0.5f, -1.2f, 3.f}
                              << int(inspect::InputPreview::Kind::Bars);
    QTest::newRow("empty") << std::vector<float>{} << int(inspect::InputPreview::Kind::Empty);
}

void TstInspectStepper::inputPreviewPicksImageBitsOrBars() {
    QFETCH(std::vector<float>, input);
    QFETCH(int, kind);
    inspect::InputPreview preview;
    preview.setInput(input);
    QCOMPARE(int(preview.kind()), kind);
    preview.resize(200, 120);
    QVERIFY(!preview.grab().isNull()); // paints without crashing
}

void TstInspectStepper::nestedWidthShowsBesideTheHaltStep() {
    // Issue 23: a nested run's config (widths 8 / 24 / 64) and traces that used a width.
    const inspect::RunFeatures nested = inspect::parseRunFeatures(
        R"({"model":{"experts":[{"kind":"nested","width":8},{"kind":"nested","width":24},)"
        R"({"kind":"nested","width":64}]}})");
    QCOMPARE(nested.nestedWidths, std::vector<int>({8, 24, 64}));
    QVERIFY(!nested.grouped());
    mor::ExpertTrace e;
    e.expert = 1;
    e.haltStep = 1;
    e.width = 24;
    mor::StepTrace step;
    step.iteration = 1;
    step.probs = {0.2f, 0.8f};
    step.pred = 1;
    e.steps = {step};
    inspect::ExpertPanel panel;
    panel.setTrace(e, 2, 1, 1, 0.9);
    QCOMPARE(panel.widthText(), QStringLiteral("width 24 units"));
    QVERIFY2(panel.titleText().contains(QStringLiteral("halted at t=1")) &&
                 panel.titleText().endsWith(QStringLiteral("width 24 units")),
             qPrintable(panel.titleText()));
    QCOMPARE(inspect::TraceFeatures::widthText(e, nested), QStringLiteral("width 24 units"));
    // A stored trace without the width: "not recorded", never a made-up width.
    mor::ExpertTrace old = e;
    old.width = 0;
    QCOMPARE(inspect::TraceFeatures::widthText(old, nested), QStringLiteral("width not recorded"));
    panel.setWidthText(inspect::TraceFeatures::widthText(old, nested));
    QVERIFY(panel.titleText().endsWith(QStringLiteral("width not recorded")));
    // An ordinary run: nothing.
    QVERIFY(inspect::TraceFeatures::widthText(old, inspect::RunFeatures{}).isEmpty());

    // The input summary: this input's width and the spread of the step's traced inputs.
    std::vector<mor::SampleTrace> step3(3);
    const int widths[] = {24, 64, 24};
    for (int i = 0; i < 3; ++i) {
        mor::ExpertTrace x = e;
        x.width = widths[i];
        x.expert = widths[i] == 64 ? 2 : 1;
        step3[size_t(i)].experts = {x};
    }
    const QString html = inspect::TraceFeatures::inputSummaryHtml(step3[0], step3, nested);
    QVERIFY2(html.contains(QStringLiteral("24 units (E1)")), qPrintable(html));
    QVERIFY2(html.contains(QStringLiteral("24&nbsp;u:&nbsp;2, 64&nbsp;u:&nbsp;1")), qPrintable(html));
    QVERIFY(inspect::TraceFeatures::inputSummaryHtml(step3[0], step3, {}).isEmpty());

    // The stepper on an ordinary run shows none of it.
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_run.runId);
    view.showSample(m_run.steps.back(),
                    m_reader->traces(m_run.runId, m_run.steps.back()).front().sampleId);
    QVERIFY(view.currentSampleId() >= 0);
    QVERIFY(!panels(view).empty());
    auto* info = view.findChild<QLabel*>("sampleInfo");
    QVERIFY(!info->text().contains(QStringLiteral("nested width")));
    QVERIFY(!info->text().contains(QStringLiteral("expert group")));
    for (inspect::ExpertPanel* p : panels(view)) {
        QVERIFY(p->widthText().isEmpty());
        QVERIFY(!p->titleText().contains(QStringLiteral("width")));
    }
}

QTEST_MAIN(TstInspectStepper)
#include "tst_inspect_stepper.moc"
