// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/synthetic_data.h"

#include "data/points2d.h"
#include "data/random.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace mor::detail {

namespace {

enum RandomStream : uint64_t { BitsStream = 11, OperandStream, DomainStream, NoiseStream };

using Bits = std::vector<uint8_t>;

/// `count` random bit strings, all distinct while the space allows it: when there are few
/// possible strings every one is used (in random order) before any repeats.
std::vector<Bits> drawBitStrings(int64_t count, int64_t length, Random& random) {
    std::vector<Bits> out;
    out.reserve(static_cast<size_t>(count));
    if (length <= 20 && (int64_t(1) << length) <= 2 * count) {
        std::vector<uint32_t> codes(size_t(1) << length);
        for (size_t i = 0; i < codes.size(); ++i) {
            codes[i] = static_cast<uint32_t>(i);
        }
        while (static_cast<int64_t>(out.size()) < count) {
            random.shuffle(codes);
            for (uint32_t code : codes) {
                if (static_cast<int64_t>(out.size()) == count) {
                    break;
                }
                Bits bits(static_cast<size_t>(length));
                for (int64_t b = 0; b < length; ++b) {
                    bits[static_cast<size_t>(b)] = (code >> b) & 1u;
                }
                out.push_back(std::move(bits));
            }
        }
        return out;
    }
    std::unordered_set<std::string> seen;
    for (int64_t i = 0; i < count; ++i) {
        Bits bits(static_cast<size_t>(length));
        for (int attempt = 0; attempt < 32; ++attempt) {
            for (auto& b : bits) {
                b = random.bit() ? 1 : 0;
            }
            if (seen.insert(std::string(bits.begin(), bits.end())).second) {
                break;
            }
        }
        out.push_back(std::move(bits));
    }
    return out;
}

/// PonderNet-style strings: 1..length entries at random positions are set (code 1 = +1,
/// code 2 = -1), the rest stay 0 (absent).
std::vector<Bits> drawVariableStrings(int64_t count, int64_t length, Random& random) {
    std::vector<Bits> out;
    out.reserve(static_cast<size_t>(count));
    std::vector<int64_t> positions(static_cast<size_t>(length));
    for (int64_t i = 0; i < length; ++i) {
        positions[static_cast<size_t>(i)] = i;
    }
    for (int64_t i = 0; i < count; ++i) {
        Bits bits(static_cast<size_t>(length), 0);
        const int64_t set = 1 + random.below(length);
        random.shuffle(positions);
        for (int64_t k = 0; k < set; ++k) {
            bits[static_cast<size_t>(positions[static_cast<size_t>(k)])] = random.bit() ? 1 : 2;
        }
        out.push_back(std::move(bits));
    }
    return out;
}

/// Odd number of ones (code 1); -1 entries (code 2) of variable-length strings do not count.
int64_t parityOf(const Bits& bits) {
    int64_t ones = 0;
    for (uint8_t b : bits) {
        ones += b == 1 ? 1 : 0;
    }
    return ones % 2;
}

/// 1 when there are more ones than zeros; a tie (even length) goes to the first bit.
int64_t majorityOf(const Bits& bits) {
    int64_t ones = 0;
    for (uint8_t b : bits) {
        ones += b;
    }
    const auto zeros = static_cast<int64_t>(bits.size()) - ones;
    if (ones != zeros) {
        return ones > zeros ? 1 : 0;
    }
    return bits.empty() ? 0 : bits[0];
}

/// One domain's block of features: how wide it is, how to fill it, how many classes.
struct Block {
    std::string domain;
    int64_t width = 0;
    int64_t classes = 0;
};

Block blockFor(const std::string& domain, const DataConfig& c) {
    if (domain == "modular") {
        return {domain, c.operands * c.modulus, c.modulus};
    }
    return {domain, c.length, 2};
}

void addFeatureNames(Dataset& d, const Block& block, const DataConfig& c,
                     const std::string& prefix) {
    if (block.domain == "modular") {
        for (int64_t k = 0; k < c.operands; ++k) {
            for (int64_t v = 0; v < c.modulus; ++v) {
                d.featureNames.push_back(prefix + "x" + std::to_string(k) + "=" +
                                         std::to_string(v));
            }
        }
    } else {
        for (int64_t k = 0; k < c.length; ++k) {
            d.featureNames.push_back(prefix + "b" + std::to_string(k));
        }
    }
}

/// Fills one sample's block at `out` and returns its label.
int64_t fillSample(const Block& block, const DataConfig& c, const Bits* bits, Random& operands,
                   float* out) {
    if (block.domain == "modular") {
        int64_t sum = 0;
        for (int64_t k = 0; k < c.operands; ++k) {
            const int64_t value = operands.below(c.modulus);
            sum += value;
            out[k * c.modulus + value] = 1.0f;
        }
        return sum % c.modulus;
    }
    for (size_t b = 0; b < bits->size(); ++b) {
        if (c.parityVariableLength) {
            const uint8_t code = (*bits)[b];
            out[b] = code == 1 ? 1.0f : (code == 2 ? -1.0f : 0.0f);
        } else {
            out[b] = (*bits)[b] ? 1.0f : -1.0f;
        }
    }
    return block.domain == "parity" ? parityOf(*bits) : majorityOf(*bits);
}

/// Replaces exactly round(fraction * n) labels with a different class of the same domain.
void applyLabelNoise(Dataset& d, const std::vector<int64_t>& classesOfDomain, double fraction,
                     int64_t seed) {
    const int64_t flips = static_cast<int64_t>(fraction * static_cast<double>(d.size()) + 0.5);
    if (flips <= 0) {
        return;
    }
    Random random(seed, NoiseStream);
    std::vector<int64_t> order(static_cast<size_t>(d.size()));
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<int64_t>(i);
    }
    random.shuffle(order);
    for (int64_t n = 0; n < flips; ++n) {
        const auto i = static_cast<size_t>(order[static_cast<size_t>(n)]);
        const int64_t classes = classesOfDomain[static_cast<size_t>(d.domains[i])];
        d.labels[i] = (d.labels[i] + 1 + random.below(classes - 1)) % classes;
    }
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ",") + item;
    }
    return out;
}

} // namespace

Dataset makeSyntheticDataset(const DataConfig& c, int64_t seed) {
    if (isPointDataKind(c.kind)) {
        Dataset points = makePointDataset(c, seed);
        applyLabelNoise(points, {points.numClasses}, c.labelNoise, seed);
        return points;
    }
    const bool mixed = c.kind == DataKind::Mixed;
    const std::vector<std::string> domainList =
        mixed ? c.domains : std::vector<std::string>{dataKindName(c.kind)};

    Dataset d;
    std::vector<Block> blocks;
    std::vector<int64_t> offsets;
    for (const auto& domain : domainList) {
        blocks.push_back(blockFor(domain, c));
        offsets.push_back(d.numFeatures);
        d.numFeatures += blocks.back().width;
        d.numClasses = std::max(d.numClasses, blocks.back().classes);
        addFeatureNames(d, blocks.back(), c, mixed ? domain + "." : "");
    }

    const int64_t n = c.samples;
    Random domainRandom(seed, DomainStream);
    d.domains.resize(static_cast<size_t>(n), 0);
    std::vector<int64_t> bitSamples(blocks.size(), 0);
    for (auto& domain : d.domains) {
        domain = blocks.size() > 1 ? domainRandom.below(static_cast<int64_t>(blocks.size())) : 0;
        ++bitSamples[static_cast<size_t>(domain)];
    }
    // Each bit domain draws its own distinct strings, so mixing does not create repeats.
    std::vector<std::vector<Bits>> bitStrings(blocks.size());
    for (size_t b = 0; b < blocks.size(); ++b) {
        if (blocks[b].domain != "modular") {
            Random bitRandom(seed, BitsStream + 100 * b);
            bitStrings[b] = c.parityVariableLength && blocks[b].domain == "parity"
                                ? drawVariableStrings(bitSamples[b], c.length, bitRandom)
                                : drawBitStrings(bitSamples[b], c.length, bitRandom);
        }
    }
    Random operandRandom(seed, OperandStream);
    d.features.assign(static_cast<size_t>(n * d.numFeatures), 0.0f);
    d.labels.resize(static_cast<size_t>(n));
    std::vector<size_t> nextString(blocks.size(), 0);
    for (int64_t i = 0; i < n; ++i) {
        const auto b = static_cast<size_t>(d.domains[static_cast<size_t>(i)]);
        const Bits* bits =
            blocks[b].domain == "modular" ? nullptr : &bitStrings[b][nextString[b]++];
        float* row = d.features.data() + i * d.numFeatures + offsets[b];
        d.labels[static_cast<size_t>(i)] = fillSample(blocks[b], c, bits, operandRandom, row);
    }

    std::vector<int64_t> classesOfDomain;
    for (const auto& block : blocks) {
        classesOfDomain.push_back(block.classes);
    }
    applyLabelNoise(d, classesOfDomain, c.labelNoise, seed);

    if (mixed) {
        d.name = "mixed(" + joined(domainList) + ")";
        d.inputKind = "vector";
        d.domainNames = domainList;
    } else {
        d.domainNames = {"all"};
        if (c.kind == DataKind::Modular) {
            d.name = "modular(" + std::to_string(c.modulus) +
                     (c.operands == 2 ? "" : ", " + std::to_string(c.operands) + " operands") + ")";
            d.inputKind = "vector";
        } else {
            d.name = dataKindName(c.kind) + "(" + std::to_string(c.length) +
                     (c.parityVariableLength ? ", variable" : "") + ")";
            d.inputKind = "bits";
        }
    }
    if (!mixed && c.kind == DataKind::Parity) {
        d.classNames = {"even", "odd"};
    } else if (!mixed && c.kind == DataKind::Majority) {
        d.classNames = {"more zeros", "more ones"};
    } else {
        for (int64_t k = 0; k < d.numClasses; ++k) {
            d.classNames.push_back(std::to_string(k));
        }
    }
    return d;
}

} // namespace mor::detail
