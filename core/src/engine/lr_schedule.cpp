#include "engine/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace mor::engine {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kFloor = 0.02; // cosine decays to 2% of the base rate, not to zero
} // namespace

LrSchedule::LrSchedule(const TrainConfig& config, int64_t totalSteps, int64_t stepsPerEpoch)
    : m_base(config.learningRate), m_warmup(std::max<int64_t>(0, config.warmupSteps)),
      m_total(std::max<int64_t>(1, totalSteps)),
      m_period(config.restartPeriod > 0 ? config.restartPeriod : std::max<int64_t>(1, stepsPerEpoch)),
      m_kind(config.schedule == LearningRateSchedule::Constant         ? Kind::Constant
             : config.schedule == LearningRateSchedule::CosineRestarts ? Kind::Restarts
                                                                       : Kind::Cosine) {}

double LrSchedule::at(int64_t step) const {
    if (step < m_warmup) {
        return m_base * double(step + 1) / double(m_warmup);
    }
    const int64_t s = step - m_warmup;
    double progress = 0.0;
    switch (m_kind) {
    case Kind::Constant:
        return m_base;
    case Kind::Cosine:
        progress = double(s) / double(std::max<int64_t>(1, m_total - m_warmup));
        break;
    case Kind::Restarts:
        progress = double(s % m_period) / double(m_period);
        break;
    }
    progress = std::clamp(progress, 0.0, 1.0);
    return m_base * (kFloor + (1.0 - kFloor) * 0.5 * (1.0 + std::cos(kPi * progress)));
}

} // namespace mor::engine
