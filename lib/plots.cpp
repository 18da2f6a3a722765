#include "plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

#include "html_escape.hpp"
#include "plot_axis.hpp"
#include "svg.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string PointTooltip(const ReportData& d, size_t k) {
  const TrialRow& r = (*d.rows)[d.fin[k]];
  return "trial " + std::to_string(r.id) + ": " + d.metric_name + " = " +
         ShortNumber(d.metric[k], 6);
}

Axis MetricAxis(const ReportData& d, const PlotFrame& f) {
  return NumericAxis(d.lo, d.hi, false, f.y1(), f.y0());
}

std::string HiddenNote(const ReportData& d) {
  if (!d.hidden) return "";
  return std::to_string(d.hidden) + " trial(s) with " + d.metric_name +
         (d.mode == Mode::kMin ? " above " : " below ") +
         ShortNumber(d.mode == Mode::kMin ? d.hi : d.lo) + " not drawn";
}

// ---------------------------------------------------------------------------------------
// Histogram

// The histogram's bins over [lo, hi] (an empty range widened around its value).
struct Bins {
  double lo, hi;
  std::vector<size_t> count;

  // Edge b; on halves where hi - lo overflows a double.
  double Edge(int b) const {
    const int n = static_cast<int>(count.size());
    const double bw = (hi - lo) / n, half = (hi / 2 - lo / 2) / n;
    return std::isfinite(bw) ? lo + b * bw : lo + b * half + b * half;
  }
  // The end of bin b.
  double End(int b) const {
    const double bw = (hi - lo) / static_cast<int>(count.size());
    return std::isfinite(bw) ? Edge(b) + bw : Edge(b + 1);
  }
};

Bins CountBins(const ReportData& d) {
  size_t n = 0;
  for (double v : d.metric) n += InMetricRange(d, v) ? 1 : 0;
  int bins = std::clamp(static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)))), 5, 40);
  Bins b{d.lo, d.hi, std::vector<size_t>(bins, 0)};
  if (!(b.hi > b.lo)) {
    double w = b.lo == 0 ? 0.5 : std::fabs(b.lo) * 0.05;
    b.lo = Finite(b.lo - w);
    b.hi = Finite(b.hi + w);
  }
  for (double v : d.metric) {
    if (!InMetricRange(d, v)) continue;
    int k = static_cast<int>(Fraction(v, b.lo, b.hi) * bins);
    ++b.count[std::clamp(k, 0, bins - 1)];
  }
  return b;
}

// A dashed line at the best value, labelled on the side with more room.
void MarkBest(std::string& o, const ReportData& d, const PlotFrame& f, const Axis& x) {
  double bx = x.Map(d.metric[*d.best]);
  SvgLine(o, bx, f.y0(), bx, f.y1(), "bl");
  bool right = bx < (f.x0() + f.x1()) / 2;
  SvgText(o, bx + (right ? 4 : -4), f.y0() + 12, right ? "start" : "end",
          "best " + ShortNumber(d.metric[*d.best], 6), "bt");
}

// ---------------------------------------------------------------------------------------
// Best so far

// The finished trials of a best-so-far plot: x (completion rank or time), metric, index into
// d.fin; and the largest x of any completion.
struct HistoryPoints {
  std::vector<double> xs, ys;
  std::vector<size_t> fin_index;
  double xmax = 0;
};

HistoryPoints CollectHistoryPoints(const ReportData& d, const std::vector<Completion>& comp,
                                   bool wall) {
  HistoryPoints h;
  for (size_t i = 0; i < comp.size(); ++i) {
    double xv = wall ? comp[i].end - d.t0 : static_cast<double>(i + 1);
    if (std::isnan(xv)) continue;
    h.xmax = std::max(h.xmax, xv);
    if (comp[i].fin == std::string::npos) continue;
    h.xs.push_back(xv);
    h.ys.push_back(d.metric[comp[i].fin]);
    h.fin_index.push_back(comp[i].fin);
  }
  return h;
}

// The step line: one vertex pair per improvement only, so it stays short at any size.
std::string StepPath(const ReportData& d, const HistoryPoints& h, const Axis& x, const Axis& y) {
  std::string path;
  double cur = kNaN;
  for (size_t i = 0; i < h.xs.size(); ++i) {
    if (!std::isnan(cur) && !Better(h.ys[i], cur, d.mode)) continue;
    double py = y.Map(std::clamp(h.ys[i], y.d0, y.d1));
    if (std::isnan(cur)) {
      path += "M";
    } else {
      path += "H";
      AppendCoord(path, x.Map(h.xs[i]));
      path += "V";
    }
    if (std::isnan(cur)) {
      AppendCoord(path, x.Map(h.xs[i]));
      path += " ";
    }
    AppendCoord(path, py);
    cur = h.ys[i];
  }
  if (!path.empty()) {
    path += "H";
    AppendCoord(path, x.Map(h.xmax));
  }
  return path;
}

// ---------------------------------------------------------------------------------------
// Parallel coordinates

// Colour of rank r in [0,1] (0 = best): dark blue to light blue.
std::string RankColour(double r) {
  const double a[3] = {8, 48, 107}, b[3] = {158, 202, 225};
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(a[0] + (b[0] - a[0]) * r),
                static_cast<int>(a[1] + (b[1] - a[1]) * r),
                static_cast<int>(a[2] + (b[2] - a[2]) * r));
  return buf;
}

// The vertical axes: one per sampled parameter over the space's bounds, and the metric over
// the range of the drawn trials; each with the two ends it is labelled at.
struct ParallelAxes {
  const PlotFrame& f;
  std::vector<Axis> ax;
  std::vector<std::pair<double, double>> ends;

  size_t size() const { return ax.size(); }
  // The x pixel of axis a.
  double X(size_t a) const {
    size_t axes = ax.size();
    return axes == 1 ? (f.x0() + f.x1()) / 2 : f.x0() + (f.x1() - f.x0()) * a / (axes - 1);
  }
};

ParallelAxes MakeParallelAxes(const ReportData& d, const std::vector<size_t>& ranked, size_t top,
                              const PlotFrame& f) {
  ParallelAxes p{f, {}, {}};
  for (const Dim& dim : d.dims) {
    p.ax.push_back(dim.categorical ? CategoryAxis(dim.labels, f.y1(), f.y0())
                                   : NumericAxis(dim.lo, dim.hi, dim.log, f.y1(), f.y0()));
    p.ends.push_back({dim.lo, dim.hi});
  }
  double mlo = d.metric[ranked[0]], mhi = mlo;
  for (size_t r = 0; r < top; ++r) {
    mlo = std::min(mlo, d.metric[ranked[r]]);
    mhi = std::max(mhi, d.metric[ranked[r]]);
  }
  p.ax.push_back(NumericAxis(mlo, mhi, false, f.y1(), f.y0()));
  p.ends.push_back({mlo, mhi});
  return p;
}

// Each axis with its name on top and its labels (the ends, or every category) beside it.
void DrawParallelAxes(std::string& o, const ReportData& d, const ParallelAxes& p) {
  const PlotFrame& f = p.f;
  o += "<g class=\"axes\">";
  size_t label_chars = std::max<size_t>(6, static_cast<size_t>((f.x1() - f.x0()) / p.size() / 6.5));
  for (size_t a = 0; a < p.size(); ++a) {
    double px = p.X(a);
    SvgLine(o, px, f.y0(), px, f.y1(), "ax");
    std::string name =
        a < d.dims.size() ? d.dims[a].param->name + (d.dims[a].log ? " (log)" : "") : d.metric_name;
    std::string shown = Shorten(name, label_chars);
    SvgText(o, px, f.y0() - 22, "middle", shown, "al", shown == name ? "" : name);
    std::vector<double> ticks;
    if (p.ax[a].kind == Axis::Kind::kCategory)
      ticks = Ticks(p.ax[a], 6);
    else if (p.ends[a].second > p.ends[a].first)
      ticks = {p.ends[a].first, p.ends[a].second};
    else
      ticks = {p.ends[a].first};
    for (double t : ticks) {
      std::string label = TickLabel(p.ax[a], t);
      std::string s = Shorten(label, 14);
      SvgText(o, px + 4, p.ax[a].Map(t) + 3.5, "start", s, "tl", s == label ? "" : label);
    }
  }
  o += "</g>";
}

// The polyline of the trial at rank r (0 = best), or nothing when a coordinate is missing.
// The axis of a conditional parameter the trial does not have is passed over: its line goes
// straight from the axis before to the axis after.
void DrawParallelLine(std::string& o, const ReportData& d, const ParallelAxes& p, size_t k,
                      size_t r, size_t top) {
  const TrialRow& row = (*d.rows)[d.fin[k]];
  std::string pts;
  for (size_t a = 0; a < p.size(); ++a) {
    double v = a < d.dims.size() ? d.x[a][k] : d.metric[k];
    if (std::isnan(v) && a < d.dims.size() && d.dims[a].param->conditional() &&
        !row.Config().contains(d.dims[a].param->name))
      continue;
    if (std::isnan(v)) return;
    if (!pts.empty()) pts += ' ';
    AppendCoord(pts, p.X(a));
    pts += ',';
    AppendCoord(pts, p.ax[a].Map(v));
  }
  std::string tip = "#" + std::to_string(r + 1) + ": trial " + std::to_string(row.id) + ", " +
                    d.metric_name + " = " + ShortNumber(d.metric[k], 6);
  for (const Dim& dim : d.dims)
    if (row.Config().contains(dim.param->name))
      tip += ", " + dim.param->name + " = " + ValueText(row.Config()[dim.param->name]);
  o += "<polyline class=\"";
  o += r == 0 ? "pc pb" : "pc";
  o += "\" points=\"" + pts + "\"";
  if (r) o += " stroke=\"" + RankColour(top > 1 ? static_cast<double>(r) / (top - 1) : 0) + "\"";
  o += "><title>";
  AppendEscaped(o, tip);
  o += "</title></polyline>";
}

}  // namespace

std::string PlotHistogram(const ReportData& d) {
  PlotFrame f;
  std::string o;
  OpenSvg(o, "hist", f, "Distribution of " + d.metric_name);
  Bins bins = CountBins(d);
  const int n = static_cast<int>(bins.count.size());
  size_t maxc = *std::max_element(bins.count.begin(), bins.count.end());
  Axis x = NumericAxis(bins.lo, bins.hi, false, f.x0(), f.x1());
  Axis y = NumericAxis(0, static_cast<double>(std::max<size_t>(maxc, 1)), false, f.y1(), f.y0());
  y.d0 = 0;
  DrawAxes(o, f, x, y, d.metric_name, "trials");
  o += "<g class=\"bars\">";
  for (int b = 0; b < n; ++b) {
    if (!bins.count[b]) continue;
    double a = bins.Edge(b), z = bins.End(b);
    double px0 = x.Map(a), px1 = x.Map(z), py = y.Map(static_cast<double>(bins.count[b]));
    SvgRect(o, px0 + 0.5, py, px1 - px0 - 1, y.Map(0) - py, "bin",
            "[" + ShortNumber(a) + ", " + ShortNumber(z) + (b == n - 1 ? "]" : ")") + ": " +
                std::to_string(bins.count[b]) + " trial(s)");
  }
  o += "</g>";
  if (d.best) MarkBest(o, d, f, x);
  std::string note = HiddenNote(d);
  if (!note.empty()) SvgText(o, f.x1(), 18, "end", note, "note");
  CloseSvg(o);
  return o;
}

// "7/12 trials: optimizer = adam": a conditional parameter's plot shows the trials of its
// branch only, and says how many they are.
std::string HaveItNote(const ReportData& d, size_t j) {
  const Dim& dim = d.dims[j];
  size_t have = 0;
  for (double v : d.x[j]) have += !std::isnan(v);
  const Space& space = d.campaign->config().space;
  const size_t at = static_cast<size_t>(dim.param - space.params().data());
  std::string when = space.Condition(at);  // "when optimizer = adam"
  return std::to_string(have) + "/" + std::to_string(d.fin.size()) + " trials: " + when.substr(when.find(' ') + 1);
}

std::string PlotParamScatter(const ReportData& d, size_t j) {
  const Dim& dim = d.dims[j];
  PlotFrame f;
  std::string o;
  std::string name = dim.param->name;
  OpenSvg(o, "param-" + std::to_string(j), f, Shorten(d.metric_name + " vs " + name, 60));
  Axis x = dim.categorical ? CategoryAxis(dim.labels, f.x0(), f.x1())
                           : NumericAxis(dim.lo, dim.hi, dim.log, f.x0(), f.x1());
  Axis y = MetricAxis(d, f);
  std::string xlabel = name + (dim.log ? " (log)" : "") + " \xc2\xb7 " + DistName(dim.param->dist);
  if (dim.param->conditional())  // (the distribution is in the space table)
    xlabel = name + (dim.log ? " (log)" : "") + " \xc2\xb7 " + HaveItNote(d, j);
  DrawAxes(o, f, x, y, xlabel, d.metric_name);
  DrawPoints(
      o, f, x, y, d.x[j], d.metric,
      [&](size_t k) {
        return PointTooltip(d, k) + ", " + name + " = " +
               ValueText((*d.rows)[d.fin[k]].Config().value(name, json()));
      },
      [&](size_t k) { return (*d.rows)[d.fin[k]].id; }, d.best, d.opt.max_points,
      d.dims.size() > 12 ? 12 : 8);  // coarser cells keep a page of many parameters small
  CloseSvg(o);
  return o;
}

std::vector<Completion> Completions(const ReportData& d) {
  std::vector<Completion> c;
  std::vector<size_t> fin_of(d.rows->size(), std::string::npos);
  for (size_t k = 0; k < d.fin.size(); ++k) fin_of[d.fin[k]] = k;
  for (size_t i = 0; i < d.rows->size(); ++i) {
    const TrialRow& r = (*d.rows)[i];
    if (!IsEnded(r.state)) continue;
    if (r.state == TrialState::kFinished && fin_of[i] == std::string::npos) continue;
    auto end = r.info.end_time;
    c.push_back({end ? *end : kNaN, r.id, fin_of[i]});
  }
  std::stable_sort(c.begin(), c.end(), [](const Completion& a, const Completion& b) {
    if (std::isnan(a.end) != std::isnan(b.end)) return std::isnan(b.end);
    if (std::isnan(a.end)) return a.id < b.id;
    return a.end < b.end;
  });
  return c;
}

std::string PlotHistory(const ReportData& d, const std::vector<Completion>& comp, bool wall) {
  PlotFrame f;
  std::string o;
  OpenSvg(o, wall ? "history-time" : "history-count", f,
          wall ? "Best so far against wall time" : "Best so far against completed trials");
  HistoryPoints h = CollectHistoryPoints(d, comp, wall);
  Axis x = wall ? TimeAxis(h.xmax, f.x0(), f.x1())
                : NumericAxis(1, std::max(1.0, h.xmax), false, f.x0(), f.x1());
  if (!wall) x.d0 = 0;
  Axis y = MetricAxis(d, f);
  const bool pruned = d.stats.counts.at(TrialState::kPruned) > 0;
  DrawAxes(o, f, x, y,
           wall     ? "time since the first start"
           : pruned ? "completed trials (finished, pruned or failed, by end time)"
                    : "completed trials (finished or failed, by end time)",
           d.metric_name);
  std::optional<size_t> best_pt;
  for (size_t i = 0; i < h.fin_index.size(); ++i)
    if (d.best && h.fin_index[i] == *d.best) best_pt = i;
  DrawPoints(
      o, f, x, y, h.xs, h.ys, [&](size_t i) { return PointTooltip(d, h.fin_index[i]); },
      [&](size_t i) { return (*d.rows)[d.fin[h.fin_index[i]]].id; }, std::nullopt,
      d.opt.max_points);
  std::string path = StepPath(d, h, x, y);
  if (!path.empty()) o += "<path class=\"step\" d=\"" + path + "\"/>";
  if (best_pt)
    DrawBestPoint(o, x.Map(h.xs[*best_pt]), y.Map(h.ys[*best_pt]),
                  PointTooltip(d, h.fin_index[*best_pt]));
  CloseSvg(o);
  return o;
}

std::string PlotParallel(const ReportData& d, const std::vector<size_t>& ranked, size_t top) {
  PlotFrame f;
  f.w = kWidePlot;
  f.h = 380;
  f.left = 40;
  f.right = 70;
  f.top = 56;
  f.bottom = 40;
  std::string o;
  OpenSvg(o, "parallel", f,
          "The best " + std::to_string(top) + " of " + std::to_string(d.fin.size()) +
              " finished trials (darker is better, red is the best)");
  ParallelAxes axes = MakeParallelAxes(d, ranked, top, f);
  DrawParallelAxes(o, d, axes);
  o += "<g class=\"lines\">";
  // Worst first, so the best lines are drawn on top.
  for (size_t r = top; r-- > 0;) DrawParallelLine(o, d, axes, ranked[r], r, top);
  o += "</g>";
  CloseSvg(o);
  return o;
}

}  // namespace hpo
