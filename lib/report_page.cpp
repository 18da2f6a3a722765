#include "report_page.hpp"

#include <algorithm>
#include <cmath>

#include "html_escape.hpp"
#include "plot_pruning.hpp"
#include "plot_timeline.hpp"
#include "plots.hpp"
#include "report_curves.hpp"
#include "report_pruning.hpp"
#include "report_sections.hpp"
#include "text_format.hpp"
#include "version.hpp"

namespace hpo {
namespace {

const char* kStyle = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:0;background:#f6f7f9}
header{background:#24292f;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px;font-weight:600}
header .sub{margin:4px 0 0;color:#c9d1d9;font-size:13px;word-break:break-all}
main{padding:8px 24px 40px;max-width:1232px}
section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:12px 16px;margin:16px 0}
h2{font-size:16px;margin:0 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d8dee4;border-radius:6px;padding:8px 12px;min-width:130px}
.card .k{font-size:12px;color:#57606a}.card .v{font-size:18px;font-weight:600}.card .s{font-size:12px;color:#57606a}
.grid{display:flex;flex-wrap:wrap;gap:12px 10px}
svg{max-width:100%;height:auto;background:#fff}
svg text{font:11px system-ui,sans-serif;fill:#333}
svg text.t{font-size:13px;font-weight:600}
svg text.al{font-size:12px;fill:#222}
svg text.note{fill:#b35806}
svg text.bt{fill:#d62728;font-weight:600}
svg text.tl{fill:#57606a;font-size:10px}
.ax{fill:none;stroke:#8c959f}.gr{stroke:#eaeef2}
.pt{fill:#1f77b4;fill-opacity:.55}
.best{fill:#d62728;stroke:#fff;stroke-width:1.5}
.bin{fill:#6baed6}
.bl{stroke:#d62728;stroke-width:1.5;stroke-dasharray:5 3}
.step{fill:none;stroke:#d62728;stroke-width:2}
.ok{fill:#1f77b4}.fail{fill:#d62728}.run{fill:#ff7f0e}
.area{fill:#9ecae1;stroke:#1f77b4;stroke-width:1}
.pc{fill:none;stroke-width:1.2;stroke-opacity:.6}.pb{stroke:#d62728;stroke-width:3;stroke-opacity:1}
.density rect{fill:#08519c}
.d1{fill-opacity:.06}.d2{fill-opacity:.12}.d3{fill-opacity:.19}.d4{fill-opacity:.25}.d5{fill-opacity:.31}.d6{fill-opacity:.37}.d7{fill-opacity:.44}.d8{fill-opacity:.50}
.d9{fill-opacity:.56}.d10{fill-opacity:.62}.d11{fill-opacity:.69}.d12{fill-opacity:.75}.d13{fill-opacity:.81}.d14{fill-opacity:.87}.d15{fill-opacity:.94}.d16{fill-opacity:1.00}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #eaeef2;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f6f8fa;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B4"}th[aria-sort=descending]::after{content:" \25BE"}
.scroll{max-height:640px;overflow:auto;border:1px solid #eaeef2}
.st-finished{color:#1f6feb}.st-failed{color:#cf222e}.st-running{color:#bc4c00}.st-pending{color:#57606a}
tr.bestrow td{background:#fff5f5}
.note{color:#9a6700}
code{font:12px ui-monospace,monospace;word-break:break-all}
pre.tail{margin:0;font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
footer{color:#57606a;font-size:12px;padding:0 24px 24px}
)CSS";

// The style of the early-stopping parts, only on pages that show them (so that the page of a
// campaign without curves or pruner stays as it was).
const char* kEarlyStoppingStyle = R"CSS(
.lcf,.lcp,.lcr,.lcx,.lcb{fill:none;stroke-linecap:round;stroke-linejoin:round}
.lcf{stroke:#1f77b4;stroke-opacity:.6;stroke-width:1.2}.lcp{stroke:#6e7781;stroke-opacity:.3;stroke-width:1}
.lcr{stroke:#ff7f0e;stroke-opacity:.8;stroke-width:1.2}.lcx{stroke:#d62728;stroke-opacity:.35;stroke-width:1}
.lcb{stroke:#d62728;stroke-width:2.5}
.cdp{fill:#6e7781}.cdo{fill:#08519c}
.rg{stroke:#bc4c00;stroke-width:1;stroke-dasharray:3 3}svg text.rgl{fill:#bc4c00;font-size:10px}
.rs{fill:#afb8c1}.rc{fill:#1f77b4}.rf{fill:#08519c}.prn{fill:#afb8c1}
.st-pruned{color:#6e7781}td.nw{white-space:nowrap}
)CSS";

// Sorts a table by the clicked column: numbers by data-v, the rest as text, empty last.
const char* kScript = R"JS(
//<![CDATA[
(function(){
function key(c){var v=c.getAttribute('data-v');if(v!==null&&v!=='')return Number(v);var t=c.textContent;return t===''?null:t;}
function cmp(x,y){if(x===y)return 0;if(x===null)return 1;if(y===null)return -1;
var nx=typeof x==='number',ny=typeof y==='number';if(nx&&ny)return x-y;if(nx)return -1;if(ny)return 1;return x.localeCompare(y);}
document.querySelectorAll('table.sortable').forEach(function(t){
var ths=t.tHead.rows[0].cells;
Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
rows.sort(function(a,c){var r=cmp(key(a.cells[i]),key(c.cells[i]));return asc?r:-r;});
rows.forEach(function(r){b.appendChild(r);});});});});
})();
//]]>
)JS";

// How many of the best trials the parallel-coordinates view draws.
size_t TopCount(const ReportData& d) {
  size_t top =
      static_cast<size_t>(std::ceil(d.opt.top_fraction * static_cast<double>(d.fin.size())));
  return std::min({std::max(top, d.opt.top_min), d.opt.top_max, d.fin.size()});
}

void Head(std::string& o, const ReportData& d, const std::string& name, bool early_stopping) {
  o += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta "
       "charset=\"utf-8\"/>"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>";
  AppendEscaped(o, "hpo report: " + name);
  o += "</title><style>";
  o += kStyle;
  if (early_stopping) o += kEarlyStoppingStyle + 1;  // (after its leading newline)
  o += "</style></head>\n<body><header><h1>";
  AppendEscaped(o, "hpo report: " + name);
  o += "</h1><p class=\"sub\">";
  AppendEscaped(o, d.root.string() + " \xc2\xb7 " + d.metric_name +
                       (d.mode == Mode::kMin ? " (minimised)" : " (maximised)") +
                       " \xc2\xb7 generated " + FormatTimestamp(d.stats.now));
  o += "</p></header><main>\n";
}

// The metric's distribution and progress, against each parameter, and the top trials.
void PlotSections(std::string& o, const ReportData& d) {
  if (d.fin.empty()) {
    OpenSection(o, "plots", "Plots");
    Paragraph(o, "No finished trial yet: the plots appear with the first result.", "note");
    o += "</section>\n";
    return;
  }
  std::vector<Completion> comp = Completions(d);
  OpenSection(o, "distribution", "Distribution and progress");
  if (d.fin.size() > d.opt.max_points)
    Paragraph(o,
              "More than " + std::to_string(d.opt.max_points) +
                  " finished trials: scatter plots show binned densities (darker cells hold "
                  "more trials; hover for counts).",
              "note");
  o += "<div class=\"grid\">";
  o += PlotHistogram(d);
  o += PlotHistory(d, comp, false);
  if (d.have_times) o += PlotHistory(d, comp, true);
  o += "</div></section>\n";
  OpenSection(o, "params", d.metric_name + " against each hyperparameter");
  if (d.dims.empty()) Paragraph(o, "The space has no sampled parameter.", "note");
  o += "<div class=\"grid\">";
  for (size_t j = 0; j < d.dims.size(); ++j) o += PlotParamScatter(d, j);
  o += "</div></section>\n";
  ImportanceSection(o, d);
  OpenSection(o, "parallel-coordinates", "Top trials in parallel coordinates");
  o += PlotParallel(d, RankedFinished(d), TopCount(d));
  o += "</section>\n";
}

// Learning curves, rung occupancy and the compute saved.
void EarlyStoppingSection(std::string& o, const ReportData& d,
                          const std::vector<TrialCurve>& curves, const EarlyStopping& e) {
  OpenSection(o, "early-stopping", "Learning curves and early stopping");
  EarlyStoppingFigures(o, d, e);
  if (curves.size() > d.opt.max_curve_lines)
    Paragraph(o,
              "More than " + std::to_string(d.opt.max_curve_lines) +
                  " learning curves: they are drawn as densities of the cells they cross.",
              "note");
  o += "<div class=\"grid\">";
  if (curves.empty())
    Paragraph(o,
              "No trial has reported a learning curve yet (hpo-prune STEP VALUE, or "
              "hpo_trial.report_intermediate, writes trials/trial_<i>/progress.jsonl).",
              "note");
  else
    o += PlotLearningCurves(d, curves, RungSteps(d.campaign->config().pruner));
  if (!e.rungs.empty())
    o += PlotRungOccupancy(e.rungs, e.brackets, d.stats.counts.at(TrialState::kFinished),
                           e.full_resource);
  o += "</div>";
  RungTable(o, d, e);
  o += "</section>\n";
}

void TimelineSection(std::string& o, const ReportData& d) {
  OpenSection(o, "timeline-section", "Timeline");
  if (d.have_times)
    o += PlotTimeline(d);
  else
    Paragraph(o, "No trial has recorded start and end times yet.", "note");
  o += "</section>\n";
}

void Foot(std::string& o, const ReportData& d) {
  o += "</main><footer>";
  AppendEscaped(o, std::string("hpo ") + kVersion + " \xc2\xb7 hpo-report " + d.root.string() +
                       " \xc2\xb7 rebuild with: make -C " + d.root.string() + " report");
  o += "</footer><script>";
  o += kScript;
  o += "</script></body></html>\n";
}

}  // namespace

std::string RenderReportHtml(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options) {
  ReportData d = PrepareReportData(campaign, rows, options);
  std::vector<TrialCurve> curves = LoadCurves(campaign.layout(), rows);
  const bool early_stopping = d.pruning || !curves.empty();
  std::string o;
  o.reserve(1 << 20);
  Head(o, d, d.root.filename().string(), early_stopping);
  SummarySection(o, d);
  PlotSections(o, d);
  if (early_stopping)
    EarlyStoppingSection(o, d, curves,
                         SummariseEarlyStopping(campaign, rows, LastSteps(curves, rows.size())));
  TimelineSection(o, d);
  TrialsTable(o, d, RankedFinished(d));
  FailuresSection(o, d);
  Foot(o, d);
  return o;
}

}  // namespace hpo
