// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/fused_reflect_packs.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace mor::model::fused {

namespace {

struct Entry {
    ReflectionLayers tensors;          ///< held: their addresses stay theirs while cached
    std::array<uint32_t, 6> versions{};
    std::array<const void*, 6> data{};
    GemmIsa isa = GemmIsa::None;
    std::unique_ptr<float[]> storage;
    size_t floats = 0;
    ReflectionPacks packs;
};

struct Cache {
    std::vector<std::unique_ptr<Entry>> entries;
    size_t floats = 0;
    int64_t hits = 0;
    int64_t packed = 0;
};
thread_local Cache t_cache;

bool cacheable(const ReflectionLayers& layers)
{
    for (const auto& t : layers) {
        if (!t.defined() || t.is_inference()) {
            return false;
        }
    }
    return true;
}

bool current(const Entry& e, const ReflectionLayers& layers, GemmIsa isa)
{
    if (e.isa != isa) {
        return false;
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto& t = layers[i];
        if (t.unsafeGetTensorImpl() != e.tensors[i].unsafeGetTensorImpl()
            || uint32_t(t._version()) != e.versions[i] || t.data_ptr() != e.data[i]) {
            return false;
        }
    }
    return true;
}

size_t floatsFor(const ReflectionDense& d, GemmIsa isa)
{
    size_t floats = 0;
    for (const Dense& layer : d) {
        floats += packedFloats(layer.outputs, layer.inputs, isa);
    }
    return floats;
}

/// Packs the three layers into `dest` (floatsFor floats, 64-byte aligned).
ReflectionPacks packInto(const ReflectionDense& d, GemmIsa isa, float* dest)
{
    ReflectionPacks p;
    const size_t ih = packedFloats(d[0].outputs, d[0].inputs, isa);
    const size_t hh = packedFloats(d[1].outputs, d[1].inputs, isa);
    p.ih = packDense(d[0], isa, dest);
    p.hh = packDense(d[1], isa, dest + ih);
    p.critic1 = packDense(d[2], isa, dest + ih + hh);
    return p;
}

float* aligned(std::unique_ptr<float[]>& storage)
{
    const auto address = reinterpret_cast<uintptr_t>(storage.get());
    return reinterpret_cast<float*>((address + 63) & ~uintptr_t(63));
}

} // namespace

ReflectionPacks reflectionPacks(const ReflectionLayers& layers, const ReflectionDense& dense,
                                GemmIsa isa, bool uncachedToo)
{
    auto& cache = t_cache;
    const bool canCache = cacheable(layers);
    Entry* entry = nullptr;
    if (canCache) {
        const auto* key = layers[0].unsafeGetTensorImpl();
        for (auto& e : cache.entries) {
            if (e->tensors[0].unsafeGetTensorImpl() == key) {
                entry = e.get();
                break;
            }
        }
        if (entry != nullptr && current(*entry, layers, isa)) {
            ++cache.hits;
            return entry->packs;
        }
    }
    const size_t floats = floatsFor(dense, isa);
    if (canCache && entry == nullptr) {
        // Packs of models that are gone (only the cache holds their tensors) make room first.
        auto& entries = cache.entries;
        // (remove_if applies it once per entry: each gone entry's floats are given back once)
        const auto orphan = [&cache](const std::unique_ptr<Entry>& e) {
            const auto onlyHere = [](const torch::Tensor& t) { return t.use_count() == 1; };
            const bool gone = std::all_of(e->tensors.begin(), e->tensors.end(), onlyHere);
            cache.floats -= gone ? e->floats : 0;
            return gone;
        };
        entries.erase(std::remove_if(entries.begin(), entries.end(), orphan), entries.end());
        if (cache.floats + floats <= kCachedPackFloats) {
            entries.push_back(std::make_unique<Entry>());
            entry = entries.back().get();
        }
    }
    if (entry == nullptr) { // not cacheable, or no room: the per-call buffer
        if (!uncachedToo) {
            return {};
        }
        ++cache.packed;
        return packInto(dense, isa, packBuffer(floats));
    }
    ++cache.packed;
    if (entry->floats != floats) { // a new entry, or the layers changed shape
        cache.floats = cache.floats - entry->floats + floats;
        entry->storage.reset(new float[floats + 16]);
        entry->floats = floats;
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        entry->tensors[i] = layers[i];
        entry->versions[i] = uint32_t(layers[i]._version());
        entry->data[i] = layers[i].data_ptr();
    }
    entry->isa = isa;
    entry->packs = packInto(dense, isa, aligned(entry->storage));
    return entry->packs;
}

ReflectionPackStats reflectionPackStats()
{
    ReflectionPackStats s;
    s.entries = t_cache.entries.size();
    s.floats = t_cache.floats;
    s.hits = t_cache.hits;
    s.packed = t_cache.packed;
    return s;
}

void clearReflectionPacks()
{
    t_cache = Cache();
}

} // namespace mor::model::fused
