// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/planeevaluator.h"

#include "common/engineaccess.h"
#include "mor/engine_interface.h"
#include "mor/log_reader.h"

#include <algorithm>
#include <exception>

namespace playground {

namespace {

std::vector<mor::PredictInput> gridInputs(const PlaneRequest& r) {
    std::vector<mor::PredictInput> inputs;
    inputs.reserve(static_cast<size_t>(r.grid * r.grid) + r.testLabels.size());
    for (int row = 0; row < r.grid; ++row) {
        const double y = r.bounds.bottom() - (row + 0.5) * r.bounds.height() / r.grid;
        for (int col = 0; col < r.grid; ++col) {
            const double x = r.bounds.left() + (col + 0.5) * r.bounds.width() / r.grid;
            mor::PredictInput input;
            input.features = {static_cast<float>(x), static_cast<float>(y)};
            input.trace = r.steps;
            inputs.push_back(std::move(input));
        }
    }
    for (qsizetype i = 0; i < r.testLabels.size(); ++i) {
        mor::PredictInput input;
        input.features = {r.testFeatures[2 * i], r.testFeatures[2 * i + 1]};
        inputs.push_back(std::move(input));
    }
    return inputs;
}

/// Every expert's draft per reflection step from the grid cells' traces.
void fillSteps(PlaneFrame& frame, const std::vector<mor::Prediction>& predictions) {
    const int cells = frame.grid * frame.grid;
    int steps = 0;
    for (int i = 0; i < cells; ++i) {
        for (const mor::ExpertTrace& e : predictions[static_cast<size_t>(i)].trace.experts) {
            steps = std::max(steps, static_cast<int>(e.steps.size()));
        }
    }
    frame.steps = steps;
    frame.stepAnswer.fill(-1, cells * frame.numExperts * steps);
    frame.stepConfidence.fill(0.f, cells * frame.numExperts * steps);
    for (int i = 0; i < cells; ++i) {
        for (const mor::ExpertTrace& e : predictions[static_cast<size_t>(i)].trace.experts) {
            for (size_t t = 0; t < e.steps.size(); ++t) {
                const mor::StepTrace& step = e.steps[t];
                const int at = frame.stepIndex(i, e.expert, static_cast<int>(t));
                frame.stepAnswer[at] = static_cast<qint8>(step.pred);
                frame.stepConfidence[at] =
                    step.pred >= 0 && step.pred < static_cast<int64_t>(step.probs.size())
                        ? step.probs[static_cast<size_t>(step.pred)]
                        : 0.f;
            }
        }
    }
}

PlaneFrame frameOf(const PlaneRequest& r, const mor::ModelSummary& summary,
                   const std::vector<mor::Prediction>& predictions) {
    PlaneFrame frame;
    frame.step = summary.checkpointStep;
    frame.grid = r.grid;
    frame.bounds = r.bounds;
    frame.numClasses = static_cast<int>(summary.numClasses);
    frame.numExperts = static_cast<int>(summary.numExperts);
    const int cells = r.grid * r.grid;
    frame.answer.resize(cells);
    frame.confidence.resize(cells);
    frame.gates.fill(0.f, cells * frame.numExperts);
    frame.depth.resize(cells);
    frame.conflict.resize(cells);
    for (int i = 0; i < cells; ++i) {
        const mor::Prediction& p = predictions[static_cast<size_t>(i)];
        frame.answer[i] = static_cast<qint8>(p.answer);
        frame.confidence[i] = p.confidence;
        int deepest = 0;
        for (size_t k = 0; k < p.experts.size(); ++k) {
            frame.gates[i * frame.numExperts + p.experts[k]] = p.gates[k];
            deepest = std::max(deepest, p.depth[k]);
        }
        frame.depth[i] = static_cast<float>(deepest);
        frame.maxDepth = std::max(frame.maxDepth, deepest);
        frame.conflict[i] = p.conflictScore;
    }
    if (r.steps) {
        fillSteps(frame, predictions);
    }
    if (!r.testLabels.isEmpty()) {
        qint64 right = 0;
        for (qsizetype k = 0; k < r.testLabels.size(); ++k) {
            right += predictions[static_cast<size_t>(cells + k)].answer == r.testLabels[k];
        }
        frame.accuracy = static_cast<double>(right) / static_cast<double>(r.testLabels.size());
    }
    return frame;
}

} // namespace

PlaneEvaluator::PlaneEvaluator(QObject* parent) : QObject(parent) {}

PlaneEvaluator::~PlaneEvaluator() = default;

qint64 PlaneEvaluator::newestCheckpoint(const PlaneRequest& request) {
    if (!m_reader || m_readerPath != request.logPath) {
        auto opened = mor::LogReader::open(request.logPath.toStdString());
        m_reader = opened ? std::make_unique<mor::LogReader>(std::move(opened).value()) : nullptr;
        m_readerPath = request.logPath;
    }
    if (!m_reader) {
        return -1;
    }
    const auto checkpoints = m_reader->checkpoints(request.runId);
    return checkpoints.empty() ? -1 : checkpoints.back().step;
}

void PlaneEvaluator::evaluate(const PlaneRequest& request) {
    try {
        const qint64 newest = newestCheckpoint(request);
        if (newest < 0 || (!request.force && request.runId == m_lastRun && newest == m_lastStep)) {
            Q_EMIT idle(); // no checkpoint yet, or nothing new
            return;
        }
        mor::PredictorOptions options;
        options.threads = 1;
        // A model of other than 2 features fails (its rows have the wrong size) and stays idle.
        const auto batch = common::EngineAccess::engine().predict(request.logPath.toStdString(),
                                                          request.runId, options,
                                                          gridInputs(request));
        if (!batch || (!request.force && request.runId == m_lastRun &&
                       batch->summary.checkpointStep == m_lastStep)) {
            Q_EMIT idle(); // no checkpoint yet, or nothing new
            return;
        }
        const std::vector<mor::Prediction>& predictions = batch->predictions;
        if (predictions.size() !=
            static_cast<size_t>(request.grid * request.grid + request.testLabels.size())) {
            Q_EMIT idle();
            return;
        }
        PlaneFrame frame = frameOf(request, batch->summary, predictions);
        m_lastRun = request.runId;
        m_lastStep = frame.step;
        Q_EMIT frameReady(frame);
    } catch (const std::exception&) {
        Q_EMIT idle(); // e.g. a checkpoint half written: the next poll tries again
    }
}

} // namespace playground
