// The campaign report: one self-contained HTML page (SVG plots drawn here, inline CSS, one
// small inline script that sorts tables; nothing is loaded from anywhere) and the same
// summary as plain text for a terminal. Built from ScanCampaign's rows and the frozen config.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"

namespace hpo {

struct ReportOptions {
  // Above this many points a scatter plot is drawn as a binned density and the timeline as
  // a running-count area chart, so the page stays small and readable at 100,000 trials.
  std::size_t max_points = 2000;
  // Rows of the trials table (the best ones; the complete list is results.csv).
  std::size_t max_table_rows = 2000;
  // Rows of the failures table (the most recent ones).
  std::size_t max_failure_rows = 1000;
  // Trials drawn in the parallel-coordinates view: the best `top_fraction`, at least
  // `top_min`, at most `top_max`.
  double top_fraction = 0.10;
  std::size_t top_min = 10, top_max = 200;
  // "Now" in unix seconds, for running trials; 0 reads the clock.
  double now = 0;
  // Directory the page will be written to: log links are relative when it is the campaign
  // directory, file:// URLs otherwise. Empty: the campaign directory.
  fs::path page_dir;
};

// A trial's run interval [start, end) in unix seconds (end = now while it runs).
struct Interval {
  double start = 0, end = 0;
};

// How many trials ran at once.
struct Concurrency {
  int max = 0;       // largest number of overlapping intervals
  double mean = 0;   // time-weighted mean over [first start, last end]
  double first = 0;  // first start
  double last = 0;   // last end
};

// Sweeps the intervals (an interval ending exactly when another starts does not overlap it).
Concurrency MeasureConcurrency(const std::vector<Interval>& intervals);

// Greedy slot assignment for the timeline: by start time, each interval takes the lowest
// slot free at its start. Returns one slot per interval (same order); the number of slots
// used equals MeasureConcurrency(...).max.
std::vector<int> AssignSlots(const std::vector<Interval>& intervals);

// Figures shared by the page, the text summary and `hpo-collect --status`.
struct ReportStats {
  std::map<TrialState, std::int64_t> counts;  // every state present, zero included
  std::int64_t total = 0;
  std::optional<std::size_t> best;         // index into the rows
  std::vector<Interval> intervals;         // of trials with a start time (running: to now)
  std::vector<std::size_t> interval_rows;  // the row of each interval
  Concurrency concurrency;
  double compute_seconds = 0;  // sum of the intervals' lengths
  double now = 0;
};

ReportStats ComputeStats(const Campaign& campaign, const std::vector<TrialRow>& rows, double now);

// The whole page (XHTML-compatible: every element closed, only XML's five entities).
std::string RenderReportHtml(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options);

// The summary for a terminal: counts, best trial and configuration, time used, concurrency,
// the best few trials and the most frequent failure reasons.
std::string RenderReportText(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options);

// Scans the campaign and writes the page atomically to `output` (the campaign's
// report.html when empty). Returns the path written.
fs::path WriteReport(const Campaign& campaign, const fs::path& output,
                     const ReportOptions& options);

// Escapes text for HTML/XML text and attribute values (& < > " '). Control characters that
// XML forbids and invalid UTF-8 bytes become U+FFFD; valid UTF-8 passes through unchanged.
std::string HtmlEscape(std::string_view text);

// Renders templates/Makefile.in into the campaign's Makefile (targets report, collect,
// status calling the hpo-collect and hpo-report found in `tools_dir`) unless a Makefile is
// there already (a user's edits are kept). Never replaces a file, even when racing.
void EnsureCampaignMakefile(const Campaign& campaign, const std::string& tools_dir);

// "12 s", "4 min 05 s", "3 h 07 min", "2 d 04 h".
std::string FormatDuration(double seconds);

}  // namespace hpo
