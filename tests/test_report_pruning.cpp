// Early stopping's figures: rung occupancy from the rung folders and the pruned records, the
// compute saved, where a pruned trial stopped, and the lines of the text summary and the
// status; from tables of cases and from a synthetic campaign with pruned trials.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "collect.hpp"
#include "config.hpp"
#include "report_curves.hpp"
#include "report_pruning.hpp"
#include "testing.hpp"
#include "text_format.hpp"

namespace {

namespace t = hpo::testing;
using hpo::RungCount;
using hpo::RungPlace;
using hpo::TrialState;
using hpo::TrialSteps;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// "b0 r1 @3: 9/5" per place: bracket, rung (or m for a median step), resource, reached and
// stopped.
std::string Describe(const std::vector<RungCount>& rungs) {
  std::string o;
  for (const RungCount& r : rungs) {
    if (!o.empty()) o += ", ";
    o += r.place.rung >= 0
             ? "b" + std::to_string(r.place.bracket) + " r" + std::to_string(r.place.rung)
             : std::string("m");
    o += " @" +
         (std::isnan(r.place.resource) ? std::string("?") : hpo::ShortNumber(r.place.resource)) +
         ": " + std::to_string(r.reached) + "/" + std::to_string(r.stopped);
  }
  return o;
}

RungCount Recorded(int bracket, int rung, double resource, std::int64_t n) {
  return {{bracket, rung, resource}, n, 0};
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("occupancy: each rung's recorded values with the trials stopped there") {
    struct Case {
      const char* name;
      std::vector<RungCount> recorded;
      std::vector<RungPlace> stops;
      const char* expected;
    };
    const Case cases[] = {
        {"nothing", {}, {}, ""},
        {"recorded, none stopped", {Recorded(0, 0, 1, 5)}, {}, "b0 r0 @1: 5/0"},
        {"stops counted per rung",
         {Recorded(0, 0, 1, 10), Recorded(0, 1, 3, 4)},
         {{0, 0, 1}, {0, 0, 1}, {0, 1, 3}, {0, 0, 1}},
         "b0 r0 @1: 10/3, b0 r1 @3: 4/1"},
        {"ordered by bracket then rung, whatever the input order",
         {Recorded(1, 0, 3, 2), Recorded(0, 1, 3, 4), Recorded(0, 0, 1, 9)},
         {},
         "b0 r0 @1: 9/0, b0 r1 @3: 4/0, b1 r0 @3: 2/0"},
        {"a rung with stops but no folder reached at least those",
         {Recorded(0, 0, 1, 3)},
         {{0, 1, 3}, {0, 1, 3}},
         "b0 r0 @1: 3/0, b0 r1 @3: 2/2"},
        {"a listing that lags: reached never below stopped",
         {Recorded(0, 0, 1, 1)},
         {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}},
         "b0 r0 @1: 3/3"},
        {"the same rung number in two brackets is two rungs",
         {},
         {{0, 0, 1}, {1, 0, 3}, {1, 0, 3}},
         "b0 r0 @1: 1/1, b1 r0 @3: 2/2"},
        {"median steps after the rungs, by step",
         {Recorded(0, 0, 1, 2)},
         {{0, -1, 5}, {0, -1, 2}, {0, -1, 5}},
         "b0 r0 @1: 2/0, m @2: 1/1, m @5: 2/2"},
        {"an unknown resource is kept", {Recorded(0, 7, kNaN, 1)}, {}, "b0 r7 @?: 1/0"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CHECK(Describe(hpo::CountOccupancy(c.recorded, c.stops)) == c.expected);
    }
  }

  TEST_CASE("the median rule's steps are reached by the trials whose curves get there") {
    std::vector<TrialSteps> trials = {{TrialState::kFinished, 10.0},
                                      {TrialState::kPruned, 2.0},
                                      {TrialState::kPruned, 5.0},
                                      {TrialState::kRunning, 5.0},
                                      {TrialState::kPending, std::nullopt}};
    std::vector<RungPlace> stops = {{0, -1, 2}, {0, -1, 5}, {0, 0, 1}, {0, -1, 2}};
    CHECK(Describe(hpo::ReachedSteps(stops, trials)) == "m @2: 4/0, m @5: 3/0");
    CHECK(Describe(hpo::CountOccupancy(hpo::ReachedSteps(stops, trials), stops)) ==
          "b0 r0 @1: 1/1, m @2: 4/2, m @5: 3/1");
  }

  TEST_CASE("compute saved: finished trials ran the full resource, pruned ones to their stop") {
    struct Case {
      const char* name;
      std::vector<TrialSteps> trials;
      double full_resource;
      std::int64_t finished, pruned;
      double run, full;
    };
    const Case cases[] = {
        {"nothing", {}, 9, 0, 0, 0, 0},
        {"only finished: nothing saved",
         {{TrialState::kFinished, 9.0}, {TrialState::kFinished, 9.0}},
         9,
         2,
         0,
         18,
         18},
        {"finished count the full resource, whatever their curve",
         {{TrialState::kFinished, 12.0}, {TrialState::kFinished, std::nullopt}},
         9,
         2,
         0,
         18,
         18},
        {"pruned at 1 and 3 of 9",
         {{TrialState::kFinished, 9.0}, {TrialState::kPruned, 1.0}, {TrialState::kPruned, 3.0}},
         9,
         1,
         2,
         13,
         27},
        {"running, failed and pending trials are not counted",
         {{TrialState::kPruned, 1.0},
          {TrialState::kRunning, 4.0},
          {TrialState::kFailed, 2.0},
          {TrialState::kPending, std::nullopt}},
         9,
         0,
         1,
         1,
         9},
        {"a pruned trial counts at most the full resource and at least 0",
         {{TrialState::kPruned, 50.0},
          {TrialState::kPruned, -3.0},
          {TrialState::kPruned, std::nullopt},
          {TrialState::kPruned, kNaN}},
         9,
         0,
         4,
         9,
         36},
        {"fractional steps",
         {{TrialState::kPruned, 0.5}, {TrialState::kFinished, 2.5}},
         2.5,
         1,
         1,
         3,
         5},
        {"no full resource: nothing counted", {{TrialState::kPruned, 1.0}}, 0, 0, 0, 0, 0},
        {"a NaN full resource: nothing counted", {{TrialState::kFinished, 1.0}}, kNaN, 0, 0, 0, 0},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      hpo::StepsSaved s = hpo::CountStepsSaved(c.trials, c.full_resource);
      CHECK(s.finished == c.finished);
      CHECK(s.pruned == c.pruned);
      CHECK(s.run == doctest::Approx(c.run));
      CHECK(s.full == doctest::Approx(c.full));
      CHECK(s.saved() == doctest::Approx(c.full - c.run));
      CHECK(s.fraction() == doctest::Approx(c.full > 0 ? (c.full - c.run) / c.full : 0));
    }
    hpo::StepsSaved s = hpo::CountStepsSaved(
        {{TrialState::kFinished, 9.0}, {TrialState::kPruned, 1.0}, {TrialState::kPruned, 3.0}}, 9);
    CHECK(hpo::StepsSavedText(s, 9) ==
          "51.9% of steps saved: 13 run of 27 (1 finished x 9, 2 pruned)");
    s.run = 1234567;
    s.full = 2469134;
    CHECK(hpo::StepsSavedText(s, 9) ==
          "50.0% of steps saved: 1,234,567 run of 2,469,134 (1 finished x 9, 2 pruned)");
  }

  TEST_CASE("the full resource: ASHA's max_resource, the median rule's longest finished trial") {
    hpo::PrunerSection asha;
    asha.kind = hpo::PrunerKind::kAsha;
    asha.asha.max_resource = 27;
    hpo::PrunerSection median;
    median.kind = hpo::PrunerKind::kMedian;
    hpo::PrunerSection none;
    const std::vector<TrialSteps> trials = {{TrialState::kFinished, 40.0},
                                            {TrialState::kFinished, 50.0},
                                            {TrialState::kPruned, 70.0},
                                            {TrialState::kFinished, kNaN}};
    struct Case {
      const char* name;
      const hpo::PrunerSection& pruner;
      std::vector<TrialSteps> trials;
      std::optional<double> expected;
    };
    const Case cases[] = {
        {"asha", asha, trials, 27.0},
        {"asha, no trial", asha, {}, 27.0},
        {"median: the longest finished", median, trials, 50.0},
        {"median, nothing finished", median, {{TrialState::kPruned, 3.0}}, std::nullopt},
        {"no pruner", none, trials, std::nullopt},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CHECK(hpo::FullResource(c.pruner, c.trials) == c.expected);
    }
  }

  TEST_CASE("the steps of rows: where pruned trials stopped, else the curve's last step") {
    std::vector<hpo::TrialRow> rows(4);
    rows[0].state = TrialState::kPruned;
    rows[0].pruned_step = 3;
    rows[1].state = TrialState::kPruned;
    rows[1].pruned_step = 3;
    rows[2].state = TrialState::kRunning;
    rows[3].state = TrialState::kPending;
    std::vector<TrialSteps> s = hpo::StepsOfRows(rows, {std::nullopt, 5.0, 2.0, std::nullopt});
    REQUIRE(s.size() == 4);
    CHECK(s[0].last_step == 3.0);
    CHECK(s[1].last_step == 5.0);  // the curve went further than the stop (a resumed attempt)
    CHECK(s[2].last_step == 2.0);
    CHECK(s[2].state == TrialState::kRunning);
    CHECK_FALSE(s[3].last_step);
    CHECK(hpo::StepsOfRows(rows, {})[0].last_step == 3.0);  // no curves read
  }

  TEST_CASE("rung labels and the status's stops line") {
    struct Case {
      RungPlace place;
      int brackets;
      const char* expected;
    };
    const Case cases[] = {
        {{0, 1, 3}, 1, "rung 1 @3"},     {{2, 0, 9}, 3, "bracket 2 rung 0 @9"},
        {{0, 0, 0.5}, 1, "rung 0 @0.5"}, {{0, 4, kNaN}, 1, "rung 4"},
        {{0, -1, 5}, 1, "step 5"},       {{0, -1, 2.5}, 2, "step 2.5"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.expected);
      CHECK(hpo::RungLabel(c.place, c.brackets) == c.expected);
    }
    std::vector<RungCount> rungs = {
        {{0, 0, 1}, 40, 30}, {{0, 1, 3}, 10, 9}, {{0, 2, 9}, 1, 0}, {{0, -1, 4}, 3, 2}};
    CHECK(hpo::StopsText(rungs, 1) == "rung 0 @1: 30, rung 1 @3: 9, step 4: 2");
    CHECK(hpo::StopsText({}, 1) == "");
  }

  TEST_CASE("a pruned trial stopped at its rung of its bracket") {
    t::ScratchDir dir;
    t::SyntheticCampaign c(dir,
                           "pruner: {kind: asha, min_resource: 1, max_resource: 27, "
                           "reduction_factor: 3, brackets: 3}\n");
    const hpo::Config& cfg = c.campaign.config();
    hpo::TrialRow r;
    r.state = TrialState::kPruned;
    r.pruned_rung = 1;
    r.pruned_step = 9;
    for (hpo::TrialId id = 0; id < 20; ++id) {
      CAPTURE(id);
      r.id = id;
      auto p = hpo::StopPlaceOf(cfg, r);
      REQUIRE(p);
      int b = hpo::BracketOf(cfg.hpo.seed, id, 3);
      CHECK(p->bracket == b);
      CHECK(p->rung == 1);
      // Rung 1 of bracket b is at 3^(b+1); bracket 2 has one rung (9), so its "rung 1" is
      // where the record says it stopped.
      CHECK(p->resource == (b < 2 ? std::pow(3.0, b + 1) : 9.0));
    }
    r.pruned_rung = 5;  // beyond the settings: where it says it stopped
    CHECK(hpo::StopPlaceOf(cfg, r)->resource == 9);
    r.pruned_rung = -1;  // the median rule
    auto m = hpo::StopPlaceOf(cfg, r);
    REQUIRE(m);
    CHECK(m->rung == -1);
    CHECK(m->resource == 9);
    r.pruned_step.reset();
    CHECK_FALSE(hpo::StopPlaceOf(cfg, r));
    r.state = TrialState::kFinished;
    r.pruned_step = 9;
    CHECK_FALSE(hpo::StopPlaceOf(cfg, r));
  }

  TEST_CASE("a campaign's occupancy from its rung folders and pruned records, and its text") {
    t::ScratchDir dir;
    t::SyntheticCampaign c = t::PrunedCampaign(dir);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    REQUIRE(rows.size() == 20);
    std::vector<RungCount> counts = hpo::ReadRungCounts(c.campaign);
    CHECK(Describe(counts) == "b0 r0 @1: 18/0, b0 r1 @3: 9/0");
    hpo::EarlyStopping e = hpo::SummariseEarlyStopping(c.campaign, rows, {});
    CHECK(Describe(e.rungs) == "b0 r0 @1: 18/7, b0 r1 @3: 9/5");
    REQUIRE(e.full_resource);
    CHECK(*e.full_resource == 9);
    CHECK(e.saved.finished == 3);
    CHECK(e.saved.pruned == 12);
    CHECK(e.saved.run == 3 * 9 + 7 * 1 + 5 * 3);
    CHECK(e.saved.full == 15 * 9);
    CHECK(hpo::EarlyStoppingText(e, 3) ==
          "  rungs: rung 0 @1: 18 reached, 7 stopped; rung 1 @3: 9 reached, 5 stopped; full @9: 3 "
          "finished\n"
          "  compute: 63.7% of steps saved: 49 run of 135 (3 finished x 9, 12 pruned)\n");
    CHECK(hpo::StopsText(hpo::StopsPerRung(c.campaign.config(), rows), 1) ==
          "rung 0 @1: 7, rung 1 @3: 5");
    // Without rungs/ (a copy of the records only): the stops alone.
    hpo::testing::fs::remove_all(c.campaign.layout().rungs_dir());
    CHECK(Describe(hpo::SummariseEarlyStopping(c.campaign, rows, {}).rungs) ==
          "b0 r0 @1: 7/7, b0 r1 @3: 5/5");
  }

}  // TEST_SUITE("unit")
