// How an attempt of a trial ends, decided from the facts alone (pure, tested from a table of
// cases in tests/test_runner_ending.cpp): what the runner saw while it supervised the trial
// (runner_supervise.cpp), and what a resumed SLURM task finds in the record it resumes.
#pragma once

#include <optional>
#include <string>

#include "process.hpp"

namespace hpo {

// How the runner stopped a trial that was still running when the checkpoint grace after
// SIGUSR2 ran out.
enum class GraceStop {
  kNone,  // it was not stopped by the runner (it ended on its own, or there was no grace)
  kTerm,  // SIGTERM at the end of the grace
  kKill   // SIGKILL: it outlived SIGTERM too
};

// What happened while the trial ran, and what is known after.
struct EndingFacts {
  bool under_slurm = false;
  bool can_requeue = false;  // under SLURM with attempts left (and no requeue failed)
  bool warned = false;       // SIGUSR2 received: time limit or preemption ahead
  int term_signal = 0;       // SIGTERM/SIGINT/SIGHUP received by the runner, or 0
  bool trial_ok = false;     // the trial exited with code 0
  bool trial_signalled = false;  // the trial was killed by a signal
  bool has_metric = false;       // its result file has a finite metric
  bool told_to_stop = false;     // the pruner told it to stop (a stop decision in its folder)
  std::optional<bool> slurm_ending;  // SLURM is ending the job; nullopt: not asked yet
};

// The ending of the attempt.
enum class Ending {
  kRequeue,        // requeue this SLURM task: the trial resumes as the next attempt
  kBackToPending,  // interrupted locally: pending again, the attempt not used up
  kAskSlurm,       // the trial was killed by a signal: whether SLURM is ending the job decides
  kLeaveRunning,   // SLURM is ending the job: hpo-collect settles it, or a requeue resumes it
  kFinish,         // a finite metric: results/
  kPrune,          // told to stop by the pruner, and it did (exit 0): pruned/
  kFail            // failed/, with the reason
};

// Decides the ending. kAskSlurm only while `slurm_ending` is unknown.
Ending DecideEnding(const EndingFacts& facts);

// The history reason of a requeue after SIGUSR2: what the trial did in the grace.
std::string RequeueReason(GraceStop stop);

// What a SLURM task that resumes its own running record finds in it.
struct RestartFacts {
  bool resumed = false;              // the record is running under this very job
  bool requeued_by_runner = false;   // its runner requeued the task itself (runner.requeued)
  int slurm_restart_count = 0;       // SLURM_RESTART_COUNT
  std::string ending_signal;         // runner.ending: the signal its runner saw, or ""
  std::string ending_trial;          // runner.ending: how its trial ended, or ""
};

// The history reason for a restart that SLURM made on its own (node failure, preemption,
// scontrol requeue by hand: the runner did not requeue), or nullopt when there is nothing to
// record (a fresh claim, or the runner's own requeue, recorded when it was made).
std::optional<std::string> SlurmRestartReason(const RestartFacts& facts);

}  // namespace hpo
