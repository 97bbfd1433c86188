#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// tst_integration_model: the test class and its fixtures, shared by
// tst_integration_model.cpp (fusion, conflicts, losses, the model end to end) and
// tst_integration_evidence.cpp (evidential fusion, the conflict score, counterfactuals).
#include "model/counterfactual.h"
#include "model/integration.h"
#include "model/mor_model.h"
#include "mor/log_reader.h"
#include "mor/run.h"
#include "mor/trainer.h"
#include "train/checkpoint.h"
#include "train/tensors.h"
#include "train/training_session.h"

#include "model_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace integration_fixture {

/// A model config of `experts` experts (width 16, the given cell and depth).
mor::ModelConfig smallConfig(int experts, const std::string& cell = "gru", int64_t depth = 3);
/// Overwrites the named parameter of `module` with `value` (broadcast).
void setParameter(torch::nn::Module& module, const std::string& name, const torch::Tensor& value);
/// Two experts that always answer opposite classes with fixed confidences (critic bias).
mor::model::MoRModel disagreeingModel(const std::string& resolution, double c0Bias, double c1Bias);

/// A tiny trained run (parity, 3 experts, top-2, depth 3) in a temporary log: the
/// counterfactual tests' fixture. Built once per halting policy (seconds).
struct TrainedRun {
    std::string log;
    int64_t runId = 0;
    mor::ExperimentConfig config;
};

const TrainedRun& trainedRun(const std::string& halting);
/// The trained run opened as a mor::Run (fails the test program when it cannot be).
mor::Run openRun(const TrainedRun& run);
std::vector<mor::SampleTrace> traceUnder(const TrainedRun& run, const std::vector<int64_t>& ids,
                                         const mor::Intervention& iv = {});
/// The fused answer and every expert's drafts agree to float rounding.
bool sameTrace(const mor::SampleTrace& a, const mor::SampleTrace& b, std::string* why);

inline const std::vector<int64_t> kSamples{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

} // namespace integration_fixture

class TstIntegrationModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void confidenceFusionMatchesHandComputation();
    void learnedFusionWeightsAreDistributionsOverSelected_data();
    void learnedFusionWeightsAreDistributionsOverSelected();
    void jensenShannonIsInBits();
    void conflictFiresOnlyWhenConfidentExpertsDisagree_data();
    void conflictFiresOnlyWhenConfidentExpertsDisagree();
    void resolutionPolicyPicksWhatItSays_data();
    void resolutionPolicyPicksWhatItSays();
    void agreeingExpertsRaiseNoConflict();
    void backwardReachesEveryPart_data();
    void backwardReachesEveryPart();
    void unroutedExpertIsNeverCalled();
    void lossTermsAndWeightedTotal();
    void traceMatchesForward();
    void topOneRouterLearnsFromTheTaskUnlessRenormalised_data();
    void topOneRouterLearnsFromTheTaskUnlessRenormalised();
    void stepPredsCoverDeepestExpertAndFlopsGrowWithDepth();
    void baselineConfigsTrainAndTrace_data();
    void baselineConfigsTrainAndTrace();
    void smallModelOverfitsTinyBatch_data();
    void smallModelOverfitsTinyBatch();
    void dirichletUncertaintyAndLossMatchClosedForms_data();
    void dirichletUncertaintyAndLossMatchClosedForms();
    void evidentialLossGradientMatchesReference();
    void evidentialLossAveragesSelectedPairsAndAnneals();
    void evidenceHeadsGiveUncertaintyAndLearnFromTheLoss();
    void subjectiveLogicCombinationMatchesHandComputation();
    void subjectiveLogicFusionCombinesSelectedExperts();
    void unweightedConflictScoreShowsDominatedDisagreement_data();
    void unweightedConflictScoreShowsDominatedDisagreement();
    void conflictNeedsTwoSelectedExperts_data();
    void conflictNeedsTwoSelectedExperts();
    void flopsCountTheEvidenceHeadsAndCombination();
    // counterfactuals (#19), on a trained fixture
    void plainCounterfactualTraceEqualsLoggedTrace();
    void forceHaltAtMaxDepthEqualsPlainForFixedHalting();
    void forceHaltAndExtraStepsSetTheAnsweringStep();
    void vetoOfUnselectedExpertChangesNothing();
    void vetoOfEverySelectedExpertFallsBackToBestRemaining();
    void forcedRoutingToTheSelectedSetReproducesTheAnswer();
    void noCritiqueFeedbackChangesOnlyLaterSteps();
    void haltAtMaxDepthRowEqualsFixedDepthAccuracy_data();
    void haltAtMaxDepthRowEqualsFixedDepthAccuracy();
    void badInterventionIsRefusedWithAMessage();
};
