#include "runner_ending.hpp"

namespace hpo {

Ending DecideEnding(const EndingFacts& f) {
  const bool has_result = f.trial_ok && f.has_metric;
  // Stopped early as the pruner told it: its value where it stopped is its record (a result
  // it wrote after the decision changes nothing: the decision was made and holds).
  if (f.told_to_stop && f.trial_ok && !f.term_signal) return Ending::kPrune;
  // Warned of the time limit (or preemption) with attempts left: the trial has checkpointed
  // into its folder (or was stopped); the task is requeued and resumes as the next attempt.
  if (f.warned && f.can_requeue && !f.term_signal && !has_result) return Ending::kRequeue;
  // Interrupted on a workstation (Ctrl-C, hpo-submit --local stopped): the trial did not fail.
  if (f.term_signal && !f.under_slurm) return Ending::kBackToPending;
  // Under SLURM a signal means the job is ending (scancel, time limit, preemption, node
  // shutdown); SLURM's reason is known once the job has ended, so hpo-collect records it.
  const bool succeeded = has_result && !f.term_signal;
  if (f.under_slurm && !succeeded && (f.term_signal || f.trial_signalled)) {
    if (f.term_signal) return Ending::kLeaveRunning;
    if (!f.slurm_ending) return Ending::kAskSlurm;
    if (*f.slurm_ending) return Ending::kLeaveRunning;
  }
  return has_result ? Ending::kFinish : Ending::kFail;
}

std::string RequeueReason(GraceStop stop) {
  switch (stop) {
    case GraceStop::kNone:
      return "SIGUSR2 before the time limit: checkpointed and requeued";
    case GraceStop::kTerm:
      return "SIGUSR2 before the time limit: the trial did not stop within the grace; stopped "
             "by SIGTERM and requeued (it resumes from a checkpoint only if it saved one)";
    case GraceStop::kKill:
      return "time limit: the trial ignored SIGUSR2 and SIGTERM; killed by SIGKILL after the "
             "grace and requeued without a checkpoint from the warning";
  }
  return "";
}

std::optional<std::string> SlurmRestartReason(const RestartFacts& f) {
  if (!f.resumed || f.requeued_by_runner) return std::nullopt;
  std::string seen = !f.ending_signal.empty()  ? "; its runner had received " + f.ending_signal
                     : !f.ending_trial.empty() ? "; its runner had seen its trial end: " + f.ending_trial
                                               : "; its runner ended without a word (node failure?)";
  return "restarted by SLURM (SLURM_RESTART_COUNT " + std::to_string(f.slurm_restart_count) +
         ") without a requeue by the runner: node failure, preemption or a requeue by hand" +
         seen + "; the attempt starts again";
}

}  // namespace hpo
