#include <torch/torch.h>
#include <chrono>
#include <cstdio>
int main() {
    torch::set_num_threads(1);
    // ~40 parameters, 1.16 MB of Adam state total (2 x 0.58 MB)
    std::vector<torch::Tensor> ps;
    int64_t total = 0;
    for (int i = 0; i < 40; ++i) { auto n = (i % 4 == 0) ? 12288 : 1024; ps.push_back(torch::randn({n})); total += n; }
    auto flat = torch::randn({total * 2});
    auto now = [] { return std::chrono::steady_clock::now(); };
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    for (int rep = 0; rep < 5; ++rep) {
        auto t0 = now();
        {
            torch::serialize::OutputArchive a;
            for (size_t i = 0; i < ps.size(); ++i) {
                a.write("exp_avg/" + std::to_string(i), ps[i]);
                a.write("exp_avg_sq/" + std::to_string(i), ps[i]);
            }
            a.save_to("/tmp/ckx/many.pt");
        }
        auto t1 = now();
        {
            torch::serialize::OutputArchive a;
            a.write("flat", flat);
            a.save_to("/tmp/ckx/flat.pt");
        }
        auto t2 = now();
        printf("80 records %.2f ms, 1 record %.2f ms (%lld floats)\n", ms(t0, t1), ms(t1, t2), (long long)flat.numel());
    }
}
