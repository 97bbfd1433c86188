#pragma once
// Inference on a trained run: load a checkpoint once, then answer batches of raw feature rows.
// Used by `mor serve`; no torch types cross this header.
#include "mor/trace.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mor {

struct PredictorOptions {
    std::string checkpoint = "last"; ///< "last" | "best" (best.pt, the best validation accuracy)
    int64_t step = -1;               ///< with "last": the latest checkpoint at or before step
    int64_t threads = -1;            ///< intra-op threads; < 0 = the run's train.threads
};

/// What a client needs to know to call the model (also shown by GET /v1/health).
struct ModelSummary {
    int64_t runId = 0;
    std::string runName;
    std::string runStatus;
    std::string dataset;     ///< data set name, e.g. "parity(12)" or the CSV file name
    std::string inputKind;   ///< vector | bits | image
    int64_t numFeatures = 0; ///< numbers per input row
    int64_t numClasses = 0;
    int64_t numExperts = 0;
    int64_t parameters = 0;
    int64_t checkpointStep = 0;
    std::string checkpointPath;
    std::string routing; ///< router strategy
    /// How raw features become model inputs: "standardise" (CSV: z-score with the training
    /// split's mean and standard deviation), "divide by 255" (IDX pixels) or "none".
    std::string scaling;
    std::vector<std::string> classNames;
    std::vector<std::string> featureNames;
};

/// One input row. `features` are raw values as in the data source (CSV columns without the
/// label, in file order; IDX pixels 0..255; generated sets as stored) unless `scaled` is set,
/// in which case they are the model's inputs already (the data set's stored features).
struct PredictInput {
    std::vector<float> features;
    bool scaled = false;
    bool trace = false; ///< also return the full SampleTrace
};

struct Prediction {
    int64_t answer = -1; ///< class index with the highest fused probability
    std::string className;
    float confidence = 0.f;   ///< fused probability of the answer
    std::vector<float> probs; ///< fused distribution over classes
    std::vector<int> experts; ///< experts that ran, ascending
    std::vector<float> gates; ///< gate of each used expert (same order)
    std::vector<int> depth;   ///< iterations each used expert computed (same order)
    int expertSteps = 0;      ///< sum of depth
    bool conflict = false;
    float conflictScore = 0.f;
    bool hasTrace = false;
    SampleTrace trace; ///< filled when the input asked for it
};

/// A loaded checkpoint. Not thread-safe: one predict() at a time (the caller serialises).
/// Each row's answer is independent of the other rows in its batch, except with the
/// expert_choice router (experts pick their top inputs of the batch) and the random router.
class Predictor {
public:
    /// Loads the run's config, data set (for shape, class names and scaling) and checkpoint.
    /// Returns null with a message in `error` when anything is missing or invalid.
    static std::unique_ptr<Predictor> open(const std::string& logPath, int64_t runId,
                                           const PredictorOptions& options, std::string* error);
    ~Predictor();
    Predictor(const Predictor&) = delete;
    Predictor& operator=(const Predictor&) = delete;

    const ModelSummary& summary() const;

    /// Runs one forward pass over all inputs (a batch). Returns one Prediction per input, or
    /// an empty vector and a message naming the input when a row has the wrong size.
    std::vector<Prediction> predict(const std::vector<PredictInput>& inputs, std::string* error);

    /// Applies the training's feature scaling to one raw row (numFeatures values).
    std::vector<float> scale(const std::vector<float>& raw) const;

private:
    Predictor();
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace mor
