// SVG building blocks: short coordinates from a table of cases, the deterministic jitter,
// and a scatter that draws circles, or a binned density above max_points.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "svg.hpp"
#include "testing.hpp"

namespace {

using hpo::testing::Count;

// A 0..10 by 0..10 scatter of (xs, ys) in the default frame; ids are the indexes.
std::string Scatter(const std::vector<double>& xs, const std::vector<double>& ys,
                    std::optional<size_t> best, size_t max_points) {
  hpo::PlotFrame f;
  hpo::Axis x = hpo::NumericAxis(0, 10, false, f.x0(), f.x1());
  hpo::Axis y = hpo::NumericAxis(0, 10, false, f.y1(), f.y0());
  y.d0 = 0;
  y.d1 = 10;
  std::string o;
  hpo::DrawPoints(
      o, f, x, y, xs, ys, [](size_t i) { return "point " + std::to_string(i); },
      [](size_t i) { return static_cast<hpo::TrialId>(i); }, best, max_points);
  return o;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("coordinates are written with at most one decimal") {
    const std::pair<double, const char*> cases[] = {
        {0, "0"},        {40, "40"},     {12.34, "12.3"},  {12.36, "12.4"},
        {-2.5, "-2.5"},  {0.04, "0"},    {-0.04, "0"},     {0.06, "0.1"},
        {-0.06, "-0.1"}, {1180, "1180"}, {std::nan(""), "0"}, {HUGE_VAL, "0"},
    };
    for (const auto& [v, text] : cases) {
      CAPTURE(v);
      std::string o;
      hpo::AppendCoord(o, v);
      CHECK(o == text);
    }
  }

  TEST_CASE("the jitter of a trial id is fixed and within half a band") {
    std::set<double> seen;
    for (hpo::TrialId id : {0LL, 1LL, 2LL, 3LL, 999'999'999'999LL, -1LL}) {
      CAPTURE(id);
      double j = hpo::Jitter(id);
      CHECK(j >= -0.5);
      CHECK(j < 0.5);
      CHECK(hpo::Jitter(id) == j);
      seen.insert(j);
    }
    CHECK(seen.size() == 6);
  }

  TEST_CASE("a scatter draws a circle per drawable point, the best once on top") {
    const std::vector<double> xs = {1, 2, 3, std::nan(""), 5, 6};
    const std::vector<double> ys = {1, 2, 3, 4, std::nan(""), 60};  // 60: above the plot
    std::string o = Scatter(xs, ys, 1, 100);
    CHECK(Count(o, "<circle class=\"pt\"") == 2);  // 0 and 2
    CHECK(Count(o, "<circle class=\"best\"") == 1);
    CHECK(o.find("<title>best: point 1</title>") != std::string::npos);
    CHECK(o.find("point 3") == std::string::npos);
    CHECK(o.find("point 5") == std::string::npos);
    CHECK(Count(Scatter(xs, ys, std::nullopt, 100), "<circle class=\"pt\"") == 3);
  }

  TEST_CASE("above max_points a scatter becomes cells whose counts add up to the points") {
    std::vector<double> xs, ys;
    for (int i = 0; i < 500; ++i) {
      xs.push_back((i % 10) + 0.5);
      ys.push_back((i % 7) + 0.5);
    }
    std::string o = Scatter(xs, ys, 0, 100);
    CHECK(Count(o, "<circle class=\"pt\"") == 0);
    CHECK(Count(o, "<g class=\"density\">") == 1);
    CHECK(Count(o, "<circle class=\"best\"") == 1);
    size_t total = 0;
    for (size_t p = o.find("<title>"); p != std::string::npos; p = o.find("<title>", p + 1)) {
      size_t e = o.find(' ', p);
      std::string n = o.substr(p + 7, e - p - 7);
      if (n == "best:") continue;
      total += std::stoul(n);
    }
    CHECK(total == 500);
    // A cell with more trials is never lighter; the fullest is (nearly) opaque.
    std::vector<std::pair<int, int>> cells;  // (count, opacity level d1..d16)
    for (size_t p = o.find("class=\"d"); p != std::string::npos; p = o.find("class=\"d", p + 1))
      if (std::isdigit(static_cast<unsigned char>(o[p + 8])))  // not class="density"
        cells.push_back({std::stoi(o.substr(o.find("<title>", p) + 7)), std::stoi(o.substr(p + 8))});
    std::sort(cells.begin(), cells.end());
    REQUIRE(!cells.empty());
    for (size_t i = 1; i < cells.size(); ++i) CHECK(cells[i - 1].second <= cells[i].second);
    CHECK(cells.back().second >= 15);
  }

  TEST_CASE("text and attributes from the data are escaped") {
    std::string o;
    hpo::SvgText(o, 1, 2, "end", "a<b & \"c\"", "al", "tip <x>");
    CHECK(o ==
          "<text x=\"1\" y=\"2\" text-anchor=\"end\" class=\"al\">a&lt;b &amp; &quot;c&quot;"
          "<title>tip &lt;x&gt;</title></text>");
    o.clear();
    hpo::PlotFrame f;
    hpo::OpenSvg(o, "p\"1", f, "T<");
    CHECK(o.find("id=\"p&quot;1\"") != std::string::npos);
    CHECK(o.find("aria-label=\"T&lt;\"") != std::string::npos);
  }
}
