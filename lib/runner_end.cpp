// The ending phase of a runner (runner_phases.hpp): the facts gathered, DecideEnding asked
// (runner_ending.hpp), and one function per ending.
#include <signal.h>
#include <sys/stat.h>

#include <cmath>

#include "atomic_file.hpp"
#include "json_parse.hpp"
#include "learning_curve.hpp"
#include "log_tail.hpp"
#include "prune_step.hpp"
#include "runner_phases.hpp"
#include "slurm_query.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// The trial's result file: the metric, or the reason it is unusable.
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

// The runner's fields of an attempt's additional_info (the exit is added by the caller).
json AttemptInfo(const TrialRun& run, double start, double end) {
  const Layout& L = run.layout();
  json info = {{"host", HostName()},
               {"attempt", run.attempt},
               {"restart_count", run.restart_count},
               {"start_time", start},
               {"end_time", end},
               {"stdout", L.trial_stdout(run.id).string()},
               {"stderr", L.trial_stderr(run.id).string()}};
  if (run.slurm.present()) {
    info["slurm_job_id"] = run.slurm.job_id;
    info["slurm_array_job_id"] = run.slurm.array_job_id;
    info["slurm_array_task_id"] = run.slurm.array_task_id;
  }
  return info;
}

// additional_info of a supervised attempt: the trial's extra result fields, the runner's.
json AttemptAdditional(const TrialRun& run, const Supervision& s, const ParsedResult& result) {
  json additional = result.extra;
  json info = AttemptInfo(run, s.start_time, s.end_time);
  info["exit_code"] = s.exit.signal ? json(nullptr) : json(s.exit.exit_code);
  if (s.exit.signal) info["signal"] = SignalName(s.exit.signal);
  for (auto& [k, v] : info.items()) additional[k] = v;
  if (!additional.contains("training_time") || !additional["training_time"].is_number())
    additional["training_time"] = s.end_time - s.start_time;
  return additional;
}

RunOutcome Fail(TrialRun& run, Failure failure) {
  failure.host = HostName();
  MarkFailed(run.rec, failure);
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  run.campaign.Move(run.id, TrialState::kRunning, TrialState::kFailed);
  Info(run.tag + ": failed: " + failure.reason);
  return RunOutcome::kFailed;
}

// Requeues this SLURM task so that the trial resumes as the next attempt, same job id.
// False (the record as it was) when scontrol refuses.
bool Requeue(TrialRun& run, const Supervision& s) {
  Record before = run.rec;
  HistoryEntry why;
  why.reason = RequeueReason(s.grace_stop);
  why.start_time = s.start_time;
  why.end_time = s.end_time;
  why.host = HostName();
  why.extra = {{"trial", s.exit.Describe()}, {"slurm_job_id", run.slurm.job_id}};
  MarkRequeued(run.rec, why);
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  std::string problem;
  try {
    // This task only: the bare job id of the array's own record names the whole array.
    Captured c = RunSlurm({"scontrol", "requeue", run.slurm.task_name()});
    // SLURM carries a requeue out by ending the job's processes, and scontrol runs inside the
    // job: it may be killed before it reports the success (seen on the test cluster: "JOB
    // CANCELLED DUE TO JOB REQUEUE", then scontrol killed by SIGTERM). A job being ended under
    // us is SLURM acting; if it was for another reason, hpo-collect records SLURM's.
    const bool killed_by_slurm = !c.timed_out && (c.exit.signal == SIGTERM || c.exit.signal == SIGKILL);
    if (c.exit.ok() || killed_by_slurm) {
      Info(run.tag + ": requeued job " + run.slurm.task_name() + " as attempt " + std::to_string(run.attempt + 1));
      return true;
    }
    problem = c.exit.Describe() + ": " + SlurmMessage(c);
  } catch (const Error& e) {
    problem = e.what();
  }
  Warning(run.tag + ": scontrol requeue failed (" + problem + "); recording the attempt as failed");
  run.rec = std::move(before);
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  return false;
}

RunOutcome BackToPending(TrialRun& run, const Supervision& s) {
  const std::string why = "interrupted by " + SignalName(s.term_signal);
  MarkBackToPending(run.rec, {0, "interrupted", why, s.start_time, s.end_time, HostName(), ""});
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  run.campaign.Move(run.id, TrialState::kRunning, TrialState::kPending);
  Info(run.tag + ": " + why + "; returned to pending");
  return RunOutcome::kReturnedToPending;
}

// The trial stays in running/, marked, and hpo-collect settles it with SLURM's word; a
// requeued task resumes it.
RunOutcome LeaveRunning(TrialRun& run, const Supervision& s) {
  const std::string signal = s.term_signal ? SignalName(s.term_signal) : "";
  MarkEnding(run.rec, s.end_time, signal, s.exit.Describe());
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  Info(run.tag + ": SLURM is ending job " + run.slurm.job_id + " (" +
       (s.term_signal ? signal : "trial " + s.exit.Describe()) +
       "); left in running/ for hpo-collect to record SLURM's reason, or for the "
       "requeued task to resume");
  return RunOutcome::kLeftRunning;
}

RunOutcome Finish(TrialRun& run, double metric, const json& additional) {
  const Layout& L = run.layout();
  const std::string& name = run.config().hpo.metric;
  MarkFinished(run.rec, name, metric, additional);
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  if (run.campaign.Move(run.id, TrialState::kRunning, TrialState::kFinished) == Outcome::kExists) {
    // Another run of the same trial published first; keep its result, file ours beside it.
    WriteFileAtomic(L.trial_duplicate_result(run.id, UniqueName()), run.rec.dump(2) + "\n");
    RemoveFile(L.trial_file(TrialState::kRunning, run.id));
    fs::path there = L.trial_file(TrialState::kFinished, run.id);
    std::string kept = "; this run's result kept in " + L.trial_dir(run.id).string();
    struct stat st;
    if (::lstat(there.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
      Warning(run.tag + ": " + there.string() + " is a symlink, not a result: left alone" + kept);
    else
      Warning(run.tag + ": a result was already published" + kept);
  }
  Info(run.tag + ": finished, " + name + " = " + json(metric).dump());
  return RunOutcome::kFinished;
}

// The learning curve as the record keeps it: [[step, value], ...], null for a value that
// was not finite.
json CurveJson(const std::vector<CurvePoint>& curve) {
  json out = json::array();
  for (const CurvePoint& p : curve) out.push_back({StepJson(p.step), p.value ? json(*p.value) : json()});
  return out;
}

RunOutcome Prune(TrialRun& run, const json& decision, const json& additional) {
  const Layout& L = run.layout();
  const std::string& name = run.config().hpo.metric;
  const json value = decision.value("value", json());
  const std::vector<CurvePoint> curve = ReadCurve(L.trial_progress(run.id));
  json info = additional;
  info["steps_run"] = curve.empty() ? decision["step"] : StepJson(curve.back().step);
  MarkPruned(run.rec, name, value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt,
             decision, CurveJson(curve), info);
  run.campaign.Write(TrialState::kRunning, run.id, run.rec);
  if (run.campaign.Move(run.id, TrialState::kRunning, TrialState::kPruned) == Outcome::kExists)
    RemoveFile(L.trial_file(TrialState::kRunning, run.id));  // a second run of a pruned trial
  Info(run.tag + ": pruned: " + DescribeStop(run.id, decision));
  return RunOutcome::kPruned;
}

// Why a supervised attempt failed.
Failure AttemptFailure(const TrialRun& run, const Supervision& s, const ParsedResult& result) {
  Failure f;
  f.reason = !s.exit.ok() ? "the trial command failed: " + s.exit.Describe() : result.problem;
  if (s.warned) f.reason += "; SIGUSR2 had warned of the time limit";
  f.stderr_tail = ReadLogTail(run.layout().trial_stderr(run.id));
  f.stderr_log = run.layout().trial_stderr(run.id).string();
  f.additional_info = AttemptAdditional(run, s, result);
  f.start_time = s.start_time;
  f.end_time = s.end_time;
  return f;
}

}  // namespace

RunOutcome EndAttempt(TrialRun& run, Supervision& s) {
  const ParsedResult result = ReadResult(run.layout().trial_result(run.id), run.config().hpo.metric);
  const std::optional<json> stop = StopDecisionOf(run.layout(), run.id);
  EndingFacts facts{run.slurm.present(), run.can_requeue(), s.warned,     s.term_signal,
                    s.exit.ok(),         s.exit.signal != 0, result.metric.has_value(),
                    stop.has_value(),    std::nullopt};
  Ending ending = DecideEnding(facts);
  if (ending == Ending::kRequeue) {
    if (Requeue(run, s)) return RunOutcome::kLeftRunning;
    facts.can_requeue = false;
    ending = DecideEnding(facts);
  }
  if (ending == Ending::kAskSlurm) {
    facts.slurm_ending = SlurmIsEnding(run, s);
    facts.term_signal = s.term_signal;
    ending = DecideEnding(facts);
  }
  switch (ending) {
    case Ending::kBackToPending: return BackToPending(run, s);
    case Ending::kLeaveRunning: return LeaveRunning(run, s);
    case Ending::kFinish: return Finish(run, *result.metric, AttemptAdditional(run, s, result));
    case Ending::kPrune: return Prune(run, *stop, AttemptAdditional(run, s, result));
    default: return Fail(run, AttemptFailure(run, s, result));
  }
}

RunOutcome FailBeforeStart(TrialRun& run, const std::string& reason, double start_time, json info) {
  const double now = NowSeconds();
  if (info.empty()) {
    info = AttemptInfo(run, start_time, now);
    info["training_time"] = 0;
  } else {
    info["end_time"] = now;
  }
  info["exit_code"] = nullptr;
  Failure f;
  f.reason = reason;
  f.additional_info = info;
  f.start_time = start_time;
  f.end_time = now;
  return Fail(run, f);
}

}  // namespace hpo
