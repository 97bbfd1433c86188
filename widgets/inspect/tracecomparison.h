#pragma once
// Two traces of one input side by side — the original and a counterfactual (issue 19): per
// expert its gate, drafts, critiques, halting probabilities and halting step; the fused
// answer, its confidence, the conflict score and the verdict; and one line saying what
// changed. Values that differ from the original are bold in the counterfactual column.
#include <mor/trace.h>

#include <QWidget>

#include <optional>

class QLabel;
class QTreeWidget;

namespace inspect {

class TraceComparison : public QWidget {
    Q_OBJECT
public:
    enum Side { Original = 0, Changed = 1 };
    explicit TraceComparison(QWidget* parent = nullptr);

    /// Shows both traces; `what` names the intervention (the counterfactual column's title).
    void setTraces(const mor::SampleTrace& original, const mor::SampleTrace& changed,
                   const QString& what);
    /// Empties both columns and shows `message` in the summary line.
    void clear(const QString& message);

    /// For tests and screenshots: the tree of a side (one top-level row per expert, one child
    /// per step; every number also in Qt::UserRole), the fused-answer fields ("answer",
    /// "confidence", "conflict", "verdict", "expertSteps"; their value in the "value" property)
    /// and the summary line.
    QTreeWidget* tree(Side side) const { return m_columns[side].tree; }
    QLabel* field(Side side, const QString& name) const;
    QString summary() const;

    /// One line: what changed from `a` to `b` (answer, verdict, confidence, D, expert-steps).
    static QString changeSummary(const mor::SampleTrace& a, const mor::SampleTrace& b);

private:
    struct Column {
        QLabel* title = nullptr;
        QLabel* answer = nullptr;
        QLabel* confidence = nullptr;
        QLabel* conflict = nullptr;
        QLabel* verdict = nullptr;
        QLabel* expertSteps = nullptr;
        QTreeWidget* tree = nullptr;
    };
    QWidget* makeColumn(Column& column, const QString& name);
    void fill(Column& column, const mor::SampleTrace& trace);
    void markDifferences();

    Column m_columns[2];
    QLabel* m_summary;
};

/// Confidence of a trace's fused answer: its probability in the fused distribution.
float answerConfidence(const mor::SampleTrace& trace);

} // namespace inspect
