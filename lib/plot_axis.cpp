#include "plot_axis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "text_format.hpp"

namespace hpo {

double Fraction(double v, double a, double b) {
  double w = b - a;
  if (std::isfinite(w)) return (v - a) / w;
  return (v / 2 - a / 2) / (b / 2 - a / 2);
}

double Finite(double v) {
  return std::clamp(v, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

double Beyond(double a, double b, double t) {
  double w = b - a;
  return Finite(std::isfinite(w) ? b + t * w : b + t * (b / 2 - a / 2) * 2);
}

double Axis::Map(double v) const {
  double a = v, b0 = d0, b1 = d1;
  if (kind == Kind::kLog) {
    a = std::log10(v);
    b0 = std::log10(d0);
    b1 = std::log10(d1);
  }
  return r0 + Fraction(a, b0, b1) * (r1 - r0);
}

double Axis::band() const {
  return std::fabs(r1 - r0) / std::max<size_t>(1, labels.size());
}

std::vector<double> LinearTicks(double a, double b, int n) {
  if (!(b > a)) return {a};
  double unit = std::isfinite(b - a) ? (b - a) / n : b / n - a / n;  // the span over n
  double step = std::pow(10, std::floor(std::log10(unit)));
  double err = unit / step;
  if (err >= 7.5)
    step *= 10;
  else if (err >= 3.5)
    step *= 5;
  else if (err >= 1.5)
    step *= 2;
  std::vector<double> t;
  // Near the largest double, b + step * 1e-9 and v + step can be inf: stop there, or every
  // further tick would be inf.
  for (double v = std::ceil(a / step) * step;
       std::isfinite(v) && v <= b + step * 1e-9 && t.size() < 50; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::vector<double> TimeTicks(double a, double b, int n) {
  static const double steps[] = {0.001, 0.002, 0.005, 0.01,   0.02,   0.05,   0.1,     0.2,
                                 0.5,   1,     2,     5,      10,     15,     30,      60,
                                 120,   300,   600,   900,    1800,   3600,   7200,    10800,
                                 21600, 43200, 86400, 172800, 345600, 604800, 1209600, 2592000};
  double span = b - a;
  if (!(span > 0)) return {a};
  double step = steps[sizeof steps / sizeof steps[0] - 1];
  for (double s : steps)
    if (span / s <= n) {
      step = s;
      break;
    }
  std::vector<double> t;
  for (double v = std::ceil(a / step) * step; v <= b + 1e-9 && t.size() < 50; v += step)
    t.push_back(v);
  return t;
}

std::vector<double> Ticks(const Axis& ax, int n) {
  if (ax.kind == Axis::Kind::kCategory) {
    size_t k = ax.labels.size(), every = std::max<size_t>(1, (k + 11) / 12);
    std::vector<double> t;
    for (size_t i = 0; i < k; i += every) t.push_back(static_cast<double>(i));
    return t;
  }
  if (ax.time) return TimeTicks(ax.d0, ax.d1, n);
  if (ax.kind == Axis::Kind::kLinear) return LinearTicks(ax.d0, ax.d1, n);
  std::vector<double> t;
  int e0 = static_cast<int>(std::floor(std::log10(ax.d0))),
      e1 = static_cast<int>(std::ceil(std::log10(ax.d1)));
  for (int e = e0; e <= e1; ++e) {
    double v = std::pow(10.0, e);
    if (v >= ax.d0 * (1 - 1e-9) && v <= ax.d1 * (1 + 1e-9)) t.push_back(v);
  }
  if (t.size() < 3) {
    t.clear();
    for (int e = e0; e <= e1; ++e)
      for (double m : {1.0, 2.0, 5.0}) {
        double v = m * std::pow(10.0, e);
        if (v >= ax.d0 * (1 - 1e-9) && v <= ax.d1 * (1 + 1e-9)) t.push_back(v);
      }
  }
  if (t.size() < 2) {
    // Less than a factor of 2 or so: linear ticks on the log axis.
    t = LinearTicks(ax.d0, ax.d1, n);
    t.erase(std::remove_if(t.begin(), t.end(), [](double v) { return v <= 0; }), t.end());
  }
  if (static_cast<int>(t.size()) > 2 * n) {
    std::vector<double> thin;
    size_t every = (t.size() + n - 1) / n;
    for (size_t i = 0; i < t.size(); i += every) thin.push_back(t[i]);
    t = thin;
  }
  return t;
}

std::string TickLabel(const Axis& ax, double v) {
  if (ax.kind == Axis::Kind::kCategory) {
    size_t i = static_cast<size_t>(v);
    return i < ax.labels.size() ? ax.labels[i] : "";
  }
  return ax.time ? ClockLabel(v) : ShortNumber(v);
}

Axis NumericAxis(double lo, double hi, bool log, double r0, double r1) {
  Axis a;
  a.r0 = r0;
  a.r1 = r1;
  if (log && lo > 0 && hi > 0) {
    a.kind = Axis::Kind::kLog;
    if (hi <= lo) hi = lo * 10, lo /= 10;
    double f = std::pow(hi / lo, 0.04);
    a.d0 = lo / f;
    a.d1 = hi * f;
    return a;
  }
  if (!(hi > lo)) {
    double w = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo = Finite(lo - w);
    hi = Finite(hi + w);
  }
  a.d0 = Beyond(hi, lo, 0.04);
  a.d1 = Beyond(lo, hi, 0.04);
  return a;
}

Axis CategoryAxis(const std::vector<std::string>& labels, double r0, double r1) {
  Axis a;
  a.kind = Axis::Kind::kCategory;
  a.labels = labels;
  a.d0 = -0.5;
  a.d1 = static_cast<double>(std::max<size_t>(1, labels.size())) - 0.5;
  a.r0 = r0;
  a.r1 = r1;
  return a;
}

Axis TimeAxis(double span, double r0, double r1) {
  Axis a;
  a.time = true;
  a.r0 = r0;
  a.r1 = r1;
  a.d0 = 0;
  a.d1 = span > 0 ? span * 1.02 : 1;
  return a;
}

}  // namespace hpo
