#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The one place the widgets reach the torch engine (training, tracing, counterfactuals,
// generation, prediction, pruning, retraining): an EngineInterface installed once by the
// executable (mor-studio and the tests that train install mor::localEngine(); a test may
// install a fake). mor_widgets itself links no torch.
namespace mor {
class EngineInterface;
}

namespace common {

class EngineAccess {
public:
    /// Installs the engine every view uses from now on (null: none). Not owned; it must outlive
    /// the views. Call before building the window.
    static void install(mor::EngineInterface* engine);
    /// Whether an engine is installed (views that need one disable their controls without).
    static bool installed();
    /// The installed engine, or one whose every call fails with a message saying that this
    /// program has no engine (never null, never a crash). Thread-safe.
    static mor::EngineInterface& engine();
};

} // namespace common
