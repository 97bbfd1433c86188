#pragma once
// Writing a module's weights as a TorchScript archive in a chosen storage type, and reading
// such an archive back into a module of the same shape (int8 weights dequantised).
#include "mor/predictor.h"

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace mor::serve {

struct ArchiveStats {
    int64_t tensors = 0;
    int64_t quantised = 0;
    int64_t floatBytes = 0; ///< bytes of every tensor stored as float32 (non-float as is)
};

/// Writes `module` (submodules as nested archives, like torch::save) in `dtype`. Int8 is
/// weight-only with one float32 scale per output row, on the matrices of Linear layers and
/// of GRU/LSTM/RNN cells; the model still computes in float32 after loading (dequantised).
/// These stay float32: routers and one-output score layers (they take discrete routing and
/// halting decisions), the output heads (their rows are compared by the argmax), embeddings,
/// norms, biases and every other tensor.
bool saveWeightArchive(const torch::nn::Module& module, const std::string& path,
                       WeightDType dtype, ArchiveStats* stats, std::string* error);
/// Reads every parameter and buffer of `module` from `path` (written by saveWeightArchive or
/// torch::save for the same architecture) into the module's own tensors and dtype.
bool loadWeightArchive(torch::nn::Module& module, const std::string& path, std::string* error);

} // namespace mor::serve
