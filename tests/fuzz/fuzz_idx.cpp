// Fuzzes the IDX (MNIST format) reader. The input is split in two at a point chosen by its
// first two bytes: images file | labels file.
#include "fuzz_util.h"
#include "mor/dataset.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3) {
        return 0;
    }
    const size_t body = size - 3;
    const size_t split = body == 0 ? 0 : ((size_t(data[0]) << 8) | data[1]) % (body + 1);
    const int64_t limit = data[2] % 4; // 0 = all, else at most 1..3 images
    const std::string images = fuzz::scratchPath("images.idx");
    const std::string labels = fuzz::scratchPath("labels.idx");
    fuzz::writeFile(images, data + 3, split);
    fuzz::writeFile(labels, data + 3 + split, body - split);

    const mor::IdxData idx = mor::readIdx(images, labels, limit);
    if (idx.error.empty()) {
        if (idx.pixels.size() != static_cast<size_t>(idx.count * idx.rows * idx.cols) ||
            idx.labels.size() != static_cast<size_t>(idx.count) ||
            (limit > 0 && idx.count > limit)) {
            std::abort();
        }
    }
    std::remove(images.c_str());
    std::remove(labels.c_str());
    return 0;
}
