// What the report is drawn from: the options of a report, the campaign-wide figures (counts,
// best trial, run intervals, concurrency), and ReportData, the rows turned into what every
// plot and table reads (the sampled parameters as axes, the finished trials' metrics and
// coordinates, the metric range drawn). Built once per page or text summary.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "importance.hpp"
#include "run_intervals.hpp"

namespace hpo {

struct ReportOptions {
  // Above this many points a scatter plot is drawn as a binned density and the timeline as
  // a running-count area chart, so the page stays small and readable at 100,000 trials.
  std::size_t max_points = 2000;
  // Above this many learning curves, the curves' plot draws densities instead of lines.
  std::size_t max_curve_lines = 400;
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

// Figures shared by the page and the text summary.
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

// From the first start to the last end ("20 s"); empty when no trial has times.
std::string TimeUsedText(const ReportStats& stats);

// One sampled parameter as an axis.
struct Dim {
  const Param* param = nullptr;
  bool categorical = false;
  bool log = false;
  std::vector<std::string> labels;  // categories
  double lo = 0, hi = 1;            // numeric: the space's bounds, widened to the data
};

struct ReportData {
  const Campaign* campaign = nullptr;
  fs::path root;  // the campaign directory, normalised
  const std::vector<TrialRow>* rows = nullptr;
  Mode mode = Mode::kMin;
  std::string metric_name;
  ReportOptions opt;
  ReportStats stats;
  std::vector<Dim> dims;
  std::vector<std::size_t> fin;        // rows finished with a metric, by id
  std::vector<double> metric;          // per fin
  std::vector<std::vector<double>> x;  // [dim][fin]: value or category index; NaN: unusable
  std::optional<std::size_t> best;     // index into fin
  double t0 = 0;                       // first start (time axes count from it)
  bool have_times = false;
  double lo = 0, hi = 1;   // metric range drawn
  std::size_t hidden = 0;  // finished trials outside [lo, hi]
  // The campaign has a pruner or pruned trials: the page and the summary show early stopping
  // (rungs, compute saved, where trials stopped).
  bool pruning = false;
  // Which parameters matter (importance.hpp), most important first; empty with fewer than
  // kMinImportanceTrials finished trials. Its `dim` indexes `dims`.
  std::vector<ParamImportance> importance;
};

// Everything the page and the summary read; `rows` and `campaign` must outlive it.
ReportData PrepareReportData(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& opt);

// True when metric m lies in the range drawn.
bool InMetricRange(const ReportData& d, double m);

// Indexes into d.fin, best first (ties by id).
std::vector<std::size_t> RankedFinished(const ReportData& d);

// The directory without "." or ".." parts or symlinks ("hpo-report ." opens "/x/camp/."), so
// titles read well and log paths recorded by runners compare equal to the campaign's.
fs::path NormalDir(const fs::path& dir);

}  // namespace hpo
