#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Writing a run's weights as a TorchScript archive: behind mor::Run::exportWeights (mor/run.h),
// which is the public entry point.
#include "mor/predictor.h"

#include <cstdint>
#include <string>

namespace mor::serve {

/// Writes the weights of a run's checkpoint (either family) as a TorchScript archive that
/// Python loads with torch.jit.load and `mor serve --weights` reads back. The archive holds
/// one submodule per model part; int8 weights are a tensor "<name>" of dtype int8 plus a
/// buffer "<name>_scale" [rows] (dequantised: int8 * scale[:, None]). A float32 export has
/// exactly the names and values torch::save writes for the model.
bool exportRunWeights(const std::string& logPath, int64_t runId, const std::string& outPath,
                      const WeightExportOptions& options, WeightExportReport* report,
                      std::string* error);

} // namespace mor::serve
