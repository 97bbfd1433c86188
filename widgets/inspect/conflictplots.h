#pragma once
// The conflict inspector's plots: score histogram (with the threshold), conflict rate over
// training, and accuracy of the resolved answers against the conflict score.
#include <mor/log_reader.h>

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;

namespace inspect {

struct RateSeries {
    std::vector<double> steps;
    std::vector<double> rates;
    QString source; ///< where the numbers come from, shown as the y label
};

class ConflictPlots : public QWidget {
    Q_OBJECT
public:
    explicit ConflictPlots(QWidget* parent = nullptr);
    /// `conflicts` as shown in the table (already filtered), the rate series of the run.
    void setData(const std::vector<mor::ConflictRecord>& conflicts, const RateSeries& rate,
                 double threshold);
    /// Binned accuracy: bin centres, accuracy and count per bin (for tests).
    struct Binned {
        std::vector<double> centres, accuracy;
        std::vector<int> counts;
    };
    static Binned accuracyByScore(const std::vector<mor::ConflictRecord>& conflicts, int bins);
    /// Room for a title, an axis title, tick labels and a plot area at the current font: the
    /// splitter above keeps the plots readable when presentation mode enlarges the font
    /// instead of the window growing.
    QSize minimumSizeHint() const override;

private:
    QCustomPlot* m_histogram;
    QCPBars* m_histBars;
    QCPItemStraightLine* m_threshold;
    QCPItemText* m_thresholdLabel;
    QCustomPlot* m_rate;
    QCPGraph* m_rateGraph;
    QCustomPlot* m_accuracy;
    QCPBars* m_accBars;
    std::vector<QCPItemText*> m_countLabels;
};

} // namespace inspect
