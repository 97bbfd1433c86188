// Fuzzes the CSV reader and the CSV data set import (split, standardise) on any bytes.
// The first byte picks the label column so named, indexed and first/last columns are all hit.
#include "fuzz_util.h"
#include "mor/dataset.h"

#include <cmath>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) {
        return 0;
    }
    static const char* const columns[] = {"last", "first", "0", "1", "-2", "label", "1e30", "99"};
    const std::string labelColumn = columns[data[0] % 8];
    const std::string path = fuzz::scratchPath("data.csv");
    fuzz::writeFile(path, data + 1, size - 1);

    const mor::CsvTable table = mor::readCsv(path, labelColumn);
    if (table.error.empty()) {
        if (table.features.size() != static_cast<size_t>(table.rows * table.columns) ||
            table.labelText.size() != static_cast<size_t>(table.rows)) {
            std::abort(); // shape must match what the reader claims
        }
        for (float v : table.features) {
            if (!std::isfinite(v)) {
                std::abort(); // the reader promises to refuse NaN / Inf cells
            }
        }
        mor::DataConfig config;
        config.kind = mor::DataKind::Csv;
        config.path = path;
        config.labelColumn = labelColumn;
        config.probeSize = 4;
        const auto result = mor::loadDataset(config, 1);
        if (result.ok()) {
            for (float v : result.dataset.features) {
                if (!std::isfinite(v)) {
                    std::abort(); // standardisation must not overflow (outlier in val/test)
                }
            }
            (void)result.dataset.preview(0);
        }
    }
    std::remove(path.c_str());
    return 0;
}
