// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON names of the config's string choices (mor/config.h), in declaration order: the one
// place that maps each enum value to its text (config_fields.h reads and writes through these).
#include "mor/config.h"

namespace mor {

const ChoiceNames<OptimizerKind>& optimizerKindNames() {
    static const ChoiceNames<OptimizerKind> names{
        {OptimizerKind::AdamW, "adamw"},
        {OptimizerKind::Adam, "adam"},
        {OptimizerKind::Sgd, "sgd"}};
    return names;
}

const ChoiceNames<LearningRateSchedule>& learningRateScheduleNames() {
    static const ChoiceNames<LearningRateSchedule> names{
        {LearningRateSchedule::Constant, "constant"},
        {LearningRateSchedule::Cosine, "cosine"},
        {LearningRateSchedule::CosineRestarts, "cosine_restarts"}};
    return names;
}

const ChoiceNames<CsvDelimiter>& csvDelimiterNames() {
    static const ChoiceNames<CsvDelimiter> names{
        {CsvDelimiter::Auto, "auto"},
        {CsvDelimiter::Comma, ","},
        {CsvDelimiter::Semicolon, ";"},
        {CsvDelimiter::Tab, "tab"},
        {CsvDelimiter::TabCharacter, "\t"},
        {CsvDelimiter::Space, "space"},
        {CsvDelimiter::Pipe, "|"}};
    return names;
}

const ChoiceNames<DecimalMark>& decimalMarkNames() {
    static const ChoiceNames<DecimalMark> names{
        {DecimalMark::Point, "."},
        {DecimalMark::Comma, ","}};
    return names;
}

const ChoiceNames<MissingCells>& missingCellsNames() {
    static const ChoiceNames<MissingCells> names{
        {MissingCells::Refuse, "refuse"},
        {MissingCells::DropRows, "drop_rows"},
        {MissingCells::Mean, "mean"}};
    return names;
}

const ChoiceNames<RoutingStrategy>& routingStrategyNames() {
    static const ChoiceNames<RoutingStrategy> names{
        {RoutingStrategy::TopK, "top_k"},
        {RoutingStrategy::Threshold, "threshold"},
        {RoutingStrategy::TopP, "top_p"},
        {RoutingStrategy::ExpertChoice, "expert_choice"},
        {RoutingStrategy::SharedRouted, "shared_routed"},
        {RoutingStrategy::Random, "random"}};
    return names;
}

const ChoiceNames<RouterSampling>& routerSamplingNames() {
    static const ChoiceNames<RouterSampling> names{
        {RouterSampling::Deterministic, "deterministic"},
        {RouterSampling::Gumbel, "gumbel"}};
    return names;
}

const ChoiceNames<RouterInput>& routerInputNames() {
    static const ChoiceNames<RouterInput> names{
        {RouterInput::Encoding, "encoding"},
        {RouterInput::Features, "features"}};
    return names;
}

const ChoiceNames<RouterObjective>& routerObjectiveNames() {
    static const ChoiceNames<RouterObjective> names{
        {RouterObjective::Routed, "routed"},
        {RouterObjective::MixtureLikelihood, "mixture_likelihood"},
        {RouterObjective::HardEm, "hard_em"}};
    return names;
}

const ChoiceNames<RouterGate>& routerGateNames() {
    static const ChoiceNames<RouterGate> names{
        {RouterGate::Softmax, "softmax"},
        {RouterGate::Gaussian, "gaussian"}};
    return names;
}

const ChoiceNames<EncoderInput>& encoderInputNames() {
    static const ChoiceNames<EncoderInput> names{
        {EncoderInput::Vector, "vector"},
        {EncoderInput::Tokens, "tokens"}};
    return names;
}

const ChoiceNames<ExpertKind>& expertKindNames() {
    static const ChoiceNames<ExpertKind> names{
        {ExpertKind::Reflection, "reflection"},
        {ExpertKind::Nested, "nested"}};
    return names;
}

const ChoiceNames<ExpertCell>& expertCellNames() {
    static const ChoiceNames<ExpertCell> names{
        {ExpertCell::Mlp, "mlp"},
        {ExpertCell::Gru, "gru"},
        {ExpertCell::Transformer, "transformer"}};
    return names;
}

const ChoiceNames<HaltingRule>& haltingRuleNames() {
    static const ChoiceNames<HaltingRule> names{
        {HaltingRule::Critique, "critique"},
        {HaltingRule::PonderNet, "pondernet"},
        {HaltingRule::Act, "act"},
        {HaltingRule::Fixed, "fixed"}};
    return names;
}

const ChoiceNames<InitialState>& initialStateNames() {
    static const ChoiceNames<InitialState> names{
        {InitialState::Encoding, "encoding"},
        {InitialState::Zero, "zero"}};
    return names;
}

const ChoiceNames<FusionRule>& fusionRuleNames() {
    static const ChoiceNames<FusionRule> names{
        {FusionRule::Confidence, "confidence"},
        {FusionRule::Attention, "attention"},
        {FusionRule::Evidential, "evidential"}};
    return names;
}

const ChoiceNames<ConflictResolution>& conflictResolutionNames() {
    static const ChoiceNames<ConflictResolution> names{
        {ConflictResolution::Weighted, "weighted"},
        {ConflictResolution::MostConfident, "most_confident"},
        {ConflictResolution::ReReflect, "re_reflect"},
        {ConflictResolution::Flag, "flag"}};
    return names;
}

const ChoiceNames<ConflictScoring>& conflictScoringNames() {
    static const ChoiceNames<ConflictScoring> names{
        {ConflictScoring::Unweighted, "unweighted"},
        {ConflictScoring::Weighted, "weighted"}};
    return names;
}

const ChoiceNames<EvidentialCombination>& evidentialCombinationNames() {
    static const ChoiceNames<EvidentialCombination> names{
        {EvidentialCombination::Decider, "decider"},
        {EvidentialCombination::SubjectiveLogic, "subjective_logic"}};
    return names;
}

const ChoiceNames<RecursionRouting>& recursionRoutingNames() {
    static const ChoiceNames<RecursionRouting> names{
        {RecursionRouting::ExpertChoice, "expert_choice"},
        {RecursionRouting::TokenChoice, "token_choice"},
        {RecursionRouting::Fixed, "fixed"},
        {RecursionRouting::Vanilla, "vanilla"},
        {RecursionRouting::MixtureOfDepths, "mixture_of_depths"}};
    return names;
}

const ChoiceNames<RecursionSharing>& recursionSharingNames() {
    static const ChoiceNames<RecursionSharing> names{
        {RecursionSharing::Cycle, "cycle"},
        {RecursionSharing::MiddleCycle, "middle_cycle"}};
    return names;
}

const ChoiceNames<RecursionGate>& recursionGateNames() {
    static const ChoiceNames<RecursionGate> names{
        {RecursionGate::Sigmoid, "sigmoid"},
        {RecursionGate::Softmax, "softmax"}};
    return names;
}

const ChoiceNames<DataKind>& dataKindNames() {
    static const ChoiceNames<DataKind> names{
        {DataKind::Parity, "parity"},
        {DataKind::Modular, "modular"},
        {DataKind::Majority, "majority"},
        {DataKind::Mixed, "mixed"},
        {DataKind::Csv, "csv"},
        {DataKind::Idx, "idx"},
        {DataKind::Spirals, "spirals"},
        {DataKind::Circles, "circles"},
        {DataKind::Xor, "xor"},
        {DataKind::Blobs, "blobs"},
        {DataKind::Checkerboard, "checkerboard"},
        {DataKind::Moons, "moons"},
        {DataKind::Text, "text"},
        {DataKind::RunningParity, "running_parity"},
        {DataKind::Addition, "addition"},
        {DataKind::PointerChase, "pointer_chase"}};
    return names;
}

std::string dataKindName(DataKind kind) {
    return choiceName(kind, dataKindNames());
}

const ChoiceNames<Calibration>& calibrationNames() {
    static const ChoiceNames<Calibration> names{
        {Calibration::Temperature, "temperature"},
        {Calibration::TemperatureThreshold, "temperature+threshold"},
        {Calibration::AnswerTemperature, "answer-temperature"},
        {Calibration::None, "none"}};
    return names;
}

const ChoiceNames<DeviceChoice>& deviceChoiceNames() {
    static const ChoiceNames<DeviceChoice> names{
        {DeviceChoice::Cpu, "cpu"},
        {DeviceChoice::Cuda, "cuda"},
        {DeviceChoice::Auto, "auto"}};
    return names;
}

std::string deviceChoiceName(DeviceChoice device) {
    return choiceName(device, deviceChoiceNames());
}

} // namespace mor
