// Deferred weight gradients of segment layers (model/segment_gradients.h, issue 20 session 38):
// fused::weightGradientSegments against a double reference and, bit for bit, against one
// packedProductStrided call per segment (the order of the float sums is the same); a
// SegmentWeight's gradients with the deferral on equal to those with it off, bit for bit where
// every block is the kernel's, within 1e-5 where large blocks take BLAS at once and a call on a
// few columns overlaps the deferred ones; the gradient node's hand-over to the parameters
// (session 40) against AccumulateGrad on per-member products.
#include "model/fused_gemm.h"
#include "model/grouped_linear.h"
#include "model/segment_gradients.h"
#include "model/segment_packs.h"

#include <QtTest>

#include <vector>

using namespace mor::model;

namespace {

std::vector<fused::GemmIsa> segmentGradientKernels()
{
    std::vector<fused::GemmIsa> kernels;
    for (const auto isa : {fused::GemmIsa::Avx2, fused::GemmIsa::Avx512}) {
        if (fused::gemmIsaAvailable(isa)) {
            kernels.push_back(isa);
        }
    }
    return kernels;
}

} // namespace

class TstSegmentGradients : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void segmentsMatchReferenceAndSequentialCalls();
    void refusesWhatNoKernelRuns();
    void deferredGradientsEqualImmediateOnes();
    void parametersTakeGradientsAsAccumulateGradWould();
};

void TstSegmentGradients::segmentsMatchReferenceAndSequentialCalls()
{
    torch::manual_seed(41);
    int checked = 0;
    double worst = 0.0;
    for (const auto isa : segmentGradientKernels()) {
        const int64_t nr = fused::panelWidth(isa);
        const std::vector<float> zeros(size_t(4 * nr), 0.0f);
        for (const std::vector<int64_t>& rows :
             {std::vector<int64_t>{64}, {7, 0, 93}, {1, 64, 33}}) {
            for (const int64_t out : {5, 64, 385}) {
                for (const int64_t k : {nr, 4 * nr}) {
                    for (const bool accumulate : {false, true}) {
                        const int64_t column = 3, width = k + 7;
                        std::vector<torch::Tensor> dys, xs;
                        std::vector<fused::GradientSegment> segments;
                        for (const int64_t n : rows) {
                            dys.push_back(torch::randn({n, out}));
                            xs.push_back(torch::randn({n, k}));
                            segments.push_back(fused::GradientSegment{
                                dys.back().data_ptr<float>(), xs.back().data_ptr<float>(), n});
                        }
                        const auto before = torch::randn({out + 1, width});
                        auto dw = before.clone(), sequential = before.clone();
                        QVERIFY(fused::weightGradientSegments(
                            segments.data(), segments.size(), out, out, k, k,
                            dw.data_ptr<float>() + column, width, accumulate, isa));
                        for (size_t s = 0; s < rows.size(); ++s) {
                            fused::packedProductStrided(
                                fused::weightColumns(xs[s].data_ptr<float>(), k, rows[s], k, isa,
                                                     zeros.data()),
                                dys[s].data_ptr<float>(), 1, out, out,
                                sequential.data_ptr<float>() + column, width,
                                accumulate || s > 0);
                        }
                        const QString where = QString("isa %1 rows %2 out %3 k %4 acc %5")
                                                  .arg(int(isa)).arg(rows.size()).arg(out)
                                                  .arg(k).arg(accumulate);
                        QVERIFY2(torch::equal(dw, sequential), qPrintable(where));
                        auto reference = torch::zeros({out, k}, torch::kDouble);
                        auto scale = reference.clone();
                        for (size_t s = 0; s < rows.size(); ++s) {
                            const auto dyd = dys[s].to(torch::kDouble);
                            const auto xd = xs[s].to(torch::kDouble);
                            reference += dyd.t().matmul(xd);
                            scale += dyd.abs().t().matmul(xd.abs());
                        }
                        const auto old =
                            before.narrow(0, 0, out).narrow(1, column, k).to(torch::kDouble);
                        if (accumulate) {
                            reference += old;
                            scale += old.abs();
                        }
                        const auto got = dw.narrow(0, 0, out).narrow(1, column, k);
                        const double error =
                            ((got.to(torch::kDouble) - reference).abs() / scale.clamp_min(1e-30))
                                .max()
                                .item<double>();
                        worst = std::max(worst, error);
                        QVERIFY2(error <= 1e-5, qPrintable(where + QString(" error %1")
                                                                    .arg(error)));
                        auto outside = dw.clone(); // other columns and the last row untouched
                        outside.narrow(0, 0, out).narrow(1, column, k).copy_(
                            before.narrow(0, 0, out).narrow(1, column, k));
                        QVERIFY2(torch::equal(outside, before), qPrintable(where));
                        ++checked;
                    }
                }
            }
        }
    }
    qInfo("weight-gradient segments: %d shapes, largest error %.3g of the terms' magnitude",
          checked, worst);
    if (fused::gemmIsaAvailable(fused::GemmIsa::Avx2)) {
        QVERIFY(checked >= 36);
    }
}

void TstSegmentGradients::refusesWhatNoKernelRuns()
{
    std::vector<float> dy(64, 1.0f), x(64, 1.0f), dw(64, 7.0f);
    const fused::GradientSegment segment{dy.data(), x.data(), 2};
    // No kernel: nothing written.
    QVERIFY(!fused::weightGradientSegments(&segment, 1, 2, 2, 16, 16, dw.data(), 16, false,
                                           fused::GemmIsa::None));
    for (const auto isa : segmentGradientKernels()) {
        // Columns not a whole number of the kernel's panels: refused.
        QVERIFY(!fused::weightGradientSegments(&segment, 1, 2, 2, 12, 12, dw.data(), 16, false,
                                               isa));
    }
    QVERIFY(std::all_of(dw.begin(), dw.end(), [](float v) { return v == 7.0f; }));
}

void TstSegmentGradients::deferredGradientsEqualImmediateOnes()
{
    if (segmentGradientKernels().empty()) {
        QSKIP("no AVX2/FMA kernel on this CPU: nothing is deferred");
    }
    torch::manual_seed(43);
    // Members of 0, 1, 40 and 200 rows (deferred) and, in the second case, one of 300 (its
    // blocks by BLAS at once); three calls on columns [0, 128) (steps), one on [128, 150) and
    // one on five columns overlapping both ranges (the few-column loops, at once).
    for (const bool large : {false, true}) {
        std::vector<int64_t> counts{0, 1, 40, 200};
        if (large) {
            counts.push_back(300);
        }
        int64_t rows = 0;
        for (const int64_t n : counts) {
            rows += n;
        }
        std::vector<torch::Tensor> w, b;
        for (size_t g = 0; g < counts.size(); ++g) {
            w.push_back(torch::randn({384, 150}).requires_grad_(true));
            b.push_back(torch::randn({384}).requires_grad_(true));
        }
        const auto x1 = torch::randn({rows, 128}), x2 = torch::randn({rows, 22});
        const auto x3 = torch::randn({rows, 5});
        const auto r = torch::randn({5, rows, 384});
        using segment::BackwardPath;
        const auto pass = [&](bool defer) {
            segment::setBackwardPath(BackwardPath::DeferredWeightGradient, defer);
            std::vector<torch::Tensor> in{x1.clone().requires_grad_(),
                                          x2.clone().requires_grad_(),
                                          x3.clone().requires_grad_()};
            const SegmentWeight seg(w, b);
            const auto y1 = seg(in[0], counts, 0, true);
            const auto y2 = seg(torch::tanh(y1.narrow(1, 0, 128)), counts, 0, true);
            const auto y3 = seg(in[1], counts, 128, false);
            const auto y4 = seg(torch::tanh(y2.narrow(1, 0, 128)), counts, 0, false);
            const auto y5 = seg(in[2], counts, 125, false);
            ((y1 * r[0]).sum() + (y2 * r[1]).sum() + (y3 * r[2]).sum() + (y4 * r[3]).sum()
             + (y5 * r[4]).sum())
                .backward();
            std::vector<torch::Tensor> out{in[0].grad(), in[1].grad(), in[2].grad()};
            for (size_t g = 0; g < counts.size(); ++g) {
                out.push_back(w[g].grad().clone());
                out.push_back(b[g].grad().clone());
                w[g].mutable_grad() = b[g].mutable_grad() = torch::Tensor();
            }
            segment::setBackwardPath(BackwardPath::DeferredWeightGradient, true);
            return out;
        };
        const auto passesBefore = segment::deferredWeightGradients();
        const auto immediate = pass(false);
        QCOMPARE(segment::deferredWeightGradients(), passesBefore);
        const auto deferred = pass(true);
        // Members 1, 2 and 3 deferred their calls on [0, 128): one pass each.
        QCOMPARE(segment::deferredWeightGradients() - passesBefore, int64_t(3));
        for (size_t i = 0; i < immediate.size(); ++i) {
            const QString where = QString("large %1 tensor %2").arg(large).arg(i);
            if (!large) {
                QVERIFY2(torch::equal(deferred[i], immediate[i]), qPrintable(where));
            } else {
                const double scale = immediate[i].abs().max().item<double>();
                const double diff = (deferred[i] - immediate[i]).abs().max().item<double>();
                QVERIFY2(diff <= 1e-5 * scale, qPrintable(where));
            }
        }
        // Member 0 has no rows: zero gradient; the weight's columns all written elsewhere.
        QCOMPARE(deferred[3].abs().sum().item<double>(), 0.0);
        QVERIFY(deferred[5].abs().min().item<double>() > 0.0);
    }
}

void TstSegmentGradients::parametersTakeGradientsAsAccumulateGradWould()
{
    torch::manual_seed(44);
    const std::vector<int64_t> counts{3, 0, 70, 4};
    const int64_t rows = 77, in = 40, out = 64;
    std::vector<torch::Tensor> w, b, wr, br; // wr, br: the reference's copies
    for (size_t g = 0; g < counts.size(); ++g) {
        w.push_back(torch::randn({out, in}).requires_grad_(true));
        b.push_back(torch::randn({out}).requires_grad_(true));
        wr.push_back(w.back().detach().clone().requires_grad_(true));
        br.push_back(b.back().detach().clone().requires_grad_(true));
    }
    // Member 2's weight carries a hook (its gradient doubled, as pruning's masks scale theirs);
    // member 3's bias is frozen.
    for (auto* p : {&w[2], &wr[2]}) {
        p->register_hook([](const torch::Tensor& grad) { return grad * 2; });
    }
    b[3].requires_grad_(false);
    br[3].requires_grad_(false);
    const SegmentWeight seg(w, b);
    const auto segmentLoss = [&](const torch::Tensor& x, const torch::Tensor& r) {
        return (seg(x, counts, 0, true) * r).sum();
    };
    const auto referenceLoss = [&](const torch::Tensor& x, const torch::Tensor& r) {
        std::vector<torch::Tensor> blocks;
        int64_t start = 0;
        for (size_t g = 0; g < counts.size(); ++g) {
            blocks.push_back(torch::addmm(br[g], x.narrow(0, start, counts[g]), wr[g].t()));
            start += counts[g];
        }
        return (torch::cat(blocks) * r).sum();
    };
    // Two backward passes into the same gradients (micro-batches): the second adds.
    const auto x = torch::randn({2, rows, in}), r = torch::randn({2, rows, out});
    for (int pass = 0; pass < 2; ++pass) {
        const auto loss = segmentLoss(x[pass], r[pass]);
        if (pass == 0) { // the gradient node: an edge for the hooked weight only
            std::shared_ptr<torch::autograd::Node> node;
            std::vector<std::shared_ptr<torch::autograd::Node>> open{loss.grad_fn()};
            while (!open.empty() && node == nullptr) {
                const auto next = open.back();
                open.pop_back();
                if (next->name() == "SegmentWeightGradients") {
                    node = next;
                }
                for (const auto& edge : next->next_edges()) {
                    if (edge.is_valid()) {
                        open.push_back(edge.function);
                    }
                }
            }
            QVERIFY(node != nullptr);
            int valid = 0;
            for (const auto& edge : node->next_edges()) {
                valid += edge.is_valid() ? 1 : 0;
            }
            QCOMPARE(node->num_outputs(), uint32_t(8));
            QCOMPARE(valid, 1);
        }
        loss.backward();
        referenceLoss(x[pass], r[pass]).backward();
    }
    for (size_t g = 0; g < counts.size(); ++g) {
        const QString where = QString("member %1").arg(g);
        QVERIFY2(w[g].grad().defined() && wr[g].grad().defined(), qPrintable(where));
        QVERIFY2(torch::allclose(w[g].grad(), wr[g].grad(), 1e-5, 1e-5), qPrintable(where));
        if (g == 3) {
            QVERIFY(!b[g].grad().defined());
        } else {
            QVERIFY2(torch::allclose(b[g].grad(), br[g].grad(), 1e-5, 1e-5), qPrintable(where));
        }
    }
    QCOMPARE(w[1].grad().abs().sum().item<double>(), 0.0); // no rows: zero, as per member
    // autograd::grad for the input only: the parameters' gradients stay as they are.
    const auto before = w[0].grad().clone();
    const auto xIn = x[0].clone().requires_grad_(true);
    const auto dx = torch::autograd::grad({segmentLoss(xIn, r[0])}, {xIn})[0];
    QVERIFY(dx.defined() && dx.abs().sum().item<double>() > 0.0);
    QVERIFY(torch::equal(w[0].grad(), before));
}

QTEST_APPLESS_MAIN(TstSegmentGradients)
#include "tst_segment_gradients.moc"
