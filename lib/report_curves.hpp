// The trials' learning curves as the report reads them: each started trial's progress file
// (trials/trial_<i>/progress.jsonl, read with learning_curve's ReadCurve; a pruned trial's
// record holds the same points) kept compact, in single precision and thinned to at most
// kMaxCurvePoints points, so that 100,000 curves of thousands of steps fit in memory; and
// the thinning itself (DecimateColumns), which the plot also uses at its own resolution.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "layout.hpp"
#include "trial_row.hpp"

namespace hpo {

// One point of a curve as kept for drawing; value NaN where the trial reported a value that
// was not finite.
struct CurveXY {
  float step = 0;
  float value = 0;
};

struct TrialCurve {
  std::size_t row = 0;          // index into the rows
  double last_step = 0;         // the last step reported (before any thinning)
  std::vector<CurveXY> points;  // by step
};

// A curve longer than this is thinned (DecimateColumns over kCurveColumns columns of its
// own step range) when read.
inline constexpr std::size_t kMaxCurvePoints = 2048;
inline constexpr int kCurveColumns = 512;

// The indexes of the points of a polyline worth drawing when x is seen in columns of width
// `column` (> 0) from `x0`: in each column, the first, the lowest, the highest and the last
// point, in their order (M4; a column of up to four points keeps them all). `xs` sorted;
// points with a NaN y (gaps, drawn as breaks) are always kept.
std::vector<std::size_t> DecimateColumns(const std::vector<double>& xs,
                                         const std::vector<double>& ys, double x0, double column);

// The curves of every row that is not pending, one per row with at least one point, in row
// order.
std::vector<TrialCurve> LoadCurves(const Layout& layout, const std::vector<TrialRow>& rows);

// The last step of each row's curve (nullopt for a row without one), one per row.
std::vector<std::optional<double>> LastSteps(const std::vector<TrialCurve>& curves,
                                             std::size_t rows);

}  // namespace hpo
