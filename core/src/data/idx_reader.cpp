// SPDX-License-Identifier: GPL-3.0-or-later
// readIdx: MNIST-format image and label files (big-endian header, one byte per value).
#include "data/file_reader.h"
#include "mor/dataset.h"

#include <algorithm>
#include <cstdio>

namespace mor {

namespace {

constexpr uint32_t ImageMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr uint32_t LabelMagic = 0x00000801; // unsigned bytes, 1 dimension

uint32_t bigEndian(const std::string& bytes, size_t at) {
    const auto b = [&](size_t i) {
        return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + i]));
    };
    return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

std::string hex(uint32_t value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", value);
    return buffer;
}

std::string checkMagic(const std::string& bytes, const std::string& what, const std::string& path,
                       uint32_t expected, size_t headerSize) {
    if (bytes.size() < 4) {
        return what + " file " + path + " is too short to be an IDX file (" +
               std::to_string(bytes.size()) + " bytes)";
    }
    const uint32_t magic = bigEndian(bytes, 0);
    if (magic != expected) {
        return what + " file " + path + ": magic number " + hex(magic) + " is not an IDX " +
               (expected == ImageMagic ? "image" : "label") + " file (expected " + hex(expected) +
               ")";
    }
    if (bytes.size() < headerSize) {
        return what + " file " + path + " is truncated: its header needs " +
               std::to_string(headerSize) + " bytes but the file has " +
               std::to_string(bytes.size());
    }
    return {};
}

} // namespace

IdxData readIdx(const std::string& imagesPath, const std::string& labelsPath, int64_t limit) {
    IdxData data;
    std::string images, labels;
    if (std::string error = detail::readMaybeGzipped(imagesPath, images); !error.empty()) {
        data.error = "images " + error;
        return data;
    }
    data.error = checkMagic(images, "images", imagesPath, ImageMagic, 16);
    if (!data.error.empty()) {
        return data;
    }
    const uint64_t count = bigEndian(images, 4);
    const uint64_t rows = bigEndian(images, 8);
    const uint64_t cols = bigEndian(images, 12);
    if (rows == 0 || cols == 0 || rows > 65536 || cols > 65536) {
        data.error = "images file " + imagesPath + " has images of " + std::to_string(rows) + "×" +
                     std::to_string(cols) + " pixels";
        return data;
    }
    const uint64_t pixelsPerImage = rows * cols;
    // Divide rather than multiply: count * pixels may overflow for a corrupt header.
    if ((images.size() - 16) / pixelsPerImage < count) {
        data.error = "images file " + imagesPath + " is truncated: its header promises " +
                     std::to_string(count) + " images of " + std::to_string(rows) + "×" +
                     std::to_string(cols) + " but it holds " +
                     std::to_string((images.size() - 16) / pixelsPerImage);
        return data;
    }

    if (std::string error = detail::readMaybeGzipped(labelsPath, labels); !error.empty()) {
        data.error = "labels " + error;
        return data;
    }
    data.error = checkMagic(labels, "labels", labelsPath, LabelMagic, 8);
    if (!data.error.empty()) {
        return data;
    }
    const uint64_t labelCount = bigEndian(labels, 4);
    if (labels.size() - 8 < labelCount) {
        data.error = "labels file " + labelsPath + " is truncated: its header promises " +
                     std::to_string(labelCount) + " labels but it holds " +
                     std::to_string(labels.size() - 8);
        return data;
    }
    if (labelCount != count) {
        data.error = "images file " + imagesPath + " has " + std::to_string(count) +
                     " images but labels file " + labelsPath + " has " +
                     std::to_string(labelCount) + " labels";
        return data;
    }

    const uint64_t used =
        limit > 0 ? std::min<uint64_t>(count, static_cast<uint64_t>(limit)) : count;
    data.count = static_cast<int64_t>(used);
    data.rows = static_cast<int64_t>(rows);
    data.cols = static_cast<int64_t>(cols);
    data.pixels.assign(images.begin() + 16,
                       images.begin() + 16 + static_cast<std::ptrdiff_t>(used * pixelsPerImage));
    data.labels.resize(used);
    for (uint64_t i = 0; i < used; ++i) {
        data.labels[i] = static_cast<uint8_t>(labels[8 + i]);
    }
    return data;
}

} // namespace mor
