// SPDX-License-Identifier: GPL-3.0-or-later
// Linked (as an object file, through mor_widgets_local_engine in tests/widgets/CMakeLists.txt)
// into the widget tests that train, trace or generate through the GUI: installs this process's
// torch engine in EngineAccess before main(), as mor-studio's main() does. Widget tests that
// only read logs link neither this nor mor_core.
#include "common/engineaccess.h"

#include <mor/engine_interface.h>

namespace {
const bool g_localEngineInstalled = [] {
    common::EngineAccess::install(&mor::localEngine());
    return true;
}();
} // namespace
