#pragma once
// Left side of the reflection stepper: which evaluation step (checkpoint) to inspect and which
// probe input, with filters (all / wrong / conflicted / class / domain), "deepest first" sorting
// and previous/next through the filtered list.
#include <mor/trace.h>

#include <QHash>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace inspect {

class SamplePicker : public QWidget {
    Q_OBJECT
public:
    enum class Filter { All, Wrong, Conflicted, Class, Domain };

    explicit SamplePicker(QWidget* parent = nullptr);

    /// Evaluation steps that hold traces; selects `current` (or the last one).
    void setSteps(const std::vector<int64_t>& steps, int64_t current);
    int64_t currentStep() const;
    /// The traces of the current step (the picker keeps a copy to filter them).
    void setTraces(const std::vector<mor::SampleTrace>& traces);
    /// Adds (or replaces) one trace of the current step, e.g. an input that is not a probe input
    /// traced from the checkpoint; the list keeps its selection.
    void addTrace(const mor::SampleTrace& trace);
    /// Clears the list's selection (the input on screen is not in the list); Next then starts
    /// at the top.
    void clearSelection();
    /// Preview text per sample id, shown as the list items' tooltips.
    void setPreviews(QHash<qint64, QString> previews);

    void setFilter(Filter filter, int64_t value = 0);
    void setDeepestFirst(bool on);
    /// Sample ids of the filtered list, in list order.
    std::vector<int64_t> filteredIds() const;
    int64_t currentSample() const;
    /// Selects `sampleId` (clearing the filter if it hides it). False when it is not traced.
    bool selectSample(int64_t sampleId);

public Q_SLOTS:
    void previous();
    void next();

Q_SIGNALS:
    void stepChanged(qint64 step);
    /// -1 when the filtered list became empty: nothing is selected.
    void sampleChosen(qint64 sampleId);

protected:
    void changeEvent(QEvent* event) override;

private:
    void colourItems();
    /// The minimum width that shows the widest list entry whole (it grows with the font).
    void fitWidth();
    void rebuildFilterChoices();
    void rebuildList();
    bool passes(const mor::SampleTrace& trace) const;

    std::vector<mor::SampleTrace> m_traces;
    QHash<qint64, QString> m_previews;
    QComboBox* m_stepCombo;
    QComboBox* m_filterCombo;
    QCheckBox* m_deepest;
    QListWidget* m_list;
    QPushButton* m_prev;
    QPushButton* m_next;
    QLabel* m_position;
};

/// Reflection depth of an input: the deepest halting step of its selected experts.
int reflectionDepth(const mor::SampleTrace& trace);

} // namespace inspect
