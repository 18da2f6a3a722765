// The aggregated timeline's mean running count per column, from a table of cases.
#include <doctest/doctest.h>

#include <vector>

#include "plot_timeline.hpp"

TEST_SUITE("unit") {
  TEST_CASE("the mean number of running trials per column weighs each interval by its time") {
    struct Case {
      const char* what;
      std::vector<hpo::Interval> intervals;
      double t0, t_end;
      int cols;
      std::vector<double> mean;
    };
    const Case cases[] = {
        {"nothing ran", {}, 0, 10, 2, {0, 0}},
        {"one trial throughout", {{0, 10}}, 0, 10, 5, {1, 1, 1, 1, 1}},
        {"a second from the middle", {{0, 10}, {5, 10}}, 0, 10, 2, {1, 2}},
        {"half a column", {{0, 1}}, 0, 4, 2, {0.5, 0}},
        {"across a column edge", {{1, 3}}, 0, 4, 2, {0.5, 0.5}},
        {"time after the end is not counted", {{0, 100}}, 0, 10, 2, {1, 1}},
        {"an offset origin", {{100, 102}, {101, 104}}, 100, 104, 4, {1, 2, 1, 1}},
        {"a zero-length interval", {{2, 2}}, 0, 4, 2, {0, 0}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.what);
      std::vector<double> mean = hpo::MeanRunningPerColumn(c.intervals, c.t0, c.t_end, c.cols);
      REQUIRE(mean.size() == c.mean.size());
      for (size_t i = 0; i < mean.size(); ++i) {
        CAPTURE(i);
        CHECK(mean[i] == doctest::Approx(c.mean[i]));
      }
    }
  }
}
