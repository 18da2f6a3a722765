// Plot axes, from tables of cases: nice linear steps, clock steps, log decades, category
// thinning, padding of numeric axes, and ranges wider than the largest double.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "plot_axis.hpp"

namespace {

constexpr double kMax = std::numeric_limits<double>::max();

struct TickCase {
  double a, b;
  int n;
  std::vector<double> ticks;
};

void CheckTicks(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-12));
  }
}

hpo::Axis LogAxis(double d0, double d1) {
  hpo::Axis ax;
  ax.kind = hpo::Axis::Kind::kLog;
  ax.d0 = d0;
  ax.d1 = d1;
  return ax;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("linear ticks step by 1, 2 or 5 times a power of ten") {
    const TickCase cases[] = {
        {0, 1, 5, {0, 0.2, 0.4, 0.6, 0.8, 1}},
        {0, 10, 6, {0, 2, 4, 6, 8, 10}},
        {0, 100, 4, {0, 20, 40, 60, 80, 100}},  // 25 is not a nice step: 20
        {0.5, 9.5, 4, {2, 4, 6, 8}},            // from the first multiple inside
        {-3, 3, 6, {-3, -2, -1, 0, 1, 2, 3}},
        {-0.1, 0.1, 2, {-0.1, 0, 0.1}},         // 0 exactly, not 1e-17
        {1000, 1070, 7, {1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070}},
        {5, 5, 5, {5}},                          // empty range: its value
        {-kMax, kMax, 4, {-1e308, 0, 1e308}},  // the width overflows: computed on halves
    };
    for (const auto& c : cases) {
      CAPTURE(c.a);
      CAPTURE(c.b);
      CheckTicks(hpo::LinearTicks(c.a, c.b, c.n), c.ticks);
    }
  }

  TEST_CASE("time ticks take the first clock step giving at most n steps") {
    const TickCase cases[] = {
        {0, 100, 6, {0, 30, 60, 90}},
        {0, 3600, 6, {0, 600, 1200, 1800, 2400, 3000, 3600}},
        {0, 7 * 86400, 7, {0, 86400, 2 * 86400, 3 * 86400, 4 * 86400, 5 * 86400, 6 * 86400,
                           7 * 86400}},
        {0, 0.004, 4, {0, 0.001, 0.002, 0.003, 0.004}},
        {0, 0, 6, {0}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.b);
      CheckTicks(hpo::TimeTicks(c.a, c.b, c.n), c.ticks);
    }
  }

  TEST_CASE("log axes tick at decades, at 1-2-5 when decades are too few, else linearly") {
    CheckTicks(hpo::Ticks(LogAxis(1e-4, 1e-1), 5), {1e-4, 1e-3, 1e-2, 1e-1});
    CheckTicks(hpo::Ticks(LogAxis(2, 30), 5), {2, 5, 10, 20});
    CheckTicks(hpo::Ticks(LogAxis(1.1, 1.9), 5), {1.2, 1.4, 1.6, 1.8});
    // Many decades are thinned to about n.
    std::vector<double> wide = hpo::Ticks(LogAxis(1e-20, 1e20), 5);
    CHECK(wide.size() <= 10);
    CHECK(wide.front() == doctest::Approx(1e-20));
  }

  TEST_CASE("category axes label every category up to 12, then every k-th") {
    for (size_t n : {1, 5, 12, 13, 30, 100}) {
      CAPTURE(n);
      std::vector<std::string> labels;
      for (size_t i = 0; i < n; ++i) labels.push_back("c" + std::to_string(i));
      hpo::Axis ax = hpo::CategoryAxis(labels, 0, 300);
      std::vector<double> t = hpo::Ticks(ax, 6);
      size_t every = (n + 11) / 12;
      CHECK(t.size() == (n + every - 1) / every);
      CHECK(t.size() <= 12);
      CHECK(hpo::TickLabel(ax, t.back()) == "c" + std::to_string((t.size() - 1) * every));
    }
    hpo::Axis ax = hpo::CategoryAxis({"a", "b", "c"}, 0, 300);
    CHECK(ax.band() == 100);
    CHECK(ax.Map(0) == doctest::Approx(50));
    CHECK(ax.Map(2) == doctest::Approx(250));
    CHECK(hpo::TickLabel(ax, 7) == "");  // beyond the labels
  }

  TEST_CASE("numeric axes pad their range by 4% (log axes by a factor), empty ranges widen") {
    struct Case {
      double lo, hi;
      bool log;
      double d0, d1;
    };
    const Case cases[] = {
        {0, 10, false, -0.4, 10.4},
        {-5, 5, false, -5.4, 5.4},
        {5, 5, false, 4.46, 5.54},  // widened by 10% of the value
        {0, 0, false, -1.08, 1.08},  // widened by 1
        {1e-4, 1e-1, true, 1e-4 / std::pow(10, 0.12), 1e-1 * std::pow(10, 0.12)},
        {10, 10, true, 1 / std::pow(100, 0.04), 100 * std::pow(100, 0.04)},
        {-1, 10, true, -1.44, 10.44},  // a log axis needs positive bounds: linear
    };
    for (const auto& c : cases) {
      CAPTURE(c.lo);
      CAPTURE(c.hi);
      CAPTURE(c.log);
      hpo::Axis ax = hpo::NumericAxis(c.lo, c.hi, c.log, 0, 100);
      CHECK(ax.d0 == doctest::Approx(c.d0));
      CHECK(ax.d1 == doctest::Approx(c.d1));
      CHECK((ax.kind == hpo::Axis::Kind::kLog) == (c.log && c.lo > 0));
    }
    hpo::Axis ax = hpo::NumericAxis(0, 10, false, 0, 108);
    CHECK(ax.Map(0) == doctest::Approx(4));
    CHECK(ax.Map(10) == doctest::Approx(104));
    hpo::Axis down = hpo::NumericAxis(0, 10, false, 108, 0);  // y axes run upwards
    CHECK(down.Map(0) == doctest::Approx(104));
    hpo::Axis lg = hpo::NumericAxis(1, 100, true, 0, 100);
    CHECK(lg.Map(10) == doctest::Approx(50));
    CHECK(hpo::TickLabel(lg, 1e-5) == "1e-5");
    hpo::Axis time = hpo::TimeAxis(100, 0, 102);
    CHECK(time.d1 == doctest::Approx(102));
    CHECK(hpo::TickLabel(time, 90) == "1m30s");
    CHECK(hpo::TimeAxis(0, 0, 100).d1 == 1);
  }

  TEST_CASE("ranges wider than the largest double keep positions and padding finite") {
    CHECK(hpo::Fraction(0, -kMax, kMax) == doctest::Approx(0.5));
    CHECK(hpo::Fraction(kMax, -kMax, kMax) == doctest::Approx(1));
    CHECK(hpo::Fraction(5, 0, 10) == 0.5);
    CHECK(hpo::Beyond(0, 10, 0.1) == 11);
    CHECK(hpo::Beyond(10, 0, 0.1) == -1);
    CHECK(hpo::Beyond(-kMax, kMax, 0.04) == kMax);  // clamped, not inf
    CHECK(hpo::Beyond(kMax, -kMax, 0.04) == -kMax);
    CHECK(hpo::Finite(HUGE_VAL) == kMax);
    CHECK(hpo::Finite(-HUGE_VAL) == -kMax);
    hpo::Axis ax = hpo::NumericAxis(-1.7e308, 1.7e308, false, 0, 100);
    CHECK(std::isfinite(ax.d0));
    CHECK(std::isfinite(ax.d1));
    CHECK(ax.Map(0) == doctest::Approx(50));
    for (double t : hpo::Ticks(ax, 5)) CHECK(std::isfinite(ax.Map(t)));
  }
}
