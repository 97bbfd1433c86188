#include "train/tensors.h"

namespace mor::train {

DataTensors DataTensors::fromDataset(const Dataset& dataset, const torch::Device& device) {
    DataTensors t;
    const int64_t n = dataset.size();
    t.features = torch::from_blob(const_cast<float*>(dataset.features.data()),
                                  {n, dataset.numFeatures}, torch::kFloat32)
                     .clone()
                     .to(device);
    t.labels = torch::from_blob(const_cast<int64_t*>(dataset.labels.data()), {n}, torch::kInt64)
                   .clone()
                   .to(device);
    if (static_cast<int64_t>(dataset.domains.size()) == n) {
        t.domains = torch::from_blob(const_cast<int64_t*>(dataset.domains.data()), {n},
                                     torch::kInt64)
                        .clone()
                        .to(device);
    } else {
        t.domains = torch::zeros({n}, torch::TensorOptions().dtype(torch::kInt64).device(device));
    }
    return t;
}

DataTensors::Batch DataTensors::batch(const torch::Tensor& indices) const {
    return {features.index_select(0, indices), labels.index_select(0, indices),
            domains.index_select(0, indices)};
}

DataTensors::Batch DataTensors::batch(const std::vector<int64_t>& indices) const {
    return batch(indexTensor(indices, features.device()));
}

torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device) {
    return torch::tensor(indices, torch::kInt64).to(device);
}

} // namespace mor::train
