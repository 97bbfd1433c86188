#pragma once
#include <string>

namespace mor {
/// The application version, e.g. "0.1.0" (set by CMake).
std::string versionString();
/// Schema version of the experiment log this build writes (PRAGMA user_version).
int logSchemaVersion();
} // namespace mor
