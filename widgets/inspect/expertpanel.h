#pragma once
// One selected expert of one input in the reflection stepper: a timeline of its iterations
// (critique c_t and halting lambda_t over t, right/wrong markers, the halting step, a heat strip
// of every draft) and the draft distribution at the cursor's step.
#include <mor/trace.h>

#include <qcustomplot.h>

namespace inspect {

class ExpertPanel : public QCustomPlot {
    Q_OBJECT
public:
    explicit ExpertPanel(QWidget* parent = nullptr);

    /// `maxIterations` is shared by all panels so their time axes line up.
    void setTrace(const mor::ExpertTrace& trace, int numClasses, int64_t label, int maxIterations,
                  double haltThreshold);
    /// Highlights iteration `t` (1-based). Past the expert's last step the last draft stays shown.
    /// `integration` marks the answer the expert handed to the integration instead.
    void setCursor(int t, bool integration);
    /// Nested experts (issue 23): the width this input used, shown in the title beside the halt
    /// step and confidence ("width 24 units", "width not recorded"); empty hides it.
    void setWidthText(const QString& text);
    QString widthText() const { return m_widthText; }
    /// The title line as drawn (for tests).
    QString titleText() const;

    int expert() const { return m_trace.expert; }
    /// Iteration under the cursor line (1-based).
    int cursorIteration() const { return m_cursorT; }
    /// Index into trace.steps whose draft the bars show (-1 when none).
    int shownStepIndex() const { return m_shownIndex; }
    /// What the plots display, for tests: draft bars, c_t and lambda_t curves.
    QVector<double> shownDraft() const;
    QCPGraph* critiqueGraph() const { return m_critique; }
    QCPGraph* haltGraph() const { return m_halt; }
    QCPItemStraightLine* cursorLine() const { return m_cursor; }

protected:
    /// Follows the theme (axes, texts, the title in the expert's colour).
    void changeEvent(QEvent* event) override;
    /// Wraps the title to the new width.
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateTitle();
    void wrapTitle();

    mor::ExpertTrace m_trace;
    int m_numClasses = 0;
    int64_t m_label = -1;
    int m_cursorT = 1;
    int m_shownIndex = -1;
    QString m_widthText;
    QString m_fullTitle; ///< the title in one line (plus the width line); wrapTitle() breaks it

    QCPTextElement* m_title;
    QCPLayoutGrid* m_grid;
    QCPAxisRect* m_timeRect;
    QCPAxisRect* m_stripRect;
    QCPAxisRect* m_draftRect;
    QCPGraph* m_critique;
    QCPGraph* m_halt;
    QCPGraph* m_rightMarks;
    QCPGraph* m_wrongMarks;
    QCPColorMap* m_strip;
    QCPBars* m_draft;
    QCPBars* m_draftLabel;
    QCPItemStraightLine* m_cursor;
    QCPItemStraightLine* m_stripCursor;
    QCPItemStraightLine* m_haltLine;
    QCPItemStraightLine* m_thresholdLine;
    QCPItemRect* m_extraBand;
};

} // namespace inspect
