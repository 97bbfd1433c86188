// SPDX-License-Identifier: GPL-3.0-or-later
// The recursion ladder under the tokens of the Sequence view: one cell per recursion a token went
// through, painted in its verdict's colour with the prediction after that recursion, in step with
// the recursion stepper both ways, and off for traces without recursions to show.
#include "sequencefixture.h"

#include "common/stepcursorbar.h"
#include "sequence/recursionladder.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"
#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"
#include "sequence/tokenstyle.h"

#include <QCheckBox>
#include <QFile>
#include <QFileInfo>
#include <QScrollBar>
#include <QSet>
#include <QTemporaryDir>
#include <QLabel>
#include <QHelpEvent>
#include <QToolTip>
#include <QtTest>

using namespace sequence;
using sequence_test::makeRun;
using sequence_test::makeTrace;

class TstSequenceLadder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cellsAreTheRecursionsEachTokenWentThrough();
    void cellsArePaintedInTheirVerdictsColour();
    void clickingACellShowsThatRecursionInTheStepper();
    void stepperAndArrowKeysMoveTheMarkedCell();
    void cellTooltipNamesPredictionTargetAndScore();
    void checkboxTurnsTheLadderOff();
    void wrappedLinesCarryTheirLadders();
    void noLadderWithoutRecursionsToShow();
    void summaryCountsWhatTheLaterRecursionsChanged();
    void exportHoldsTheWholeFlowWithItsLadder();
    void typedCharactersTheModelDidNotSeeAreNamed();
};

namespace {
struct Shown {
    SequenceView view;
    Shown() {
        view.resize(900, 700);
        view.setTraces(makeRun());
        view.show();
    }
};
} // namespace

void TstSequenceLadder::cellsAreTheRecursionsEachTokenWentThrough() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    const mor::TokenTrace& trace = *s.view.currentTrace();
    QCOMPARE(flow->ladderRows(), 3);
    int cells = 0, expected = 0;
    for (int row = 0; row < int(trace.tokens.size()); ++row) {
        const mor::TokenStep& t = trace.tokens[size_t(row)];
        expected += t.depth;
        const QRect box = flow->tokenRect(row);
        for (int r = 1; r <= 3; ++r) {
            const QRect cell = flow->ladderCellRect(row, r);
            QCOMPARE(!cell.isEmpty(), r <= t.depth);
            if (cell.isEmpty()) {
                continue;
            }
            ++cells;
            // In the token's column, below it, recursion after recursion.
            QCOMPARE(cell.left(), box.left());
            QCOMPARE(cell.width(), box.width());
            QVERIFY(cell.top() > box.bottom());
            if (r > 1) {
                QVERIFY(cell.top() > flow->ladderCellRect(row, r - 1).bottom());
            }
            QCOMPARE(flow->ladderCellAt(cell.center()), qMakePair(row, r));
        }
    }
    QCOMPARE(cells, expected);
    // The fixture predicts "z" (not a target: "#122") before a token's last recursion and the
    // target after it, except for the 4th token, which stays wrong; the last token has no
    // target (its prediction shows as "—").
    const Vocabulary vocabulary = vocabularyOf({trace});
    for (int row = 0; row < int(trace.tokens.size()); ++row) {
        const mor::TokenStep& t = trace.tokens[size_t(row)];
        for (int r = 1; r <= t.depth; ++r) {
            const LadderCell cell = ladderCell(t, r, vocabulary);
            QVERIFY(cell.exists);
            QCOMPARE(cell.last, r == t.depth);
            QCOMPARE(cell.targetProb, t.target < 0 ? 0.0 : double(t.recursionTargetProbs[r - 1]));
            QCOMPARE(cell.routerScore, double(t.routerScores[size_t(r - 1)]));
            const bool right = r == t.depth && row != 3;
            const int64_t pred = t.recursionPreds[size_t(r - 1)];
            QCOMPARE(cell.text, pred < 0       ? QStringLiteral("—")
                                : pred == 'z' ? QStringLiteral("#122")
                                              : displayText(t.targetText));
            QCOMPARE(pred == t.target, right);
            QCOMPARE(cell.verdict, t.target < 0 ? -1 : right ? 1 : 0);
            // The column is as wide as its widest cell: "#122" under a one-letter token is
            // written whole (its text box is the cell less 1.5 px of frame and air each side).
            const int textWidth = QFontMetrics(flow->ladderFont()).horizontalAdvance(cell.text);
            QVERIFY2(textWidth <= flow->ladderCellRect(row, r).width() - 3,
                     qPrintable(QStringLiteral("%1 in %2 px").arg(cell.text).arg(
                         flow->ladderCellRect(row, r).width())));
        }
        QVERIFY(!ladderCell(t, t.depth + 1, vocabulary).exists);
        QVERIFY(!ladderCell(t, 0, vocabulary).exists);
    }
}

void TstSequenceLadder::cellsArePaintedInTheirVerdictsColour() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    const mor::TokenTrace& trace = *s.view.currentTrace();
    const Vocabulary vocabulary = vocabularyOf({trace});
    const QImage image = flow->viewport()->grab().toImage();
    const qreal dpr = image.devicePixelRatio();
    int checked = 0;
    for (int row = 0; row < int(trace.tokens.size()); ++row) {
        const mor::TokenStep& t = trace.tokens[size_t(row)];
        for (int r = 1; r <= t.depth; ++r) {
            const LadderCell cell = ladderCell(t, r, vocabulary);
            // Inside the frame, left of the text, above the bar: the fill.
            const QPoint at = flow->ladderCellRect(row, r).topLeft() + QPoint(3, 4);
            // Without a target the cell is only outlined: the background shows.
            const QColor fill = cell.verdict >= 0
                                    ? ladderFill(cell.verdict)
                                    : flow->viewport()->palette().color(QPalette::Base);
            QCOMPARE(image.pixelColor(at * dpr).rgb(), fill.rgb());
            ++checked;
        }
    }
    QVERIFY(checked >= int(trace.tokens.size()));
    // Right and wrong fills differ; a cell without a target has none.
    QVERIFY(ladderFill(1) != ladderFill(0));
    QCOMPARE(ladderFill(-1).alpha(), 0);
}

void TstSequenceLadder::clickingACellShowsThatRecursionInTheStepper() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    RecursionStepper* stepper = s.view.recursionStepper();
    const mor::TokenTrace& trace = *s.view.currentTrace();
    // The deepest token other than the first: its last recursion.
    const int row = sequence_test::deepestToken(trace, 1);
    const int depth = trace.tokens[size_t(row)].depth;
    QVERIFY(depth >= 2);
    QSignalSpy picked(flow, &TokenFlowWidget::recursionPicked);
    QTest::mouseClick(flow->viewport(), Qt::LeftButton, {},
                      flow->ladderCellRect(row, depth).center());
    QCOMPARE(picked.count(), 1);
    QCOMPARE(flow->currentToken(), row);
    QCOMPARE(stepper->tokenRow(), row);
    QCOMPARE(stepper->recursion(), depth);
    QCOMPARE(flow->currentRecursion(), depth);
    QCOMPARE(stepper->prediction(), trace.tokens[size_t(row)].recursionPreds.back());
    // A click between the cells picks nothing.
    const QRect cell = flow->ladderCellRect(row, depth);
    QTest::mouseClick(flow->viewport(), Qt::LeftButton, {},
                      QPoint(cell.right() + 2, cell.center().y()));
    QCOMPARE(picked.count(), 1);
}

void TstSequenceLadder::stepperAndArrowKeysMoveTheMarkedCell() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    RecursionStepper* stepper = s.view.recursionStepper();
    const mor::TokenTrace& trace = *s.view.currentTrace();
    const int row = sequence_test::lastTokenOfDepth(trace, 3);
    QCOMPARE(trace.tokens[size_t(row)].depth, 3);
    s.view.selectToken(row);
    QCOMPARE(flow->currentRecursion(), 1);
    stepper->cursor()->next();
    QCOMPARE(flow->currentRecursion(), 2);
    stepper->cursor()->last();
    QCOMPARE(flow->currentRecursion(), 3);
    flow->setFocus();
    QTest::keyClick(flow, Qt::Key_Down); // past the token's depth: stays
    QCOMPARE(stepper->recursion(), 3);
    QTest::keyClick(flow, Qt::Key_Up);
    QCOMPARE(stepper->recursion(), 2);
    QCOMPARE(flow->currentRecursion(), 2);
    QTest::keyClick(flow, Qt::Key_Up);
    QTest::keyClick(flow, Qt::Key_Up); // before the first: stays
    QCOMPARE(stepper->recursion(), 1);
    QCOMPARE(flow->currentRecursion(), 1);
    // Another token opens at its first recursion, and the mark follows.
    QTest::keyClick(flow, Qt::Key_Down);
    QTest::keyClick(flow, row > 0 ? Qt::Key_Left : Qt::Key_Right);
    QCOMPARE(stepper->recursion(), 1);
    QCOMPARE(flow->currentRecursion(), 1);
}

void TstSequenceLadder::cellTooltipNamesPredictionTargetAndScore() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    const mor::TokenTrace& trace = *s.view.currentTrace();
    const Vocabulary vocabulary = vocabularyOf({trace});
    // Token 3 ("1") is wrong at every recursion: its tooltip names the target.
    const mor::TokenStep& t = trace.tokens[3];
    const QString tip = ladderTooltip(t, 1, vocabulary);
    QVERIFY2(tip.contains(QStringLiteral("Prediction: #122 (wrong; target “,”)")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("Target probability: %1")
                             .arg(double(t.recursionTargetProbs[0]), 0, 'f', 3)));
    QVERIFY(
        tip.contains(QStringLiteral("Router score: %1").arg(double(t.routerScores[0]), 0, 'f', 3)));
    QVERIFY(ladderTooltip(t, t.depth, vocabulary).contains(QStringLiteral("leaves here")));
    QVERIFY(ladderTooltip(t, t.depth + 1, vocabulary).isEmpty());
    const QPoint at = flow->ladderCellRect(3, 1).center();
    QHelpEvent help(QEvent::ToolTip, at, flow->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(flow->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), tip);
    QToolTip::hideText();
}

void TstSequenceLadder::checkboxTurnsTheLadderOff() {
    Shown s;
    QVERIFY(QTest::qWaitForWindowExposed(&s.view));
    TokenFlowWidget* flow = s.view.tokenFlow();
    auto* check = s.view.findChild<QCheckBox*>(QStringLiteral("ladderCheck"));
    QVERIFY(check);
    QVERIFY(check->isVisible());
    QVERIFY(check->isChecked());
    // Token 6 ("c") starts the second line, below the first line's ladder.
    const int lineWithLadder = flow->tokenRect(6).top();
    const int boxHeight = flow->tokenRect(0).height();
    QVERIFY(lineWithLadder > flow->ladderCellRect(0, 1).bottom());
    check->setChecked(false);
    QCOMPARE(flow->ladderRows(), 0);
    QVERIFY(flow->hasLadder());
    QVERIFY(flow->ladderCellRect(0, 1).isEmpty());
    QCOMPARE(flow->ladderCellAt(flow->tokenRect(0).bottomLeft() + QPoint(2, 8)), qMakePair(-1, 0));
    QCOMPARE(flow->tokenRect(0).height(), boxHeight);
    QVERIFY(flow->tokenRect(6).top() < lineWithLadder);
    QCOMPARE(flow->tokenRect(6).top(), flow->tokenRect(0).bottom() + 1 + 3);
    check->setChecked(true);
    QCOMPARE(flow->ladderRows(), 3);
    QCOMPARE(flow->tokenRect(6).top(), lineWithLadder);
}

void TstSequenceLadder::wrappedLinesCarryTheirLadders() {
    TokenDepthModel model;
    model.setTrace(makeTrace(4, 1));
    TokenFlowWidget flow;
    flow.setModel(&model);
    flow.resize(120, 160);
    flow.show();
    QVERIFY(QTest::qWaitForWindowExposed(&flow));
    QCOMPARE(flow.ladderRows(), 3);
    // Narrow: the tokens wrap, and each line leaves room for the ladder of the line above.
    QVERIFY(flow.tokenRect(3).top() > flow.tokenRect(0).top());
    int wraps = 0;
    for (int b = 1; b < 7; ++b) {
        wraps += flow.tokenRect(b).top() > flow.tokenRect(b - 1).top() ? 1 : 0;
        for (int a = 0; a < b; ++a) {
            if (flow.tokenRect(b).top() <= flow.tokenRect(a).top()) {
                continue; // same line
            }
            for (int r = 1; r <= 3; ++r) {
                const QRect above = flow.ladderCellRect(a, r);
                QVERIFY(above.isEmpty() || above.bottom() < flow.tokenRect(b).top());
            }
        }
    }
    QVERIFY(wraps >= 2);
    // The last token's ladder can be scrolled into view: selecting it shows its deepest cell.
    const int last = 6;
    flow.setCurrentToken(last);
    const QRect deepest = flow.ladderCellRect(last, model.trace().tokens[last].depth);
    QVERIFY(!deepest.isEmpty());
    QVERIFY(flow.viewport()->rect().contains(deepest));
}

void TstSequenceLadder::noLadderWithoutRecursionsToShow() {
    mor::TokenTrace mod = makeTrace(4, 1);
    mod.routing = "mixture_of_depths";
    QCOMPARE(ladderRows(mod), 0);
    mor::TokenTrace single = makeTrace(4, 1);
    single.maxRecursions = 1;
    QCOMPARE(ladderRows(single), 0);
    mor::TokenTrace unrecorded = makeTrace(4, 1);
    for (auto& t : unrecorded.tokens) {
        t.recursionPreds.clear();
    }
    QCOMPARE(ladderRows(unrecorded), 0);
    QCOMPARE(ladderRows(makeTrace(4, 1)), 3);

    SequenceView view;
    view.resize(900, 700);
    view.setTraces({{100, {unrecorded}}});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.tokenFlow()->ladderRows(), 0);
    QVERIFY(!view.tokenFlow()->hasLadder());
    QVERIFY(!view.findChild<QCheckBox*>(QStringLiteral("ladderCheck"))->isVisible());
    view.setTraces(makeRun());
    QCOMPARE(view.tokenFlow()->ladderRows(), 3);
    QVERIFY(view.findChild<QCheckBox*>(QStringLiteral("ladderCheck"))->isVisible());
}

void TstSequenceLadder::summaryCountsWhatTheLaterRecursionsChanged() {
    // makeTrace(4, 0): depths 1 2 3 1 2 3 1, a target at every token but the last, wrong before
    // a token's last recursion and right after it. Token 1 is made right after recursion 1 and
    // wrong after its last: the later recursions broke it.
    mor::TokenTrace trace = makeTrace(4, 0);
    std::vector<int> depths;
    for (const auto& t : trace.tokens) {
        depths.push_back(t.depth);
    }
    QCOMPARE(depths, (std::vector<int>{1, 2, 3, 1, 2, 3, 1}));
    trace.tokens[1].recursionPreds = {trace.tokens[1].target, int64_t('z')};
    trace.tokens[1].pred = int64_t('z');
    const mor::RecursionEffect effect = mor::recursionEffect(trace);
    QCOMPARE(effect.scored, 6); // tokens 0-5
    QCOMPARE(effect.deeper, 4); // tokens 1, 2, 4, 5
    QCOMPARE(effect.fixed, 3);  // 2, 4, 5
    QCOMPARE(effect.broken, 1); // 1
    SequenceView view;
    view.setTraces({{100, {trace}}});
    const QString summary = view.findChild<QLabel*>(QStringLiteral("sequenceSummary"))->text();
    QVERIFY2(summary.contains(QStringLiteral("Of the 4 token(s) that went past recursion 1, the "
                                             "later recursions turned 3 wrong prediction(s) "
                                             "right and 1 right one(s) wrong")),
             qPrintable(summary));
    // A trace whose tokens all stopped after one recursion has nothing to say.
    mor::TokenTrace shallow = makeTrace(4, 0);
    for (auto& t : shallow.tokens) {
        t.depth = 1;
        t.recursionPreds.resize(1);
        t.recursionTargetProbs.resize(1);
    }
    QCOMPARE(mor::recursionEffect(shallow).deeper, 0);
    view.setTraces({{100, {shallow}}});
    QVERIFY(!view.findChild<QLabel*>(QStringLiteral("sequenceSummary"))
                 ->text()
                 .contains(QStringLiteral("went past")));
}

void TstSequenceLadder::exportHoldsTheWholeFlowWithItsLadder() {
    TokenDepthModel model;
    model.setTrace(makeTrace(4, 1));
    TokenFlowWidget flow;
    flow.setModel(&model);
    flow.resize(120, 90); // narrow and short: the flow wraps and scrolls
    flow.show();
    QVERIFY(QTest::qWaitForWindowExposed(&flow));
    flow.setCurrentToken(6);
    QVERIFY(flow.contentHeight() > flow.viewport()->height());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // PNG at 2x: every line, not only what is scrolled into view.
    const QString png = dir.filePath(QStringLiteral("tokens.png"));
    QString error;
    QVERIFY2(flow.exportImage(png, &error), qPrintable(error));
    const QImage image(png);
    QCOMPARE(image.size(), QSize(flow.viewport()->width(), flow.contentHeight()) * 2);
    const Vocabulary vocabulary = vocabularyOf({model.trace()});
    const int scroll = flow.verticalScrollBar()->value();
    QVERIFY(scroll > 0);
    for (int row : {0, 6}) { // the first line (scrolled out of view) and the last
        const mor::TokenStep& t = model.trace().tokens[size_t(row)];
        const LadderCell cell = ladderCell(t, 1, vocabulary);
        const QPoint at = flow.ladderCellRect(row, 1).translated(0, scroll).topLeft() +
                          QPoint(3, 4);
        const QColor fill = cell.verdict >= 0 ? ladderFill(cell.verdict)
                                              : flow.palette().color(QPalette::Base);
        QCOMPARE(image.pixelColor(at * 2).rgb(), fill.rgb());
    }
    // No selection marks in an export: the current token's frame is not drawn.
    const QRect current = flow.tokenRect(6).translated(0, scroll);
    const QColor highlight = flow.palette().color(QPalette::Highlight);
    QVERIFY(image.pixelColor((current.topLeft() + QPoint(-1, current.height() / 2)) * 2).rgb() !=
            highlight.rgb());
    // SVG and PDF by the suffix; the texts are in the drawing.
    const QString svg = dir.filePath(QStringLiteral("tokens.svg"));
    QVERIFY2(flow.exportImage(svg, &error), qPrintable(error));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray drawing = file.readAll();
    // Each line names the ladder's rows; "#122" is written whole in its cell.
    QSet<int> lines;
    for (int row = 0; row < 7; ++row) {
        lines.insert(flow.tokenRect(row).top());
    }
    QVERIFY(lines.size() >= 2);
    QVERIFY(drawing.contains("<svg") && drawing.contains(">\u2423<") &&
            drawing.contains(">#122<") && !drawing.contains(">…<"));
    QCOMPARE(drawing.count(">r3<"), lines.size());
    const QString pdf = dir.filePath(QStringLiteral("tokens.pdf"));
    QVERIFY2(flow.exportImage(pdf, &error), qPrintable(error));
    QVERIFY(QFileInfo(pdf).size() > 500);
    // Another suffix is refused, naming it; nothing is written.
    const QString gif = dir.filePath(QStringLiteral("tokens.gif"));
    QVERIFY(!flow.exportImage(gif, &error));
    QVERIFY2(error.contains(QStringLiteral("\"gif\"")), qPrintable(error));
    QVERIFY(!QFileInfo::exists(gif));
}

void TstSequenceLadder::typedCharactersTheModelDidNotSeeAreNamed() {
    // The one rule behind the Sequence view's status line and `mor trace --text`'s warning.
    mor::TokenTrace trace;
    for (const char* text : {"a", "b", "c"}) {
        mor::TokenStep t;
        t.text = text;
        trace.tokens.push_back(t);
    }
    bool cut = true;
    QCOMPARE(mor::droppedCharacters("a\u20acb c\u20ac", trace, &cut),
             (std::vector<std::string>{"\u20ac", " "})); // each once, UTF-8 whole
    QVERIFY(!cut);
    QCOMPARE(mor::droppedCharacters("abc", trace, &cut), std::vector<std::string>{});
    QVERIFY(!cut);
    // Only the end of a text longer than the context was traced: nothing dropped, but cut.
    QCOMPARE(mor::droppedCharacters("xyzabc", trace, &cut), std::vector<std::string>{});
    QVERIFY(cut);
    QCOMPARE(droppedCharacters(QStringLiteral("a\u20acb c"), trace, &cut),
             QStringLiteral("\u201c\u20ac\u201d, \u201c\u2423\u201d"));
}

QTEST_MAIN(TstSequenceLadder)
#include "tst_sequence_ladder.moc"
