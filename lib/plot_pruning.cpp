#include "plot_pruning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "html_escape.hpp"
#include "plot_axis.hpp"
#include "pruner.hpp"
#include "svg.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Cells of the densities, in pixels: the plot's size bounds the page's, whatever the trials.
constexpr double kCurveCell = 5;
// Opacity steps of a density.
constexpr int kDensityLevels = 8;

// ---------------------------------------------------------------------------------------
// Curves

// What a curve is drawn as, in drawing order: the faded ones first.
enum class CurveKind { kPruned, kFailed, kRunning, kFinished };
constexpr CurveKind kCurveKinds[] = {CurveKind::kPruned, CurveKind::kFailed, CurveKind::kRunning,
                                     CurveKind::kFinished};

CurveKind KindOf(TrialState s) {
  switch (s) {
    case TrialState::kPruned:
      return CurveKind::kPruned;
    case TrialState::kFailed:
      return CurveKind::kFailed;
    case TrialState::kRunning:
    case TrialState::kPending:
      return CurveKind::kRunning;
    case TrialState::kFinished:
      return CurveKind::kFinished;
  }
  return CurveKind::kFinished;
}

// The class of a kind's lines (the page's style: lc* classes).
const char* LineClass(CurveKind k) {
  switch (k) {
    case CurveKind::kPruned:
      return "lcp";
    case CurveKind::kFailed:
      return "lcx";
    case CurveKind::kRunning:
      return "lcr";
    case CurveKind::kFinished:
      return "lcf";
  }
  return "lcf";
}

// "blue finished", ... for the kinds present.
std::string Legend(const bool present[4]) {
  static const char* const names[] = {"grey pruned", "red failed", "orange running",
                                      "blue finished"};
  std::string o;
  for (int k = 3; k >= 0; --k)
    if (present[k]) o += (o.empty() ? "" : ", ") + std::string(names[k]);
  return o;
}

std::string CurveTooltip(const ReportData& d, const TrialRow& r, const TrialCurve& c) {
  std::string tip = "trial " + std::to_string(r.id) + ": " + StateName(r.state);
  if (r.state == TrialState::kPruned && r.pruned_step)
    tip += " at step " + ShortNumber(*r.pruned_step, 6);
  if (r.metric) tip += ", " + d.metric_name + " = " + ShortNumber(*r.metric, 6);
  tip += " (" + std::to_string(c.points.size()) + " points to step " + ShortNumber(c.last_step, 6) +
         ")";
  return tip;
}

// The axes of the curves' plot: steps from the first reported to the last (or the last rung),
// values over ChooseCurveRange.
struct CurveAxes {
  Axis x, y;
  CurveRange range;
};

CurveAxes MakeCurveAxes(const std::vector<TrialCurve>& curves,
                        const std::vector<double>& rung_steps, Mode mode, const PlotFrame& f) {
  double slo = std::numeric_limits<double>::infinity(), shi = -slo;
  std::vector<double> values;
  for (const TrialCurve& c : curves)
    for (const CurveXY& p : c.points) {
      slo = std::min(slo, static_cast<double>(p.step));
      shi = std::max(shi, static_cast<double>(p.step));
      if (!std::isnan(p.value)) values.push_back(p.value);
    }
  for (double s : rung_steps) shi = std::max(shi, s);
  if (!std::isfinite(slo)) slo = 0, shi = 1;
  CurveAxes a;
  a.range = ChooseCurveRange(std::move(values), mode);
  a.x = NumericAxis(slo, shi, false, f.x0(), f.x1());
  a.y = NumericAxis(a.range.lo, a.range.hi, a.range.log, f.y1(), f.y0());
  return a;
}

// A curve in pixels, thinned to `column`-pixel columns; a point with a NaN y where it breaks
// (a value that was not finite). Values beyond the range are drawn at its edge.
PixelLine ToPixels(const TrialCurve& c, const CurveAxes& a, double x0, double column) {
  std::vector<double> xs, ys;
  xs.reserve(c.points.size());
  ys.reserve(c.points.size());
  for (const CurveXY& p : c.points) {
    xs.push_back(a.x.Map(p.step));
    double v = p.value;
    if (std::isnan(v)) {
      ys.push_back(kNaN);
      continue;
    }
    v = std::clamp(v, a.range.lo, a.range.hi);
    ys.push_back(a.y.Map(v));
  }
  PixelLine line;
  for (size_t i : DecimateColumns(xs, ys, x0, column)) line.push_back({xs[i], ys[i]});
  return line;
}

// The path data of a pixel line: "M x y x y ..." per unbroken piece; a lone point as a
// zero-length stroke (drawn as a dot by the round caps).
void AppendLinePath(std::string& o, const PixelLine& line) {
  size_t piece = 0;  // points in the current piece
  for (const auto& [px, py] : line) {
    if (std::isnan(py)) {
      if (piece == 1) o += "h0";
      piece = 0;
      continue;
    }
    o += piece == 0 ? "M" : " ";
    AppendCoord(o, px);
    o += ' ';
    AppendCoord(o, py);
    ++piece;
  }
  if (piece == 1) o += "h0";
}

void DrawLine(std::string& o, const PixelLine& line, const char* cls, const std::string& tip) {
  std::string path;
  AppendLinePath(path, line);
  if (path.empty()) return;
  o += "<path";
  if (cls) o += std::string(" class=\"") + cls + "\"";
  o += " d=\"" + path + "\"><title>";
  AppendEscaped(o, tip);
  o += "</title></path>";
}

// One path per opacity level: each row's runs of cells at that level as rectangles.
void DrawCellDensity(std::string& o, const std::vector<std::uint32_t>& count, int nx, int ny,
                     double x0, double y0, double cell, const char* cls, double max_opacity,
                     const std::string& what) {
  std::uint32_t maxc = 0;
  for (std::uint32_t c : count) maxc = std::max(maxc, c);
  if (!maxc) return;
  auto level = [&](std::uint32_t c) {
    if (!c) return 0;
    int l = 1 + static_cast<int>((kDensityLevels - 1) * std::log1p(c) / std::log1p(maxc));
    return std::clamp(l, 1, kDensityLevels);
  };
  // The counts each level stands for, for its tooltip.
  std::vector<std::uint32_t> lo(kDensityLevels + 1, 0), hi(kDensityLevels + 1, 0);
  for (std::uint32_t c : count) {
    int l = level(c);
    lo[l] = lo[l] ? std::min(lo[l], c) : c;
    hi[l] = std::max(hi[l], c);
  }
  // Each row's runs of cells at one level, as one rectangle each.
  std::vector<std::string> paths(kDensityLevels + 1);
  for (int cy = 0; cy < ny; ++cy)
    for (int cx = 0; cx < nx;) {
      const std::uint32_t* row = &count[static_cast<size_t>(cy) * nx];
      int l = level(row[cx]), end = cx + 1;
      while (end < nx && level(row[end]) == l) ++end;
      if (l) {
        std::string& p = paths[l];
        p += "M";
        AppendCoord(p, x0 + cx * cell);
        p += ' ';
        AppendCoord(p, y0 + cy * cell);
        p += 'h';
        AppendCoord(p, (end - cx) * cell);
        p += 'v';
        AppendCoord(p, cell);
        p += 'h';
        AppendCoord(p, -(end - cx) * cell);
        p += 'z';
      }
      cx = end;
    }
  o += std::string("<g class=\"") + cls + "\">";
  for (int l = 1; l <= kDensityLevels; ++l) {
    if (paths[l].empty()) continue;
    o += "<path fill-opacity=\"" + FormatFixed(max_opacity * l / kDensityLevels, 2) + "\" d=\"" +
         paths[l] + "\"><title>";
    AppendEscaped(o, "cells crossed by " +
                         (lo[l] == hi[l] ? std::to_string(lo[l])
                                         : std::to_string(lo[l]) + "-" + std::to_string(hi[l])) +
                         " " + what);
    o += "</title></path>";
  }
  o += "</g>";
}

// ---------------------------------------------------------------------------------------
// Rungs

// The row of one bar.
struct OccupancyBar {
  std::string label, detail;
  double stopped = 0, went_on = 0;
  bool full = false;  // the finished trials at the full resource
};

}  // namespace

CurveRange ChooseCurveRange(std::vector<double> values, Mode mode) {
  CurveRange r;
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  if (values.empty()) return r;
  std::sort(values.begin(), values.end());
  r.lo = values.front();
  r.hi = values.back();
  if (values.size() >= 50) {
    if (mode == Mode::kMin) {
      double q = values[static_cast<size_t>(0.98 * (values.size() - 1))];
      if (r.hi - r.lo > 10 * (q - r.lo) && q > r.lo) r.hi = Beyond(r.lo, q, 0.1);
    } else {
      double q = values[static_cast<size_t>(0.02 * (values.size() - 1))];
      if (r.hi - r.lo > 10 * (r.hi - q) && q < r.hi) r.lo = Beyond(r.hi, q, 0.1);
    }
  }
  // Small values are the good ones when minimising (losses, errors): a log axis spreads them
  // once the curves fall by more than a factor 20. Maximised metrics keep a linear axis, which
  // a log one would squash at their good end.
  r.log = mode == Mode::kMin && r.lo > 0 && r.hi >= 20 * r.lo;
  for (double v : values) r.outside += v < r.lo || v > r.hi ? 1 : 0;
  return r;
}

std::vector<std::uint32_t> CountCurveCells(const std::vector<PixelLine>& lines, double x0,
                                           double y0, double cell, int nx, int ny) {
  std::vector<std::uint32_t> count(static_cast<size_t>(std::max(nx, 0)) * std::max(ny, 0), 0);
  std::vector<std::uint32_t> stamp(count.size(), 0);  // the last line counted in each cell
  if (count.empty()) return count;
  auto mark = [&](int cx, int cy, std::uint32_t line) {
    if (cx < 0 || cx >= nx || cy < 0 || cy >= ny) return;
    size_t k = static_cast<size_t>(cy) * nx + cx;
    if (stamp[k] == line) return;
    stamp[k] = line;
    ++count[k];
  };
  // The cells a segment from (ax, ay) to (bx, by) crosses: in each column it spans, the rows
  // between its y where it enters and leaves the column.
  auto segment = [&](double ax, double ay, double bx, double by, std::uint32_t line) {
    if (ax > bx) std::swap(ax, bx), std::swap(ay, by);
    // A segment ending exactly on a cell's edge does not enter the next cell.
    auto first = [&](double v, double origin) {
      return static_cast<int>(std::floor((v - origin) / cell));
    };
    auto last = [&](double v, double origin, int from) {
      return std::max(from, static_cast<int>(std::ceil((v - origin) / cell)) - 1);
    };
    int c0 = first(ax, x0), c1 = last(bx, x0, c0);
    for (int c = std::max(c0, 0); c <= std::min(c1, nx - 1); ++c) {
      double l = std::max(ax, x0 + c * cell), r = std::min(bx, x0 + (c + 1) * cell);
      double yl = ay, yr = by;
      if (bx > ax) {
        yl = ay + (by - ay) * (l - ax) / (bx - ax);
        yr = ay + (by - ay) * (r - ax) / (bx - ax);
      }
      int r0 = first(std::min(yl, yr), y0), r1 = last(std::max(yl, yr), y0, r0);
      for (int cy = std::max(r0, 0); cy <= std::min(r1, ny - 1); ++cy) mark(c, cy, line);
    }
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::uint32_t id = static_cast<std::uint32_t>(i + 1);
    const PixelLine& line = lines[i];
    for (size_t j = 0; j < line.size(); ++j) {
      const auto& [px, py] = line[j];
      if (std::isnan(px) || std::isnan(py)) continue;
      bool prev = j > 0 && !std::isnan(line[j - 1].first) && !std::isnan(line[j - 1].second);
      bool next =
          j + 1 < line.size() && !std::isnan(line[j + 1].first) && !std::isnan(line[j + 1].second);
      if (prev)
        segment(line[j - 1].first, line[j - 1].second, px, py, id);
      else if (!next)  // a lone point
        mark(static_cast<int>(std::floor((px - x0) / cell)),
             static_cast<int>(std::floor((py - y0) / cell)), id);
    }
  }
  return count;
}

std::vector<double> RungSteps(const PrunerSection& pruner) {
  std::vector<double> steps;
  if (pruner.kind != PrunerKind::kAsha) return steps;
  for (int b = 0; b < std::max(pruner.brackets, 1); ++b)
    for (double r : RungResources(BracketRule(pruner.asha, b))) steps.push_back(r);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  return steps;
}

std::string PlotLearningCurves(const ReportData& d, const std::vector<TrialCurve>& curves,
                               const std::vector<double>& rung_steps) {
  PlotFrame f;
  f.w = kWidePlot;
  f.h = 420;
  f.left = 62;
  f.right = 20;
  const auto kind_of = [&](const TrialCurve& c) { return KindOf((*d.rows)[c.row].state); };
  // Above max_curve_lines, the pruned trials' curves become a density; the others too unless
  // they are few (the survivors are the ones worth following one by one).
  size_t others = 0;
  for (const TrialCurve& c : curves) others += kind_of(c) == CurveKind::kPruned ? 0 : 1;
  const bool dense = curves.size() > d.opt.max_curve_lines;
  const bool others_dense = dense && others > d.opt.max_curve_lines / 4;
  auto as_density = [&](CurveKind k) { return k == CurveKind::kPruned ? dense : others_dense; };
  bool present[4] = {false, false, false, false};
  for (const TrialCurve& c : curves)
    if (!as_density(kind_of(c))) present[static_cast<int>(kind_of(c))] = true;
  std::optional<size_t> best_row;
  if (d.best) best_row = d.fin[*d.best];
  const TrialCurve* best = nullptr;
  for (const TrialCurve& c : curves)
    if (best_row && c.row == *best_row) best = &c;
  std::string legend = Legend(present);
  if (dense)
    legend = std::string(others_dense ? "densities, darker where more curves cross: grey pruned, "
                                        "blue the others"
                                      : "pruned as a grey density, darker where more curves "
                                        "cross") +
             (legend.empty() ? "" : "; " + legend);
  std::string o;
  OpenSvg(o, "curves", f,
          "Learning curves of " + std::to_string(curves.size()) + " trials (" + legend +
              (best ? "; the best in red" : "") + ")");
  CurveAxes a = MakeCurveAxes(curves, rung_steps, d.mode, f);
  DrawAxes(o, f, a.x, a.y, "step", d.metric_name + (a.range.log ? " (log)" : ""));
  o += "<g class=\"rungs\">";
  double labelled = -1e9;  // where the last label went: rungs close together share one
  for (double s : rung_steps) {
    double px = a.x.Map(s);
    if (px < f.x0() || px > f.x1()) continue;
    SvgLine(o, px, f.y0(), px, f.y1(), "rg");
    if (px - labelled < 56) continue;
    SvgText(o, px + 3, f.y0() + 11, "start", "rung @" + ShortNumber(s, 6), "rgl");
    labelled = px;
  }
  o += "</g>";
  // Lines thinned to 2-pixel columns; densities need no more than their cells.
  if (dense) {
    const int nx = static_cast<int>(std::ceil((f.x1() - f.x0()) / kCurveCell));
    const int ny = static_cast<int>(std::ceil((f.y1() - f.y0()) / kCurveCell));
    std::vector<PixelLine> pruned, rest;
    for (const TrialCurve& c : curves) {
      CurveKind k = kind_of(c);
      if (as_density(k))
        (k == CurveKind::kPruned ? pruned : rest).push_back(ToPixels(c, a, f.x0(), kCurveCell / 2));
    }
    DrawCellDensity(o, CountCurveCells(pruned, f.x0(), f.y0(), kCurveCell, nx, ny), nx, ny, f.x0(),
                    f.y0(), kCurveCell, "cdp", 0.55, "pruned trials");
    if (others_dense)
      DrawCellDensity(o, CountCurveCells(rest, f.x0(), f.y0(), kCurveCell, nx, ny), nx, ny, f.x0(),
                      f.y0(), kCurveCell, "cdo", 0.9, "finished, running or failed trials");
  }
  for (CurveKind kind : kCurveKinds) {
    if (as_density(kind)) continue;
    std::string group;
    for (const TrialCurve& c : curves) {
      if (kind_of(c) != kind || &c == best) continue;
      DrawLine(group, ToPixels(c, a, f.x0(), 2), nullptr, CurveTooltip(d, (*d.rows)[c.row], c));
    }
    if (!group.empty()) o += std::string("<g class=\"") + LineClass(kind) + "\">" + group + "</g>";
  }
  if (best)
    DrawLine(o, ToPixels(*best, a, f.x0(), 1), "lcb",
             "best: " + CurveTooltip(d, (*d.rows)[best->row], *best));
  if (a.range.outside)
    SvgText(o, f.x1(), 18, "end",
            std::to_string(a.range.outside) + " value(s) beyond " +
                ShortNumber(d.mode == Mode::kMin ? a.range.hi : a.range.lo) + " drawn at the edge",
            "note");
  CloseSvg(o);
  return o;
}

std::string PlotRungOccupancy(const std::vector<RungCount>& rungs, int brackets,
                              std::int64_t finished, std::optional<double> full_resource) {
  std::vector<OccupancyBar> bars;
  for (const RungCount& r : rungs) {
    OccupancyBar b;
    b.label = RungLabel(r.place, brackets);
    b.stopped = static_cast<double>(r.stopped);
    b.went_on = static_cast<double>(r.reached - r.stopped);
    b.detail = std::to_string(r.reached) + " reached, " + std::to_string(r.stopped) + " stopped";
    bars.push_back(b);
  }
  if (full_resource) {
    OccupancyBar b;
    b.label = "full @" + ShortNumber(*full_resource, 6);
    b.went_on = static_cast<double>(finished);
    b.detail = std::to_string(finished) + " finished";
    b.full = true;
    bars.push_back(b);
  }
  const double row_h = bars.empty() ? 20 : std::clamp(300.0 / bars.size(), 5.0, 22.0);
  PlotFrame f;
  f.w = 580;
  f.left = 150;
  f.right = 170;
  f.top = 30;
  f.bottom = 14;
  f.h = static_cast<int>(std::ceil(f.top + f.bottom + row_h * std::max<size_t>(bars.size(), 1)));
  std::string o;
  OpenSvg(o, "rungs", f, "Trials at each rung (grey stopped there, blue went on)");
  double maxv = 1;
  for (const OccupancyBar& b : bars) maxv = std::max(maxv, b.stopped + b.went_on);
  const double scale = (f.x1() - f.x0()) / maxv;
  const bool labels = row_h >= 11;
  o += "<g class=\"bars\">";
  for (size_t i = 0; i < bars.size(); ++i) {
    const OccupancyBar& b = bars[i];
    double y = f.y0() + row_h * i, h = std::max(row_h - (row_h > 8 ? 4 : 1), 1.0);
    std::string tip = b.label + ": " + b.detail;
    if (b.stopped > 0) SvgRect(o, f.x0(), y, b.stopped * scale, h, "rs", tip);
    if (b.went_on > 0)
      SvgRect(o, f.x0() + b.stopped * scale, y, b.went_on * scale, h, b.full ? "rf" : "rc", tip);
    if (labels) {
      SvgText(o, f.x0() - 6, y + h / 2 + 4, "end", b.label);
      SvgText(o, f.x1() + 6, y + h / 2 + 4, "start", b.detail, "tl");
    }
  }
  o += "</g>";
  SvgLine(o, f.x0(), f.y0() - 2, f.x0(), f.y1(), "ax");
  CloseSvg(o);
  return o;
}

}  // namespace hpo
