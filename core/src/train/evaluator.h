#pragma once
// One pass over a split in eval mode: accuracy, routing, depth, conflicts, compute.
#include "model/mor_model.h"
#include "train/calibration.h"
#include "mor/evaluation.h"
#include "train/tensors.h"

#include <cstdint>
#include <vector>

namespace mor::train {

struct RoutingCapture {
    int64_t maxSamples = 0;          ///< capture p and mask of the first N inputs (0 = none)
    std::vector<float> probs;        ///< [n x E]
    std::vector<uint8_t> mask;       ///< [n x E]
    std::vector<int64_t> sampleIds;
};

/// `critique`, when given, receives the critic's logits and labels for calibration. The ECE
/// and reliability table use the critique the model answers with: sigmoid(z / T_expert).
EvalResult evaluate(model::MoRModel& model, const DataTensors& data,
                    const std::vector<int64_t>& indices, int64_t batchSize,
                    const std::string& split, RoutingCapture* routing = nullptr,
                    CritiqueCapture* critique = nullptr);

} // namespace mor::train
