// SPDX-License-Identifier: GPL-3.0-or-later
// The packed weights of answer-only reflections kept between reflections on a thread
// (model/fused_reflect_packs.h, issue 20, session 41): a second reflection on the same weights
// packs nothing and gives the same answers bit for bit; an in-place change of any of the packed
// tensors (here weight_hh, critic1's bias and, since session 42, the initial state's weight)
// makes the next reflection pack again, and
// its answers follow the new weights (the ATen reference path within 1e-5, and away from the
// old answers); one row (serving) reads the cached packs; a model that is gone gives its room
// to the next; inference tensors (no version counter) are never cached; an expert that starts
// from zeros (no initial-state layer) is cached too.
#include "model/eval_detail.h"
#include "model/fused_gemm.h"
#include "model/fused_reflect.h"
#include "model/fused_reflect_packs.h"
#include "model/halting_policy.h"
#include "model/reflection_expert.h"
#include "sharp_fixtures.h"

#include <QtTest>

using namespace mor::model;
namespace f = mor::model::fused;

namespace {

constexpr int64_t kPackInputs = 6;
constexpr int64_t kPackClasses = 4;

ReflectionExpert packsFixture(uint64_t seed, bool zeroInitialState = false)
{
    torch::manual_seed(seed);
    ReflectionExpert expert(ReflectionExpertOptions(kPackInputs, kPackClasses)
                                .width(16)
                                .maxDepth(5)
                                .cell("gru")
                                .zeroInitialState(zeroInitialState));
    sharp_fixture::sharpenExpert(expert);
    return expert;
}

/// The packed floats of the step's layers of packsFixture's experts (width 16): 3W x (H + C + 1),
/// 3W x W and W/2 x (W + C) weights, each with its bias, in panels.
size_t packsStepFloats(f::GemmIsa isa)
{
    return f::packedFloats(48, kPackInputs + kPackClasses + 1, isa) + f::packedFloats(48, 16, isa)
           + f::packedFloats(8, 16 + kPackClasses, isa);
}

HaltingPolicy packsCritiquePolicy()
{
    mor::ExpertConfig config;
    config.halting = mor::HaltingRule::Critique;
    config.maxDepth = 5;
    config.haltThreshold = 0.5;
    return HaltingPolicy(config);
}

ExpertRun packsAnswerOnly(ReflectionExpert& expert, const torch::Tensor& e, bool fused)
{
    torch::NoGradGuard noGrad;
    const EvalDetailGuard detail(false);
    const FusedReflectGuard path(fused);
    return expert->reflect(e, packsCritiquePolicy(), /*shrink=*/true);
}

double packsMaxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

/// The fused answers against the ATen reference: equal halting steps, values within 1e-5.
void packsExpectReference(ReflectionExpert& expert, const torch::Tensor& e, const ExpertRun& fused)
{
    const auto reference = packsAnswerOnly(expert, e, false);
    QVERIFY(torch::equal(fused.haltStep, reference.haltStep));
    QVERIFY2(packsMaxDiff(fused.answer, reference.answer) <= 1e-5,
             qPrintable(QString::number(packsMaxDiff(fused.answer, reference.answer))));
    QVERIFY(packsMaxDiff(fused.confidence, reference.confidence) <= 1e-5);
}

} // namespace

class TstReflectionPacks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        if (!f::gemmIsaAvailable(f::GemmIsa::Avx2)) {
            QSKIP("no packed kernel on this CPU: reflections run sgemm, nothing is packed");
        }
        f::resetPackedGemmIsa();
        f::clearReflectionPacks();
    }

    void packsKeptUntilTheWeightsChange()
    {
        auto expert = packsFixture(3);
        torch::manual_seed(4);
        const auto e = torch::randn({60, kPackInputs}) * 1.5;
        const auto first = packsAnswerOnly(expert, e, true);
        auto s = f::reflectionPackStats();
        QCOMPARE_EQ(s.entries, size_t(1));
        QCOMPARE_EQ(s.packed, int64_t(1));
        QCOMPARE_EQ(s.hits, int64_t(0));
        // The step's three layers and the initial state's W x H, each with its bias, in panels.
        const auto isa = f::packedGemmIsa();
        QCOMPARE_EQ(s.floats, packsStepFloats(isa) + f::packedFloats(16, kPackInputs, isa));
        packsExpectReference(expert, e, first);

        const auto second = packsAnswerOnly(expert, e, true);
        s = f::reflectionPackStats();
        QCOMPARE_EQ(s.packed, int64_t(1));
        QCOMPARE_EQ(s.hits, int64_t(1));
        QVERIFY(torch::equal(second.answer, first.answer));
        QVERIFY(torch::equal(second.haltStep, first.haltStep));

        // One row, as serving asks: too few to pack for, but the cached packs serve it.
        const auto one = packsAnswerOnly(expert, e.narrow(0, 5, 1), true);
        QCOMPARE_EQ(f::reflectionPackStats().hits, int64_t(2));
        packsExpectReference(expert, e.narrow(0, 5, 1), one);
        QVERIFY(torch::equal(one.answer, first.answer.narrow(0, 5, 1)));

        auto parameters = expert->named_parameters();
        int64_t packed = 1;
        for (const char* name : {"cell.gru.weight_hh", "critic1.bias", "init.weight"}) {
            {
                torch::NoGradGuard noGrad;
                parameters[name].mul_(0.5);
            }
            const auto changed = packsAnswerOnly(expert, e, true);
            s = f::reflectionPackStats();
            QCOMPARE_EQ(s.entries, size_t(1));
            QCOMPARE_EQ(s.hits, int64_t(2));
            QCOMPARE_EQ(s.packed, ++packed);
            packsExpectReference(expert, e, changed);
            QVERIFY2(packsMaxDiff(changed.answer, first.answer) > 1e-3, name);
        }
    }

    void expertsWithoutAnInitialStateLayerAreCached()
    {
        auto expert = packsFixture(7, /*zeroInitialState=*/true);
        QVERIFY(!expert->named_parameters().contains("init.weight"));
        const auto e = torch::randn({30, kPackInputs});
        const auto first = packsAnswerOnly(expert, e, true);
        const auto second = packsAnswerOnly(expert, e, true);
        const auto s = f::reflectionPackStats();
        QCOMPARE_EQ(s.entries, size_t(1));
        QCOMPARE_EQ(s.packed, int64_t(1));
        QCOMPARE_EQ(s.hits, int64_t(1));
        QCOMPARE_EQ(s.floats, packsStepFloats(f::packedGemmIsa()));
        QVERIFY(torch::equal(second.answer, first.answer));
        packsExpectReference(expert, e, first);
    }

    void goneModelsMakeRoomAndInferenceTensorsAreNotCached()
    {
        const auto e = torch::randn({20, kPackInputs});
        {
            auto gone = packsFixture(5);
            packsAnswerOnly(gone, e, true);
        }
        QCOMPARE_EQ(f::reflectionPackStats().entries, size_t(1));
        auto next = packsFixture(6);
        const auto run = packsAnswerOnly(next, e, true);
        auto s = f::reflectionPackStats();
        QCOMPARE_EQ(s.entries, size_t(1)); // the first model's packs were dropped
        QCOMPARE_EQ(s.packed, int64_t(2));
        packsExpectReference(next, e, run);

        // Parameters made in inference mode: packed for the reflection only.
        c10::InferenceMode inference;
        auto frozen = packsFixture(7);
        QVERIFY(frozen->parameters().front().is_inference());
        const auto big = packsAnswerOnly(frozen, e, true);
        s = f::reflectionPackStats();
        QCOMPARE_EQ(s.entries, size_t(1));
        QCOMPARE_EQ(s.packed, int64_t(3));
        // Three rows of inference tensors: not worth packing, sgemm.
        packsAnswerOnly(frozen, e.narrow(0, 0, 3), true);
        QCOMPARE_EQ(f::reflectionPackStats().packed, int64_t(3));
        QCOMPARE_EQ(big.answer.size(0), int64_t(20));
    }
};

QTEST_APPLESS_MAIN(TstReflectionPacks)
#include "tst_reflection_packs.moc"
