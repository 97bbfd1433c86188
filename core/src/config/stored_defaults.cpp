// SPDX-License-Identifier: GPL-3.0-or-later
// withStoredDefaults: a config stored before a default changed keeps the default it was trained
// with (mor/config.h).
#include "config/config_reader.h"

#include <cstdint>

namespace mor {

namespace {

using detail::Json;

/// A default that changed: configs stored before `changedMs` that leave `key` out of the
/// `section` of model family `family` were trained with `before`.
struct ChangedDefault {
    const char* family;
    const char* section; ///< under "model"
    const char* key;
    double before;
    int64_t changedMs;
};

// One row per changed default, oldest first. Since session 16 every run stores every field of its
// family (toJson), so the rows matter for runs stored earlier and for hand-written sweep bases.
const ChangedDefault kChangedDefaults[] = {
    // Embeddings N(0, 1) (LibTorch's nn::Embedding) -> N(0, 0.02), the official MoR code's
    // initializer_range (commit 079ecc1, 2026-12-03 23:04:14 UTC); 0 = LibTorch's own init.
    {"recursion", "recursion", "embedding_std", 0.0, 1796339054000},
};

} // namespace

std::string withStoredDefaults(const std::string& jsonText, int64_t storedMs) {
    Json root = Json::parse(jsonText, nullptr, false);
    if (root.is_discarded() || !root.is_object() || !root.contains("model") ||
        !root["model"].is_object()) {
        return jsonText;
    }
    Json& model = root["model"];
    const std::string family = model.contains("family") && model["family"].is_string()
                                   ? model["family"].get<std::string>()
                                   : familyName(ModelConfig{}.family); // the default family
    bool changed = false;
    for (const ChangedDefault& d : kChangedDefaults) {
        if (storedMs >= d.changedMs || family != d.family) {
            continue;
        }
        if (model.contains(d.section) && !model[d.section].is_object()) {
            continue; // not ours to repair: parseConfig names the wrong type
        }
        Json& section = model[d.section];
        if (!section.contains(d.key)) {
            section[d.key] = d.before;
            changed = true;
        }
    }
    return changed ? root.dump(2) : jsonText;
}

} // namespace mor
