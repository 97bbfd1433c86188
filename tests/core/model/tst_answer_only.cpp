// The answer-only tail of MoRModel's evaluation pass (model/answer_only.h, issue 20) against the
// general path (AnswerOnlyTailGuard(false)): equal steps, conflicts, predictions, routing and
// FLOPs, fused log-probabilities and conflict scores within 1e-6, for top-1/2/3 routing, gamma
// 1 / 2 / 1.5, unweighted and weighted conflict scores, weighted and flag resolution, Switch
// gating (renormalize off), a nested expert beside GRU experts, fixed depth, and with rows that
// halt at different steps and conflict, and with grouped dispatch (the groups' rows gathered
// once, reflectGroup, then the same tail); configurations the tail does not take (attention
// fusion, most_confident, evaluation detail) give the same values too.
// The encoder, router and top-k routing as loops (answerOnlyHead) against the ATen path
// (AnswerOnlyHeadGuard(false)): equal masks, steps, conflicts, predictions, FLOPs; gates and
// router probabilities within 1e-6, encodings, router logits and logits within 1e-5.
#include "model/answer_only.h"
#include "model/encoder.h"
#include "model/eval_detail.h"
#include "model/grouped_experts.h"
#include "model/mor_model.h"
#include "model/router.h"
#include "sharp_fixtures.h"

#include <ATen/record_function.h>
#include <QtTest>

#include <set>
#include <string>

using namespace mor::model;

namespace {

constexpr int64_t kFeatures = 8;
constexpr int64_t kTailClasses = 4;
constexpr int64_t kRows = 300;

struct TailCase {
    int experts = 4;
    int64_t topK = 2;
    double gamma = 1.0;
    bool weightedScore = false;
    std::string resolution = "weighted";
    bool renormalize = true;
    bool nested = false;
    std::string halting = "critique";
    std::string fusion = "confidence";
    bool grouped = false;
    bool detail = false;
    int64_t encoderLayers = 1;
    bool routerFeatures = false;
    double temperature = 1.0;
    std::string strategy = "top_k";
};

MoRModel tailModel(const TailCase& c)
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = c.topK;
    config.router.renormalize = c.renormalize;
    config.encoder.layers = c.encoderLayers;
    config.router.temperature = c.temperature;
    config.router.input =
        c.routerFeatures ? mor::RouterInput::Features : mor::RouterInput::Encoding;
    mor::parseChoice(c.strategy, mor::routingStrategyNames(), &config.router.strategy);
    config.integration.gamma = c.gamma;
    // Low thresholds: many rows have >= 2 confident experts, some of them conflict.
    config.integration.confidentThreshold = 0.3;
    config.integration.conflictThreshold = 0.05;
    config.integration.conflictScore =
        c.weightedScore ? mor::ConflictScoring::Weighted : mor::ConflictScoring::Unweighted;
    mor::parseChoice(c.resolution, mor::conflictResolutionNames(), &config.integration.resolution);
    mor::parseChoice(c.fusion, mor::fusionRuleNames(), &config.integration.fusion);
    for (int j = 0; j < c.experts; ++j) {
        mor::ExpertConfig ec;
        ec.cell = mor::ExpertCell::Gru;
        ec.width = 16;
        ec.maxDepth = 5;
        ec.haltThreshold = 0.5;
        mor::parseChoice(c.halting, mor::haltingRuleNames(), &ec.halting);
        if (c.nested && j == 1) {
            ec.kind = mor::ExpertKind::Nested;
        }
        config.experts.push_back(ec);
    }
    ModelShape shape;
    shape.inputs = kFeatures;
    shape.classes = kTailClasses;
    torch::manual_seed(11);
    MoRModel model(config, shape);
    // A sharp critic, head and router: confidences and halting steps spread, the experts'
    // answers are peaked (some disagree), routing varies.
    sharp_fixture::sharpenModel(model);
    return model;
}

long t_nonzeroCalls = 0;

ForwardOutput answerOnlyPass(MoRModel& model, const torch::Tensor& x, bool tail, bool detail,
                             bool grouped, bool head = true)
{
    c10::InferenceMode inference;
    const EvalDetailGuard evalDetail(detail);
    const AnswerOnlyTailGuard path(tail);
    const AnswerOnlyHeadGuard headPath(head);
    setGroupedDispatch(grouped);
    auto out = model->forward(x, torch::Tensor(), torch::Tensor());
    setGroupedDispatch(false);
    return out;
}

double tailMaxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

} // namespace

Q_DECLARE_METATYPE(TailCase)

class TstAnswerOnly : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rowListsAreTheMaskColumns();
    void tailEqualsGeneralPath_data();
    void tailEqualsGeneralPath();
    void headEqualsAtenPath_data();
    void headEqualsAtenPath();
};

void TstAnswerOnly::rowListsAreTheMaskColumns()
{
    torch::manual_seed(3);
    for (const int64_t batch : {1, 7, 256}) {
        const auto mask = torch::rand({batch, 5}).lt(0.4);
        const auto lists = expertRowLists(mask);
        QCOMPARE(int64_t(lists.size()), int64_t(5));
        for (int64_t j = 0; j < 5; ++j) {
            const auto expected = mask.select(1, j).nonzero().squeeze(1);
            const auto got = rowIndexTensor(lists[size_t(j)]);
            QCOMPARE(got.scalar_type(), torch::kLong);
            QVERIFY(torch::equal(got, expected));
        }
    }
    QVERIFY(rowIndexTensor({}).numel() == 0);
}

void TstAnswerOnly::tailEqualsGeneralPath_data()
{
    QTest::addColumn<TailCase>("c");
    QTest::addColumn<bool>("tailTaken");
    TailCase base;
    QTest::newRow("top-2 critique") << base << true;
    TailCase top1 = base;
    top1.topK = 1;
    QTest::newRow("top-1") << top1 << true;
    TailCase top3 = base;
    top3.topK = 3;
    QTest::newRow("top-3 gamma 2") << [&] { auto c = top3; c.gamma = 2.0; return c; }() << true;
    QTest::newRow("top-3 gamma 1.5 weighted score")
        << [&] { auto c = top3; c.gamma = 1.5; c.weightedScore = true; return c; }() << true;
    QTest::newRow("flag, fixed depth")
        << [&] { auto c = base; c.resolution = "flag"; c.halting = "fixed"; return c; }() << true;
    QTest::newRow("switch gating") << [&] { auto c = base; c.renormalize = false; return c; }()
                                   << true;
    QTest::newRow("nested expert") << [&] { auto c = base; c.nested = true; return c; }() << true;
    QTest::newRow("attention fusion (general)")
        << [&] { auto c = base; c.fusion = "attention"; return c; }() << false;
    QTest::newRow("most_confident (general)")
        << [&] { auto c = base; c.resolution = "most_confident"; return c; }() << false;
    QTest::newRow("grouped dispatch") << [&] { auto c = base; c.grouped = true; return c; }()
                                      << true;
    QTest::newRow("evaluation detail (general)")
        << [&] { auto c = base; c.detail = true; return c; }() << false;
}

void TstAnswerOnly::tailEqualsGeneralPath()
{
    QFETCH(TailCase, c);
    QFETCH(bool, tailTaken);
    auto model = tailModel(c);
    torch::manual_seed(5);
    const auto x = torch::randn({kRows, kFeatures});

    // Counts aten::nonzero calls of this thread: the general path lists each expert's rows with
    // it, the tail does not.
    const auto handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback([](const at::RecordFunction& f)
                                       -> std::unique_ptr<at::ObserverContext> {
            if (std::string(f.name()) == "aten::nonzero") {
                ++t_nonzeroCalls;
            }
            return nullptr;
        }).scopes({at::RecordScope::FUNCTION}));
    t_nonzeroCalls = 0;
    const auto tail = answerOnlyPass(model, x, true, c.detail, c.grouped);
    const long tailNonzero = t_nonzeroCalls;
    const auto general = answerOnlyPass(model, x, false, c.detail, c.grouped);
    at::removeCallback(handle);
    QCOMPARE(tailNonzero == 0, tailTaken);

    QVERIFY(torch::equal(tail.mask, general.mask));
    QVERIFY(torch::equal(tail.gates, general.gates));
    QVERIFY(torch::equal(tail.routerProbs, general.routerProbs));
    QCOMPARE(tail.steps.scalar_type(), torch::kLong);
    QVERIFY(torch::equal(tail.steps, general.steps));
    QVERIFY(torch::equal(tail.conflict, general.conflict));
    QVERIFY(torch::equal(tail.logits.argmax(1), general.logits.argmax(1)));
    QVERIFY2(tailMaxDiff(tail.logits, general.logits) < 1e-6,
             qPrintable(QString::number(tailMaxDiff(tail.logits, general.logits))));
    QVERIFY(tailMaxDiff(tail.conflictScore, general.conflictScore) < 1e-6);
    QCOMPARE(tail.flops.scalar_type(), torch::kDouble);
    QVERIFY(torch::allclose(tail.flops, general.flops, 1e-12, 0.0));
    QCOMPARE(tail.logits.sizes(), general.logits.sizes());
    QCOMPARE(tail.conflictScore.sizes(), general.conflictScore.sizes());

    // The fixture is not trivial: routed rows take different numbers of steps, both conflicting
    // and agreeing rows occur where two experts or more answer.
    const auto routed = tail.steps.masked_select(tail.mask);
    std::set<int64_t> distinct;
    for (int64_t i = 0; i < routed.numel(); ++i) {
        distinct.insert(routed[i].item<int64_t>());
    }
    QVERIFY2(c.halting == "fixed" ? *distinct.rbegin() == 5 : distinct.size() >= 3,
             qPrintable(QString::number(distinct.size()) + " distinct, first "
                        + QString::number(*distinct.begin())));
    QVERIFY(tail.mask.sum(1).eq(c.topK).all().item<bool>());
    if (c.topK >= 2) {
        const auto conflicts = tail.conflict.sum().item<int64_t>();
        QVERIFY2(conflicts > 0 && conflicts < kRows, qPrintable(QString::number(conflicts)));
        QVERIFY(tail.conflictScore.gt(0.0).any().item<bool>());
    } else {
        QVERIFY(tail.conflictScore.eq(0.0).all().item<bool>());
        QVERIFY(!tail.conflict.any().item<bool>());
    }
}

void TstAnswerOnly::headEqualsAtenPath_data()
{
    QTest::addColumn<TailCase>("c");
    QTest::addColumn<bool>("headTaken");
    TailCase base;
    QTest::newRow("top-2") << base << true;
    QTest::newRow("top-1") << [&] { auto c = base; c.topK = 1; return c; }() << true;
    QTest::newRow("top-3") << [&] { auto c = base; c.topK = 3; return c; }() << true;
    QTest::newRow("switch gating") << [&] { auto c = base; c.renormalize = false; return c; }()
                                   << true;
    QTest::newRow("encoder 2 layers") << [&] { auto c = base; c.encoderLayers = 2; return c; }()
                                      << true;
    QTest::newRow("no encoder") << [&] { auto c = base; c.encoderLayers = 0; return c; }()
                                << true;
    QTest::newRow("router reads features")
        << [&] { auto c = base; c.routerFeatures = true; return c; }() << true;
    QTest::newRow("temperature 0.7") << [&] { auto c = base; c.temperature = 0.7; return c; }()
                                     << true;
    QTest::newRow("nested expert") << [&] { auto c = base; c.nested = true; return c; }() << true;
    QTest::newRow("threshold routing (ATen)")
        << [&] { auto c = base; c.strategy = "threshold"; return c; }() << false;
    QTest::newRow("evaluation detail (ATen)")
        << [&] { auto c = base; c.detail = true; return c; }() << false;
}

// The encoder, router and top-k routing as loops (answerOnlyHead) against the ATen path
// (AnswerOnlyHeadGuard(false)): equal masks, steps, conflicts and predictions; encodings, router
// probabilities and gates within 1e-5 / 1e-6.
void TstAnswerOnly::headEqualsAtenPath()
{
    QFETCH(TailCase, c);
    QFETCH(bool, headTaken);
    auto model = tailModel(c);
    torch::manual_seed(7);
    const auto x = torch::randn({kRows, kFeatures});

    // Counts aten::log_softmax calls of this thread: only the ATen router calls it.
    const auto handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback([](const at::RecordFunction& f)
                                       -> std::unique_ptr<at::ObserverContext> {
            if (std::string(f.name()) == "aten::log_softmax") {
                ++t_nonzeroCalls;
            }
            return nullptr;
        }).scopes({at::RecordScope::FUNCTION}));
    t_nonzeroCalls = 0;
    const auto head = answerOnlyPass(model, x, true, c.detail, false, true);
    const long headSoftmax = t_nonzeroCalls;
    t_nonzeroCalls = 0;
    const auto aten = answerOnlyPass(model, x, true, c.detail, false, false);
    const long atenSoftmax = t_nonzeroCalls;
    at::removeCallback(handle);
    QCOMPARE(headSoftmax == 0, headTaken);
    QVERIFY(atenSoftmax > 0);

    QVERIFY(torch::equal(head.mask, aten.mask));
    QVERIFY2(tailMaxDiff(head.gates, aten.gates) < 1e-6,
             qPrintable(QString::number(tailMaxDiff(head.gates, aten.gates))));
    QVERIFY(tailMaxDiff(head.routerProbs, aten.routerProbs) < 1e-6);
    QVERIFY(torch::equal(head.steps, aten.steps));
    QVERIFY(torch::equal(head.conflict, aten.conflict));
    QVERIFY(torch::equal(head.logits.argmax(1), aten.logits.argmax(1)));
    QVERIFY2(tailMaxDiff(head.logits, aten.logits) < 1e-5,
             qPrintable(QString::number(tailMaxDiff(head.logits, aten.logits))));
    QVERIFY(torch::allclose(head.flops, aten.flops, 1e-12, 0.0));
    QVERIFY(head.mask.sum(1).ge(1).all().item<bool>());

    // The encoding itself: answerOnlyHead's e against Encoder::forward.
    c10::InferenceMode inference;
    const EvalDetailGuard noDetail(false);
    auto children = model->named_children();
    auto& encoder = *children["encoder"]->as<EncoderImpl>();
    auto& router = *children["router"]->as<RouterImpl>();
    AnswerOnlyHead direct;
    mor::RouterConfig config;
    config.strategy = mor::RoutingStrategy::TopK;
    config.topK = c.topK;
    config.renormalize = c.renormalize;
    config.input = c.routerFeatures ? mor::RouterInput::Features : mor::RouterInput::Encoding;
    QVERIFY(answerOnlyHead(encoder, router, config, x, direct));
    const auto e = encoder.forward(x);
    QVERIFY2(tailMaxDiff(direct.encoding, e) < 1e-5,
             qPrintable(QString::number(tailMaxDiff(direct.encoding, e))));
    const auto r = router.forward(c.routerFeatures ? x : e);
    QVERIFY(tailMaxDiff(direct.logits, r.logits) < 1e-5);
    QVERIFY(tailMaxDiff(direct.logProbs, r.logProbs) < 1e-5);
    {
        const AnswerOnlyHeadGuard off(false);
        QVERIFY(!answerOnlyHead(encoder, router, config, x, direct));
    }
}

QTEST_APPLESS_MAIN(TstAnswerOnly)
#include "tst_answer_only.moc"
