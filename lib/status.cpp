#include "status.hpp"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>

#include "best_trial.hpp"
#include "claim.hpp"
#include "error.hpp"
#include "failures.hpp"
#include "file_age.hpp"
#include "report_pruning.hpp"
#include "text_format.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

using nlohmann::json;

std::string Metric(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Sleeps up to `seconds`, waking early on an interrupt. Returns false when interrupted.
bool SleepUnlessInterrupted(double seconds) {
  double end = NowSeconds() + seconds;
  while (!InterruptRequested()) {
    double left = end - NowSeconds();
    if (left <= 0) return true;
    double step = std::min(left, 0.2);
    timespec ts{static_cast<time_t>(step), static_cast<long>((step - std::floor(step)) * 1e9)};
    ::nanosleep(&ts, nullptr);  // EINTR on a signal: the loop checks the flag
  }
  return false;
}

std::map<TrialState, std::int64_t> CountStates(const std::vector<TrialRow>& rows) {
  std::map<TrialState, std::int64_t> counts;
  for (TrialState s : kAllStates) counts[s] = 0;
  for (const TrialRow& r : rows) ++counts[r.state];
  return counts;
}

// "  pruned: 41 (rung 0 @1: 30, rung 1 @3: 9, rung 2 @9: 2)": where the pruned trials
// stopped, from their records (no rung folder is listed).
std::string PrunedLine(const Config& cfg, const std::vector<TrialRow>& rows, std::int64_t pruned) {
  std::string where = StopsText(StopsPerRung(cfg, rows), cfg.pruner.brackets);
  return "  pruned: " + std::to_string(pruned) + (where.empty() ? "" : " (" + where + ")") + "\n";
}

// The progress bar with the rate and ETA (or "done"), and how long ago the last trial ended.
std::string ProgressLines(const Progress& p, double now, int bar_width) {
  int width = std::max(bar_width, 4);
  double frac = p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 0;
  int filled = static_cast<int>(std::floor(frac * width));
  char pct[32];
  std::snprintf(pct, sizeof pct, "%3.0f%%", 100 * frac);
  std::string o = "  [" + std::string(static_cast<size_t>(filled), '#') +
                  std::string(static_cast<size_t>(width - filled), '.') + "] " +
                  std::to_string(p.done) + "/" + std::to_string(p.total) + " " + pct;
  if (p.per_minute) {
    char rate[64];
    std::snprintf(rate, sizeof rate, "  %.3g trials/min (last %zu)", *p.per_minute, p.window);
    o += rate;
  }
  if (p.eta_seconds)
    o += "  ETA " + FormatDuration(*p.eta_seconds);
  else if (p.done == p.total && p.total > 0)
    o += "  done";
  o += "\n";
  if (p.last_end)
    o += "  last completion " + FormatDuration(std::max(0.0, now - *p.last_end)) + " ago\n";
  return o;
}

// The best finished trial with its configuration as recorded.
std::string BestLine(const Config& cfg, const std::vector<TrialRow>& rows) {
  BestTrial best_trial(cfg.hpo.mode);
  std::optional<size_t> best;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kFinished && best_trial.Offer(rows[i].id, rows[i].metric))
      best = i;
  if (!best) return "  no finished trial yet\n";
  const TrialRow& b = rows[*best];
  return "  best " + cfg.hpo.metric + " " + Metric(*b.metric) + " (trial " + std::to_string(b.id) +
         "): " + b.config + "\n";
}

// A runner registers with its host and start time at once; a claim without them is one
// whose runner has not registered (yet, or ever: claim.hpp). Its age is the claim's.
bool Unregistered(const TrialRow& r) {
  return r.info.host.empty() && !r.info.start_time;
}

// A running trial as the status lists it.
struct RunningTrial {
  double elapsed;  // since its start (unregistered: since its claim); -1 when unknown
  size_t row;
};

// The running trials, longest first.
std::vector<RunningTrial> LongestRunning(const Layout& L, const std::vector<TrialRow>& rows,
                                         double now) {
  std::vector<RunningTrial> running;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kRunning) {
      auto start = rows[i].info.start_time;
      double elapsed = start ? now - *start : -1;
      if (Unregistered(rows[i])) elapsed = ClaimAge(L, rows[i].id, now);
      running.push_back({elapsed, i});
    }
  std::stable_sort(running.begin(), running.end(),
                   [](const auto& a, const auto& b) { return a.elapsed > b.elapsed; });
  return running;
}

// Seconds since the trial's runner last renewed its lease: the heartbeat file's age, else
// the running record's.
std::optional<double> LeaseAge(const Layout& L, TrialId id, double now) {
  auto beat = FileAge(L.trial_heartbeat(id), now);
  if (!beat) beat = FileAge(L.trial_file(TrialState::kRunning, id), now);
  return beat;
}

// One line of the running list: host, job (with its SLURM state where asked), elapsed time
// and heartbeat; or how long ago an unregistered claim was made.
std::string RunningLine(const Layout& L, const TrialRow& r, double elapsed, double now,
                        double grace, double lease_timeout,
                        const std::optional<std::map<std::string, JobState>>& jobs) {
  char head[64];
  std::snprintf(head, sizeof head, "    trial %-8lld", static_cast<long long>(r.id));
  std::string o = head;
  if (Unregistered(r)) {
    double age = std::max(0.0, elapsed);
    o += " claimed, runner never registered " + FormatDuration(age) + " ago";
    if (age >= grace) o += " (stranded: hpo-collect or hpo-submit --local returns it to pending)";
    return o + "\n";
  }
  const std::string& host = r.info.host;
  const std::string &job = r.info.slurm_job_id, &array = r.info.slurm_array_job_id,
                    &task = r.info.slurm_array_task_id;
  o += " " + (host.empty() ? std::string("?") : host);
  if (!array.empty() && !task.empty())
    o += "  job " + array + "_" + task;
  else if (!job.empty())
    o += "  job " + job;
  if (jobs && !job.empty())
    if (auto it = jobs->find(TaskName(job, array, task)); it != jobs->end())
      o += " (" + it->second.state + ")";
  o += "  " + (elapsed >= 0 ? FormatDuration(elapsed) : std::string("?"));
  auto beat = FileAge(L.trial_heartbeat(r.id), now);
  if (beat) {
    o += "  heartbeat " + FormatDuration(std::max(0.0, *beat)) + " ago";
    if (*beat > lease_timeout) o += " (lease expired)";
  }
  return o + "\n";
}

// The `longest` running trials that have run longest, then what hpo-collect would settle:
// stranded claims and expired leases.
std::string RunningLines(const Campaign& campaign, const std::vector<TrialRow>& rows, double now,
                         const std::optional<std::map<std::string, JobState>>& jobs,
                         size_t longest) {
  const Config& cfg = campaign.config();
  const Layout& L = campaign.layout();
  std::vector<RunningTrial> running = LongestRunning(L, rows, now);
  if (running.empty()) return "";
  const double grace = ClaimGrace(cfg.hpo.lease_timeout);
  size_t stranded = 0, stale = 0;
  for (const RunningTrial& t : running) {
    if (Unregistered(rows[t.row]) && t.elapsed >= grace) ++stranded;
    auto beat = LeaseAge(L, rows[t.row].id, now);
    if (beat && *beat > cfg.hpo.lease_timeout) ++stale;
  }
  size_t n = std::min(longest, running.size());
  std::string o = "  running longest (" + std::to_string(n) + " of " +
                  std::to_string(running.size()) + "):\n";
  for (size_t k = 0; k < n; ++k)
    o += RunningLine(L, rows[running[k].row], running[k].elapsed, now, grace,
                     cfg.hpo.lease_timeout, jobs);
  if (stranded)
    o += "  " + std::to_string(stranded) +
         " claim(s) whose runner never registered: not running; hpo-collect " +
         L.root().string() + " returns them to pending\n";
  if (stale)
    o += "  " + std::to_string(stale) + " running trial(s) have not renewed their lease for over " +
         std::to_string(cfg.hpo.lease_timeout) + " s; hpo-collect " + L.root().string() +
         " settles them\n";
  return o;
}

}  // namespace

Progress MeasureProgress(const std::vector<TrialRow>& rows, double now, std::size_t rate_window) {
  Progress p;
  std::vector<double> ends;
  std::int64_t remaining = 0;
  for (const auto& r : rows) {
    ++p.total;
    if (IsEnded(r.state)) {
      ++p.done;
      if (auto e = r.info.end_time) ends.push_back(*e);
    } else {
      ++remaining;
    }
  }
  if (ends.empty()) return p;
  std::sort(ends.begin(), ends.end());
  p.last_end = ends.back();
  std::size_t w = std::min(std::max<std::size_t>(rate_window, 2), ends.size());
  // While trials remain, the time since the latest completion counts too, so a stalled
  // campaign shows a falling rate and a growing ETA instead of the last good figures.
  double until = remaining > 0 ? std::max(now, ends.back()) : ends.back();
  double span = until - ends[ends.size() - w];
  if (w >= 2 && span > 0) {
    // w completions delimit w - 1 intervals between completions.
    p.window = w;
    p.per_minute = 60.0 * static_cast<double>(w - 1) / span;
    if (remaining > 0) p.eta_seconds = static_cast<double>(remaining) / (*p.per_minute / 60.0);
  }
  return p;
}

std::string FormatStatus(const Campaign& campaign, const std::vector<TrialRow>& rows, double now,
                         const std::optional<std::map<std::string, JobState>>& jobs,
                         const StatusOptions& options) {
  const Config& cfg = campaign.config();
  std::map<TrialState, std::int64_t> counts = CountStates(rows);
  Progress p = MeasureProgress(rows, now, options.rate_window);
  std::string o = campaign.layout().root().string() + "\n";
  const bool pruning = counts[TrialState::kPruned] > 0 || cfg.pruner.kind != PrunerKind::kNone;
  o += "  " + std::to_string(rows.size()) +
       " trials: " + std::to_string(counts[TrialState::kFinished]) + " finished, " +
       std::to_string(counts[TrialState::kRunning]) + " running, " +
       std::to_string(counts[TrialState::kPending]) + " pending, " +
       std::to_string(counts[TrialState::kFailed]) + " failed" +
       (pruning ? ", " + std::to_string(counts[TrialState::kPruned]) + " pruned" : "") + "\n";
  if (pruning) o += PrunedLine(cfg, rows, counts[TrialState::kPruned]);
  o += ProgressLines(p, now, options.bar_width);
  o += BestLine(cfg, rows);
  if (counts[TrialState::kFailed] > 0)
    o += "  failures:\n" + FormatFailureGroups(GroupFailures(rows), 5, "    ");
  o += RunningLines(campaign, rows, now, jobs, options.longest);
  return o;
}

int RunStatus(const Campaign& campaign, const WatchOptions& options, std::ostream& out) {
  std::optional<std::map<std::string, JobState>> jobs;
  double last_query = -1e300;
  while (true) {
    std::vector<TrialRow> rows = ScanCampaign(campaign);
    double now = NowSeconds();
    std::int64_t open = 0;
    std::vector<std::string> job_ids;
    for (const auto& r : rows) {
      if (r.state == TrialState::kPending || r.state == TrialState::kRunning) ++open;
      if (r.state == TrialState::kRunning) {
        std::string job = TaskName(r.info.slurm_job_id, r.info.slurm_array_job_id,
                                   r.info.slurm_array_task_id);
        if (!job.empty()) job_ids.push_back(job);
      }
    }
    if (options.slurm && !job_ids.empty() &&
        now - last_query >= std::max(options.interval, options.slurm_min_interval)) {
      jobs = options.slurm->Query(job_ids);  // one call for all running trials
      last_query = now;
      if (jobs)
        for (const auto& id : job_ids) jobs->emplace(id, JobState{"unknown to SLURM", ""});
    }
    std::string screen = FormatStatus(campaign, rows, now, jobs, options.status);
    if (options.clear_screen) out << "\033[H\033[2J";
    out << screen;
    out.flush();
    if (options.interval <= 0 || open == 0) return 0;
    if (!options.clear_screen) out << "\n";
    if (!SleepUnlessInterrupted(options.interval))
      return static_cast<int>(ExitStatus::kInterrupted);
  }
}

}  // namespace hpo
