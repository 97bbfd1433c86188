#include "benchutil.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <exception>
#include <iostream>

namespace mor::bench {

double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> values)
{
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

std::string format(const char* fmt, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

namespace {
std::string clean(std::string text)
{
    // Tabs and newlines would break the row format.
    std::replace(text.begin(), text.end(), '\t', ' ');
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}
} // namespace

void row(const std::string& item, const std::string& metric, const std::string& goal,
         const std::string& measured, const std::string& verdictText, const std::string& note)
{
    std::cout << "@@ROW\t" << clean(item) << '\t' << clean(metric) << '\t' << clean(goal) << '\t'
              << clean(measured) << '\t' << clean(verdictText) << '\t' << clean(note)
              << std::endl;
}

void guarded(const std::string& item, const std::string& metric,
             const std::function<void()>& body)
{
    try {
        body();
    } catch (const std::exception& e) {
        row(item, metric, "", "", "failed", e.what());
    } catch (...) {
        row(item, metric, "", "", "failed", "unknown exception");
    }
}

double PairedTimes::medianRatio() const
{
    std::vector<double> ratios;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        ratios.push_back(b[i] > 0 ? a[i] / b[i] : 0.0);
    }
    return median(ratios);
}

PairedTimes alternate(int reps, const std::function<double()>& runA,
                      const std::function<double()>& runB)
{
    PairedTimes times;
    for (int i = 0; i < reps; ++i) {
        if (i % 2 == 0) {
            times.a.push_back(runA());
            times.b.push_back(runB());
        } else {
            times.b.push_back(runB());
            times.a.push_back(runA());
        }
    }
    return times;
}

std::string sourcePath(const std::string& relative)
{
    return std::string(MOR_SOURCE_DIR) + "/" + relative;
}

std::string binaryPath(const std::string& relative)
{
    return std::string(MOR_BINARY_DIR) + "/" + relative;
}

} // namespace mor::bench
