#pragma once
// The "what if" knobs of the reflection stepper (issue 19): halt every expert at step k, run
// n extra steps, veto experts, force a routing (experts and, optionally, their gates), and cut
// the critique feedback. Reads and writes a mor::Intervention.
#include <mor/trainer.h>

#include <QWidget>

#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace inspect {

class CounterfactualControls : public QWidget {
    Q_OBJECT
public:
    explicit CounterfactualControls(QWidget* parent = nullptr);

    /// Number of experts of the run and its deepest expert (the halt-at range).
    void setModel(int experts, int maxDepth);
    int experts() const { return int(m_veto.size()); }

    mor::Intervention intervention() const;
    void setIntervention(const mor::Intervention& intervention);
    /// Enables the Run button (off while a counterfactual is computed or no input is open).
    void setRunEnabled(bool enabled);

    /// A short description of an intervention, e.g. "halt at t=1, veto E2" (translated).
    static QString describe(const mor::Intervention& intervention);

Q_SIGNALS:
    void runRequested();

private:
    void updateEnabled();

    QSpinBox* m_haltAt;
    QSpinBox* m_extra;
    QCheckBox* m_noFeedback;
    QCheckBox* m_ownGates;
    QGridLayout* m_grid;
    QPushButton* m_run;
    QPushButton* m_reset;
    std::vector<QCheckBox*> m_veto;
    std::vector<QCheckBox*> m_route;
    std::vector<QDoubleSpinBox*> m_gate;
    std::vector<QLabel*> m_names;
};

} // namespace inspect
