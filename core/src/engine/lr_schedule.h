#pragma once
#include "mor/config.h"

#include <cstdint>

namespace mor::engine {

/// Linear warmup, then constant, cosine, or cosine with warm restarts (SGDR).
class LrSchedule {
public:
    LrSchedule(const TrainConfig& config, int64_t totalSteps, int64_t stepsPerEpoch);
    /// Learning rate for optimizer step `step` (0-based).
    double at(int64_t step) const;

private:
    double m_base;
    int64_t m_warmup, m_total, m_period;
    enum class Kind { Constant, Cosine, Restarts } m_kind;
};

} // namespace mor::engine
