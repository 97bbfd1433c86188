#pragma once
#include <string>

namespace mor::detail {

/// Reads a whole file into `out`, gunzipping it when it starts with the gzip magic bytes
/// (zlib's gzread passes plain files through unchanged). Returns "" or an error naming the path.
std::string readMaybeGzipped(const std::string& path, std::string& out);

/// The last path component ("/a/b/wine.csv" -> "wine.csv").
std::string fileName(const std::string& path);

} // namespace mor::detail
