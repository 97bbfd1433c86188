#pragma once
// Inference on a trained run: load a checkpoint once, then answer batches of raw feature rows.
// Used by `mor serve`; no torch types cross this header.
#include "mor/result.h"
#include "mor/sequence.h"
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
    /// Non-empty: the weights come from this archive written by Run::exportWeights (any dtype;
    /// int8 weights are dequantised) instead of the run's checkpoint.
    std::string weights;
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
    /// Fails with a message when anything is missing or invalid.
    static Result<std::unique_ptr<Predictor>> open(const std::string& logPath, int64_t runId,
                                                   const PredictorOptions& options = {});
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

/// What a client of a recursion (sequence) run needs to know (GET /v1/health).
struct GeneratorSummary {
    int64_t runId = 0;
    std::string runName;
    std::string runStatus;
    std::string dataset;       ///< data.kind, e.g. "text" or "addition"
    int64_t vocabSize = 0;
    int64_t contextLength = 0; ///< positions the model attends to
    int maxRecursions = 0;
    std::string routing;
    int64_t parameters = 0;
    int64_t checkpointStep = 0;
    std::string checkpointPath;
};

/// A recursion run's checkpoint loaded once, sampling text token by token with the KV-cached
/// decoder. Not thread-safe: one generate() at a time (the caller serialises).
class SequenceGenerator {
public:
    /// Loads the run's config, vocabulary and checkpoint; fails with a message.
    static Result<std::unique_ptr<SequenceGenerator>>
    open(const std::string& logPath, int64_t runId, const PredictorOptions& options = {});
    ~SequenceGenerator();
    SequenceGenerator(const SequenceGenerator&) = delete;
    SequenceGenerator& operator=(const SequenceGenerator&) = delete;

    const GeneratorSummary& summary() const;
    /// Samples options.tokens tokens after options.prompt (options.step and useCache are
    /// ignored: the loaded checkpoint and the cache are used). Same answer as
    /// Run::generate() for the same checkpoint, prompt, temperature and seed.
    GenerateResult generate(const GenerateOptions& options);

private:
    SequenceGenerator();
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// Storage type of exported weights.
enum class WeightDType {
    Float32,
    BFloat16,
    Float16,
    /// 2-D weights of linear layers as int8 with one float scale per output row; routers and
    /// one-output score layers (halting, critique) stay float32
    Int8
};

/// "float32" | "bf16" | "fp16" | "int8" -> dtype; false for anything else.
bool parseWeightDType(const std::string& text, WeightDType* dtype);
std::string weightDTypeName(WeightDType dtype);

struct WeightExportOptions {
    WeightDType dtype = WeightDType::Float32;
    std::string checkpoint = "last"; ///< "last" | "best"
    /// Also run the test split through the checkpoint and through the exported weights
    /// (read back from the file) and report accuracy and agreement.
    bool compare = false;
};

struct WeightExportReport {
    std::string family;
    int64_t bytes = 0;          ///< size of the written archive
    int64_t floatBytes = 0;     ///< size the same tensors take as float32
    int64_t tensors = 0;
    int64_t quantised = 0;      ///< int8: weight matrices stored as int8
    // With options.compare (test split; recursion runs: next-token / answer-digit accuracy):
    int64_t compared = 0;       ///< test predictions compared
    double floatAccuracy = -1.0;
    double exportAccuracy = -1.0;
    double agreement = -1.0;    ///< fraction of test predictions equal to the float model's
};

} // namespace mor
