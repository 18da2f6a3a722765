// Times MainEffects (lib/importance) on N random trials of P parameters (half numeric, half
// categorical, one conditional), beside a plain sort of the metric (the limit: the ranks need
// one). Built and run by bench/importance/run.sh. Prints milliseconds, the median of R rounds.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "importance.hpp"

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  std::printf("%8s %6s %14s %12s %8s\n", "trials", "params", "importance ms", "sort ms", "ratio");
  for (int n : {1000, 10000, 100000}) {
    const int params = 10;
    std::vector<std::vector<double>> x(params, std::vector<double>(n));
    std::vector<bool> categorical(params);
    std::vector<double> y(n);
    for (int j = 0; j < params; ++j) categorical[j] = j % 2 == 1;
    for (int t = 0; t < n; ++t) {
      for (int j = 0; j < params; ++j) x[j][t] = categorical[j] ? std::floor(4 * u(rng)) : u(rng);
      if (u(rng) < 0.5) x[params - 1][t] = std::nan("");
      y[t] = x[0][t] * x[0][t] + 0.1 * x[1][t] + 0.05 * u(rng);
    }
    std::vector<double> a, b;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      volatile size_t k = hpo::MainEffects(x, categorical, y).size();
      (void)k;
      auto t1 = std::chrono::steady_clock::now();
      std::vector<double> s = y;
      std::sort(s.begin(), s.end());
      auto t2 = std::chrono::steady_clock::now();
      a.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      b.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::printf("%8d %6d %14.2f %12.2f %8.1f\n", n, params, a[a.size() / 2], b[b.size() / 2],
                a[a.size() / 2] / b[b.size() / 2]);
  }
}
