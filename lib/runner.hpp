// The runner: what one SLURM array task or one local slot executes for one trial.
// Claims the trial (rename pending -> running), runs the trial command with the HPO_*
// environment, keeps a lease (heartbeat), and publishes the outcome (results/ or failed/).
#pragma once

#include <boost/filesystem/path.hpp>
#include <optional>
#include <string>

#include "layout.hpp"

namespace hpo {

// What happened to the trial.
enum class RunOutcome {
  kFinished,          // a finite metric: moved to results/
  kPruned,            // stopped early by the pruner: moved to pruned/
  kFailed,            // moved to failed/ with the reason
  kSkipped,           // nothing run: claimed by another runner, already done, or claimed too
                      // late to register (claim.hpp)
  kReturnedToPending,  // interrupted locally before it could finish: back in pending/
  kLeftRunning         // SLURM is ending the job: hpo-collect settles it (or a requeue resumes)
};

// The batch script's slurm.env_setup failed (hpo-run --env-setup-failed): the trial must not
// run in the wrong environment.
struct EnvSetupFailure {
  int exit_code = 1;
  std::string output;  // what env_setup wrote to stderr (its tail)
};

// The reason recorded for a failed env_setup: "env_setup failed: exit code 1: <the last
// non-empty line it printed>".
std::string EnvSetupFailureReason(const EnvSetupFailure& failure);

// Runs trial `id` of the campaign at `dir`. Prints one line per transition on stderr. With
// `env_setup_failure`, claims the trial and records the attempt as failed without running it.
RunOutcome RunTrial(const boost::filesystem::path& dir, TrialId id,
                    const std::optional<EnvSetupFailure>& env_setup_failure = std::nullopt);

// Largest result file read; a larger one fails the trial with that reason.
inline constexpr std::uint64_t kMaxResultBytes = 16 << 20;


}  // namespace hpo
