#pragma once
// A logged run loaded for inference: the shared first step of Predictor, SequenceGenerator
// and the weight export (torch types; core/src/serve only). Both families are opened by the
// family registry (families/family_registry.h: engine::openFamily).
#include "data/sequence_data.h"
#include "mor/dataset.h"
#include "mor/predictor.h"
#include "model/mor_model.h"
#include "seq/sequence_store.h"
#include "train/reflection_family.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace mor::serve {

struct LoadedReflectionRun {
    ExperimentConfig config;
    std::unique_ptr<train::ReflectionFamily> family; ///< the data set and the network
    model::MoRModel model{nullptr}; ///< the family's network, eval mode, on `device`
    torch::Device device{torch::kCPU};
    int64_t step = 0;               ///< checkpoint step (-1: an exported archive)
    std::string path;               ///< checkpoint or archive read
    std::string name, status;

    const Dataset& dataset() const { return family->dataset(); }
};

/// Config, data set and weights (options.checkpoint / options.weights) of a reflection run
/// (read by engine::readRun, opened by engine::openFamily).
bool loadReflectionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                       LoadedReflectionRun* out, std::string* error);
/// Argmax class of every row of x [N, F] (batches of 512, no grad).
std::vector<int64_t> predictClasses(model::MoRModel& model, const torch::Tensor& x);

/// A recursion run at the checkpoint options.checkpoint and options.step name (opened on the
/// CPU by engine::openFamily), or with the weights of options.weights.
bool loadRecursionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                      seq::LoadedSequenceRun* out, std::string* error);
/// Greedy next-token predictions at every position with a target of `split`, in order.
std::vector<int64_t> predictTokens(seq::RecursionModel& model, const data::SequenceSplit& split);

} // namespace mor::serve
