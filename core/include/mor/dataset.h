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
    /// Where the test split came from: "" = split out of the training file (data.test_fraction),
    /// else the test file (data.test_path or data.test_images); its samples come last.
    std::string testSource;
    /// csv: the standardisation applied to the raw columns, scaled = (raw - mean) / scale,
    /// computed on the training split (empty for kinds that are not standardised).
    std::vector<double> featureMean, featureScale;

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
    std::vector<float> features;       ///< row-major; NaN marks a missing cell (missing "mean")
    std::vector<std::string> labelText; ///< raw label per row
    std::vector<int64_t> lines;        ///< 1-based file line of each row
    int64_t rows = 0, columns = 0;     ///< columns = feature columns
    int64_t missingCells = 0;          ///< feature cells left NaN (missing "mean")
    int64_t droppedRows = 0;           ///< rows skipped for a missing cell (missing "drop_rows")
    bool hasHeader = false;
    char separator = ',';              ///< the separator used (' ' = runs of blanks)
    std::string error;
    /// Class names from a count line ("150,4,setosa,versicolor,virginica"); empty without one.
    /// Numeric labels 0..n-1 then stand for these names.
    std::vector<std::string> classNames;
};
/// How a CSV file is written (data.delimiter, data.decimal, data.missing).
struct CsvDialect {
    char separator = 0;             ///< 0: sniffed from the first lines (, ; tab | blanks)
    char decimal = '.';             ///< '.' or ','
    /// empty / NA / NaN / ? cells: refuse | drop_rows | mean
    MissingCells missing = MissingCells::Refuse;
};
/// The dialect the data config asks for.
CsvDialect csvDialect(const DataConfig& config);
/// Reads a CSV (gzip allowed); detects a header line and a "count line" such as
/// "150,4,setosa,versicolor,virginica". Errors name the line number (and column).
CsvTable readCsv(const std::string& path, const std::string& labelColumn,
                 const CsvDialect& dialect = {});

struct IdxData {
    int64_t count = 0, rows = 0, cols = 0;
    std::vector<uint8_t> pixels;  ///< [count x rows x cols]
    std::vector<int64_t> labels;
    std::string error;
};
/// Reads MNIST-format IDX files (gzip or plain); checks magic numbers and sizes.
IdxData readIdx(const std::string& imagesPath, const std::string& labelsPath, int64_t limit);

} // namespace mor
