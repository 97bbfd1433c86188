// SPDX-License-Identifier: GPL-3.0-or-later
// validateConfig: ranges, enumerations and cross-field rules. Messages quote the value the
// user wrote and say what would be accepted.
#include "mor/config.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <sstream>

namespace mor {

namespace {

std::string number(double value) {
    std::ostringstream out;
    out.precision(12);
    out << value;
    return out.str();
}

class Checker {
public:
    std::vector<ConfigError> errors;

    void add(const std::string& field, const std::string& message) {
        errors.push_back({field, message});
    }

    bool integer(const std::string& field, int64_t value, int64_t lo, int64_t hi) {
        if (value >= lo && value <= hi) {
            return true;
        }
        add(field, field + " = " + std::to_string(value) + " must be between " +
                       std::to_string(lo) + " and " + std::to_string(hi));
        return false;
    }

    bool atLeast(const std::string& field, int64_t value, int64_t lo) {
        if (value >= lo) {
            return true;
        }
        add(field,
            field + " = " + std::to_string(value) + " must be at least " + std::to_string(lo));
        return false;
    }

    /// [lo, hi], or (lo, hi] when lowOpen.
    bool real(const std::string& field, double value, double lo, double hi, bool lowOpen = false) {
        const bool ok = std::isfinite(value) && (lowOpen ? value > lo : value >= lo) && value <= hi;
        if (ok) {
            return true;
        }
        if (lowOpen) {
            add(field, field + " = " + number(value) + " must be greater than " + number(lo) +
                           " and at most " + number(hi));
        } else {
            add(field, field + " = " + number(value) + " must be between " + number(lo) + " and " +
                           number(hi));
        }
        return false;
    }

    bool oneOf(const std::string& field, const std::string& value,
               std::initializer_list<const char*> options) {
        std::string list;
        for (const char* option : options) {
            if (value == option) {
                return true;
            }
            list += list.empty() ? "" : ", ";
            list += option;
        }
        add(field, field + " = \"" + value + "\" must be one of " + list);
        return false;
    }
};

std::string experts(int64_t n) {
    return n == 1 ? "there is 1 expert" : "there are " + std::to_string(n) + " experts";
}

/// The separate test files and the CSV dialect (core/src/data/csv_reader.cpp reads them).
void checkDataFiles(Checker& c, const DataConfig& d) {
    if (!d.testPath.empty() && d.kind != DataKind::Csv) {
        c.add("data.test_path", "data.test_path only applies to data.kind \"csv\" (it is \"" +
                                    dataKindName(d.kind) +
                                    "\"); IDX test files go in data.test_images and "
                                    "data.test_labels");
    }
    for (const auto& [field, value] : {std::pair<std::string, std::string>{"data.test_images",
                                                                           d.testImages},
                                       {"data.test_labels", d.testLabels}}) {
        if (!value.empty() && d.kind != DataKind::Idx) {
            c.add(field, field + " only applies to data.kind \"idx\" (it is \"" +
                             dataKindName(d.kind) + "\")");
        }
    }
    if (d.testImages.empty() != d.testLabels.empty()) {
        const bool images = !d.testImages.empty();
        c.add(images ? "data.test_labels" : "data.test_images",
              std::string(images ? "data.test_images" : "data.test_labels") +
                  " is set, so " + (images ? "data.test_labels" : "data.test_images") +
                  " must name its IDX " + (images ? "labels" : "images") + " file too");
    }
    // data.delimiter / decimal / missing are enums: config_fields.h rejects other names.
    if (d.decimal == DecimalMark::Comma && d.delimiter == CsvDelimiter::Comma) {
        c.add("data.decimal", "data.decimal = \",\" needs another data.delimiter than \",\" "
                              "(\";\" or \"tab\"; \"auto\" sniffs it)");
    }
}

void checkData(Checker& c, const DataConfig& d) {
    // data.kind is an enum: config_fields.h rejects other names.
    const bool points = d.kind == DataKind::Spirals || d.kind == DataKind::Circles ||
                        d.kind == DataKind::Xor || d.kind == DataKind::Blobs ||
                        d.kind == DataKind::Checkerboard || d.kind == DataKind::Moons;
    const bool generated = d.kind == DataKind::Parity || d.kind == DataKind::Modular ||
                           d.kind == DataKind::Majority || d.kind == DataKind::Mixed || points;
    c.integer("data.samples", d.samples, 10, 10000000);
    c.integer("data.length", d.length, 1, 1024);
    c.integer("data.modulus", d.modulus, 2, 1000);
    c.integer("data.operands", d.operands, 1, 16);
    for (size_t i = 0; i < d.domains.size(); ++i) {
        const std::string field = "data.domains[" + std::to_string(i) + "]";
        c.oneOf(field, d.domains[i], {"parity", "modular", "majority"});
        for (size_t j = 0; j < i; ++j) {
            if (d.domains[j] == d.domains[i]) {
                c.add(field, field + " = \"" + d.domains[i] + "\" is listed twice");
            }
        }
    }
    if (d.kind == DataKind::Mixed && d.domains.empty()) {
        c.add("data.domains", "data.domains must list at least one of parity, modular, majority "
                              "when data.kind is \"mixed\"");
    }
    if (generated) {
        c.real("data.label_noise", d.labelNoise, 0.0, 0.5);
    } else if (d.labelNoise != 0.0) {
        c.add("data.label_noise", "data.label_noise = " + number(d.labelNoise) +
                                      " only applies to generated data (parity, modular, "
                                      "majority, mixed, the 2-D point sets), not to \"" +
                                      dataKindName(d.kind) + "\"");
    }
    // The jitter's std in units of the shapes (about [-1, 1]): at 2 every shape is drowned.
    // blobs are 3 clusters whose spread is this noise.
    c.real("data.noise", d.noise, 0.0, 2.0);
    if (d.parityVariableLength && d.kind != DataKind::Parity) {
        c.add("data.parity_variable_length", "data.parity_variable_length only applies to "
                                             "data.kind \"parity\" (it is \"" +
                                                 dataKindName(d.kind) + "\")");
    }
    if (d.kind == DataKind::Csv && d.path.empty()) {
        c.add("data.path", "data.path must name a CSV file when data.kind is \"csv\"");
    }
    if (d.kind == DataKind::Idx && d.images.empty()) {
        c.add("data.images", "data.images must name an IDX images file when data.kind is \"idx\"");
    }
    if (d.kind == DataKind::Idx && d.labels.empty()) {
        c.add("data.labels", "data.labels must name an IDX labels file when data.kind is \"idx\"");
    }
    if (d.labelColumn.empty()) {
        c.add("data.label_column",
              "data.label_column must not be empty (use \"last\", \"first\", an index or a name)");
    }
    c.atLeast("data.limit", d.limit, 0);
    checkDataFiles(c, d);
    const bool validationOk = c.real("data.validation_fraction", d.validationFraction, 0.0, 0.9);
    const bool testOk = c.real("data.test_fraction", d.testFraction, 0.0, 0.9);
    if (validationOk && testOk && d.validationFraction + d.testFraction >= 1.0) {
        c.add("data.test_fraction", "data.validation_fraction + data.test_fraction = " +
                                        number(d.validationFraction + d.testFraction) +
                                        " must be less than 1 (nothing would be left to train on)");
    }
    c.integer("data.probe_size", d.probeSize, 0, 4096);
    c.integer("data.seq_len", d.seqLen, 2, 4096);
    c.integer("data.digits", d.digits, 1, 30);
    c.integer("data.hops", d.hops, 1, 8);
}

void checkRecursion(Checker& c, const ModelConfig& m, const DataConfig& data) {
    const bool sequenceData = isSequenceDataKind(data.kind);
    if (m.family == Family::Recursion && !sequenceData) {
        c.add("data.kind", "data.kind = \"" + dataKindName(data.kind) +
                               "\" is not a token-sequence task; model.family \"recursion\" "
                               "needs text, running_parity, addition or pointer_chase");
    } else if (m.family == Family::Reflection && sequenceData) {
        c.add("model.family", "data.kind = \"" + dataKindName(data.kind) +
                                  "\" is a token-sequence task; it needs model.family "
                                  "\"recursion\" (model.family is \"reflection\")");
    }
    const RecursionConfig& r = m.recursion;
    const std::string p = "model.recursion.";
    const bool recursionsOk = c.integer(p + "recursions", r.recursions, 1, 16);
    c.integer(p + "layers_per_block", r.layersPerBlock, 1, 16);
    const bool dOk = c.integer(p + "d_model", r.dModel, 4, 4096);
    const bool headsOk = c.integer(p + "heads", r.heads, 1, 64);
    if (dOk && headsOk && r.dModel % r.heads != 0) {
        c.add(p + "heads", p + "heads = " + std::to_string(r.heads) + " must divide " + p +
                               "d_model = " + std::to_string(r.dModel));
    }
    c.integer(p + "ffn", r.ffn, 1, 65536);
    if (recursionsOk) {
        std::string error;
        if (recursionCapacities(r, &error).empty()) {
            c.add(p + "capacity", error);
        }
    }
    if (r.kvSharing && (r.routing == RecursionRouting::Vanilla ||
                        r.routing == RecursionRouting::MixtureOfDepths)) {
        c.add(p + "kv_sharing", p + "kv_sharing needs a shared block; routing \"" +
                                    choiceName(r.routing, recursionRoutingNames()) +
                                    "\" has distinct layers");
    }
    c.real(p + "depth_capacity", r.depthCapacity, 0.0, 1.0, true);
    c.integer(p + "depth_every", r.depthEvery, 1, 16);
    c.real(p + "router_weight", r.routerWeight, 0.0, 100.0);
    c.real(p + "balance_weight", r.balanceWeight, 0.0, 100.0);
    c.real(p + "z_loss_weight", r.zLossWeight, 0.0, 100.0);
    c.real(p + "threshold", r.threshold, 0.0, 1.0, true);
    c.integer(p + "capacity_warmup_steps", r.capacityWarmupSteps, 0, 1000000000);
    c.integer(p + "capacity_hold_steps", r.capacityHoldSteps, 0, 1000000000);
    c.real(p + "dropout", r.dropout, 0.0, 0.9);
    c.real(p + "gate_alpha", r.gateAlpha, 0.0, 100.0, true);
    c.real(p + "embedding_std", r.embeddingStd, 0.0, 10.0);
}

void checkRouter(Checker& c, const RouterConfig& r, int64_t numExperts, const DataConfig& data) {
    const std::string strategyName = choiceName(r.strategy, routingStrategyNames());
    const bool usesK = r.strategy == RoutingStrategy::TopK ||
                       r.strategy == RoutingStrategy::ExpertChoice ||
                       r.strategy == RoutingStrategy::SharedRouted ||
                       r.strategy == RoutingStrategy::Random;
    if (r.topK < 1) {
        c.add("model.router.top_k",
              "model.router.top_k = " + std::to_string(r.topK) + " must be at least 1");
    } else if (usesK && numExperts >= 1 && r.topK > numExperts) {
        c.add("model.router.top_k",
              "model.router.top_k = " + std::to_string(r.topK) + " but " + experts(numExperts));
    }
    c.real("model.router.threshold", r.threshold, 0.0, 1.0, true);
    c.real("model.router.top_p", r.topP, 0.0, 1.0, true);
    c.real("model.router.capacity_factor", r.capacityFactor, 0.0, 64.0, true);
    c.atLeast("model.router.shared_experts", r.sharedExperts, 0);
    if (r.strategy == RoutingStrategy::SharedRouted && numExperts >= 1) {
        if (r.sharedExperts < 1 || r.sharedExperts >= numExperts) {
            c.add("model.router.shared_experts",
                  "model.router.shared_experts = " + std::to_string(r.sharedExperts) +
                      " must be between 1 and " + std::to_string(numExperts - 1) + " because " +
                      experts(numExperts) + " and at least one must be routed");
        } else if (r.topK >= 1 && r.topK > numExperts - r.sharedExperts) {
            c.add("model.router.top_k",
                  "model.router.top_k = " + std::to_string(r.topK) + " but shared_routed leaves " +
                      std::to_string(numExperts - r.sharedExperts) + " routed experts");
        }
    }
    c.integer("model.router.hidden", r.hidden, 1, 16384);
    c.real("model.router.temperature", r.temperature, 0.0, 100.0, true);
    c.real("model.router.jitter", r.jitter, 0.0, 1.0);
    c.real("model.router.balance_weight", r.balanceWeight, 0.0, 100.0);
    c.real("model.router.z_loss_weight", r.zLossWeight, 0.0, 100.0);
    const bool gumbel = r.sampling == RouterSampling::Gumbel;
    if (gumbel && r.strategy != RoutingStrategy::TopK &&
        r.strategy != RoutingStrategy::SharedRouted) {
        c.add("model.router.sampling", "model.router.sampling = \"gumbel\" needs "
                                       "model.router.strategy top_k or shared_routed (it is \"" +
                                           strategyName + "\")");
    }
    if (c.real("model.router.feedback_weight", r.feedbackWeight, 0.0, 100.0) &&
        r.feedbackWeight > 0.0 && !gumbel) {
        c.add("model.router.feedback_weight",
              "model.router.feedback_weight = " + number(r.feedbackWeight) +
                  " is a score-function estimator and needs sampled routing: set "
                  "model.router.sampling to \"gumbel\" (it is \"" +
                  choiceName(r.sampling, routerSamplingNames()) + "\")");
    }
    c.real("model.router.probe_fraction", r.probeFraction, 0.0, 1.0);
    c.real("model.router.probe_weight", r.probeWeight, 0.0, 100.0);
    c.real("model.router.probe_temperature", r.probeTemperature, 0.0, 100.0, true);
    c.real("model.router.entropy_weight", r.entropyWeight, 0.0, 100.0);
    c.real("model.router.probe_balance", r.probeBalance, 0.0, 10.0);
    c.integer("model.router.sinkhorn_iterations", r.sinkhornIterations, 0, 1000);
    c.real("model.router.sinkhorn_weight", r.sinkhornWeight, 0.0, 100.0);
    c.real("model.router.sinkhorn_temperature", r.sinkhornTemperature, 0.0, 100.0, true);
    const std::string objectiveName = choiceName(r.objective, routerObjectiveNames());
    if (r.objective != RouterObjective::Routed) {
        const std::string why = "model.router.objective = \"" + objectiveName + "\" ";
        if (r.strategy != RoutingStrategy::TopK) {
            c.add("model.router.objective",
                  why + "needs model.router.strategy \"top_k\" (it is \"" + strategyName + "\")");
        }
        if (gumbel || r.feedbackWeight > 0.0 || r.probeFraction > 0.0 ||
            !r.groups.empty()) {
            c.add("model.router.objective",
                  why + "runs every expert on every training input: it needs "
                        "model.router.sampling \"deterministic\", feedback_weight 0, "
                        "probe_fraction 0 and no groups");
        }
    }
    if (r.gate == RouterGate::Gaussian &&
        (r.input != RouterInput::Features || r.objective != RouterObjective::MixtureLikelihood)) {
        c.add("model.router.gate",
              "model.router.gate = \"gaussian\" models the raw input's density: it needs "
              "model.router.input \"features\" (it is \"" +
                  choiceName(r.input, routerInputNames()) +
                  "\") and model.router.objective \"mixture_likelihood\" (it is \"" +
                  objectiveName + "\")");
    }
    if (c.real("model.router.selector_weight", r.selectorWeight, 0.0, 100.0) &&
        r.selectorWeight > 0.0 && data.kind != DataKind::Mixed) {
        c.add("model.router.selector_weight",
              "model.router.selector_weight = " + number(r.selectorWeight) +
                  " needs domain labels, which only data.kind \"mixed\" provides (data.kind is \"" +
                  dataKindName(data.kind) + "\")");
    }
}

/// MoMa groups (router.groups) and nested experts (experts[].kind "nested").
void checkGroupsAndNested(Checker& c, const ModelConfig& m, const DataConfig& data) {
    const auto numExperts = static_cast<int64_t>(m.experts.size());
    const int64_t numDomains =
        data.kind == DataKind::Mixed
            ? std::max<int64_t>(1, static_cast<int64_t>(data.domains.size()))
            : 1;
    std::vector<int> expertOwner(static_cast<size_t>(std::max<int64_t>(numExperts, 0)), -1);
    std::vector<int> domainOwner(static_cast<size_t>(numDomains), -1);
    const auto& groups = m.router.groups;
    for (size_t g = 0; g < groups.size(); ++g) {
        const auto& gc = groups[g];
        const std::string p = "model.router.groups[" + std::to_string(g) + "]";
        if (gc.strategy == RoutingStrategy::SharedRouted) {
            c.add(p + ".strategy", p + ".strategy = \"shared_routed\" must be one of "
                                       "expert_choice, top_k, threshold, top_p, random");
        }
        c.real(p + ".capacity_factor", gc.capacityFactor, 0.0, 64.0, true);
        if (gc.domains.empty()) {
            c.add(p + ".domains", p + ".domains is empty; list the data domains (0 to " +
                                      std::to_string(numDomains - 1) + ") routed to this group");
        }
        for (const int64_t d : gc.domains) {
            if (d < 0 || d >= numDomains) {
                c.add(p + ".domains", p + ".domains names domain " + std::to_string(d) +
                                          " but the data has " + std::to_string(numDomains) +
                                          " (allowed: 0 to " + std::to_string(numDomains - 1) +
                                          ")");
            } else if (domainOwner[size_t(d)] >= 0) {
                c.add(p + ".domains", "domain " + std::to_string(d) + " is in group " +
                                          std::to_string(domainOwner[size_t(d)]) + " and " + p);
            } else {
                domainOwner[size_t(d)] = int(g);
            }
        }
        if (gc.experts.empty()) {
            c.add(p + ".experts", p + ".experts is empty; a group needs at least one expert");
        }
        for (const int64_t e : gc.experts) {
            if (e < 0 || e >= numExperts) {
                c.add(p + ".experts", p + ".experts names expert " + std::to_string(e) + " but " +
                                          experts(numExperts) + " (allowed: 0 to " +
                                          std::to_string(numExperts - 1) + ")");
            } else if (expertOwner[size_t(e)] >= 0) {
                c.add(p + ".experts", "expert " + std::to_string(e) + " is in group " +
                                          std::to_string(expertOwner[size_t(e)]) + " and " + p);
            } else {
                expertOwner[size_t(e)] = int(g);
            }
        }
        const auto size = static_cast<int64_t>(gc.experts.size());
        if (gc.topK < 1 || (size >= 1 && gc.topK > size)) {
            c.add(p + ".top_k", p + ".top_k = " + std::to_string(gc.topK) +
                                    " must be between 1 and the group's " +
                                    std::to_string(std::max<int64_t>(size, 1)) + " experts");
        }
    }
    if (!groups.empty()) {
        for (int64_t d = 0; d < numDomains; ++d) {
            if (domainOwner[size_t(d)] < 0) {
                c.add("model.router.groups", "domain " + std::to_string(d) +
                                                 " is in no group of model.router.groups; every "
                                                 "domain needs one");
            }
        }
        if (m.router.sampling != RouterSampling::Deterministic) {
            c.add("model.router.sampling", "model.router.sampling must be \"deterministic\" "
                                           "with model.router.groups");
        }
    }
    for (size_t i = 0; i < m.experts.size(); ++i) {
        const auto& e = m.experts[i];
        const std::string p = "model.experts[" + std::to_string(i) + "]";
        if (e.kind != ExpertKind::Nested) {
            continue;
        }
        if (e.readTokens || e.readFeatures > 0) {
            c.add(p + ".kind", p + ".kind \"nested\" reads only the encoding; turn off " + p +
                                   ".read_tokens and set read_features to 0");
        }
        if (m.integration.resolution == ConflictResolution::ReReflect) {
            c.add(p + ".kind", p + ".kind \"nested\" takes one step and cannot re-reflect; use "
                                   "another model.integration.resolution than \"re_reflect\"");
        }
    }
}

void checkExpert(Checker& c, const ExpertConfig& e, const std::string& prefix) {
    c.integer(prefix + ".width", e.width, 1, 16384);
    c.integer(prefix + ".max_depth", e.maxDepth, 1, 64);
    c.real(prefix + ".halt_threshold", e.haltThreshold, 0.0, 1.0, true);
    c.real(prefix + ".ponder_prior", e.ponderPrior, 0.0, 1.0, true);
    c.real(prefix + ".halt_weight", e.haltWeight, 0.0, 100.0);
    c.integer(prefix + ".read_features", e.readFeatures, 0, 65536);
    c.real(prefix + ".act_epsilon", e.actEpsilon, 0.0, 1.0, true);
}

void checkModel(Checker& c, const ModelConfig& m, const DataConfig& data) {
    checkRecursion(c, m, data);
    c.integer("model.encoder.hidden", m.encoder.hidden, 1, 16384);
    // 0 layers: the encoding is the raw input (as PonderNet / ACT read x itself).
    c.integer("model.encoder.layers", m.encoder.layers, 0, 16);
    const std::string encoderInputName = choiceName(m.encoder.input, encoderInputNames());
    if (m.encoder.layers == 0 && m.encoder.input != EncoderInput::Vector) {
        c.add("model.encoder.layers", "model.encoder.layers = 0 (raw input) needs "
                                      "model.encoder.input \"vector\" (it is \"" +
                                          encoderInputName + "\")");
    }
    c.real("model.encoder.dropout", m.encoder.dropout, 0.0, 0.9);
    if (m.encoder.padZeros && m.encoder.input != EncoderInput::Tokens) {
        c.add("model.encoder.pad_zeros", "model.encoder.pad_zeros needs model.encoder.input "
                                         "\"tokens\" (it is \"" + encoderInputName + "\")");
    }

    const auto numExperts = static_cast<int64_t>(m.experts.size());
    if (numExperts < 1 || numExperts > 64) {
        c.add("model.experts", "model.experts has " + std::to_string(numExperts) +
                                   " entries; there must be between 1 and 64 experts");
    }
    checkRouter(c, m.router, numExperts, data);
    checkGroupsAndNested(c, m, data);
    if (m.router.input == RouterInput::Features && m.encoder.input == EncoderInput::Tokens) {
        c.add("model.router.input", "model.router.input = \"features\" needs model.encoder.input "
                                    "\"vector\" (it is \"tokens\")");
    }
    for (size_t i = 0; i < m.experts.size(); ++i) {
        checkExpert(c, m.experts[i], "model.experts[" + std::to_string(i) + "]");
        if (m.experts[i].readTokens && m.encoder.input != EncoderInput::Tokens) {
            const std::string field = "model.experts[" + std::to_string(i) + "].read_tokens";
            c.add(field, field + " needs model.encoder.input \"tokens\" (it is \"" +
                             encoderInputName + "\")");
        }
    }

    const IntegrationConfig& g = m.integration;
    c.real("model.integration.gamma", g.gamma, 0.0, 100.0);
    c.real("model.integration.conflict_threshold", g.conflictThreshold, 0.0, 1.0);
    c.real("model.integration.confident_threshold", g.confidentThreshold, 0.0, 1.0);
    if (g.resolution == ConflictResolution::ReReflect) {
        c.integer("model.integration.extra_iterations", g.extraIterations, 1, 64);
    } else {
        c.integer("model.integration.extra_iterations", g.extraIterations, 0, 64);
    }
    c.real("model.integration.conflict_weight", g.conflictWeight, 0.0, 100.0);
    c.real("model.integration.evidential_kl_weight", g.evidentialKlWeight, 0.0, 100.0);
    c.integer("model.integration.evidential_anneal_steps", g.evidentialAnnealSteps, 0, 100000000);
    // model.calibration is an enum: config_fields.h rejects other names.

    c.real("model.expert_weight", m.expertWeight, 0.0, 100.0);
    c.real("model.critique_weight", m.critiqueWeight, 0.0, 100.0);
    c.real("model.improvement_weight", m.improvementWeight, 0.0, 100.0);
}

void checkTrain(Checker& c, const TrainConfig& t) {
    c.real("train.learning_rate", t.learningRate, 0.0, 10.0, true);
    c.real("train.weight_decay", t.weightDecay, 0.0, 10.0);
    c.integer("train.epochs", t.epochs, 1, 100000);
    c.integer("train.batch_size", t.batchSize, 1, 65536);
    c.integer("train.accumulation", t.accumulation, 1, 1024);
    c.integer("train.warmup_steps", t.warmupSteps, 0, 100000000);
    c.integer("train.restart_period", t.restartPeriod, 0, 100000000);
    c.real("train.clip_norm", t.clipNorm, 0.0, 1.0e6);
    c.atLeast("train.seed", t.seed, 0);
    // train.device is an enum: config_fields.h rejects other names.
    c.integer("train.threads", t.threads, 0, 1024);
    c.atLeast("train.eval_every", t.evalEvery, 0);
    c.atLeast("train.checkpoint_every", t.checkpointEvery, 0);
    c.atLeast("train.early_stop_patience", t.earlyStopPatience, 0);
}

} // namespace

bool isSequenceDataKind(DataKind kind) {
    return kind == DataKind::Text || kind == DataKind::RunningParity ||
           kind == DataKind::Addition || kind == DataKind::PointerChase;
}

std::vector<double> recursionCapacities(const RecursionConfig& config, std::string* error) {
    const int64_t n = config.recursions;
    std::vector<double> out;
    if (n < 1 || n > 16) {
        *error = "model.recursion.recursions = " + std::to_string(n) + " must be between 1 and 16";
        return out;
    }
    if (config.capacity == "linear") {
        for (int64_t r = 0; r < n; ++r) {
            out.push_back(static_cast<double>(n - r) / static_cast<double>(n));
        }
        return out;
    }
    const std::string bad = "model.recursion.capacity = \"" + config.capacity +
                            "\" must be \"linear\" or " + std::to_string(n) +
                            " comma-separated fractions in (0, 1] that do not increase, e.g. ";
    std::string example;
    for (int64_t r = 0; r < n; ++r) {
        example += (r ? "," : "") + number(1.0 / static_cast<double>(int64_t(1) << r));
    }
    std::istringstream in(config.capacity);
    std::string item;
    while (std::getline(in, item, ',')) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        const bool blank = item.find_first_not_of(" \t") == std::string::npos;
        if (blank || (end && *end != '\0' && std::string(end).find_first_not_of(" \t") !=
                                                  std::string::npos) ||
            !(v > 0.0 && v <= 1.0) || (!out.empty() && v > out.back())) {
            *error = bad + "\"" + example + "\"";
            return {};
        }
        out.push_back(v);
    }
    if (static_cast<int64_t>(out.size()) != n) {
        *error = bad + "\"" + example + "\"";
        return {};
    }
    return out;
}

std::vector<ConfigError> validateConfig(const ExperimentConfig& config) {
    Checker c;
    checkData(c, config.data);
    checkModel(c, config.model, config.data);
    checkTrain(c, config.train);
    return std::move(c.errors);
}

} // namespace mor
