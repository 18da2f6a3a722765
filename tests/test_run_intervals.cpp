// Run intervals: how many trials ran at once and the timeline's greedy slots, from tables of
// intervals.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "run_intervals.hpp"

TEST_SUITE("unit") {
  TEST_CASE("concurrency and greedy slots from run intervals") {
    std::vector<hpo::Interval> iv = {{0, 10}, {5, 15}, {10, 20}, {12, 13}};
    hpo::Concurrency c = hpo::MeasureConcurrency(iv);
    CHECK(c.max == 3);
    CHECK(c.first == 0);
    CHECK(c.last == 20);
    CHECK(c.mean == doctest::Approx((10 + 10 + 10 + 1) / 20.0));
    CHECK(hpo::AssignSlots(iv) == std::vector<int>{0, 1, 0, 2});
    // Touching intervals share a slot and never count as overlapping.
    std::vector<hpo::Interval> chain = {{0, 1}, {1, 2}, {2, 3}};
    CHECK(hpo::MeasureConcurrency(chain).max == 1);
    CHECK(hpo::AssignSlots(chain) == std::vector<int>{0, 0, 0});
    CHECK(hpo::MeasureConcurrency({}).max == 0);
  }
  TEST_CASE("concurrency and slots of identical, nested and unsorted intervals") {
    struct Case {
      std::vector<hpo::Interval> intervals;
      int max;
      double mean;
      std::vector<int> slots;
    };
    const Case cases[] = {
        {{{0, 10}}, 1, 1.0, {0}},
        {{{0, 10}, {0, 10}}, 2, 2.0, {0, 1}},
        {{{0, 10}, {2, 3}, {4, 5}}, 2, 1.2, {0, 1, 1}},  // the nested ones reuse slot 1
        {{{10, 20}, {0, 5}}, 1, 0.75, {0, 0}},           // by start time, not input order
        {{{0, 4}, {1, 5}, {2, 6}, {4, 8}}, 3, 2.0, {0, 1, 2, 0}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.intervals.size());
      hpo::Concurrency k = hpo::MeasureConcurrency(c.intervals);
      CHECK(k.max == c.max);
      CHECK(k.mean == doctest::Approx(c.mean));
      std::vector<int> slots = hpo::AssignSlots(c.intervals);
      CHECK(slots == c.slots);
      int used = 0;
      for (int s : slots) used = std::max(used, s + 1);
      CHECK(used == c.max);  // as many slots as the most at once
    }
  }
}
