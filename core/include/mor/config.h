#pragma once
// Experiment configuration: plain structs, parsed from and written to JSON.
// JSON keys are the snake_case form of the field names (topK -> "top_k").
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mor {

/// One validation problem: the dotted field path and a message a user can act on,
/// e.g. {"model.router.top_k", "model.router.top_k = 9 but there are 4 experts"}.
struct ConfigError {
    std::string field;
    std::string message;
};

/// A string choice of the config, parsed once at the config boundary into an enum: the JSON
/// holds one of the names, the code compares enum values. Each list is in declaration order.
template <class E> using ChoiceNames = std::vector<std::pair<E, std::string>>;
/// The JSON name of `value` in `names` ("?" when it has none).
template <class E> std::string choiceName(E value, const ChoiceNames<E>& names) {
    for (const auto& [v, name] : names) {
        if (v == value) {
            return name;
        }
    }
    return "?";
}
/// The value named `text` in `names` into *out; false (and *out unchanged) for another text.
template <class E> bool parseChoice(const std::string& text, const ChoiceNames<E>& names, E* out) {
    for (const auto& [v, name] : names) {
        if (name == text) {
            *out = v;
            return true;
        }
    }
    return false;
}

/// model.task_loss: the experts' task loss over their reflection steps.
enum class TaskLoss {
    Expected,        ///< "expected": sum_t w_t loss_t under the halting distribution
    DeepSupervision, ///< "deep_supervision": the mean over every step
    Final,           ///< "final": the last step only
};
const ChoiceNames<TaskLoss>& taskLossNames();

/// model.router.probe_score: how tried experts are compared.
enum class ProbeScore {
    Loss,        ///< "loss": -log q(y|x)
    Information, ///< "information": log q(y|x) minus log of the expert's mean answer for y
};
const ChoiceNames<ProbeScore>& probeScoreNames();

/// model.router.probe_learning: what the probe expert learns from its probe inputs.
enum class ProbeLearning {
    Responsibility, ///< "responsibility": task loss weighted by its share of the probe target
    Always,         ///< "always": full weight
    None,           ///< "none": nothing
};
const ChoiceNames<ProbeLearning>& probeLearningNames();

/// model.experts[].ponder_halt: PonderNet's halting step at inference.
enum class PonderHalt {
    Median, ///< "median": the first step where the cumulative halting mass reaches 0.5
    Sample, ///< "sample": drawn from the halting distribution (seeded per input)
};
const ChoiceNames<PonderHalt>& ponderHaltNames();

/// train.precision: the arithmetic of the training forward pass.
enum class Precision {
    Fp32, ///< "fp32": everything in float32
    Bf16, ///< "bf16": the forward pass under bfloat16 autocast (matmuls and linear layers in
          ///< bf16, reductions and losses as autocast keeps them); gradients, optimizer state,
          ///< weights and evaluation stay float32
};
const ChoiceNames<Precision>& precisionNames();

// The other string choices of the config, parsed once at the config boundary (config_fields.h
// reads and writes them through ChoiceNames; the JSON text is the name after each value).

/// train.optimizer.
enum class OptimizerKind { AdamW /*"adamw"*/, Adam /*"adam"*/, Sgd /*"sgd"*/ };
const ChoiceNames<OptimizerKind>& optimizerKindNames();
/// train.schedule.
enum class LearningRateSchedule {
    Constant,       ///< "constant"
    Cosine,         ///< "cosine"
    CosineRestarts, ///< "cosine_restarts"
};
const ChoiceNames<LearningRateSchedule>& learningRateScheduleNames();
/// data.delimiter (csv); "\t" is the tab character itself, "tab" its name.
enum class CsvDelimiter {
    Auto /*"auto": sniffed*/, Comma /*","*/, Semicolon /*";"*/, Tab /*"tab"*/,
    TabCharacter /*"\t"*/, Space /*"space"*/, Pipe /*"|"*/
};
const ChoiceNames<CsvDelimiter>& csvDelimiterNames();
/// data.decimal (csv): the decimal mark of numbers.
enum class DecimalMark { Point /*"."*/, Comma /*","*/ };
const ChoiceNames<DecimalMark>& decimalMarkNames();
/// data.missing (csv): empty feature cells.
enum class MissingCells { Refuse /*"refuse"*/, DropRows /*"drop_rows"*/, Mean /*"mean"*/ };
const ChoiceNames<MissingCells>& missingCellsNames();
/// model.router.strategy and model.router.groups[].strategy (groups: not shared_routed).
enum class RoutingStrategy {
    TopK,         ///< "top_k"
    Threshold,    ///< "threshold"
    TopP,         ///< "top_p"
    ExpertChoice, ///< "expert_choice"
    SharedRouted, ///< "shared_routed"
    Random,       ///< "random"
};
const ChoiceNames<RoutingStrategy>& routingStrategyNames();
/// model.router.sampling.
enum class RouterSampling { Deterministic /*"deterministic"*/, Gumbel /*"gumbel"*/ };
const ChoiceNames<RouterSampling>& routerSamplingNames();
/// model.router.input.
enum class RouterInput { Encoding /*"encoding"*/, Features /*"features"*/ };
const ChoiceNames<RouterInput>& routerInputNames();
/// model.router.objective.
enum class RouterObjective {
    Routed,            ///< "routed"
    MixtureLikelihood, ///< "mixture_likelihood"
    HardEm,            ///< "hard_em"
};
const ChoiceNames<RouterObjective>& routerObjectiveNames();
/// model.router.gate.
enum class RouterGate { Softmax /*"softmax"*/, Gaussian /*"gaussian"*/ };
const ChoiceNames<RouterGate>& routerGateNames();
/// model.encoder.input.
enum class EncoderInput { Vector /*"vector"*/, Tokens /*"tokens"*/ };
const ChoiceNames<EncoderInput>& encoderInputNames();
/// model.experts[].kind.
enum class ExpertKind { Reflection /*"reflection"*/, Nested /*"nested"*/ };
const ChoiceNames<ExpertKind>& expertKindNames();
/// model.experts[].cell.
enum class ExpertCell { Mlp /*"mlp"*/, Gru /*"gru"*/, Transformer /*"transformer"*/ };
const ChoiceNames<ExpertCell>& expertCellNames();
/// model.experts[].halting.
enum class HaltingRule {
    Critique,  ///< "critique"
    PonderNet, ///< "pondernet"
    Act,       ///< "act"
    Fixed,     ///< "fixed"
};
const ChoiceNames<HaltingRule>& haltingRuleNames();
/// model.experts[].initial_state.
enum class InitialState { Encoding /*"encoding"*/, Zero /*"zero"*/ };
const ChoiceNames<InitialState>& initialStateNames();
/// model.integration.fusion.
enum class FusionRule { Confidence /*"confidence"*/, Attention /*"attention"*/,
                        Evidential /*"evidential"*/ };
const ChoiceNames<FusionRule>& fusionRuleNames();
/// model.integration.resolution.
enum class ConflictResolution {
    Weighted,      ///< "weighted"
    MostConfident, ///< "most_confident"
    ReReflect,     ///< "re_reflect"
    Flag,          ///< "flag"
};
const ChoiceNames<ConflictResolution>& conflictResolutionNames();
/// model.integration.conflict_score.
enum class ConflictScoring { Unweighted /*"unweighted"*/, Weighted /*"weighted"*/ };
const ChoiceNames<ConflictScoring>& conflictScoringNames();
/// model.integration.evidential_combination.
enum class EvidentialCombination { Decider /*"decider"*/, SubjectiveLogic /*"subjective_logic"*/ };
const ChoiceNames<EvidentialCombination>& evidentialCombinationNames();
/// model.recursion.routing.
enum class RecursionRouting {
    ExpertChoice,    ///< "expert_choice"
    TokenChoice,     ///< "token_choice"
    Fixed,           ///< "fixed"
    Vanilla,         ///< "vanilla"
    MixtureOfDepths, ///< "mixture_of_depths"
};
const ChoiceNames<RecursionRouting>& recursionRoutingNames();
/// model.recursion.sharing.
enum class RecursionSharing { Cycle /*"cycle"*/, MiddleCycle /*"middle_cycle"*/ };
const ChoiceNames<RecursionSharing>& recursionSharingNames();
/// model.recursion.gate.
enum class RecursionGate { Sigmoid /*"sigmoid"*/, Softmax /*"softmax"*/ };
const ChoiceNames<RecursionGate>& recursionGateNames();

/// data.kind: the data set a run reads.
enum class DataKind {
    Parity /*"parity"*/, Modular /*"modular"*/, Majority /*"majority"*/, Mixed /*"mixed"*/,
    Csv /*"csv"*/, Idx /*"idx"*/,
    // 2-D point sets for teaching
    Spirals /*"spirals"*/, Circles /*"circles"*/, Xor /*"xor"*/, Blobs /*"blobs"*/,
    Checkerboard /*"checkerboard"*/, Moons /*"moons"*/,
    // token-sequence tasks for model.family "recursion"
    Text /*"text"*/, RunningParity /*"running_parity"*/, Addition /*"addition"*/,
    PointerChase /*"pointer_chase"*/
};
const ChoiceNames<DataKind>& dataKindNames();
/// The JSON name of a data kind ("parity", "running_parity", ...), for messages.
std::string dataKindName(DataKind kind);
/// model.calibration: held-out calibration of the critique (see ModelConfig::calibration).
enum class Calibration {
    Temperature,          ///< "temperature"
    TemperatureThreshold, ///< "temperature+threshold"
    AnswerTemperature,    ///< "answer-temperature"
    None,                 ///< "none"
};
const ChoiceNames<Calibration>& calibrationNames();
/// train.device: where a run trains; "auto" takes CUDA when this LibTorch build has a device.
enum class DeviceChoice { Cpu /*"cpu"*/, Cuda /*"cuda"*/, Auto /*"auto"*/ };
const ChoiceNames<DeviceChoice>& deviceChoiceNames();
/// The JSON name of a device choice ("cpu", "cuda", "auto").
std::string deviceChoiceName(DeviceChoice device);

struct DataConfig {
    /// parity | modular | majority | mixed | csv | idx, 2-D point sets for teaching
    /// (spirals | circles | xor | blobs | checkerboard | moons), or a token-sequence task for
    /// model.family "recursion": text | running_parity | addition
    DataKind kind = DataKind::Parity;
    int64_t samples = 6000;         ///< generated sets: total number of samples
    int64_t length = 12;            ///< parity / majority: number of bits
    int64_t modulus = 7;            ///< modular: answers lie in [0, modulus)
    int64_t operands = 2;           ///< modular: number of summed operands
    std::vector<std::string> domains{"parity", "modular", "majority"}; ///< mixed: domains drawn
    double labelNoise = 0.0;        ///< generated sets: fraction of flipped labels
    double noise = 0.1;             ///< 2-D point sets: std of the Gaussian jitter of the points
    /// parity: PonderNet-style inputs: a random number (1..length) of entries at random
    /// positions are +1 or -1, the rest 0; the label is whether the number of +1 is odd.
    bool parityVariableLength = false;
    std::string path;               ///< csv: file (optionally .gz)
    std::string labelColumn = "last"; ///< csv: "last" | "first" | "<index>" | "<column name>"
    std::string images;             ///< idx: images file (optionally .gz)
    std::string labels;             ///< idx: labels file (optionally .gz)
    int64_t limit = 0;              ///< csv / idx: use at most this many samples (0 = all)
    /// csv: a separate test file (same columns); when set, it is the test split instead of
    /// data.test_fraction of data.path. idx: test_images + test_labels (e.g. t10k) likewise.
    std::string testPath;
    std::string testImages;
    std::string testLabels;
    /// csv: auto (sniffed) | "," | ";" | "tab" | "space"
    CsvDelimiter delimiter = CsvDelimiter::Auto;
    DecimalMark decimal = DecimalMark::Point; ///< csv: decimal mark of numbers, "." or ","
    /// csv: empty feature cells: refuse | drop_rows | mean
    MissingCells missing = MissingCells::Refuse;
    double validationFraction = 0.15;
    double testFraction = 0.15;
    int64_t probeSize = 64;         ///< validation inputs traced at every evaluation
    /// text: a UTF-8 text file for character-level language modelling ("" = the bundled
    /// fortunes corpus).
    std::string textPath;
    int64_t seqLen = 64;            ///< text / running_parity: tokens per training sequence
    int64_t digits = 4;             ///< addition: digits per operand
    /// pointer_chase: the most steps a query follows through the permutation (1..hops)
    int64_t hops = 3;
};

struct EncoderConfig {
    int64_t hidden = 64; ///< width H of the encoding e
    int64_t layers = 1;  ///< hidden layers of the encoder MLP
    double dropout = 0.0;
    /// vector: an MLP over all features. tokens: every feature is a token (value embedding +
    /// position embedding, per-token MLP); the encoding and the router use attention pooling.
    EncoderInput input = EncoderInput::Vector;
    bool padZeros = false; ///< tokens: features equal to 0 are padding (masked out)
};

/// MoMa (Lin et al. 2024): one modality-aware expert group of router.groups.
struct ExpertGroupConfig {
    /// Data domains (indices, in the order of data.domains for "mixed"; 0 for other data
    /// kinds) whose inputs are routed only among this group's experts.
    std::vector<int64_t> domains;
    std::vector<int64_t> experts; ///< indices into model.experts owned by this group
    /// Routing inside the group: expert_choice (as MoMa) | top_k | threshold | top_p | random;
    /// threshold and top_p read model.router.threshold / top_p.
    RoutingStrategy strategy = RoutingStrategy::ExpertChoice;
    int64_t topK = 1;             ///< top_k / random / expert_choice inside the group
    double capacityFactor = 1.0;  ///< expert_choice: C = cf * (group's inputs) * k / group size
};

struct RouterConfig {
    /// top_k | threshold | top_p | expert_choice | shared_routed | random
    RoutingStrategy strategy = RoutingStrategy::TopK;
    int64_t topK = 2;
    double threshold = 0.2;      ///< threshold strategy: keep every p >= threshold (and the argmax)
    double topP = 0.8;           ///< top_p strategy: smallest set with cumulative p >= top_p
    double capacityFactor = 1.25; ///< expert_choice: each expert takes C = cf * B * k / E inputs
    int64_t sharedExperts = 1;   ///< shared_routed: experts 0..n-1 always on, top_k of the rest
    int64_t hidden = 64;
    double temperature = 1.0;
    /// Training-time multiplicative noise on the router's input (Switch Transformer:
    /// x * U(1 - jitter, 1 + jitter)); 0 = off.
    double jitter = 0.0;
    /// false (default, Switch-style gating): each selected expert's answer enters the fused
    /// answer scaled by its router probability p_j (the mass 1 - sum of selected p_j goes to the
    /// uniform answer), so the task loss reaches the router even at top_k 1. true: the gates are
    /// renormalised over the selected experts; at top_k 1 the gate is exactly 1 and the router
    /// gets no gradient from the task loss at all (only from its auxiliary losses).
    bool renormalize = false;
    /// Training-time selection: "deterministic" (top-k / the strategy's rule) or "gumbel"
    /// (Gumbel top-k: the k experts are sampled without replacement from p, as needed by a
    /// score-function estimator; top_k and shared_routed only). Evaluation is always
    /// deterministic.
    RouterSampling sampling = RouterSampling::Deterministic;
    double balanceWeight = 0.01;
    double zLossWeight = 0.001;
    double selectorWeight = 0.0; ///< supervised domain -> expert loss (needs domain labels)
    /// REINFORCE routing feedback (score-function estimator; needs sampling "gumbel"): the
    /// log-probability of the sampled expert set is raised in proportion to the advantage
    /// (batch-mean fused task loss minus this input's). 0 = off.
    double feedbackWeight = 0.0;
    /// Training-only routing probes (unsupervised contrast): this fraction of the batch's inputs
    /// is also sent to one expert the router did not select (drawn uniformly from the others),
    /// through the same sparse dispatch. The probe's answer is not fused into the prediction;
    /// the router learns towards the experts with the lower loss among those tried on the input
    /// (softmax of -loss / probe_temperature), and the probe expert learns from the input too.
    /// 0 = off. Evaluation (eval mode) never probes.
    double probeFraction = 0.0;
    double probeWeight = 1.0;      ///< weight of the router's probe contrast loss ("probe")
    double probeTemperature = 0.1; ///< nats: loss gaps much smaller than this count as ties
    /// How tried experts are compared: "loss" (-log q(y|x)) or "information" (log q(y|x) minus
    /// log of the expert's mean answer for y in the batch: no credit for a label bias).
    ProbeScore probeScore = ProbeScore::Information;
    /// Mean entropy of the router's distribution per input ("entropy"): sharpens each input's
    /// choice, so with the balance loss the routing boundaries settle where few inputs lie
    /// (between clusters of similar inputs) rather than through them.
    double entropyWeight = 0.0;
    /// What the probe expert learns from its probe inputs: "responsibility" (its task loss
    /// weighted by its share of the probe target, EM-like), "always" (full weight: every
    /// expert keeps learning every kind of input) or "none".
    ProbeLearning probeLearning = ProbeLearning::Responsibility;
    /// Load-aware responsibilities: the probe target of expert j is divided by
    /// (E * share of the batch routed to j)^probe_balance (share floored at 1/(10 E)), so where
    /// the tried experts do equally well the less loaded one wins; a clear loss gap still
    /// decides. 0 = off.
    double probeBalance = 0.0;
    /// Balanced router targets (as in SwAV / BASE layers): each training batch's [B, E] matrix
    /// p_j^(1/sinkhorn_temperature) is turned by this many Sinkhorn-Knopp iterations into an
    /// assignment whose rows sum to 1 and whose columns sum to B/E, and the router is trained
    /// by cross-entropy towards it ("sinkhorn" loss). No expert can take every input, and
    /// inputs the router sees alike go together. 0 = off.
    int64_t sinkhornIterations = 0;
    double sinkhornWeight = 1.0;      ///< weight of the "sinkhorn" loss
    double sinkhornTemperature = 1.0; ///< < 1 sharpens the balanced target
    /// What the router reads: "encoding" (the shared encoder's output, which the task loss
    /// shapes towards the label) or "features" (the raw input vector through the router's own
    /// MLP: it sees which features are present but not what the encoder learned about the
    /// label). "features" needs model.encoder.input "vector".
    RouterInput input = RouterInput::Encoding;
    /// What trains the router and the experts. "routed" (default): the selected experts only,
    /// through the fused answer and the configured auxiliary losses. "mixture_likelihood"
    /// (Jacobs, Jordan, Nowlan & Hinton 1991): in training every expert answers every input and
    /// the task loss is -log sum_j p_j exp(-loss_j) (loss_j: expert j's own task loss on the
    /// input), so each input's gradient goes mostly to the expert with the highest posterior
    /// responsibility h_j ~ p_j exp(-loss_j): experts compete for inputs instead of cooperating;
    /// inference routes by `strategy` (top_k). "hard_em": every expert answers every input in
    /// training, the input is assigned to the expert with the lowest loss (stop-gradient), only
    /// that expert learns from it and the router learns the assignment by cross-entropy. Both
    /// cost every expert's work on every training input. The balance loss counts the
    /// top_k selection the input would get at inference.
    RouterObjective objective = RouterObjective::Routed;
    /// The router's form. "softmax" (default): p = softmax(MLP(input) / temperature).
    /// "gaussian" (localized mixture of experts, Xu, Jordan & Hinton 1995): each expert j has a
    /// diagonal Gaussian over the raw input and a prior a_j; the logits are the joint log
    /// densities log a_j + log N(x; m_j, s_j^2) (variances floored at 0.01) and p is the
    /// posterior p(j | x). With objective "mixture_likelihood" the loss is the joint
    /// -log sum_j a_j N(x; m_j, s_j^2) p_j(y | x), so the gate also models where the inputs
    /// lie and each expert takes a region of the input space. Needs input "features" and
    /// objective "mixture_likelihood"; no z-loss.
    RouterGate gate = RouterGate::Softmax;
    /// MoMa expert groups (domain -> group of experts, each with its own strategy); an input
    /// is routed only among its domain's group (without a domain label: the group of its
    /// most probable expert). Empty = plain routing over every expert with `strategy`.
    std::vector<ExpertGroupConfig> groups;
};

struct ExpertConfig {
    /// reflection: a reflection expert with its own weights. nested (Mixture of Nested Experts,
    /// Jain et al. 2024): a slice of the model's one shared nested network that uses its first
    /// `width` hidden units, so experts of every width share weights (adding a width adds no
    /// expert parameters); one step, no halting (max_depth, halting, cell are not used).
    ExpertKind kind = ExpertKind::Reflection;
    ExpertCell cell = ExpertCell::Gru; ///< mlp | gru | transformer
    int64_t width = 64;
    int64_t maxDepth = 4;             ///< T_max reflection iterations
    HaltingRule halting = HaltingRule::Critique; ///< critique | pondernet | act | fixed
    double haltThreshold = 0.9;       ///< critique: stop when c_t >= threshold; act: 1 - eps
    double ponderPrior = 0.5;         ///< pondernet: geometric prior parameter
    double haltWeight = 0.01;         ///< weight of the halting regulariser (KL / ponder cost)
    /// A learned embedding of the iteration number is added to the cell input, so weight-tied
    /// steps can do different work (as the Universal Transformer's timestep embedding).
    bool stepEmbedding = false;
    /// encoder.input "tokens": each iteration attends over the token states (query from the
    /// state and the iteration) and the cell reads what it attended to.
    bool readTokens = false;
    /// Each iteration also reads this many raw input features, the next ones every iteration
    /// (iteration t reads features (t-1)*N ... t*N-1, wrapping around), so a weight-tied
    /// expert can take in a long input piece by piece, as a recurrent network does. 0 = off.
    int64_t readFeatures = 0;
    /// act: the halting threshold is 1 - act_epsilon (Graves 2016), and the answer is the
    /// mean-field sum_t w_t y_t over the steps taken.
    double actEpsilon = 0.01;
    /// pondernet inference: "median" halts at the first step where the halting distribution's
    /// cumulative mass reaches 0.5; "sample" draws the step from it (seeded per input).
    PonderHalt ponderHalt = PonderHalt::Median;
    /// The state the first iteration starts from: "encoding" (h0 = tanh(W e)) or "zero" (h0 = 0,
    /// as PonderNet and ACT).
    InitialState initialState = InitialState::Encoding;
    /// The cell also reads its own last draft and critique at every iteration (MoR Studio's
    /// reflection). false: the cell reads only its input, as in PonderNet / ACT.
    bool feedback = true;
    /// Add a task loss on the answer at the halting step (MoR Studio's default). false: only the
    /// paper's own objective (pondernet: expected loss + KL; act: mean-field loss + ponder cost).
    bool haltingStepLoss = true;
    /// Stop the critique loss's gradient at the state: the critic learns to judge the draft
    /// without reshaping the state it judges.
    bool criticStopGradient = false;
};

struct IntegrationConfig {
    FusionRule fusion = FusionRule::Confidence; ///< confidence | attention | evidential
    double gamma = 1.0;                  ///< confidence exponent: w ~ g * c^gamma
    double conflictThreshold = 0.3;      ///< weighted JS divergence above which experts conflict
    double confidentThreshold = 0.6;     ///< an expert counts as confident at c >= this
    /// weighted | most_confident | re_reflect | flag
    ConflictResolution resolution = ConflictResolution::Weighted;
    int64_t extraIterations = 2;         ///< re_reflect: extra iterations for conflicting experts
    double conflictWeight = 0.0;         ///< optional conflict penalty loss
    /// Conflict score: "unweighted" (Jensen-Shannon divergence of the selected experts' answers,
    /// each counted once) or "weighted" (by fusion weight: hides disagreement when one expert
    /// dominates).
    ConflictScoring conflictScore = ConflictScoring::Unweighted;
    /// evidential: weight of the KL(Dir(alpha~) || Dir(1)) regulariser (Sensoy et al. 2018),
    /// annealed linearly from 0 to this value over evidential_anneal_steps optimizer steps.
    double evidentialKlWeight = 1.0;
    int64_t evidentialAnnealSteps = 1000;
    /// evidential: how the experts' opinions are combined: "decider" (a learned scorer of
    /// [uncertainty, confidence, log gate]) or "subjective_logic" (reduced Dempster-Shafer
    /// combination of the experts' belief masses, as in TMC, Han et al. 2021). subjective_logic
    /// ignores the gates inside the combination (the router learns only through the Switch
    /// gate mass); its reported weights are each expert's share of committed belief 1 - u.
    EvidentialCombination evidentialCombination = EvidentialCombination::Decider;
};

/// model.family "recursion": a Mixture-of-Recursions transformer on token sequences.
struct RecursionConfig {
    /// expert_choice: every recursion keeps its top-k tokens (capacity falls with depth);
    /// token_choice: one router reads each token's state entering the recursions (the
    /// embedding, or the unique first layer's output with middle_cycle) and picks its depth
    /// 1..N_r; the chosen gate scales the last block output once: h0 + g * f^depth(h0); fixed:
    /// every token gets every
    /// recursion; vanilla: `recursions` distinct blocks (no sharing), each applied once;
    /// mixture_of_depths (Raposo et al. 2024): `recursions` distinct blocks, and at each routed
    /// block a router picks the tokens that go through it (the rest skip it on the residual
    /// path); a token skipped by one block can still be picked by the next.
    RecursionRouting routing = RecursionRouting::ExpertChoice;
    int64_t recursions = 3;       ///< N_r: applications of the shared block
    int64_t layersPerBlock = 1;   ///< transformer layers inside the shared block
    int64_t dModel = 64;
    int64_t heads = 4;
    int64_t ffn = 256;            ///< hidden width of each layer's feed-forward part
    /// expert_choice: fraction of tokens kept at each recursion: "linear" (N_r-r+1)/N_r, or
    /// a comma list of N_r fractions that does not increase, e.g. "1,0.5,0.25".
    std::string capacity = "linear";
    bool kvSharing = false;       ///< recursions after the first reuse the first one's keys/values
    double routerWeight = 0.1;    ///< expert_choice: auxiliary BCE (router score vs selection)
    double balanceWeight = 0.1;   ///< token_choice: load-balancing loss
    double zLossWeight = 0.001;   ///< router z-loss
    double threshold = 0.5;       ///< expert_choice inference: continue when sigmoid score > this
    /// expert_choice: over the first W optimizer steps every recursion's capacity falls from 1
    /// to its configured value along a half cosine (the official code's cap_warmup_step; 0 =
    /// none, its configs' default). Training only; evaluation always uses the capacity.
    int64_t capacityWarmupSteps = 0;
    /// expert_choice: training steps at capacity 1 (every token runs every recursion) before
    /// the warm-up's cosine starts; 0 = none, the paper's schedule.
    int64_t capacityHoldSteps = 0;
    double dropout = 0.0;
    /// One router per recursion step (Bae et al. 2025) instead of one shared router
    /// (expert_choice only; token_choice has one router, as in the paper).
    bool routerPerStep = true;
    /// Parameter sharing: "cycle" (the block repeats) or "middle_cycle" (unique first and last
    /// layers, the middle layers shared and repeated).
    RecursionSharing sharing = RecursionSharing::Cycle;
    /// Router gate: "sigmoid" (alpha * sigmoid(score)) or "softmax" (token_choice's depth
    /// distribution; expert_choice always scores with a sigmoid).
    RecursionGate gate = RecursionGate::Sigmoid;
    double gateAlpha = 1.0;       ///< alpha of the scaled gate
    /// > 0: token and position embeddings drawn N(0, embedding_std) at construction, as the
    /// official MoR code's Llama base and GPT-2 do (initializer_range 0.02, the default). 0 keeps
    /// LibTorch's Embedding default N(0, 1), what every run before session 17 used. On the
    /// fortunes corpus 0.02 gave every model 0.11-0.24 nats lower validation loss at equal steps
    /// (tests/bench/results/issue20_mor_quality.md).
    double embeddingStd = 0.02;
    /// mixture_of_depths: fraction of each sequence's tokens a routed block processes (its
    /// router's top-C in training; inference: the router's per-token score > threshold, a
    /// causal rule trained by the auxiliary BCE, router_weight).
    double depthCapacity = 0.5;
    /// mixture_of_depths: every n-th block is routed (blocks n, 2n, ...), the others process
    /// every token; 1 = every block, 2 = interleaved as in the paper.
    int64_t depthEvery = 1;
};

/// model.family: parsed once at the config boundary; the JSON text exists only in config_json.
enum class Family {
    Reflection, ///< "reflection": the Mixture-of-Reflection model (encoder/router/experts/...)
    Recursion,  ///< "recursion": the Mixture-of-Recursions sequence model (`recursion` section)
};
/// Every family with its JSON name, in declaration order.
const ChoiceNames<Family>& familyNames();
/// The JSON name of a family ("reflection", "recursion").
std::string familyName(Family family);

/// A stored config (toJson) carries only its family's section: reflection writes encoder,
/// router, experts, integration and the loss weights below; recursion writes `recursion`.
/// Parsing accepts both (configs stored before this carry every section).
struct ModelConfig {
    Family family = Family::Reflection;
    RecursionConfig recursion;
    EncoderConfig encoder;
    RouterConfig router;
    std::vector<ExpertConfig> experts{ExpertConfig{}, ExpertConfig{}, ExpertConfig{},
                                      ExpertConfig{}};
    IntegrationConfig integration;
    TaskLoss taskLoss = TaskLoss::Expected;
    double expertWeight = 0.5;         ///< weight of the per-expert task losses
    double critiqueWeight = 0.1;       ///< critique calibration BCE
    double improvementWeight = 0.0;    ///< consistent-improvement hinge
    /// Held-out calibration of the critique: "temperature" fits one temperature per expert on the
    /// validation split at every evaluation (stored with the checkpoint and used by halting and
    /// traces); "temperature+threshold" also tunes each critique-gated halting threshold there;
    /// "answer-temperature" fits T on the answers (the halting step's critique) and maps the
    /// threshold to sigmoid(logit(tau) / T), so experts halt where the raw critic halts (the
    /// parity-reflection and adaptive-depth demos use it); "none" keeps the raw critic.
    Calibration calibration = Calibration::Temperature;
};

struct TrainConfig {
    OptimizerKind optimizer = OptimizerKind::AdamW; ///< adamw | adam | sgd
    double learningRate = 3e-3;
    double weightDecay = 0.01;
    int64_t epochs = 20;
    int64_t batchSize = 64;
    int64_t accumulation = 1;         ///< gradient accumulation steps
    /// constant | cosine | cosine_restarts
    LearningRateSchedule schedule = LearningRateSchedule::Cosine;
    int64_t warmupSteps = 50;
    int64_t restartPeriod = 0;        ///< cosine_restarts: steps per cycle (0 = one epoch)
    double clipNorm = 1.0;            ///< 0 = no clipping
    int64_t seed = 1;
    DeviceChoice device = DeviceChoice::Cpu; ///< cpu | cuda | auto
    int64_t threads = 0;              ///< 0 = all cores
    int64_t evalEvery = 0;            ///< optimizer steps between evaluations (0 = every epoch)
    int64_t checkpointEvery = 0;      ///< optimizer steps between checkpoints (0 = every evaluation)
    int64_t earlyStopPatience = 0;    ///< evaluations without improvement (0 = off)
    bool logTraces = true;            ///< log probe traces and routing snapshots
    Precision precision = Precision::Fp32; ///< fp32 | bf16 (autocast; see Precision)
};

struct ExperimentConfig {
    std::string name;
    std::string description;
    DataConfig data;
    ModelConfig model;
    TrainConfig train;
};

struct ConfigParseResult {
    ExperimentConfig config;
    std::vector<ConfigError> errors;
    bool ok() const { return errors.empty(); }
    /// All errors, one per line.
    std::string message() const;
};

/// Parses JSON text; unknown fields, wrong types and invalid values are errors.
ConfigParseResult parseConfig(const std::string& jsonText);
/// Reads and parses a file; an unreadable file is an error naming the path.
ConfigParseResult loadConfigFile(const std::string& path);
/// Checks ranges and cross-field rules ("model.router.top_k = 9 but there are 4 experts").
std::vector<ConfigError> validateConfig(const ExperimentConfig& config);

/// experts[].read_features: the input features an expert reading `readFeatures` per iteration
/// reads at iteration `iteration` (1-based) of an input with `features` features — (t-1)*N ...
/// t*N-1, wrapping around. Empty when the expert reads nothing. The model and the GUI share it.
std::vector<int64_t> featuresReadAt(int64_t readFeatures, int64_t iteration, int64_t features);
/// model.recursion.capacity as N_r fractions in (0, 1] (recursion 1 first); empty with
/// *error set when the text is not "linear" or a non-increasing list of N_r fractions.
std::vector<double> recursionCapacities(const RecursionConfig& config, std::string* error);
/// True for the token-sequence data kinds (text, running_parity, addition).
bool isSequenceDataKind(DataKind kind);
/// Serialises every field of the config's own model family (so a stored config is complete
/// and diffable); the other family's section is left out (see ModelConfig).
std::string toJson(const ExperimentConfig& config, int indent = 2);
/// A stored config (a run's, a sweep's base; storedMs: its created_ms) that leaves out a field
/// whose default changed after it was stored, with that field set to the default it was trained
/// with (model.recursion.embedding_std: 0 before 2026-12-03 23:04 UTC). Other text unchanged.
std::string withStoredDefaults(const std::string& jsonText, int64_t storedMs);
/// Every leaf as (dotted path, value text), in a stable order: for config diffs. The other
/// model family's sections, which configs stored by older versions carry, are left out, so an
/// old and a new stored config of one setting flatten alike.
std::vector<std::pair<std::string, std::string>> flattenConfigJson(const std::string& jsonText);

} // namespace mor
