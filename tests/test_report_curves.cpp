// The learning curves as the report reads them: the thinning of long curves (M4 per column)
// from a table of cases, and the curves of a campaign's progress files.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "collect.hpp"
#include "report_curves.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Kept(const std::vector<size_t>& keep) {
  std::string o;
  for (size_t i : keep) o += (o.empty() ? "" : " ") + std::to_string(i);
  return o;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("decimation keeps the first, lowest, highest and last point of each column") {
    struct Case {
      const char* name;
      std::vector<double> xs, ys;
      double x0, column;
      const char* kept;
    };
    const Case cases[] = {
        {"empty", {}, {}, 0, 1, ""},
        {"one point", {0}, {5}, 0, 1, "0"},
        {"one point per column: all", {0, 1, 2, 3}, {4, 3, 2, 1}, 0, 1, "0 1 2 3"},
        {"four in a column: all", {0, 0.2, 0.4, 0.6}, {1, 2, 3, 4}, 0, 1, "0 1 2 3"},
        {"first, min, max, last of one column",
         {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7},
         {5, 6, 1, 7, 9, 3, 4, 5},
         0,
         1,
         "0 2 4 7"},
        {"min or max at an end: fewer than four",
         {0, 0.1, 0.2, 0.3, 0.4},
         {1, 2, 3, 4, 5},
         0,
         1,
         "0 4"},
        {"constant values: first and last", {0, 0.1, 0.2, 0.3, 0.4}, {2, 2, 2, 2, 2}, 0, 1, "0 4"},
        {"two columns",
         {0, 0.3, 0.6, 0.9, 1.0, 1.2, 1.5, 1.9},
         {3, 9, 0, 4, 5, 1, 8, 6},
         0,
         1,
         "0 1 2 3 4 5 6 7"},
        {"two columns of six",
         {0, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5},
         {5, 5, 0, 9, 5, 5, 5, 1, 5, 5, 8, 5},
         0,
         1,
         "0 2 3 5 6 7 10 11"},
        {"columns counted from x0",
         {9.5, 10.1, 10.2, 10.4, 10.6, 10.8},
         {0, 1, 5, 2, 3, 3},
         10,
         1,
         "0 1 2 5"},
        {"gaps are always kept",
         {0, 0.1, 0.2, 0.3, 0.4, 0.5},
         {1, kNaN, 2, 2, kNaN, 3},
         0,
         1,
         "0 1 4 5"},
        {"a column of gaps only", {0, 0.5}, {kNaN, kNaN}, 0, 1, "0 1"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CHECK(Kept(hpo::DecimateColumns(c.xs, c.ys, c.x0, c.column)) == c.kept);
    }
  }

  TEST_CASE("curves are read for started trials, compact, and long ones thinned") {
    t::ScratchDir dir;
    t::SyntheticCampaign c(dir);
    c.Finished(0, 0.5, 1.7e9, 1.7e9 + 1);
    c.Curve(0, {{1, 0.9}, {2, kNaN}, {3, 0.5}});
    c.Finished(1, 0.4, 1.7e9, 1.7e9 + 1);  // no progress file
    c.Running(2, 1.7e9);
    std::vector<std::pair<double, double>> longer;
    for (int s = 1; s <= 10000; ++s) longer.push_back({s, 1.0 / s + (s % 2 ? 0.01 : 0)});
    c.Curve(2, longer);
    c.Pending(3);
    c.Curve(3, {{1, 0.1}});  // pending: not read
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    REQUIRE(rows.size() == 4);
    std::vector<hpo::TrialCurve> curves = hpo::LoadCurves(c.campaign.layout(), rows);
    REQUIRE(curves.size() == 2);
    CHECK(rows[curves[0].row].id == 0);
    REQUIRE(curves[0].points.size() == 3);
    CHECK(curves[0].points[0].step == 1);
    CHECK(curves[0].points[0].value == doctest::Approx(0.9));
    CHECK(std::isnan(curves[0].points[1].value));
    CHECK(curves[0].last_step == 3);
    CHECK(rows[curves[1].row].id == 2);
    CHECK(curves[1].last_step == 10000);
    CHECK(curves[1].points.size() <= 4 * hpo::kCurveColumns + 4);
    CHECK(curves[1].points.size() > hpo::kCurveColumns);
    CHECK(curves[1].points.front().step == 1);
    CHECK(curves[1].points.back().step == 10000);
    std::vector<std::optional<double>> last = hpo::LastSteps(curves, rows.size());
    REQUIRE(last.size() == 4);
    CHECK(last[0] == 3.0);
    CHECK_FALSE(last[1]);
    CHECK(last[2] == 10000.0);
    CHECK_FALSE(last[3]);
  }

}  // TEST_SUITE("unit")
