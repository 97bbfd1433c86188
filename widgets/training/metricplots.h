#pragma once
// The live curves of one run, read from the log: losses (each term), accuracy (train and
// validation), activation per expert, mean depth and conflict rate, learning rate and
// throughput. Keys are discovered with LogReader::metricKeys(), so new terms just appear.
#include <QHash>
#include <QPointF>
#include <QVector>
#include <QWidget>

#include <memory>
#include <vector>

class QCustomPlot;

namespace mor {
class LogReader;
}

namespace training {

class MetricPlots : public QWidget {
    Q_OBJECT
public:
    enum Plot { Losses, Accuracy, Activation, DepthConflict, LearningRate, PlotCount };
    explicit MetricPlots(QWidget* parent = nullptr);
    ~MetricPlots() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// Re-reads every curve of the run from the log (cheap: downsampled).
    void refresh();
    /// The curves of a run as read from the log (plain data, read on any thread).
    struct Data {
        std::vector<std::pair<QString, QVector<QPointF>>> curves; ///< key, downsampled points
    };
    static Data read(const mor::LogReader* reader, qint64 runId);
    /// Shows `data` of run `runId`; a new run (setRun) first drops the old run's curves.
    void show(std::shared_ptr<const mor::LogReader> reader, qint64 runId, bool newRun,
              Data& data);
    QCustomPlot* plot(Plot which) const { return m_plots[which]; }
    /// Number of curves (graphs) currently shown in a plot.
    int curveCount(Plot which) const;
    /// Replay: draws only the points up to `step` (inclusive); -1 draws everything. The step
    /// axis keeps the whole run, so the curves visibly grow while a replay plays.
    void setStepLimit(qint64 step);
    qint64 stepLimit() const { return m_stepLimit; }
    /// The (step, value) points drawn for metric `key` (empty when it has no curve).
    QVector<QPointF> shownPoints(const QString& key) const;
    /// Re-applies the palette (after a theme change) and the titles (after a language change).
    void restyle();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Curve {
        QString key;
        int plot;
        bool rightAxis;
    };
    static std::vector<Curve> curvesFor(const std::vector<std::string>& keys);
    QString titleOf(int plot) const;
    /// Sets every graph's data from m_points, cut at the step limit, and fits the axes.
    void applyPoints();
    /// Step ticks and legend columns that fit the plot's width (a narrow plot at 1280 px had
    /// its step labels run together and its legend entries cut off).
    void fitToWidth(QCustomPlot* plot);

    std::shared_ptr<const mor::LogReader> m_reader;
    qint64 m_runId = -1;
    qint64 m_stepLimit = -1;
    /// Points read from the log per curve (graph name), so a replay never re-reads the log.
    QHash<QString, QVector<QPointF>> m_points;
    QCustomPlot* m_plots[PlotCount] = {};
};

} // namespace training
