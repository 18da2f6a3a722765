// Early stopping over files (lib/prune_step): reports replayed against a real campaign folder
// from tables of cases (the verdict of each report, what the rung holds after it), decisions
// made once per rung and reused by a requeued attempt, brackets, and the median rule.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "prune_step.hpp"
#include "rung_files.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;
using hpo::Verdict;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr Verdict kGo = Verdict::kContinue;
constexpr Verdict kStop = Verdict::kStop;

Campaign Make(const t::ScratchDir& dir, const std::string& pruner, const std::string& mode = "min") {
  std::string text = "space:\n  lr: {uniform: [0, 1]}\ntrial:\n  command: echo {lr}\nhpo:\n  output_dir: camp\n"
                     "  mode: " + mode + "\n" + pruner;
  return Campaign::Create(hpo::ParseConfig(text, "hpo.yaml"), dir / "camp", dir.path(), hpo::Force::kNo);
}

struct Report {
  const char* what;
  TrialId trial;
  double step, value;
  Verdict want;
};

void Replay(const Campaign& c, const std::vector<Report>& reports) {
  for (const Report& r : reports) {
    CAPTURE(r.what);
    hpo::PruneAnswer a = hpo::ReportStep(c, r.trial, r.step, r.value);
    CHECK(a.verdict == r.want);
    CHECK(a.why.empty() == (r.want == kGo));
    CHECK(a.decision.is_null() == (r.want == kGo));
  }
}

size_t RungSize(const Campaign& c, const std::string& rung) {
  return t::ListDir(c.layout().rung_dir(rung)).size();
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("without a pruner every report continues and nothing is written") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "");
  for (double v : {0.9, 0.1, kNaN}) CHECK(hpo::ReportStep(c, 1, 1, v).verdict == kGo);
  CHECK(t::ListDir(c.layout().rungs_dir()).empty());
  CHECK(!fs::exists(c.layout().trial_decisions_dir(1)));
}

TEST_CASE("ASHA over files keeps the best third of each rung, judging each trial once per rung") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 27}\n");  // rungs at 1, 3, 9
  Replay(c, {
      {"the first trial at a rung goes on", 0, 1, 0.50, kGo},
      {"second, worse: keep 1 of 2", 1, 1, 0.60, kStop},
      {"third, best of 3", 2, 1, 0.40, kGo},
      {"fourth, not the best of 4", 3, 1, 0.45, kStop},
      {"a tie with the cut goes on", 4, 1, 0.40, kGo},
      {"no rung at step 2: nothing judged", 0, 2, 0.99, kGo},
      {"trial 0 first at rung 1 (step 3)", 0, 3, 0.30, kGo},
      {"trial 1 requeued, reports rung 0 again, better now: the stop holds", 1, 1, 0.01, kStop},
      {"trial 2 skips step 3, judged at rung 1 with its step-5 value", 2, 5, 0.35, kStop},
      {"trial 0 reports step 1 again after a resume: the go holds", 0, 1, 0.99, kGo},
  });
  CHECK(RungSize(c, hpo::AshaRungName(0, 0)) == 5);  // one value per trial, none twice
  CHECK(RungSize(c, hpo::AshaRungName(0, 1)) == 2);
  auto rung0 = hpo::ReadRung(c.layout().rung_dir(hpo::AshaRungName(0, 0)), hpo::Mode::kMin);
  CHECK(rung0.at(1).value == 0.60);  // the requeued report was not recorded
  CHECK(t::ListDir(c.layout().trial_decisions_dir(2)) ==
        std::vector<std::string>{"bracket_0.rung_0.json", "bracket_0.rung_1.json"});
}

TEST_CASE("a decision is written once: a second report of the rung leaves the file as it was") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 9}\n");
  hpo::ReportStep(c, 0, 1, 0.2);
  hpo::ReportStep(c, 1, 1, 0.3);
  fs::path file = c.layout().trial_decision(1, hpo::AshaRungName(0, 0));
  const std::string first = t::ReadText(file);
  json d = json::parse(first);
  CHECK(d["verdict"] == "stop");
  CHECK(d["rule"] == "asha");
  CHECK(d["rung"] == 0);
  CHECK(d["resource"] == 1);
  CHECK(d["step"] == 1);
  CHECK(d["value"] == 0.3);
  CHECK(d["n"] == 2);
  CHECK(d["keep"] == 1);
  CHECK(hpo::ReportStep(c, 1, 1, 0.0).verdict == kStop);
  CHECK(t::ReadText(file) == first);
  auto stop = hpo::StopDecisionOf(c.layout(), 1);
  REQUIRE(stop);
  CHECK(*stop == d);
  CHECK(!hpo::StopDecisionOf(c.layout(), 0));
  CHECK(hpo::DescribeStop(1, d) ==
        "trial 1 stops at step 1 (rung 0, resource 1): 0.3 is not among the best 1 of the 2 values "
        "recorded there");
}

TEST_CASE("ASHA edges: a value that is not finite, maximise, and the grace of min_trials") {
  SUBCASE("NaN at a rung stops and is not recorded") {
    t::ScratchDir dir;
    Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 9}\n");
    Replay(c, {{"NaN, first at the rung", 0, 1, kNaN, kStop}, {"a finite value after it", 1, 1, 0.9, kGo}});
    CHECK(RungSize(c, hpo::AshaRungName(0, 0)) == 1);
    CHECK(hpo::DescribeStop(0, *hpo::StopDecisionOf(c.layout(), 0)).find("not finite") != std::string::npos);
  }
  SUBCASE("maximise: larger values go on") {
    t::ScratchDir dir;
    Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 9}\n", "max");
    Replay(c, {{"first", 0, 1, 0.5, kGo}, {"larger goes on", 1, 1, 0.7, kGo},
               {"smaller stops", 2, 1, 0.6, kStop}, {"negative stops", 3, 1, -1, kStop}});
  }
  SUBCASE("min_trials: the first values of a rung go on whatever they are") {
    t::ScratchDir dir;
    Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 9, min_trials: 3}\n");
    Replay(c, {{"1 of 3", 0, 1, 0.1, kGo}, {"2 of 3, worse", 1, 1, 0.9, kGo},
               {"3 values: judged, worst", 2, 1, 0.8, kStop}, {"4 values: best", 3, 1, 0.05, kGo}});
    CHECK(json::parse(t::ReadText(c.layout().trial_decision(1, hpo::AshaRungName(0, 0))))["grace"] == true);
  }
}

TEST_CASE("Hyperband brackets: a pure function of seed and trial, rungs raised by eta^bracket") {
  CHECK(hpo::BracketOf(1, 5, 1) == 0);
  std::map<int, int> seen;
  for (TrialId id = 0; id < 3000; ++id) {
    int b = hpo::BracketOf(42, id, 3);
    REQUIRE(b >= 0);
    REQUIRE(b < 3);
    CHECK(b == hpo::BracketOf(42, id, 3));
    ++seen[b];
  }
  for (const auto& [b, n] : seen) CHECK(std::abs(n - 1000) < 120);  // about a third each
  int differ = 0;
  for (TrialId id = 0; id < 100; ++id) differ += hpo::BracketOf(1, id, 3) != hpo::BracketOf(2, id, 3);
  CHECK(differ > 40);  // another seed, other brackets

  hpo::AshaRule rule;
  rule.max_resource = 27;
  CHECK(hpo::RungResources(hpo::BracketRule(rule, 1)) == std::vector<double>{3, 9});
  CHECK(hpo::RungResources(hpo::BracketRule(rule, 2)) == std::vector<double>{9});
  CHECK(hpo::MaxBrackets(rule) == 3);

  t::ScratchDir dir;
  Campaign c = Make(dir, "pruner: {kind: asha, max_resource: 27, brackets: 3}\n");
  TrialId in_bracket_2 = 0;
  while (hpo::BracketOf(c.config().hpo.seed, in_bracket_2, 3) != 2) ++in_bracket_2;
  CHECK(hpo::ReportStep(c, in_bracket_2, 3, 0.5).verdict == kGo);  // its first rung is at 9
  CHECK(!fs::exists(c.layout().trial_decisions_dir(in_bracket_2)));
  CHECK(hpo::ReportStep(c, in_bracket_2, 9, 0.5).verdict == kGo);
  CHECK(fs::exists(c.layout().trial_decision(in_bracket_2, hpo::AshaRungName(2, 0))));
}

TEST_CASE("the median rule judges every step against the other trials there") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "pruner: {kind: median, n_startup_trials: 2, n_warmup_steps: 1}\n");
  Replay(c, {
      {"t0 step 1: no others", 0, 1, 0.5, kGo},
      {"t1 step 1: 1 other (< 2 startup)", 1, 1, 0.9, kGo},
      {"t2 step 1: warm-up step", 2, 1, 0.95, kGo},
      {"t0 step 2", 0, 2, 0.4, kGo},
      {"t1 step 2", 1, 2, 0.8, kGo},
      {"t2 step 2: worse than the median of 0.4 and 0.8", 2, 2, 0.9, kStop},
      {"t3 step 2: at the median", 3, 2, 0.6, kGo},
      {"t2 again at step 2: the stop holds", 2, 2, 0.1, kStop},
  });
  CHECK(RungSize(c, hpo::MedianStepName(2)) == 4);
  auto stop = hpo::StopDecisionOf(c.layout(), 2);
  REQUIRE(stop);
  CHECK((*stop)["rule"] == "median");
  CHECK(hpo::DescribeStop(2, *stop).find("worse than the median of the 2 other trials") != std::string::npos);
}

TEST_CASE("the median rule takes the trial's best value so far from its learning curve") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "pruner: {kind: median, n_startup_trials: 1}\n");
  Replay(c, {{"t0 step 1", 0, 1, 0.5, kGo}, {"t0 step 2", 0, 2, 0.5, kGo}});
  hpo::Layout L = c.layout();
  fs::create_directories(L.trial_dir(1));
  t::WriteText(L.trial_progress(1), "{\"step\": 1, \"value\": 0.2}\n{\"step\": 2, \"value\": 0.7}\n");
  // step 2: its value 0.7 is worse than 0.5, but its best so far (0.2, step 1) is not
  Replay(c, {{"best so far counts", 1, 2, 0.7, kGo}});
}
