#pragma once
// Small helpers shared by the benchmark programs: clocks, medians, peak memory and the
// result rows that tests/bench/run.sh collects into results.md / results.csv.
//
// Every program prints its results as lines
//   @@ROW <tab> item <tab> metric <tab> goal <tab> measured <tab> verdict <tab> note
// verdict is one of: met | not met | info | failed. A program never stops the suite: a
// failing measurement prints a "failed" row with the reason and the program goes on.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mor::bench {

/// Monotonic seconds.
double now();
/// Median of the values (0 when empty).
double median(std::vector<double> values);
/// Peak resident set size of this process in MiB (getrusage).
double peakRssMiB();
/// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Prints one result row (and flushes, so a later crash does not lose it).
void row(const std::string& item, const std::string& metric, const std::string& goal,
         const std::string& measured, const std::string& verdict, const std::string& note = "");
/// "met" when ok, else "not met".
inline std::string verdict(bool ok) { return ok ? "met" : "not met"; }

/// Runs one measurement; an exception becomes a "failed" row for `item` / `metric`.
void guarded(const std::string& item, const std::string& metric,
             const std::function<void()>& body);

/// Runs A and B alternately `reps` times (A, B, B, A, A, B, ... so drift cancels) and returns
/// the per-repetition times of each.
struct PairedTimes {
    std::vector<double> a, b;
    double medianA() const { return median(a); }
    double medianB() const { return median(b); }
    /// Median over repetitions of the per-repetition ratio a/b.
    double medianRatio() const;
};
PairedTimes alternate(int reps, const std::function<double()>& runA,
                      const std::function<double()>& runB);

/// Path of a file of the source tree (MOR_SOURCE_DIR) or the build tree (MOR_BINARY_DIR).
std::string sourcePath(const std::string& relative);
std::string binaryPath(const std::string& relative);

} // namespace mor::bench
