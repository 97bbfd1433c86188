// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/dataset_import.h"

#include "data/file_reader.h"
#include "data/number_text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace mor::detail {

namespace {

constexpr int64_t MaxClasses = 1000;

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return text;
}

/// Maps labels to class indices; fills classNames. Returns "" or an error.
std::string mapLabels(const CsvTable& table, const std::string& path, Dataset& d) {
    std::vector<double> numbers(table.labelText.size());
    bool numeric = true;
    for (size_t i = 0; i < table.labelText.size() && numeric; ++i) {
        numeric = parseNumber(table.labelText[i], numbers[i]);
    }
    d.labels.resize(table.labelText.size());
    if (numeric) {
        for (size_t i = 0; i < numbers.size(); ++i) {
            if (numbers[i] != std::floor(numbers[i])) {
                return path + ": label \"" + table.labelText[i] + "\" of data row " +
                       std::to_string(i + 1) +
                       " is not a whole number; the label column must hold classes (numbers or "
                       "names), not measurements";
            }
        }
        const auto names = static_cast<double>(table.classNames.size());
        const bool namedByCountLine =
            !table.classNames.empty() && std::all_of(numbers.begin(), numbers.end(),
                                                     [&](double v) { return v >= 0 && v < names; });
        if (namedByCountLine) {
            d.classNames = table.classNames;
            for (size_t i = 0; i < numbers.size(); ++i) {
                d.labels[i] = static_cast<int64_t>(numbers[i]);
            }
        } else {
            std::map<double, int64_t> classes;
            for (size_t i = 0; i < numbers.size(); ++i) {
                classes.emplace(numbers[i], 0);
            }
            for (auto& [value, index] : classes) {
                index = static_cast<int64_t>(d.classNames.size());
                d.classNames.push_back(shortNumber(value, 17));
            }
            for (size_t i = 0; i < numbers.size(); ++i) {
                d.labels[i] = classes[numbers[i]];
            }
        }
    } else {
        std::map<std::string, int64_t> classes;
        for (const auto& text : table.labelText) {
            classes.emplace(text, 0);
        }
        for (auto& [text, index] : classes) {
            index = static_cast<int64_t>(d.classNames.size());
            d.classNames.push_back(text);
        }
        for (size_t i = 0; i < table.labelText.size(); ++i) {
            d.labels[i] = classes[table.labelText[i]];
        }
    }
    d.numClasses = static_cast<int64_t>(d.classNames.size());
    if (d.numClasses < 2) {
        return path + ": the label column holds only one class (\"" + d.classNames.front() +
               "\"); classification needs at least two";
    }
    if (d.numClasses > MaxClasses) {
        return path + ": the label column holds " + std::to_string(d.numClasses) +
               " different values; at most " + std::to_string(MaxClasses) +
               " classes are supported (is data.label_column the right column?)";
    }
    return {};
}

} // namespace

DatasetResult datasetFromCsv(CsvTable table, const std::string& path, int64_t limit) {
    DatasetResult result;
    if (!table.error.empty()) {
        result.error = table.error;
        return result;
    }
    if (limit > 0 && table.rows > limit) {
        table.rows = limit;
        table.features.resize(static_cast<size_t>(limit * table.columns));
        table.labelText.resize(static_cast<size_t>(limit));
    }
    Dataset& d = result.dataset;
    d.name = fileName(path);
    d.inputKind = "vector";
    d.numFeatures = table.columns;
    d.featureNames = std::move(table.header);
    d.features = std::move(table.features);
    d.domainNames = {"all"};
    result.error = mapLabels(table, path, d);
    d.domains.assign(d.labels.size(), 0);
    return result;
}

DatasetResult datasetFromIdx(const IdxData& idx, const std::string& imagesPath) {
    DatasetResult result;
    if (!idx.error.empty()) {
        result.error = idx.error;
        return result;
    }
    Dataset& d = result.dataset;
    const std::string lower = lowerCase(imagesPath);
    const bool fashion = lower.find("fashion") != std::string::npos;
    d.name = fashion ? "fashion-mnist"
                     : (lower.find("mnist") != std::string::npos ? "mnist" : fileName(imagesPath));
    d.inputKind = "image";
    d.imageHeight = idx.rows;
    d.imageWidth = idx.cols;
    d.numFeatures = idx.rows * idx.cols;
    d.features.resize(idx.pixels.size());
    for (size_t i = 0; i < idx.pixels.size(); ++i) {
        d.features[i] = static_cast<float>(idx.pixels[i]) / 255.0f;
    }
    for (int64_t p = 0; p < d.numFeatures; ++p) {
        d.featureNames.push_back("p" + std::to_string(p));
    }
    d.labels = idx.labels;
    d.domainNames = {"all"};
    d.domains.assign(d.labels.size(), 0);
    const int64_t maxLabel =
        d.labels.empty() ? 0 : *std::max_element(d.labels.begin(), d.labels.end());
    // MNIST-style sets have 10 classes even when a small limit leaves some out.
    d.numClasses = maxLabel + 1;
    if (maxLabel < 10 && (fashion || lower.find("mnist") != std::string::npos)) {
        d.numClasses = 10;
    }
    if (fashion && d.numClasses == 10) {
        d.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    } else {
        for (int64_t k = 0; k < d.numClasses; ++k) {
            d.classNames.push_back(std::to_string(k));
        }
    }
    if (d.labels.empty()) {
        result.error = "images file " + imagesPath + " holds no images";
    }
    return result;
}

} // namespace mor::detail
