// The plots of early stopping: the curves' value range and the cells a curve crosses from
// tables of cases, the rung steps marked, and the two plots drawn for a synthetic campaign
// with pruned trials (lines, then densities above max_curve_lines).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "collect.hpp"
#include "plot_pruning.hpp"
#include "report_curves.hpp"
#include "report_data.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
using hpo::Mode;
using hpo::TrialState;
using t::Count;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The cells a grid holds, as "cx,cy:count" in row-major order.
std::string Cells(const std::vector<std::uint32_t>& count, int nx) {
  std::string o;
  for (size_t k = 0; k < count.size(); ++k)
    if (count[k])
      o += (o.empty() ? "" : " ") + std::to_string(k % nx) + "," + std::to_string(k / nx) + ":" +
           std::to_string(count[k]);
  return o;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the curves' value range cuts a few outliers on the worse side; log when falling far") {
    std::vector<double> many;  // 100 values 1..2, two outliers at 1000
    for (int i = 0; i < 98; ++i) many.push_back(1 + i / 97.0);
    many.push_back(1000);
    many.push_back(1000);
    std::vector<double> decades;  // 0.001 .. 10, spread evenly on a log scale
    for (int i = 0; i <= 40; ++i) decades.push_back(std::pow(10.0, -3 + i / 10.0));
    std::vector<double> maxed;  // outliers far below: 99 values -1..-2, one at -1000
    for (int i = 0; i < 99; ++i) maxed.push_back(-1 - i / 98.0);
    maxed.push_back(-1000);
    struct Case {
      const char* name;
      std::vector<double> values;
      Mode mode;
      double lo, hi;
      bool log;
      size_t outside;
    };
    const Case cases[] = {
        {"no value", {}, Mode::kMin, 0, 1, false, 0},
        {"NaN and infinities ignored", {kNaN, HUGE_VAL, -HUGE_VAL}, Mode::kMin, 0, 1, false, 0},
        {"one value", {3}, Mode::kMin, 3, 3, false, 0},
        {"everything when few", {1, 2, 1000}, Mode::kMin, 1, 1000, true, 0},
        {"outliers cut on the worse side (kMin: above)", many, Mode::kMin, 1, 2.1, false, 2},
        {"never on the better side (kMax: the outliers above are best)", many, Mode::kMax, 1, 1000,
         false, 0},
        {"kMax: the outliers below are cut", maxed, Mode::kMax, -2.1, -1, false, 1},
        {"positive over four decades: log", decades, Mode::kMin, 0.001, 10, true, 0},
        {"maximised: never log", decades, Mode::kMax, 0.001, 10, false, 0},
        {"a range through zero: linear", {-1, 0, 500}, Mode::kMin, -1, 500, false, 0},
        {"falling by less than 20: linear", {1, 10, 19.9}, Mode::kMin, 1, 19.9, false, 0},
        {"falling by 20: log", {0.05, 0.5, 1}, Mode::kMin, 0.05, 1, true, 0},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      hpo::CurveRange r = hpo::ChooseCurveRange(c.values, c.mode);
      CHECK(r.lo == doctest::Approx(c.lo));
      CHECK(r.hi == doctest::Approx(c.hi));
      CHECK(r.log == c.log);
      CHECK(r.outside == c.outside);
    }
  }

  TEST_CASE("a curve counts once in each cell it crosses") {
    using L = hpo::PixelLine;
    struct Case {
      const char* name;
      std::vector<L> lines;
      const char* cells;  // on a 4 x 3 grid of 10-pixel cells from (0, 0)
    };
    const Case cases[] = {
        {"nothing", {}, ""},
        {"a lone point", {{{15, 25}}}, "1,2:1"},
        {"a horizontal line across the grid", {{{0, 5}, {39, 5}}}, "0,0:1 1,0:1 2,0:1 3,0:1"},
        {"a vertical segment", {{{5, 0}, {5, 29}}}, "0,0:1 0,1:1 0,2:1"},
        {"a diagonal", {{{0, 0}, {29, 29}}}, "0,0:1 1,1:1 2,2:1"},
        {"a steep segment marks every row of its column",
         {{{5, 0}, {15, 29}}},
         "0,0:1 0,1:1 1,1:1 1,2:1"},
        {"a line back and forth in one cell counts once",
         {{{1, 1}, {8, 8}, {2, 7}, {9, 1}}},
         "0,0:1"},
        {"two lines count twice", {{{0, 5}, {19, 5}}, {{5, 5}, {15, 5}}}, "0,0:2 1,0:2"},
        {"outside the grid: not counted", {{{-20, 5}, {-5, 5}}, {{50, 50}}, {{5, -5}}}, ""},
        {"clipped at the edges", {{{-15, 5}, {55, 5}}}, "0,0:1 1,0:1 2,0:1 3,0:1"},
        {"a break (NaN) splits the line: no segment across it",
         {{{5, 5}, {kNaN, kNaN}, {35, 25}}},
         "0,0:1 3,2:1"},
        {"x going back (not sorted) still draws", {{{35, 5}, {5, 5}}}, "0,0:1 1,0:1 2,0:1 3,0:1"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CHECK(Cells(hpo::CountCurveCells(c.lines, 0, 0, 10, 4, 3), 4) == c.cells);
    }
    CHECK(hpo::CountCurveCells({{{1, 1}}}, 0, 0, 10, 0, 0).empty());
  }

  TEST_CASE("the rungs marked are every bracket's rung steps, once each") {
    hpo::PrunerSection p;
    CHECK(hpo::RungSteps(p).empty());
    p.kind = hpo::PrunerKind::kAsha;
    p.asha.min_resource = 1;
    p.asha.max_resource = 27;
    p.asha.reduction_factor = 3;
    CHECK(hpo::RungSteps(p) == std::vector<double>{1, 3, 9});
    p.brackets = 3;
    CHECK(hpo::RungSteps(p) == std::vector<double>{1, 3, 9});
    p.asha.max_resource = 100;
    p.brackets = 2;
    CHECK(hpo::RungSteps(p) == std::vector<double>{1, 3, 9, 27, 81});
    p.kind = hpo::PrunerKind::kMedian;
    CHECK(hpo::RungSteps(p).empty());
  }

  TEST_CASE("learning curves are lines up to max_curve_lines, densities above, the best on top") {
    t::ScratchDir dir;
    t::SyntheticCampaign c = t::PrunedCampaign(dir);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    hpo::ReportData d = hpo::PrepareReportData(c.campaign, rows, t::FixedNow());
    std::vector<hpo::TrialCurve> curves = hpo::LoadCurves(c.campaign.layout(), rows);
    REQUIRE(curves.size() == 18);  // every started trial
    std::string svg = hpo::PlotLearningCurves(d, curves, {1, 3});
    CHECK(t::XmlProblem(svg) == "");
    CHECK(Count(svg, "<path") == 18);
    CHECK(Count(svg, "<g class=\"lcp\">") == 1);
    CHECK(Count(svg, "<g class=\"lcf\">") == 1);
    CHECK(Count(svg, "<g class=\"lcr\">") == 1);
    CHECK(Count(svg, "<g class=\"lcx\">") == 1);
    CHECK(Count(svg, "<path class=\"lcb\"") == 1);
    CHECK(svg.find("best: trial 2: finished, loss&lt;&amp;&gt; = 0.121111 (9 points to step 9)") !=
          std::string::npos);
    CHECK(svg.find("trial 4: pruned at step 1") != std::string::npos);
    // A curve pruned at the first rung is a single point: a dot.
    CHECK(Count(svg, "h0\"><title>trial ") == 8);  // trials 3..9 and running 17
    CHECK(Count(svg, "class=\"rg\"") == 2);
    CHECK(svg.find(">rung @3</text>") != std::string::npos);
    CHECK(svg.find("blue finished, orange running, red failed, grey pruned; the best in red") !=
          std::string::npos);

    d.opt.max_curve_lines = 5;
    std::string dense = hpo::PlotLearningCurves(d, curves, {1, 3});
    CHECK(t::XmlProblem(dense) == "");
    CHECK(Count(dense, "<g class=\"cdp\">") == 1);
    CHECK(Count(dense, "<g class=\"cdo\">") == 1);
    CHECK(Count(dense, "<path class=\"lcb\"") == 1);
    CHECK(Count(dense, "<g class=\"lcp\">") == 0);
    CHECK(dense.find("cells crossed by") != std::string::npos);
    CHECK(dense.find("(densities, darker where more curves cross: grey pruned, blue the others; "
                     "the best in red)") != std::string::npos);

    // Many pruned curves (each one five times here) and few others: the pruned become a
    // density, the others stay lines.
    std::vector<hpo::TrialCurve> many;
    for (const hpo::TrialCurve& curve : curves)
      for (int k = 0; k < (rows[curve.row].state == TrialState::kPruned ? 5 : 1); ++k)
        many.push_back(curve);
    REQUIRE(many.size() == 66);
    d.opt.max_curve_lines = 30;  // 6 others <= 30 / 4
    std::string hybrid = hpo::PlotLearningCurves(d, many, {1, 3});
    CHECK(t::XmlProblem(hybrid) == "");
    CHECK(Count(hybrid, "<g class=\"cdp\">") == 1);
    CHECK(Count(hybrid, "<g class=\"cdo\">") == 0);
    CHECK(Count(hybrid, "<g class=\"lcp\">") == 0);
    CHECK(Count(hybrid, "<g class=\"lcf\">") == 1);
    CHECK(Count(hybrid, "<path class=\"lcb\"") == 1);
    CHECK(hybrid.find("(pruned as a grey density, darker where more curves cross; blue finished, "
                      "orange running, red failed; the best in red)") != std::string::npos);
  }

  TEST_CASE("rung occupancy bars: stopped and went on per rung, then the finished") {
    std::vector<hpo::RungCount> rungs = {{{0, 0, 1}, 18, 7}, {{0, 1, 3}, 9, 5}};
    std::string svg = hpo::PlotRungOccupancy(rungs, 1, 3, 9.0);
    CHECK(t::XmlProblem(svg) == "");
    CHECK(Count(svg, "class=\"rs\"") == 2);
    CHECK(Count(svg, "class=\"rc\"") == 2);
    CHECK(Count(svg, "class=\"rf\"") == 1);
    CHECK(svg.find(">rung 1 @3</text>") != std::string::npos);
    CHECK(svg.find(">18 reached, 7 stopped</text>") != std::string::npos);
    CHECK(svg.find(">3 finished</text>") != std::string::npos);
    CHECK(svg.find(">full @9</text>") != std::string::npos);
    // Without a full resource (no pruner) and a rung where nobody stopped.
    std::string plain = hpo::PlotRungOccupancy({{{0, 0, 1}, 4, 0}}, 1, 2, std::nullopt);
    CHECK(Count(plain, "class=\"rs\"") == 0);
    CHECK(Count(plain, "class=\"rc\"") == 1);
    CHECK(Count(plain, "class=\"rf\"") == 0);
  }

}  // TEST_SUITE("unit")
