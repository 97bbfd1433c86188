// Token-sequence input: token + position embedding, attention pooling for the encoding and the
// router, reflection experts that attend over the tokens at every iteration.
#include "model/attention_pooling.h"
#include "model/halting_policy.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"
#include "model/token_encoder.h"

#include "mor/config.h"

#include <QtTest>

#include <set>

using namespace mor::model;

namespace {

mor::ModelConfig tokenConfig(int experts, bool padZeros, bool readTokens)
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.encoder.input = mor::EncoderInput::Tokens;
    config.encoder.padZeros = padZeros;
    config.router.hidden = 16;
    config.router.topK = 1;
    config.experts.clear();
    for (int j = 0; j < experts; ++j) {
        mor::ExpertConfig ec;
        ec.cell = mor::ExpertCell::Mlp;
        ec.width = 16;
        ec.maxDepth = 3;
        ec.halting = mor::HaltingRule::Fixed;
        ec.stepEmbedding = true;
        ec.readTokens = readTokens;
        config.experts.push_back(ec);
    }
    return config;
}

// 5 rows of 8 tokens (values -1, 0, +1); the last 3 positions are 0 (padding) in every row.
torch::Tensor paddedInput()
{
    torch::manual_seed(11);
    auto x = torch::randint(0, 2, {5, 8}).to(torch::kFloat) * 2 - 1;
    x.narrow(1, 5, 3).zero_();
    x[1][2] = 0.0; // one inner gap as well
    return x;
}

} // namespace

class TstTokenInput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void poolingWeightsSumToOnePerInput_data();
    void poolingWeightsSumToOnePerInput();
    void paddingIsIgnoredByEncoderRouterAndExperts();
    void permutingPaddingPositionsDoesNotChangeOutput();
    void gradientReachesPoolingQueriesAndStepQueries();
    void expertAttentionIsADistributionOverRealTokens();
    void defaultConfigKeepsTheVectorEncoder();
    void validationNamesTokenFields();
};

void TstTokenInput::poolingWeightsSumToOnePerInput_data()
{
    QTest::addColumn<bool>("padZeros");
    QTest::newRow("no padding") << false;
    QTest::newRow("zeros are padding") << true;
}

void TstTokenInput::poolingWeightsSumToOnePerInput()
{
    QFETCH(bool, padZeros);
    torch::manual_seed(1);
    TokenEncoder encoder(TokenEncoderOptions(8, 16).padZeros(padZeros));
    {
        torch::NoGradGuard noGrad;
        encoder->named_parameters()["pool.query"].normal_(); // non-uniform weights
    }
    auto x = paddedInput();
    x[3].zero_(); // a row without any real token must not give NaN
    const auto out = encoder->forward(x);
    QCOMPARE(out.tokens.sizes().vec(), (std::vector<int64_t>{5, 8, 16}));
    QCOMPARE(out.summary.sizes().vec(), (std::vector<int64_t>{5, 16}));
    QVERIFY(torch::allclose(out.weights.sum(1), torch::ones({5}), 1e-5, 1e-6));
    QVERIFY(out.summary.isfinite().all().item<bool>());
    if (padZeros) {
        // Padding gets exactly zero weight in every row that has a real token.
        QCOMPARE(out.weights.narrow(1, 5, 3).narrow(0, 0, 3).abs().max().item<float>(), 0.0f);
        QCOMPARE(out.weights[1][2].item<float>(), 0.0f);
        // The empty row pools uniformly.
        QVERIFY(torch::allclose(out.weights[3], torch::full({8}, 0.125), 1e-5, 1e-6));
    } else {
        QVERIFY(out.weights.narrow(1, 5, 3).min().item<float>() > 0.0f);
    }
}

void TstTokenInput::paddingIsIgnoredByEncoderRouterAndExperts()
{
    // Whatever the model computes for a padding token (here: its position embedding is
    // replaced by noise), the answer, the routing and every step stay the same.
    torch::manual_seed(2);
    MoRModel model(tokenConfig(2, true, true), ModelShape{8, 2, 1});
    model->eval();
    const auto x = paddedInput();
    const auto before = model->forward(x, {}, {});
    {
        torch::NoGradGuard noGrad;
        model->named_parameters()["token_encoder.position"].narrow(0, 5, 3).normal_(0.0, 5.0);
    }
    const auto after = model->forward(x, {}, {});
    QVERIFY(torch::allclose(before.logits, after.logits, 1e-5, 1e-6));
    QVERIFY(torch::allclose(before.routerProbs, after.routerProbs, 1e-5, 1e-6));
    QVERIFY(torch::equal(before.stepPreds, after.stepPreds));
}

void TstTokenInput::permutingPaddingPositionsDoesNotChangeOutput()
{
    // Two inputs with the same real tokens at the same positions but their padding stored at
    // permuted positions (embeddings swapped) give the same output.
    torch::manual_seed(3);
    MoRModel model(tokenConfig(1, true, true), ModelShape{8, 2, 1});
    model->eval();
    const auto x = paddedInput();
    const auto before = model->forward(x, {}, {});
    {
        torch::NoGradGuard noGrad;
        auto position = model->named_parameters()["token_encoder.position"];
        const auto pad = position.narrow(0, 5, 3).clone();
        position.narrow(0, 5, 3).copy_(pad.index_select(0, torch::tensor({2, 0, 1})));
    }
    const auto after = model->forward(x, {}, {});
    QVERIFY(torch::allclose(before.logits, after.logits, 1e-5, 1e-6));
    // ... while moving a REAL token's embedding does change it: the test can fail.
    {
        torch::NoGradGuard noGrad;
        model->named_parameters()["token_encoder.position"].narrow(0, 0, 1).normal_(0.0, 5.0);
    }
    const auto moved = model->forward(x, {}, {});
    QVERIFY(!torch::allclose(before.logits, moved.logits, 1e-5, 1e-6));
}

void TstTokenInput::gradientReachesPoolingQueriesAndStepQueries()
{
    torch::manual_seed(4);
    MoRModel model(tokenConfig(2, true, true), ModelShape{8, 2, 1});
    model->train();
    const auto x = paddedInput();
    const auto y = torch::tensor({0, 1, 1, 0, 1}, torch::kLong);
    const auto out = model->forward(x, y, {});
    out.totalLoss.backward();
    auto params = model->named_parameters();
    for (const char* name : {"token_encoder.pool.query", "router.pool.query",
                             "token_encoder.position", "token_encoder.value.weight"}) {
        const auto grad = params[name].grad();
        QVERIFY2(grad.defined() && grad.abs().sum().item<double>() > 0.0, name);
    }
    // The expert(s) that received inputs learn where to look at each iteration.
    double stepQueryGrad = 0.0;
    for (const char* name : {"expert0.step_query", "expert1.step_query"}) {
        const auto grad = params[name].grad();
        stepQueryGrad += grad.defined() ? grad.abs().sum().item<double>() : 0.0;
    }
    QVERIFY(stepQueryGrad > 0.0);
}

void TstTokenInput::expertAttentionIsADistributionOverRealTokens()
{
    torch::manual_seed(5);
    TokenEncoder encoder(TokenEncoderOptions(8, 16).padZeros(true));
    ReflectionExpert expert(ReflectionExpertOptions(16, 2).width(16).maxDepth(4).cell("gru")
                                .stepEmbedding(true).readTokens(true));
    const auto encoded = encoder->forward(paddedInput());
    const auto memory = expert->memory(encoded.tokens, encoded.mask);
    mor::ExpertConfig fixed;
    fixed.halting = mor::HaltingRule::Fixed;
    fixed.maxDepth = 4;
    const auto run = expert->reflect(encoded.summary, HaltingPolicy(fixed), true, memory);
    QCOMPARE(run.attention.sizes().vec(), (std::vector<int64_t>{4, 5, 8}));
    QVERIFY(torch::allclose(run.attention.sum(2), torch::ones({4, 5}), 1e-5, 1e-6));
    QCOMPARE(run.attention.narrow(2, 5, 3).abs().max().item<float>(), 0.0f);
    // Different iterations look at different tokens (per-iteration query offsets).
    QVERIFY(!torch::allclose(run.attention[0], run.attention[1], 1e-3, 1e-4));
}

void TstTokenInput::defaultConfigKeepsTheVectorEncoder()
{
    mor::ModelConfig config;
    QCOMPARE(config.encoder.input, mor::EncoderInput::Vector);
    MoRModel model(config, ModelShape{6, 2, 1});
    bool token = false, vector = false;
    for (const auto& item : model->named_parameters()) {
        token = token || item.key().rfind("token_encoder.", 0) == 0
                || item.key().find("pool") != std::string::npos;
        vector = vector || item.key().rfind("encoder.", 0) == 0;
    }
    QVERIFY(vector);
    QVERIFY(!token);
}

void TstTokenInput::validationNamesTokenFields()
{
    mor::ExperimentConfig config;
    config.model.experts[1].readTokens = true;
    config.model.encoder.padZeros = true;
    config.data.parityVariableLength = true;
    config.data.kind = mor::DataKind::Majority;
    std::set<std::string> fields;
    for (const auto& e : mor::validateConfig(config)) {
        fields.insert(e.field);
    }
    QVERIFY(fields.count("model.experts[1].read_tokens"));
    QVERIFY(fields.count("model.encoder.pad_zeros"));
    QVERIFY(fields.count("data.parity_variable_length"));
    config.model.encoder.input = mor::EncoderInput::Tokens;
    config.data.kind = mor::DataKind::Parity;
    QVERIFY(mor::validateConfig(config).empty());
    // Another input is refused where the config is read, naming the field and the choices.
    const auto parsed = mor::parseConfig(R"({"model":{"encoder":{"input":"sequence"}}})");
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.errors.front().field, std::string("model.encoder.input"));
    QCOMPARE(parsed.errors.front().message,
             std::string(R"(model.encoder.input = "sequence" must be one of vector, tokens)"));
}

QTEST_APPLESS_MAIN(TstTokenInput)
#include "tst_token_input.moc"
