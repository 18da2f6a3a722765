#include "report_curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "learning_curve.hpp"

namespace hpo {
namespace {

// The points of one column [b, e): its first, lowest, highest and last finite points and
// its gaps (all of them when it holds at most four), appended to `keep` in order.
void KeepColumn(const std::vector<double>& ys, size_t b, size_t e, std::vector<size_t>& keep) {
  if (e - b <= 4) {
    for (size_t i = b; i < e; ++i) keep.push_back(i);
    return;
  }
  size_t first = e, last = e, lo = e, hi = e;
  for (size_t i = b; i < e; ++i) {
    if (std::isnan(ys[i])) continue;
    if (first == e) first = i;
    last = i;
    if (lo == e || ys[i] < ys[lo]) lo = i;
    if (hi == e || ys[i] > ys[hi]) hi = i;
  }
  for (size_t i = b; i < e; ++i)
    if (std::isnan(ys[i]) || i == first || i == last || i == lo || i == hi) keep.push_back(i);
}

// A curve of ReadCurve as kept: single precision, thinned when long.
std::vector<CurveXY> Compact(const std::vector<CurvePoint>& curve) {
  std::vector<CurveXY> out;
  auto point = [](const CurvePoint& p) {
    return CurveXY{static_cast<float>(p.step), p.value ? static_cast<float>(*p.value)
                                                       : std::numeric_limits<float>::quiet_NaN()};
  };
  if (curve.size() <= kMaxCurvePoints) {
    out.reserve(curve.size());
    for (const CurvePoint& p : curve) out.push_back(point(p));
    return out;
  }
  std::vector<double> xs(curve.size()), ys(curve.size());
  for (size_t i = 0; i < curve.size(); ++i) {
    xs[i] = curve[i].step;
    ys[i] = curve[i].value ? *curve[i].value : std::numeric_limits<double>::quiet_NaN();
  }
  double span = xs.back() - xs.front();
  double column = span > 0 ? span / kCurveColumns : 1;
  for (size_t i : DecimateColumns(xs, ys, xs.front(), column)) out.push_back(point(curve[i]));
  return out;
}

}  // namespace

std::vector<size_t> DecimateColumns(const std::vector<double>& xs, const std::vector<double>& ys,
                                    double x0, double column) {
  std::vector<size_t> keep;
  size_t n = std::min(xs.size(), ys.size());
  auto col = [&](size_t i) { return std::floor((xs[i] - x0) / column); };
  for (size_t b = 0; b < n;) {
    size_t e = b + 1;
    while (e < n && col(e) == col(b)) ++e;
    KeepColumn(ys, b, e, keep);
    b = e;
  }
  return keep;
}

std::vector<TrialCurve> LoadCurves(const Layout& layout, const std::vector<TrialRow>& rows) {
  std::vector<TrialCurve> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].state == TrialState::kPending) continue;
    std::vector<CurvePoint> curve = ReadCurve(layout.trial_progress(rows[i].id));
    if (curve.empty()) continue;
    out.push_back({i, curve.back().step, Compact(curve)});
  }
  return out;
}

std::vector<std::optional<double>> LastSteps(const std::vector<TrialCurve>& curves, size_t rows) {
  std::vector<std::optional<double>> out(rows);
  for (const TrialCurve& c : curves)
    if (c.row < rows) out[c.row] = c.last_step;
  return out;
}

}  // namespace hpo
