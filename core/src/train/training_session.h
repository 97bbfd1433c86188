#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Kept for the code that builds a reflection model outside the engine (serving, tests). The
// training loop itself is engine/training_session.h.
#include "engine/checkpoint.h"
#include "engine/run.h"
#include "train/reflection_family.h"

namespace mor::train {

using engine::checkpointDirFor;
using engine::resolveDevice;

} // namespace mor::train
