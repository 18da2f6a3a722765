// Early-stopping rules (lib/pruner): ASHA's and the median rule's decisions from tables of
// cases, the rung ladder, and agreement with a sort-based statement of the rule.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "pruner.hpp"

namespace {

using hpo::AshaRule;
using hpo::MedianRule;
using hpo::Mode;
using hpo::Verdict;
using V = std::vector<double>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Verdict kGo = Verdict::kContinue;
constexpr Verdict kStop = Verdict::kStop;

AshaRule Rule(int eta, int min_trials) {
  AshaRule r;
  r.reduction_factor = eta;
  r.min_trials = min_trials;
  return r;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("the rungs are min_resource * eta^k below max_resource") {
  struct Case { double min, max; int eta; V rungs; };
  const Case cases[] = {
      {1, 27, 3, {1, 3, 9}},          // no rung at the full budget
      {1, 28, 3, {1, 3, 9, 27}},
      {2, 100, 2, {2, 4, 8, 16, 32, 64}},
      {0.5, 4, 4, {0.5, 2}},
      {5, 5, 3, {}},                  // min == max: nothing to judge
      {9, 3, 3, {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.min);
    CAPTURE(c.max);
    AshaRule r;
    r.min_resource = c.min;
    r.max_resource = c.max;
    r.reduction_factor = c.eta;
    CHECK(hpo::RungResources(r) == c.rungs);
  }
}

TEST_CASE("a step belongs to the highest rung it has reached") {
  const V rungs = {1, 3, 9};
  struct Case { double step; std::optional<int> rung; };
  const Case cases[] = {{0, std::nullopt}, {0.99, std::nullopt}, {1, 0}, {2.5, 0},
                        {3, 1}, {8, 1}, {9, 2}, {1000, 2}};
  for (const auto& c : cases) {
    CAPTURE(c.step);
    CHECK(hpo::RungAtStep(rungs, c.step) == c.rung);
  }
  CHECK(hpo::RungAtStep({}, 5) == std::nullopt);
}

TEST_CASE("ASHA keeps the best max(1, floor(n / eta)) of a rung, its own value included") {
  struct Case { const char* what; double own; V recorded; Mode mode; int eta, min_trials; Verdict v; };
  const Case cases[] = {
      {"the first trial at a rung", 0.9, {0.9}, Mode::kMin, 3, 1, kGo},
      {"second, worse, eta 3: keep 1 of 2", 0.9, {0.5, 0.9}, Mode::kMin, 3, 1, kStop},
      {"second, better", 0.4, {0.5, 0.4}, Mode::kMin, 3, 1, kGo},
      {"3 values, eta 3: only the best goes on", 0.5, {0.4, 0.5, 0.6}, Mode::kMin, 3, 1, kStop},
      {"6 values, eta 3: the best 2 go on", 0.5, {0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, Mode::kMin, 3, 1, kGo},
      {"6 values, eta 3: the third stops", 0.6, {0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, Mode::kMin, 3, 1, kStop},
      {"eta 2: the better half goes on", 0.3, {0.1, 0.2, 0.3, 0.4}, Mode::kMin, 2, 1, kStop},
      {"eta 2: the better half goes on (2nd)", 0.2, {0.1, 0.2, 0.3, 0.4}, Mode::kMin, 2, 1, kGo},
      {"a tie at the cut goes on", 0.5, {0.5, 0.5, 0.5}, Mode::kMin, 3, 1, kGo},
      {"a tie with the best of 4 goes on", 0.2, {0.2, 0.2, 0.9, 0.9}, Mode::kMin, 3, 1, kGo},
      {"maximise: the largest goes on", 0.9, {0.1, 0.5, 0.9}, Mode::kMax, 3, 1, kGo},
      {"maximise: a small value stops", 0.5, {0.1, 0.5, 0.9}, Mode::kMax, 3, 1, kStop},
      {"grace: fewer than min_trials values", 0.9, {0.1, 0.2, 0.9}, Mode::kMin, 3, 4, kGo},
      {"grace ends at min_trials values", 0.9, {0.1, 0.2, 0.3, 0.9}, Mode::kMin, 3, 4, kStop},
      {"a NaN value stops", kNaN, {0.1, kNaN}, Mode::kMin, 3, 1, kStop},
      {"a NaN value stops, even in grace", kNaN, {kNaN}, Mode::kMin, 3, 5, kStop},
      {"an infinite value stops", kInf, {0.1, kInf}, Mode::kMin, 3, 1, kStop},
      {"others' NaN count as the worst", 0.9, {kNaN, kNaN, 0.9}, Mode::kMin, 3, 1, kGo},
      {"others' NaN count as the worst (max)", -5, {kNaN, -5, kNaN}, Mode::kMax, 3, 1, kGo},
      {"negative values, minimised", -2, {-3, -2, -1}, Mode::kMin, 3, 1, kStop},
      {"negative values, minimised, best", -3, {-3, -2, -1}, Mode::kMin, 3, 1, kGo},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(hpo::AshaVerdict(c.own, c.recorded, c.mode, Rule(c.eta, c.min_trials)) == c.v);
  }
}

TEST_CASE("ASHA's selection agrees with sorting the rung, on random rungs") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    int eta = 2 + static_cast<int>(rng() % 4);
    size_t n = 1 + rng() % 40;
    V values(n);
    for (double& v : values) v = static_cast<double>(rng() % 10);  // many ties
    double own = values[rng() % n];
    Mode mode = rng() % 2 ? Mode::kMin : Mode::kMax;
    V sorted = values;
    std::sort(sorted.begin(), sorted.end());
    if (mode == Mode::kMax) std::reverse(sorted.begin(), sorted.end());
    size_t keep = std::max<size_t>(1, n / static_cast<size_t>(eta));
    double cut = sorted[keep - 1];
    bool go = mode == Mode::kMin ? own <= cut : own >= cut;
    CAPTURE(round);
    CHECK((hpo::AshaVerdict(own, values, mode, Rule(eta, 1)) == kGo) == go);
  }
}

TEST_CASE("the median rule stops a trial worse than the others' median at the step") {
  struct Case { const char* what; double best; V others; double step; Mode mode; int startup; double warmup; Verdict v; };
  const Case cases[] = {
      {"better than the median", 0.2, {0.1, 0.3, 0.5}, 5, Mode::kMin, 3, 0, kGo},
      {"worse than the median", 0.4, {0.1, 0.3, 0.5}, 5, Mode::kMin, 3, 0, kStop},
      {"equal to the median goes on", 0.3, {0.1, 0.3, 0.5}, 5, Mode::kMin, 3, 0, kGo},
      {"even count: the mean of the middle two", 0.25, {0.1, 0.2, 0.3, 0.9}, 5, Mode::kMin, 3, 0, kGo},
      {"even count: just above it", 0.26, {0.1, 0.2, 0.3, 0.9}, 5, Mode::kMin, 3, 0, kStop},
      {"too few others (startup)", 0.9, {0.1, 0.2}, 5, Mode::kMin, 3, 0, kGo},
      {"no others at all", 0.9, {}, 5, Mode::kMin, 0, 0, kGo},
      {"during warm-up", 0.9, {0.1, 0.2, 0.3}, 2, Mode::kMin, 3, 2, kGo},
      {"after warm-up", 0.9, {0.1, 0.2, 0.3}, 3, Mode::kMin, 3, 2, kStop},
      {"maximise: above the median", 0.8, {0.1, 0.5, 0.9}, 5, Mode::kMax, 3, 0, kGo},
      {"maximise: below the median", 0.4, {0.1, 0.5, 0.9}, 5, Mode::kMax, 3, 0, kStop},
      {"a NaN best stops", kNaN, {0.1, 0.2, 0.3}, 5, Mode::kMin, 3, 0, kStop},
      {"others' NaN count as the worst", 0.5, {0.1, kNaN, kNaN}, 5, Mode::kMin, 3, 0, kGo},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    MedianRule r;
    r.n_startup_trials = c.startup;
    r.n_warmup_steps = c.warmup;
    CHECK(hpo::MedianVerdict(c.best, c.others, c.step, c.mode, r) == c.v);
  }
}

TEST_SUITE_END();
