#pragma once
// The last cursor position of the reflection stepper: how the integration layer fused the
// experts' answers (fusion weights), the conflict score against its threshold, the resolution
// and the final fused distribution.
#include <mor/trace.h>

#include <qcustomplot.h>

namespace inspect {

class IntegrationPanel : public QCustomPlot {
    Q_OBJECT
public:
    explicit IntegrationPanel(QWidget* parent = nullptr);

    void setTrace(const mor::SampleTrace& trace, int numClasses, double conflictThreshold);
    /// Emphasised while the step cursor stands on the integration.
    void setActive(bool active);
    bool isActive() const { return m_active; }

    /// What the plots display, for tests.
    QVector<double> shownWeights() const;
    QVector<double> shownFused() const;
    double shownConflictScore() const;
    /// The title's text in one line; titleText() as drawn (wrapped to the panel's width).
    QString summary() const { return m_fullTitle; }
    QString titleText() const { return m_title->text(); }

protected:
    /// Follows the theme (the tint of the active state included).
    void changeEvent(QEvent* event) override;
    /// Wraps the title to the new width.
    void resizeEvent(QResizeEvent* event) override;

private:
    void wrapTitle();

    QString m_fullTitle;
    bool m_active = false;
    QCPTextElement* m_title;
    QCPAxisRect* m_weightRect;
    QCPAxisRect* m_conflictRect;
    QCPAxisRect* m_fusedRect;
    QCPBars* m_weights;
    QCPBars* m_conflict;
    QCPBars* m_fused;
    QCPBars* m_fusedLabel;
    QCPItemStraightLine* m_threshold;
};

} // namespace inspect
