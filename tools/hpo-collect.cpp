// hpo-collect: settle a campaign's trials and write its summaries.
#include <iostream>

#include "cli.hpp"
#include "collect.hpp"
#include "error.hpp"
#include "slurm_query.hpp"
#include "tool.hpp"

namespace {

int Run(int argc, char** argv) {
  std::string dir;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("campaign", hpo::po::value(&dir), "campaign directory (positional)")
      ("no-slurm", "do not ask SLURM about running trials (judge by leases alone)")
      ("quiet,q", "print nothing but errors");
  hpo::po::positional_options_description pos;
  pos.add("campaign", 1);
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-collect CAMPAIGN_DIR [--no-slurm] [--quiet]",
      "Reads the campaign directory, settles running trials whose runner is gone (asking SLURM\n"
      "once, if sbatch/squeue are available), and writes final_results.json, best_config.json\n"
      "and results.csv atomically. Prints counts per state and the best trial so far.\n"
      "Idempotent and safe beside running trials and other hpo-collect processes: run it from\n"
      "cron, a loop, or as a SLURM job with --dependency=afterany on the trial arrays.",
      "  hpo-collect hpo_results/mlp_example\n"
      "  watch -n 30 hpo-collect hpo_results/mlp_example\n"
      "  sbatch --dependency=afterany:1234 --wrap 'hpo-collect hpo_results/mlp_example'\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, pos, vm)) return 0;
  if (dir.empty()) throw hpo::UsageError("missing the campaign directory (see hpo-collect --help)");
  hpo::Campaign campaign = hpo::Campaign::Open(dir);
  hpo::CollectOptions opt;
  std::unique_ptr<hpo::JobStateSource> slurm;
  if (!vm.count("no-slurm")) slurm = hpo::MakeSlurmJobStateSource();
  opt.slurm = slurm.get();
  hpo::CollectSummary sum = hpo::Collect(campaign, opt);
  if (!vm.count("quiet")) std::cout << hpo::FormatSummary(campaign, sum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-collect", [&] { return Run(argc, argv); });
}
