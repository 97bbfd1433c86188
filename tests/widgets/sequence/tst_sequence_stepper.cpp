// The sequence view's recursion stepper: a token's values at each recursion as the trace holds
// them, its plot, playing through the recursions, and the router's values by routing kind (with
// the token tooltip, which states the same values).
#include "sequencefixture.h"

#include "common/stepcursorbar.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequencestats.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenstyle.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QtTest>

#include <cmath>

using namespace sequence;
using sequence_test::makeRun;
using sequence_test::makeTrace;

class TstSequenceStepper : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepperShowsTheTraceValues_data();
    void stepperShowsTheTraceValues();
    void stepperPlotHoldsTargetProbabilities();
    void stepperAndTooltipFollowTheRoutingKind();
    void playStepsThroughEveryRecursion();
};

void TstSequenceStepper::stepperShowsTheTraceValues_data() {
    QTest::addColumn<int>("row");
    for (int row = 0; row < 7; ++row) {
        QTest::newRow(qPrintable(QStringLiteral("token %1").arg(row))) << row;
    }
}

void TstSequenceStepper::stepperShowsTheTraceValues() {
    QFETCH(int, row);
    SequenceView view;
    view.setTraces(makeRun());
    view.selectToken(row);
    const mor::TokenStep token = view.currentTrace()->tokens[size_t(row)];
    RecursionStepper* stepper = view.recursionStepper();
    QCOMPARE(stepper->depth(), token.depth);
    QCOMPARE(stepper->cursor()->count(), token.depth);
    QCOMPARE(stepper->recursion(), 1);
    for (int r = 1; r <= token.depth; ++r) {
        stepper->setRecursion(r);
        QCOMPARE(stepper->recursion(), r);
        QCOMPARE(stepper->routerScore(), double(token.routerScores[size_t(r - 1)]));
        QCOMPARE(stepper->continued(), r < token.depth);
        QCOMPARE(stepper->prediction(), token.recursionPreds[size_t(r - 1)]);
        QCOMPARE(stepper->targetProbability(), double(token.recursionTargetProbs[size_t(r - 1)]));
        const QString shown = stepper->findChild<QLabel*>("recursionValues")->text();
        QVERIFY2(shown.contains(QString::number(double(token.routerScores[size_t(r - 1)]), 'f', 3)),
                 qPrintable(shown));
        if (token.target >= 0) {
            QVERIFY(shown.contains(
                QString::number(double(token.recursionTargetProbs[size_t(r - 1)]), 'f', 3)));
        } else {
            QVERIFY2(shown.contains(QStringLiteral("no target")), qPrintable(shown));
        }
    }
}

void TstSequenceStepper::stepperAndTooltipFollowTheRoutingKind() {
    mor::TokenTrace trace = makeTrace(1);
    int row = 0; // a depth-1 token
    while (trace.tokens[size_t(row)].depth != 1) {
        ++row;
    }
    const mor::TokenStep& token = trace.tokens[size_t(row)];
    RecursionStepper stepper;
    TokenDepthModel model;
    const auto bars = [&stepper] {
        return qobject_cast<QCPBars*>(stepper.plot()->plottable(0))->data()->size();
    };
    const auto values = [&stepper] {
        return stepper.findChild<QLabel*>("recursionValues")->text();
    };
    // Expert choice: scored at r1 and r2 (the router of r2 ranked it and left it out), not r3.
    stepper.setToken(trace, row);
    QCOMPARE(bars(), 2);
    QCOMPARE(stepper.plot()->legend->itemCount(), 2);
    // Token choice: the depth is chosen up front. The traces store the shares P(depth >= r);
    // shown at every recursion is the router's P(depth = r) = P(>= r) - P(>= r + 1).
    trace.routing = "token_choice";
    stepper.setToken(trace, row);
    QCOMPARE(bars(), 3);
    const double first = double(token.routerScores[0]) - double(token.routerScores[1]);
    QVERIFY(std::abs(stepper.routerScore() - first) < 1e-6);
    QVERIFY2(values().contains(QStringLiteral("Router's P(depth = r)")) &&
                 values().contains(QString::number(first, 'f', 3)),
             qPrintable(values()));
    model.setTrace(trace, vocabularyOf({trace}));
    const QString r1 = QStringLiteral("r1 %1").arg(first, 0, 'f', 3);
    const QString r3 = QStringLiteral("r3 %1").arg(double(token.routerScores[2]), 0, 'f', 3);
    QVERIFY2(model.tooltip(row).contains(QStringLiteral("chosen before r1")) &&
                 model.tooltip(row).contains(r1) && model.tooltip(row).contains(r3),
             qPrintable(model.tooltip(row)));
    // Fixed routing has no router: the stored 1/0 are not shown as scores.
    trace.routing = "fixed";
    stepper.setToken(trace, row);
    QCOMPARE(bars(), 0);
    QCOMPARE(stepper.plot()->legend->itemCount(), 1); // the target probability only
    QVERIFY2(values().contains(QStringLiteral("none (routing “fixed” has no router)")),
             qPrintable(values()));
    model.setTrace(trace, vocabularyOf({trace}));
    QVERIFY2(model.tooltip(row).contains(QStringLiteral("Router: none (routing “fixed”)")),
             qPrintable(model.tooltip(row)));
}

void TstSequenceStepper::stepperPlotHoldsTargetProbabilities() {
    SequenceView view;
    view.setTraces(makeRun());
    // The deepest token of the shown trace.
    const auto& tokens = view.currentTrace()->tokens;
    const int row = sequence_test::deepestToken(*view.currentTrace());
    view.selectToken(row);
    QCustomPlot* plot = view.recursionStepper()->plot();
    QCPGraph* probs = plot->graph(0);
    QCOMPARE(probs->data()->size(), tokens[size_t(row)].depth);
    for (int r = 0; r < tokens[size_t(row)].depth; ++r) {
        QCOMPARE(probs->data()->at(r)->key, double(r + 1));
        QCOMPARE(probs->data()->at(r)->value,
                 double(tokens[size_t(row)].recursionTargetProbs[size_t(r)]));
    }
    auto* scores = qobject_cast<QCPBars*>(plot->plottable(0));
    QCOMPARE(scores->data()->size(), 3); // every recursion of the model
    QCOMPARE(scores->data()->at(2)->value, double(tokens[size_t(row)].routerScores[2]));
}

void TstSequenceStepper::playStepsThroughEveryRecursion() {
    SequenceView view;
    view.setTraces(makeRun());
    const int row = sequence_test::lastTokenOfDepth(*view.currentTrace(), 3);
    view.selectToken(row);
    RecursionStepper* stepper = view.recursionStepper();
    QCOMPARE(stepper->depth(), 3);
    stepper->cursor()->setPlaying(true);
    QTRY_COMPARE_WITH_TIMEOUT(stepper->recursion(), 3, 10000);
    QTRY_VERIFY(!stepper->cursor()->isPlaying()); // stops at the last recursion
    QVERIFY(!stepper->continued());
}

QTEST_MAIN(TstSequenceStepper)
#include "tst_sequence_stepper.moc"
