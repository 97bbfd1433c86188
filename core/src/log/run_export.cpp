// SPDX-License-Identifier: GPL-3.0-or-later
#include "mor/run_export.h"

#include "mor/log_reader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <type_traits>

namespace mor {

namespace {

/// RFC 4180 quoting.
std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) {
        return s;
    }
    std::string q = "\"";
    for (char c : s) {
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return q + "\"";
}

/// 8 significant digits, like the GUI always wrote them.
std::string num(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.8g", v);
    return buf;
}

template <typename T>
std::string joined(const std::vector<T>& values, char sep) {
    std::string s;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) {
            s += sep;
        }
        if constexpr (std::is_floating_point_v<T>) {
            s += num(double(values[i]));
        } else {
            s += std::to_string(values[i]);
        }
    }
    return s;
}

/// Recursion runs log token traces and no reflection traces.
bool isRecursion(const LogReader& reader, int64_t runId) {
    return reader.traceSteps(runId).empty() && !reader.tokenTraceSteps(runId).empty();
}

/// Writes through `<path>.part` and a rename; `body` returns the data rows written.
bool writeFile(const std::string& path, const LogReader& reader, std::string* error,
               int64_t* rows, const std::function<int64_t(std::ostream&)>& body) {
    const std::string tmp = path + ".part";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
        if (error) {
            *error = "cannot write " + path + ": " + std::strerror(errno);
        }
        return false;
    }
    const int64_t n = body(out);
    out.flush();
    const bool written = bool(out);
    out.close();
    std::error_code ec;
    if (!written || !reader.lastError().empty()) {
        std::filesystem::remove(tmp, ec);
        if (error) {
            *error = "cannot write " + path + ": " +
                     (written ? reader.lastError() : std::string("disk full or not writable"));
        }
        return false;
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        if (error) {
            *error = "cannot write " + path + ": " + ec.message();
        }
        return false;
    }
    if (rows) {
        *rows = n;
    }
    return true;
}

int64_t reflectionTraces(const LogReader& reader, int64_t runId, std::ostream& out) {
    out << kTracesCsvHeader << '\n';
    int64_t n = 0;
    for (int64_t step : reader.traceSteps(runId)) {
        for (const SampleTrace& t : reader.traces(runId, step)) {
            const std::string input = std::to_string(step) + ',' + std::to_string(t.sampleId) +
                                      ',' + std::to_string(t.label) + ',' +
                                      std::to_string(t.domain) + ',' +
                                      std::to_string(t.finalPred) + ',' + (t.correct ? "1" : "0") +
                                      ',' + num(t.conflictScore) + ',' + (t.conflict ? "1" : "0") +
                                      ',' + field(t.resolution);
            for (const ExpertTrace& e : t.experts) {
                const std::string expert = std::to_string(e.expert) + ',' + num(e.routerProb) +
                                           ',' + num(e.gate) + ',' + num(e.fusionWeight) + ',' +
                                           std::to_string(e.haltStep);
                const std::string choice = std::to_string(t.group) + ',' +
                                           std::to_string(e.width);
                for (const StepTrace& s : e.steps) {
                    out << input << ',' << expert << ',' << s.iteration << ',' << num(s.critique)
                        << ',' << num(s.haltProb) << ',' << s.pred << ',' << (s.correct ? 1 : 0)
                        << ',' << joined(s.probs, ';') << ',' << choice << '\n';
                    ++n;
                }
            }
        }
    }
    return n;
}

int64_t tokenTraces(const LogReader& reader, int64_t runId, std::ostream& out) {
    out << kTokenTracesCsvHeader << '\n';
    int64_t n = 0;
    for (int64_t step : reader.tokenTraceSteps(runId)) {
        for (const TokenTrace& t : reader.tokenTraces(runId, step)) {
            for (size_t p = 0; p < t.tokens.size(); ++p) {
                const TokenStep& k = t.tokens[p];
                out << step << ',' << t.sampleId << ',' << p << ',' << field(k.text) << ','
                    << field(k.targetText) << ',' << k.pred << ','
                    << (k.target >= 0 ? (k.pred == k.target ? "1" : "0") : "") << ','
                    << k.depth << ',' << num(k.loss) << ',' << k.difficulty << ','
                    << joined(k.routerScores, ';') << ',' << joined(k.recursionPreds, ';')
                    << ',' << joined(k.recursionTargetProbs, ';') << ','
                    << joined(k.skippedBlocks, ';') << '\n';
                ++n;
            }
        }
    }
    return n;
}

} // namespace

bool writeTracesCsv(const LogReader& reader, int64_t runId, const std::string& path,
                    std::string* error, int64_t* rows) {
    const bool tokens = isRecursion(reader, runId);
    return writeFile(path, reader, error, rows, [&](std::ostream& out) {
        return tokens ? tokenTraces(reader, runId, out) : reflectionTraces(reader, runId, out);
    });
}

bool writeMetricsCsv(const LogReader& reader, int64_t runId, const std::string& path,
                     std::string* error, int64_t* rows) {
    return writeFile(path, reader, error, rows, [&](std::ostream& out) {
        out << kMetricsCsvHeader << '\n';
        int64_t n = 0;
        for (const auto& key : reader.metricKeys(runId)) {
            for (const auto& p : reader.metric(runId, key)) {
                out << field(key) << ',' << p.step << ',' << num(p.value) << ',' << p.wallMs
                    << '\n';
                ++n;
            }
        }
        return n;
    });
}

RunExportResult exportRun(const LogReader& reader, int64_t runId, const std::string& dir) {
    RunExportResult r;
    if (!reader.run(runId)) {
        r.error = "run " + std::to_string(runId) + " is not in the log";
        return r;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        r.error = "cannot create " + dir + ": " + ec.message();
        return r;
    }
    const std::string base = (std::filesystem::path(dir) / ("run-" + std::to_string(runId) + "-"))
                                 .string();
    if (!writeMetricsCsv(reader, runId, base + "metrics.csv", &r.error, &r.metricRows)) {
        return r;
    }
    r.files.push_back(base + "metrics.csv");
    if (!writeTracesCsv(reader, runId, base + "traces.csv", &r.error, &r.traceRows)) {
        return r;
    }
    r.files.push_back(base + "traces.csv");
    if (!isRecursion(reader, runId)) {
        const bool ok = writeFile(base + "conflicts.csv", reader, &r.error, &r.conflictRows,
                                  [&](std::ostream& out) {
                                      out << kConflictsCsvHeader << '\n';
                                      int64_t n = 0;
                                      for (const auto& c : reader.conflicts(runId)) {
                                          out << c.step << ',' << c.sampleId << ','
                                              << num(c.score) << ',' << joined(c.experts, ' ')
                                              << ',' << c.winner << ',' << num(c.margin) << ','
                                              << c.resolvedPred << ',' << c.label << ','
                                              << int(c.correct) << ',' << field(c.resolution)
                                              << '\n';
                                          ++n;
                                      }
                                      return n;
                                  });
        if (!ok) {
            return r;
        }
        r.files.push_back(base + "conflicts.csv");
    }
    r.ok = true;
    return r;
}

} // namespace mor
