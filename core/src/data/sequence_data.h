#pragma once
// Token-sequence data for the Mixture-of-Recursions family: character-level text, running
// parity, reversed-digit addition and pointer chasing, each with a per-token difficulty class.
// No torch.
#include "mor/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor::data {

/// Fixed-length sequences, row-major [count x length].
struct SequenceSplit {
    int64_t count = 0;
    int64_t length = 0;
    std::vector<int64_t> inputs;
    std::vector<int64_t> targets;  ///< -1: no target at this position (not in the loss)
    std::vector<int> difficulty;   ///< -1: no class
};

struct SequenceData {
    DataKind kind = DataKind::Text;           ///< text | running_parity | addition | pointer_chase
    std::string source;                       ///< text: the file read
    std::vector<std::string> vocab;           ///< token id -> display/UTF-8 text
    std::vector<std::string> difficultyNames; ///< names of the difficulty classes
    int64_t unknownId = -1;                   ///< text: id of characters outside the vocab
    /// text: the token stream of the training part (random windows are drawn from it).
    std::vector<int64_t> trainStream;
    /// Training sequences of the algorithmic tasks (empty for text).
    SequenceSplit train;
    SequenceSplit validation; ///< text: consecutive windows of the validation part
    SequenceSplit test;
    int64_t seqLen = 0;       ///< positions per sequence
    std::string error;        ///< non-empty when loading failed (names file / field)
    bool ok() const { return error.empty(); }
    bool isText() const { return kind == DataKind::Text; }
};

/// Builds the data a config describes (seeded). Errors are returned in `error`.
SequenceData loadSequenceData(const DataConfig& config, int64_t seed);

/// The bundled corpus (resources/corpus/fortunes.txt): $MOR_CORPUS_DIR, else found relative
/// to the executable: <prefix>/share/mor-studio/corpus of an installed program, or the copy
/// CMake puts in <build>/share/mor-studio/corpus for programs run from the build tree (up to
/// four folders above the executable). "" when not found.
std::string bundledCorpusPath();

/// UTF-8 text split into characters (invalid bytes become single-byte tokens).
std::vector<std::string> splitCharacters(const std::string& text);
/// Token ids of `text` for a vocabulary, longest token first (unknown characters -> unknownId,
/// or skipped when -1).
std::vector<int64_t> encodeText(const std::vector<std::string>& vocab, int64_t unknownId,
                                const std::string& text);

/// pointer_chase: queries per sequence, and the positions the model reads (a permutation of
/// the 10 digits, then each query and its answer, less the last answer).
constexpr int64_t kPointerChaseQueries = 8;
constexpr int64_t kPointerChaseLength = 10 + 2 * kPointerChaseQueries - 1;

/// Addition: the carry-chain class of each answer digit of a + b (least significant first,
/// `digits` digits per operand, digits + 1 answer digits): 0 no carry in, 1 a carry made by
/// the digit below, 2 a carry that rippled through at least one more digit.
std::vector<int> additionCarryClasses(int64_t a, int64_t b, int64_t digits);

} // namespace mor::data
