// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/fused_reflect_packs.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace mor::model::fused {

namespace {

struct Entry {
    ReflectionLayers tensors;          ///< held: their addresses stay theirs while cached
    std::array<uint32_t, 8> versions{};
    std::array<const void*, 8> data{};
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

/// Where the expert has no initial-state layer, its two tensors (the last pair) are undefined.
bool optional(size_t i)
{
    return i >= 2 * size_t(Init);
}

bool cacheable(const ReflectionLayers& layers)
{
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto& t = layers[i];
        if (t.defined() ? t.is_inference() : !optional(i)) {
            return false;
        }
    }
    return true;
}

uint32_t versionOf(const torch::Tensor& t)
{
    return t.defined() ? uint32_t(t._version()) : 0u;
}

const void* dataOf(const torch::Tensor& t)
{
    return t.defined() ? t.data_ptr() : nullptr;
}

bool current(const Entry& e, const ReflectionLayers& layers, GemmIsa isa)
{
    if (e.isa != isa) {
        return false;
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto& t = layers[i];
        if (t.unsafeGetTensorImpl() != e.tensors[i].unsafeGetTensorImpl()
            || versionOf(t) != e.versions[i] || dataOf(t) != e.data[i]) {
            return false;
        }
    }
    return true;
}

size_t floatsFor(const ReflectionDense& d, GemmIsa isa)
{
    size_t floats = 0;
    for (const Dense& layer : d) {
        floats += layer.outputs > 0 ? packedFloats(layer.outputs, layer.inputs, isa) : 0;
    }
    return floats;
}

/// Packs the layers into `dest` (floatsFor floats, 64-byte aligned; each pack's size is a
/// multiple of 16 floats, so every pack starts 64-byte aligned).
ReflectionPacks packInto(const ReflectionDense& d, GemmIsa isa, float* dest)
{
    ReflectionPacks p;
    for (size_t i = 0; i < d.size(); ++i) {
        if (d[i].outputs > 0) {
            p[i] = packDense(d[i], isa, dest);
            dest += packedFloats(d[i].outputs, d[i].inputs, isa);
        }
    }
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
            const auto onlyHere = [](const torch::Tensor& t) {
                return !t.defined() || t.use_count() == 1;
            };
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
        entry->versions[i] = versionOf(layers[i]);
        entry->data[i] = dataOf(layers[i]);
    }
    entry->isa = isa;
    entry->packs = packInto(dense, isa, aligned(entry->storage));
    return entry->packs;
}

ReflectionProducts::ReflectionProducts(const ReflectionLayers& layers,
                                       const ReflectionDense& dense, int64_t rows,
                                       int64_t steps)
    : m_dense(dense)
{
    const GemmIsa isa = packedGemmIsa();
    if (isa == GemmIsa::None) {
        return;
    }
    const bool repays = rows >= 8 || (rows >= 4 && steps >= 2);
    const auto packs = reflectionPacks(layers, dense, isa, repays);
    if (packs[Ih].isa == GemmIsa::None) {
        return;
    }
    m_packs = packs;
    m_rowLimit = packedRowLimit(isa, at::in_parallel_region() ? 1 : at::get_num_threads());
}

ReflectionProducts::~ReflectionProducts()
{
    trimPackBuffer(kCachedPackFloats); // an uncached reflection's packs: kept up to 16 MB
}

void ReflectionProducts::product(ReflectionLayer layer, const float* in, int64_t ldi,
                                 int64_t m, float* out, int64_t ldo) const
{
    const PackedDense& packed = m_packs[layer];
    if (packed.isa != GemmIsa::None && m <= m_rowLimit) {
        packedProduct(packed, in, ldi, m, out, ldo);
    } else {
        denseProduct(m_dense[layer], in, ldi, m, out, ldo);
    }
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
