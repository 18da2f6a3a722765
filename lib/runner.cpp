#include "runner.hpp"

#include "runner_phases.hpp"
#include "tool.hpp"

namespace hpo {

std::string EnvSetupFailureReason(const EnvSetupFailure& f) {
  std::string reason = "env_setup failed: exit code " + std::to_string(f.exit_code);
  size_t end = f.output.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return reason;
  size_t start = f.output.find_last_of('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  std::string last = f.output.substr(start, end + 1 - start);
  if (last.size() > 300) last = last.substr(0, 300) + "...";
  return reason + ": " + last;
}

namespace {

// The attempt fails before the trial starts: slurm.env_setup failed in the batch script.
RunOutcome RecordEnvSetupFailure(TrialRun& run, const EnvSetupFailure& failure) {
  nlohmann::json info = RunnerOf(run.rec);
  info.erase("pid");
  info.erase("pid_start");
  info["attempt"] = run.attempt;
  return FailBeforeStart(run, EnvSetupFailureReason(failure), NowSeconds(), info);
}

}  // namespace

RunOutcome RunTrial(const fs::path& dir, TrialId id, const std::optional<EnvSetupFailure>& env_setup_failure) {
  Campaign campaign = Campaign::Open(dir);
  TrialRun run{campaign, id, SlurmEnv::FromEnvironment(), "trial " + std::to_string(id),
               BlockRunnerSignals(), Record()};
  const double claim_time = NowSeconds();
  const ClaimOutcome claimed = ClaimTrial(run);
  if (claimed == ClaimOutcome::kSkipped || !RegisterClaim(run, claimed, claim_time))
    return RunOutcome::kSkipped;
  if (env_setup_failure) return RecordEnvSetupFailure(run, *env_setup_failure);

  const Started started = StartTrial(run);
  if (!started.error.empty()) return FailBeforeStart(run, started.error, started.start_time, {});
  Info(run.tag + ": started (attempt " + std::to_string(run.attempt) + ", pid " +
       std::to_string(started.pid) + ")");
  Supervision supervision = Supervise(run, started);
  return EndAttempt(run, supervision);
}

}  // namespace hpo
