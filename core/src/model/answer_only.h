#pragma once
// The answer-only tail of an evaluation pass of MoRModel (issue 20): what an eval pass without
// evaluation detail (eval_detail.h), gradients or interventions computes after the experts ran,
// as plain loops over the batch instead of ~80 small ATen ops on [B, E, C] tensors. Used by
// MoRModelImpl::run() for confidence fusion with weighted / flag resolution only; every other
// pass takes the general path, which stays the reference (tst_answer_only: equal answers, steps,
// conflicts and FLOPs, fused probabilities and scores within 1e-6).
#include "model/integration.h"
#include "model/thread_flag.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model {

/// Whether answer-only passes on this thread take the tail below (default true); false: the
/// general path (for tests and the before/after of bench_adaptive).
bool answerOnlyTailEnabled();

bool& answerOnlyTailFlag();
using AnswerOnlyTailGuard = ScopedThreadFlag<answerOnlyTailFlag>;

/// The batch rows of each expert (mask bool [B, E] on the CPU), in ascending order, as
/// mask.select(1, j).nonzero() lists them: one pass over the mask.
std::vector<std::vector<int64_t>> expertRowLists(const torch::Tensor& mask);

/// int64 [n] tensor of `rows` (a copy).
torch::Tensor rowIndexTensor(const std::vector<int64_t>& rows);

/// Whether the answer-only tail computes what IntegrationImpl::forward would for `integration`
/// (confidence fusion) on a float CPU pass.
bool answerOnlyTailSupports(const IntegrationImpl& integration, const torch::Tensor& gates,
                            const torch::Tensor& mask);

/// One expert's part of the pass: the batch rows it ran on and its answers for them.
struct AnswerOnlyExpert {
    const std::vector<int64_t>* rows = nullptr; ///< null or empty: the expert did not run
    torch::Tensor answer;     ///< float [n, C]
    torch::Tensor confidence; ///< float [n]
    torch::Tensor iterations; ///< int64 [n]
    double stepFlops = 0.0;
    double initFlops = 0.0;
};

struct AnswerOnlyTail {
    torch::Tensor probs;    ///< float [B, C]: sum_j w_j q_j (Fusion::probs)
    /// float [B, C]: the pass's probabilities: probs, or with `switchMix` routing_strategy.h's
    /// switchMixture(probs, gates) (the gates' mass m = min(sum_j g_j, 1): m probs + (1 - m) / C)
    torch::Tensor answer;
    torch::Tensor logits;   ///< float [B, C]: log(max(answer, 1e-12)), as MoRModelImpl::run
    torch::Tensor steps;    ///< int64 [B, E]: iterations, 0 where not selected
    torch::Tensor score;    ///< float [B]: Fusion::score
    torch::Tensor conflict; ///< bool [B]: Fusion::conflict
    torch::Tensor flops;    ///< double [B]: as MoRModelImpl::run counts them (no probes)
};

/// The fusion (IntegrationImpl::forward with confidence fusion: weights, probs, conflict score,
/// conflict), the [B, E] steps and the FLOPs of a pass from the experts' answers; gates float
/// [B, E], mask bool [B, E]; baseFlops = encoder + router FLOPs per row; switchMix: the answer
/// is the Switch mixture (router.renormalize off), else the fusion's probs.
AnswerOnlyTail answerOnlyTail(const IntegrationImpl& integration,
                              const std::vector<AnswerOnlyExpert>& experts,
                              const torch::Tensor& gates, const torch::Tensor& mask,
                              int64_t classes, double baseFlops, bool switchMix);

/// IntegrationImpl::forward with confidence fusion (weights, probs, conflict score, conflict)
/// as one loop over the batch, for a pass without autograd on float CPU tensors: answers
/// [B, E, C], confidences, gates [B, E], mask bool [B, E]. Returns false (take the ATen path)
/// for anything else or when the tail is off on this thread (AnswerOnlyTailGuard(false)).
bool confidenceFusion(const IntegrationOptions& options, const torch::Tensor& answers,
                      const torch::Tensor& confidences, const torch::Tensor& gates,
                      const torch::Tensor& mask, Fusion& out);

/// torch::gelu (exact form) of x, written over x itself when x is a contiguous float CPU tensor,
/// autograd is off and the answer-only head is on for the thread (AnswerOnlyHeadGuard(false):
/// ATen's gelu, the reference); erf as ATen's own GELU kernel computes it. For the fresh output
/// of a linear layer: LibTorch's CPU gelu runs oneDNN's kernel, which opens an OpenMP region
/// (wakes the other intra-op threads) on every call, even for 64 values (issue 20).
torch::Tensor geluWithoutAutograd(const torch::Tensor& x);

class EncoderImpl;
class RouterImpl;

bool answerOnlyHeadEnabled();

/// AnswerOnlyHeadGuard(false): the encoder, router and routing of answer-only passes take the
/// ATen path (the reference) on this thread.
bool& answerOnlyHeadFlag();
using AnswerOnlyHeadGuard = ScopedThreadFlag<answerOnlyHeadFlag>;

/// What the encoder, router and top-k routing give an answer-only pass.
struct AnswerOnlyHead {
    torch::Tensor encoding, logits, logProbs, probs; ///< e [B, H]; router r, log p, p [B, E]
    torch::Tensor mask, gates;                       ///< bool / float [B, E]
};

/// The encoder MLP, the router MLP + softmax and top-k routing (RouterConfig strategy top_k, no
/// groups) of an eval pass without evaluation detail or gradients, as direct products
/// (fused_products.h) and one loop over the batch (softmax, top-k, gates): no addmm, gelu,
/// log_softmax, exp or gate ops. Returns false (take the ATen path) for any other pass or
/// configuration (token encoder, Gaussian gate, groups, other strategies, non-float input).
bool answerOnlyHead(EncoderImpl& encoder, RouterImpl& router, const RouterConfig& config,
                    const torch::Tensor& x, AnswerOnlyHead& out);

} // namespace mor::model
