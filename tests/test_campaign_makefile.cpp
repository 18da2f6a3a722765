// The campaign Makefile: rendered once, with tool paths quoted for the shell and for make.
#include <doctest/doctest.h>

#include <string>

#include "campaign_makefile.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using t::SyntheticCampaign;

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the campaign Makefile is rendered once with quoted tool paths") {
    t::ScratchDir dir;
    SyntheticCampaign c(dir);
    fs::path tools = dir / "my tools $HOME";
    hpo::EnsureCampaignMakefile(c.campaign, tools.string());
    fs::path mk = c.campaign.layout().makefile();
    std::string text = t::ReadText(mk);
    CHECK(text.find("HPO_REPORT ?= '" + (dir.path() / "my tools $$HOME").string() +
                    "/hpo-report'") != std::string::npos);
    // make expands it back to the shell-quoted path.
    if (hpo::FindInPath("make")) {
      t::RunResult r = t::RunProgram(
          {"/usr/bin/env", "make", "-n", "-C", c.campaign.layout().root().string(), "report"},
          dir.path());
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      CHECK(r.out.find("'" + tools.string() + "/hpo-collect' .\n") != std::string::npos);
      CHECK(r.out.find("'" + tools.string() + "/hpo-report' .\n") != std::string::npos);
    }
    // A user's Makefile is kept.
    t::WriteText(mk, "# mine\n");
    hpo::EnsureCampaignMakefile(c.campaign, "/elsewhere");
    CHECK(t::ReadText(mk) == "# mine\n");
  }
}  // TEST_SUITE("unit")
