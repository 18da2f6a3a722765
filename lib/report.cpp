#include "report.hpp"

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cstdio>

#include "atomic_file.hpp"
#include "error.hpp"
#include "failures.hpp"
#include "report_curves.hpp"
#include "report_page.hpp"
#include "report_pruning.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

// Refuses a page path that is (or lies in) one of the campaign's own entries: its state
// folders, tmp/, trials/, slurm/, .index/, or the files the tools write (campaign.yaml,
// results.csv, ...). Compared by canonical path, so a symlink or ".." cannot hide one.
void RefuseOwnEntry(const Layout& L, const fs::path& output, const fs::path& dest) {
  boost::system::error_code ec;
  fs::path root = fs::canonical(L.root(), ec);
  if (ec) return;  // (the campaign was just read: cannot happen)
  // The page's own path with every symlink resolved, and the name in its real folder (a
  // symlink there would be replaced, not followed, but is refused all the same).
  boost::system::error_code ec1, ec2;
  fs::path resolved = fs::weakly_canonical(dest, ec1);
  fs::path in_folder = fs::weakly_canonical(dest.parent_path(), ec2) / dest.filename();
  for (const fs::path& p : {ec1 ? dest : resolved, ec2 ? dest : in_folder}) {
    if (auto entry = OwnEntryOf(root, p.lexically_normal()))
      throw UsageError("--output " + output.string() + ": " + p.string() + " is the campaign's " +
                       (std::find(Layout::FolderNames().begin(), Layout::FolderNames().end(),
                                  *entry) != Layout::FolderNames().end()
                            ? "folder " + *entry + "/"
                            : "own file " + *entry) +
                       "; the page never replaces a campaign record: write it elsewhere, e.g. " +
                       L.report_html().string() + " (the default)");
  }
}

// "12 trials: 8 finished, 1 running, 0 pending, 1 failed" (", 2 pruned" with early stopping).
void CountsLine(std::string& o, const ReportStats& s, bool pruning) {
  o += "  " + std::to_string(s.total) + " trials: ";
  bool first = true;
  for (TrialState st : {TrialState::kFinished, TrialState::kRunning, TrialState::kPending,
                        TrialState::kFailed, TrialState::kPruned}) {
    if (st == TrialState::kPruned && !pruning) continue;
    o += (first ? "" : ", ") + std::to_string(s.counts.at(st)) + " " + StateName(st);
    first = false;
  }
  o += "\n";
}

// The rungs and the compute saved. The median rule's full run is the longest finished
// trial's, which only the curves say; ASHA's needs no curve.
void EarlyStoppingLines(std::string& o, const Campaign& campaign, const std::vector<TrialRow>& rows,
                        const ReportData& d) {
  if (!d.pruning) return;
  std::vector<std::optional<double>> last_steps;
  if (campaign.config().pruner.kind == PrunerKind::kMedian)
    last_steps = LastSteps(LoadCurves(campaign.layout(), rows), rows.size());
  o += EarlyStoppingText(SummariseEarlyStopping(campaign, rows, last_steps),
                         d.stats.counts.at(TrialState::kFinished));
}

void BestLines(std::string& o, const ReportData& d) {
  if (!d.best) {
    o += "  no finished trial yet\n";
    return;
  }
  const TrialRow& b = (*d.rows)[d.fin[*d.best]];
  o += "  best " + d.metric_name + " " + ShortNumber(d.metric[*d.best], 6) + " (trial " +
       std::to_string(b.id) + ", " + (d.mode == Mode::kMin ? "minimised" : "maximised") + ")\n";
  if (b.Config().is_object())
    for (const auto& [k, v] : b.Config().items()) o += "    " + k + " = " + ValueText(v) + "\n";
}

void TimeLines(std::string& o, const ReportStats& s, const Config& cfg) {
  if (s.intervals.empty()) return;
  o += "  time used " + TimeUsedText(s) + " (" + FormatTimestamp(s.concurrency.first) + " to " +
       FormatTimestamp(s.concurrency.last) + "), compute " + FormatDuration(s.compute_seconds) +
       "\n";
  o += "  running at once: max " + std::to_string(s.concurrency.max) + ", mean " +
       FormatFixed(s.concurrency.mean, 2) + " (hpo.max_concurrent_jobs " +
       std::to_string(cfg.hpo.max_concurrent_jobs) + ")\n";
}

void TopLines(std::string& o, const ReportData& d) {
  if (d.fin.empty()) return;
  std::vector<size_t> ranked = RankedFinished(d);
  size_t n = std::min<size_t>(5, ranked.size());
  o += "  top " + std::to_string(n) + ":\n";
  for (size_t r = 0; r < n; ++r) {
    const TrialRow& row = (*d.rows)[d.fin[ranked[r]]];
    char head[96];
    std::snprintf(head, sizeof head, "    %-8s %-12s", ("#" + std::to_string(row.id)).c_str(),
                  ShortNumber(d.metric[ranked[r]], 6).c_str());
    o += head;
    for (const Dim& dim : d.dims)
      if (row.Config().contains(dim.param->name))  // (a conditional parameter outside its branch: absent)
        o += " " + dim.param->name + "=" + ValueText(row.Config()[dim.param->name]);
    o += "\n";
  }
  if (!d.importance.empty()) {
    o += "  importance (main effect on the metric's ranks, omega-squared share):";
    for (const ParamImportance& p : d.importance)
      o += " " + d.dims[p.dim].param->name + " " + ShortNumber(100 * p.share, 3) + "%";
    o += "\n";
  }
}

}  // namespace

std::string RenderReportText(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options) {
  ReportData d = PrepareReportData(campaign, rows, options);
  std::string o = d.root.string() + "\n";
  CountsLine(o, d.stats, d.pruning);
  BestLines(o, d);
  TimeLines(o, d.stats, campaign.config());
  EarlyStoppingLines(o, campaign, rows, d);
  TopLines(o, d);
  if (d.stats.counts.at(TrialState::kFailed)) {
    o += "  failure reasons:\n";
    o += FormatFailureGroups(GroupFailures(rows), 5, "    ");
  }
  return o;
}

fs::path WriteReport(const Campaign& campaign, const fs::path& output,
                     const ReportOptions& options) {
  const Layout& L = campaign.layout();
  fs::path dest = output.empty() ? L.report_html() : fs::absolute(output);
  if (!output.empty()) RefuseOwnEntry(L, output, dest);
  ReportOptions opt = options;
  opt.page_dir = dest.parent_path();
  std::vector<TrialRow> rows = ScanCampaign(campaign);
  std::string html = RenderReportHtml(campaign, rows, opt);
  // Inside the campaign the temp goes to tmp/ (readers skip it); elsewhere beside the page.
  fs::path tmp = NormalDir(dest.parent_path()) == NormalDir(L.root()) ? L.tmp_dir() : fs::path();
  WriteFileAtomic(dest, html, Publish::kReplace, tmp);
  return dest;
}

}  // namespace hpo
