// SPDX-License-Identifier: GPL-3.0-or-later
// Data sets that ship a separate test file (a CSV test file, Fashion-MNIST's t10k IDX files):
// the training file's samples first, then the test file's, read the same way.
#include "data/dataset_import.h"

#include <algorithm>
#include <set>

namespace mor::detail {

namespace {

/// The feature columns of the two tables must agree: count, and names where both have a header.
std::string checkSameColumns(const CsvTable& train, const CsvTable& test,
                             const DataConfig& config) {
    const std::string prefix = "data.test_path: " + config.testPath;
    if (train.columns != test.columns) {
        return prefix + " has " + std::to_string(test.columns) + " feature columns, but " +
               config.path + " (data.path) has " + std::to_string(train.columns) +
               " (the label column not counted)";
    }
    if (train.hasHeader && test.hasHeader) {
        for (size_t c = 0; c < train.header.size(); ++c) {
            if (train.header[c] != test.header[c]) {
                return prefix + ": feature column " + std::to_string(c + 1) + " is \"" +
                       test.header[c] + "\", but in " + config.path + " it is \"" +
                       train.header[c] + "\"";
            }
        }
    }
    return {};
}

std::string joined(const std::vector<std::string>& names, const std::set<int64_t>& which) {
    std::string text;
    for (int64_t k : which) {
        text += (text.empty() ? "" : ", ") + names[static_cast<size_t>(k)];
    }
    return text;
}

/// A test sample whose class never occurs in the training file cannot be learned: refuse it,
/// naming the first such sample.
std::string checkTestClasses(const Dataset& d, int64_t testFrom, const std::string& field,
                             const std::string& testFile, const std::vector<int64_t>* lines) {
    std::set<int64_t> trained;
    for (int64_t i = 0; i < testFrom; ++i) {
        trained.insert(d.labels[static_cast<size_t>(i)]);
    }
    for (int64_t i = testFrom; i < d.size(); ++i) {
        const int64_t label = d.labels[static_cast<size_t>(i)];
        if (trained.count(label) == 0) {
            const int64_t k = i - testFrom;
            const std::string where =
                lines ? "line " + std::to_string((*lines)[static_cast<size_t>(k)])
                      : "sample " + std::to_string(k + 1);
            return field + ": " + testFile + ": " + where + ": class \"" +
                   d.classNames[static_cast<size_t>(label)] +
                   "\" does not occur in the training file (its classes: " +
                   joined(d.classNames, trained) + ")";
        }
    }
    return {};
}

} // namespace

DatasetResult csvDataset(const DataConfig& config, int64_t* testFrom) {
    *testFrom = -1;
    const CsvDialect dialect = csvDialect(config);
    CsvTable table = readCsv(config.path, config.labelColumn, dialect);
    if (!table.error.empty() || config.testPath.empty()) {
        return datasetFromCsv(std::move(table), config.path, config.limit);
    }
    if (config.limit > 0 && table.rows > config.limit) {
        table.rows = config.limit;
        table.features.resize(static_cast<size_t>(config.limit * table.columns));
        table.labelText.resize(static_cast<size_t>(config.limit));
        table.lines.resize(static_cast<size_t>(config.limit));
    }
    CsvTable test = readCsv(config.testPath, config.labelColumn, dialect);
    DatasetResult result;
    if (!test.error.empty()) {
        result.error = "data.test_path: " + test.error;
        return result;
    }
    result.error = checkSameColumns(table, test, config);
    if (!result.ok()) {
        return result;
    }
    const std::vector<int64_t> testLines = test.lines;
    *testFrom = table.rows;
    table.features.insert(table.features.end(), test.features.begin(), test.features.end());
    table.labelText.insert(table.labelText.end(), test.labelText.begin(), test.labelText.end());
    table.lines.insert(table.lines.end(), test.lines.begin(), test.lines.end());
    table.rows += test.rows;
    table.missingCells += test.missingCells;
    table.droppedRows += test.droppedRows;
    result = datasetFromCsv(std::move(table), config.path, 0);
    if (result.ok()) {
        result.error = checkTestClasses(result.dataset, *testFrom, "data.test_path",
                                        config.testPath, &testLines);
        result.dataset.testSource = config.testPath;
    }
    return result;
}

DatasetResult idxDataset(const DataConfig& config, int64_t* testFrom) {
    *testFrom = -1;
    IdxData idx = readIdx(config.images, config.labels, config.limit);
    if (!idx.error.empty() || config.testImages.empty()) {
        return datasetFromIdx(idx, config.images);
    }
    const IdxData test = readIdx(config.testImages, config.testLabels, 0);
    DatasetResult result;
    if (!test.error.empty()) {
        result.error = "data.test_images / data.test_labels: " + test.error;
        return result;
    }
    if (test.rows != idx.rows || test.cols != idx.cols) {
        result.error = "data.test_images: " + config.testImages + " holds images of " +
                       std::to_string(test.rows) + "×" + std::to_string(test.cols) +
                       " pixels, but " + config.images + " (data.images) holds " +
                       std::to_string(idx.rows) + "×" + std::to_string(idx.cols);
        return result;
    }
    *testFrom = idx.count;
    idx.pixels.insert(idx.pixels.end(), test.pixels.begin(), test.pixels.end());
    idx.labels.insert(idx.labels.end(), test.labels.begin(), test.labels.end());
    idx.count += test.count;
    result = datasetFromIdx(idx, config.images);
    if (result.ok()) {
        result.error = checkTestClasses(result.dataset, *testFrom, "data.test_labels",
                                        config.testLabels, nullptr);
        result.dataset.testSource = config.testImages;
    }
    return result;
}

} // namespace mor::detail
