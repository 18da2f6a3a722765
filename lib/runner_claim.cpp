// The claim phase of a runner (runner_phases.hpp): claim, resume, register.
#include <unistd.h>

#include "claim.hpp"
#include "error.hpp"
#include "runner_phases.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;
namespace k = record_key;

json RunnerInfo(const SlurmEnv& slurm, int restart_count) {
  json r = {{"host", HostName()}, {"pid", static_cast<long>(::getpid())},
            {"start_time", NowSeconds()}, {k::kRestartCount, restart_count}};
  if (auto t = ProcessStartTicks(::getpid())) r["pid_start"] = *t;
  if (slurm.present()) {
    r[k::kSlurmJobId] = slurm.job_id;
    r["slurm_array_job_id"] = slurm.array_job_id;
    r["slurm_array_task_id"] = slurm.array_task_id;
  }
  return r;
}

// "runner n1:42 (SLURM job 7)", or "another runner (just now)" before it registered.
std::string OwnerName(const json& owner) {
  if (owner.empty()) return "another runner (just now)";
  return "runner " + owner.value("host", "?") + ":" + std::to_string(owner.value("pid", 0L)) +
         (owner.contains(k::kSlurmJobId) ? " (SLURM job " + owner[k::kSlurmJobId].get<std::string>() + ")" : "");
}

// Our own job, requeued or restarted by SLURM: resume the trial; a restart SLURM made on its
// own (the runner did not requeue) goes into the history.
void Resume(TrialRun& run, Record running) {
  const json runner = RunnerOf(running);
  const json ending = runner.value(k::kEnding, json::object());
  RestartFacts facts{true, runner.value(k::kRequeued, false), run.slurm.restart_count,
                     ending.value("signal", ""), ending.value("trial", "")};
  if (auto reason = SlurmRestartReason(facts)) {
    HistoryEntry entry;
    entry.attempt = AttemptOf(running);
    entry.state = "restarted";
    entry.reason = *reason;
    if (auto t = runner.find("start_time"); t != runner.end() && t->is_number()) entry.start_time = t->get<double>();
    if (auto t = ending.find("time"); t != ending.end() && t->is_number()) entry.end_time = t->get<double>();
    entry.host = runner.value("host", "");
    entry.extra = {{k::kSlurmJobId, run.slurm.job_id}};
    AppendHistory(running, entry);
  }
  run.rec = std::move(running);
  run.restart_count = runner.value(k::kRestartCount, 0) + 1;
  Info(run.tag + ": resuming after a restart of job " + run.slurm.job_id);
}

}  // namespace

sigset_t BlockRunnerSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  return mask;
}

bool TrialRun::can_requeue() const { return slurm.present() && attempt < config().hpo.max_attempts; }

ClaimOutcome ClaimTrial(TrialRun& run) {
  const Campaign& c = run.campaign;
  // Not flushed on its own: the record written into running/ right after flushes the folder,
  // and a claim lost to a crash before that only puts the trial back in pending/.
  if (c.Move(run.id, TrialState::kPending, TrialState::kRunning, Durability::kNoSync) != Outcome::kMissing) {
    auto r = c.Read(TrialState::kRunning, run.id);
    if (!r) throw Error(run.tag + ": its record vanished right after the claim");
    run.rec = std::move(*r);
    return ClaimOutcome::kClaimed;
  }
  auto state = c.Find(run.id);
  if (!state)
    throw Error(run.tag + " is not in campaign " + c.layout().root().string() + " (no trial file in any state folder)");
  if (*state != TrialState::kRunning) {
    Info(run.tag + " is already " + StateName(*state) + "; nothing to do");
    return ClaimOutcome::kSkipped;
  }
  auto running = c.Read(TrialState::kRunning, run.id);
  const json owner = running ? RunnerOf(*running) : json::object();
  if (run.slurm.present() && owner.value(k::kSlurmJobId, std::string()) == run.slurm.job_id) {
    Resume(run, std::move(*running));
    return ClaimOutcome::kResumed;
  }
  Info(run.tag + " is already claimed by " + OwnerName(owner) + "; not running it twice");
  return ClaimOutcome::kSkipped;
}

bool RegisterClaim(TrialRun& run, ClaimOutcome claimed, double claim_time) {
  const Campaign& c = run.campaign;
  // A claim not registered within the grace is returned to pending by hpo-collect or the
  // local launcher (claim.hpp); one this late might be returned and claimed again meanwhile,
  // so give it up, leaving the record as it is, rather than run the trial twice.
  const double register_within = ClaimGrace(run.config().hpo.lease_timeout) / 2;
  if (claimed == ClaimOutcome::kClaimed && NowSeconds() - claim_time > register_within) {
    Info(run.tag + ": claimed but not registered within " + json(register_within).dump() +
         " s; left to be returned to pending, not run");
    return false;
  }
  run.attempt = AttemptOf(run.rec);
  MarkRunning(run.rec, RunnerInfo(run.slurm, run.restart_count));
  try {
    c.Write(TrialState::kRunning, run.id, run.rec);
  } catch (const Error&) {
    // Not even recorded as ours (a full disk, say): undo the claim with a rename, which needs
    // no space, so the trial is pending again instead of held in running/ until the lease
    // expires.
    if (claimed == ClaimOutcome::kClaimed) {
      try {
        c.Move(run.id, TrialState::kRunning, TrialState::kPending);
      } catch (const Error& e) {
        Warning(run.tag + ": could not give the claim back: " + e.what());
      }
    }
    throw;
  }
  return true;
}

}  // namespace hpo
