#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The loops of engine::FusedAdamW, engine::FusedSGD and engine::clipGradNorm (optimizer.h) over
// raw float arrays: plain C++ without torch, compiled with OpenMP (core/src/engine/CMakeLists.txt)
// so that one parallel region per optimizer step covers every parameter (chunks of all tensors
// shared among the threads), vectorised (AVX2/FMA where the CPU has it, chosen at load time).
#include <cstdint>
#include <vector>

namespace mor::engine::kernel {

/// One parameter's AdamW update: its arrays (n values each; vMax null without amsgrad) and the
/// step's scalars, as float (what ATen applies to a float tensor).
struct AdamWTensor {
    float* p = nullptr;
    const float* g = nullptr;
    float* m = nullptr;
    float* v = nullptr;
    float* vMax = nullptr;
    int64_t n = 0;
    bool decay = false;  ///< p *= decayFactor first
    float decayFactor = 1.0f;
    float beta1 = 0.0f, oneMinusBeta1 = 0.0f;
    float beta2 = 0.0f, oneMinusBeta2 = 0.0f;
    float rootCorrection2 = 1.0f; ///< sqrt(1 - beta2^t)
    float eps = 0.0f;
    float negStepSize = 0.0f; ///< -lr / (1 - beta1^t)
};

/// Every tensor's update, on up to `threads` threads.
void adamw(const std::vector<AdamWTensor>& tensors, int threads);

/// One parameter's SGD update (torch::optim::SGD): d = g + wd p; with momentum the buffer
/// b = d on the first step (`first`), else b = momentum b + (1 - dampening) d, and d = b (or
/// d + momentum b, nesterov); then p -= lr d. buf null: no momentum.
struct SgdTensor {
    float* p = nullptr;
    const float* g = nullptr;
    float* buf = nullptr;
    int64_t n = 0;
    bool first = false;
    bool nesterov = false;
    float weightDecay = 0.0f;
    float momentum = 0.0f;
    float oneMinusDampening = 1.0f;
    float negLr = 0.0f;
};

void sgd(const std::vector<SgdTensor>& tensors, int threads);

/// The sum of squares of every array's values, in double.
double sumOfSquares(const std::vector<std::pair<const float*, int64_t>>& arrays, int threads);

/// Every array's values times c.
void scale(const std::vector<std::pair<float*, int64_t>>& arrays, float c, int threads);

} // namespace mor::engine::kernel
