#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Removing a folder of logs and checkpoints can take seconds on a busy disk: never on the GUI
// thread (issue 21: the Playground's teardown stopped the window for 5.1 s).
#include <QString>

namespace common {

/// Removes `path` and everything in it on a worker of the global thread pool and returns at
/// once. QCoreApplication's destructor waits for that pool, so nothing is left behind when
/// the application ends.
void removeFolderInBackground(const QString& path);

} // namespace common
