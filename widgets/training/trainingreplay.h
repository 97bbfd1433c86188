#pragma once
// Replay of a run, evaluation by evaluation: play / pause / step with a speed setting. At
// evaluation k it shows what the log holds for that step — the routing heatmap, the activation
// per expert, the accuracy per reflection step, the probe inputs' results — and tells the
// curves to stop at that step (stepLimitChanged). The transport bar is a separate widget
// (bar()) so the training view can put it above the curves.
#include "common/routingheatmap.h"
#include "shell/logreads.h"
#include "training/replayframes.h"

#include <QWidget>

#include <map>
#include <memory>
#include <optional>
#include <vector>

class QLabel;

namespace common {
class StepCursorBar;
} // namespace common

namespace training {

class TrainingReplay : public QWidget {
    Q_OBJECT
public:
    explicit TrainingReplay(QWidget* parent = nullptr);
    ~TrainingReplay() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// Re-reads the evaluations (a running run grew). At the newest one it follows new ones.
    void refresh();

    /// What an evaluation shows besides its metrics: its routing snapshot and probe results.
    struct FrameContent {
        qint64 step = -1;          ///< the evaluation's step (-1: none)
        qint64 routingStep = -1;   ///< its snapshot's step (-1: none)
        bool routingKept = false;  ///< the snapshot shown already is this one: not read again
        std::optional<mor::RoutingSnapshot> snapshot;
        int probes = 0, probesRight = 0;
    };
    /// What setRun() (reset) and refresh() read: plain data, read on any thread.
    struct Data {
        bool reset = false;
        std::map<int64_t, common::RowMeta> meta; ///< the run's inputs (reset only)
        std::vector<EvaluationFrame> frames;
        int index = -1; ///< the evaluation to show
        FrameContent content; ///< of frames[index]
    };
    /// The read half of setRun() (reset) and refresh(), given what the replay shows now.
    Data readState(const mor::LogReader* reader, qint64 runId, bool reset) const {
        return read(reader, runId, reset, m_shown, frameCount(), m_routingShown);
    }
    static Data read(const mor::LogReader* reader, qint64 runId, bool reset, int shown,
                     int shownFrames, qint64 routingShown);
    /// The GUI half: shows `data` of run `runId`.
    void show(std::shared_ptr<const mor::LogReader> reader, qint64 runId, Data& data);
    /// Where an evaluation picked while replaying is read (the window's view pool); none:
    /// on the GUI thread.
    void setReadPool(QThreadPool* pool) { m_frameReads.setPool(pool); }

    int frameCount() const { return int(m_frames.size()); }
    const std::vector<EvaluationFrame>& frames() const { return m_frames; }
    /// Index of the evaluation shown (0-based; -1 when the run has none).
    int position() const;
    /// Step of the routing snapshot in the heatmap (-1 none, -2 none read yet).
    qint64 routingShown() const { return m_routingShown; }
    void setPosition(int index);
    const EvaluationFrame* currentFrame() const;
    /// The step the curves stop at: the current evaluation's step, or -1 (everything) at the
    /// newest evaluation, where the replay meets the live view.
    qint64 stepLimit() const;
    bool isPlaying() const;
    void setPlaying(bool playing);

    common::StepCursorBar* bar() const { return m_bar; }
    common::RoutingHeatmap* heatmap() const { return m_heatmap; }
    QVector<double> shownActivation() const;
    QVector<double> shownStepAccuracy() const;
    /// Probe inputs traced at the shown evaluation, and how many of them were answered right.
    int shownProbeCount() const { return m_probes; }
    int shownProbesRight() const { return m_probesRight; }
    QString captionText() const;

Q_SIGNALS:
    void stepLimitChanged(qint64 step);

protected:
    void changeEvent(QEvent* event) override;
    /// The small plots' titles break onto two lines when their plot is too narrow for them.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    static FrameContent readContent(const mor::LogReader* reader, qint64 runId,
                                    const EvaluationFrame& frame, qint64 routingShown);
    void applyContent(FrameContent& content);
    void showFrame(int index);
    /// Shows the panels the run's family logs (routing, activation, per-step accuracy) and a
    /// note instead when it logs none of them (recursion runs).
    void updatePanels();
    void retranslateUi();

    std::shared_ptr<const mor::LogReader> m_reader;
    qint64 m_runId = -1;
    std::vector<EvaluationFrame> m_frames;
    std::map<int64_t, common::RowMeta> m_meta; ///< per sample id, for the heatmap's sorting
    int m_shown = -1;
    qint64 m_routingShown = -2; ///< step of the snapshot in the heatmap (-1 none, -2 stale)
    qint64 m_contentStep = -1;  ///< the evaluation whose snapshot and probes are shown
    std::optional<FrameContent> m_prefetched; ///< read with the frames, for showFrame()
    shell::LogReads m_frameReads;
    int m_probes = 0;
    int m_probesRight = 0;

    common::StepCursorBar* m_bar;
    QLabel* m_caption;
    QLabel* m_note; ///< what this family shows elsewhere, when no panel applies
    QLabel* m_heatmapTitle;
    common::RoutingHeatmap* m_heatmap;
    QCustomPlot* m_activation;
    QCPBars* m_activationBars;
    QCustomPlot* m_stepAccuracy;
    QCPBars* m_stepAccuracyBars;
};

} // namespace training
