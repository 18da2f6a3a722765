// Learning curves (lib/learning_curve): the progress file's lines parsed from a table of
// cases, and appending after a line cut by a kill.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "learning_curve.hpp"
#include "testing.hpp"

namespace {
namespace t = hpo::testing;
namespace fs = boost::filesystem;
using Points = std::vector<std::pair<double, double>>;  // (step, value); value -1 for null

Points Of(const std::vector<hpo::CurvePoint>& curve) {
  Points out;
  for (const auto& p : curve) out.emplace_back(p.step, p.value ? *p.value : -1);
  return out;
}
}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a progress file parses to one point per step, the last line of a step winning") {
  struct Case { const char* what; std::string text; Points want; };
  const Case cases[] = {
      {"empty", "", {}},
      {"in order", "{\"step\": 1, \"value\": 0.5}\n{\"step\": 2, \"value\": 0.4}\n", {{1, 0.5}, {2, 0.4}}},
      {"out of order is sorted", "{\"step\": 3, \"value\": 0.3}\n{\"step\": 1, \"value\": 0.5}\n", {{1, 0.5}, {3, 0.3}}},
      {"a resumed attempt reports a step again", "{\"step\": 1, \"value\": 0.5}\n{\"step\": 1, \"value\": 0.45}\n", {{1, 0.45}}},
      {"a line cut by a kill is skipped", "{\"step\": 1, \"value\": 0.5}\n{\"step\": 2, \"va", {{1, 0.5}}},
      {"null is a value that was not finite", "{\"step\": 1, \"value\": null}\n", {{1, -1}}},
      {"extra keys are fine", "{\"step\": 2, \"value\": 0.1, \"time\": 5, \"train_loss\": 3}\n", {{2, 0.1}}},
      {"garbage lines are skipped",
       "not json\n[1, 2]\n{\"value\": 1}\n{\"step\": \"a\", \"value\": 1}\n{\"step\": 1, \"value\": \"x\"}\n"
       "{\"step\": 4, \"value\": 0.2}\n",
       {{4, 0.2}}},
      {"a line glued after a cut one is lost, the next survives",
       "{\"step\": 1, \"val{\"step\": 2, \"value\": 0.4}\n{\"step\": 3, \"value\": 0.3}\n", {{3, 0.3}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CHECK(Of(hpo::ParseCurve(c.text)) == c.want);
  }
}

TEST_CASE("appending a point after a cut line starts a new line") {
  t::ScratchDir dir;
  fs::path p = dir / "progress.jsonl";
  CHECK(hpo::ReadCurve(p).empty());
  hpo::AppendCurvePoint(p, 1, 0.5, 1);
  t::WriteText(p, t::ReadText(p) + "{\"step\": 2, \"val");  // a kill mid-write
  hpo::AppendCurvePoint(p, 3, 0.25, 2);
  hpo::AppendCurvePoint(p, 4, std::numeric_limits<double>::infinity(), 2);
  CHECK(Of(hpo::ReadCurve(p)) == Points{{1, 0.5}, {3, 0.25}, {4, -1}});
  const std::string text = t::ReadText(p);
  CHECK(text.find("\"step\":3") != std::string::npos);  // whole steps are written as integers
  CHECK(text.find("\"attempt\":2") != std::string::npos);
}
