#pragma once
// A data set as tensors on a device, and batches drawn from it by index.
#include "mor/dataset.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::train {

struct DataTensors {
    torch::Tensor features; ///< [N, F] float
    torch::Tensor labels;   ///< [N] int64
    torch::Tensor domains;  ///< [N] int64

    static DataTensors fromDataset(const Dataset& dataset, const torch::Device& device);

    struct Batch {
        torch::Tensor x, y, domain;
    };
    Batch batch(const torch::Tensor& indices) const;
    Batch batch(const std::vector<int64_t>& indices) const;
};

/// Indices as an int64 tensor on `device`.
torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device);

} // namespace mor::train
