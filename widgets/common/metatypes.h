#pragma once
// Core structs that travel through queued signals or QVariant.
#include "mor/config.h"
#include "mor/trainer.h"

#include <QMetaType>

Q_DECLARE_METATYPE(mor::TrainingProgress)
Q_DECLARE_METATYPE(mor::ExperimentConfig)
