// Fuzzes opening an experiment log: any bytes are either refused with a message (and the
// file is left byte for byte as it was) or opened; an opened log is read through LogReader.
#include "fuzz_util.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratchPath("log.sqlite");
    const std::string original(reinterpret_cast<const char*>(data), size);
    const bool readFirst = size % 2 == 1; // SQLite files are whole pages: even = writer

    auto cleanup = [&path] {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::remove((path + suffix).c_str());
        }
    };
    cleanup();
    fuzz::writeFile(path, data, size);

    std::string error;
    if (readFirst) {
        auto reader = mor::LogReader::open(path);
        if (reader) {
            for (const auto& run : reader->runs()) {
                for (const auto& key : reader->metricKeys(run.id)) {
                    (void)reader->metric(run.id, key);
                }
                (void)reader->samples(run.id);
                for (int64_t step : reader->routingSteps(run.id)) {
                    (void)reader->routing(run.id, step);
                }
            }
        } else if (reader.error().empty()) {
            std::abort(); // a refusal must say why
        }
    } else {
        auto log = mor::ExperimentLog::open(path, &error);
        if (!log) {
            if (error.empty() || fuzz::readFile(path) != original) {
                std::abort(); // refused: must say why and must not have touched the file
            }
        }
    }
    cleanup();
    return 0;
}
