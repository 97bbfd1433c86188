// SPDX-License-Identifier: GPL-3.0-or-later
// probeMemberThreads (grouped_linear.h): forEachMember as the segment layers run it, seen from
// its threads. Compiled with OpenMP, as grouped_linear.cpp (member_parallel.h).
#include "model/grouped_linear.h"
#include "model/member_parallel.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace mor::model {

MemberThreadsProbe probeMemberThreads(int64_t members, int64_t macsPerMember)
{
    std::mutex mutex;
    std::vector<std::thread::id> ids;
    MemberThreadsProbe probe;
    forEachMember(std::vector<int64_t>(size_t(members), 1), macsPerMember, true, [&](int64_t) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (std::find(ids.begin(), ids.end(), std::this_thread::get_id()) == ids.end()) {
            ids.push_back(std::this_thread::get_id());
        }
#ifdef _OPENMP
        probe.nestedThreads = std::max(probe.nestedThreads, omp_get_max_threads());
#else
        probe.nestedThreads = std::max(probe.nestedThreads, at::get_num_threads());
#endif
        probe.gradMode = probe.gradMode || c10::GradMode::is_enabled();
    });
    probe.threads = int(ids.size());
    return probe;
}

} // namespace mor::model
