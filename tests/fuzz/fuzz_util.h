#pragma once
// Helpers shared by the fuzz targets: the readers under test take file paths, so each
// input is written to a scratch file private to this process.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fuzz {

/// A per-process scratch path in $TMPDIR (or /tmp); `tag` keeps several files apart.
inline std::string scratchPath(const std::string& tag) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/mor-fuzz-" + std::to_string(getpid()) +
           "-" + tag;
}

inline void writeFile(const std::string& path, const uint8_t* data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace fuzz
