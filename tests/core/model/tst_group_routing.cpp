// SPDX-License-Identifier: GPL-3.0-or-later
// MoMa modality-aware expert groups (model.router.groups): an input is routed only among the
// experts of its domain's group, for every strategy, in training and in evaluation; training a
// grouped model on the mixed-domain set works end to end.
#include "model/mor_model.h"
#include "model/routing_strategy.h"

#include "mor/trainer.h"

#include <QtTest>

using namespace mor::model;

namespace {

/// domain 0 -> experts {0, 1}; domain 1 -> {2, 3, 4}; domain 2 -> {5}.
mor::RouterConfig groupedRouter(const std::string& strategy)
{
    mor::RouterConfig config;
    config.threshold = 0.3;
    config.topP = 0.7;
    const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> layout{
        {{0}, {0, 1}}, {{1}, {2, 3, 4}}, {{2}, {5}}};
    for (const auto& [domains, experts] : layout) {
        mor::ExpertGroupConfig group;
        group.domains = domains;
        group.experts = experts;
        mor::parseChoice(strategy, mor::routingStrategyNames(), &group.strategy);
        group.topK = 1;
        group.capacityFactor = 1.0;
        config.groups.push_back(group);
    }
    return config;
}

const std::vector<std::vector<int64_t>> kGroupExperts{{0, 1}, {2, 3, 4}, {5}};

} // namespace

class TstGroupRouting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void neverRoutesOutsideTheGroup_data();
    void neverRoutesOutsideTheGroup();
    void gatesAreTheGroupDistribution();
    void unlabelledInputGoesToItsArgmaxGroup();
    void expertChoiceTakesTopCOfTheGroup();
    void modelRoutesWithinGroupsAndTraces();
    void trainingOnMixedDomainsEndToEnd();
    void validationNamesTheGroupFields_data();
    void validationNamesTheGroupFields();
};

void TstGroupRouting::neverRoutesOutsideTheGroup_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<bool>("training");
    QTest::addColumn<bool>("thresholds");
    for (const char* s : {"expert_choice", "top_k", "threshold", "top_p", "random"}) {
        QTest::newRow((std::string(s) + " train").c_str()) << QString(s) << true << false;
        QTest::newRow((std::string(s) + " eval").c_str()) << QString(s) << false << false;
    }
    QTest::newRow("expert_choice eval, learned thresholds")
        << QString("expert_choice") << false << true;
}

void TstGroupRouting::neverRoutesOutsideTheGroup()
{
    QFETCH(QString, strategy);
    QFETCH(bool, training);
    QFETCH(bool, thresholds);
    torch::manual_seed(7);
    const auto config = groupedRouter(strategy.toStdString());
    for (int trial = 0; trial < 5; ++trial) {
        const int64_t batch = 40 + 7 * trial;
        const auto probs = torch::softmax(torch::randn({batch, 6}) * 2.0, 1);
        const auto domain = torch::randint(0, 3, {batch}, torch::kLong);
        const auto routing = routeGroups(probs, domain, config, training,
                                         thresholds ? torch::rand({6}) * 0.6 : torch::Tensor());
        QCOMPARE(routing.group.sizes().vec(), std::vector<int64_t>{batch});
        QVERIFY(routing.group.eq(domain).all().item<bool>()); // group g owns domain g here
        for (int64_t b = 0; b < batch; ++b) {
            const auto& own = kGroupExperts[size_t(domain[b].item<int64_t>())];
            int inside = 0;
            for (int64_t j = 0; j < 6; ++j) {
                const bool mine = std::find(own.begin(), own.end(), j) != own.end();
                const bool on = routing.mask[b][j].item<bool>();
                if (!mine) {
                    QVERIFY2(!on, qPrintable(QString("row %1 routed to expert %2 outside its "
                                                     "group").arg(b).arg(j)));
                    QCOMPARE(routing.gates[b][j].item<double>(), 0.0);
                }
                inside += on ? 1 : 0;
            }
            QVERIFY2(inside >= 1, "every input gets at least one expert of its group");
        }
    }
}

void TstGroupRouting::gatesAreTheGroupDistribution()
{
    // Switch-style gates: p renormalised over the group, for the selected expert only.
    const auto probs = torch::tensor({{0.1f, 0.3f, 0.2f, 0.1f, 0.1f, 0.2f}});
    const auto routing = routeGroups(probs, torch::tensor({int64_t(1)}), groupedRouter("top_k"),
                                     false);
    // group 1 = experts {2, 3, 4} with p {0.2, 0.1, 0.1}: expert 2, gate 0.2 / 0.4 = 0.5
    QVERIFY(routing.mask[0][2].item<bool>());
    QCOMPARE(routing.mask.sum().item<int64_t>(), int64_t(1));
    QVERIFY(std::abs(routing.gates[0][2].item<double>() - 0.5) < 1e-6);
}

void TstGroupRouting::unlabelledInputGoesToItsArgmaxGroup()
{
    const auto probs = torch::tensor({{0.05f, 0.05f, 0.1f, 0.1f, 0.1f, 0.6f},
                                      {0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f},
                                      {0.1f, 0.1f, 0.1f, 0.5f, 0.1f, 0.1f}});
    const auto routing = routeGroups(probs, {}, groupedRouter("top_k"), false);
    QCOMPARE(routing.group[0].item<int64_t>(), int64_t(2));
    QCOMPARE(routing.group[1].item<int64_t>(), int64_t(0));
    QCOMPARE(routing.group[2].item<int64_t>(), int64_t(1));
    QVERIFY(routing.mask[0][5].item<bool>());
    QVERIFY(routing.mask[1][0].item<bool>());
    QVERIFY(routing.mask[2][3].item<bool>());
}

void TstGroupRouting::expertChoiceTakesTopCOfTheGroup()
{
    // 10 inputs of domain 0 (group {0, 1}, k 1, capacity 1): C = ceil(10 / 2) = 5 per expert,
    // chosen among the group's inputs only; the other group's inputs never reach them.
    torch::manual_seed(8);
    auto probs = torch::softmax(torch::randn({16, 6}), 1);
    auto domain = torch::cat({torch::zeros({10}, torch::kLong), torch::ones({6}, torch::kLong)});
    const auto routing = routeGroups(probs, domain, groupedRouter("expert_choice"), true);
    const auto within = probs.narrow(0, 0, 10).narrow(1, 0, 2);
    const auto share = within / within.sum(1, true);
    for (int64_t j = 0; j < 2; ++j) {
        const auto top = std::get<1>(share.select(1, j).topk(5));
        for (int64_t i = 0; i < 5; ++i) {
            QVERIFY(routing.batchMask[top[i].item<int64_t>()][j].item<bool>());
        }
        QCOMPARE(routing.batchMask.narrow(0, 0, 10).select(1, j).sum().item<int64_t>(),
                 int64_t(5));
        QCOMPARE(routing.mask.narrow(0, 10, 6).select(1, j).sum().item<int64_t>(), int64_t(0));
    }
    QVERIFY(routing.cutoffs.defined());
    QCOMPARE(routing.cutoffs[5].item<double>(), -1.0); // group 2 (domain 2) had no input
}

void TstGroupRouting::modelRoutesWithinGroupsAndTraces()
{
    torch::manual_seed(9);
    mor::ModelConfig config;
    config.router = groupedRouter("expert_choice");
    config.experts.assign(6, mor::ExpertConfig{});
    for (auto& e : config.experts) {
        e.width = 8;
        e.maxDepth = 2;
    }
    MoRModel model(config, ModelShape{5, 3, 3});
    const auto x = torch::randn({24, 5});
    const auto y = torch::randint(0, 3, {24}, torch::kLong);
    const auto domain = torch::randint(0, 3, {24}, torch::kLong);
    model->train();
    for (int step = 0; step < 3; ++step) { // learns the expert-choice thresholds
        const auto out = model->forward(x, y, domain);
        out.totalLoss.backward();
    }
    model->eval();
    const auto traces = model->trace(x, y, domain, std::vector<int64_t>(24, 0));
    for (size_t b = 0; b < traces.size(); ++b) {
        const int64_t d = domain[int64_t(b)].item<int64_t>();
        QCOMPARE(int64_t(traces[b].group), d);
        const auto& own = kGroupExperts[size_t(d)];
        QVERIFY(!traces[b].experts.empty());
        for (const auto& et : traces[b].experts) {
            QVERIFY(std::find(own.begin(), own.end(), int64_t(et.expert)) != own.end());
        }
    }
}

void TstGroupRouting::trainingOnMixedDomainsEndToEnd()
{
    // The mixed-domain set through the one engine: parity -> experts {0, 1}, modular -> {2},
    // majority -> {3}; the routing table per domain must put no mass outside the group.
    const char* json = R"({"name":"moma-test",
        "data":{"kind":"mixed","samples":600,"length":6,"modulus":3,
                "domains":["parity","modular","majority"]},
        "model":{"encoder":{"hidden":24},
          "router":{"hidden":16,"groups":[
            {"domains":[0],"experts":[0,1],"strategy":"expert_choice","top_k":1},
            {"domains":[1],"experts":[2],"strategy":"top_k","top_k":1},
            {"domains":[2],"experts":[3],"strategy":"threshold","top_k":1}]},
          "experts":[{"width":12,"max_depth":2},{"width":12,"max_depth":2},
                     {"width":12,"max_depth":2},{"width":12,"max_depth":2}]},
        "train":{"epochs":3,"batch_size":32,"threads":1,"log_traces":false}})";
    const auto parsed = mor::parseConfig(json);
    QVERIFY2(parsed.ok(), parsed.message().c_str());
    QVERIFY2(mor::validateConfig(parsed.config).empty(), "the fixture config is valid");
    mor::RunOptions options;
    const auto out = mor::trainExperiment(parsed.config, options, nullptr);
    QVERIFY2(out.status == "finished", out.error.c_str());
    QVERIFY(out.test.loss > 0.0 && std::isfinite(out.test.loss));
    const auto& table = out.test.routingByDomain;
    QCOMPARE(int(table.size()), 3);
    const std::vector<std::vector<int64_t>> own{{0, 1}, {2}, {3}};
    for (size_t d = 0; d < 3; ++d) {
        QCOMPARE(int(table[d].size()), 4);
        for (int64_t j = 0; j < 4; ++j) {
            const bool mine = std::find(own[d].begin(), own[d].end(), j) != own[d].end();
            if (!mine) {
                QCOMPARE(table[d][size_t(j)], 0.0);
            }
        }
    }
    QVERIFY(table[1][2] > 0.99 && table[2][3] > 0.99);
}

void TstGroupRouting::validationNamesTheGroupFields_data()
{
    QTest::addColumn<QString>("groups");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("says");
    const QString second = R"(,{"domains":[1,2],"experts":[2,3]})";
    QTest::newRow("unknown strategy")
        << R"({"domains":[0],"experts":[0,1],"strategy":"best"})" + second
        << "model.router.groups[0].strategy" << "must be one of";
    QTest::newRow("domain out of range")
        << R"({"domains":[0,3],"experts":[0,1]})" + second << "model.router.groups[0].domains"
        << "allowed: 0 to 2";
    QTest::newRow("expert out of range")
        << R"({"domains":[0],"experts":[0,7]})" + second << "model.router.groups[0].experts"
        << "there are 4 experts";
    QTest::newRow("expert in two groups")
        << R"({"domains":[0],"experts":[0,2]})" + second << "model.router.groups[1].experts"
        << "expert 2 is in group 0";
    QTest::newRow("domain in no group")
        << QString(R"({"domains":[0],"experts":[0,1]},{"domains":[1],"experts":[2,3]})")
        << "model.router.groups" << "domain 2 is in no group";
    QTest::newRow("top_k above the group")
        << R"({"domains":[0],"experts":[0,1],"top_k":3})" + second
        << "model.router.groups[0].top_k" << "between 1 and the group's 2 experts";
    QTest::newRow("capacity factor")
        << R"({"domains":[0],"experts":[0,1],"capacity_factor":0})" + second
        << "model.router.groups[0].capacity_factor" << "greater than 0";
}

void TstGroupRouting::validationNamesTheGroupFields()
{
    QFETCH(QString, groups);
    QFETCH(QString, field);
    QFETCH(QString, says);
    const std::string json = R"({"data":{"kind":"mixed"},"model":{"router":{"groups":[)" +
                             groups.toStdString() + "]}}}";
    const auto parsed = mor::parseConfig(json); // parsing validates as well
    QVERIFY(!parsed.ok());
    bool found = false;
    QString all;
    for (const auto& error : parsed.errors) {
        all += QString::fromStdString(error.field + ": " + error.message) + "\n";
        found = found || (QString::fromStdString(error.field) == field &&
                          QString::fromStdString(error.message).contains(says));
    }
    QVERIFY2(found, qPrintable(all));
    // A list of integers is read as such; other JSON is a type error naming the entry.
    const auto bad = mor::parseConfig(R"({"model":{"router":{"groups":[{"domains":["a"]}]}}})");
    QVERIFY(!bad.ok());
    QVERIFY2(bad.message().find("model.router.groups[0].domains[0]") != std::string::npos,
             bad.message().c_str());
}

QTEST_APPLESS_MAIN(TstGroupRouting)
#include "tst_group_routing.moc"
