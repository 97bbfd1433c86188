#pragma once
// The log the monkey test drives the window over: tiny real trainings of both model families
// (reflection classifiers on parity, recursion sequence models on addition), written through
// the same core call the GUI uses.
#include <QString>

namespace monkey {

/// Trains `perFamily` runs of each family (seeds 1, 2, ...) into `logPath` (a new file).
/// False and *error on failure.
bool writeFixtureLog(const QString& logPath, int perFamily, QString* error);

} // namespace monkey
