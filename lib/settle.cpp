#include "settle.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <utility>
#include <vector>

#include "atomic_file.hpp"
#include "cancel.hpp"
#include "claim.hpp"
#include "error.hpp"
#include "file_age.hpp"
#include "log_tail.hpp"
#include "process.hpp"
#include "record.hpp"
#include "retry.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Temp files of writers killed mid-write are never read; those older than a day are
// dropped (a write takes milliseconds, so nothing alive is that old), and so are retry
// claims left by a retry that died. Only files of the tools' own names (IsTempFileName,
// IsRetryClaimName) are ever removed: anything else in tmp/, a user's file or folder, is
// left alone, and a file that cannot be removed is reported, never fatal.
void RemoveStaleTemps(const Layout& L, double now) {
  boost::system::error_code ec;
  for (fs::directory_iterator it(L.tmp_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!IsTempFileName(name) && !IsRetryClaimName(name)) continue;
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (auto age = FileAge(it->path(), now); !age || *age <= 86400) continue;
    try {
      RemoveFile(it->path());
    } catch (const Error& e) {
      Warning(std::string("could not remove a stale temp file: ") + e.what());
    }
  }
}

// A running record whose runner is gone, of a trial that results/ or failed/ (at the same
// attempt or a later one) already holds, is a leftover: a runner that wrote its record
// (its "ending" note on a SLURM signal) just after a collect had settled the trial from
// SLURM's word. Nothing in it is lost by removing it; left alone it would stay forever,
// since the trial's higher state keeps every later collect from settling it. Returns true
// when it was removed (or is gone). A window of microseconds remains between the second
// read and the removal, in which only a retry of that very trial plus a runner's claim of
// it could put a live record there.
bool RemoveLeftover(const Campaign& c, TrialId id, const Record& rec) {
  auto at = c.Find(id);
  if (at == TrialState::kFailed) {
    std::optional<Record> failed;
    try {
      failed = c.Read(TrialState::kFailed, id);
    } catch (const Error&) {
      return false;  // left for a person: the failed record itself is unreadable
    }
    if (!failed || AttemptOf(*failed) < AttemptOf(rec)) return false;
  } else if (at != TrialState::kFinished) {
    return false;
  }
  // Read it again: usually the runner finished normally and removed it after this collect
  // read it; and only the record judged is removed, never one written since.
  std::optional<Record> now;
  try {
    now = c.Read(TrialState::kRunning, id);
  } catch (const Error&) {
    return false;
  }
  if (!now) return true;
  if (*now != rec) return false;
  RemoveFile(c.layout().trial_file(TrialState::kRunning, id));
  Warning("trial " + std::to_string(id) + ": removed " +
          c.layout().trial_file(TrialState::kRunning, id).string() + ", left by a runner that is gone; " +
          (at == TrialState::kFinished ? "its result" : "its failure") + " stands");
  return true;
}

// The running trials that a runner registered, with their records (claims not yet
// registered are settled by SettleClaim, interrupted moves completed); the SLURM tasks they
// name go to `job_ids`.
std::vector<std::pair<TrialId, Record>> ReadLive(const Campaign& campaign, double now,
                                                 std::vector<std::string>& job_ids) {
  std::vector<std::pair<TrialId, Record>> live;
  for (TrialId id : campaign.List(TrialState::kRunning)) {
    std::optional<Record> rec;
    try {
      rec = campaign.Read(TrialState::kRunning, id);
    } catch (const Error& e) {
      Warning(std::string("unreadable running record left alone: ") + e.what());
      continue;
    }
    if (!rec) continue;
    // A claimed record still says "pending" until its runner registers: left alone for the
    // grace, then returned to pending (its runner died in between, or was stopped while
    // giving it back). claim.hpp.
    if (SettleClaim(campaign, id, *rec, now) != ClaimVerdict::kRegistered) continue;
    if (CompleteInterruptedMove(campaign, TrialState::kRunning, id, *rec)) continue;
    std::string job = RunnerTaskName(RunnerOf(*rec));
    if (!job.empty()) job_ids.push_back(job);
    live.emplace_back(id, std::move(*rec));
  }
  return live;
}

// Fails a running trial whose runner is gone: its record, with the reason, the runner's
// fields as its additional_info, the end of its stderr and a history entry, moves to
// failed/. False when the runner published in the meantime (nothing is then changed).
bool FailLostTrial(const Campaign& campaign, TrialId id, Record& rec, const std::string& reason,
                   double now) {
  json info = RunnerOf(rec);
  info["attempt"] = AttemptOf(rec);
  // The runner's last sign of life is the best known end of the attempt (this collect may
  // run hours later); the report's timeline and tables need one.
  double age = LeaseAge(campaign, id, now);
  double last_alive = age < 0 ? now : now - age;
  if (info.contains("start_time") && info["start_time"].is_number())
    last_alive = std::max(last_alive, info["start_time"].get<double>());
  info["end_time"] = last_alive;
  const fs::path stderr_log = campaign.layout().trial_stderr(id);
  Failure failure;
  failure.reason = reason;
  failure.stderr_tail = ReadLogTail(stderr_log);
  if (!failure.stderr_tail.empty()) failure.stderr_log = stderr_log.string();
  failure.additional_info = info;
  failure.end_time = now;
  MarkFailed(rec, failure);
  // Re-check: the runner may have published in the meantime; never clobber that.
  if (campaign.Find(id) != TrialState::kRunning) return false;
  campaign.Write(TrialState::kRunning, id, rec);
  campaign.Move(id, TrialState::kRunning, TrialState::kFailed);
  Warning("trial " + std::to_string(id) + ": " + reason);
  return true;
}

// Completes the moves into failed/ that a crash interrupted.
void CompleteFailedMoves(const Campaign& campaign) {
  for (TrialId id : campaign.List(TrialState::kFailed)) {
    try {
      if (auto rec = campaign.Read(TrialState::kFailed, id))
        CompleteInterruptedMove(campaign, TrialState::kFailed, id, *rec);
    } catch (const Error& e) {
      Warning(std::string("unreadable failed record left alone: ") + e.what());
    }
  }
}

}  // namespace

std::int64_t SettleTrials(const Campaign& campaign, JobStateSource* slurm, double now) {
  std::vector<std::string> job_ids;
  std::vector<std::pair<TrialId, Record>> live = ReadLive(campaign, now, job_ids);
  std::optional<std::map<std::string, JobState>> jobs;
  if (!job_ids.empty() && slurm) jobs = slurm->Query(job_ids);
  // A campaign cancelled by hpo-collect --cancel: the jobs SLURM reports CANCELLED were
  // cancelled by the user, and the reason says so.
  const std::optional<CancelMark> cancelled = ReadCancelMark(campaign);
  std::int64_t lost = 0;
  for (auto& [id, rec] : live) {
    std::string reason = LostReason(campaign, id, rec, jobs, now);
    if (reason.empty()) continue;
    if (cancelled && reason.rfind("CANCELLED", 0) == 0) reason = DescribeCancel(*cancelled) + ": " + reason;
    if (RemoveLeftover(campaign, id, rec)) continue;
    if (FailLostTrial(campaign, id, rec, reason, now)) ++lost;
  }
  CompleteFailedMoves(campaign);
  RemoveStaleTemps(campaign.layout(), now);
  return lost;
}

double LeaseAge(const Campaign& c, TrialId id, double now) {
  const Layout& L = c.layout();
  double age = FileAge(L.trial_heartbeat(id), now).value_or(-1);
  double rec_age = FileAge(L.trial_file(TrialState::kRunning, id), now).value_or(-1);
  if (age < 0 || (rec_age >= 0 && rec_age < age)) age = rec_age;
  return age;
}

// SLURM's word comes first: a job it reports ended (CANCELLED, TIMEOUT, NODE_FAIL...) has no
// process left, and its state is the reason. Otherwise a slow but alive runner is never
// declared lost: on its own host the pid (with its start time) decides; elsewhere an expired
// lease, and only when SLURM no longer knows the job or cannot be asked.
std::string LostReason(const Campaign& c, TrialId id, const Record& rec,
                       const std::optional<std::map<std::string, JobState>>& jobs, double now) {
  json runner = RunnerOf(rec);
  std::string job = RunnerTaskName(runner);
  std::string ending;
  if (runner.contains("ending")) {
    const json& e = runner["ending"];
    ending = "; the runner saw " + (e.value("signal", "").empty() ? "its trial " + e.value("trial", "")
                                                                  : e.value("signal", ""));
  }
  if (!job.empty() && jobs) {
    auto it = jobs->find(job);
    if (it != jobs->end()) {
      if (!IsTerminal(it->second.state)) return "";  // pending again (requeued) or running
      std::string why = it->second.state;
      if (!it->second.reason.empty() && it->second.reason != "None")
        why += " (" + it->second.reason + ")";
      return why + ": SLURM job " + job + " ended before the trial recorded a result" + ending;
    }
  }
  double age = LeaseAge(c, id, now);
  bool lease_expired = age > c.config().hpo.lease_timeout;
  std::string host = runner.value("host", "");
  long pid = runner.value("pid", 0L);
  bool same_host = !host.empty() && host == HostName() && pid > 0;
  bool runner_gone = lease_expired;
  if (same_host) {
    auto ticks = ProcessStartTicks(static_cast<pid_t>(pid));
    runner_gone = !ticks || (runner.contains("pid_start") &&
                             runner["pid_start"].get<unsigned long long>() != *ticks);
  }
  if (!runner_gone) return "";
  std::string gone = same_host ? "runner pid " + std::to_string(pid) + " on " + host + " is gone"
                               : "no lease renewal for " + std::to_string(static_cast<long>(age)) +
                                     " s" + (host.empty() ? "" : " from " + host);
  if (job.empty()) return "lost: " + gone + ending;
  // A job SLURM could not be asked about might still be requeued: only the lease counts.
  if (!jobs) return lease_expired ? "lost: " + gone + "; SLURM could not be asked about job " + job + ending : "";
  return "lost: " + gone + "; SLURM no longer knows job " + job + ending;
}

}  // namespace hpo
