// The supervising phase of a runner (runner_phases.hpp): signals, the lease, the grace.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cmath>

#include "runner_phases.hpp"
#include "slurm_query.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// Seconds a locally interrupted trial gets between SIGTERM and SIGKILL.
constexpr int kLocalKillGrace = 30;
// Seconds a trial stopped at the end of the checkpoint grace gets between SIGTERM and SIGKILL.
constexpr int kGraceKillDelay = 5;

// The deadlines of the supervision loop (seconds since the epoch; 0: none).
struct Deadlines {
  double next_beat = 0;
  double kill_at = 0;     // SIGKILL to the trial's group
  double requeue_at = 0;  // end of the checkpoint grace after SIGUSR2 (requeue ahead)

  // Seconds to wait for the next signal, at least 10 ms.
  double Wait(double now) const {
    double wait = std::max(0.01, next_beat - now);
    if (kill_at > 0) wait = std::min(wait, std::max(0.01, kill_at - now));
    if (requeue_at > 0) wait = std::min(wait, std::max(0.01, requeue_at - now));
    return wait;
  }
};

int TakeSignal(const sigset_t& signals, double wait) {
  timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - std::floor(wait)) * 1e9)};
  siginfo_t info;
  return ::sigtimedwait(&signals, &info, &ts);
}

bool IsStopSignal(int sig) { return sig == SIGTERM || sig == SIGINT || sig == SIGHUP; }

// Passes a signal the runner received on to the trial's group, and sets the deadlines.
void OnSignal(const TrialRun& run, pid_t child, int sig, Supervision& s, Deadlines& d) {
  if (IsStopSignal(sig)) {
    if (!s.term_signal) s.term_signal = sig;
    ::kill(-child, sig);
    if (d.kill_at == 0) d.kill_at = NowSeconds() + kLocalKillGrace;
  } else if (sig == SIGUSR2) {
    ::kill(-child, SIGUSR2);
    const bool can_requeue = run.can_requeue();
    Info(run.tag + ": SIGUSR2 (time limit or preemption ahead): forwarded to the trial" +
         (can_requeue ? "; it has until the grace ends to checkpoint, then the task is requeued"
                      : "; no attempts left to requeue (hpo.max_attempts)"));
    // The grace is what `--signal=B:USR2@grace` asked for; keep a margin for the requeue.
    if (!s.warned && can_requeue)
      d.requeue_at = NowSeconds() + std::max(1.0, run.config().slurm.signal_grace * 0.8 - 5);
    s.warned = true;
  }
}

// Acts on the deadlines that have passed.
void OnDeadlines(const TrialRun& run, pid_t child, Supervision& s, Deadlines& d) {
  const double now = NowSeconds();
  if (d.requeue_at > 0 && now >= d.requeue_at) {
    Info(run.tag + ": the checkpoint grace is over; stopping the trial for the requeue");
    ::kill(-child, SIGTERM);
    s.grace_stop = GraceStop::kTerm;
    d.kill_at = now + kGraceKillDelay;
    d.requeue_at = 0;
  }
  if (d.kill_at > 0 && now >= d.kill_at) {
    ::kill(-child, SIGKILL);
    if (s.grace_stop == GraceStop::kTerm) s.grace_stop = GraceStop::kKill;
    d.kill_at = now + 3600;
  }
  if (now >= d.next_beat) {
    RenewLease(run.layout().trial_heartbeat(run.id));
    d.next_beat = now + run.config().hpo.heartbeat_interval;
  }
}

}  // namespace

Supervision Supervise(TrialRun& run, const Started& started) {
  Supervision s;
  s.start_time = started.start_time;
  Deadlines d;
  d.next_beat = NowSeconds() + run.config().hpo.heartbeat_interval;
  const pid_t child = started.pid;
  int status = 0;
  while (true) {
    int sig = TakeSignal(run.signals, d.Wait(NowSeconds()));
    if (::waitpid(child, &status, WNOHANG) == child) break;
    OnSignal(run, child, sig, s, d);
    OnDeadlines(run, child, s, d);
  }
  ::kill(-child, SIGKILL);  // no stray grandchildren outlive their trial
  s.end_time = NowSeconds();
  s.exit = FromWaitStatus(status);
  return s;
}

bool SlurmIsEnding(TrialRun& run, Supervision& s) {
  // SLURM signals every process of the job at once, so the trial may die before the runner
  // takes its own SIGTERM: give that a moment to arrive.
  if (!s.term_signal) {
    timespec grace{0, 300 * 1000 * 1000};
    siginfo_t si;
    for (int sig; (sig = ::sigtimedwait(&run.signals, &si, &grace)) > 0;)
      if (IsStopSignal(sig)) s.term_signal = sig;
  }
  if (s.term_signal) return true;
  // While it ends, scontrol only says COMPLETING; the reason (CANCELLED, TIMEOUT, PREEMPTED,
  // NODE_FAIL) is known once the job has ended.
  auto job = QueryJob(run.slurm.task_name());
  return job && job->state != "RUNNING";
}

}  // namespace hpo
