// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 17 in the GUI, on runs trained here (not hand-made traces):
// - with one selected expert per input (top_k 1) the conflicts view and the stepper's
//   integration panel say that conflicts need at least 2 selected experts, in English and in
//   German, instead of an empty table and a score of 0;
// - with evidential fusion each expert panel of the stepper shows the expert's Dirichlet
//   uncertainty u = K / S, the value the trace logged, and the title wraps inside the panel at
//   the stepper's width at 1280x800 (a one-line title made every panel wider than the view and
//   cut u off); the panel's draft strip follows the dark theme.
#include "common/plotstyle.h"
#include "inspect/conflictview.h"
#include "inspect/expertpanel.h"
#include "inspect/integrationpanel.h"
#include "inspect/reflectionstepperview.h"

#include <mor/log_reader.h>

#include <qcustomplot.h>
#include <mor/run.h>
#include <mor/trainer.h>

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

namespace {

// Two experts on 6-bit parity; `%1` is the router, `%2` the integration.
QString config(const QString& router, const QString& integration) {
    return QStringLiteral(
               R"({"name":"mechanics","data":{"kind":"parity","length":6,"samples":320,
        "probe_size":8},"model":{"encoder":{"hidden":16},"router":%1,"integration":%2,
        "experts":[{"width":16,"max_depth":3,"halting":"fixed"},
                   {"width":16,"max_depth":3,"halting":"fixed"}]},
        "train":{"epochs":2,"batch_size":32,"threads":1,"seed":3}})")
        .arg(router, integration);
}

/// The German translation mor-studio embeds, read into memory (a mapped .qm that a build
/// rewrites ends in SIGBUS) and installed for the life of the object.
class German {
public:
    German() {
        QFile file(QStringLiteral(MOR_BINARY_DIR "/app/studio/mor_studio_de.qm"));
        if (file.open(QIODevice::ReadOnly)) {
            m_bytes = file.readAll();
        }
        m_ok = !m_bytes.isEmpty() &&
               m_translator.load(reinterpret_cast<const uchar*>(m_bytes.constData()),
                                 int(m_bytes.size())) &&
               QCoreApplication::installTranslator(&m_translator);
    }
    ~German() {
        if (m_ok) {
            QCoreApplication::removeTranslator(&m_translator);
        }
    }
    bool ok() const { return m_ok; }

private:
    QByteArray m_bytes;
    QTranslator m_translator;
    bool m_ok = false;
};

} // namespace

class TstInspectMechanics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void conflictViewSaysOneExpertIsNotEnough_data();
    void conflictViewSaysOneExpertIsNotEnough();
    void integrationPanelSaysOneExpertIsNotEnough_data();
    void integrationPanelSaysOneExpertIsNotEnough();
    void twoExpertsShowConflictsAsUsual();
    void expertPanelsShowTheLoggedUncertainty();
    void withoutEvidentialFusionNoUncertaintyIsShown();
    void titleWrapsInsideTheStepperAt1280();
    void integrationTitleWrapsInsideTheStepperAt1280();
    void draftStripFollowsTheDarkTheme();

private:
    int64_t train(const QString& json);
    std::vector<inspect::ExpertPanel*> panels(const inspect::ReflectionStepperView& view) const;

    QTemporaryDir m_dir;
    std::string m_log;
    std::shared_ptr<const mor::LogReader> m_reader;
    int64_t m_oneExpert = -1;  ///< top_k 1 of 2 experts
    int64_t m_evidential = -1; ///< top_k 2, evidential fusion
};

int64_t TstInspectMechanics::train(const QString& json) {
    const auto parsed = mor::parseConfig(json.toStdString());
    if (!parsed.ok()) {
        qWarning("config: %s", parsed.message().c_str());
        return -1;
    }
    mor::RunOptions options;
    options.logPath = m_log;
    const auto out = mor::trainExperiment(parsed.config, options, nullptr);
    return out.status == "finished" ? out.runId : -1;
}

void TstInspectMechanics::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_log = m_dir.filePath(QStringLiteral("log.sqlite")).toStdString();
    m_oneExpert = train(config(QStringLiteral(R"({"strategy":"top_k","top_k":1,"hidden":16})"),
                               QStringLiteral(R"({"fusion":"confidence"})")));
    QVERIFY(m_oneExpert >= 0);
    m_evidential = train(config(QStringLiteral(R"({"strategy":"top_k","top_k":2,"hidden":16})"),
                                QStringLiteral(R"({"fusion":"evidential"})")));
    QVERIFY(m_evidential >= 0);
    auto reader = mor::LogReader::open(m_log);
    QVERIFY(reader);
    m_reader = std::make_shared<const mor::LogReader>(std::move(reader).value());
    QVERIFY(!m_reader->traceSteps(m_oneExpert).empty());
    QVERIFY(!m_reader->traceSteps(m_evidential).empty());
    // The fixture is what the tests claim: one expert per input, no conflict logged.
    for (const auto& t : m_reader->traces(m_oneExpert, m_reader->traceSteps(m_oneExpert).back())) {
        QCOMPARE(t.experts.size(), size_t(1));
    }
    QVERIFY(m_reader->conflicts(m_oneExpert, -1).empty());
}

std::vector<inspect::ExpertPanel*>
TstInspectMechanics::panels(const inspect::ReflectionStepperView& view) const {
    std::vector<inspect::ExpertPanel*> result;
    for (auto* p : view.findChildren<inspect::ExpertPanel*>()) {
        if (!p->isHidden()) { // replaced panels wait for deleteLater hidden
            result.push_back(p);
        }
    }
    return result;
}

void TstInspectMechanics::conflictViewSaysOneExpertIsNotEnough_data() {
    QTest::addColumn<bool>("german");
    QTest::addColumn<QString>("expected");
    QTest::newRow("English") << false
                             << QStringLiteral("This run selects one expert per input (top_k, "
                                               "top_k 1): conflicts need at least 2 selected "
                                               "experts.");
    QTest::newRow("German") << true
                            << QStringLiteral("Dieser Lauf wählt einen Experten je Eingabe "
                                              "(top_k, top_k 1): Konflikte brauchen mindestens "
                                              "2 gewählte Experten.");
}

void TstInspectMechanics::conflictViewSaysOneExpertIsNotEnough() {
    QFETCH(bool, german);
    QFETCH(QString, expected);
    std::unique_ptr<German> translation;
    if (german) {
        translation = std::make_unique<German>();
        QVERIFY2(translation->ok(), "mor_studio_de.qm not built (target mor-studio_lrelease)");
    }
    inspect::ConflictView view;
    view.resize(1010, 620); // the tab at 1280x800 beside the run browser
    view.setRun(m_reader, m_oneExpert);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* note = view.findChild<QLabel*>(QStringLiteral("conflictNote"));
    QVERIFY(note);
    QVERIFY(note->isVisible());
    QCOMPARE(note->text(), expected);
    QCOMPARE(view.findChild<QLabel*>(QStringLiteral("conflictCount"))->text(),
             german ? QStringLiteral("0 von 0 Konflikten") : QStringLiteral("0 of 0 conflicts"));
    QCOMPARE(view.findChild<QTableView*>(QStringLiteral("conflictTable"))->model()->rowCount(), 0);
    // On its own line: the note never squeezes the filter field (it did, to "Filter: E…").
    QVERIFY(view.findChild<QLineEdit*>(QStringLiteral("conflictFilter"))->width() >= 200);
    QVERIFY(note->width() <= view.width());
}

void TstInspectMechanics::integrationPanelSaysOneExpertIsNotEnough_data() {
    QTest::addColumn<bool>("german");
    QTest::addColumn<QString>("pattern"); // answer, verdict, label
    QTest::newRow("English") << false
                             << QStringLiteral("Integration: answer %1 %2 (label %3)  ·  one "
                                               "expert selected: conflicts need at least 2 "
                                               "(raise top_k)");
    QTest::newRow("German") << true
                            << QStringLiteral("Integration: Antwort %1 %2 (Label %3)  ·  ein "
                                              "Experte gewählt: Konflikte brauchen mindestens 2 "
                                              "(top_k erhöhen)");
}

void TstInspectMechanics::integrationPanelSaysOneExpertIsNotEnough() {
    QFETCH(bool, german);
    QFETCH(QString, pattern);
    std::unique_ptr<German> translation;
    if (german) {
        translation = std::make_unique<German>();
        QVERIFY2(translation->ok(), "mor_studio_de.qm not built (target mor-studio_lrelease)");
    }
    const int64_t step = m_reader->traceSteps(m_oneExpert).back();
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_oneExpert);
    int checked = 0;
    for (const auto& t : m_reader->traces(m_oneExpert, step)) {
        view.showSample(step, t.sampleId, true);
        QVERIFY(view.isAtIntegration());
        QCOMPARE(panels(view).size(), size_t(1));
        auto* integration = view.findChild<inspect::IntegrationPanel*>();
        QVERIFY(integration);
        const QString verdict = t.correct ? (german ? QStringLiteral("richtig")
                                                    : QStringLiteral("right"))
                                          : (german ? QStringLiteral("falsch")
                                                    : QStringLiteral("wrong"));
        QCOMPARE(integration->summary(),
                 pattern.arg(t.finalPred).arg(verdict).arg(t.label));
        ++checked;
    }
    QVERIFY(checked >= 8);
}

void TstInspectMechanics::twoExpertsShowConflictsAsUsual() {
    // Two selected experts: the conflict count and the score, never the one-expert note.
    inspect::ConflictView view;
    view.setRun(m_reader, m_evidential);
    const QString count = view.findChild<QLabel*>(QStringLiteral("conflictCount"))->text();
    const size_t logged = m_reader->conflicts(m_evidential, -1).size();
    QCOMPARE(count, QStringLiteral("%1 of %1 conflicts").arg(logged));
    auto* note = view.findChild<QLabel*>(QStringLiteral("conflictNote"));
    QVERIFY(note->text().isEmpty());
    QVERIFY(note->isHidden());

    const int64_t step = m_reader->traceSteps(m_evidential).back();
    const auto traces = m_reader->traces(m_evidential, step);
    QVERIFY(!traces.empty());
    inspect::ReflectionStepperView stepper;
    stepper.setRun(m_reader, m_evidential);
    stepper.showSample(step, traces.front().sampleId, true);
    auto* integration = stepper.findChild<inspect::IntegrationPanel*>();
    QVERIFY(integration->summary().contains(
        QStringLiteral("conflict D = %1").arg(common::fmt(traces.front().conflictScore, 3))));
    QVERIFY(!integration->summary().contains(QStringLiteral("at least 2")));
    QCOMPARE(integration->shownConflictScore(), double(traces.front().conflictScore));
}

void TstInspectMechanics::expertPanelsShowTheLoggedUncertainty() {
    const int64_t step = m_reader->traceSteps(m_evidential).back();
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_evidential);
    int shown = 0;
    for (const auto& t : m_reader->traces(m_evidential, step)) {
        view.showSample(step, t.sampleId, false);
        const auto experts = panels(view);
        QCOMPARE(experts.size(), t.experts.size());
        QCOMPARE(experts.size(), size_t(2));
        for (size_t j = 0; j < experts.size(); ++j) {
            const float u = t.experts[j].uncertainty;
            // u = K / S with S = sum of alpha >= K: in (0, 1] for every logged expert.
            QVERIFY2(u > 0.f && u <= 1.f, qPrintable(QString::number(u)));
            QCOMPARE(experts[j]->expert(), t.experts[j].expert);
            const QString title = experts[j]->titleText();
            const QString marker = QStringLiteral("uncertainty u = ");
            const qsizetype at = title.indexOf(marker);
            QVERIFY2(at >= 0, qPrintable(title));
            // The number shown is the logged u to the panel's two decimals.
            const QString number = title.mid(at + marker.size()).section(QLatin1Char(' '), 0, 0)
                                       .section(QLatin1Char('\n'), 0, 0);
            QCOMPARE(number, common::fmt(u));
            bool ok = false;
            QVERIFY(std::abs(number.toDouble(&ok) - double(u)) <= 0.005 + 1e-9);
            QVERIFY(ok);
            ++shown;
        }
    }
    QVERIFY(shown >= 16); // 8 probe inputs x 2 experts
}

void TstInspectMechanics::withoutEvidentialFusionNoUncertaintyIsShown() {
    const int64_t step = m_reader->traceSteps(m_oneExpert).back();
    const auto traces = m_reader->traces(m_oneExpert, step);
    QVERIFY(!traces.empty());
    QCOMPARE(traces.front().experts.front().uncertainty, -1.f); // not logged
    inspect::ReflectionStepperView view;
    view.setRun(m_reader, m_oneExpert);
    view.showSample(step, traces.front().sampleId, false);
    const auto experts = panels(view);
    QCOMPARE(experts.size(), size_t(1));
    QVERIFY(!experts.front()->titleText().contains(QStringLiteral("uncertainty")));
}

void TstInspectMechanics::titleWrapsInsideTheStepperAt1280() {
    // The stepper's tab at 1280x800 beside the run browser (the session-11 screenshot: the
    // expert panels were wider than the view, "Unsicherheit u = …" and the legends cut off).
    const int64_t step = m_reader->traceSteps(m_evidential).back();
    const auto traces = m_reader->traces(m_evidential, step);
    QVERIFY(!traces.empty());
    inspect::ReflectionStepperView view;
    view.resize(1010, 620);
    view.setRun(m_reader, m_evidential);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSample(step, traces.front().sampleId, false);
    QTest::qWait(50); // layouts and queued replots
    const auto experts = panels(view);
    QCOMPARE(experts.size(), size_t(2));
    QScrollArea* scroll = nullptr;
    for (QWidget* w = experts.front(); w && !scroll; w = w->parentWidget()) {
        scroll = qobject_cast<QScrollArea*>(w);
    }
    QVERIFY(scroll);
    QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0); // nothing to scroll sideways
    for (size_t j = 0; j < experts.size(); ++j) {
        auto* panel = experts[j];
        QVERIFY2(panel->width() <= scroll->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2").arg(panel->width())
                                .arg(scroll->viewport()->width())));
        const QString title = panel->titleText();
        QVERIFY2(title.contains(QStringLiteral("uncertainty u = %1")
                                    .arg(common::fmt(traces.front().experts[j].uncertainty))),
                 qPrintable(title));
        const QFontMetrics metrics(QFont(panel->font().family(), 9, QFont::Bold));
        const QStringList lines = title.split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 2, qPrintable(title)); // one line would not fit 1010 px
        for (const QString& line : lines) {
            QVERIFY2(metrics.horizontalAdvance(line) <= panel->width(), qPrintable(line));
        }
    }
    // Wide enough, the title is one line again.
    view.resize(2400, 620);
    QTest::qWait(50);
    QCOMPARE(panels(view).front()->titleText().count(QLatin1Char('\n')), 0);
}

void TstInspectMechanics::integrationTitleWrapsInsideTheStepperAt1280() {
    // The one-expert note at the end of the integration title was cut at both ends at
    // 1280x800 (the panel centred a title wider than the view).
    const int64_t step = m_reader->traceSteps(m_oneExpert).back();
    const auto traces = m_reader->traces(m_oneExpert, step);
    QVERIFY(!traces.empty());
    inspect::ReflectionStepperView view;
    view.resize(1010, 620);
    view.setRun(m_reader, m_oneExpert);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showSample(step, traces.front().sampleId, true);
    QTest::qWait(50);
    auto* integration = view.findChild<inspect::IntegrationPanel*>();
    QVERIFY(integration);
    QScrollArea* scroll = nullptr;
    for (QWidget* w = integration; w && !scroll; w = w->parentWidget()) {
        scroll = qobject_cast<QScrollArea*>(w);
    }
    QVERIFY(scroll);
    QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
    QVERIFY(integration->width() <= scroll->viewport()->width());
    const QString shown = integration->titleText();
    QCOMPARE(QString(shown).replace(QLatin1Char('\n'), QStringLiteral("  ·  ")),
             integration->summary());
    QVERIFY2(shown.contains(QStringLiteral("one expert selected: conflicts need at least 2 "
                                           "(raise top_k)")),
             qPrintable(shown));
    const QFontMetrics metrics(QFont(integration->font().family(), 9, QFont::Bold));
    for (const QString& line : shown.split(QLatin1Char('\n'))) {
        QVERIFY2(metrics.horizontalAdvance(line) <= integration->width(), qPrintable(line));
    }
}

void TstInspectMechanics::draftStripFollowsTheDarkTheme() {
    const QPalette saved = QApplication::palette();
    inspect::ExpertPanel panel;
    const auto stripZero = [&panel] {
        for (int i = 0; i < panel.plottableCount(); ++i) {
            if (auto* map = qobject_cast<QCPColorMap*>(panel.plottable(i))) {
                return QColor(map->gradient().color(0.0, QCPRange(0, 1)));
            }
        }
        return QColor();
    };
    QCOMPARE(stripZero(), QColor(Qt::white));
    QPalette dark = saved;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    QApplication::setPalette(dark);
    QCoreApplication::processEvents();
    const QColor zero = stripZero();
    QApplication::setPalette(saved);
    QCOMPARE(zero, QColor(30, 30, 32)); // probability 0 is the plot's dark background
}

QTEST_MAIN(TstInspectMechanics)
#include "tst_inspect_mechanics.moc"
