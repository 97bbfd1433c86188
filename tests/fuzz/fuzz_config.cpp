// Fuzzes the config parser: any bytes either parse or give errors; never a crash.
// A config that parses must survive validation, serialisation and a second parse.
#include "mor/config.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto parsed = mor::parseConfig(text);
    (void)parsed.message();
    (void)mor::flattenConfigJson(text);
    if (parsed.ok()) {
        (void)mor::validateConfig(parsed.config);
        const std::string json = mor::toJson(parsed.config);
        // What we write we must read back: a round trip may never fail.
        if (!mor::parseConfig(json).ok()) {
            std::abort();
        }
    }
    return 0;
}
