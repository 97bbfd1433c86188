#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The optimizer a TrainConfig asks for, for any family's parameters, and gradient clipping.
#include "mor/config.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace mor::engine {

/// AdamW (Loshchilov & Hutter 2019) exactly as torch::optim::AdamW defines it (decoupled decay
/// p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2, or its running max with
/// amsgrad; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)), its state and its
/// save/load the same (checkpoints written by either load into the other), but each float CPU
/// parameter updated in one pass over its values instead of nine tensor operations: the
/// optimizer step of a model with many small tensors (an expert's ten, times E) is dominated
/// by per-operation overhead. Other parameters (GPU, other dtypes, non-contiguous) take
/// torch::optim::AdamW's operations. Within float rounding of torch's (tst_optimizer).
class FusedAdamW : public torch::optim::AdamW {
public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

/// SGD with momentum, dampening, weight decay and Nesterov exactly as torch::optim::SGD defines
/// them (its state and save/load), each float CPU parameter updated in one pass, all in one
/// OpenMP region per step, like FusedAdamW; other parameters take torch's operations.
class FusedSGD : public torch::optim::SGD {
public:
    using torch::optim::SGD::SGD;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

/// train.optimizer: "sgd" (FusedSGD, momentum 0.9, weight decay), "adam" (AdamW without decay)
/// or "adamw" (FusedAdamW); *name says which was built.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& config,
                                                       const std::vector<torch::Tensor>& params,
                                                       std::string* name);
/// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

/// Optimizer::zero_grad of LibTorch 1.13 in two halves, with its effect (a parameter that had a
/// gradient has one after the step's backward passes: theirs, or zero where they gave none, so
/// AdamW keeps decaying its moments) but without an operation per parameter before and after
/// the backward passes: clearGradients() drops the gradients (a backward pass then hands its
/// buffers over instead of adding them into zeros) and returns the parameters that had one;
/// zeroMissingGradients() gives those still without one a zero gradient. (LibTorch 2.x's
/// zero_grad frees the gradients instead: these keep the engine's steps the same on both.)
std::vector<torch::Tensor> clearGradients(const std::vector<torch::Tensor>& params);
void zeroMissingGradients(const std::vector<torch::Tensor>& hadGradient);

/// Clips the gradients of `params` to a global L2 norm of at most maxNorm, as
/// torch::nn::utils::clip_grad_norm_ (norm type 2) does: scale = maxNorm / (norm + 1e-6) when
/// that is below 1. Returns the norm before clipping (non-finite when a gradient is; 0 without
/// gradients). Float CPU gradients are summed in one pass each (in double) and scaled only when
/// clipped, instead of four tensor operations per parameter every step.
double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);

} // namespace mor::engine
