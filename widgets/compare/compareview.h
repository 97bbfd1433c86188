#pragma once
// Compare runs: the selected runs' curves of one metric overlaid (smoothing, seed groups as a
// mean with its 95% CI band, x axis step, wall time, FLOPs or expert-steps, log scale), their
// config diff, a summary table and the seed groups with Welch's t-test between two of them.
// Reads the log on the log session's view pool (compareread.h), never on the GUI thread.
#include "compare/comparecurves.h"
#include "shell/logreads.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSplitter;
class QSlider;
class QTabWidget;
class QThreadPool;

namespace mor {
class LogReader;
}

namespace compare {

class CompareConfigDiff;
class CompareGroups;
class ComparePrunePair;
class CompareRoutingPair;
class CompareCurves;
class CompareSummary;
struct CompareRead;

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    /// Reads of the log run on `pool` (the log session's view pool) and are shown when they come
    /// back; a newer read supersedes an older one. Without a pool the view reads on the calling
    /// thread (a view built on its own).
    void setReadPool(QThreadPool* pool);
    /// True from a read of the log until what it read is shown.
    bool isReading() const { return m_reads.isPending() || m_curveReads.isPending(); }

    /// The runs to compare (in this order). Fewer than two: every run of the log (at most the
    /// eight most recent), so the view is never empty while a log has runs.
    void setRuns(std::shared_ptr<const mor::LogReader> reader, const QList<qint64>& runIds);
    /// Re-reads the runs from the log (they may still be training).
    void refresh();

    /// The runs shown (after the fallback to the log's runs; they trail setRuns() while a read
    /// is under way).
    QList<qint64> shownRuns() const { return m_shown; }
    void setMetric(const QString& key);
    QString metric() const;
    void setSmoothing(double weight);
    void setGroupBySeed(bool on);
    void setDifferencesOnly(bool on);
    void setXAxisWallTime(bool on);
    void setXAxis(CompareCurves::XAxis axis);
    CompareCurves::XAxis xAxis() const;
    void setLogScale(bool on);
    double smoothing() const;
    bool isGroupedBySeed() const;
    bool isDifferencesOnly() const;
    bool isXAxisWallTime() const;
    bool isLogScale() const;

    /// Rows of the config diff shown.
    int diffRowCount() const;
    QStringList diffLeaves() const;
    /// Seed groups among the shown runs (a run with no twin is a group of one).
    int groupCount() const { return static_cast<int>(m_groups.size()); }
    /// Summary cell (see CompareSummary::Column).
    QVariant summaryValue(int row, int column) const;
    int summaryRowCount() const;

    CompareCurves* curves() const { return m_curves; }
    CompareSummary* summary() const { return m_summary; }
    CompareConfigDiff* configDiff() const { return m_diff; }
    CompareRoutingPair* routingPair() const { return m_routing; }
    CompareGroups* groups() const { return m_groupsTab; }
    /// Before/after of a pruned run and its parent.
    ComparePrunePair* prunePair() const { return m_prunePair; }
    /// "Compare with parent": shown while the compared runs hold a pruned run without its parent.
    QPushButton* parentButton() const { return m_parentButton; }
    /// Compares the first pruned run of the selection with its parent (Before/after tab).
    void compareWithParent();
    QTabWidget* tables() const { return m_tables; }
    /// Curves above, the tables' pages below.
    QSplitter* splitter() const { return m_split; }

protected:
    void changeEvent(QEvent* event) override;

private:
    /// Shows what readCompare() read.
    void apply(CompareRead& read);
    /// Shows metric `key`: its curves when held, else after a read on the pool.
    void showMetric(const std::string& key);
    /// Draws the held curves (no read).
    void reloadCurves();
    void retranslateUi();
    /// The controls' state survives a restart (QSettings group "compare").
    void restoreSettings();
    void saveSettings() const;

    std::shared_ptr<const mor::LogReader> m_reader;
    QList<qint64> m_requested, m_shown;
    std::shared_ptr<CompareRead> m_data; ///< what is shown, as read
    shell::LogReads m_reads, m_curveReads;
    bool m_resetViewPending = false; ///< reset the curves' zoom when the read is shown
    QList<QList<int>> m_groups;
    QString m_preferredMetric; ///< the user's last choice, kept while a log lacks it
    bool m_restoring = false;
    QLabel* m_hint;
    QLabel* m_metricLabel;
    QComboBox* m_metric;
    QLabel* m_xLabel;
    QComboBox* m_xAxis;
    QLabel* m_smoothingLabel;
    QSlider* m_smoothing;
    QCheckBox* m_logScale;
    QCheckBox* m_groupBySeed;
    QPushButton* m_reset;
    CompareCurves* m_curves;
    QTabWidget* m_tables;
    CompareSummary* m_summary;
    CompareConfigDiff* m_diff;
    CompareRoutingPair* m_routing;
    CompareGroups* m_groupsTab;
    ComparePrunePair* m_prunePair;
    QPushButton* m_parentButton;
    qint64 m_prunedAlone = -1, m_prunedParent = -1; ///< the pruned run the button offers
    QSplitter* m_split = nullptr;
    bool m_splitMoved = false; ///< the user dragged the splitter: their proportions stay
};

} // namespace compare
