// The text summary and hpo-report as a tool: what the terminal shows, where the page goes
// (and where it never goes: over the campaign's own files).
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <map>
#include <string>

#include "collect.hpp"
#include "report.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using t::FixedNow;
using t::kOddReason;
using t::SmallCampaign;
using t::SyntheticCampaign;
using t::XmlProblem;

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the text summary names counts, best trial, concurrency and reasons") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string text = hpo::RenderReportText(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(text.find("19 trials: 12 finished, 2 running, 2 pending, 3 failed") != std::string::npos);
    CHECK(text.find("best loss<&> 0.01 (trial 5, minimised)") != std::string::npos);
    CHECK(text.find("running at once: max 3") != std::string::npos);
    CHECK(text.find("3 x " + kOddReason + " (trials ") != std::string::npos);  // log paths removed
  }

  TEST_CASE(
      "the text summary of a pruned campaign counts its pruned trials, rungs and compute saved") {
    t::ScratchDir dir;
    SyntheticCampaign c = t::PrunedCampaign(dir);
    std::string text = hpo::RenderReportText(c.campaign, hpo::ScanCampaign(c.campaign), FixedNow());
    CHECK(text.find("  20 trials: 3 finished, 2 running, 2 pending, 1 failed, 12 pruned\n") !=
          std::string::npos);
    CHECK(
        text.find("  rungs: rung 0 @1: 18 reached, 7 stopped; rung 1 @3: 9 reached, 5 stopped; "
                  "full @9: 3 finished\n"
                  "  compute: 63.7% of steps saved: 49 run of 135 (3 finished x 9, 12 pruned)\n") !=
        std::string::npos);
    // Without a pruner, nothing of the kind.
    t::ScratchDir dir2;
    SyntheticCampaign plain = SmallCampaign(dir2);
    std::string p =
        hpo::RenderReportText(plain.campaign, hpo::ScanCampaign(plain.campaign), FixedNow());
    CHECK(p.find("pruned") == std::string::npos);
    CHECK(p.find("rungs:") == std::string::npos);
    CHECK(p.find("compute:") == std::string::npos);
  }

  TEST_CASE("hpo-report writes the page and the Makefile; --format text writes nothing") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    std::string root = c.campaign.layout().root().string();
    t::RunResult text =
        t::RunProgram({t::ToolPath("hpo-report").string(), "--format", "text", root}, dir.path());
    CHECK_MESSAGE(text.exit_code == 0, text.err);
    CHECK(text.out.find("12 finished") != std::string::npos);
    CHECK(!fs::exists(c.campaign.layout().report_html()));

    t::RunResult r = t::RunProgram({t::ToolPath("hpo-report").string(), "camp"}, dir.path());
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == c.campaign.layout().report_html().string() + "\n");
    std::string html = t::ReadText(c.campaign.layout().report_html());
    CHECK(XmlProblem(html) == "");
    CHECK(html.find("<h1>hpo report: camp</h1>") != std::string::npos);
    CHECK(fs::exists(c.campaign.layout().makefile()));
    CHECK(t::ListDir(c.campaign.layout().tmp_dir()).empty());

    t::RunResult o = t::RunProgram(
        {t::ToolPath("hpo-report").string(), "-o", (dir / "elsewhere.html").string(), root},
        dir.path());
    CHECK_MESSAGE(o.exit_code == 0, o.err);
    CHECK(
        t::ReadText(dir / "elsewhere.html").find("file://" + root + "/trials/trial_3/stderr.log") !=
        std::string::npos);

    t::RunResult bad =
        t::RunProgram({t::ToolPath("hpo-report").string(), "--format", "pdf", root}, dir.path());
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.rfind("hpo-report: error: --format pdf", 0) == 0);
    t::RunResult none =
        t::RunProgram({t::ToolPath("hpo-report").string(), (dir / "nope").string()}, dir.path());
    CHECK(none.exit_code == 2);
    CHECK(none.err.rfind("hpo-report: error: ", 0) == 0);
    t::RunResult help = t::RunProgram({t::ToolPath("hpo-report").string(), "--help"}, dir.path());
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("hpo-report --format text") != std::string::npos);
  }

  TEST_CASE("hpo-report refuses to write its page over the campaign's records and own files") {
    t::ScratchDir dir;
    SyntheticCampaign c = SmallCampaign(dir);
    const hpo::Layout& L = c.campaign.layout();
    fs::create_symlink(L.root(), dir / "alias");
    fs::create_directories(dir / "sub");
    std::map<std::string, std::string> before;
    for (fs::recursive_directory_iterator it(L.root()), end; it != end; ++it)
      if (fs::is_regular_file(it->symlink_status())) before[it->path().string()] = t::ReadText(it->path());
    const std::string targets[] = {
        (L.root() / "results" / "trial_0.json").string(),
        (L.root() / "campaign.yaml").string(),
        (L.root() / "campaign.json").string(),
        (L.root() / "final_results.json").string(),
        (L.root() / "best_config.json").string(),
        (L.root() / "results.csv").string(),
        (L.root() / "Makefile").string(),
        (L.root() / "pending" / "new.html").string(),
        (L.root() / "tmp" / "page.html").string(),
        (L.root() / ".index" / "page.html").string(),
        (L.root() / "trials" / "trial_0" / "result.json").string(),
        (L.root() / "slurm").string(),
        (dir / "alias" / "campaign.yaml").string(),         // through a symlink
        (dir / "sub" / ".." / "camp" / "results" / "trial_1.json").string(),  // through ..
        "camp/./failed/x.html",
    };
    for (const auto& target : targets) {
      CAPTURE(target);
      t::RunResult r = t::RunProgram(
          {t::ToolPath("hpo-report").string(), "-o", target, L.root().string()}, dir.path());
      CHECK(r.exit_code == 2);
      CHECK(r.err.rfind("hpo-report: error: ", 0) == 0);
      CHECK(r.err.find("campaign") != std::string::npos);
    }
    for (const auto& [path, text] : before) {
      CAPTURE(path);
      CHECK(t::ReadText(path) == text);
    }
    // Anywhere else in the campaign directory is fine.
    t::RunResult ok = t::RunProgram(
        {t::ToolPath("hpo-report").string(), "-o", (L.root() / "other.html").string(), "camp"}, dir.path());
    CHECK_MESSAGE(ok.exit_code == 0, ok.err);
    CHECK(fs::exists(L.root() / "other.html"));
  }

}  // TEST_SUITE("unit")
