// hpo-collect: settle a campaign's trials and write its summaries.
#include <unistd.h>

#include <iostream>

#include "campaign_makefile.hpp"
#include "cancel.hpp"
#include "cli.hpp"
#include "collect.hpp"
#include "error.hpp"
#include "process.hpp"
#include "retry.hpp"
#include "slurm_query.hpp"
#include "slurm_submit.hpp"
#include "status.hpp"
#include "tool.hpp"

namespace {

int Run(int argc, char** argv) {
  std::string dir;
  std::string watch_text;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("campaign", hpo::po::value(&dir), "campaign directory (positional)")
      ("no-slurm", "do not ask SLURM about running trials (judge by leases alone)")
      ("resubmit",
       "then move failed trials with attempts left (hpo.max_attempts) back to pending and "
       "submit every uncovered pending trial as new arrays, chaining another hpo-collect "
       "--resubmit after them: the campaign drives itself to the end")
      ("cancel",
       "cancel the campaign: first mark it cancelled (CAMPAIGN_DIR/cancelled.json, so no chained\n"
       "hpo-collect --resubmit resubmits anything), then scancel every array and chained job it\n"
       "submitted that SLURM still holds. The trials they were running are recorded as failed,\n"
       "cancelled by the user, and not retried. A later hpo-submit resumes the campaign")
      ("quiet,q", "print nothing but errors")
      ("status", "print the live status instead (counts, progress, rate and ETA, best so far, the\n"
                 "longest-running trials); settles nothing, writes no summaries")
      ("watch", hpo::po::value(&watch_text), "with --status (implied): repeat every SECONDS until nothing is\n"
                                        "pending or running, or Ctrl-C");
  hpo::po::positional_options_description pos;
  pos.add("campaign", 1);
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-collect CAMPAIGN_DIR [--no-slurm] [--resubmit] [--quiet]\n"
      "       hpo-collect --cancel CAMPAIGN_DIR\n"
      "       hpo-collect --status [--watch SECONDS] [--no-slurm] CAMPAIGN_DIR",
      "Reads the campaign directory, settles running trials whose runner is gone (asking SLURM\n"
      "once, if sbatch/squeue are available), and writes final_results.json, best_config.json\n"
      "and results.csv atomically. Prints counts per state and the best trial so far.\n"
      "Idempotent and safe beside running trials and other hpo-collect processes: run it from\n"
      "cron, a loop, or as a SLURM job with --dependency=afterany on the trial arrays.\n"
      "Renders CAMPAIGN_DIR/Makefile (make report, collect, status) when there is none.\n"
      "--status only reads the trials (and asks SLURM at most once per screen, at most every\n"
      "60 s, for the states of the running trials' jobs).",
      "  hpo-collect hpo_results/mlp_example\n"
      "  hpo-collect --status hpo_results/mlp_example\n"
      "  hpo-collect --watch 30 hpo_results/mlp_example\n"
      "  hpo-collect --resubmit hpo_results/mlp_example   # from cron: retry and resubmit\n"
      "  hpo-collect --cancel hpo_results/mlp_example     # stop the campaign\n"
      "  sbatch --dependency=afterany:1234 --wrap 'hpo-collect hpo_results/mlp_example'\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, pos, vm)) return 0;
  if (dir.empty()) throw hpo::UsageError("missing the campaign directory (see hpo-collect --help)");
  double watch = 0;
  if (vm.count("watch")) {
    auto seconds = hpo::ParseFiniteNumber(watch_text);
    if (!seconds || !(*seconds > 0) || *seconds > 86400)
      throw hpo::UsageError("--watch " + watch_text +
                            ": give a number of seconds greater than 0 and at most 86400");
    watch = *seconds;
  }
  // --status and --watch only read; --resubmit and --quiet belong to a collect.
  const char* view = vm.count("watch") ? "--watch" : vm.count("status") ? "--status" : nullptr;
  if (view && vm.count("resubmit"))
    throw hpo::UsageError(std::string(view) + " and --resubmit exclude each other: " + view +
                          " only reads the campaign; run hpo-collect --resubmit DIR separately");
  if (view && vm.count("quiet"))
    throw hpo::UsageError(std::string(view) + " with --quiet would print nothing; drop --quiet");
  hpo::Campaign campaign = hpo::Campaign::Open(dir);
  try {
    hpo::EnsureCampaignMakefile(campaign, hpo::ExecutableDir());
  } catch (const hpo::Error& e) {
    hpo::Warning(std::string("no Makefile rendered: ") + e.what());  // collecting matters more
  }
  if (vm.count("cancel")) {
    hpo::CancelCampaign(campaign, std::cout);
    return 0;
  }
  std::unique_ptr<hpo::JobStateSource> slurm;
  if (!vm.count("no-slurm")) slurm = hpo::MakeSlurmJobStateSource();
  if (vm.count("status") || vm.count("watch")) {
    hpo::InstallInterruptHandlers();
    hpo::WatchOptions wopt;
    wopt.interval = watch;
    wopt.clear_screen = watch > 0 && ::isatty(1);
    wopt.slurm = slurm.get();
    return hpo::RunStatus(campaign, wopt, std::cout);
  }
  hpo::CollectOptions opt;
  opt.slurm = slurm.get();
  hpo::CollectSummary sum = hpo::Collect(campaign, opt);
  if (!vm.count("quiet")) std::cout << hpo::FormatSummary(campaign, sum);
  auto cancelled = vm.count("resubmit") ? hpo::ReadCancelMark(campaign) : std::nullopt;
  if (cancelled) {
    std::cout << "not resubmitting: the campaign was " << hpo::DescribeCancel(*cancelled)
              << "; hpo-submit resumes it\n";
  } else if (vm.count("resubmit")) {
    auto moved = hpo::RetryFailed(campaign);
    hpo::QueuedWork queued = hpo::FindQueuedWork(campaign);
    const auto& ids = queued.unsubmitted;
    if (!moved.empty()) std::cout << "retrying " << moved.size() << " failed trial(s)\n";
    if (!ids.empty()) {
      hpo::SubmitOptions sopt;
      sopt.after_jobs = queued.queued_arrays;
      sopt.tools_dir = hpo::ExecutableDir();
      sopt.collect_resubmits = true;
      auto sbatch = hpo::MakeSbatch();
      hpo::SubmitArrays(campaign, ids, *sbatch, sopt, std::cout);
      // The chained hpo-collect summarises; this one's outputs are already written.
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-collect", [&] { return Run(argc, argv); });
}
