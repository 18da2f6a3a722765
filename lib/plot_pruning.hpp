// The report's plots of early stopping, each one self-contained SVG: every trial's learning
// curve (its value against its step: finished trials blue, pruned ones faded grey, the best
// red), and the occupancy of the rungs (how many trials reached each, how many stopped
// there). Up to ReportOptions::max_curve_lines curves are drawn as lines (thinned to the
// plot's resolution, DecimateColumns); above that as two densities of the cells the curves
// cross (pruned trials, the others) with the best trial's curve on top, so that the plot
// stays readable and its size bounded at any number of trials. The building blocks are
// svg's and plot_axis's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mode.hpp"
#include "report_curves.hpp"
#include "report_data.hpp"
#include "report_pruning.hpp"

namespace hpo {

// The value range of the curves' plot.
struct CurveRange {
  double lo = 0, hi = 1;
  bool log = false;         // minimised positive values falling by more than a factor 20
  std::size_t outside = 0;  // values beyond the range (drawn at its edge)
};

// The range of `values` (NaN ignored): all of them, unless a few outliers on the worse side
// (above the 98th percentile for kMin, below the 2nd for kMax) would squash the rest, as the
// metric's range is chosen; on a log axis when minimising a positive range with hi >= 20 lo.
// {0, 1} without a finite value.
CurveRange ChooseCurveRange(std::vector<double> values, Mode mode);

// A polyline in pixels; a point with a NaN coordinate breaks it.
using PixelLine = std::vector<std::pair<double, double>>;

// How many of `lines` cross each cell of a grid of nx by ny square cells of `cell` pixels
// whose corner is (x0, y0): row-major (cell (cx, cy) at cy * nx + cx), each line counted once
// per cell however often it crosses it. Parts outside the grid are not counted.
std::vector<std::uint32_t> CountCurveCells(const std::vector<PixelLine>& lines, double x0,
                                           double y0, double cell, int nx, int ny);

// The steps marked on the curves' plot: every rung's resource of the ASHA pruner (all
// brackets), sorted, without repeats; empty for other pruners.
std::vector<double> RungSteps(const PrunerSection& pruner);

// Every curve against its step; `rung_steps` as dashed vertical lines.
std::string PlotLearningCurves(const ReportData& d, const std::vector<TrialCurve>& curves,
                               const std::vector<double>& rung_steps);

// One bar per rung: the trials that reached it, split into those stopped there and those
// that went on; then, with a full resource, the finished trials (`finished`) at it.
std::string PlotRungOccupancy(const std::vector<RungCount>& rungs, int brackets,
                              std::int64_t finished, std::optional<double> full_resource);

}  // namespace hpo
