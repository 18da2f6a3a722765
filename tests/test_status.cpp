// The live status: progress, rate and ETA from end times, the status screen of a synthetic
// campaign, and `hpo-collect --status` / `--watch` as a tool.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <map>
#include <string>

#include "collect.hpp"
#include "status.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using t::Count;
using t::SyntheticCampaign;

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("status shows progress, rate, ETA and the longest-running trials") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    const double t0 = 1.7e9;
    for (int i = 0; i < 10; ++i) c.Finished(i, 1.0 - 0.01 * i, t0 + 10 * i - 5, t0 + 10 * i);
    c.Running(10, t0 + 30);
    c.Running(11, t0 + 80);
    for (int i = 12; i < 15; ++i) c.Pending(i);
    auto rows = hpo::ScanCampaign(c.campaign);
    // 10 completions 90 s apart from first to last: 9 intervals in 90 s, i.e. 6/min; 5 remain.
    hpo::Progress p = hpo::MeasureProgress(rows, t0 + 90, 20);
    CHECK(p.done == 10);
    CHECK(p.total == 15);
    REQUIRE(p.per_minute);
    CHECK(*p.per_minute == doctest::Approx(6.0));
    REQUIRE(p.eta_seconds);
    CHECK(*p.eta_seconds == doctest::Approx(50.0));
    // A stall lowers the rate: the time since the last completion counts.
    CHECK(*hpo::MeasureProgress(rows, t0 + 180, 20).per_minute == doctest::Approx(3.0));
    // Over the last 5 completions only.
    CHECK(*hpo::MeasureProgress(rows, t0 + 90, 5).per_minute == doctest::Approx(6.0));

    hpo::StatusOptions so;
    so.bar_width = 20;
    std::map<std::string, hpo::JobState> jobs = {{"77_10", {"RUNNING", ""}}};
    std::string s = hpo::FormatStatus(c.campaign, rows, t0 + 90, jobs, so);
    CHECK(s.find("15 trials: 10 finished, 2 running, 3 pending, 0 failed") != std::string::npos);
    CHECK(s.find("[#############.......] 10/15  67%  6 trials/min (last 10)  ETA 50 s") !=
          std::string::npos);
    CHECK(s.find("best loss<&> 0.91 (trial 9)") != std::string::npos);
    size_t first = s.find("trial 10"), second = s.find("trial 11");
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    CHECK(first < second);  // longest running first
    CHECK(s.find("node3  job 77_10 (RUNNING)  1 min 00 s") != std::string::npos);
    CHECK(s.find("job 77_11  10 s") != std::string::npos);
  }

  TEST_CASE("status counts pruned trials as ended and says where they stopped") {
    t::ScratchDir dir;
    SyntheticCampaign c = t::PrunedCampaign(dir);
    auto rows = hpo::ScanCampaign(c.campaign);
    hpo::Progress p = hpo::MeasureProgress(rows, 1.7e9 + 60, 20);
    CHECK(p.done == 16);  // 3 finished, 12 pruned, 1 failed
    CHECK(p.total == 20);
    std::string s = hpo::FormatStatus(c.campaign, rows, 1.7e9 + 60, std::nullopt, {});
    CHECK(s.find("  20 trials: 3 finished, 2 running, 2 pending, 1 failed, 12 pruned\n"
                 "  pruned: 12 (rung 0 @1: 7, rung 1 @3: 5)\n") != std::string::npos);
    CHECK(s.find(" 16/20  80%") != std::string::npos);
    // A pruner and nothing pruned yet: the count says so; no pruner: nothing about it.
    t::ScratchDir dir2;
    SyntheticCampaign fresh(dir2, t::kAshaPruner);
    fresh.Pending(0);
    std::string f = hpo::FormatStatus(fresh.campaign, hpo::ScanCampaign(fresh.campaign), 1.7e9,
                                      std::nullopt, {});
    CHECK(f.find("1 trials: 0 finished, 0 running, 1 pending, 0 failed, 0 pruned\n  pruned: 0\n") !=
          std::string::npos);
    t::ScratchDir dir3;
    SyntheticCampaign plain(dir3);
    plain.Pending(0);
    CHECK(hpo::FormatStatus(plain.campaign, hpo::ScanCampaign(plain.campaign), 1.7e9, std::nullopt,
                            {})
              .find("pruned") == std::string::npos);
  }

  TEST_CASE("hpo-collect --status prints once; --watch stops when nothing is left to run") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    for (int i = 0; i < 4; ++i) c.Finished(i, 0.5 - 0.1 * i, 1.7e9 + i, 1.7e9 + i + 1);
    std::string root = c.campaign.layout().root().string();
    t::RunResult s = t::RunProgram(
        {t::ToolPath("hpo-collect").string(), "--status", "--no-slurm", root}, dir.path());
    CHECK_MESSAGE(s.exit_code == 0, s.err);
    CHECK(s.out.find("4/4 100%") != std::string::npos);
    CHECK(s.out.find("done") != std::string::npos);
    CHECK(!fs::exists(c.campaign.layout().final_results()));  // --status settles and writes nothing
    CHECK(fs::exists(c.campaign.layout().makefile()));
    t::RunResult w = t::RunProgram(
        {t::ToolPath("hpo-collect").string(), "--watch", "5", "--no-slurm", root}, dir.path());
    CHECK_MESSAGE(w.exit_code == 0, w.err);
    CHECK(w.out.find("\033[") == std::string::npos);  // not a terminal: no ANSI
    CHECK(Count(w.out, "4 trials: 4 finished") == 1);
    t::RunResult bad =
        t::RunProgram({t::ToolPath("hpo-collect").string(), "--watch", "0", root}, dir.path());
    CHECK(bad.exit_code == 2);
  }

}  // TEST_SUITE("unit")
