#pragma once
// Internal (torch) interface of the whole Mixture-of-Reflection model. Only core/src sees it.
#include "mor/config.h"
#include "mor/trace.h"
#include "mor/trainer.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace mor::model {

class ReflectionExpertImpl;
struct TokenMemory;

/// Everything one forward pass returns. Tensors are on the model's device.
struct ForwardOutput {
    torch::Tensor logits;      ///< fused answer as log-probabilities [B, C]
    torch::Tensor routerProbs; ///< p [B, E]
    torch::Tensor mask;        ///< bool [B, E]: expert ran on input
    torch::Tensor gates;       ///< g [B, E] (0 where not selected)
    torch::Tensor steps;       ///< int64 [B, E]: iterations computed (0 where not selected)
    torch::Tensor conflict;    ///< bool [B]
    torch::Tensor conflictScore; ///< D [B]
    /// re_reflect: D measured again after the re-reflection (-1 where no row re-reflected;
    /// undefined when the policy is not re_reflect or no conflict arose).
    torch::Tensor conflictScoreAfter;
    /// int64 [Tmax, B]: fused prediction if every expert stopped at t (eval passes only: a
    /// diagnostic, not part of the model's compute)
    torch::Tensor stepPreds;
    torch::Tensor flops;       ///< double/float [B]: estimated forward FLOPs per input
    /// Eval passes only (undefined in training): the critic's logit of every (step, input,
    /// expert) [Tmax, B, E] and whether that step's draft was right [Tmax, B, E] (float 0/1);
    /// NaN where the step did not run or the expert was not selected. For calibration and ECE.
    torch::Tensor criticLogits;
    torch::Tensor stepCorrect;
    /// expert_choice in eval mode: the capacity-limited selection this batch would get in
    /// training (bool [B, E]); the answer itself uses the per-input rule. Undefined otherwise.
    torch::Tensor batchMask;
    /// Every loss term, unweighted scalars ("task", "expert", "critique", "halting", "balance",
    /// "z", "selector", "feedback", "entropy", "probe", "probe_expert", "conflict",
    /// "improvement"); only present when labels were given.
    std::map<std::string, torch::Tensor> losses;
    torch::Tensor totalLoss;   ///< weighted sum (undefined without labels)
};

struct ModelShape {
    int64_t inputs = 0;   ///< features per input
    int64_t classes = 2;
    int64_t domains = 1;
};

class MoRModelImpl : public torch::nn::Module {
public:
    MoRModelImpl(const ModelConfig& config, const ModelShape& shape);

    /// x [B, F] float; y [B] int64 or undefined; domain [B] int64 or undefined.
    /// In training mode all selected inputs run every iteration that the halting policy's
    /// loss needs; in eval mode halted inputs are no longer computed.
    ForwardOutput forward(const torch::Tensor& x, const torch::Tensor& y,
                          const torch::Tensor& domain);

    /// Full traces (eval mode, no grad) for a batch; sampleIds name the rows. With an
    /// intervention: what the model would have done (counterfactual.h); none = the plain trace.
    std::vector<SampleTrace> trace(const torch::Tensor& x, const torch::Tensor& y,
                                   const torch::Tensor& domain,
                                   const std::vector<int64_t>& sampleIds,
                                   const Intervention& intervention = {});
    /// An eval-mode pass (no grad, no losses) under an intervention: counterfactual accuracy.
    ForwardOutput forwardUnder(const torch::Tensor& x, const torch::Tensor& y,
                               const torch::Tensor& domain, const Intervention& intervention);

    const ModelConfig& config() const { return m_config; }
    const ModelShape& shape() const { return m_shape; }
    /// How many times each expert has run its cell since construction (rows processed):
    /// for tests of sparse dispatch and halting.
    std::vector<int64_t> expertRowsProcessed() const;
    /// Held-out calibration of the critique, one temperature per expert (1 = raw critic).
    std::vector<double> criticTemperatures() const;
    void setCriticTemperatures(const std::vector<double>& temperatures);
    /// Per expert: its held-out tuned halting threshold, -1 where not tuned (or nested).
    std::vector<double> haltThresholds() const;
    void setHaltThresholds(const std::vector<double>& thresholds);

private:
    ModelConfig m_config;
    ModelShape m_shape;
    // the parts are registered submodules (encoder, router, experts, integration)
    struct Parts;
    struct Pass; // everything one pass computed: forward() and trace() read it (model_pass.h)
    std::shared_ptr<Parts> m_parts;
    /// expert_choice: per expert, the running capacity cut-off of p seen in training (the
    /// per-input inference threshold); buffer "expert_choice_threshold", -1 until trained.
    torch::Tensor m_expertThreshold;
    /// The one pass behind forward(), trace() and forwardUnder(); `intervention` (eval only)
    /// changes routing, reflection or fusion as counterfactual.h describes.
    void run(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& domain,
             Pass& pass, const Intervention& intervention = {});
    /// run() as an eval pass without gradients, restoring the training mode afterwards.
    void runEval(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& domain,
                 Pass& pass, const Intervention& intervention);
    /// The rest of an answer-only eval pass after routing (answer_only_pass.cpp): the experts on
    /// their rows, then the fusion, steps and FLOPs as loops over the batch.
    void runAnswerOnly(const torch::Tensor& e, const torch::Tensor& mask,
                       const torch::Tensor& gates, double baseFlops, Pass& pass);
    /// What `expert` reads besides e for the batch rows `rows` (token states, input features).
    static TokenMemory expertMemory(ReflectionExpertImpl& expert, const Pass& pass,
                                    const torch::Tensor& rows);
    /// Training probes (router.probe_fraction): runs one unselected expert on a sample of rows.
    void runProbes(const torch::Tensor& e, const torch::Tensor& mask, Pass& pass);
    /// Eval passes: ForwardOutput::criticLogits / stepCorrect from the experts' runs.
    void fillCalibrationInputs(const torch::Tensor& y, Pass& pass);
    void computeLosses(const torch::Tensor& y, const torch::Tensor& domain, Pass& pass);
    /// "probe" (router contrast) and "probe_expert" (the probe experts' task loss).
    void addProbeLosses(const torch::Tensor& y, Pass& pass, torch::Tensor& total);
    /// router.objective "mixture_likelihood" / "hard_em": the task term of the total loss from
    /// every expert's own loss on every input [B, E]; records its parts in `losses`.
    torch::Tensor competitiveTaskLoss(const torch::Tensor& expertLosses,
                                      const torch::Tensor& logGates,
                                      std::map<std::string, torch::Tensor>& losses) const;
};
TORCH_MODULE(MoRModel);

} // namespace mor::model
