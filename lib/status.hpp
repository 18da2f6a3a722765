// The live status of a campaign for a terminal (`hpo-collect --status`, `--watch N`): counts,
// where pruned trials stopped, a progress bar with rate and ETA, the best trial so far, and
// the running trials that have run longest. Read-only: it settles nothing (that is hpo-collect's
// job).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "slurm.hpp"

namespace hpo {

struct StatusOptions {
  std::size_t longest = 5;       // running trials listed
  int bar_width = 40;            // characters of the progress bar
  std::size_t rate_window = 20;  // the rate is measured over this many latest completions
};

// Throughput from the latest completions.
struct Progress {
  std::int64_t done = 0;              // ended: finished, pruned or failed
  std::int64_t total = 0;             // every known trial
  std::optional<double> per_minute;   // completions per minute over the window
  std::size_t window = 0;             // completions the rate was measured over
  std::optional<double> eta_seconds;  // (pending + running) / rate
  std::optional<double> last_end;     // the latest completion (unix seconds)
};

// Measures progress from the rows' end times (additional_info.end_time) at `now`: the rate
// is (w - 1) completions over the time from the w-th latest completion to now (to the latest
// completion when nothing remains).
Progress MeasureProgress(const std::vector<TrialRow>& rows, double now, std::size_t rate_window);

// One status screen of `rows` (from ScanCampaign) at `now`. `jobs` holds the SLURM states of
// running trials' jobs where SLURM was asked (shown beside those found), else nullopt.
std::string FormatStatus(const Campaign& campaign, const std::vector<TrialRow>& rows, double now,
                         const std::optional<std::map<std::string, JobState>>& jobs,
                         const StatusOptions& options);

struct WatchOptions {
  double interval = 0;              // seconds between screens; 0: print once
  bool clear_screen = false;        // ANSI clear before each screen (only for a terminal)
  JobStateSource* slurm = nullptr;  // asked at most once per screen, and at most every
  double slurm_min_interval = 60;   // this many seconds (SLURM's man pages: do not poll)
  StatusOptions status;
};

// Prints the status to `out`, and with an interval repeats it until nothing is pending or
// running or an interrupt arrives (InterruptRequested). Returns the tool's exit code: 0, or
// 130 when interrupted.
int RunStatus(const Campaign& campaign, const WatchOptions& options, std::ostream& out);

}  // namespace hpo
