// Which hyperparameters matter (lib/importance): main effects on synthetic data whose truth
// is known, from a table of cases; categorical and conditional parameters; the edges.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "importance.hpp"

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Data {
  std::vector<std::vector<double>> x;
  std::vector<bool> categorical;
  std::vector<double> y;
};

// lr (log-uniform), batch_size (4 categories), nesterov (2 categories, no effect), momentum
// (present in half the trials, a small effect there); y = strong * f(lr) + weak * batch + noise.
Data Synthetic(int n, double strong, double weak, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 0.1);
  Data d;
  d.x.assign(4, std::vector<double>(n));
  d.categorical = {false, true, true, false};
  for (int t = 0; t < n; ++t) {
    double lr = -4 + 3 * u(rng);  // log10
    double batch = std::floor(4 * u(rng));
    double nesterov = std::floor(2 * u(rng));
    bool has_momentum = u(rng) < 0.5;
    double momentum = has_momentum ? u(rng) : kNaN;
    d.x[0][t] = lr;
    d.x[1][t] = batch;
    d.x[2][t] = nesterov;
    d.x[3][t] = momentum;
    d.y.push_back(strong * (lr + 2.5) * (lr + 2.5) + weak * batch + (has_momentum ? 0.05 * momentum : 0) + noise(rng));
  }
  return d;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("main effects rank parameters as the truth does") {
  struct Case { const char* what; int n; double strong, weak; std::vector<size_t> order; };
  const Case cases[] = {
      {"strong lr, weak batch", 2000, 1.0, 0.1, {0, 1}},
      {"batch stronger than lr", 2000, 0.05, 1.0, {1, 0}},
      {"few trials still find the strong one", 60, 1.0, 0.0, {0}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Data d = Synthetic(c.n, c.strong, c.weak, 7);
    auto imp = hpo::MainEffects(d.x, d.categorical, d.y);
    REQUIRE(imp.size() == 4);
    for (size_t i = 0; i < c.order.size(); ++i) CHECK(imp[i].dim == c.order[i]);
    double sum = 0;
    for (const auto& p : imp) {
      CHECK(p.effect >= 0);
      CHECK(p.share >= 0);
      sum += p.share;
    }
    CHECK(sum == doctest::Approx(1));
    for (const auto& p : imp)
      if (p.dim == 2) CHECK(p.share < 0.02);  // nesterov does nothing
  }
}

TEST_CASE("a parameter without effect is near zero, a conditional one counts its trials") {
  Data d = Synthetic(4000, 1.0, 0.0, 3);
  auto imp = hpo::MainEffects(d.x, d.categorical, d.y);
  for (const auto& p : imp) {
    if (p.dim == 3) {
      CHECK(p.n > 1800);
      CHECK(p.n < 2200);  // about half the trials have momentum
    } else {
      CHECK(p.n == 4000);
    }
    if (p.dim == 1 || p.dim == 2) CHECK(p.effect < 0.005);
  }
  CHECK(imp[0].dim == 0);
  CHECK(imp[0].effect > 0.5);
}

TEST_CASE("main effects at the edges: too few trials, constant metric, one category") {
  std::vector<std::vector<double>> x = {{1, 2, 3, 4, 5}};
  auto few = hpo::MainEffects(x, {false}, {1, 2, 3, 4, 5});
  CHECK(few[0].effect == 0);
  CHECK(few[0].n == 5);
  std::vector<std::vector<double>> x20(2, std::vector<double>(20));
  std::vector<double> y(20, 0.5);
  for (int t = 0; t < 20; ++t) x20[0][t] = t, x20[1][t] = 0;
  auto flat = hpo::MainEffects(x20, {false, true}, y);
  for (const auto& p : flat) {
    CHECK(p.effect == 0);
    CHECK(p.share == 0);
  }
  for (int t = 0; t < 20; ++t) y[t] = t;
  auto one = hpo::MainEffects(x20, {false, true}, y);
  CHECK(one[0].dim == 0);
  CHECK(one[0].effect > 0.5);
  CHECK(one[1].effect == 0);  // a single category explains nothing
  CHECK(hpo::MainEffects({}, {}, y).empty());
}
