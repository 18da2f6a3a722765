// Plot axes: the map from data to pixels (linear, log, categories, time offsets), where the
// ticks go and how they are labelled, and the arithmetic that keeps ranges wider than the
// largest double (metrics from -1e308 to 1e308) finite. Pure; the SVG drawing is svg's.
#pragma once

#include <string>
#include <vector>

namespace hpo {

// Ranges of data can be wider than the largest double: there b - a is inf, and every
// position, bin or tick computed from it NaN. These work on halves where the width
// overflows, and give exactly the usual result where it does not.

// Where v lies between a and b: 0 at a, 1 at b.
double Fraction(double v, double a, double b);

// b + t * (b - a): beyond b (or before it, for b < a) by the fraction t of the width, kept
// within the finite doubles.
double Beyond(double a, double b, double t);

// v kept within the finite doubles.
double Finite(double v);

// One axis of a plot: a domain mapped onto a pixel range.
struct Axis {
  enum class Kind { kLinear, kLog, kCategory };
  Kind kind = Kind::kLinear;
  double d0 = 0, d1 = 1;  // domain (category: -0.5 .. n-0.5)
  double r0 = 0, r1 = 1;  // pixels
  bool time = false;      // seconds since t0: tick labels as clock offsets
  std::vector<std::string> labels;

  // The pixel of domain value v.
  double Map(double v) const;
  // Pixels per category.
  double band() const;
};

// About n "nice" ticks (steps of 1, 2 or 5 times a power of ten) within [a, b]; {a} when
// the range is empty. At most 50.
std::vector<double> LinearTicks(double a, double b, int n);

// At most n ticks within [a, b] seconds at a clock step (1 s, 5 min, 1 h, 1 d, ...).
std::vector<double> TimeTicks(double a, double b, int n);

// The ticks of an axis for about n labels: every category (thinned beyond 12), clock steps,
// linear steps, or powers of ten on a log axis (1-2-5 or linear steps when too few).
std::vector<double> Ticks(const Axis& ax, int n);

// The label of tick v: its category, clock offset or short number.
std::string TickLabel(const Axis& ax, double v);

// A numeric axis over [lo, hi] with a little padding (log axes pad by a factor); an empty
// range is widened around its value.
Axis NumericAxis(double lo, double hi, bool log, double r0, double r1);

// One band per label.
Axis CategoryAxis(const std::vector<std::string>& labels, double r0, double r1);

// Seconds from 0 to a little beyond `span`.
Axis TimeAxis(double span, double r0, double r1);

}  // namespace hpo
