#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// tst_routing: the test class and its helpers, shared by tst_routing.cpp (routing strategies,
// router probabilities and losses, the model's routing) and tst_routing_objectives.cpp (the
// competitive router objectives: mixture likelihood, Gaussian gate, their validation).
#include "model/mor_model.h"
#include "model/router.h"
#include "model/router_losses.h"
#include "model/routing_strategy.h"

#include "mor/config.h"

#include <QtTest>

#include <cmath>

namespace routing_test {

/// One row [1, n] of the given values.
inline torch::Tensor row(const QList<double>& values)
{
    std::vector<float> v(values.begin(), values.end());
    return torch::tensor(v).unsqueeze(0);
}

/// The indices set in a bool mask row.
inline QList<int> selected(const torch::Tensor& maskRow)
{
    QList<int> out;
    for (int64_t i = 0; i < maskRow.numel(); ++i) {
        if (maskRow[i].item<bool>()) {
            out << int(i);
        }
    }
    return out;
}

} // namespace routing_test

class TstRouting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void routerProbabilitiesSumToOne();
    void topKSelectsLargest_data();
    void topKSelectsLargest();
    void topKScanEqualsStableSort();
    void thresholdKeepsArgmaxAlways_data();
    void thresholdKeepsArgmaxAlways();
    void topPSelectsSmallestSufficientSet_data();
    void topPSelectsSmallestSufficientSet();
    void expertChoiceRespectsCapacityAndDropsNothing_data();
    void expertChoiceRespectsCapacityAndDropsNothing();
    void sharedRoutedKeepsSharedExpertsOn_data();
    void sharedRoutedKeepsSharedExpertsOn();
    void randomPicksKExpertsReproducibly();
    void gatesRenormaliseOverSelected();
    void routeDispatchesOnConfigStrategy();
    void loadBalanceIsOneWhenEvenAndEWhenCollapsed();
    void zLossIsSquaredLogSumExp();
    void selectorTargetsDomainModuloExperts();
    void switchGatingPassesTaskGradientAtTop1();
    void modelRouterLearnsFromTaskOnlyWithSwitchGating();
    void gumbelTopKSamplesFromRouterDistribution();
    void sharedExpertsHaveGateOneAndNoBalanceLoad();
    void jitterScalesTheRouterInput();
    void answerDoesNotDependOnBatch_data();
    void answerDoesNotDependOnBatch();
    void mixtureLikelihoodMatchesTorchReference();
    void competitiveObjectivesRunEveryExpertInTrainingOnly_data();
    void competitiveObjectivesRunEveryExpertInTrainingOnly();
    void gaussianGateIsTheJointLogDensity();
    void objectiveValidationNamesFieldAndValues_data();
    void objectiveValidationNamesFieldAndValues();
};
