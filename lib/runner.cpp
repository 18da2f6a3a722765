#include "runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "atomic_file.hpp"
#include "campaign.hpp"
#include "claim.hpp"
#include "command.hpp"
#include "error.hpp"
#include "json_parse.hpp"
#include "log_tail.hpp"
#include "process.hpp"
#include "slurm.hpp"
#include "slurm_query.hpp"
#include "tool.hpp"

extern char** environ;

namespace hpo {
namespace {

using nlohmann::json;

// Seconds a locally interrupted trial gets between SIGTERM and SIGKILL.
constexpr int kLocalKillGrace = 30;

void Touch(const fs::path& p) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    Warning("failed to renew the lease " + p.string() + ": " + ErrnoText(errno));
    return;
  }
  ::futimens(fd, nullptr);
  ::close(fd);
}

int OpenLog(const fs::path& p) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw Error("failed to open " + p.string() + ": " + ErrnoText(errno));
  return fd;
}

void WriteLine(int fd, const std::string& s) { (void)!::write(fd, s.data(), s.size()); }

json RunnerInfo(const SlurmEnv& slurm, int restart_count) {
  json r = {{"host", HostName()}, {"pid", static_cast<long>(::getpid())},
            {"start_time", NowSeconds()}, {"restart_count", restart_count}};
  if (auto t = ProcessStartTicks(::getpid())) r["pid_start"] = *t;
  if (slurm.present()) {
    r["slurm_job_id"] = slurm.job_id;
    r["slurm_array_job_id"] = slurm.array_job_id;
    r["slurm_array_task_id"] = slurm.array_task_id;
  }
  return r;
}

// Reads the trial's result file and returns the metric, or the reason it is unusable.
struct ParsedResult {
  std::optional<double> metric;
  json extra = json::object();
  std::string problem;
};

ParsedResult ReadResult(const fs::path& p, const std::string& metric) {
  ParsedResult r;
  std::optional<std::string> text;
  try {
    text = ReadFile(p, kMaxResultBytes);
  } catch (const Error& e) {
    r.problem = std::string("unusable result file: ") + e.what();
    return r;
  }
  if (!text) {
    r.problem = "the trial wrote no result file " + p.string();
    return r;
  }
  ParsedJson parsed = ParseJson(*text);
  if (!parsed.ok() && parsed.problem.rfind("not valid JSON", 0) != 0) {
    r.problem = "the result file " + p.string() +
                (parsed.problem.rfind("nested", 0) == 0 ? " is " : ": ") +
                parsed.problem;  // too deep, or a key given twice
    return r;
  }
  if (!parsed.ok()) {
    r.problem = "the result file " + p.string() + " is not valid JSON (truncated, or NaN/inf written as a bare word?)";
    return r;
  }
  json& j = parsed.value;
  if (!j.is_object()) {
    r.problem = "the result file " + p.string() + " is not a JSON object";
    return r;
  }
  auto it = j.find(metric);
  if (it == j.end()) {
    r.problem = "the result file " + p.string() + " has no \"" + metric + "\" key (hpo.metric)";
    return r;
  }
  if (!it->is_number()) {
    r.problem = "the metric \"" + metric + "\" in " + p.string() + " is not a number: " + it->dump().substr(0, 80);
    return r;
  }
  double v = it->get<double>();
  if (!std::isfinite(v)) {
    r.problem = "the metric \"" + metric + "\" is not finite";
    return r;
  }
  r.metric = v;
  for (auto& [k, val] : j.items())
    if (k != metric) r.extra[k] = val;
  return r;
}

std::vector<std::string> BuildEnvironment(const std::vector<std::pair<std::string, std::string>>& add) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    bool replaced = false;
    for (const auto& [k, v] : add) replaced |= s.compare(0, k.size() + 1, k + "=") == 0;
    if (!replaced) env.push_back(s);
  }
  for (const auto& [k, v] : add) env.push_back(k + "=" + v);
  return env;
}

// Where hpo_trial.py lives: installed beside the tools (<prefix>/share/hpo/python), or the
// source tree the tools were built from. "" when neither has it.
std::string PythonHelperDir() {
  std::vector<std::string> dirs = {ExecutableDir() + "/../share/hpo/python"};
#ifdef HPO_SOURCE_PYTHON_DIR
  dirs.push_back(HPO_SOURCE_PYTHON_DIR);
#endif
  for (const auto& d : dirs)
    if (::access((d + "/hpo_trial.py").c_str(), R_OK) == 0)
      return fs::path(d).lexically_normal().string();
  return "";
}

// The runner's fields of an attempt's additional_info (the exit is added by the caller).
json AttemptInfo(const Layout& L, TrialId id, int attempt, int restart_count, double start,
                 double end, const SlurmEnv& slurm) {
  json info = {{"host", HostName()},
               {"attempt", attempt},
               {"restart_count", restart_count},
               {"start_time", start},
               {"end_time", end},
               {"stdout", L.trial_stdout(id).string()},
               {"stderr", L.trial_stderr(id).string()}};
  if (slurm.present()) {
    info["slurm_job_id"] = slurm.job_id;
    info["slurm_array_job_id"] = slurm.array_job_id;
    info["slurm_array_task_id"] = slurm.array_task_id;
  }
  return info;
}

// Records the attempt as failed, with the reason and the end of the trial's stderr (""
// when it said nothing) in the record and in its history entry, and moves it to failed/.
RunOutcome PublishFailure(const Campaign& campaign, TrialId id, Record& rec, const std::string& reason,
                          const std::string& stderr_tail, const json& additional, double start,
                          double end) {
  rec.erase("runner");
  rec["state"] = "failed";
  rec["reason"] = reason;
  json entry = {{"attempt", rec.value("attempt", 1)}, {"state", "failed"}, {"reason", reason},
                {"start_time", start}, {"end_time", end}, {"host", HostName()}};
  if (stderr_tail.empty()) {
    rec.erase("stderr_tail");
  } else {
    rec["stderr_tail"] = stderr_tail;
    entry["stderr_tail"] = stderr_tail;
  }
  rec["additional_info"] = additional;
  rec["history"].push_back(entry);
  campaign.Write(TrialState::kRunning, id, rec);
  campaign.Move(id, TrialState::kRunning, TrialState::kFailed);
  Info("trial " + std::to_string(id) + ": failed: " + reason);
  return RunOutcome::kFailed;
}

// The attempt fails before the trial starts: slurm.env_setup failed in the batch script.
RunOutcome RecordEnvSetupFailure(const Campaign& campaign, TrialId id, Record rec,
                                 const EnvSetupFailure& failure) {
  const double now = NowSeconds();
  json info = rec.value("runner", json::object());
  info.erase("pid");
  info.erase("pid_start");
  info["attempt"] = rec.value("attempt", 1);
  info["end_time"] = now;
  info["exit_code"] = nullptr;
  return PublishFailure(campaign, id, rec, EnvSetupFailureReason(failure), "", info, now, now);
}

}  // namespace

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

RunOutcome RunTrial(const fs::path& dir, TrialId id, const std::optional<EnvSetupFailure>& env_setup_failure) {
  Campaign campaign = Campaign::Open(dir);
  const Layout& L = campaign.layout();
  const Config& cfg = campaign.config();
  SlurmEnv slurm = SlurmEnv::FromEnvironment();
  std::string tag = "trial " + std::to_string(id);

  // Signals are taken synchronously (sigtimedwait) so that no handler races the bookkeeping.
  sigset_t mask, old_mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, &old_mask);

  // Claim: one rename decides between racing runners.
  int restart_count = 0;
  Record rec;
  // Not flushed on its own: the record written into running/ right after flushes the folder,
  // and a claim lost to a crash before that only puts the trial back in pending/.
  const double claim_time = NowSeconds();
  Outcome claimed = campaign.Move(id, TrialState::kPending, TrialState::kRunning, Durability::kNoSync);
  if (claimed == Outcome::kMissing) {
    auto state = campaign.Find(id);
    if (!state) throw Error(tag + " is not in campaign " + L.root().string() + " (no trial file in any state folder)");
    if (*state == TrialState::kRunning) {
      auto running = campaign.Read(TrialState::kRunning, id);
      std::string owner_job = running ? running->value("/runner/slurm_job_id"_json_pointer, std::string()) : "";
      if (slurm.present() && owner_job == slurm.job_id) {
        // Our own job, requeued or restarted by SLURM: resume the trial.
        rec = *running;
        restart_count = rec.value("/runner/restart_count"_json_pointer, 0) + 1;
        Info(tag + ": resuming after a restart of job " + slurm.job_id);
      } else {
        json owner = running ? running->value("runner", json::object()) : json::object();
        std::string who = owner.empty() ? "another runner (just now)"
                                        : "runner " + owner.value("host", "?") + ":" +
                                              std::to_string(owner.value("pid", 0L)) +
                                              (owner.contains("slurm_job_id")
                                                   ? " (SLURM job " + owner["slurm_job_id"].get<std::string>() + ")"
                                                   : "");
        Info(tag + " is already claimed by " + who + "; not running it twice");
        return RunOutcome::kSkipped;
      }
    } else {
      Info(tag + " is already " + StateName(*state) + "; nothing to do");
      return RunOutcome::kSkipped;
    }
  } else {
    auto r = campaign.Read(TrialState::kRunning, id);
    if (!r) throw Error(tag + ": its record vanished right after the claim");
    rec = *r;
  }

  // A claim not registered within the grace is returned to pending by hpo-collect or the
  // local launcher (claim.hpp); one this late might be returned and claimed again meanwhile,
  // so give it up, leaving the record as it is, rather than run the trial twice.
  const double register_within = ClaimGrace(cfg.hpo.lease_timeout) / 2;
  if (claimed == Outcome::kDone && NowSeconds() - claim_time > register_within) {
    Info(tag + ": claimed but not registered within " + json(register_within).dump() +
         " s; left to be returned to pending, not run");
    return RunOutcome::kSkipped;
  }
  const int attempt = rec.value("attempt", 1);
  const json trial_config = rec.value("config", json::object());
  rec["state"] = "running";
  rec["runner"] = RunnerInfo(slurm, restart_count);
  try {
    campaign.Write(TrialState::kRunning, id, rec);
  } catch (const Error&) {
    // Not even recorded as ours (a full disk, say): undo the claim with a rename, which needs
    // no space, so the trial is pending again instead of held in running/ until the lease
    // expires.
    if (claimed == Outcome::kDone) {
      try {
        campaign.Move(id, TrialState::kRunning, TrialState::kPending);
      } catch (const Error& e) {
        Warning(tag + ": could not give the claim back: " + e.what());
      }
    }
    throw;
  }
  if (env_setup_failure) return RecordEnvSetupFailure(campaign, id, rec, *env_setup_failure);

  fs::path tdir = L.trial_dir(id);
  EnsureDirectory(L.trials_dir());
  EnsureDirectory(tdir);
  Touch(L.trial_heartbeat(id));
  // Derived from the record and rewritten at every start: atomic, but no flush needed.
  WriteFileAtomic(L.trial_config(id), trial_config.dump(2) + "\n", Publish::kReplace, {},
                  Durability::kNoSync);
  RemoveFile(L.trial_result(id));  // a stale result of an earlier attempt must not count

  CommandContext ctx{L.trial_config(id).string(), L.trial_result(id).string(), tdir.string(),
                     std::to_string(id), std::to_string(attempt), campaign.config_dir().string()};
  std::vector<std::string> argv = RenderCommand(cfg.trial.command, ctx, trial_config);
  std::vector<std::pair<std::string, std::string>> add = cfg.trial.env;
  add.insert(add.end(), {{kEnvTrialId, std::to_string(id)},
                         {kEnvConfig, L.trial_config(id).string()},
                         {kEnvResult, L.trial_result(id).string()},
                         {kEnvTrialDir, tdir.string()},
                         {kEnvAttempt, std::to_string(attempt)},
                         {kEnvRestartCount, std::to_string(restart_count)},
                         {kEnvMetric, cfg.hpo.metric},
                         {kEnvCampaignDir, L.root().string()}});
  // The Python helper (hpo_trial) is importable by every trial without set-up.
  if (std::string py = PythonHelperDir(); !py.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    add.emplace_back("HPO_PYTHONPATH", py);
    add.emplace_back("PYTHONPATH", old && *old ? py + ":" + old : py);
  }
  std::vector<std::string> env = BuildEnvironment(add);

  int out_fd = OpenLog(L.trial_stdout(id));
  int err_fd = OpenLog(L.trial_stderr(id));
  double start = NowSeconds();
  std::string banner = std::string(kLogBannerPrefix) + std::to_string(id) + " attempt " + std::to_string(attempt) +
                       " restart " + std::to_string(restart_count) + " on " + HostName() +
                       (slurm.present() ? " job " + slurm.job_id : "") + " ===\n";
  WriteLine(out_fd, banner);  // (starts with kLogBannerPrefix: ReadLogTail reads from here)
  WriteLine(err_fd, banner);

  SpawnSpec spec;
  spec.argv = argv;
  spec.env = &env;
  spec.workdir = campaign.workdir().string();
  spec.stdout_fd = out_fd;
  spec.stderr_fd = err_fd;
  spec.stdin_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  spec.new_process_group = true;  // its own group: signals are forwarded to the whole trial tree
  pid_t child = -1;
  std::string start_error;  // why the command could not start (exec's errno, not "exit 127")
  try {
    child = Spawn(spec);
    ::setpgid(child, child);
  } catch (const SpawnError& e) {
    start_error = "cannot start the trial command \"" + argv[0] + "\": " + e.detail();
    WriteLine(err_fd, "hpo-run: error: " + start_error + "\n");
  }
  if (spec.stdin_fd >= 0) ::close(spec.stdin_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (!start_error.empty()) {
    double now = NowSeconds();
    json additional = AttemptInfo(L, id, attempt, restart_count, start, now, slurm);
    additional["exit_code"] = nullptr;
    additional["training_time"] = 0;
    return PublishFailure(campaign, id, rec, start_error, "", additional, start, now);
  }
  Info(tag + ": started (attempt " + std::to_string(attempt) + ", pid " + std::to_string(child) + ")");

  int status = 0;
  int term_signal = 0;       // SIGTERM/SIGINT/SIGHUP received by the runner
  bool warned = false;       // SIGUSR2 received (time limit or preemption ahead)
  double kill_at = 0;
  double requeue_at = 0;     // end of the checkpoint grace after SIGUSR2 (requeue ahead)
  const bool can_requeue = slurm.present() && attempt < cfg.hpo.max_attempts;
  double next_beat = NowSeconds() + cfg.hpo.heartbeat_interval;
  while (true) {
    double now = NowSeconds();
    double wait = std::max(0.01, next_beat - now);
    if (kill_at > 0) wait = std::min(wait, std::max(0.01, kill_at - now));
    if (requeue_at > 0) wait = std::min(wait, std::max(0.01, requeue_at - now));
    timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - std::floor(wait)) * 1e9)};
    siginfo_t info;
    int sig = ::sigtimedwait(&mask, &info, &ts);
    pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
      if (!term_signal) term_signal = sig;
      ::kill(-child, sig);
      if (kill_at == 0) kill_at = NowSeconds() + kLocalKillGrace;
    } else if (sig == SIGUSR2) {
      ::kill(-child, SIGUSR2);
      Info(tag + ": SIGUSR2 (time limit or preemption ahead): forwarded to the trial" +
           (can_requeue ? "; it has until the grace ends to checkpoint, then the task is requeued"
                        : "; no attempts left to requeue (hpo.max_attempts)"));
      // The grace is what `--signal=B:USR2@grace` asked for; keep a margin for the requeue.
      if (!warned && can_requeue)
        requeue_at = NowSeconds() + std::max(1.0, cfg.slurm.signal_grace * 0.8 - 5);
      warned = true;
    }
    now = NowSeconds();
    if (requeue_at > 0 && now >= requeue_at) {
      Info(tag + ": the checkpoint grace is over; stopping the trial for the requeue");
      ::kill(-child, SIGTERM);
      kill_at = now + 5;
      requeue_at = 0;
    }
    if (kill_at > 0 && now >= kill_at) {
      ::kill(-child, SIGKILL);
      kill_at = now + 3600;
    }
    if (now >= next_beat) {
      Touch(L.trial_heartbeat(id));
      next_beat = now + cfg.hpo.heartbeat_interval;
    }
  }
  ::kill(-child, SIGKILL);  // no stray grandchildren outlive their trial
  double end = NowSeconds();
  ExitInfo exit = FromWaitStatus(status);

  json info = AttemptInfo(L, id, attempt, restart_count, start, end, slurm);
  info["exit_code"] = exit.signal ? json(nullptr) : json(exit.exit_code);
  if (exit.signal) info["signal"] = SignalName(exit.signal);

  // Warned of the time limit (or preemption) with attempts left: the trial has checkpointed
  // into its folder; requeue this task so that it resumes as the next attempt, same job id.
  if (warned && can_requeue && !term_signal) {
    ParsedResult done_result = ReadResult(L.trial_result(id), cfg.hpo.metric);
    if (!(exit.ok() && done_result.metric)) {
      Record before = rec;
      rec["attempt"] = attempt + 1;
      rec["history"].push_back({{"attempt", attempt}, {"state", "requeued"},
                                {"reason", "SIGUSR2 before the time limit: checkpointed and requeued"},
                                {"trial", exit.Describe()}, {"start_time", start}, {"end_time", end},
                                {"host", HostName()}, {"slurm_job_id", slurm.job_id}});
      campaign.Write(TrialState::kRunning, id, rec);
      std::string why;
      try {
        // This task only: the bare job id of the array's own record names the whole array.
        Captured c = RunSlurm({"scontrol", "requeue", slurm.task_name()});
        if (c.exit.ok()) {
          Info(tag + ": requeued job " + slurm.task_name() + " as attempt " + std::to_string(attempt + 1));
          return RunOutcome::kLeftRunning;
        }
        why = c.exit.Describe() + ": " + SlurmMessage(c);
      } catch (const Error& e) {
        why = e.what();
      }
      Warning(tag + ": scontrol requeue failed (" + why + "); recording the attempt as failed");
      rec = before;
      campaign.Write(TrialState::kRunning, id, rec);
    }
  }

  // Interrupted on a workstation (Ctrl-C, hpo-submit --local stopped): the trial did not
  // fail, so it goes back to pending for the next run, with the interruption in its history.
  if (term_signal && !slurm.present()) {
    json h = {{"attempt", attempt}, {"state", "interrupted"}, {"reason", "interrupted by " + SignalName(term_signal)},
              {"start_time", start}, {"end_time", end}, {"host", HostName()}};
    rec["history"].push_back(h);
    rec["state"] = "pending";
    rec.erase("runner");
    campaign.Write(TrialState::kRunning, id, rec);
    campaign.Move(id, TrialState::kRunning, TrialState::kPending);
    Info(tag + ": interrupted by " + SignalName(term_signal) + "; returned to pending");
    return RunOutcome::kReturnedToPending;
  }

  ParsedResult result = ReadResult(L.trial_result(id), cfg.hpo.metric);
  std::string reason;
  // Under SLURM a signal means the job is ending (scancel, time limit, preemption, node
  // shutdown). While it ends, scontrol only says COMPLETING; the reason (CANCELLED, TIMEOUT,
  // PREEMPTED, NODE_FAIL) is known once the job has ended. So the trial stays in running/,
  // marked, and hpo-collect settles it with SLURM's word; a requeued task resumes it.
  // SLURM signals every process of the job at once, so the trial may die before the runner
  // takes its own SIGTERM: give that a moment to arrive.
  bool succeeded = exit.ok() && result.metric && !term_signal;
  if (slurm.present() && !succeeded && (term_signal || exit.signal)) {
    if (!term_signal) {
      timespec grace{0, 300 * 1000 * 1000};
      siginfo_t si;
      for (int sig; (sig = ::sigtimedwait(&mask, &si, &grace)) > 0;)
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) term_signal = sig;
    }
    auto job = term_signal ? std::nullopt : QueryJob(slurm.task_name());
    if (term_signal || (job && job->state != "RUNNING")) {
      rec["runner"]["ending"] = {
          {"time", end},
          {"signal", term_signal ? SignalName(term_signal) : ""},
          {"trial", exit.Describe()}};
      campaign.Write(TrialState::kRunning, id, rec);
      Info(tag + ": SLURM is ending job " + slurm.job_id + " (" +
           (term_signal ? SignalName(term_signal) : "trial " + exit.Describe()) +
           "); left in running/ for hpo-collect to record SLURM's reason, or for the "
           "requeued task to resume");
      return RunOutcome::kLeftRunning;
    }
  }
  if (!exit.ok()) {
    reason = "the trial command failed: " + exit.Describe() + " (see " + L.trial_stderr(id).string() + ")";
  } else if (!result.metric) {
    reason = result.problem;
  }

  json additional = result.extra;
  for (auto& [k, v] : info.items()) additional[k] = v;
  if (!additional.contains("training_time") || !additional["training_time"].is_number())
    additional["training_time"] = end - start;

  rec.erase("runner");
  if (reason.empty()) {
    rec["state"] = "finished";
    rec[cfg.hpo.metric] = *result.metric;
    rec["additional_info"] = additional;
    campaign.Write(TrialState::kRunning, id, rec);
    if (campaign.Move(id, TrialState::kRunning, TrialState::kFinished) == Outcome::kExists) {
      // Another run of the same trial published first; keep its result, file ours beside it.
      WriteFileAtomic(tdir / ("duplicate_result." + UniqueName() + ".json"), rec.dump(2) + "\n");
      RemoveFile(L.trial_file(TrialState::kRunning, id));
      fs::path there = L.trial_file(TrialState::kFinished, id);
      struct stat st;
      if (::lstat(there.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        Warning(tag + ": " + there.string() + " is a symlink, not a result: left alone; this run's result kept in " + tdir.string());
      else
        Warning(tag + ": a result was already published; this run's result kept in " + tdir.string());
    }
    Info(tag + ": finished, " + cfg.hpo.metric + " = " + json(*result.metric).dump());
    return RunOutcome::kFinished;
  }
  if (warned) reason += "; SIGUSR2 had warned of the time limit";
  return PublishFailure(campaign, id, rec, reason, ReadLogTail(L.trial_stderr(id)), additional,
                        start, end);
}

}  // namespace hpo
