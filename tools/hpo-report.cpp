// hpo-report: one self-contained HTML page (or a terminal summary) of a campaign.
#include <iostream>

#include "campaign_makefile.hpp"
#include "cli.hpp"
#include "collect.hpp"
#include "error.hpp"
#include "process.hpp"
#include "report.hpp"
#include "tool.hpp"

namespace {

struct Options {
  std::string dir;
  std::string format = "html";
  std::string output;
  bool quiet = false;
};

int Run(int argc, char** argv) {
  Options opt;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("campaign", hpo::po::value(&opt.dir), "campaign directory (positional)")
      ("format,f", hpo::po::value(&opt.format), "html (default: write the page) or text (print a summary)")
      ("output,o", hpo::po::value(&opt.output), "where to write the page (default CAMPAIGN_DIR/report.html)")
      ("quiet,q", hpo::po::bool_switch(&opt.quiet), "do not print the path of the page");
  hpo::po::positional_options_description pos;
  pos.add("campaign", 1);
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-report CAMPAIGN_DIR [--format html|text] [--output FILE]",
      "Writes CAMPAIGN_DIR/report.html: one self-contained page (no network, no external files)\n"
      "with a summary (trials per state, best trial and configuration, time used, how many\n"
      "trials ran at once), the distribution of the metric, the metric against every sampled\n"
      "parameter, best-so-far curves, the top trials in parallel coordinates, a timeline, and\n"
      "sortable tables of the trials and the failures; with early stopping (a pruner: section)\n"
      "or learning curves (trials/trial_<i>/progress.jsonl), every trial's curve, how many\n"
      "trials reached each rung and the compute saved. Large campaigns are drawn as densities,\n"
      "so the page stays small. Reads the directory only (through hpo-collect's index); run\n"
      "hpo-collect first to settle lost trials, or `make -C CAMPAIGN_DIR report` for both.\n"
      "Also renders CAMPAIGN_DIR/Makefile when there is none.\n"
      "--format text prints the summary instead and writes nothing.",
      "  hpo-report hpo_results/mlp_example && xdg-open hpo_results/mlp_example/report.html\n"
      "  hpo-report --format text hpo_results/mlp_example\n"
      "  hpo-report -o /tmp/mlp.html hpo_results/mlp_example\n"
      "  make -C hpo_results/mlp_example report\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, pos, vm)) return 0;
  if (opt.dir.empty()) throw hpo::UsageError("missing the campaign directory (see hpo-report --help)");
  if (opt.format != "html" && opt.format != "text")
    throw hpo::UsageError("--format " + opt.format + ": unknown format; use html or text");
  hpo::Campaign campaign = hpo::Campaign::Open(opt.dir);
  hpo::ReportOptions ropt;
  if (opt.format == "text") {
    if (!opt.output.empty()) throw hpo::UsageError("--output writes the page; it does not go with --format text");
    std::cout << hpo::RenderReportText(campaign, hpo::ScanCampaign(campaign), ropt);
    return 0;
  }
  boost::filesystem::path page = hpo::WriteReport(campaign, opt.output, ropt);
  try {
    hpo::EnsureCampaignMakefile(campaign, hpo::ExecutableDir());
  } catch (const hpo::Error& e) {
    hpo::Warning(std::string("no Makefile rendered: ") + e.what());  // the page is what was asked
  }
  if (!opt.quiet) std::cout << page.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-report", [&] { return Run(argc, argv); });
}
