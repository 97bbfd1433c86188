#pragma once
// Data sets as plain arrays: generated (parity, modular, majority, mixed) or read (CSV, IDX).
#include "mor/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct Dataset {
    std::string name;                 ///< e.g. "parity(12)" or the CSV file name
    std::string inputKind = "vector"; ///< vector | bits | image
    int64_t numFeatures = 0;
    int64_t numClasses = 0;
    int64_t imageWidth = 0, imageHeight = 0; ///< image inputs only
    std::vector<std::string> classNames;     ///< size numClasses
    std::vector<std::string> domainNames;    ///< size >= 1 ("all" when there are no domains)
    std::vector<std::string> featureNames;
    std::vector<float> features;   ///< row-major [size() x numFeatures], already scaled
    std::vector<int64_t> labels;   ///< class index per sample
    std::vector<int64_t> domains;  ///< domain index per sample (all 0 without domains)
    std::vector<int64_t> train, validation, test; ///< sample indices of each split
    std::vector<int64_t> probe;    ///< fixed subset of validation traced at every evaluation

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t numDomains() const { return static_cast<int64_t>(domainNames.size()); }
    const float* row(int64_t i) const { return features.data() + i * numFeatures; }
    /// A short human-readable form of sample i ("0110 1010 …", "x=3.1, …").
    std::string preview(int64_t i) const;
};

struct DatasetResult {
    Dataset dataset;
    std::string error; ///< empty on success; otherwise names the file / line / field
    bool ok() const { return error.empty(); }
};

/// Builds the data set the config describes; generated sets are deterministic in `seed`,
/// splits are drawn with `seed`, features standardised on the training split (csv).
DatasetResult loadDataset(const DataConfig& config, int64_t seed);

/// A parsed numeric CSV table (label column already separated).
struct CsvTable {
    std::vector<std::string> header;   ///< feature names (generated if the file has none)
    std::vector<float> features;       ///< row-major
    std::vector<std::string> labelText; ///< raw label per row
    int64_t rows = 0, columns = 0;     ///< columns = feature columns
    std::string error;
    /// Class names from a count line ("150,4,setosa,versicolor,virginica"); empty without one.
    /// Numeric labels 0..n-1 then stand for these names.
    std::vector<std::string> classNames;
};
/// Reads a CSV (gzip allowed); detects a header line and a "count line" such as
/// "150,4,setosa,versicolor,virginica". Errors name the line number.
CsvTable readCsv(const std::string& path, const std::string& labelColumn);

struct IdxData {
    int64_t count = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels;  ///< [count x rows x cols]
    std::vector<int64_t> labels;
    std::string error;
};
/// Reads MNIST-format IDX files (gzip or plain); checks magic numbers and sizes.
IdxData readIdx(const std::string& imagesPath, const std::string& labelsPath, int64_t limit);

} // namespace mor
