#include "model/segment_packs.h"

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace mor::model {

namespace {
thread_local bool t_packedSegments = true;
std::atomic<int64_t> g_packedProducts{0};
} // namespace

bool packedSegmentProducts()
{
    return t_packedSegments;
}

void setPackedSegmentProducts(bool on)
{
    t_packedSegments = on;
}

namespace segment {

int64_t packedProducts()
{
    return g_packedProducts.load(std::memory_order_relaxed);
}

void countPackedProduct()
{
    g_packedProducts.fetch_add(1, std::memory_order_relaxed);
}

int64_t minRowsToPack(fused::GemmIsa isa, bool dx)
{
    // AVX-512: the forward product repays its packing from 4 rows on, dx (the pack used by
    // fewer products) from 8. AVX2 (forced on the Zen 4): forward wins up to 32 rows
    // (fused::packedRowLimit), dx by at most 5% at 1-16 rows before its packing: not used.
    if (dx) {
        return isa == fused::GemmIsa::Avx512 ? 8 : INT64_MAX;
    }
    return 4;
}

MemberPacks::MemberPacks(int64_t members, size_t floatsPerMember, size_t zeroFloats)
    : m_floats((floatsPerMember + 15) / 16 * 16), // each member's panels 64-byte aligned
      m_ready(size_t(members), 0),
      m_versions(size_t(members), 0),
      m_layers(size_t(members))
{
    // Not zeroed: a member's panels are written when it is packed (members never packed are
    // never touched).
    m_storage.reset(new float[size_t(members) * m_floats + zeroFloats + 16]);
    const auto address = reinterpret_cast<uintptr_t>(m_storage.get());
    m_data = reinterpret_cast<float*>((address + 63) & ~uintptr_t(63));
    m_zeros = m_data + size_t(members) * m_floats;
    std::fill(m_zeros, m_zeros + zeroFloats, 0.0f);
}

void MemberPacks::set(int64_t g, const fused::PackedDense& layer, uint32_t version)
{
    m_layers[size_t(g)] = layer;
    m_versions[size_t(g)] = version;
    m_ready[size_t(g)] = 1;
}

} // namespace segment

} // namespace mor::model
