#include "plot_timeline.hpp"

#include <algorithm>
#include <utility>

#include "plot_axis.hpp"
#include "svg.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

const char* const kTimeAxisName = "time since the first start";

// The tooltip of a trial's bar: state, metric, duration, host, reason.
std::string BarTooltip(const ReportData& d, const TrialRow& r, const Interval& iv) {
  std::string tip = "trial " + std::to_string(r.id) + ": " + StateName(r.state);
  if (r.metric) tip += ", " + d.metric_name + " = " + ShortNumber(*r.metric, 6);
  tip += ", " + FormatDuration(iv.end - iv.start);
  std::string host = r.info.host;
  if (!host.empty()) tip += " on " + host;
  if (!r.reason.empty()) tip += ": " + r.reason;
  return tip;
}

// One row per concurrent slot, one bar per trial.
std::string SlotTimeline(const ReportData& d, PlotFrame f, double span) {
  const auto& iv = d.stats.intervals;
  std::vector<int> slot = AssignSlots(iv);
  int slots = std::max(1, d.stats.concurrency.max);
  double row_h = slots <= 16 ? 16 : std::max(2.0, 320.0 / slots);
  f.h = static_cast<int>(f.top + f.bottom + row_h * slots);
  std::string o;
  OpenSvg(o, "timeline", f,
          std::string("Trials over time: one row per concurrent slot (blue finished, ") +
              (d.stats.counts.at(TrialState::kPruned) ? "grey pruned, " : "") +
              "red failed, orange running)");
  Axis x = TimeAxis(span, f.x0(), f.x1());
  Axis y;
  y.d0 = 0;
  y.d1 = slots;
  y.r0 = f.y0();
  y.r1 = f.y1();
  y.kind = Axis::Kind::kCategory;  // no numeric ticks: the slots are labelled below
  Axis none = y;
  none.labels.clear();
  DrawAxes(o, f, x, none, kTimeAxisName, "slot");
  o += "<g class=\"bars\">";
  for (size_t i = 0; i < iv.size(); ++i) {
    const TrialRow& r = (*d.rows)[d.stats.interval_rows[i]];
    const char* cls = r.state == TrialState::kFailed    ? "fail"
                      : r.state == TrialState::kRunning ? "run"
                      : r.state == TrialState::kPruned  ? "prn"
                                                        : "ok";
    double x0 = x.Map(iv[i].start - d.t0), x1 = x.Map(iv[i].end - d.t0);
    double yy = f.y0() + slot[i] * row_h;
    SvgRect(o, x0, yy + (row_h > 4 ? 1 : 0), std::max(x1 - x0, 1.0), row_h > 4 ? row_h - 2 : row_h,
            cls, BarTooltip(d, r, iv[i]));
  }
  o += "</g>";
  CloseSvg(o);
  return o;
}

// The area under the mean running count, one step per column.
void DrawRunningArea(std::string& o, const ReportData& d, const PlotFrame& f, const Axis& x,
                     const Axis& y, const std::vector<double>& mean, double colw) {
  std::string path = "M";
  AppendCoord(path, f.x0());
  path += " ";
  AppendCoord(path, y.Map(0));
  for (size_t c = 0; c < mean.size(); ++c) {
    path += "V";
    AppendCoord(path, y.Map(mean[c]));
    path += "H";
    AppendCoord(path, x.Map((static_cast<int>(c) + 1) * colw));
  }
  path += "V";
  AppendCoord(path, y.Map(0));
  path += "Z";
  o += "<path class=\"area\" d=\"" + path + "\"><title>mean number of trials running (max " +
       std::to_string(d.stats.concurrency.max) + ")</title></path>";
}

// A red mark under the axis per column where trials failed, taller for more.
void DrawFailureMarks(std::string& o, const ReportData& d, const PlotFrame& f, const Axis& x,
                      double colw, int cols) {
  const auto& iv = d.stats.intervals;
  std::vector<int> fails(cols, 0);
  for (size_t i = 0; i < iv.size(); ++i)
    if ((*d.rows)[d.stats.interval_rows[i]].state == TrialState::kFailed)
      ++fails[std::clamp(static_cast<int>((iv[i].end - d.t0) / colw), 0, cols - 1)];
  int maxf = std::max(1, *std::max_element(fails.begin(), fails.end()));
  o += "<g class=\"fails\">";
  for (int c = 0; c < cols; ++c) {
    if (!fails[c]) continue;
    double h = 3 + 9.0 * fails[c] / maxf;
    SvgRect(o, x.Map(c * colw), f.y1() + 20, 2, h, "fail",
            std::to_string(fails[c]) + " failure(s) at " + ClockLabel(c * colw));
  }
  o += "</g>";
}

// Aggregated: the mean number of running trials per two-pixel column; failures as red ticks
// under the axis.
std::string RunningTimeline(const ReportData& d, PlotFrame f, double span) {
  f.h = 320;
  f.bottom = 58;
  std::string o;
  OpenSvg(o, "timeline", f,
          "Trials running at once (" + std::to_string(d.stats.intervals.size()) +
              " trials; red marks under the axis count failures)");
  const int cols = static_cast<int>(f.x1() - f.x0()) / 2;
  double t_end = d.t0 + std::max(span, 1e-9);
  double colw = (t_end - d.t0) / cols;
  std::vector<double> mean = MeanRunningPerColumn(d.stats.intervals, d.t0, t_end, cols);
  double peak = 1;
  for (double m : mean) peak = std::max(peak, m);
  Axis x = TimeAxis(span, f.x0(), f.x1());
  x.d1 = span > 0 ? span : 1;
  Axis y = NumericAxis(0, std::max<double>(peak, d.stats.concurrency.max), false, f.y1(), f.y0());
  y.d0 = 0;
  DrawAxes(o, f, x, y, kTimeAxisName, "running trials");
  DrawRunningArea(o, d, f, x, y, mean, colw);
  DrawFailureMarks(o, d, f, x, colw, cols);
  CloseSvg(o);
  return o;
}

}  // namespace

std::vector<double> MeanRunningPerColumn(const std::vector<Interval>& intervals, double t0,
                                         double t_end, int cols) {
  const double colw = (t_end - t0) / cols;
  std::vector<std::pair<double, int>> ev;
  ev.reserve(intervals.size() * 2);
  for (const auto& i : intervals) {
    ev.push_back({i.start, +1});
    ev.push_back({i.end, -1});
  }
  std::sort(ev.begin(), ev.end());
  std::vector<double> area(cols, 0);  // integral of the running count over each column
  int running = 0;
  double t = t0;
  for (const auto& [when, delta] : ev) {
    double until = std::min(when, t_end);
    while (t < until) {
      int c = std::min(cols - 1, static_cast<int>((t - t0) / colw));
      double edge = std::min(until, t0 + (c + 1) * colw);
      if (edge <= t) edge = until;  // rounding at a column edge
      area[c] += running * (edge - t);
      t = edge;
    }
    running += delta;
  }
  std::vector<double> mean(cols);
  for (int c = 0; c < cols; ++c) mean[c] = area[c] / colw;
  return mean;
}

std::string PlotTimeline(const ReportData& d) {
  PlotFrame f;
  f.w = kWidePlot;
  f.left = 62;
  f.right = 20;
  double span = d.stats.concurrency.last - d.t0;
  if (d.stats.intervals.size() <= d.opt.max_points) return SlotTimeline(d, f, span);
  return RunningTimeline(d, f, span);
}

}  // namespace hpo
