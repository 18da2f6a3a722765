#include "svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "html_escape.hpp"
#include "text_format.hpp"

namespace hpo {
namespace {

// The x pixel of point i; on a category axis spread over the category's band (`jitter`).
struct PointPlacer {
  const Axis& x;
  const std::vector<double>& xs;
  const std::function<TrialId(std::size_t)>& id_of;
  bool cat_axis = x.kind == Axis::Kind::kCategory;
  double band = x.band();

  double X(size_t i, bool jitter) const {
    double px = x.Map(xs[i]);
    if (cat_axis && jitter) px += Jitter(id_of(i)) * band * 0.6;
    return px;
  }
};

// Counts the visible points per cell (one column per category when `per_category`) and
// draws each non-empty cell with one of 16 opacity classes, by the log of its count.
void DrawDensity(std::string& o, const PlotFrame& f, const Axis& x, const Axis& y,
                 const std::vector<double>& xs, const std::vector<double>& ys,
                 const PointPlacer& place, const std::function<bool(size_t)>& visible,
                 bool per_category, double cell) {
  const bool cat = per_category;
  const double band = place.band;
  int nx = cat ? static_cast<int>(x.labels.size())
               : static_cast<int>(std::ceil((f.x1() - f.x0()) / cell));
  int ny = static_cast<int>(std::ceil((f.y1() - f.y0()) / cell));
  std::vector<std::uint32_t> count(static_cast<size_t>(std::max(nx, 1)) * ny, 0);
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!visible(i)) continue;
    int bx = cat ? static_cast<int>(xs[i]) : static_cast<int>((place.X(i, false) - f.x0()) / cell);
    int by = static_cast<int>((y.Map(ys[i]) - f.y0()) / cell);
    bx = std::clamp(bx, 0, std::max(nx, 1) - 1);
    by = std::clamp(by, 0, ny - 1);
    ++count[static_cast<size_t>(by) * std::max(nx, 1) + bx];
  }
  std::uint32_t maxc = *std::max_element(count.begin(), count.end());
  o += "<g class=\"density\">";
  for (int by = 0; by < ny; ++by)
    for (int bx = 0; bx < nx; ++bx) {
      std::uint32_t c = count[static_cast<size_t>(by) * nx + bx];
      if (!c) continue;
      int level = 1 + static_cast<int>(15.0 * std::log1p(c) /
                                       std::log1p(std::max<std::uint32_t>(maxc, 1)));
      level = std::clamp(level, 1, 16);
      char cls[8];  // "d1".."d16": opacity classes in the page's style
      std::snprintf(cls, sizeof cls, "d%d", level);
      double rx = cat ? x.Map(bx) - band * 0.4 : f.x0() + bx * cell;
      double rw = cat ? band * 0.8 : std::min(cell, f.x1() - rx);
      double ry = f.y0() + by * cell;
      SvgRect(o, rx, ry, rw, std::min(cell, f.y1() - ry), cls,
              std::to_string(c) + (c == 1 ? " trial" : " trials"));
    }
  o += "</g>";
}

// One circle with a tooltip per visible point but the best.
void DrawCircles(std::string& o, const Axis& y, const std::vector<double>& xs,
                 const std::vector<double>& ys, const PointPlacer& place,
                 const std::function<bool(size_t)>& visible,
                 const std::function<std::string(std::size_t)>& tooltip,
                 std::optional<size_t> best) {
  o += "<g class=\"points\">";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!visible(i) || (best && *best == i)) continue;
    o += "<circle class=\"pt\" cx=\"";
    AppendCoord(o, place.X(i, true));
    o += "\" cy=\"";
    AppendCoord(o, y.Map(ys[i]));
    o += "\" r=\"3\"><title>";
    AppendEscaped(o, tooltip(i));
    o += "</title></circle>";
  }
  o += "</g>";
}

}  // namespace

void AppendCoord(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  long long t = std::llround(v * 10);
  if (t < 0) {
    out += '-';
    t = -t;
  }
  out += std::to_string(t / 10);
  if (t % 10) {
    out += '.';
    out += static_cast<char>('0' + t % 10);
  }
}

void OpenSvg(std::string& o, const std::string& id, const PlotFrame& f, const std::string& title) {
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"";
  AppendEscaped(o, id);
  o += "\" viewBox=\"0 0 " + std::to_string(f.w) + " " + std::to_string(f.h) + "\" width=\"" +
       std::to_string(f.w) + "\" height=\"" + std::to_string(f.h) + "\" role=\"img\" aria-label=\"";
  AppendEscaped(o, title);
  o += "\"><text class=\"t\" x=\"";
  AppendCoord(o, f.left);
  o += "\" y=\"18\">";
  AppendEscaped(o, title);
  o += "</text>";
}

void CloseSvg(std::string& o) {
  o += "</svg>\n";
}

void SvgText(std::string& o, double x, double y, const char* anchor, const std::string& text,
             const char* cls, const std::string& tooltip) {
  o += "<text x=\"";
  AppendCoord(o, x);
  o += "\" y=\"";
  AppendCoord(o, y);
  o += "\"";
  if (anchor) o += std::string(" text-anchor=\"") + anchor + "\"";
  if (cls) o += std::string(" class=\"") + cls + "\"";
  o += ">";
  AppendEscaped(o, text);
  if (!tooltip.empty()) {
    o += "<title>";
    AppendEscaped(o, tooltip);
    o += "</title>";
  }
  o += "</text>";
}

void SvgLine(std::string& o, double x1, double y1, double x2, double y2, const char* cls) {
  o += "<line x1=\"";
  AppendCoord(o, x1);
  o += "\" y1=\"";
  AppendCoord(o, y1);
  o += "\" x2=\"";
  AppendCoord(o, x2);
  o += "\" y2=\"";
  AppendCoord(o, y2);
  o += "\" class=\"";
  o += cls;
  o += "\"/>";
}

void SvgRect(std::string& o, double x, double y, double w, double h, const char* cls,
             const std::string& tooltip) {
  o += "<rect x=\"";
  AppendCoord(o, x);
  o += "\" y=\"";
  AppendCoord(o, y);
  o += "\" width=\"";
  AppendCoord(o, std::max(w, 0.1));
  o += "\" height=\"";
  AppendCoord(o, std::max(h, 0.1));
  o += "\" class=\"";
  o += cls;
  if (tooltip.empty()) {
    o += "\"/>";
    return;
  }
  o += "\"><title>";
  AppendEscaped(o, tooltip);
  o += "</title></rect>";
}

void DrawAxes(std::string& o, const PlotFrame& f, const Axis& x, const Axis& y,
              const std::string& xlabel, const std::string& ylabel) {
  o += "<g class=\"axes\">";
  for (double t : Ticks(y, 5)) {
    double py = y.Map(t);
    if (py < f.y0() - 0.5 || py > f.y1() + 0.5) continue;
    SvgLine(o, f.x0(), py, f.x1(), py, "gr");
    SvgText(o, f.x0() - 5, py + 3.5, "end", TickLabel(y, t));
  }
  bool cat = x.kind == Axis::Kind::kCategory;
  size_t max_chars = cat ? std::max<size_t>(3, static_cast<size_t>(x.band() / 6.5)) : 12;
  for (double t : Ticks(x, 6)) {
    double px = x.Map(t);
    if (px < f.x0() - 0.5 || px > f.x1() + 0.5) continue;
    if (!cat) SvgLine(o, px, f.y0(), px, f.y1(), "gr");
    std::string label = TickLabel(x, t);
    std::string shown = Shorten(label, max_chars);
    SvgText(o, px, f.y1() + 15, "middle", shown, nullptr, shown == label ? "" : label);
  }
  o += "<rect class=\"ax\" x=\"";
  AppendCoord(o, f.x0());
  o += "\" y=\"";
  AppendCoord(o, f.y0());
  o += "\" width=\"";
  AppendCoord(o, f.x1() - f.x0());
  o += "\" height=\"";
  AppendCoord(o, f.y1() - f.y0());
  o += "\"/>";
  SvgText(o, (f.x0() + f.x1()) / 2, f.h - 8, "middle", xlabel, "al");
  o += "<text class=\"al\" text-anchor=\"middle\" transform=\"translate(13 ";
  AppendCoord(o, (f.y0() + f.y1()) / 2);
  o += ") rotate(-90)\">";
  AppendEscaped(o, ylabel);
  o += "</text></g>";
}

double Jitter(TrialId id) {
  std::uint64_t z = static_cast<std::uint64_t>(id) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0 - 0.5;
}

void DrawPoints(std::string& o, const PlotFrame& f, const Axis& x, const Axis& y,
                const std::vector<double>& xs, const std::vector<double>& ys,
                const std::function<std::string(size_t)>& tooltip,
                const std::function<TrialId(size_t)>& id_of, std::optional<size_t> best,
                size_t max_points, double cell) {
  const PointPlacer place{x, xs, id_of};
  size_t n = 0;
  for (size_t i = 0; i < xs.size(); ++i) n += std::isnan(xs[i]) || std::isnan(ys[i]) ? 0 : 1;
  auto visible = [&](size_t i) {
    if (std::isnan(xs[i]) || std::isnan(ys[i])) return false;
    double py = y.Map(ys[i]);
    return py >= f.y0() - 0.01 && py <= f.y1() + 0.01;
  };
  if (n > max_points)
    DrawDensity(o, f, x, y, xs, ys, place, visible, place.cat_axis && place.band >= cell, cell);
  else
    DrawCircles(o, y, xs, ys, place, visible, tooltip, best);
  if (best && visible(*best)) DrawBestPoint(o, place.X(*best, false), y.Map(ys[*best]), tooltip(*best));
}

void DrawBestPoint(std::string& o, double cx, double cy, const std::string& tooltip) {
  o += "<circle class=\"best\" cx=\"";
  AppendCoord(o, cx);
  o += "\" cy=\"";
  AppendCoord(o, cy);
  o += "\" r=\"5\"><title>";
  AppendEscaped(o, "best: " + tooltip);
  o += "</title></circle>";
}

}  // namespace hpo
