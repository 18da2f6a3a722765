#include "report_sections.hpp"

#include <algorithm>
#include <optional>

#include "best_trial.hpp"
#include "failures.hpp"
#include "html_escape.hpp"
#include "svg.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

void Td(std::string& o, const std::string& text, const std::string& sort_value = "",
        const char* cls = nullptr) {
  o += "<td";
  if (cls) o += std::string(" class=\"") + cls + "\"";
  if (!sort_value.empty()) {
    o += " data-v=\"";
    AppendEscaped(o, sort_value);
    o += "\"";
  }
  o += ">";
  AppendEscaped(o, text);
  o += "</td>";
}

// A number as the sort script reads it (data-v): round-trip precision.
std::string SortNumber(double v) {
  std::string s;
  AppendDouble(v, s);
  return s;
}

// A number right-aligned and sorted by value.
void NumberTd(std::string& o, const std::string& text, double v) {
  Td(o, text, SortNumber(v), "n");
}

// An integer right-aligned and sorted by value.
void IntTd(std::string& o, long long v) {
  Td(o, std::to_string(v), std::to_string(v), "n");
}

// Failure reasons and the like: code style, escaped.
void CodeTd(std::string& o, const std::string& text) {
  o += "<td><code>";
  AppendEscaped(o, text);
  o += "</code></td>";
}

void ConfigCell(std::string& o, const json& v) {
  if (v.is_number())
    NumberTd(o, ValueText(v), v.get<double>());
  else
    Td(o, ValueText(v));
}

std::string Card(const std::string& label, const std::string& value,
                 const std::string& detail = "") {
  std::string o = "<div class=\"card\"><div class=\"k\">";
  AppendEscaped(o, label);
  o += "</div><div class=\"v\">";
  AppendEscaped(o, value);
  o += "</div>";
  if (!detail.empty()) {
    o += "<div class=\"s\">";
    AppendEscaped(o, detail);
    o += "</div>";
  }
  return o + "</div>";
}

// ---------------------------------------------------------------------------------------
// Summary

void SummaryCards(std::string& o, const ReportData& d) {
  const Config& cfg = d.campaign->config();
  const ReportStats& s = d.stats;
  o += "<div class=\"cards\">";
  o += Card("trials", std::to_string(s.total), "hpo.n_trials " + std::to_string(cfg.hpo.n_trials));
  for (TrialState st : kAllStates)
    if (st != TrialState::kPruned || d.pruning)
      o += Card(StateName(st), std::to_string(s.counts.at(st)));
  if (d.best) {
    const TrialRow& b = (*d.rows)[d.fin[*d.best]];
    o += Card(
        "best " + d.metric_name, ShortNumber(d.metric[*d.best], 6),
        "trial " + std::to_string(b.id) + (d.mode == Mode::kMin ? " (minimised)" : " (maximised)"));
  }
  if (!s.intervals.empty()) {
    o += Card("time used", TimeUsedText(s),
              FormatTimestamp(s.concurrency.first) + " \xe2\x86\x92 " +
                  FormatTimestamp(s.concurrency.last));
    o += Card("running at once", "max " + std::to_string(s.concurrency.max),
              "mean " + FormatFixed(s.concurrency.mean, 2) + ", hpo.max_concurrent_jobs " +
                  std::to_string(cfg.hpo.max_concurrent_jobs));
    o += Card("compute time", FormatDuration(s.compute_seconds), "sum over trials");
  }
  o += "</div>";
}

void BestConfigTable(std::string& o, const ReportData& d) {
  o += "<h2>Best configuration</h2>";
  if (!d.best) {
    Paragraph(o, "no finished trial yet", "note");
    return;
  }
  const TrialRow& b = (*d.rows)[d.fin[*d.best]];
  o += "<table><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>";
  if (b.Config().is_object())
    for (const auto& [k, v] : b.Config().items()) {
      o += "<tr>";
      Td(o, k);
      Td(o, ValueText(v));
      o += "</tr>";
    }
  o += "</tbody></table>";
}

// What a parameter takes: its value, its choices, or its bounds.
std::string ParamValuesText(const Param& p) {
  std::string vals;
  if (p.dist == Dist::kFixed)
    vals = ValueText(p.fixed);
  else if (p.dist == Dist::kChoice)
    for (const auto& c : p.choices) vals += (vals.empty() ? "" : ", ") + ValueText(c);
  else if (p.dist == Dist::kNormal)
    vals = "mean " + ShortNumber(p.a) + ", sd " + ShortNumber(p.b);
  else
    vals = "[" + ShortNumber(p.a) + ", " + ShortNumber(p.b) + "]" +
           (p.dist == Dist::kQUniform ? " step " + ShortNumber(p.q) : "");
  return vals;
}

void SpaceTable(std::string& o, const Space& space) {
  o += "<h2>Search "
       "space</h2><table><thead><tr><th>parameter</th><th>distribution</th><th>values</th></tr></"
       "thead><tbody>";
  for (size_t i = 0; i < space.params().size(); ++i) {
    const Param& p = space.params()[i];
    o += "<tr>";
    Td(o, p.conditional() ? p.name + " (" + space.Condition(i) + ")" : p.name);
    Td(o, p.branching ? std::string("choice of branches") : std::string(DistName(p.dist)));
    Td(o, ParamValuesText(p));
    o += "</tr>";
  }
  o += "</tbody></table>";
}

// ---------------------------------------------------------------------------------------
// Trials

// Pruned rows, those that went furthest first, then by value where they stopped (best
// first), then by id.
std::vector<size_t> PrunedByStep(const ReportData& d) {
  const auto& rows = *d.rows;
  std::vector<size_t> pruned;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kPruned) pruned.push_back(i);
  std::stable_sort(pruned.begin(), pruned.end(), [&](size_t a, size_t b) {
    double sa = rows[a].pruned_step.value_or(-1), sb = rows[b].pruned_step.value_or(-1);
    if (sa != sb) return sa > sb;
    const auto &ma = rows[a].metric, &mb = rows[b].metric;
    if (ma.has_value() != mb.has_value()) return ma.has_value();
    return ma && *ma != *mb && Better(*ma, *mb, d.mode);
  });
  return pruned;
}

// Row order: finished best first, then pruned (PrunedByStep), running, failed, pending by id.
std::vector<size_t> TrialOrder(const ReportData& d, const std::vector<size_t>& ranked) {
  const auto& rows = *d.rows;
  std::vector<size_t> order;
  order.reserve(rows.size());
  for (size_t k : ranked) order.push_back(d.fin[k]);
  for (size_t i : PrunedByStep(d)) order.push_back(i);
  std::vector<bool> listed(rows.size(), false);
  for (size_t i : order) listed[i] = true;
  for (TrialState st :
       {TrialState::kFinished, TrialState::kRunning, TrialState::kFailed, TrialState::kPending})
    for (size_t i = 0; i < rows.size(); ++i)
      if (!listed[i] && rows[i].state == st) order.push_back(i), listed[i] = true;
  return order;
}

void TrialsHead(std::string& o, const ReportData& d) {
  o += "<div class=\"scroll\"><table class=\"sortable\" "
       "id=\"trials-table\"><thead><tr><th>trial</th><th>state</th><th>";
  AppendEscaped(o, d.metric_name);
  o += "</th>";
  for (const Dim& dim : d.dims) {
    o += "<th>";
    AppendEscaped(o, dim.param->name);
    o += "</th>";
  }
  if (d.pruning) o += "<th>stopped at</th>";
  o += "<th>seconds</th><th>start</th><th>host</th><th>attempt</th></tr></thead><tbody>";
}

// Where a pruned trial stopped: "step 3 (rung 1 @3)", sorted by step; empty for the others.
void StoppedAtCell(std::string& o, const ReportData& d, const TrialRow& r) {
  auto place = StopPlaceOf(d.campaign->config(), r);
  if (!place || !r.pruned_step) {
    Td(o, "");
    return;
  }
  const Config& cfg = d.campaign->config();
  std::string text = "step " + ShortNumber(*r.pruned_step, 6);
  if (place->rung >= 0) text += " (" + RungLabel(*place, cfg.pruner.brackets) + ")";
  Td(o, text, SortNumber(*r.pruned_step), "n nw");
}

void TrialCells(std::string& o, const ReportData& d, const TrialRow& r) {
  IntTd(o, r.id);
  Td(o, StateName(r.state), "", (std::string("st-") + StateName(r.state)).c_str());
  if (r.metric)
    NumberTd(o, ShortNumber(*r.metric, 6), *r.metric);
  else
    Td(o, "");
  for (const Dim& dim : d.dims) {
    if (r.Config().is_object() && r.Config().contains(dim.param->name))
      ConfigCell(o, r.Config()[dim.param->name]);
    else
      Td(o, "");
  }
  if (d.pruning) StoppedAtCell(o, d, r);
  auto start = r.info.start_time, end = r.info.end_time;
  auto tt = r.info.training_time;
  if (!tt && start && end) tt = *end - *start;
  if (tt)
    NumberTd(o, FormatFixed(*tt, 1), *tt);
  else
    Td(o, "");
  if (start)
    NumberTd(o, ClockLabel(*start - d.t0), *start);
  else
    Td(o, "");
  Td(o, r.info.host);
  IntTd(o, r.attempt);
}

// ---------------------------------------------------------------------------------------
// Failures

// One row per cause: what differs only in job ids, pids or log paths is one cause.
void CausesTable(std::string& o, const std::vector<TrialRow>& rows) {
  o += "<table id=\"failure-causes\"><thead><tr><th>trials</th><th>cause</th><th>trial ids</th>"
       "<th>last lines of stderr</th></tr></thead><tbody>";
  for (const FailureGroup& g : GroupFailures(rows)) {
    o += "<tr>";
    Td(o, "\xc3\x97" + std::to_string(g.ids.size()), std::to_string(g.ids.size()), "n");
    CodeTd(o, g.reason);
    Td(o, IdList(g.ids, 50));
    o += "<td>";
    if (!g.stderr_tail.empty()) {
      o += "<pre class=\"tail\" title=\"trial " + std::to_string(g.tail_trial) + "\">";
      AppendEscaped(o, g.stderr_tail);
      o += "</pre>";
    }
    o += "</td></tr>";
  }
  o += "</tbody></table>";
}

void FailureCells(std::string& o, const ReportData& d, const Layout& L, const TrialRow& r) {
  IntTd(o, r.id);
  IntTd(o, r.attempt);
  Td(o, r.info.host);
  auto end = r.info.end_time;
  if (end)
    NumberTd(o, ClockLabel(*end - d.t0), *end);
  else
    Td(o, "");
  CodeTd(o, r.reason);
  o += "<td>";
  if (!r.stderr_tail.empty()) {
    o += "<pre class=\"tail\">";
    AppendEscaped(o, r.stderr_tail);
    o += "</pre>";
  }
  o += "</td><td>";
  std::string out = r.info.stdout_log, err = r.info.stderr_log;
  if (out.empty()) out = L.trial_stdout(r.id).string();
  if (err.empty()) err = L.trial_stderr(r.id).string();
  o += LogLink(d, out) + " " + LogLink(d, err);
  o += "</td>";
}

}  // namespace

void OpenSection(std::string& o, const char* id, const std::string& title) {
  o += "<section id=\"";
  o += id;
  o += "\"><h2>";
  AppendEscaped(o, title);
  o += "</h2>";
}

void Paragraph(std::string& o, const std::string& text, const char* cls) {
  o += cls ? std::string("<p class=\"") + cls + "\">" : std::string("<p>");
  AppendEscaped(o, text);
  o += "</p>";
}

void ImportanceSection(std::string& o, const ReportData& d) {
  if (d.importance.empty()) return;
  OpenSection(o, "importance", "Which hyperparameters matter");
  Paragraph(o,
            "The share of the variation of " + d.metric_name +
                " that each parameter explains on its own: the metric's ranks grouped by the "
                "parameter's value (its categories, or up to 10 equal-size bins), and the "
                "bias-corrected share of their variance between the groups (omega-squared; "
                "the main effect of a functional ANOVA, estimated straight from the random "
                "trials). A conditional parameter counts in proportion to the trials that have "
                "it. Effects that exist only together with another parameter are not "
                "measured; with few trials, small shares are noise.",
            "note");
  o += "<table><thead><tr><th>parameter</th><th>importance</th><th></th><th>effect "
       "(omega-squared)</th><th>trials</th></tr></thead><tbody>";
  const double top = d.importance.front().share > 0 ? d.importance.front().share : 1;
  for (const ParamImportance& p : d.importance) {
    o += "<tr>";
    Td(o, d.dims[p.dim].param->name);
    NumberTd(o, ShortNumber(100 * p.share, 3) + "%", p.share);
    o += "<td><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"10\"><rect "
         "fill=\"#3182bd\" x=\"0\" y=\"1\" height=\"8\" width=\"";
    AppendCoord(o, 160 * p.share / top);
    o += "\"/></svg></td>";
    NumberTd(o, ShortNumber(p.effect, 3), p.effect);
    IntTd(o, static_cast<long long>(p.n));
    o += "</tr>";
  }
  o += "</tbody></table></section>\n";
}

void SummarySection(std::string& o, const ReportData& d) {
  OpenSection(o, "summary", "Summary");
  SummaryCards(o, d);
  o += "<div class=\"grid\"><div>";
  BestConfigTable(o, d);
  o += "</div><div>";
  SpaceTable(o, d.campaign->config().space);
  o += "</div></div></section>\n";
}

void EarlyStoppingFigures(std::string& o, const ReportData& d, const EarlyStopping& e) {
  const PrunerSection& p = d.campaign->config().pruner;
  std::string line;
  if (p.kind == PrunerKind::kAsha) {
    std::string rungs;
    for (double r : RungResources(p.asha)) rungs += (rungs.empty() ? "" : ", ") + ShortNumber(r, 6);
    line = "Pruner: ASHA, rungs at steps " + (rungs.empty() ? std::string("(none)") : rungs) +
           " (min_resource " + ShortNumber(p.asha.min_resource, 6) + ", reduction_factor " +
           std::to_string(p.asha.reduction_factor) + ", max_resource " +
           ShortNumber(p.asha.max_resource, 6) + ", min_trials " +
           std::to_string(p.asha.min_trials) + ")" +
           (p.brackets > 1 ? ", " + std::to_string(p.brackets) +
                                 " brackets (bracket b starts at min_resource x reduction_factor^b)"
                           : "") +
           ".";
  } else if (p.kind == PrunerKind::kMedian) {
    line = "Pruner: the median rule (n_startup_trials " +
           std::to_string(p.median.n_startup_trials) + ", n_warmup_steps " +
           ShortNumber(p.median.n_warmup_steps, 6) + ").";
  } else {
    line = "No pruner: the learning curves as the trials reported them.";
  }
  Paragraph(o, line);
  if (!d.pruning) return;
  const ReportStats& s = d.stats;
  std::int64_t ended = s.counts.at(TrialState::kFinished) + s.counts.at(TrialState::kPruned) +
                       s.counts.at(TrialState::kFailed);
  o += "<div class=\"cards\">";
  o += Card("pruned", std::to_string(s.counts.at(TrialState::kPruned)),
            "of " + std::to_string(ended) + " ended trials");
  if (e.full_resource && e.saved.full > 0) {
    o += Card("compute saved", FormatFixed(100 * e.saved.fraction(), 1) + "%",
              GroupedNumber(e.saved.saved()) + " of " + GroupedNumber(e.saved.full) + " steps");
    o += Card("steps run", GroupedNumber(e.saved.run),
              std::to_string(e.saved.finished + e.saved.pruned) +
                  " finished or pruned trials; full run " + ShortNumber(*e.full_resource, 6));
  }
  o += "</div>";
}

void RungTable(std::string& o, const ReportData& d, const EarlyStopping& e) {
  if (e.rungs.empty()) return;
  o += "<table id=\"rungs-table\"><thead><tr><th>rung</th><th>step</th><th>reached</th><th>stopped "
       "there</th><th>went on</th><th>stopped</th></tr></thead><tbody>";
  for (const RungCount& r : e.rungs) {
    o += "<tr>";
    Td(o, r.place.rung >= 0
              ? (e.brackets > 1 ? "bracket " + std::to_string(r.place.bracket) + " " : "") +
                    "rung " + std::to_string(r.place.rung)
              : "median");
    NumberTd(o, ShortNumber(r.place.resource, 6), r.place.resource);
    IntTd(o, r.reached);
    IntTd(o, r.stopped);
    IntTd(o, r.reached - r.stopped);
    double pct =
        r.reached ? 100.0 * static_cast<double>(r.stopped) / static_cast<double>(r.reached) : 0;
    NumberTd(o, FormatFixed(pct, 1) + "%", pct);
    o += "</tr>";
  }
  if (e.full_resource) {
    o += "<tr>";
    Td(o, "full run");
    NumberTd(o, ShortNumber(*e.full_resource, 6), *e.full_resource);
    IntTd(o, d.stats.counts.at(TrialState::kFinished));
    Td(o, "");
    Td(o, "");
    Td(o, "");
    o += "</tr>";
  }
  o += "</tbody></table>";
}

void TrialsTable(std::string& o, const ReportData& d, const std::vector<size_t>& ranked) {
  std::vector<size_t> order = TrialOrder(d, ranked);
  size_t shown = std::min(order.size(), d.opt.max_table_rows);
  OpenSection(o, "trials", "Trials");
  if (shown < order.size())
    Paragraph(o,
              "Showing the best " + std::to_string(shown) + " of " + std::to_string(order.size()) +
                  " trials; every finished and failed trial is in results.csv.",
              "note");
  Paragraph(o, "Click a column header to sort.");
  TrialsHead(o, d);
  std::optional<size_t> best_row;
  if (d.best) best_row = d.fin[*d.best];
  for (size_t n = 0; n < shown; ++n) {
    o += best_row && *best_row == order[n] ? "<tr class=\"bestrow\">" : "<tr>";
    TrialCells(o, d, (*d.rows)[order[n]]);
    o += "</tr>";
  }
  o += "</tbody></table></div></section>\n";
}

void FailuresSection(std::string& o, const ReportData& d) {
  const auto& rows = *d.rows;
  const Layout L(d.root);
  std::vector<size_t> failed;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kFailed) failed.push_back(i);
  OpenSection(o, "failures", "Failures (" + std::to_string(failed.size()) + ")");
  if (failed.empty()) {
    Paragraph(o, "No trial failed.");
    o += "</section>\n";
    return;
  }
  CausesTable(o, rows);
  // The most recent ones (the end of the campaign is what a user looks at first).
  std::stable_sort(failed.begin(), failed.end(), [&](size_t a, size_t b) {
    return rows[a].info.end_time.value_or(0) > rows[b].info.end_time.value_or(0);
  });
  size_t shown = std::min(failed.size(), d.opt.max_failure_rows);
  if (shown < failed.size())
    Paragraph(o,
              "Showing the " + std::to_string(shown) + " most recent of " +
                  std::to_string(failed.size()) + " failures; results.csv has them all.",
              "note");
  o += "<div class=\"scroll\"><table class=\"sortable\" "
       "id=\"failures-table\"><thead><tr><th>trial</th><th>attempt</th><th>host</th><th>ended</"
       "th><th>reason</th><th>last lines of stderr</th><th>logs</th></tr></thead><tbody>";
  for (size_t n = 0; n < shown; ++n) {
    o += "<tr>";
    FailureCells(o, d, L, rows[failed[n]]);
    o += "</tr>";
  }
  o += "</tbody></table></div></section>\n";
}

std::string LogLink(const ReportData& d, const std::string& path) {
  if (path.empty()) return "";
  std::string root = d.root.string() + "/";
  fs::path page_dir = d.opt.page_dir.empty() ? d.root : NormalDir(d.opt.page_dir);
  std::string href;
  if (page_dir == d.root && path.rfind(root, 0) == 0)
    href = UrlPath(path.substr(root.size()));
  else
    href = "file://" + UrlPath(path);
  std::string o = "<a href=\"";
  AppendEscaped(o, href);
  o += "\" title=\"";
  AppendEscaped(o, path);
  o += "\">";
  AppendEscaped(o, fs::path(path).filename().string());
  o += "</a>";
  return o;
}

}  // namespace hpo
