#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The weights of an expert's answer-only reflection (the GRU's ih and hh layers, critic1 and, since
// session 42, the initial state's layer) packed for fused_gemm.h's kernel, kept between reflections
// on the thread (issue 20, session 41). Until then every reflection packed them again (once per
// expert and batch, whatever its rows), and one of fewer than 4 rows (serving one input) did not
// pack at all but ran sgemm, ~2x the kernel's time at 1-8 rows. Now a reflection packs only where
// the weights changed since the thread last packed them: 300 one-row passes 2.1x (critique-gated)
// to 2.8x (fixed depth) faster, batch-256 passes unchanged (issue20.md, session 41).
//
// A pack is keyed by its eight tensors (weights and biases; the initial state's two undefined where
// the expert starts from zeros) and, for each, its version counter and data pointer: in-place
// writes move the version (torch's in-place ops, and the project's fused optimizer steps:
// engine/optimizer.cpp bumpVersions), so a pack never outlives the weights it was made from. The
// cache holds the tensors themselves, so no tensor made later can take one's address while it is
// cached; a pack whose tensors only the cache still holds (its model is gone) is dropped at the
// thread's next miss. Inference tensors keep no version counter: they are never cached (packed per
// reflection, as before). At most kCachedPackFloats floats per thread: past it, a reflection packs
// into the per-call buffer instead.
#include "model/fused_gemm.h"

#include <torch/types.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mor::model::fused {

/// Floats of packed weights the cache keeps per thread (16 MB: 32 experts of width 128).
constexpr size_t kCachedPackFloats = size_t(4) << 20;

/// A reflection's layers, in this order in ReflectionDense and ReflectionPacks.
enum ReflectionLayer : size_t { Ih, Hh, Critic1, Init };

/// The layers' tensors: GRU weight_ih, bias_ih, weight_hh, bias_hh, critic1 weight and bias,
/// the initial state's weight and bias (both undefined where the expert starts from zeros).
using ReflectionLayers = std::array<torch::Tensor, 8>;
/// The same layers as raw views (ih, hh, critic1, init: no outputs where there is none), the
/// ones the packs are made from.
using ReflectionDense = std::array<Dense, 4>;
/// A reflection's packed layers (isa None: none; callers take denseProduct; Init's where the
/// expert has no initial-state layer).
using ReflectionPacks = std::array<PackedDense, 4>;

/// The packs of `layers` (`dense`: views of the same tensors) for `isa` (not None): the thread's
/// cached ones where still current, else packed now into the cache where it may hold them; else,
/// with `uncachedToo`, into packBuffer() (the caller trims it after its reflection), without it
/// none (isa None).
ReflectionPacks reflectionPacks(const ReflectionLayers& layers, const ReflectionDense& dense,
                                GemmIsa isa, bool uncachedToo);

/// A reflection step's wide products (GRU ih and hh, critic1: [3W x K], [3W x W], [W/2 x W+C])
/// and the initial state's ([W x H], once per reflection; sgemm until session 42) over the
/// packs of reflectionPacks; fused::denseProduct where the kernel is off, and for a reflection
/// of < 4 rows (or of one step and < 8) whose packs the cache cannot hold: packing (~10-17 us
/// for the three, ~65 us from memory) would not repay (issue20.md, session 14). Lives for one
/// reflection (fused_reflect.cpp); the layers' tensors must outlive it.
class ReflectionProducts {
public:
    ReflectionProducts(const ReflectionLayers& layers, const ReflectionDense& dense,
                       int64_t rows, int64_t steps);
    ~ReflectionProducts();
    ReflectionProducts(const ReflectionProducts&) = delete;
    ReflectionProducts& operator=(const ReflectionProducts&) = delete;

    /// out [m x outputs] (row stride ldo) = in [m x inputs] (row stride ldi) W^T + b for
    /// `layer` (Init only where `dense` has one).
    void product(ReflectionLayer layer, const float* in, int64_t ldi, int64_t m, float* out,
                 int64_t ldo) const;

private:
    ReflectionDense m_dense;
    ReflectionPacks m_packs; ///< isa None: denseProduct
    int64_t m_rowLimit = 0;
};

struct ReflectionPackStats {
    size_t entries = 0;  ///< packs held by the calling thread
    size_t floats = 0;   ///< their floats
    int64_t hits = 0;    ///< reflections that found their packs current
    int64_t packed = 0;  ///< reflections that packed (cached or not)
};

/// The calling thread's cache (tests, benchmarks).
ReflectionPackStats reflectionPackStats();
/// Empties the calling thread's cache and its counters.
void clearReflectionPacks();

} // namespace mor::model::fused
