// SVG building blocks of the report's plots: the frame of a plot, coordinates written
// short, text, lines and rectangles with tooltips, the axes of a plot (grid, ticks, names),
// and a scatter of points that turns into a binned density above a number of points. Every
// piece of text goes through AppendEscaped, so nothing from the data becomes markup.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "layout.hpp"
#include "plot_axis.hpp"

namespace hpo {

// Plot area inside an SVG of size w x h. Small plots go three to a row on a 1280-pixel
// window; the wide ones (kWidePlot) take a whole row.
constexpr int kWidePlot = 1180;
struct PlotFrame {
  int w = 388, h = 290;
  double left = 62, top = 30, right = 14, bottom = 46;
  double x0() const { return left; }
  double x1() const { return w - right; }
  double y0() const { return top; }
  double y1() const { return h - bottom; }
};

// A coordinate with one decimal ("12.3", "40", "-2.5"; not finite: "0"): enough for screen
// pixels, and short.
void AppendCoord(std::string& o, double v);

// <svg id=... viewBox=...> with the title as its label and as a heading inside it.
void OpenSvg(std::string& o, const std::string& id, const PlotFrame& f, const std::string& title);
void CloseSvg(std::string& o);

// <text> at (x, y), with an optional text-anchor, class and tooltip.
void SvgText(std::string& o, double x, double y, const char* anchor, const std::string& text,
             const char* cls = nullptr, const std::string& tooltip = "");
void SvgLine(std::string& o, double x1, double y1, double x2, double y2, const char* cls);
// A rectangle at least 0.1 pixel wide and high, with an optional tooltip.
void SvgRect(std::string& o, double x, double y, double w, double h, const char* cls,
             const std::string& tooltip = "");

// Grid lines, tick labels and axis names of a plot.
void DrawAxes(std::string& o, const PlotFrame& f, const Axis& x, const Axis& y,
              const std::string& xlabel, const std::string& ylabel);

// A deterministic jitter in [-0.5, 0.5) from a trial id (the page is the same every time).
double Jitter(TrialId id);

// Points of a scatter plot: circles with a tooltip each, or, above `max_points`, a 2D
// histogram of `cell`-pixel cells whose opacity grows with the log of the count (one column
// per category while categories are wider than a cell). `best` (an index into xs) is drawn
// on top in both cases. Points with a NaN coordinate or outside the plot are not drawn.
void DrawPoints(std::string& o, const PlotFrame& f, const Axis& x, const Axis& y,
                const std::vector<double>& xs, const std::vector<double>& ys,
                const std::function<std::string(std::size_t)>& tooltip,
                const std::function<TrialId(std::size_t)>& id_of, std::optional<std::size_t> best,
                std::size_t max_points, double cell = 8);

// The highlighted point of the best trial, its tooltip prefixed with "best: ".
void DrawBestPoint(std::string& o, double cx, double cy, const std::string& tooltip);

}  // namespace hpo
