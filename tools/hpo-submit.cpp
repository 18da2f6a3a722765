// hpo-submit: record trials as pending and start them on a backend.
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "campaign.hpp"
#include "cancel.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "config.hpp"
#include "error.hpp"
#include "local_backend.hpp"
#include "process.hpp"
#include "retry.hpp"
#include "slurm_submit.hpp"
#include "tool.hpp"
#include "trials_input.hpp"

namespace {

struct Options {
  std::string config = "hpo.yaml";
  std::string trials;
  bool local = false, array = false, force = false, dry_run = false, no_collect = false,
       no_start = false, retry_failed = false;
};

// Prints what the local runners did and what the campaign holds now; returns the exit
// status: 130 when interrupted, an error (1) when no trial of the campaign finished and some
// failed, else 0 (some failed trials are normal in a search: the summary counts them).
int LocalSummary(const hpo::Campaign& campaign, const hpo::LocalResult& r) {
  using hpo::TrialState;
  auto n = [](auto v) { return std::to_string(v); };
  std::string line = "local: " + n(r.started) + " runner(s) started: " + n(r.finished) +
                     " finished, " + (r.pruned ? n(r.pruned) + " pruned, " : std::string()) +
                     n(r.failed) + " failed, " + n(r.not_run) +
                     " ran nothing (trial claimed by another runner or already done)";
  if (r.returned) line += ", " + n(r.returned) + " returned to pending";
  if (r.stranded)
    line += "; " + n(r.stranded) + " claim(s) whose runner never registered returned to pending";
  hpo::Info(line);
  if (r.interrupted) return static_cast<int>(hpo::ExitStatus::kInterrupted);
  const hpo::Layout& L = campaign.layout();
  size_t finished = campaign.List(TrialState::kFinished).size();
  size_t failed = campaign.List(TrialState::kFailed).size();
  size_t pruned = campaign.List(TrialState::kPruned).size();
  hpo::Info(L.root().string() + ": " + n(finished) + " finished, " +
            (pruned ? n(pruned) + " pruned, " : std::string()) + n(failed) + " failed, " +
            n(campaign.List(TrialState::kRunning).size()) + " running, " +
            n(campaign.List(TrialState::kPending).size()) + " pending");
  std::string status = "hpo-collect --status " + L.root().string();
  if (failed > 0 && finished == 0 && pruned == 0)
    throw hpo::Error("every trial failed (" + n(failed) + " failed, none finished): the reasons are in " +
                     L.state_dir(TrialState::kFailed).string() + "/trial_<i>.json, the trials' output in " +
                     L.trials_dir().string() + "/trial_<i>/stderr.log; " + status + " lists them");
  if (failed > 0) hpo::Warning(n(failed) + " trial(s) failed; " + status + " lists them");
  return 0;
}

int Run(int argc, char** argv) {
  Options opt;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("config,c", hpo::po::value(&opt.config), "config file (default hpo.yaml)")
      ("trials,t", hpo::po::value(&opt.trials),
       "JSON Lines of trials (default: standard input when it is not a terminal; - for stdin)")
      ("local", hpo::po::bool_switch(&opt.local), "run trials here, hpo.max_concurrent_jobs at once")
      ("array", hpo::po::bool_switch(&opt.array), "submit trials as SLURM job arrays")
      ("force", hpo::po::bool_switch(&opt.force),
       "add trials even if the campaign was created with another space, seed or method, and "
       "take another metric, mode, trial command or trial env (trials recorded earlier stay "
       "counted; those without the new metric are listed without a value)")
      ("retry-failed", hpo::po::bool_switch(&opt.retry_failed),
       "first move failed trials with attempts left (hpo.max_attempts) back to pending: same "
       "config and id, attempt + 1, work folder kept")
      ("no-start", hpo::po::bool_switch(&opt.no_start),
       "only record the trials as pending; start nothing (a later hpo-submit starts them)")
      ("dry-run", hpo::po::bool_switch(&opt.dry_run),
       "--array: record the trials, print the batch scripts and sbatch lines, submit nothing")
      ("no-collect", hpo::po::bool_switch(&opt.no_collect),
       "--array: do not chain hpo-collect (and hpo-report) after the arrays");
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-submit [-c CONFIG] [--trials FILE] (--local | --array [--dry-run] [--no-collect]) [--force]",
      "Records each trial (JSON Lines from hpo-sample) as pending in the campaign directory\n"
      "hpo.output_dir (created on first use, with a frozen copy of the config; only a new or\n"
      "empty directory becomes a campaign), then starts the pending trials. A trial already\n"
      "known in any state is not added again.\n"
      "  --local  runs them as local processes through hpo-run, at most hpo.max_concurrent_jobs\n"
      "           at once across every launcher of the campaign (slots/); it keeps no state:\n"
      "           kill it and run it again, it continues.\n"
      "  --array  submits the pending trials as SLURM job arrays (--array=IDS%max_concurrent_jobs,\n"
      "           split at the cluster's MaxArraySize and chained with afterany), then an\n"
      "           hpo-collect job with --dependency=afterany; prints the array job ids.\n"
      "Without --local or --array: --array when sbatch is on PATH, else --local (with a\n"
      "warning: pass the backend explicitly). The trial command's program is checked first:\n"
      "a path must be an executable file; a bare name must be on PATH (for --array only a\n"
      "warning: slurm.env_setup may put it on the compute nodes' PATH).\n"
      "Exit status: 0 done (with --local: at least one trial of the campaign finished, or none\n"
      "failed; failed trials are counted in the summary), 1 an error, or with --local every\n"
      "trial of the campaign failed, 2 a usage or configuration mistake, 130 interrupted.",
      "  hpo-sample -n 100 | hpo-submit --array\n"
      "  hpo-sample -c examples/mlp/hpo.yaml | hpo-submit -c examples/mlp/hpo.yaml --local\n"
      "  hpo-submit --local            # only (re)start what is pending\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, {}, vm)) return 0;
  if (opt.local && opt.array) throw hpo::UsageError("--local and --array exclude each other; pick one");
  hpo::Config cfg = hpo::LoadConfig(opt.config);
  if (cfg.trial.command.empty())
    throw hpo::UsageError(opt.config + ": trial.command: missing; give the command that runs one "
                          "trial, e.g. python train.py --config {config_file}");
  // The backend, said out loud when nobody chose it: on a cluster's login node a silent
  // local run would train there.
  const bool use_array = opt.array || (!opt.local && hpo::FindInPath("sbatch"));
  if (!opt.no_start && !opt.array && !opt.local && !use_array)
    hpo::Warning("no sbatch on PATH: running trials here with the local backend; pass --local to "
                 "silence this or --array to require SLURM");
  // Before anything is recorded: a program that cannot start fails every trial.
  const char* path = std::getenv("PATH");
  hpo::CheckTrialProgram(cfg.trial.command, opt.config, hpo::ConfigDir(cfg).string(),
                         boost::filesystem::current_path().string(), path ? path : "",
                         use_array || opt.no_start ? hpo::ProgramCheck::kElsewhere
                                                   : hpo::ProgramCheck::kHere);

  // Read every line before recording anything: a bad line records nothing.
  std::vector<hpo::TrialLine> lines;
  if (opt.trials == "-" || (opt.trials.empty() && !::isatty(0))) {
    lines = hpo::ReadTrialLines(std::cin, "<stdin>");
  } else if (!opt.trials.empty()) {
    std::ifstream in(opt.trials);
    if (!in) throw hpo::UsageError(opt.trials + ": cannot open: " + hpo::ErrnoText(errno));
    lines = hpo::ReadTrialLines(in, opt.trials);
  }
  if (!opt.force)
    hpo::CheckTrialParameters(lines, cfg.space, opt.trials.empty() || opt.trials == "-" ? "<stdin>" : opt.trials);
  hpo::Campaign campaign = hpo::Campaign::Create(
      cfg, cfg.hpo.output_dir, boost::filesystem::current_path(),
      opt.force ? hpo::Force::kYes : hpo::Force::kNo);
  int added = 0;
  // In batches: one flush per batch instead of one per trial, and a batch is bounded so a
  // million-line input does not hold a million files in memory.
  std::vector<std::pair<hpo::TrialId, nlohmann::json>> batch;
  for (size_t i = 0; i < lines.size(); ++i) {
    batch.emplace_back(lines[i].trial_id, lines[i].config);
    if (batch.size() == 4096 || i + 1 == lines.size()) {
      added += static_cast<int>(campaign.AddPendingBatch(batch));
      batch.clear();
    }
  }
  // An explicit hpo-submit resumes a campaign stopped by hpo-collect --cancel.
  if (!opt.no_start && !opt.dry_run) {
    if (auto mark = hpo::ReadCancelMark(campaign)) {
      hpo::ClearCancelMark(campaign);
      hpo::Info("the campaign was " + hpo::DescribeCancel(*mark) + "; resuming it (" +
                campaign.layout().cancel_mark().string() + " removed)");
    }
  }
  if (opt.retry_failed) {
    auto moved = hpo::RetryFailed(campaign);
    hpo::Info(std::to_string(moved.size()) + " failed trial(s) with attempts left moved back to pending");
    if (std::size_t stuck = hpo::CountOutOfAttempts(campaign))
      hpo::Info(std::to_string(stuck) + " failed trial(s) are out of attempts (hpo.max_attempts = " +
                std::to_string(cfg.hpo.max_attempts) + "); raise hpo.max_attempts in " + opt.config +
                " and run again");
  }
  // Counted after the retries, so the pending count includes what they moved back.
  hpo::Info(campaign.layout().root().string() + ": " + std::to_string(added) + " trial(s) added, " +
            std::to_string(lines.size() - added) + " already known; " +
            std::to_string(campaign.List(hpo::TrialState::kPending).size()) + " pending");
  if (opt.no_start) return 0;
  if (!use_array) {
    hpo::InstallInterruptHandlers();
    std::string runner = hpo::ExecutableDir() + "/hpo-run";
    hpo::LocalResult r = hpo::RunLocal(campaign, cfg.hpo.max_concurrent_jobs, runner);
    // Locally there is no dependency chain: retry failed trials with attempts left here,
    // until none is left (each retry raises the attempt, so this ends).
    while (!r.interrupted && cfg.hpo.max_attempts > 1) {
      auto moved = hpo::RetryFailed(campaign);
      if (moved.empty()) break;
      hpo::Info("retrying " + std::to_string(moved.size()) + " failed trial(s)");
      r += hpo::RunLocal(campaign, cfg.hpo.max_concurrent_jobs, runner);
    }
    return LocalSummary(campaign, r);
  }
  hpo::SubmitOptions sopt;
  sopt.dry_run = opt.dry_run;
  sopt.chain_collect = !opt.no_collect;
  sopt.tools_dir = hpo::ExecutableDir();
  sopt.collect_resubmits = cfg.hpo.max_attempts > 1;
  auto sbatch = hpo::MakeSbatch();
  hpo::QueuedWork queued = hpo::FindQueuedWork(campaign);
  sopt.after_jobs = queued.queued_arrays;
  hpo::SubmitResult r = hpo::SubmitArrays(campaign, queued.unsubmitted, *sbatch, sopt,
                                          opt.dry_run ? std::cout : std::cerr);
  for (const auto& j : r.array_jobs) std::cout << j << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-submit", [&] { return Run(argc, argv); });
}
