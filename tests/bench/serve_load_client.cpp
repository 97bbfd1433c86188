// Load generator for `mor serve` (built by serve_load.sh with the system cpp-httplib):
// C concurrent clients, each on its own keep-alive connection, send single-input
// POST /v1/predict requests with random 0/1 features until N requests or T seconds.
// Prints one line: requests, errors, seconds, requests/s, p50 and p99 latency in ms.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 7) {
        std::fprintf(stderr, "usage: %s PORT FEATURES CLIENTS REQUESTS SECONDS LABEL\n", argv[0]);
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const int features = std::atoi(argv[2]);
    const int clients = std::atoi(argv[3]);
    const int total = std::atoi(argv[4]);
    const double limit = std::atof(argv[5]);
    const std::string label = argv[6];

    std::atomic<int> issued{0}, errors{0};
    std::mutex mutex;
    std::vector<double> latencies;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);
            std::mt19937 rng(unsigned(c + 1));
            std::vector<double> mine;
            while (issued.fetch_add(1) < total && elapsed() < limit) {
                std::string body = "{\"input\": [";
                for (int k = 0; k < features; ++k) {
                    body += (k ? "," : "") + std::to_string(rng() & 1u);
                }
                body += "]}";
                const auto t0 = std::chrono::steady_clock::now();
                auto r = client.Post("/v1/predict", body, "application/json");
                const double ms =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count();
                if (!r || r->status != 200) {
                    ++errors;
                    continue;
                }
                mine.push_back(ms);
            }
            std::lock_guard<std::mutex> lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const double seconds = elapsed();
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double q) {
        if (latencies.empty()) {
            return 0.0;
        }
        return latencies[std::min(latencies.size() - 1, size_t(q * double(latencies.size())))];
    };
    std::printf("%-22s clients %3d  requests %6zu  errors %3d  %7.2f s  %8.1f req/s  "
                "p50 %7.2f ms  p99 %7.2f ms\n",
                label.c_str(), clients, latencies.size(), errors.load(), seconds,
                double(latencies.size()) / seconds, pct(0.50), pct(0.99));
    return errors.load() == 0 ? 0 : 1;
}
