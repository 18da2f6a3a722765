// The best trial, from a table of cases: the mode decides, ties go to the lowest id, and a
// trial without a finite metric is never the best, in whatever order trials are offered.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "best_trial.hpp"

namespace {

using hpo::Mode;
using hpo::TrialId;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("the best trial: best metric under the mode, ties to the lowest id, none without a metric") {
  struct Offer {
    TrialId id;
    std::optional<double> metric;
  };
  struct Case {
    const char* what;
    Mode mode;
    std::vector<Offer> offers;
    std::optional<TrialId> best;
  };
  const Case cases[] = {
      {"nothing offered", Mode::kMin, {}, std::nullopt},
      {"only trials without a metric", Mode::kMin, {{0, std::nullopt}, {1, kNaN}}, std::nullopt},
      {"infinite metrics are not taken", Mode::kMax, {{0, kInf}, {1, -kInf}}, std::nullopt},
      {"min takes the smallest", Mode::kMin, {{0, 0.5}, {1, 0.2}, {2, 0.9}}, 1},
      {"max takes the largest", Mode::kMax, {{0, 0.5}, {1, 0.2}, {2, 0.9}}, 2},
      {"a tie goes to the lower id, offered first", Mode::kMin, {{3, 0.1}, {7, 0.1}}, 3},
      {"a tie goes to the lower id, offered last", Mode::kMin, {{7, 0.1}, {3, 0.1}}, 3},
      {"a tie under max too", Mode::kMax, {{9, 1.0}, {4, 1.0}, {6, 0.5}}, 4},
      {"a NaN after the best changes nothing", Mode::kMin, {{0, 0.3}, {1, kNaN}}, 0},
      {"negative metrics", Mode::kMin, {{0, -1.0}, {1, -2.0}}, 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    hpo::BestTrial best(c.mode);
    for (const auto& o : c.offers) best.Offer(o.id, o.metric);
    CHECK(best.id() == c.best);
    CHECK(best.metric().has_value() == c.best.has_value());
  }
}

TEST_CASE("BestTrial::Offer says when the trial offered became the best") {
  hpo::BestTrial best(Mode::kMin);
  CHECK(best.Offer(5, 2.0));
  CHECK_FALSE(best.Offer(6, 3.0));
  CHECK_FALSE(best.Offer(7, 2.0));  // a tie, with a higher id
  CHECK(best.Offer(1, 2.0));        // a tie, with a lower id
  CHECK_FALSE(best.Offer(0, std::nullopt));
  CHECK(best.id() == 1);
  CHECK(best.metric() == 2.0);
}

TEST_SUITE_END();
