// TstRouting, part 2: the competitive router objectives (mixture likelihood against a torch
// reference, the Gaussian gate's joint log density, every expert run in training only, their
// config validation).
#include "tst_routing.h"

using namespace mor::model;
using namespace routing_test;

void TstRouting::mixtureLikelihoodMatchesTorchReference()
{
    // Reference: /usr/bin/python3, torch 1.13, float64: z = gate logits, l = expert losses,
    // nll = -logsumexp(log_softmax(z) - l), mean over rows, backward.
    const auto z = torch::tensor({0.2, -0.5, 1.0, 0.0, 0.3, -0.1}, torch::kDouble)
                       .view({2, 3})
                       .requires_grad_(true);
    const auto l = torch::tensor({0.7, 2.0, 1.5, 1.2, 0.4, 0.9}, torch::kDouble)
                       .view({2, 3})
                       .requires_grad_(true);
    const auto logGates = torch::log_softmax(z, 1);
    const auto nll = mixtureNegLogLikelihood(logGates, l);
    QVERIFY(torch::allclose(nll, torch::tensor({1.2556714, 0.7265353}, torch::kDouble), 0, 1e-7));
    nll.mean().backward();
    const auto dz = torch::tensor({-0.0998234, 0.0350177, 0.0648057, 0.0579408, -0.0800778,
                                   0.0221370}, torch::kDouble).view({2, 3});
    const auto dl = torch::tensor({0.2341553, 0.0316895, 0.2341553, 0.0956834, 0.2874487,
                                   0.1168679}, torch::kDouble).view({2, 3});
    QVERIFY(torch::allclose(z.grad(), dz, 0, 1e-7));
    QVERIFY(torch::allclose(l.grad(), dl, 0, 1e-7));
    // Closed form: d/dl = h / B, d/dz = (g - h) / B with h the posterior responsibility.
    const auto h = mixtureResponsibilities(logGates, l);
    QVERIFY(torch::allclose(l.grad(), h / 2.0, 0, 1e-12));
    QVERIFY(torch::allclose(z.grad(), (logGates.exp() - h).detach() / 2.0, 0, 1e-12));
    QVERIFY(torch::allclose(h.select(0, 1),
                            torch::tensor({0.1913667, 0.5748974, 0.2337358}, torch::kDouble),
                            0, 1e-7));
    // Hard EM assigns each row to its lowest-loss expert.
    QCOMPARE(hardEmAssignment(l)[0].item<int64_t>(), int64_t(0));
    QCOMPARE(hardEmAssignment(l)[1].item<int64_t>(), int64_t(1));
}

void TstRouting::competitiveObjectivesRunEveryExpertInTrainingOnly_data()
{
    QTest::addColumn<QString>("objective");
    QTest::newRow("mixture") << "mixture_likelihood";
    QTest::newRow("hard em") << "hard_em";
    QTest::newRow("gaussian gate") << "gaussian";
}

void TstRouting::competitiveObjectivesRunEveryExpertInTrainingOnly()
{
    QFETCH(QString, objective);
    mor::ModelConfig config;
    config.router.topK = 1;
    const bool gaussian = objective == "gaussian";
    QVERIFY(mor::parseChoice(gaussian ? "mixture_likelihood" : objective.toStdString(),
                             mor::routerObjectiveNames(), &config.router.objective));
    config.router.gate = gaussian ? mor::RouterGate::Gaussian : mor::RouterGate::Softmax;
    config.router.input = gaussian ? mor::RouterInput::Features : mor::RouterInput::Encoding;
    config.router.balanceWeight = 0.0;
    config.router.zLossWeight = gaussian ? 1.0 : 0.0; // the Gaussian gate has no z-loss
    config.critiqueWeight = 0.0;
    config.encoder.hidden = 8;
    config.router.hidden = 8;
    config.experts.resize(3);
    for (auto& e : config.experts) {
        e.haltWeight = 0.0;
        e.maxDepth = 2;
        e.width = 8;
    }
    torch::manual_seed(11);
    MoRModel model(config, ModelShape{6, 3, 1});
    model->train();
    const auto x = torch::randn({16, 6});
    const auto y = torch::randint(0, 3, {16}, torch::kLong);
    const auto out = model->forward(x, y, {});
    QVERIFY(out.mask.all().item<bool>()); // every expert answered every training input
    // The total is the objective alone (every other term has weight 0).
    const auto expected = objective == "hard_em"
                              ? config.expertWeight * out.losses.at("expert")
                                    + out.losses.at("assignment")
                              : out.losses.at("mixture");
    QVERIFY(torch::allclose(out.totalLoss, expected, 1e-6, 1e-6));
    out.totalLoss.backward();
    double routerGrad = 0.0;
    for (const auto& item : model->named_parameters()) {
        if (item.key().rfind("router.", 0) == 0 && item.value().grad().defined()) {
            routerGrad += item.value().grad().abs().sum().item<double>();
        }
    }
    QVERIFY2(routerGrad > 1e-5, qPrintable(QString::number(routerGrad)));
    // Inference routes top-1.
    model->eval();
    torch::NoGradGuard noGrad;
    const auto served = model->forward(x, {}, {});
    QVERIFY(served.mask.sum(1).eq(1).all().item<bool>());
}

void TstRouting::gaussianGateIsTheJointLogDensity()
{
    // Reference: /usr/bin/python3 torch float64, var = exp(log_var) + 0.01,
    // logits = log_softmax(prior) + sum_d -0.5 ((x - m)^2 / var + log(2 pi var)).
    Router router(RouterOptions(2, 2).gaussian(true));
    {
        torch::NoGradGuard noGrad;
        auto params = router->named_parameters();
        params["gate_mean"].copy_(torch::tensor({0.f, 1.f, 1.f, -1.f}).view({2, 2}));
        params["gate_log_var"].copy_(torch::tensor({0.f, -1.f, 0.5f, 0.f}).view({2, 2}));
        params["gate_prior"].copy_(torch::tensor({0.2f, -0.2f}));
    }
    router->eval(); // eval: the means are not re-initialised from the batch
    const auto out = router->forward(torch::tensor({0.5f, 0.5f, 1.f, -1.f}).view({2, 2}));
    QVERIFY(torch::allclose(out.logits,
                            torch::tensor({-2.3238332f, -4.1981116f, -7.6570203f, -3.0088910f})
                                .view({2, 2}),
                            0, 1e-5));
    QVERIFY(torch::allclose(out.probs.select(1, 0), torch::tensor({0.8669526f, 0.0094886f}), 0,
                            1e-6));
    // Training starts each component's mean at an input of the first batch.
    Router fresh(RouterOptions(3, 2).gaussian(true));
    fresh->train();
    const auto x = torch::tensor({5.f, 5.f, 5.f, -7.f, -7.f, -7.f}).view({2, 3});
    fresh->forward(x);
    const auto means = fresh->named_parameters()["gate_mean"];
    for (int64_t j = 0; j < 2; ++j) {
        QVERIFY(torch::equal(means[j], x[0]) || torch::equal(means[j], x[1]));
    }
}

void TstRouting::objectiveValidationNamesFieldAndValues_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown")
        << R"({"model":{"router":{"objective":"votes"}}})"
        << R"(model.router.objective = "votes" must be one of routed, mixture_likelihood, hard_em)";
    QTest::newRow("not top_k")
        << R"({"model":{"router":{"objective":"hard_em","strategy":"expert_choice"}}})"
        << R"(model.router.objective = "hard_em" needs model.router.strategy "top_k")";
    QTest::newRow("with probes")
        << R"({"model":{"router":{"objective":"mixture_likelihood","probe_fraction":0.2}}})"
        << "probe_fraction 0";
    QTest::newRow("gaussian gate on the encoding")
        << R"({"model":{"router":{"objective":"mixture_likelihood","gate":"gaussian"}}})"
        << R"(model.router.gate = "gaussian" models the raw input's density: it needs model.router.input "features" (it is "encoding"))";
}

void TstRouting::objectiveValidationNamesFieldAndValues()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const auto result = mor::parseConfig(json.toStdString());
    QCOMPARE(result.errors.size(), size_t(1));
    QCOMPARE(QString::fromStdString(result.errors[0].field),
             QString(json.contains("gaussian") ? "model.router.gate" : "model.router.objective"));
    QVERIFY2(QString::fromStdString(result.message()).contains(expected),
             result.message().c_str());
    const auto ok = mor::parseConfig(R"({"model":{"router":{"objective":"mixture_likelihood"}}})");
    QVERIFY(ok.ok());
    QCOMPARE(mor::parseConfig(mor::toJson(ok.config)).config.model.router.objective,
             mor::RouterObjective::MixtureLikelihood);
}
