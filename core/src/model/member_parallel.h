// forEachMember: a segment layer's members spread over the intra-op threads, one thread per
// member. Header-only because it needs OpenMP: ATen's parallel_for is inline and runs its range
// on the caller in a translation unit compiled without OpenMP (ATen/ParallelOpenMP.h tests
// _OPENMP), so the file that includes this one is compiled with OpenMP and outside the unity
// batch and the shared precompiled header (core/CMakeLists.txt).
#pragma once

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <vector>

namespace mor::model {

// Internal linkage: a translation unit without OpenMP that included this header would define
// MemberThread differently (an ODR violation with external linkage).
namespace {

/// Whether forEachMember really runs members on several threads here (false where this
/// translation unit was compiled without OpenMP: then every member runs on the caller).
inline constexpr bool kMemberThreads =
#ifdef _OPENMP
    true;
#else
    false;
#endif

/// While alive on a thread of forEachMember's region: no autograd recording (the members'
/// products write into from_blob views, and grad mode is per thread) and one BLAS thread.
/// OpenBLAS's OpenMP build sizes its team by the calling task's omp_get_max_threads(), which a
/// team's threads inherit from the region's caller; omp_set_num_threads here sets this
/// implicit task's own value only (the caller's is untouched), so each member's products run
/// on the thread computing that member instead of each opening a nested team.
class MemberThread {
public:
    MemberThread()
    {
#ifdef _OPENMP
        omp_set_num_threads(1);
#endif
    }
    ~MemberThread()
    {
#ifdef _OPENMP
        omp_set_num_threads(m_threads);
#endif
    }
    MemberThread(const MemberThread&) = delete;
    MemberThread& operator=(const MemberThread&) = delete;

private:
    c10::NoGradGuard m_noGrad;
#ifdef _OPENMP
    int m_threads = omp_get_max_threads();
#endif
};

/// The least work (multiply-adds over all members) that forEachMember spreads over threads:
/// opening the team wakes a sleeping thread (OMP_WAIT_POLICY=PASSIVE: a futex, tens of
/// microseconds), which a few rows per member do not repay (batch 1 ran 0.58x -> 0.81x of
/// Python's training step when every call opened it). ~2^20 multiply-adds take ~20-40 us on
/// one core here.
inline constexpr int64_t kMinParallelMacs = int64_t(1) << 20;

/// fn(g) for every member g; rows[g] is member g's rows, each costing macsPerRow
/// multiply-adds. On the CPU with several threads, at least two members with rows and enough
/// work (kMinParallelMacs), the members are spread over the threads, largest load first onto
/// the least loaded thread, and each member's products run on one thread: a group's blocks are
/// many small products, which one thread each computes better than all threads in turn.
template <typename Fn>
void forEachMember(const std::vector<int64_t>& load, int64_t macsPerRow, bool cpu, const Fn& fn)
{
    const size_t members = load.size();
    int64_t rows = 0, busy = 0;
    for (const int64_t n : load) {
        rows += n;
        busy += n > 0 ? 1 : 0;
    }
    const int threads = cpu && !at::in_parallel_region() && busy >= 2
                                && rows * macsPerRow >= kMinParallelMacs
                            ? at::get_num_threads()
                            : 1;
    if (threads <= 1) {
        for (size_t g = 0; g < members; ++g) {
            fn(int64_t(g));
        }
        return;
    }
    std::vector<size_t> order(members);
    for (size_t g = 0; g < members; ++g) {
        order[g] = g;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&load](size_t a, size_t b) { return load[a] > load[b]; });
    std::vector<std::vector<size_t>> work(static_cast<size_t>(threads));
    std::vector<int64_t> sum(static_cast<size_t>(threads), 0);
    for (const size_t g : order) {
        const auto least = size_t(std::min_element(sum.begin(), sum.end()) - sum.begin());
        work[least].push_back(g);
        sum[least] += load[g] + 1;
    }
    at::parallel_for(0, threads, 1, [&](int64_t begin, int64_t end) {
        const MemberThread memberThread;
        for (int64_t t = begin; t < end; ++t) {
            for (const size_t g : work[size_t(t)]) {
                fn(int64_t(g));
            }
        }
    });
}

} // namespace

} // namespace mor::model
