#pragma once
// A reflection expert: a weight-tied recursion that drafts an answer, critiques it and refines it.
#include "model/cells.h"
#include "model/halting_policy.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mor::model {

struct ReflectionExpertOptions {
    ReflectionExpertOptions(int64_t inputs, int64_t classes) : inputs_(inputs), classes_(classes)
    {
    }
    TORCH_ARG(int64_t, inputs);  ///< width H of the encoding e
    TORCH_ARG(int64_t, classes);
    TORCH_ARG(int64_t, width) = 64;
    TORCH_ARG(int64_t, maxDepth) = 4;
    TORCH_ARG(std::string, cell) = "gru";
    /// A learned embedding of the iteration is added to e before the cell reads it.
    TORCH_ARG(bool, stepEmbedding) = false;
    /// Each iteration attends over token states (query from the state and the iteration) and
    /// the cell also reads the attended value.
    TORCH_ARG(bool, readTokens) = false;
    /// Each iteration also reads this many raw input features, the next ones every iteration
    /// (iteration t reads features (t-1)*N ... t*N-1, wrapping around); 0 = off.
    TORCH_ARG(int64_t, readFeatures) = 0;
    /// s_0 = 0 (PonderNet / ACT) instead of tanh(W e).
    TORCH_ARG(bool, zeroInitialState) = false;
    /// The cell reads its own last draft and critique (false: only its input, as PonderNet).
    TORCH_ARG(bool, feedback) = true;
    /// The critic reads the state and draft through a stop-gradient, and the critique fed back
    /// to the cell is detached: the critique loss trains only the critic, and the task loss
    /// does not reach the critic through the feedback.
    TORCH_ARG(bool, criticStopGradient) = false;
    /// Build the re-reflection hint projection (extend()); false saves its C x cell-input
    /// parameters in models that never re-reflect. It starts at zero and draws no random
    /// numbers, so it changes no other parameter's initialisation.
    TORCH_ARG(bool, hintInput) = true;
};

/// Token states an expert attends over (readTokens). keys / values are the expert's own
/// projections, made once per reflection by ReflectionExpertImpl::memory().
struct TokenMemory {
    torch::Tensor keys;   ///< [n, L, H]
    torch::Tensor values; ///< [n, L, H]
    torch::Tensor mask;   ///< bool [n, L]
    torch::Tensor input;  ///< readFeatures: the raw input rows [n, F] (undefined otherwise)
    bool defined() const { return keys.defined(); }
    TokenMemory rows(const torch::Tensor& index) const;
};

/// One iteration on n rows.
struct ExpertStep {
    torch::Tensor state;    ///< s_t [n, W]
    torch::Tensor logits;   ///< y_t [n, C]
    torch::Tensor probs;    ///< softmax(y_t)
    torch::Tensor critique; ///< c_t = sigmoid(z_t / T_critic) [n]
    torch::Tensor criticLogit; ///< z_t [n]
    /// sigmoid(z_t): the critique the next iteration reads. Uncalibrated, so that fitting the
    /// critic's temperature changes how the critique is read, never what the expert computes.
    torch::Tensor fedCritique;
    torch::Tensor lambda;   ///< halting probability [n]
    torch::Tensor attention; ///< readTokens: attention over the tokens [n, L]
};

/// The whole recursion on n rows. Per-step tensors have all maxDepth steps; a row that halted
/// (eval mode) keeps the values of its halting step in later steps (`computed` says which steps
/// really ran; pass it as `used` to HaltingPolicy::stepWeights / regulariser).
/// ACT experts answer with the mean-field sum_t w_t y_t (Graves 2016): `answer`, `state` and
/// `confidence` are the w-weighted sums over the steps taken, and `probs` / `heldCritique` at
/// step t are what ACT would answer had it been forced to halt at min(t, N).
struct ExpertRun {
    torch::Tensor logits;     ///< [T, n, C]
    torch::Tensor probs;      ///< [T, n, C] at step min(t, halt) (ACT: mean-field up to it)
    torch::Tensor critique;   ///< [T, n] as computed (training: every step)
    /// [T, n] the critic's raw logit z_t (critique = sigmoid(z_t / T_critic)); for calibration.
    torch::Tensor criticLogit;
    torch::Tensor heldCritique; ///< [T, n] at step min(t, halt)
    torch::Tensor lambda;     ///< [T, n]
    torch::Tensor computed;   ///< bool [T, n]: the step really ran for the row
    torch::Tensor haltStep;   ///< int64 [n], 1-based: the step whose draft is the answer
    torch::Tensor state;      ///< [n, W] state at the halting step
    torch::Tensor answer;     ///< [n, C] draft probabilities at the halting step (ACT: sum w_t y_t)
    torch::Tensor confidence; ///< [n] critique at the halting step (ACT: sum w_t c_t)
    torch::Tensor iterations; ///< int64 [n]: steps computed
    torch::Tensor attention;  ///< readTokens: [T, n, L] attention of each step (undefined otherwise)
};

/// Fills run.probs / heldCritique / answer / confidence / state from the per-step drafts
/// rawProbs [T, n, C], states [T, n, W] and the 1-based halting step per row: the values at step
/// min(t, halt), or for ACT the mean-field sum of the drafts up to that step. run.lambda and
/// run.critique must be set. One place for reflect() and the counterfactual runs.
void finishExpertRun(ExpertRun& run, const torch::Tensor& rawProbs, const torch::Tensor& states,
                     const torch::Tensor& halt, bool act);

/// An answer-only reflection (eval_detail.h: detail off, no autograd, halted rows dropped; not
/// ACT): each row's draft, critique and state at its halting step `halt` (1-based, [n]). `where`
/// [n]: the position of each row's last computed values in the concatenation of the steps'
/// outputs; undefined when no row halted early (the last step then holds every row in order).
/// Sets answer, confidence, state, haltStep and iterations. For reflect() and reflectGroup().
ExpertRun answerAtHalt(const std::vector<torch::Tensor>& probs,
                       const std::vector<torch::Tensor>& critiques,
                       const std::vector<torch::Tensor>& states, const torch::Tensor& where,
                       const torch::Tensor& halt);

/// A detailed reflection's per-step outputs as [T, n, ...] tensors. Each step's outputs hold the
/// rows still active at that step; `where` [T] x [n]: the position of each row's value of step t
/// in the concatenation of the steps' outputs (a halted row points at its halting step's). Not
/// `compacted` (no row halted before the last step): the steps are stacked. For reflect() and
/// reflectGroup().
class StepRows {
public:
    StepRows(const std::vector<torch::Tensor>& where, bool compacted, int64_t n);
    /// [T, n, ...] from the steps' outputs (each [m_t, ...]).
    torch::Tensor operator()(const std::vector<torch::Tensor>& parts) const;
    /// [T, n, W]: each row's state at its halting step, repeated over the steps (only that one
    /// is read when not ACT); the stacked states when not compacted.
    torch::Tensor stateAtHalt(const std::vector<torch::Tensor>& states) const;

private:
    const std::vector<torch::Tensor>& m_where;
    torch::Tensor m_index; ///< [T * n], when compacted
    int64_t m_n;
};

/// Extra iterations (re-reflection) from a given state, with a hint (the fused answer) as an
/// input of its own.
struct ExtraRun {
    torch::Tensor probs;      ///< [X, n, C]
    torch::Tensor critique;   ///< [X, n]
    torch::Tensor criticLogit; ///< [X, n]
    torch::Tensor lambda;     ///< [X, n]
    torch::Tensor answer;     ///< [n, C] last draft
    torch::Tensor confidence; ///< [n] last critique
};

class ReflectionExpertImpl : public torch::nn::Module {
public:
    explicit ReflectionExpertImpl(const ReflectionExpertOptions& options);
    void reset();

    /// s_0: tanh(W e), or 0 with zeroInitialState.
    torch::Tensor initialState(const torch::Tensor& e);
    /// What the expert reads besides e: its keys and values of token states [n, L, H] (mask
    /// bool [n, L]) when it reads tokens, the raw input rows [n, F] when it reads features.
    /// Parts the expert does not read stay undefined.
    TokenMemory memory(const torch::Tensor& tokens, const torch::Tensor& mask,
                       const torch::Tensor& input = {});
    /// readFeatures: the indices of the input features iteration `iteration` reads.
    std::vector<int64_t> featuresRead(int64_t iteration, int64_t features) const;
    /// One iteration (1-based `iteration`): input [e (+ step embedding), read (readTokens),
    /// features read (readFeatures), previous draft, previous critique (feedback)], plus the
    /// learned projection of `hint` [n, C] when given (re-reflection).
    ExpertStep step(const torch::Tensor& state, const torch::Tensor& e, const torch::Tensor& draft,
                    const torch::Tensor& critique, int64_t iteration = 1,
                    const TokenMemory& memory = {}, const torch::Tensor& hint = {});
    /// Runs up to maxDepth steps. With shrink (eval), rows that halted are no longer computed;
    /// without (training), every step runs for every row and the halting step only selects the
    /// answer. A readTokens expert needs `memory` (from memory()).
    ExpertRun reflect(const torch::Tensor& e, const HaltingPolicy& policy, bool shrink,
                      const TokenMemory& memory = {});
    /// Re-reflection: `iterations` more steps from `state` (the state at the halting step).
    /// Every extra step reads `hint` (the fused answer [n, C]) through its own learned input;
    /// the draft and critique slots keep the expert's own: its last draft softmax(Head(state))
    /// and its uncalibrated critique of it, both recomputed from `state` exactly as reflect()
    /// fed them. `lastCritique` (run.confidence) is the confidence returned when iterations
    /// is 0.
    ExtraRun extend(const torch::Tensor& state, const torch::Tensor& e, const torch::Tensor& hint,
                    const torch::Tensor& lastCritique, int64_t iterations,
                    const TokenMemory& memory = {});

    /// Held-out calibration (model.calibration "temperature"): the critique is
    /// sigmoid(z / T) with the critic's logit z; T = 1 until fitted. Stored as the buffer
    /// "critic_temperature", so it travels with the checkpoint.
    void setCriticTemperature(double temperature);
    double criticTemperature() const;
    /// Held-out halting threshold (model.calibration "temperature+threshold"): the buffer
    /// "halt_threshold", -1 until tuned (then the configured halt_threshold applies). Used by
    /// critique-gated halting in evaluation only; training halts at the configured threshold.
    void setHaltThreshold(double threshold);
    double haltThreshold() const;
    /// The critique threshold reflect() and counterfactual passes give HaltingPolicy::haltsNow:
    /// the tuned one in evaluation, -1 (the configured one) in training or when not tuned.
    double activeHaltThreshold() const;

    /// Rows pushed through the cell since construction (sum over calls and iterations).
    int64_t rowsProcessed() const { return m_rowsProcessed; }
    /// FLOPs of one row and one iteration (cell, head, critic, halting head).
    double stepFlops() const;
    /// FLOPs of building s_0 for one row (0 with zeroInitialState, besides token memory).
    double initFlops() const;

    /// The parameters a step reads (the module's own tensors, no copies), for the grouped
    /// dispatch in grouped_experts.cpp. Undefined where the expert has no such part.
    struct StepParameters {
        torch::Tensor initWeight, initBias, headWeight, headBias;
        torch::Tensor critic1Weight, critic1Bias, critic2Weight, critic2Bias;
        torch::Tensor haltWeight, haltBias, steps, criticTemperature;
        const ReflectionCellImpl* cell = nullptr;
    };
    StepParameters stepParameters() const;
    /// Grouped dispatch computed `rows` rows of this expert for `iterations` iterations.
    void countRows(int64_t rows) { m_rowsProcessed += rows; }

    ReflectionExpertOptions options;

private:
    /// z = Critic(state, probs), through a stop-gradient with criticStopGradient: [n].
    torch::Tensor criticLogitOf(const torch::Tensor& state, const torch::Tensor& probs);

    std::shared_ptr<ReflectionCellImpl> m_cell;
    torch::nn::Linear m_init{nullptr};
    torch::nn::Linear m_head{nullptr};
    torch::nn::Linear m_critic1{nullptr};
    torch::nn::Linear m_critic2{nullptr};
    torch::nn::Linear m_halt{nullptr};
    torch::Tensor m_steps;             ///< stepEmbedding: [maxDepth, H]
    torch::nn::Linear m_query{nullptr}; ///< readTokens: state -> query
    torch::Tensor m_stepQuery;         ///< readTokens: [maxDepth, H] per-iteration query offset
    torch::nn::Linear m_read{nullptr};  ///< readFeatures: features read -> H
    torch::nn::Linear m_key{nullptr};
    torch::nn::Linear m_value{nullptr};
    torch::Tensor m_hint;               ///< hintInput: [cell inputs, C], zero-initialised
    int64_t m_tokens = 0;               ///< L seen by the last memory() (for FLOPs)
    int64_t m_rowsProcessed = 0;
    torch::Tensor m_criticTemperature;  ///< buffer [1]
    torch::Tensor m_haltThreshold;      ///< buffer [1], -1 = not tuned
};
TORCH_MODULE(ReflectionExpert);

} // namespace mor::model
