#pragma once
// A reflection expert: a weight-tied recursion that drafts an answer, critiques it and refines it.
#include "model/cells.h"
#include "model/halting_policy.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

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
};

/// One iteration on n rows.
struct ExpertStep {
    torch::Tensor state;    ///< s_t [n, W]
    torch::Tensor logits;   ///< y_t [n, C]
    torch::Tensor probs;    ///< softmax(y_t)
    torch::Tensor critique; ///< c_t [n]
    torch::Tensor lambda;   ///< halting probability [n]
};

/// The whole recursion on n rows. Per-step tensors have all maxDepth steps; a row that halted
/// (eval mode) keeps the values of its halting step in later steps.
struct ExpertRun {
    torch::Tensor logits;     ///< [T, n, C]
    torch::Tensor probs;      ///< [T, n, C] at step min(t, halt)
    torch::Tensor critique;   ///< [T, n] as computed (training: every step)
    torch::Tensor heldCritique; ///< [T, n] at step min(t, halt)
    torch::Tensor lambda;     ///< [T, n]
    torch::Tensor computed;   ///< bool [T, n]: the step really ran for the row
    torch::Tensor haltStep;   ///< int64 [n], 1-based: the step whose draft is the answer
    torch::Tensor state;      ///< [n, W] state at the halting step
    torch::Tensor answer;     ///< [n, C] draft probabilities at the halting step
    torch::Tensor confidence; ///< [n] critique at the halting step
    torch::Tensor iterations; ///< int64 [n]: steps computed
};

/// Extra iterations (re-reflection) from a given state with a hint as the previous draft.
struct ExtraRun {
    torch::Tensor probs;      ///< [X, n, C]
    torch::Tensor critique;   ///< [X, n]
    torch::Tensor lambda;     ///< [X, n]
    torch::Tensor answer;     ///< [n, C] last draft
    torch::Tensor confidence; ///< [n] last critique
};

class ReflectionExpertImpl : public torch::nn::Module {
public:
    explicit ReflectionExpertImpl(const ReflectionExpertOptions& options);
    void reset();

    /// s_0 from the encoding.
    torch::Tensor initialState(const torch::Tensor& e);
    /// One iteration: input [e, previous draft, previous critique].
    ExpertStep step(const torch::Tensor& state, const torch::Tensor& e, const torch::Tensor& draft,
                    const torch::Tensor& critique);
    /// Runs up to maxDepth steps. With shrink (eval), rows that halted are no longer computed;
    /// without (training), every step runs for every row and the halting step only selects the
    /// answer.
    ExpertRun reflect(const torch::Tensor& e, const HaltingPolicy& policy, bool shrink);
    /// Re-reflection: `iterations` more steps from `state`, the first seeing hint/hintCritique.
    ExtraRun extend(const torch::Tensor& state, const torch::Tensor& e, const torch::Tensor& hint,
                    const torch::Tensor& hintCritique, int64_t iterations);

    /// Rows pushed through the cell since construction (sum over calls and iterations).
    int64_t rowsProcessed() const { return m_rowsProcessed; }
    /// FLOPs of one row and one iteration (cell, head, critic, halting head).
    double stepFlops() const;
    /// FLOPs of building s_0 for one row.
    double initFlops() const;

    ReflectionExpertOptions options;

private:
    std::shared_ptr<ReflectionCellImpl> m_cell;
    torch::nn::Linear m_init{nullptr};
    torch::nn::Linear m_head{nullptr};
    torch::nn::Linear m_critic1{nullptr};
    torch::nn::Linear m_critic2{nullptr};
    torch::nn::Linear m_halt{nullptr};
    int64_t m_rowsProcessed = 0;
};
TORCH_MODULE(ReflectionExpert);

} // namespace mor::model
