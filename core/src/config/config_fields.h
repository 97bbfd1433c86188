#pragma once
// The one list of configuration fields and their JSON keys. Reading, writing and
// flattening all walk these functions, so a field added here is parsed, written and
// diffed everywhere at once. A visitor V provides:
//   field(key, value)              for std::string, int64_t, double, bool, vector<string>,
//                                  vector<int64_t>
//   stringOrInteger(key, value)    a string field that also accepts a JSON integer
//   choice(key, enumValue, names)  an enum stored as one of the strings of names (value, text)
//   object(key, nestedStruct)      calls visitFields(V&, nestedStruct) on a sub-object
//   objectList(key, vectorOfStructs)
//   section(family, owner)         whether to visit a section that belongs to model family
//                                  `owner` in a config of `family` (the writer: only its own;
//                                  the reader: every section, for configs stored with both)
#include "mor/config.h"

namespace mor::detail {

template <class V> void visitFields(V& v, DataConfig& c) {
    v.choice("kind", c.kind, dataKindNames());
    v.field("samples", c.samples);
    v.field("length", c.length);
    v.field("modulus", c.modulus);
    v.field("operands", c.operands);
    v.field("domains", c.domains);
    v.field("label_noise", c.labelNoise);
    v.field("noise", c.noise);
    v.field("parity_variable_length", c.parityVariableLength);
    v.field("path", c.path);
    v.stringOrInteger("label_column", c.labelColumn);
    v.field("images", c.images);
    v.field("labels", c.labels);
    v.field("limit", c.limit);
    v.field("test_path", c.testPath);
    v.field("test_images", c.testImages);
    v.field("test_labels", c.testLabels);
    v.choice("delimiter", c.delimiter, csvDelimiterNames());
    v.choice("decimal", c.decimal, decimalMarkNames());
    v.choice("missing", c.missing, missingCellsNames());
    v.field("validation_fraction", c.validationFraction);
    v.field("test_fraction", c.testFraction);
    v.field("probe_size", c.probeSize);
    v.field("text_path", c.textPath);
    v.field("seq_len", c.seqLen);
    v.field("digits", c.digits);
    v.field("hops", c.hops);
}

template <class V> void visitFields(V& v, RecursionConfig& c) {
    v.choice("routing", c.routing, recursionRoutingNames());
    v.field("recursions", c.recursions);
    v.field("layers_per_block", c.layersPerBlock);
    v.field("d_model", c.dModel);
    v.field("heads", c.heads);
    v.field("ffn", c.ffn);
    v.field("capacity", c.capacity);
    v.field("kv_sharing", c.kvSharing);
    v.field("router_weight", c.routerWeight);
    v.field("balance_weight", c.balanceWeight);
    v.field("z_loss_weight", c.zLossWeight);
    v.field("threshold", c.threshold);
    v.field("capacity_warmup_steps", c.capacityWarmupSteps);
    v.field("capacity_hold_steps", c.capacityHoldSteps);
    v.field("dropout", c.dropout);
    v.field("router_per_step", c.routerPerStep);
    v.choice("sharing", c.sharing, recursionSharingNames());
    v.choice("gate", c.gate, recursionGateNames());
    v.field("gate_alpha", c.gateAlpha);
    v.field("embedding_std", c.embeddingStd);
    v.field("depth_capacity", c.depthCapacity);
    v.field("depth_every", c.depthEvery);
}

template <class V> void visitFields(V& v, EncoderConfig& c) {
    v.field("hidden", c.hidden);
    v.field("layers", c.layers);
    v.field("dropout", c.dropout);
    v.choice("input", c.input, encoderInputNames());
    v.field("pad_zeros", c.padZeros);
}

template <class V> void visitFields(V& v, ExpertGroupConfig& c) {
    v.field("domains", c.domains);
    v.field("experts", c.experts);
    v.choice("strategy", c.strategy, routingStrategyNames());
    v.field("top_k", c.topK);
    v.field("capacity_factor", c.capacityFactor);
}

template <class V> void visitFields(V& v, RouterConfig& c) {
    v.choice("strategy", c.strategy, routingStrategyNames());
    v.field("top_k", c.topK);
    v.field("threshold", c.threshold);
    v.field("top_p", c.topP);
    v.field("capacity_factor", c.capacityFactor);
    v.field("shared_experts", c.sharedExperts);
    v.field("hidden", c.hidden);
    v.field("temperature", c.temperature);
    v.field("jitter", c.jitter);
    v.field("renormalize", c.renormalize);
    v.choice("sampling", c.sampling, routerSamplingNames());
    v.field("balance_weight", c.balanceWeight);
    v.field("z_loss_weight", c.zLossWeight);
    v.field("selector_weight", c.selectorWeight);
    v.field("feedback_weight", c.feedbackWeight);
    v.field("probe_fraction", c.probeFraction);
    v.field("probe_weight", c.probeWeight);
    v.field("probe_temperature", c.probeTemperature);
    v.choice("probe_score", c.probeScore, probeScoreNames());
    v.field("entropy_weight", c.entropyWeight);
    v.choice("probe_learning", c.probeLearning, probeLearningNames());
    v.field("probe_balance", c.probeBalance);
    v.field("sinkhorn_iterations", c.sinkhornIterations);
    v.field("sinkhorn_weight", c.sinkhornWeight);
    v.field("sinkhorn_temperature", c.sinkhornTemperature);
    v.choice("input", c.input, routerInputNames());
    v.choice("objective", c.objective, routerObjectiveNames());
    v.choice("gate", c.gate, routerGateNames());
    v.objectList("groups", c.groups);
}

template <class V> void visitFields(V& v, ExpertConfig& c) {
    v.choice("kind", c.kind, expertKindNames());
    v.choice("cell", c.cell, expertCellNames());
    v.field("width", c.width);
    v.field("max_depth", c.maxDepth);
    v.choice("halting", c.halting, haltingRuleNames());
    v.field("halt_threshold", c.haltThreshold);
    v.field("ponder_prior", c.ponderPrior);
    v.field("halt_weight", c.haltWeight);
    v.field("step_embedding", c.stepEmbedding);
    v.field("read_tokens", c.readTokens);
    v.field("read_features", c.readFeatures);
    v.field("act_epsilon", c.actEpsilon);
    v.choice("ponder_halt", c.ponderHalt, ponderHaltNames());
    v.choice("initial_state", c.initialState, initialStateNames());
    v.field("feedback", c.feedback);
    v.field("halting_step_loss", c.haltingStepLoss);
    v.field("critic_stop_gradient", c.criticStopGradient);
}

template <class V> void visitFields(V& v, IntegrationConfig& c) {
    v.choice("fusion", c.fusion, fusionRuleNames());
    v.field("gamma", c.gamma);
    v.field("conflict_threshold", c.conflictThreshold);
    v.field("confident_threshold", c.confidentThreshold);
    v.choice("resolution", c.resolution, conflictResolutionNames());
    v.field("extra_iterations", c.extraIterations);
    v.field("conflict_weight", c.conflictWeight);
    v.choice("conflict_score", c.conflictScore, conflictScoringNames());
    v.field("evidential_kl_weight", c.evidentialKlWeight);
    v.field("evidential_anneal_steps", c.evidentialAnnealSteps);
    v.choice("evidential_combination", c.evidentialCombination,
             evidentialCombinationNames());
}

template <class V> void visitFields(V& v, ModelConfig& c) {
    v.choice("family", c.family, familyNames());
    if (v.section(c.family, Family::Recursion)) {
        v.object("recursion", c.recursion);
    }
    if (v.section(c.family, Family::Reflection)) {
        v.object("encoder", c.encoder);
        v.object("router", c.router);
        v.objectList("experts", c.experts);
        v.object("integration", c.integration);
        v.choice("task_loss", c.taskLoss, taskLossNames());
        v.field("expert_weight", c.expertWeight);
        v.field("critique_weight", c.critiqueWeight);
        v.field("improvement_weight", c.improvementWeight);
        v.choice("calibration", c.calibration, calibrationNames());
    }
}

template <class V> void visitFields(V& v, TrainConfig& c) {
    v.choice("optimizer", c.optimizer, optimizerKindNames());
    v.field("learning_rate", c.learningRate);
    v.field("weight_decay", c.weightDecay);
    v.field("epochs", c.epochs);
    v.field("batch_size", c.batchSize);
    v.field("accumulation", c.accumulation);
    v.choice("schedule", c.schedule, learningRateScheduleNames());
    v.field("warmup_steps", c.warmupSteps);
    v.field("restart_period", c.restartPeriod);
    v.field("clip_norm", c.clipNorm);
    v.field("seed", c.seed);
    v.choice("device", c.device, deviceChoiceNames());
    v.field("threads", c.threads);
    v.field("eval_every", c.evalEvery);
    v.field("checkpoint_every", c.checkpointEvery);
    v.field("early_stop_patience", c.earlyStopPatience);
    v.field("log_traces", c.logTraces);
    v.choice("precision", c.precision, precisionNames());
}

template <class V> void visitFields(V& v, ExperimentConfig& c) {
    v.field("name", c.name);
    v.field("description", c.description);
    v.object("data", c.data);
    v.object("model", c.model);
    v.object("train", c.train);
}

} // namespace mor::detail
