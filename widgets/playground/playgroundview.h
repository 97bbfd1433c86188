#pragma once
// The Playground tab: a small MoR model trains live on a 2-D data set (its own
// TrainingController, the same engine as the Training view) while the plane is repainted from
// each new checkpoint. Knobs restart the training at once; Rewind restarts it from the same
// seed, so the same initial weights and data.
#include "playground/planeframe.h"

#include "mor/config.h"

#include <QTemporaryDir>
#include <QThread>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace mor {
struct TrainingProgress;
}

namespace training {
class TrainingController;
} // namespace training

class QFormLayout;
class QGridLayout;

namespace playground {

class PlaneEvaluator;
class PlaneView;

class PlaygroundView : public QWidget {
    Q_OBJECT
public:
    explicit PlaygroundView(QWidget* parent = nullptr);
    ~PlaygroundView() override;

    /// Loads a bundled playground demo (its data, model and training) into the knobs.
    bool loadDemo(const QString& name);
    /// The config the knobs describe (what Train runs).
    mor::ExperimentConfig config() const;
    bool isTraining() const;
    /// Paused by Step (or the controller); the batch it paused after, -1 when not paused.
    bool isPaused() const;
    qint64 pausedAtStep() const { return m_pausedAt; }
    /// The run being trained (or last trained) in the playground's log; -1 before the first.
    qint64 runId() const { return m_runId; }
    PlaneView* plane() const { return m_plane; }
    /// The temporary folder of the playground's log, checkpoints and point files; removed by
    /// a worker after the view is gone (common::removeFolderInBackground).
    QString workFolder() const { return m_dir.path(); }
    /// Presentation mode: the advanced knobs (points, routing strategy, halting threshold,
    /// learning rate) are hidden; the demo, the data, the experts and the depth stay.
    void setPresentationMode(bool on);

    /// Places a point of class `label` at plane position `position`: it joins the training
    /// data (the generated training points plus the user's, written as a CSV file) at the next
    /// start, and a running training restarts with it at once.
    void addUserPoint(const QPointF& position, int label);
    void clearUserPoints();
    int userPointCount() const { return int(m_userLabels.size()); }
    /// The config the next start trains: config(), and with user points the CSV files holding
    /// the generated training points plus the user's (the test points stay the generated ones).
    mor::ExperimentConfig trainingConfig();

public Q_SLOTS:
    void train();
    /// Trains exactly one batch: starts or resumes the training, and the worker pauses it again
    /// after that batch (the plane repaints at the next checkpoint, every 5 batches).
    void stepOnce();
    void stop();
    /// Same seed, same initial weights and data: a change can be compared fairly.
    void rewind();

Q_SIGNALS:
    /// A new picture of the plane was painted (step of its checkpoint, test accuracy).
    void framePainted(qint64 step, double accuracy);
    void trainingFinished(const QString& status);

protected:
    void changeEvent(QEvent* event) override;

private:
    void buildKnobs(QWidget* panel); ///< playgroundknobs.cpp
    /// Shows or hides a knob of the grid with its name (presentation mode hides a few).
    void setKnobVisible(QWidget* knob, bool visible);
    void knobChanged();
    void refreshPoints();
    void poll();
    void onFrame(const PlaneFrame& frame);
    void onProgress(const mor::TrainingProgress& progress);
    void onFinished(qint64 runId, const QString& status, const QString& error);
    void startNow();
    void retranslate();
    void mapChanged(int index);

    mor::ExperimentConfig m_base; ///< the loaded demo; the knobs override parts of it
    training::TrainingController* m_controller = nullptr;
    QThread m_evalThread;
    PlaneEvaluator* m_evaluator = nullptr;
    QTemporaryDir m_dir;
    QTimer* m_poll = nullptr;
    PlaneView* m_plane = nullptr;
    QCustomPlot* m_curves = nullptr;
    QGridLayout* m_knobs = nullptr; ///< two knobs a row: name, box, name, box
    QFormLayout* m_expertStepRows = nullptr; ///< Paint, Expert, Step t
    QComboBox* m_demo = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_map = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_experts = nullptr;
    QSpinBox* m_topK = nullptr;
    QComboBox* m_strategy = nullptr;
    QSpinBox* m_depth = nullptr;
    QDoubleSpinBox* m_haltThreshold = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QPushButton* m_train = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_rewind = nullptr;
    QPushButton* m_step = nullptr;
    QPushButton* m_clearPoints = nullptr;
    QSpinBox* m_expertPick = nullptr; ///< the expert the "expert at step t" map shows
    QSlider* m_stepSlider = nullptr;  ///< its reflection step t (1-based)
    QLabel* m_stepLabel = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_lesson = nullptr;
    QVector<float> m_testFeatures;
    QVector<qint64> m_testLabels;
    QVector<float> m_fitFeatures; ///< generated training + validation points (plane coords)
    QVector<qint64> m_fitLabels;
    QVector<float> m_userFeatures; ///< the points the user placed
    QVector<qint64> m_userLabels;
    int m_numClasses = 2;
    bool m_stepPending = false; ///< stepping (Step): note the batch the worker paused at
    qint64 m_pausedAt = -1;
    qint64 m_runId = -1;
    bool m_evaluating = false;
    bool m_restartPending = false;
    bool m_forceNext = false; ///< the next poll evaluates even without a new checkpoint
    bool m_loading = false;
};

} // namespace playground
