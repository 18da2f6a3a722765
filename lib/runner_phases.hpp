// The phases of a runner (internal to runner*.cpp): claim and register the trial
// (runner_claim.cpp), start it (runner_start.cpp), supervise it (runner_supervise.cpp), and
// end the attempt as DecideEnding says (runner_end.cpp). RunTrial (runner.cpp) runs them in
// this order.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>

#include "campaign.hpp"
#include "process.hpp"
#include "record.hpp"
#include "runner.hpp"
#include "runner_ending.hpp"
#include "slurm.hpp"

namespace hpo {

// One run of one trial: what every phase needs.
struct TrialRun {
  const Campaign& campaign;
  TrialId id;
  SlurmEnv slurm;
  std::string tag;  // "trial 7", for messages
  sigset_t signals;  // blocked, taken synchronously (sigtimedwait)
  Record rec;        // the record as last written (or to be written at registration)
  int attempt = 1;
  int restart_count = 0;  // restarts of this attempt under the same SLURM job

  const Layout& layout() const { return campaign.layout(); }
  const Config& config() const { return campaign.config(); }
  // Under SLURM with attempts left: a warned trial can be requeued.
  bool can_requeue() const;
};

// Blocks the signals the runner takes synchronously (no handler races the bookkeeping).
sigset_t BlockRunnerSignals();

// How the claim went.
enum class ClaimOutcome {
  kClaimed,  // renamed from pending/ by this runner
  kResumed,  // already running under this very SLURM job: requeued or restarted
  kSkipped   // claimed by another runner, or already done: nothing to do
};

// Claims the trial (one rename decides between racing runners) and reads its record into
// `run.rec`; a resumed task also sets `run.restart_count` and notes a restart SLURM made on
// its own in the history.
ClaimOutcome ClaimTrial(TrialRun& run);

// Registers the claim (state running, the runner section). False when the claim came too
// late to register (claim.hpp): nothing is run. Throws when the record cannot be written,
// after giving a fresh claim back to pending.
bool RegisterClaim(TrialRun& run, ClaimOutcome claimed, double claim_time);

// Renews the trial's lease: touches its heartbeat file (a warning when it cannot).
void RenewLease(const boost::filesystem::path& heartbeat);

// A started trial, or why it could not start.
struct Started {
  pid_t pid = -1;
  std::string error;  // "cannot start the trial command ...": not started
  double start_time = 0;
};

// Prepares the trial folder, its config, its logs and environment, and starts the command.
Started StartTrial(TrialRun& run);

// What happened while the trial ran.
struct Supervision {
  ExitInfo exit;
  int term_signal = 0;  // SIGTERM/SIGINT/SIGHUP received by the runner
  bool warned = false;  // SIGUSR2 received
  GraceStop grace_stop = GraceStop::kNone;
  double start_time = 0, end_time = 0;
};

// Waits for the trial to end, renewing its lease and forwarding signals to its process
// group; stops it when the checkpoint grace after SIGUSR2 runs out (requeue ahead) or after a
// grace on SIGTERM. Kills what is left of its group at the end.
Supervision Supervise(TrialRun& run, const Started& started);

// Under SLURM, after the trial was killed by a signal: true when SLURM is ending the job (the
// runner's own SIGTERM arrives within a moment, or SLURM no longer says RUNNING). May set
// `s.term_signal`.
bool SlurmIsEnding(TrialRun& run, Supervision& s);

// Ends the attempt of a supervised trial as DecideEnding says.
RunOutcome EndAttempt(TrialRun& run, Supervision& s);

// Records an attempt that failed before the trial ran (its command could not start, or
// slurm.env_setup failed).
RunOutcome FailBeforeStart(TrialRun& run, const std::string& reason, double start_time,
                           nlohmann::json additional_info);

}  // namespace hpo
