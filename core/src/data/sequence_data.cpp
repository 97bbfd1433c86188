// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/sequence_data.h"

#include "data/random.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace mor::data {

namespace {

constexpr size_t kMaxVocab = 1024;        ///< rarer characters of a large alphabet -> unknown
constexpr int64_t kMaxTextEvalWindows = 96; ///< validation / test windows of a text corpus
constexpr int64_t kMinTextChars = 64;

bool isFile(const std::string& path) {
    struct stat info {};
    return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string executableDir() {
    char buffer[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0) {
        return std::string();
    }
    std::string path(buffer, static_cast<size_t>(n));
    return path.substr(0, path.find_last_of('/'));
}

/// Consecutive windows of `length + 1` tokens of a stream (inputs and next-token targets).
SequenceSplit windows(const std::vector<int64_t>& stream, int64_t length, int64_t maxCount) {
    SequenceSplit split;
    split.length = length;
    const auto available = static_cast<int64_t>(stream.size()) - 1;
    split.count = std::min(maxCount, available / length);
    for (int64_t w = 0; w < split.count; ++w) {
        for (int64_t t = 0; t < length; ++t) {
            split.inputs.push_back(stream[static_cast<size_t>(w * length + t)]);
            split.targets.push_back(stream[static_cast<size_t>(w * length + t + 1)]);
            split.difficulty.push_back(-1);
        }
    }
    return split;
}

SequenceData loadText(const DataConfig& config) {
    SequenceData data;
    data.kind = DataKind::Text;
    data.seqLen = config.seqLen;
    data.source = config.textPath.empty() ? bundledCorpusPath() : config.textPath;
    if (data.source.empty()) {
        data.error = "data.text_path is empty and the bundled corpus (resources/corpus/"
                     "fortunes.txt) was not found; set data.text_path to a UTF-8 text file";
        return data;
    }
    std::ifstream in(data.source, std::ios::binary);
    if (!in) {
        data.error = "data.text_path: cannot read " + data.source;
        return data;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::vector<std::string> chars = splitCharacters(buffer.str());
    const auto n = static_cast<int64_t>(chars.size());
    const auto evalChars = static_cast<int64_t>(
        static_cast<double>(n) * (config.validationFraction + config.testFraction));
    if (n - evalChars < std::max(kMinTextChars, 2 * config.seqLen + 2)) {
        data.error = "data.text_path: " + data.source + " has " + std::to_string(n) +
                     " characters, too few for data.seq_len = " + std::to_string(config.seqLen);
        return data;
    }
    std::map<std::string, int64_t> counts;
    for (const std::string& c : chars) {
        ++counts[c];
    }
    std::vector<std::pair<int64_t, std::string>> byCount;
    for (const auto& [c, k] : counts) {
        byCount.emplace_back(-k, c);
    }
    std::sort(byCount.begin(), byCount.end());
    if (byCount.size() > kMaxVocab - 1) {
        byCount.resize(kMaxVocab - 1);
    }
    std::vector<std::string> vocab;
    for (const auto& entry : byCount) {
        vocab.push_back(entry.second);
    }
    std::sort(vocab.begin(), vocab.end());
    vocab.insert(vocab.begin(), std::string("\xEF\xBF\xBD")); // U+FFFD: unknown character
    data.vocab = vocab;
    data.unknownId = 0;
    std::map<std::string, int64_t> ids;
    for (size_t i = 1; i < vocab.size(); ++i) {
        ids[vocab[i]] = static_cast<int64_t>(i);
    }
    std::vector<int64_t> stream;
    stream.reserve(chars.size());
    for (const std::string& c : chars) {
        const auto it = ids.find(c);
        stream.push_back(it == ids.end() ? 0 : it->second);
    }
    // Contiguous parts (train | validation | test): neighbouring windows share no text.
    const auto valChars = static_cast<int64_t>(static_cast<double>(n) * config.validationFraction);
    const int64_t trainEnd = n - evalChars;
    data.trainStream.assign(stream.begin(), stream.begin() + trainEnd);
    const std::vector<int64_t> val(stream.begin() + trainEnd,
                                   stream.begin() + trainEnd + valChars);
    const std::vector<int64_t> test(stream.begin() + trainEnd + valChars, stream.end());
    data.validation = windows(val, config.seqLen, kMaxTextEvalWindows);
    data.test = windows(test, config.seqLen, kMaxTextEvalWindows);
    return data;
}

/// Splits generated sequences into train / validation / test by the configured fractions.
void splitGenerated(SequenceData& data, const SequenceSplit& all, const DataConfig& config) {
    const int64_t nVal = static_cast<int64_t>(static_cast<double>(all.count) *
                                              config.validationFraction);
    const int64_t nTest = static_cast<int64_t>(static_cast<double>(all.count) * config.testFraction);
    auto take = [&](int64_t from, int64_t count) {
        SequenceSplit s;
        s.count = count;
        s.length = all.length;
        const auto a = static_cast<size_t>(from * all.length);
        const auto b = static_cast<size_t>((from + count) * all.length);
        s.inputs.assign(all.inputs.begin() + a, all.inputs.begin() + b);
        s.targets.assign(all.targets.begin() + a, all.targets.begin() + b);
        s.difficulty.assign(all.difficulty.begin() + a, all.difficulty.begin() + b);
        return s;
    };
    data.validation = take(0, nVal);
    data.test = take(nVal, nTest);
    data.train = take(nVal + nTest, all.count - nVal - nTest);
}

SequenceData loadRunningParity(const DataConfig& config, int64_t seed) {
    SequenceData data;
    data.kind = DataKind::RunningParity;
    data.seqLen = config.seqLen;
    data.vocab = {"0", "1"};
    const int64_t T = config.seqLen;
    for (int q = 0; q < 4; ++q) {
        data.difficultyNames.push_back("positions " + std::to_string(q * T / 4 + 1) + "-" +
                                       std::to_string((q + 1) * T / 4));
    }
    detail::Random random(seed, 101);
    SequenceSplit all;
    all.count = config.samples;
    all.length = T;
    for (int64_t i = 0; i < all.count; ++i) {
        int64_t parity = 0;
        for (int64_t t = 0; t < T; ++t) {
            const int64_t bit = random.bit() ? 1 : 0;
            parity ^= bit;
            all.inputs.push_back(bit);
            all.targets.push_back(parity);
            all.difficulty.push_back(static_cast<int>(std::min<int64_t>(3, 4 * t / T)));
        }
    }
    splitGenerated(data, all, config);
    return data;
}

SequenceData loadAddition(const DataConfig& config, int64_t seed) {
    SequenceData data;
    data.kind = DataKind::Addition;
    const int64_t D = config.digits;
    data.vocab = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "="};
    data.difficultyNames = {"no carry", "carry", "carry chain >= 2"};
    // rev(a) + rev(b) = rev(a + b): 3D + 3 tokens; the model reads all but the last.
    data.seqLen = 3 * D + 2;
    detail::Random random(seed, 202);
    SequenceSplit all;
    all.count = config.samples;
    all.length = data.seqLen;
    const int64_t plus = 10, equals = 11;
    for (int64_t i = 0; i < all.count; ++i) {
        std::vector<int64_t> a(static_cast<size_t>(D)), b(static_cast<size_t>(D));
        for (int64_t d = 0; d < D; ++d) {
            a[static_cast<size_t>(d)] = random.below(10);
            b[static_cast<size_t>(d)] = random.below(10);
        }
        std::vector<int64_t> sum;
        std::vector<int> classes(static_cast<size_t>(D + 1), 0);
        int64_t carry = 0;
        int chain = 0;
        for (int64_t d = 0; d <= D; ++d) {
            const int64_t s = (d < D ? a[static_cast<size_t>(d)] + b[static_cast<size_t>(d)] : 0) +
                              carry;
            classes[static_cast<size_t>(d)] = carry ? std::min(2, chain) : 0;
            sum.push_back(s % 10);
            const int64_t pairSum = d < D ? a[static_cast<size_t>(d)] + b[static_cast<size_t>(d)] : 0;
            const int64_t nextCarry = s >= 10 ? 1 : 0;
            chain = nextCarry ? (pairSum >= 10 ? 1 : chain + 1) : 0;
            carry = nextCarry;
        }
        std::vector<int64_t> seq(a);
        seq.push_back(plus);
        seq.insert(seq.end(), b.begin(), b.end());
        seq.push_back(equals);
        seq.insert(seq.end(), sum.begin(), sum.end());
        for (int64_t t = 0; t + 1 < static_cast<int64_t>(seq.size()); ++t) {
            all.inputs.push_back(seq[static_cast<size_t>(t)]);
            const bool answer = t >= 2 * D + 1; // predicts an answer digit
            all.targets.push_back(answer ? seq[static_cast<size_t>(t + 1)] : -1);
            all.difficulty.push_back(answer ? classes[static_cast<size_t>(t - 2 * D - 1)] : -1);
        }
    }
    splitGenerated(data, all, config);
    return data;
}


SequenceData loadPointerChase(const DataConfig& config, int64_t seed) {
    SequenceData data;
    data.kind = DataKind::PointerChase;
    const int64_t H = config.hops;
    // Tokens: the digits, then one query token per start digit and number of steps, written
    // as the digit followed by that many ">" ("2>>": where does 2 lead in two steps?).
    for (int d = 0; d < 10; ++d) {
        data.vocab.push_back(std::string(1, static_cast<char>('0' + d)));
    }
    for (int64_t k = 1; k <= H; ++k) {
        for (int d = 0; d < 10; ++d) {
            data.vocab.push_back(std::string(1, static_cast<char>('0' + d)) +
                                 std::string(static_cast<size_t>(k), '>'));
        }
        data.difficultyNames.push_back(std::to_string(k) + (k == 1 ? " hop" : " hops"));
    }
    // A permutation p of the digits at positions 0-9, then kPointerChaseQueries queries, each
    // followed by its answer: "d>...>" (k steps) -> p^k(d). Start and steps are uniform;
    // only the answers are scored, the class of a query is k - 1. The model reads all but the
    // last token.
    data.seqLen = kPointerChaseLength;
    detail::Random random(seed, 303);
    SequenceSplit all;
    all.count = config.samples;
    all.length = data.seqLen;
    std::vector<int64_t> perm(10);
    for (int64_t i = 0; i < all.count; ++i) {
        for (int64_t d = 0; d < 10; ++d) {
            perm[static_cast<size_t>(d)] = d;
        }
        random.shuffle(perm);
        std::vector<int64_t> seq(perm);
        std::vector<int> classes(seq.size(), -1);
        for (int64_t q = 0; q < kPointerChaseQueries; ++q) {
            const int64_t start = random.below(10);
            const int64_t steps = 1 + random.below(H);
            int64_t at = start;
            for (int64_t k = 0; k < steps; ++k) {
                at = perm[static_cast<size_t>(at)];
            }
            seq.push_back(10 + 10 * (steps - 1) + start);
            classes.push_back(static_cast<int>(steps - 1));
            seq.push_back(at);
            classes.push_back(-1);
        }
        for (int64_t t = 0; t < data.seqLen; ++t) {
            const auto pos = static_cast<size_t>(t);
            all.inputs.push_back(seq[pos]);
            all.targets.push_back(classes[pos] >= 0 ? seq[pos + 1] : -1);
            all.difficulty.push_back(classes[pos]);
        }
    }
    splitGenerated(data, all, config);
    return data;
}

} // namespace

std::string bundledCorpusPath() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("MOR_CORPUS_DIR")) {
        candidates.push_back(std::string(env) + "/fortunes.txt");
    }
    // Relative to the executable only: <prefix>/bin/.. is the install prefix
    // (<prefix>/share/mor-studio/corpus); in a build tree CMake copies the corpus to
    // <build>/share/mor-studio/corpus and the executable sits a few folders below <build>
    // (app/cli, tests/core/seq). No source path is compiled in.
    std::string dir = executableDir();
    for (int up = 1; up <= 4 && !dir.empty(); ++up) {
        const size_t slash = dir.find_last_of('/');
        dir = slash == std::string::npos || slash == 0 ? std::string() : dir.substr(0, slash);
        if (!dir.empty()) {
            candidates.push_back(dir + "/share/mor-studio/corpus/fortunes.txt");
        }
    }
    for (const std::string& c : candidates) {
        if (isFile(c)) {
            return c;
        }
    }
    return std::string();
}

std::vector<std::string> splitCharacters(const std::string& text) {
    std::vector<std::string> out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + len > text.size()) {
            len = 1;
        }
        for (size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
                len = 1; // not a continuation byte: treat the lead byte alone
                break;
            }
        }
        if (text[i] != '\r') {
            out.push_back(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::vector<int64_t> encodeText(const std::vector<std::string>& vocab, int64_t unknownId,
                                const std::string& text) {
    // Longest match first: a vocabulary may hold tokens of several characters (pointer_chase's
    // queries "2>>"); a character vocabulary matches one character at a time.
    std::map<std::string, int64_t> ids;
    size_t longest = 1;
    for (size_t i = 0; i < vocab.size(); ++i) {
        ids.emplace(vocab[i], static_cast<int64_t>(i));
        longest = std::max(longest, splitCharacters(vocab[i]).size());
    }
    const std::vector<std::string> chars = splitCharacters(text);
    std::vector<int64_t> out;
    for (size_t i = 0; i < chars.size();) {
        size_t taken = 0;
        std::string piece;
        for (size_t n = std::min(longest, chars.size() - i); n >= 1 && taken == 0; --n) {
            piece.clear();
            for (size_t k = 0; k < n; ++k) {
                piece += chars[i + k];
            }
            const auto it = ids.find(piece);
            if (it != ids.end() && !(unknownId >= 0 && it->second == unknownId)) {
                out.push_back(it->second);
                taken = n;
            }
        }
        if (taken == 0) {
            if (unknownId >= 0) {
                out.push_back(unknownId);
            }
            taken = 1;
        }
        i += taken;
    }
    return out;
}

std::vector<int> additionCarryClasses(int64_t a, int64_t b, int64_t digits) {
    std::vector<int> classes;
    int64_t carry = 0;
    int chain = 0;
    for (int64_t d = 0; d <= digits; ++d) {
        const int64_t pairSum = d < digits ? a % 10 + b % 10 : 0;
        a /= 10;
        b /= 10;
        classes.push_back(carry ? std::min(2, chain) : 0);
        const int64_t s = pairSum + carry;
        const int64_t next = s >= 10 ? 1 : 0;
        chain = next ? (pairSum >= 10 ? 1 : chain + 1) : 0;
        carry = next;
    }
    return classes;
}

SequenceData loadSequenceData(const DataConfig& config, int64_t seed) {
    if (config.kind == DataKind::Text) {
        return loadText(config);
    }
    SequenceData data;
    if (config.kind == DataKind::RunningParity) {
        data = loadRunningParity(config, seed);
    } else if (config.kind == DataKind::Addition) {
        data = loadAddition(config, seed);
    } else if (config.kind == DataKind::PointerChase) {
        data = loadPointerChase(config, seed);
    } else {
        data.error =
            "data.kind = \"" + dataKindName(config.kind) + "\" is not a token-sequence task";
        return data;
    }
    if (data.train.count < 1 || data.validation.count < 1) {
        data.error = "data.samples = " + std::to_string(config.samples) +
                     " leaves no training or validation sequences";
    }
    return data;
}

} // namespace mor::data
