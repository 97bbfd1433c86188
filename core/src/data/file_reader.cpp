// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/file_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace mor::detail {

std::string readMaybeGzipped(const std::string& path, std::string& out) {
    out.clear();
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return "cannot open " + path + ": " + std::strerror(errno);
    }
    if (S_ISDIR(info.st_mode)) {
        return "cannot read " + path + ": it is a directory";
    }
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) {
        return "cannot open " + path + ": " + std::strerror(errno ? errno : ENOMEM);
    }
    gzbuffer(file, 1 << 17);
    std::string error;
    char chunk[1 << 16];
    for (;;) {
        const int n = gzread(file, chunk, sizeof chunk);
        if (n > 0) {
            out.append(chunk, static_cast<size_t>(n));
        }
        if (n < static_cast<int>(sizeof chunk)) {
            int code = Z_OK;
            const char* message = gzerror(file, &code);
            // Z_BUF_ERROR: the gzip stream stopped before its end marker.
            if (code == Z_BUF_ERROR) {
                error = "cannot read " + path + ": the gzip data is truncated";
            } else if (code != Z_OK && code != Z_STREAM_END) {
                error = "cannot read " + path + ": " +
                        (code == Z_ERRNO ? std::string(std::strerror(errno)) : message);
            }
            break;
        }
    }
    gzclose(file);
    if (!error.empty()) {
        out.clear();
    }
    return error;
}

std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace mor::detail
