// hpo-run: the per-task runner. One SLURM array task, or one local slot, runs one trial.
#include <cstdlib>

#include "cli.hpp"
#include "atomic_file.hpp"
#include "error.hpp"
#include "runner.hpp"
#include "tool.hpp"

namespace {

int Run(int argc, char** argv) {
  std::string dir;
  hpo::po::options_description desc("options");
  desc.add_options()
      ("campaign", hpo::po::value(&dir), "campaign directory (positional)")
      ("trial", hpo::po::value<std::int64_t>(), "the trial id to run")
      ("array-offset", hpo::po::value<std::int64_t>(),
       "run trial OFFSET + $SLURM_ARRAY_TASK_ID (what the batch script passes)")
      ("env-setup-failed", hpo::po::value<int>(),
       "slurm.env_setup failed with this exit code (what the batch script passes): record the\n"
       "attempt as failed without running the trial")
      ("env-setup-log", hpo::po::value<std::string>(),
       "with --env-setup-failed: the file holding env_setup's error output (read, then removed)")
      ("quiet,q", "print only errors");
  hpo::po::positional_options_description pos;
  pos.add("campaign", 1);
  hpo::po::variables_map vm;
  hpo::CliSpec spec{
      "hpo-run CAMPAIGN_DIR (--trial ID | --array-offset N)",
      "Claims one pending trial (rename pending/ -> running/), runs the trial command with\n"
      "HPO_TRIAL_ID, HPO_CONFIG, HPO_RESULT, HPO_TRIAL_DIR, HPO_ATTEMPT, HPO_RESTART_COUNT,\n"
      "HPO_METRIC and HPO_CAMPAIGN_DIR set, renews its lease while it runs, and moves the trial\n"
      "to results/ (finite metric) or failed/ (with the reason). A trial claimed by another\n"
      "runner is not run twice: the loser says why and exits 3. hpo-submit starts it; you\n"
      "rarely call it yourself.\n"
      "Exit status:\n"
      "  0    the trial ran and finished (under SLURM also: left in running/ for hpo-collect\n"
      "       or the requeued task, as the job ends)\n"
      "  1    the trial failed (reason in failed/), or an error\n"
      "  2    a usage mistake\n"
      "  3    nothing run: the trial is claimed by another runner or already finished/failed\n"
      "  130  interrupted (SIGINT/SIGTERM, not under SLURM): the trial went back to pending",
      "  hpo-run hpo_results/mlp_example --trial 7\n"
      "  hpo-run \"$CAMPAIGN\" --array-offset 1000   # in a batch script: trial 1000+task id\n"};
  if (!hpo::ParseCommandLine(argc, argv, spec, desc, pos, vm)) return 0;
  if (vm.count("quiet")) hpo::SetQuiet(true);
  if (dir.empty()) throw hpo::UsageError("missing the campaign directory (see hpo-run --help)");
  if (vm.count("trial") && vm.count("array-offset"))
    throw hpo::UsageError(
        "--trial and --array-offset exclude each other; give --trial ID to run "
        "one trial, or --array-offset N in an array job");
  std::int64_t id;
  if (vm.count("trial")) {
    id = vm["trial"].as<std::int64_t>();
  } else if (vm.count("array-offset")) {
    std::int64_t offset = vm["array-offset"].as<std::int64_t>();
    if (offset < 0 || offset > hpo::kMaxTrialId)
      throw hpo::UsageError("--array-offset " + std::to_string(offset) +
                            ": give a whole number from 0 to " + std::to_string(hpo::kMaxTrialId));
    const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
    if (!task || !*task)
      throw hpo::UsageError("--array-offset needs SLURM_ARRAY_TASK_ID (run it from an array job)");
    auto index = hpo::ParseWholeNumber(task, 0, hpo::kMaxTrialId);
    if (!index)
      throw hpo::UsageError(
          std::string("SLURM_ARRAY_TASK_ID='") + task + "' is not a whole number from 0 to " +
          std::to_string(hpo::kMaxTrialId) +
          "; run hpo-run --array-offset from a SLURM array task, or use --trial ID");
    id = offset + *index;
  } else {
    throw hpo::UsageError("give --trial ID or --array-offset N (see hpo-run --help)");
  }
  if (id < 0 || id > hpo::kMaxTrialId)
    throw hpo::UsageError("trial id " + std::to_string(id) + " is out of range");
  std::optional<hpo::EnvSetupFailure> env_failure;
  if (vm.count("env-setup-failed")) {
    env_failure = hpo::EnvSetupFailure{vm["env-setup-failed"].as<int>(), ""};
    if (vm.count("env-setup-log")) {
      const std::string log = vm["env-setup-log"].as<std::string>();
      try {
        env_failure->output = hpo::ReadFile(log, 1 << 20).value_or("");
      } catch (const hpo::Error& e) {
        hpo::Warning(std::string("env_setup's output not read: ") + e.what());
      }
      if (log.rfind("/dev/", 0) != 0) hpo::RemoveFile(log);
    }
  }
  switch (hpo::RunTrial(dir, id, env_failure)) {
    case hpo::RunOutcome::kFailed: return static_cast<int>(hpo::ExitStatus::kFailure);
    case hpo::RunOutcome::kSkipped: return static_cast<int>(hpo::ExitStatus::kNotRun);
    case hpo::RunOutcome::kReturnedToPending:
      return static_cast<int>(hpo::ExitStatus::kInterrupted);
    default: return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return hpo::RunTool("hpo-run", [&] { return Run(argc, argv); });
}
