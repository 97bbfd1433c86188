// Mixed precision in the model (model/mixed_precision.h). Found on the GPU (tests/gpu/run.sh,
// session 22): under CUDA bf16 autocast, a training pass stopped at a scatter of float32 answers
// into a bf16 buffer and at binary_cross_entropy, which autocast refuses on CUDA. The helpers
// are checked here on the CPU, where LibTorch 1.13 has bf16 autocast too.
#include "compat/torch_compat.h"
#include "model/mixed_precision.h"

#include <QtTest>

#include <cmath>

using namespace mor::model;

class TstMixedPrecision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bceUnderAutocastMatchesTheClosedForm();
    void bceUnderAutocastMatchesTorchInValueAndGradient();
    void bceWithoutAutocastIsTorchs();
    void indexCopyKeepsTheWiderType();
};

void TstMixedPrecision::bceUnderAutocastMatchesTheClosedForm()
{
    // -(t log p + (1-t) log(1-p)): p 0.25 -> 1.3862944 (t 1), 0.2876821 (t 0); p 0.9, t 1 ->
    // 0.1053605; a p of exactly 0 (t 1) is clamped at 100 as PyTorch does.
    const auto p = torch::tensor({0.25, 0.25, 0.9, 0.0}, torch::kFloat);
    const auto t = torch::tensor({1.0, 0.0, 1.0, 1.0}, torch::kFloat);
    mor::compat::AutocastGuard autocast(torch::kCPU, torch::kBFloat16);
    QVERIFY(mor::compat::AutocastGuard::enabled(c10::DeviceType::CPU));
    const auto loss = binaryCrossEntropy(p, t, at::Reduction::None);
    QCOMPARE(loss.scalar_type(), torch::kFloat);
    const auto v = loss.accessor<float, 1>();
    QVERIFY(std::abs(v[0] - 1.3862944f) < 1e-6f);
    QVERIFY(std::abs(v[1] - 0.2876821f) < 1e-6f);
    QVERIFY(std::abs(v[2] - 0.1053605f) < 1e-6f);
    QCOMPARE(v[3], 100.0f);
    const double mean = binaryCrossEntropy(p, t).item<double>();
    QVERIFY(std::abs(mean - (1.3862944 + 0.2876821 + 0.1053605 + 100.0) / 4.0) < 1e-5);
}

void TstMixedPrecision::bceUnderAutocastMatchesTorchInValueAndGradient()
{
    // Probabilities given in bf16 (as an autocast matmul gives them): the loss is float32 and
    // equal to torch's float loss of the same probabilities; from float32 probabilities the
    // gradient is torch's too.
    torch::manual_seed(3);
    const auto p16 =
        torch::sigmoid(torch::randn({64})).clamp(1e-6, 1.0 - 1e-6).to(torch::kBFloat16);
    const auto t = torch::rand({64}).gt(0.5).to(torch::kFloat);
    auto pa = p16.to(torch::kFloat).detach().requires_grad_(true);
    auto pb = p16.to(torch::kFloat).detach().requires_grad_(true);
    const auto reference = torch::binary_cross_entropy(pb, t);
    reference.backward();
    torch::Tensor loss, loss16;
    {
        mor::compat::AutocastGuard autocast(torch::kCPU, torch::kBFloat16);
        loss = binaryCrossEntropy(pa, t);
        loss16 = binaryCrossEntropy(p16, t);
    }
    loss.backward();
    QCOMPARE(loss16.scalar_type(), torch::kFloat);
    QVERIFY(std::abs(loss16.item<double>() - reference.item<double>()) < 1e-6);
    QVERIFY(std::abs(loss.item<double>() - reference.item<double>()) < 1e-6);
    QVERIFY((pa.grad() - pb.grad()).abs().max().item<double>() < 1e-5);
}

void TstMixedPrecision::bceWithoutAutocastIsTorchs()
{
    const auto p = torch::tensor({0.3, 0.7, 0.5}, torch::kDouble);
    const auto t = torch::tensor({1.0, 1.0, 0.0}, torch::kDouble);
    QVERIFY(!mor::compat::AutocastGuard::enabled(c10::DeviceType::CPU));
    const auto loss = binaryCrossEntropy(p, t, at::Reduction::None);
    QCOMPARE(loss.scalar_type(), torch::kDouble);
    QVERIFY(torch::equal(loss, torch::binary_cross_entropy(p, t, {}, at::Reduction::None)));
}

void TstMixedPrecision::indexCopyKeepsTheWiderType()
{
    // A bf16 buffer receiving float32 values: the result is float32 and holds 0.1f exactly
    // (bf16 would round it to 0.10009765625); the other way round as well.
    const auto base = torch::zeros({4}, torch::kBFloat16);
    const auto rows = torch::tensor({1, 3}, torch::kLong);
    const auto values = torch::tensor({0.1f, 0.2f});
    const auto out = indexCopyPromoted(base, 0, rows, values);
    QCOMPARE(out.scalar_type(), torch::kFloat);
    QCOMPARE(out[1].item<float>(), 0.1f);
    QCOMPARE(out[3].item<float>(), 0.2f);
    QCOMPARE(out[0].item<float>(), 0.0f);
    const auto back = indexCopyPromoted(values.clone(), 0, torch::tensor({0}, torch::kLong),
                                        torch::ones({1}, torch::kBFloat16));
    QCOMPARE(back.scalar_type(), torch::kFloat);
    QCOMPARE(back[0].item<float>(), 1.0f);
    QCOMPARE(back[1].item<float>(), 0.2f);
}

QTEST_APPLESS_MAIN(TstMixedPrecision)
#include "tst_mixed_precision.moc"
