// SPDX-License-Identifier: GPL-3.0-or-later
// loadDataset: build (generate or read), split, standardise.
#include "data/dataset_import.h"
#include "data/random.h"
#include "data/synthetic_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mor {

namespace {

constexpr uint64_t SplitStream = 7;

/// Only the data section's rules apply here: the rest of the config is not ours to judge.
std::string checkDataConfig(const DataConfig& config) {
    ExperimentConfig whole;
    whole.data = config;
    std::string message;
    for (const auto& error : validateConfig(whole)) {
        if (error.field.rfind("data.", 0) == 0) {
            message += (message.empty() ? "" : "\n") + error.message;
        }
    }
    return message;
}

/// Refuses sets that would not fit in memory instead of failing inside the allocator.
std::string checkGeneratedSize(const DataConfig& c) {
    constexpr int64_t MaxValues = int64_t(1) << 28; // 1 GiB of floats
    int64_t width = 0;
    const std::vector<std::string> domains =
        c.kind == DataKind::Mixed ? c.domains : std::vector<std::string>{dataKindName(c.kind)};
    for (const auto& domain : domains) {
        width += domain == "modular" ? c.operands * c.modulus : c.length;
    }
    if (width > 0 && c.samples > MaxValues / width) {
        return "data.samples = " + std::to_string(c.samples) + " with " + std::to_string(width) +
               " features per sample would need more than 1 GiB; reduce data.samples or the "
               "feature count (length, modulus × operands)";
    }
    return {};
}

/// Takes `k` evenly spaced items out of `items` (which is grouped by class), so the taken
/// part has every class in proportion; the rest stays in order in `items`.
std::vector<int64_t> takeEvenlySpaced(std::vector<int64_t>& items, int64_t k) {
    std::vector<int64_t> taken, rest;
    const auto n = static_cast<int64_t>(items.size());
    taken.reserve(static_cast<size_t>(k));
    rest.reserve(static_cast<size_t>(n - k));
    int64_t next = 0; // index in `taken` whose position we look for
    for (int64_t p = 0; p < n; ++p) {
        // position of the j-th pick: floor((j + 0.5) * n / k), strictly increasing for k <= n
        const bool pick = next < k && p == ((2 * next + 1) * n) / (2 * k);
        (pick ? taken : rest).push_back(items[static_cast<size_t>(p)]);
        next += pick ? 1 : 0;
    }
    items = std::move(rest);
    return taken;
}

/// Stratified split: shuffle with the seed, group by (domain, class), then take test and
/// validation as evenly spaced picks, so small or sorted files still get every class in
/// every split. Sizes are exactly round(fraction * n). With a separate test file (samples
/// testFrom.. on) those samples are the test split and validation comes out of the rest.
void makeSplits(Dataset& d, const DataConfig& config, int64_t seed, int64_t testFrom) {
    const int64_t n = testFrom >= 0 ? testFrom : d.size();
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        order[static_cast<size_t>(i)] = i;
    }
    detail::Random random(seed, SplitStream);
    random.shuffle(order);
    const auto stratum = [&d](int64_t i) {
        return d.domains[static_cast<size_t>(i)] * d.numClasses + d.labels[static_cast<size_t>(i)];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return stratum(a) < stratum(b); });

    auto count = [n](double fraction) {
        return static_cast<int64_t>(std::llround(fraction * static_cast<double>(n)));
    };
    int64_t numTest = testFrom >= 0 ? 0 : count(config.testFraction);
    int64_t numValidation = count(config.validationFraction);
    // Tiny sets: keep at least one training sample, taking it from validation first.
    while (n > 0 && n - numTest - numValidation < 1) {
        if (numValidation > 0) {
            --numValidation;
        } else {
            --numTest;
        }
    }
    d.test = takeEvenlySpaced(order, numTest);
    for (int64_t i = testFrom; testFrom >= 0 && i < d.size(); ++i) {
        d.test.push_back(i);
    }
    std::vector<int64_t> validation = takeEvenlySpaced(order, numValidation);
    d.train = std::move(order);
    d.validation = validation;
    // The probe is a class-balanced part of validation too (a file sorted by class would
    // otherwise give a probe of one class).
    d.probe = takeEvenlySpaced(validation,
                               std::min<int64_t>(config.probeSize, int64_t(d.validation.size())));
    // Sorted index lists: stable, readable, and kinder to caches; trainers shuffle anyway.
    for (auto* split : {&d.train, &d.validation, &d.test, &d.probe}) {
        std::sort(split->begin(), split->end());
    }
}

/// z-scores every feature with the mean and standard deviation of the training split only,
/// so nothing about validation or test leaks into training.
void standardiseOnTrain(Dataset& d) {
    const auto f = static_cast<size_t>(d.numFeatures);
    std::vector<double> mean(f, 0.0), variance(f, 0.0);
    for (int64_t i : d.train) {
        const float* row = d.row(i);
        for (size_t k = 0; k < f; ++k) {
            mean[k] += row[k];
        }
    }
    const double n = std::max<double>(1.0, static_cast<double>(d.train.size()));
    for (auto& m : mean) {
        m /= n;
    }
    for (int64_t i : d.train) {
        const float* row = d.row(i);
        for (size_t k = 0; k < f; ++k) {
            variance[k] += (row[k] - mean[k]) * (row[k] - mean[k]);
        }
    }
    for (size_t k = 0; k < f; ++k) {
        const double sd = std::sqrt(variance[k] / n);
        variance[k] = sd > 1e-12 ? sd : 1.0; // constant feature: centre it, do not divide by 0
    }
    d.featureMean = mean;
    d.featureScale = variance;
    // A validation or test value far outside the training range (3e38 against a spread of
    // 1e-3) would overflow float to inf and turn every loss NaN: saturate instead.
    const double limit = std::numeric_limits<float>::max();
    for (int64_t i = 0; i < d.size(); ++i) {
        float* row = d.features.data() + i * d.numFeatures;
        for (size_t k = 0; k < f; ++k) {
            const double z = (row[k] - mean[k]) / variance[k];
            row[k] = static_cast<float>(std::clamp(z, -limit, limit));
        }
    }
}

/// data.missing "mean": a missing cell (NaN) takes its column's mean over the training split,
/// so nothing about validation or test leaks into training.
std::string fillMissingWithTrainMean(Dataset& d) {
    const auto f = static_cast<size_t>(d.numFeatures);
    std::vector<double> sum(f, 0.0);
    std::vector<int64_t> count(f, 0);
    for (int64_t i : d.train) {
        const float* row = d.row(i);
        for (size_t k = 0; k < f; ++k) {
            if (!std::isnan(row[k])) {
                sum[k] += row[k];
                ++count[k];
            }
        }
    }
    for (int64_t i = 0; i < d.size(); ++i) {
        float* row = d.features.data() + i * d.numFeatures;
        for (size_t k = 0; k < f; ++k) {
            if (!std::isnan(row[k])) {
                continue;
            }
            if (count[k] == 0) {
                return d.name + ": column \"" + d.featureNames[k] +
                       "\" has no value in the training split, so data.missing = \"mean\" "
                       "cannot fill it";
            }
            row[k] = static_cast<float>(sum[k] / static_cast<double>(count[k]));
        }
    }
    return {};
}

} // namespace

DatasetResult loadDataset(const DataConfig& config, int64_t seed) {
    DatasetResult result;
    result.error = checkDataConfig(config);
    if (!result.ok()) {
        return result;
    }
    int64_t testFrom = -1; // first sample of a separate test file
    if (config.kind == DataKind::Csv) {
        result = detail::csvDataset(config, &testFrom);
    } else if (config.kind == DataKind::Idx) {
        result = detail::idxDataset(config, &testFrom);
    } else {
        result.error = checkGeneratedSize(config);
        if (result.ok()) {
            result.dataset = detail::makeSyntheticDataset(config, seed);
        }
    }
    if (!result.ok()) {
        result.dataset = Dataset{};
        return result;
    }
    makeSplits(result.dataset, config, seed, testFrom);
    if (config.kind == DataKind::Csv) {
        if (config.missing == MissingCells::Mean) {
            result.error = fillMissingWithTrainMean(result.dataset);
            if (!result.ok()) {
                result.dataset = Dataset{};
                return result;
            }
        }
        standardiseOnTrain(result.dataset);
    }
    return result;
}

} // namespace mor
