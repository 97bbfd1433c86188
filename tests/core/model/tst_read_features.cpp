// experts[].read_features: a weight-tied expert that takes in the raw input piece by piece,
// N features per iteration, as a recurrent network reads a sequence.
#include "model/halting_policy.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include "mor/config.h"

#include "model_test_util.h"

#include <QtTest>

#include <stdexcept>

using namespace mor::model;
using model_test::parameterCount;

namespace {

ReflectionExpert reader(int64_t readFeatures, int64_t depth)
{
    return ReflectionExpert(ReflectionExpertOptions(8, 2)
                                .width(16)
                                .maxDepth(depth)
                                .cell("gru")
                                .readFeatures(readFeatures));
}

mor::ModelConfig readerModel(int64_t readFeatures, int64_t depth)
{
    mor::ModelConfig config;
    config.encoder.hidden = 8;
    config.router.hidden = 8;
    config.router.topK = 1;
    config.experts.clear();
    mor::ExpertConfig ec;
    ec.cell = mor::ExpertCell::Gru;
    ec.width = 16;
    ec.maxDepth = depth;
    ec.halting = mor::HaltingRule::Fixed;
    ec.readFeatures = readFeatures;
    config.experts.push_back(ec);
    return config;
}

} // namespace

class TstReadFeatures : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void iterationReadsTheNextFeatures_data();
    void iterationReadsTheNextFeatures();
    void stepDependsOnlyOnTheFeaturesItReads();
    void parameterCountDoesNotGrowWithDepth();
    void gradientReachesTheReadLayer();
    void haltedRowsKeepTheirOwnInputRows();
    void modelRefusesMoreFeaturesThanTheData();
    void defaultExpertReadsNothing();

private:
    void checkRowsIndependent(MoRModel& model, const torch::Tensor& x);
};

void TstReadFeatures::iterationReadsTheNextFeatures_data()
{
    QTest::addColumn<int>("readFeatures");
    QTest::addColumn<int>("features");
    QTest::addColumn<int>("iteration");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("one per step, first") << 1 << 12 << 1 << QList<int>{0};
    QTest::newRow("one per step, last") << 1 << 12 << 12 << QList<int>{11};
    QTest::newRow("one per step, wraps") << 1 << 12 << 13 << QList<int>{0};
    QTest::newRow("three per step, second") << 3 << 12 << 2 << QList<int>{3, 4, 5};
    QTest::newRow("chunk straddles the end") << 5 << 12 << 3 << QList<int>{10, 11, 0, 1, 2};
    QTest::newRow("re-reflection goes on") << 4 << 8 << 6 << QList<int>{4, 5, 6, 7};
    QTest::newRow("every feature each step") << 6 << 6 << 4 << QList<int>{0, 1, 2, 3, 4, 5};
}

void TstReadFeatures::iterationReadsTheNextFeatures()
{
    QFETCH(int, readFeatures);
    QFETCH(int, features);
    QFETCH(int, iteration);
    QFETCH(QList<int>, expected);
    auto expert = reader(readFeatures, 4);
    const auto read = expert->featuresRead(iteration, features);
    QList<int> got;
    for (auto f : read) {
        got.push_back(int(f));
    }
    QCOMPARE(got, expected);
}

void TstReadFeatures::stepDependsOnlyOnTheFeaturesItReads()
{
    // Same e and state, different raw input: step 2 of a 2-per-step reader sees features 2, 3.
    torch::manual_seed(3);
    auto expert = reader(2, 4);
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({3, 8});
    const auto state = expert->initialState(e);
    const auto draft = torch::full({3, 2}, 0.5);
    const auto critique = torch::zeros({3});
    const auto x = torch::randn({3, 8});
    const auto base = expert->step(state, e, draft, critique, 2, expert->memory({}, {}, x));

    auto unread = x.clone();
    unread.narrow(1, 0, 2).add_(5.0);
    unread.narrow(1, 4, 4).add_(-3.0);
    const auto same = expert->step(state, e, draft, critique, 2, expert->memory({}, {}, unread));
    QVERIFY(torch::allclose(same.logits, base.logits));

    auto readOne = x.clone();
    readOne.select(1, 3).add_(2.0);
    const auto moved = expert->step(state, e, draft, critique, 2, expert->memory({}, {}, readOne));
    QVERIFY((moved.logits - base.logits).abs().max().item<double>() > 1e-4);
}

void TstReadFeatures::parameterCountDoesNotGrowWithDepth()
{
    auto shallow = reader(1, 1);
    auto deep = reader(1, 24);
    auto none = reader(0, 24);
    QCOMPARE(parameterCount(*deep), parameterCount(*shallow));
    // The read layer (1 -> 8, with bias) and the cell's wider input are the only additions.
    QVERIFY(parameterCount(*deep) > parameterCount(*none) + 8 + 8);
}

void TstReadFeatures::gradientReachesTheReadLayer()
{
    torch::manual_seed(5);
    MoRModel model(readerModel(3, 4), ModelShape{12, 2, 1});
    model->train();
    const auto x = torch::randint(0, 2, {16, 12}).to(torch::kFloat) * 2 - 1;
    const auto y = torch::randint(0, 2, {16});
    const auto out = model->forward(x, y, {});
    out.totalLoss.backward();
    bool found = false;
    for (const auto& p : model->named_parameters()) {
        if (p.key().find(".read.") != std::string::npos) {
            found = true;
            QVERIFY2(p.value().grad().defined(), p.key().c_str());
            QVERIFY2(p.value().grad().abs().sum().item<double>() > 0.0, p.key().c_str());
        }
    }
    QVERIFY(found);
}

void TstReadFeatures::haltedRowsKeepTheirOwnInputRows()
{
    // Inference with critique-gated halting shrinks the active rows; each row must still read
    // its own features: the answer of a row does not depend on which other rows are in the batch.
    torch::manual_seed(7);
    const auto x = torch::randint(0, 2, {32, 12}).to(torch::kFloat) * 2 - 1;
    torch::NoGradGuard noGrad;
    // An untrained critic says about 0.5: find a threshold that splits this batch.
    for (double threshold : {0.5, 0.48, 0.52, 0.46, 0.54, 0.44, 0.56, 0.42, 0.58}) {
        auto config = readerModel(2, 6);
        config.experts[0].halting = mor::HaltingRule::Critique;
        config.experts[0].haltThreshold = threshold;
        torch::manual_seed(7);
        MoRModel candidate(config, ModelShape{12, 2, 1});
        candidate->eval();
        const auto steps = candidate->forward(x, {}, {}).steps.select(1, 0);
        if (steps.min().item<int64_t>() < steps.max().item<int64_t>()) {
            checkRowsIndependent(candidate, x);
            return;
        }
    }
    QFAIL("no threshold made the batch halt at different steps");
}

void TstReadFeatures::checkRowsIndependent(MoRModel& model, const torch::Tensor& x)
{
    const auto all = model->forward(x, {}, {});
    const auto steps = all.steps.select(1, 0);
    for (int64_t i = 0; i < 32; i += 5) {
        const auto one = model->forward(x.narrow(0, i, 1), {}, {});
        QVERIFY(torch::allclose(one.logits, all.logits.narrow(0, i, 1), 1e-5, 1e-6));
        QCOMPARE(one.steps[0][0].item<int64_t>(), steps[i].item<int64_t>());
    }
}

void TstReadFeatures::modelRefusesMoreFeaturesThanTheData()
{
    try {
        MoRModel model(readerModel(13, 4), ModelShape{12, 2, 1});
        QFAIL("a model reading 13 of 12 features was built");
    } catch (const std::invalid_argument& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains("model.experts[0].read_features = 13"), e.what());
        QVERIFY2(message.contains("0 to 12"), e.what());
    }
}

void TstReadFeatures::defaultExpertReadsNothing()
{
    const mor::ExpertConfig defaults;
    QCOMPARE(defaults.readFeatures, int64_t(0));
    auto expert = reader(0, 3);
    QVERIFY(expert->featuresRead(1, 12).empty());
    const auto memory = expert->memory({}, {}, torch::randn({2, 12}));
    QVERIFY(!memory.input.defined());
}

QTEST_GUILESS_MAIN(TstReadFeatures)
#include "tst_read_features.moc"
