// What the report is drawn from: the campaign-wide figures of a synthetic campaign, the
// sampled parameters as axes, and the metric range drawn (outliers on the worse side cut).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "collect.hpp"
#include "report_data.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
using hpo::TrialState;

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("figures: counts per state, the best trial, run intervals to now, concurrency") {
    t::ScratchDir dir;
    t::SyntheticCampaign c = t::SmallCampaign(dir);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    const double now = 1.7e9 + 60;
    hpo::ReportStats s = hpo::ComputeStats(c.campaign, rows, now);
    CHECK(s.total == 19);
    CHECK(s.counts.at(TrialState::kFinished) == 12);
    CHECK(s.counts.at(TrialState::kFailed) == 3);
    CHECK(s.counts.at(TrialState::kRunning) == 2);
    CHECK(s.counts.at(TrialState::kPending) == 2);
    REQUIRE(s.best);
    CHECK(rows[*s.best].id == 5);
    CHECK(s.intervals.size() == 17);  // 15 ended + 2 running (to now); pending have none
    CHECK(s.compute_seconds == doctest::Approx(15 * 9 + (60 - 50) + (60 - 52)));
    CHECK(s.concurrency.max == 3);
    CHECK(s.concurrency.first == 1.7e9);
    CHECK(s.concurrency.last == now);
    CHECK(hpo::TimeUsedText(s) == "1 min 00 s");
    CHECK(hpo::TimeUsedText(hpo::ReportStats{}) == "");
  }

  TEST_CASE("sampled parameters become axes: categories, log scales, bounds widened by data") {
    t::ScratchDir dir;
    t::SyntheticCampaign c(dir);
    for (int i = 0; i < 4; ++i) c.Finished(i, 1.0 + i, 1.7e9 + i, 1.7e9 + i + 1);
    // An edited record: n outside its declared randint [1, 8].
    nlohmann::json cfg = c.Config(4);
    cfg["n"] = 20;
    c.campaign.Write(TrialState::kFinished, 4,
                     {{"trial_id", 4},
                      {"state", "finished"},
                      {"config", cfg},
                      {"attempt", 1},
                      {"history", nlohmann::json::array()},
                      {c.campaign.config().hpo.metric, 0.5}});
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
    hpo::ReportOptions opt;
    opt.now = 1.7e9 + 60;
    hpo::ReportData d = hpo::PrepareReportData(c.campaign, rows, opt);
    REQUIRE(d.dims.size() == 3);  // "fixed" is not sampled
    CHECK(d.dims[0].log);
    CHECK(d.dims[0].lo == 1e-4);
    CHECK(d.dims[0].hi == 1e-1);
    CHECK(d.dims[1].categorical);
    CHECK(d.dims[1].labels.size() == 4);
    CHECK(d.dims[2].lo == 1);
    CHECK(d.dims[2].hi == 20);
    REQUIRE(d.fin.size() == 5);
    CHECK(d.x[1][1] == 1);  // trial 1's kind is the second choice
    CHECK(d.x[2][4] == 20);
    REQUIRE(d.best);
    CHECK(rows[d.fin[*d.best]].id == 4);
    CHECK(d.lo == 0.5);
    CHECK(d.hi == 4);
    CHECK(d.hidden == 0);
    std::vector<size_t> ranked = hpo::RankedFinished(d);
    CHECK(rows[d.fin[ranked.front()]].id == 4);
    CHECK(rows[d.fin[ranked.back()]].id == 3);
  }

  TEST_CASE("a few outliers on the worse side are left out of the range drawn, the best never") {
    struct Case {
      const char* what;
      int n;              // trials with metrics 1..n
      double outlier;     // added as one more trial's metric
      bool cut;
    };
    const Case cases[] = {
        {"too few trials to judge", 40, 1e6, false},
        {"a far outlier above a minimised metric", 60, 1e6, true},
        {"a near one is drawn", 60, 100, false},
        {"an outlier on the best side is drawn", 60, -1e6, false},
    };
    for (const auto& k : cases) {
      CAPTURE(k.what);
      t::ScratchDir dir;
      t::SyntheticCampaign c(dir);
      for (int i = 0; i < k.n; ++i) c.Finished(i, 1.0 + i, 1.7e9 + i, 1.7e9 + i + 1);
      c.Finished(k.n, k.outlier, 1.7e9, 1.7e9 + 1);
      std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c.campaign);
      hpo::ReportData d = hpo::PrepareReportData(c.campaign, rows, {});
      CHECK(d.lo == std::min(1.0, k.outlier));
      CHECK(d.hidden == (k.cut ? 1u : 0u));
      CHECK((d.hi < k.outlier) == k.cut);
      for (double m : d.metric)
        if (m != k.outlier) CHECK(hpo::InMetricRange(d, m));
    }
  }
}
