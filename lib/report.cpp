#include "report.hpp"

#include <time.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <queue>
#include <unordered_map>

#include "atomic_file.hpp"
#include "error.hpp"
#include "failures.hpp"
#include "templates.hpp"
#include "version.hpp"

namespace hpo {
namespace {

using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------
// Text

// Length of the valid UTF-8 sequence at s[i] that XML 1.0 allows, or 0.
size_t XmlCharLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') && c != 0x7f ? 1 : 0;
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  // Overlong forms, surrogates, beyond U+10FFFF, and the non-characters XML excludes.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff) return 0;
  return n;
}

void AppendEscaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    switch (c) {
      case '&':
        out += "&amp;";
        ++i;
        continue;
      case '<':
        out += "&lt;";
        ++i;
        continue;
      case '>':
        out += "&gt;";
        ++i;
        continue;
      case '"':
        out += "&quot;";
        ++i;
        continue;
      case '\'':
        out += "&#39;";
        ++i;
        continue;
      default:
        break;
    }
    size_t n = XmlCharLength(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD: keeps the page well-formed whatever the bytes were
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
}

// Shortens to at most `max` code points (with an ellipsis), never splitting a UTF-8 sequence.
std::string Shorten(const std::string& s, size_t max) {
  size_t points = 0, i = 0;
  while (i < s.size()) {
    if (points == max) return s.substr(0, i) + "\xe2\x80\xa6";
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    ++points;
  }
  return s;
}

// A coordinate with one decimal ("12.3", "40", "-2.5"): enough for screen pixels, and short.
void Num(std::string& out, double v) {
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

std::string Printf(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// A number for axes and tables: 4 significant digits, exponents without padding ("1e-5").
std::string ShortNumber(double v, int digits = 4) {
  if (v == 0) return "0";
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  double a = std::fabs(v);
  std::string s;
  if (a >= 1e6 || a < 1e-3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
    s = buf;
    size_t e = s.find('e');
    std::string mant = s.substr(0, e), ex = s.substr(e + 1);
    if (mant.find('.') != std::string::npos) {
      while (mant.back() == '0') mant.pop_back();
      if (mant.back() == '.') mant.pop_back();
    }
    bool neg = ex[0] == '-';
    ex = ex.substr(1);
    while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + ex;
  }
  char buf[64];
  // Whole numbers up to a million in full ("20000", not "2e+04").
  if (a >= 1000)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// Display text of a configuration value: strings bare, numbers short, the rest as JSON.
std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return ShortNumber(v.get<double>(), 6);
  if (v.is_null()) return "";
  return v.dump();
}

std::string FormatTimestamp(double unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

// Offsets on a time axis: "0", "45s", "5m", "2m30s", "1h", "1h30", "2d", "1d06h".
std::string ClockLabel(double s) {
  if (std::fabs(s) < 10 && std::fabs(s - std::round(s)) > 1e-9) return ShortNumber(s, 3) + "s";
  long t = std::lround(s);
  if (t == 0) return "0";
  std::string sign = t < 0 ? "-" : "";
  t = std::labs(t);
  char buf[64];
  if (t < 60)
    std::snprintf(buf, sizeof buf, "%lds", t);
  else if (t < 3600 && t % 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ldm", t / 60);
  else if (t < 86400 && (t % 3600) / 60)
    std::snprintf(buf, sizeof buf, "%ldh%02ld", t / 3600, (t % 3600) / 60);
  else if (t < 86400)
    std::snprintf(buf, sizeof buf, "%ldh", t / 3600);
  else if ((t % 86400) / 3600)
    std::snprintf(buf, sizeof buf, "%ldd%02ldh", t / 86400, (t % 86400) / 3600);
  else
    std::snprintf(buf, sizeof buf, "%ldd", t / 86400);
  return sign + buf;
}

// Percent-encodes a path for an href (RFC 3986 path characters pass).
std::string UrlPath(const std::string& p) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : p) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The directory without "." or ".." parts or symlinks ("hpo-report ." opens "/x/camp/."), so
// titles read well and log paths recorded by runners compare equal to the campaign's.
fs::path NormalDir(const fs::path& dir) {
  boost::system::error_code ec;
  fs::path p = fs::canonical(dir, ec);
  if (ec) p = fs::absolute(dir).lexically_normal();
  std::string t = p.string();
  while (t.size() > 1 && t.back() == '/') t.pop_back();
  return t;
}

// ---------------------------------------------------------------------------------------
// The data the page is drawn from

// One sampled parameter as an axis.
struct Dim {
  const Param* param = nullptr;
  bool categorical = false;
  bool log = false;
  std::vector<std::string> labels;  // categories
  double lo = 0, hi = 1;            // numeric: the space's bounds where it has them
};

struct Data {
  const Campaign* campaign = nullptr;
  fs::path root;  // the campaign directory, normalised
  const std::vector<TrialRow>* rows = nullptr;
  Mode mode = Mode::kMin;
  std::string metric_name;
  ReportOptions opt;
  ReportStats stats;
  std::vector<Dim> dims;
  std::vector<size_t> fin;             // rows finished with a metric, by id
  std::vector<double> metric;          // per fin
  std::vector<std::vector<double>> x;  // [dim][fin]: value or category index; NaN: unusable
  std::optional<size_t> best;          // index into fin
  double t0 = 0;                       // first start (time axes count from it)
  bool have_times = false;
  double lo = 0, hi = 1;  // metric range drawn
  size_t hidden = 0;      // finished trials outside [lo, hi]
};

// Ranges of data can be wider than the largest double (metrics from -1e308 to 1e308): there
// b - a is inf, and every position, bin or tick computed from it NaN. These work on halves
// where the width overflows, and give exactly the usual result where it does not.

// Where v lies between a and b: 0 at a, 1 at b.
double Fraction(double v, double a, double b) {
  double w = b - a;
  if (std::isfinite(w)) return (v - a) / w;
  return (v / 2 - a / 2) / (b / 2 - a / 2);
}

// b + t * (b - a): beyond b (or before it, for b < a) by the fraction t of the width, kept
// within the finite doubles.
double Beyond(double a, double b, double t) {
  double w = b - a;
  double v = std::isfinite(w) ? b + t * w : b + t * (b / 2 - a / 2) * 2;
  return std::clamp(v, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

// v kept within the finite doubles.
double Finite(double v) {
  return std::clamp(v, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
}

bool InRange(const Data& d, double m) {
  return m >= d.lo && m <= d.hi;
}

// The metric range to draw: everything, unless a few outliers on the worse side would
// squash the rest into one line; the best side is never cut.
void ChooseMetricRange(Data& d) {
  std::vector<double> m = d.metric;
  std::sort(m.begin(), m.end());
  d.lo = m.front();
  d.hi = m.back();
  if (m.size() >= 50) {
    if (d.mode == Mode::kMin) {
      double q = m[static_cast<size_t>(0.98 * (m.size() - 1))];
      if (d.hi - d.lo > 10 * (q - d.lo) && q > d.lo) d.hi = Beyond(d.lo, q, 0.1);
    } else {
      double q = m[static_cast<size_t>(0.02 * (m.size() - 1))];
      if (d.hi - d.lo > 10 * (d.hi - q) && q < d.hi) d.lo = Beyond(d.hi, q, 0.1);
    }
  }
  d.hidden = 0;
  for (double v : d.metric) d.hidden += InRange(d, v) ? 0 : 1;
}

Data Prepare(const Campaign& campaign, const std::vector<TrialRow>& rows,
             const ReportOptions& opt) {
  Data d;
  d.campaign = &campaign;
  d.root = NormalDir(campaign.layout().root());
  d.rows = &rows;
  d.opt = opt;
  d.mode = campaign.config().hpo.mode;
  d.metric_name = campaign.config().hpo.metric;
  double now = opt.now > 0 ? opt.now : NowSeconds();
  d.stats = ComputeStats(campaign, rows, now);
  for (const Param& p : campaign.config().space.params()) {
    if (!p.sampled()) continue;
    Dim dim;
    dim.param = &p;
    dim.categorical = p.dist == Dist::kChoice;
    dim.log = p.log_scale();
    if (dim.categorical)
      for (const json& c : p.choices) dim.labels.push_back(ValueText(c));
    if (p.dist == Dist::kUniform || p.dist == Dist::kLogUniform || p.dist == Dist::kRandInt ||
        p.dist == Dist::kLogUint || p.dist == Dist::kQUniform) {
      dim.lo = p.a;
      dim.hi = p.b;
    } else {
      dim.lo = kNaN;  // from the data
      dim.hi = kNaN;
    }
    d.dims.push_back(std::move(dim));
  }
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kFinished && rows[i].metric && std::isfinite(*rows[i].metric))
      d.fin.push_back(i);
  d.metric.reserve(d.fin.size());
  for (size_t k = 0; k < d.fin.size(); ++k) {
    double m = *rows[d.fin[k]].metric;
    d.metric.push_back(m);
    if (!d.best || Better(m, d.metric[*d.best], d.mode)) d.best = k;
  }
  d.x.assign(d.dims.size(), std::vector<double>(d.fin.size(), kNaN));
  for (size_t j = 0; j < d.dims.size(); ++j) {
    Dim& dim = d.dims[j];
    const std::string& name = dim.param->name;
    double dlo = std::numeric_limits<double>::infinity(), dhi = -dlo;
    for (size_t k = 0; k < d.fin.size(); ++k) {
      const json& cfg = rows[d.fin[k]].Config();
      if (!cfg.is_object()) continue;
      auto it = cfg.find(name);
      if (it == cfg.end()) continue;
      double v = kNaN;
      if (dim.categorical) {
        const auto& choices = dim.param->choices;
        for (size_t c = 0; c < choices.size(); ++c)
          if (*it == choices[c]) {
            v = static_cast<double>(c);
            break;
          }
      } else if (it->is_number()) {
        v = it->get<double>();
        if (!std::isfinite(v) || (dim.log && v <= 0)) v = kNaN;
      }
      d.x[j][k] = v;
      if (!std::isnan(v)) {
        dlo = std::min(dlo, v);
        dhi = std::max(dhi, v);
      }
    }
    if (!dim.categorical) {
      // Values outside the declared bounds (an edited record) widen the axis.
      if (std::isnan(dim.lo) || dlo < dim.lo) dim.lo = dlo;
      if (std::isnan(dim.hi) || dhi > dim.hi) dim.hi = dhi;
      if (!std::isfinite(dim.lo) || !std::isfinite(dim.hi)) dim.lo = 0, dim.hi = 1;
    }
  }
  if (!d.fin.empty()) ChooseMetricRange(d);
  d.have_times = !d.stats.intervals.empty();
  d.t0 = d.have_times ? d.stats.concurrency.first : 0;
  return d;
}

// ---------------------------------------------------------------------------------------
// Axes

struct Axis {
  enum class Kind { kLinear, kLog, kCategory };
  Kind kind = Kind::kLinear;
  double d0 = 0, d1 = 1;  // domain (category: -0.5 .. n-0.5)
  double r0 = 0, r1 = 1;  // pixels
  bool time = false;      // seconds since t0: tick labels as clock offsets
  std::vector<std::string> labels;

  double Map(double v) const {
    double a = v, b0 = d0, b1 = d1;
    if (kind == Kind::kLog) {
      a = std::log10(v);
      b0 = std::log10(d0);
      b1 = std::log10(d1);
    }
    return r0 + Fraction(a, b0, b1) * (r1 - r0);
  }
  double band() const { return std::fabs(r1 - r0) / std::max<size_t>(1, labels.size()); }
};

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
  for (double v = std::ceil(a / step) * step; v <= b + step * 1e-9 && t.size() < 50; v += step)
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

// A numeric axis over [lo, hi] with a little padding (log axes pad by a factor).
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

// ---------------------------------------------------------------------------------------
// SVG

// Plot area inside an SVG of size w x h.
// Small plots go three to a row on a 1280-pixel window; the wide ones take a whole row.
constexpr int kWide = 1180;
struct Frame {
  int w = 388, h = 290;
  double left = 62, top = 30, right = 14, bottom = 46;
  double x0() const { return left; }
  double x1() const { return w - right; }
  double y0() const { return top; }
  double y1() const { return h - bottom; }
};

void OpenSvg(std::string& o, const std::string& id, const Frame& f, const std::string& title) {
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"";
  AppendEscaped(o, id);
  o += "\" viewBox=\"0 0 " + std::to_string(f.w) + " " + std::to_string(f.h) + "\" width=\"" +
       std::to_string(f.w) + "\" height=\"" + std::to_string(f.h) + "\" role=\"img\" aria-label=\"";
  AppendEscaped(o, title);
  o += "\"><text class=\"t\" x=\"";
  Num(o, f.left);
  o += "\" y=\"18\">";
  AppendEscaped(o, title);
  o += "</text>";
}

void CloseSvg(std::string& o) {
  o += "</svg>\n";
}

void Text(std::string& o, double x, double y, const char* anchor, const std::string& text,
          const char* cls = nullptr, const std::string& tooltip = "") {
  o += "<text x=\"";
  Num(o, x);
  o += "\" y=\"";
  Num(o, y);
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

void Line(std::string& o, double x1, double y1, double x2, double y2, const char* cls) {
  o += "<line x1=\"";
  Num(o, x1);
  o += "\" y1=\"";
  Num(o, y1);
  o += "\" x2=\"";
  Num(o, x2);
  o += "\" y2=\"";
  Num(o, y2);
  o += "\" class=\"";
  o += cls;
  o += "\"/>";
}

void Rect(std::string& o, double x, double y, double w, double h, const char* cls,
          const std::string& tooltip = "") {
  o += "<rect x=\"";
  Num(o, x);
  o += "\" y=\"";
  Num(o, y);
  o += "\" width=\"";
  Num(o, std::max(w, 0.1));
  o += "\" height=\"";
  Num(o, std::max(h, 0.1));
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

// Grid lines, tick labels and axis names of a plot.
void DrawAxes(std::string& o, const Frame& f, const Axis& x, const Axis& y,
              const std::string& xlabel, const std::string& ylabel) {
  o += "<g class=\"axes\">";
  for (double t : Ticks(y, 5)) {
    double py = y.Map(t);
    if (py < f.y0() - 0.5 || py > f.y1() + 0.5) continue;
    Line(o, f.x0(), py, f.x1(), py, "gr");
    Text(o, f.x0() - 5, py + 3.5, "end", TickLabel(y, t));
  }
  bool cat = x.kind == Axis::Kind::kCategory;
  size_t max_chars = cat ? std::max<size_t>(3, static_cast<size_t>(x.band() / 6.5)) : 12;
  for (double t : Ticks(x, 6)) {
    double px = x.Map(t);
    if (px < f.x0() - 0.5 || px > f.x1() + 0.5) continue;
    if (!cat) Line(o, px, f.y0(), px, f.y1(), "gr");
    std::string label = TickLabel(x, t);
    std::string shown = Shorten(label, max_chars);
    Text(o, px, f.y1() + 15, "middle", shown, nullptr, shown == label ? "" : label);
  }
  o += "<rect class=\"ax\" x=\"";
  Num(o, f.x0());
  o += "\" y=\"";
  Num(o, f.y0());
  o += "\" width=\"";
  Num(o, f.x1() - f.x0());
  o += "\" height=\"";
  Num(o, f.y1() - f.y0());
  o += "\"/>";
  Text(o, (f.x0() + f.x1()) / 2, f.h - 8, "middle", xlabel, "al");
  o += "<text class=\"al\" text-anchor=\"middle\" transform=\"translate(13 ";
  Num(o, (f.y0() + f.y1()) / 2);
  o += ") rotate(-90)\">";
  AppendEscaped(o, ylabel);
  o += "</text></g>";
}

// A deterministic jitter in [-0.5, 0.5) from a trial id (the page is the same every time).
double Jitter(TrialId id) {
  std::uint64_t z = static_cast<std::uint64_t>(id) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0 - 0.5;
}

// Points of a scatter plot: circles with a tooltip each, or, above `max_points`, a 2D
// histogram of `cell`-pixel cells whose opacity grows with the log of the count (one column
// per category while categories are wider than a cell). `best` (an index into xs) is drawn
// on top in both cases.
void DrawPoints(std::string& o, const Frame& f, const Axis& x, const Axis& y,
                const std::vector<double>& xs, const std::vector<double>& ys,
                const std::function<std::string(size_t)>& tooltip,
                const std::function<TrialId(size_t)>& id_of, std::optional<size_t> best,
                size_t max_points, double cell = 8) {
  bool cat_axis = x.kind == Axis::Kind::kCategory;
  bool cat = cat_axis && x.band() >= cell;
  double band = x.band();
  auto px_of = [&](size_t i, bool jitter) {
    double px = x.Map(xs[i]);
    if (cat_axis && jitter) px += Jitter(id_of(i)) * band * 0.6;
    return px;
  };
  size_t n = 0;
  for (size_t i = 0; i < xs.size(); ++i) n += std::isnan(xs[i]) || std::isnan(ys[i]) ? 0 : 1;
  auto visible = [&](size_t i) {
    if (std::isnan(xs[i]) || std::isnan(ys[i])) return false;
    double py = y.Map(ys[i]);
    return py >= f.y0() - 0.01 && py <= f.y1() + 0.01;
  };
  if (n > max_points) {
    int nx = cat ? static_cast<int>(x.labels.size())
                 : static_cast<int>(std::ceil((f.x1() - f.x0()) / cell));
    int ny = static_cast<int>(std::ceil((f.y1() - f.y0()) / cell));
    std::vector<std::uint32_t> count(static_cast<size_t>(std::max(nx, 1)) * ny, 0);
    for (size_t i = 0; i < xs.size(); ++i) {
      if (!visible(i)) continue;
      int bx = cat ? static_cast<int>(xs[i]) : static_cast<int>((px_of(i, false) - f.x0()) / cell);
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
        Rect(o, rx, ry, rw, std::min(cell, f.y1() - ry), cls,
             std::to_string(c) + (c == 1 ? " trial" : " trials"));
      }
    o += "</g>";
  } else {
    o += "<g class=\"points\">";
    for (size_t i = 0; i < xs.size(); ++i) {
      if (!visible(i) || (best && *best == i)) continue;
      o += "<circle class=\"pt\" cx=\"";
      Num(o, px_of(i, true));
      o += "\" cy=\"";
      Num(o, y.Map(ys[i]));
      o += "\" r=\"3\"><title>";
      AppendEscaped(o, tooltip(i));
      o += "</title></circle>";
    }
    o += "</g>";
  }
  if (best && visible(*best)) {
    o += "<circle class=\"best\" cx=\"";
    Num(o, px_of(*best, false));
    o += "\" cy=\"";
    Num(o, y.Map(ys[*best]));
    o += "\" r=\"5\"><title>";
    AppendEscaped(o, "best: " + tooltip(*best));
    o += "</title></circle>";
  }
}

// ---------------------------------------------------------------------------------------
// The plots

std::string PointTooltip(const Data& d, size_t k) {
  const TrialRow& r = (*d.rows)[d.fin[k]];
  return "trial " + std::to_string(r.id) + ": " + d.metric_name + " = " +
         ShortNumber(d.metric[k], 6);
}

Axis MetricAxis(const Data& d, const Frame& f) {
  return NumericAxis(d.lo, d.hi, false, f.y1(), f.y0());
}

std::string HiddenNote(const Data& d) {
  if (!d.hidden) return "";
  return std::to_string(d.hidden) + " trial(s) with " + d.metric_name +
         (d.mode == Mode::kMin ? " above " : " below ") +
         ShortNumber(d.mode == Mode::kMin ? d.hi : d.lo) + " not drawn";
}

std::string Histogram(const Data& d) {
  Frame f;
  std::string o;
  OpenSvg(o, "hist", f, "Distribution of " + d.metric_name);
  size_t n = 0;
  for (double v : d.metric) n += InRange(d, v) ? 1 : 0;
  int bins = std::clamp(static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n)))), 5, 40);
  double lo = d.lo, hi = d.hi;
  if (!(hi > lo)) {
    double w = lo == 0 ? 0.5 : std::fabs(lo) * 0.05;
    lo = Finite(lo - w);
    hi = Finite(hi + w);
  }
  std::vector<size_t> count(bins, 0);
  for (double v : d.metric) {
    if (!InRange(d, v)) continue;
    int b = static_cast<int>(Fraction(v, lo, hi) * bins);
    ++count[std::clamp(b, 0, bins - 1)];
  }
  size_t maxc = *std::max_element(count.begin(), count.end());
  Axis x = NumericAxis(lo, hi, false, f.x0(), f.x1());
  Axis y = NumericAxis(0, static_cast<double>(std::max<size_t>(maxc, 1)), false, f.y1(), f.y0());
  y.d0 = 0;
  DrawAxes(o, f, x, y, d.metric_name, "trials");
  o += "<g class=\"bars\">";
  // Bin edges; on halves where hi - lo overflows a double.
  const double bw = (hi - lo) / bins, half = (hi / 2 - lo / 2) / bins;
  auto edge = [&](int b) { return std::isfinite(bw) ? lo + b * bw : lo + b * half + b * half; };
  for (int b = 0; b < bins; ++b) {
    if (!count[b]) continue;
    double a = edge(b), z = std::isfinite(bw) ? a + bw : edge(b + 1);
    double px0 = x.Map(a), px1 = x.Map(z), py = y.Map(static_cast<double>(count[b]));
    Rect(o, px0 + 0.5, py, px1 - px0 - 1, y.Map(0) - py, "bin",
         "[" + ShortNumber(a) + ", " + ShortNumber(z) + (b == bins - 1 ? "]" : ")") + ": " +
             std::to_string(count[b]) + " trial(s)");
  }
  o += "</g>";
  if (d.best) {
    double bx = x.Map(d.metric[*d.best]);
    Line(o, bx, f.y0(), bx, f.y1(), "bl");
    bool right = bx < (f.x0() + f.x1()) / 2;
    Text(o, bx + (right ? 4 : -4), f.y0() + 12, right ? "start" : "end",
         "best " + ShortNumber(d.metric[*d.best], 6), "bt");
  }
  std::string note = HiddenNote(d);
  if (!note.empty()) Text(o, f.x1(), 18, "end", note, "note");
  CloseSvg(o);
  return o;
}

std::string ParamScatter(const Data& d, size_t j) {
  const Dim& dim = d.dims[j];
  Frame f;
  std::string o;
  std::string name = dim.param->name;
  OpenSvg(o, "param-" + std::to_string(j), f, Shorten(d.metric_name + " vs " + name, 60));
  Axis x = dim.categorical ? CategoryAxis(dim.labels, f.x0(), f.x1())
                           : NumericAxis(dim.lo, dim.hi, dim.log, f.x0(), f.x1());
  Axis y = MetricAxis(d, f);
  std::string xlabel = name + (dim.log ? " (log)" : "") + " \xc2\xb7 " + DistName(dim.param->dist);
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

struct Completion {
  double end;
  TrialId id;
  size_t fin;  // index into d.fin, or npos for a failure
};

std::vector<Completion> Completions(const Data& d) {
  std::vector<Completion> c;
  std::vector<size_t> fin_of(d.rows->size(), std::string::npos);
  for (size_t k = 0; k < d.fin.size(); ++k) fin_of[d.fin[k]] = k;
  for (size_t i = 0; i < d.rows->size(); ++i) {
    const TrialRow& r = (*d.rows)[i];
    if (r.state != TrialState::kFinished && r.state != TrialState::kFailed) continue;
    if (r.state == TrialState::kFinished && fin_of[i] == std::string::npos) continue;
    auto end = r.info.end_time;
    c.push_back({end ? *end : kNaN, r.id, fin_of[i]});
  }
  // By end time; trials without one (written by other tools) by id, after the others.
  std::stable_sort(c.begin(), c.end(), [](const Completion& a, const Completion& b) {
    if (std::isnan(a.end) != std::isnan(b.end)) return std::isnan(b.end);
    if (std::isnan(a.end)) return a.id < b.id;
    return a.end < b.end;
  });
  return c;
}

// Best so far against completed trials (`wall` false) or against time since the first start.
std::string History(const Data& d, const std::vector<Completion>& comp, bool wall) {
  Frame f;
  std::string o;
  OpenSvg(o, wall ? "history-time" : "history-count", f,
          wall ? "Best so far against wall time" : "Best so far against completed trials");
  std::vector<double> xs, ys;
  std::vector<size_t> fin_index;
  double xmax = 0;
  for (size_t i = 0; i < comp.size(); ++i) {
    double xv = wall ? comp[i].end - d.t0 : static_cast<double>(i + 1);
    if (std::isnan(xv)) continue;
    xmax = std::max(xmax, xv);
    if (comp[i].fin == std::string::npos) continue;
    xs.push_back(xv);
    ys.push_back(d.metric[comp[i].fin]);
    fin_index.push_back(comp[i].fin);
  }
  Axis x = wall ? TimeAxis(xmax, f.x0(), f.x1())
                : NumericAxis(1, std::max(1.0, xmax), false, f.x0(), f.x1());
  if (!wall) x.d0 = 0;
  Axis y = MetricAxis(d, f);
  DrawAxes(
      o, f, x, y,
      wall ? "time since the first start" : "completed trials (finished or failed, by end time)",
      d.metric_name);
  std::optional<size_t> best_pt;
  for (size_t i = 0; i < fin_index.size(); ++i)
    if (d.best && fin_index[i] == *d.best) best_pt = i;
  DrawPoints(
      o, f, x, y, xs, ys, [&](size_t i) { return PointTooltip(d, fin_index[i]); },
      [&](size_t i) { return (*d.rows)[d.fin[fin_index[i]]].id; }, std::nullopt, d.opt.max_points);
  // The step line: one vertex pair per improvement only, so it stays short at any size.
  std::string path;
  double cur = kNaN;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!std::isnan(cur) && !Better(ys[i], cur, d.mode)) continue;
    double py = y.Map(std::clamp(ys[i], y.d0, y.d1));
    if (std::isnan(cur)) {
      path += "M";
    } else {
      path += "H";
      Num(path, x.Map(xs[i]));
      path += "V";
    }
    if (std::isnan(cur)) {
      Num(path, x.Map(xs[i]));
      path += " ";
    }
    Num(path, py);
    cur = ys[i];
  }
  if (!path.empty()) {
    path += "H";
    Num(path, x.Map(xmax));
    o += "<path class=\"step\" d=\"" + path + "\"/>";
  }
  if (best_pt) {
    size_t i = *best_pt;
    o += "<circle class=\"best\" cx=\"";
    Num(o, x.Map(xs[i]));
    o += "\" cy=\"";
    Num(o, y.Map(ys[i]));
    o += "\" r=\"5\"><title>";
    AppendEscaped(o, "best: " + PointTooltip(d, fin_index[i]));
    o += "</title></circle>";
  }
  CloseSvg(o);
  return o;
}

// Colour of rank r in [0,1] (0 = best): dark blue to light blue.
std::string RankColour(double r) {
  const double a[3] = {8, 48, 107}, b[3] = {158, 202, 225};
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(a[0] + (b[0] - a[0]) * r),
                static_cast<int>(a[1] + (b[1] - a[1]) * r),
                static_cast<int>(a[2] + (b[2] - a[2]) * r));
  return buf;
}

std::vector<size_t> RankedFinished(const Data& d) {
  std::vector<size_t> order(d.fin.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Better(d.metric[a], d.metric[b], d.mode); });
  return order;
}

std::string Parallel(const Data& d, const std::vector<size_t>& ranked, size_t top) {
  Frame f;
  f.w = kWide;
  f.h = 380;
  f.left = 40;
  f.right = 70;
  f.top = 56;
  f.bottom = 40;
  std::string o;
  OpenSvg(o, "parallel", f,
          "The best " + std::to_string(top) + " of " + std::to_string(d.fin.size()) +
              " finished trials (darker is better, red is the best)");
  size_t axes = d.dims.size() + 1;
  auto ax_x = [&](size_t a) {
    return axes == 1 ? (f.x0() + f.x1()) / 2 : f.x0() + (f.x1() - f.x0()) * a / (axes - 1);
  };
  // Vertical axes: the space's bounds (the metric: the range of the drawn trials), labelled
  // at both ends.
  std::vector<Axis> ax;
  std::vector<std::pair<double, double>> ends;
  for (const Dim& dim : d.dims) {
    ax.push_back(dim.categorical ? CategoryAxis(dim.labels, f.y1(), f.y0())
                                 : NumericAxis(dim.lo, dim.hi, dim.log, f.y1(), f.y0()));
    ends.push_back({dim.lo, dim.hi});
  }
  double mlo = d.metric[ranked[0]], mhi = mlo;
  for (size_t r = 0; r < top; ++r) {
    mlo = std::min(mlo, d.metric[ranked[r]]);
    mhi = std::max(mhi, d.metric[ranked[r]]);
  }
  ax.push_back(NumericAxis(mlo, mhi, false, f.y1(), f.y0()));
  ends.push_back({mlo, mhi});
  o += "<g class=\"axes\">";
  size_t label_chars = std::max<size_t>(6, static_cast<size_t>((f.x1() - f.x0()) / axes / 6.5));
  for (size_t a = 0; a < axes; ++a) {
    double px = ax_x(a);
    Line(o, px, f.y0(), px, f.y1(), "ax");
    std::string name =
        a < d.dims.size() ? d.dims[a].param->name + (d.dims[a].log ? " (log)" : "") : d.metric_name;
    std::string shown = Shorten(name, label_chars);
    Text(o, px, f.y0() - 22, "middle", shown, "al", shown == name ? "" : name);
    std::vector<double> ticks;
    if (ax[a].kind == Axis::Kind::kCategory)
      ticks = Ticks(ax[a], 6);
    else if (ends[a].second > ends[a].first)
      ticks = {ends[a].first, ends[a].second};
    else
      ticks = {ends[a].first};
    for (double t : ticks) {
      std::string label = TickLabel(ax[a], t);
      std::string s = Shorten(label, 14);
      Text(o, px + 4, ax[a].Map(t) + 3.5, "start", s, "tl", s == label ? "" : label);
    }
  }
  o += "</g><g class=\"lines\">";
  // Worst first, so the best lines are drawn on top.
  for (size_t r = top; r-- > 0;) {
    size_t k = ranked[r];
    const TrialRow& row = (*d.rows)[d.fin[k]];
    std::string pts;
    bool ok = true;
    for (size_t a = 0; a < axes && ok; ++a) {
      double v = a < d.dims.size() ? d.x[a][k] : d.metric[k];
      if (std::isnan(v)) {
        ok = false;
        break;
      }
      if (!pts.empty()) pts += ' ';
      Num(pts, ax_x(a));
      pts += ',';
      Num(pts, ax[a].Map(v));
    }
    if (!ok) continue;
    std::string tip = "#" + std::to_string(r + 1) + ": trial " + std::to_string(row.id) + ", " +
                      d.metric_name + " = " + ShortNumber(d.metric[k], 6);
    for (const Dim& dim : d.dims)
      tip += ", " + dim.param->name + " = " + ValueText(row.Config().value(dim.param->name, json()));
    o += "<polyline class=\"";
    o += r == 0 ? "pc pb" : "pc";
    o += "\" points=\"" + pts + "\"";
    if (r) o += " stroke=\"" + RankColour(top > 1 ? static_cast<double>(r) / (top - 1) : 0) + "\"";
    o += "><title>";
    AppendEscaped(o, tip);
    o += "</title></polyline>";
  }
  o += "</g>";
  CloseSvg(o);
  return o;
}

// One row per concurrent slot (small campaigns), or the number of running trials over time.
std::string Timeline(const Data& d) {
  const auto& iv = d.stats.intervals;
  const auto& rows = *d.rows;
  double span = d.stats.concurrency.last - d.t0;
  std::string o;
  Frame f;
  f.w = kWide;
  f.left = 62;
  f.right = 20;
  if (iv.size() <= d.opt.max_points) {
    std::vector<int> slot = AssignSlots(iv);
    int slots = std::max(1, d.stats.concurrency.max);
    double row_h = slots <= 16 ? 16 : std::max(2.0, 320.0 / slots);
    f.h = static_cast<int>(f.top + f.bottom + row_h * slots);
    OpenSvg(o, "timeline", f,
            "Trials over time: one row per concurrent slot (blue finished, red failed, orange "
            "running)");
    Axis x = TimeAxis(span, f.x0(), f.x1());
    Axis y;
    y.d0 = 0;
    y.d1 = slots;
    y.r0 = f.y0();
    y.r1 = f.y1();
    y.kind = Axis::Kind::kCategory;  // no numeric ticks: the slots are labelled below
    Axis none = y;
    none.labels.clear();
    DrawAxes(o, f, x, none, "time since the first start", "slot");
    o += "<g class=\"bars\">";
    for (size_t i = 0; i < iv.size(); ++i) {
      const TrialRow& r = rows[d.stats.interval_rows[i]];
      const char* cls = r.state == TrialState::kFailed    ? "fail"
                        : r.state == TrialState::kRunning ? "run"
                                                          : "ok";
      double x0 = x.Map(iv[i].start - d.t0), x1 = x.Map(iv[i].end - d.t0);
      double yy = f.y0() + slot[i] * row_h;
      std::string tip = "trial " + std::to_string(r.id) + ": " + StateName(r.state);
      if (r.metric) tip += ", " + d.metric_name + " = " + ShortNumber(*r.metric, 6);
      tip += ", " + FormatDuration(iv[i].end - iv[i].start);
      std::string host = r.info.host;
      if (!host.empty()) tip += " on " + host;
      if (!r.reason.empty()) tip += ": " + r.reason;
      Rect(o, x0, yy + (row_h > 4 ? 1 : 0), std::max(x1 - x0, 1.0), row_h > 4 ? row_h - 2 : row_h,
           cls, tip);
    }
    o += "</g>";
    CloseSvg(o);
    return o;
  }
  // Aggregated: the time-weighted mean number of running trials per pixel column, from one
  // sweep over the sorted start/end events; failures as red ticks under the axis.
  f.h = 320;
  f.bottom = 58;
  OpenSvg(o, "timeline", f,
          "Trials running at once (" + std::to_string(iv.size()) +
              " trials; red marks under the axis count failures)");
  const int cols = static_cast<int>(f.x1() - f.x0()) / 2;
  double t_end = d.t0 + std::max(span, 1e-9);
  double colw = (t_end - d.t0) / cols;
  std::vector<std::pair<double, int>> ev;
  ev.reserve(iv.size() * 2);
  for (const auto& i : iv) {
    ev.push_back({i.start, +1});
    ev.push_back({i.end, -1});
  }
  std::sort(ev.begin(), ev.end());
  std::vector<double> area(cols, 0);  // integral of the running count over each column
  int running = 0;
  double t = d.t0;
  for (const auto& [when, delta] : ev) {
    double until = std::min(when, t_end);
    while (t < until) {
      int c = std::min(cols - 1, static_cast<int>((t - d.t0) / colw));
      double edge = std::min(until, d.t0 + (c + 1) * colw);
      if (edge <= t) edge = until;  // rounding at a column edge
      area[c] += running * (edge - t);
      t = edge;
    }
    running += delta;
  }
  std::vector<double> mean(cols);
  double peak = 1;
  for (int c = 0; c < cols; ++c) peak = std::max(peak, mean[c] = area[c] / colw);
  Axis x = TimeAxis(span, f.x0(), f.x1());
  x.d1 = span > 0 ? span : 1;
  Axis y = NumericAxis(0, std::max<double>(peak, d.stats.concurrency.max), false, f.y1(), f.y0());
  y.d0 = 0;
  DrawAxes(o, f, x, y, "time since the first start", "running trials");
  std::string path = "M";
  Num(path, f.x0());
  path += " ";
  Num(path, y.Map(0));
  for (int c = 0; c < cols; ++c) {
    path += "V";
    Num(path, y.Map(mean[c]));
    path += "H";
    Num(path, x.Map((c + 1) * colw));
  }
  path += "V";
  Num(path, y.Map(0));
  path += "Z";
  o += "<path class=\"area\" d=\"" + path + "\"><title>mean number of trials running (max " +
       std::to_string(d.stats.concurrency.max) + ")</title></path>";
  std::vector<int> fails(cols, 0);
  for (size_t i = 0; i < iv.size(); ++i)
    if (rows[d.stats.interval_rows[i]].state == TrialState::kFailed)
      ++fails[std::clamp(static_cast<int>((iv[i].end - d.t0) / colw), 0, cols - 1)];
  int maxf = std::max(1, *std::max_element(fails.begin(), fails.end()));
  o += "<g class=\"fails\">";
  for (int c = 0; c < cols; ++c) {
    if (!fails[c]) continue;
    double h = 3 + 9.0 * fails[c] / maxf;
    Rect(o, x.Map(c * colw), f.y1() + 20, 2, h, "fail",
         std::to_string(fails[c]) + " failure(s) at " + ClockLabel(c * colw));
  }
  o += "</g>";
  CloseSvg(o);
  return o;
}

// ---------------------------------------------------------------------------------------
// HTML

void Td(std::string& o, const std::string& text, const std::string& sort_value = "",
        const char* cls = nullptr) {
  o += "<td";
  if (cls) o += std::string(" class=\"") + cls + "\"";
  if (!sort_value.empty()) {
    o += " data-v=\"";
    AppendEscaped(o, sort_value);
    o += "\"";
  }
  o += ">";
  AppendEscaped(o, text);
  o += "</td>";
}

std::string SortNumber(double v) {
  std::string s;
  AppendDouble(v, s);
  return s;
}

void ConfigCell(std::string& o, const json& v) {
  if (v.is_number())
    Td(o, ValueText(v), SortNumber(v.get<double>()), "n");
  else
    Td(o, ValueText(v));
}

std::string Card(const std::string& label, const std::string& value,
                 const std::string& detail = "") {
  std::string o = "<div class=\"card\"><div class=\"k\">";
  AppendEscaped(o, label);
  o += "</div><div class=\"v\">";
  AppendEscaped(o, value);
  o += "</div>";
  if (!detail.empty()) {
    o += "<div class=\"s\">";
    AppendEscaped(o, detail);
    o += "</div>";
  }
  return o + "</div>";
}

std::string LogLink(const Data& d, const std::string& path) {
  if (path.empty()) return "";
  std::string root = d.root.string() + "/";
  fs::path page_dir = d.opt.page_dir.empty() ? d.root : NormalDir(d.opt.page_dir);
  std::string href;
  if (page_dir == d.root && path.rfind(root, 0) == 0)
    href = UrlPath(path.substr(root.size()));
  else
    href = "file://" + UrlPath(path);
  std::string o = "<a href=\"";
  AppendEscaped(o, href);
  o += "\" title=\"";
  AppendEscaped(o, path);
  o += "\">";
  AppendEscaped(o, fs::path(path).filename().string());
  o += "</a>";
  return o;
}

const char* kStyle = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:0;background:#f6f7f9}
header{background:#24292f;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px;font-weight:600}
header .sub{margin:4px 0 0;color:#c9d1d9;font-size:13px;word-break:break-all}
main{padding:8px 24px 40px;max-width:1232px}
section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:12px 16px;margin:16px 0}
h2{font-size:16px;margin:0 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #d8dee4;border-radius:6px;padding:8px 12px;min-width:130px}
.card .k{font-size:12px;color:#57606a}.card .v{font-size:18px;font-weight:600}.card .s{font-size:12px;color:#57606a}
.grid{display:flex;flex-wrap:wrap;gap:12px 10px}
svg{max-width:100%;height:auto;background:#fff}
svg text{font:11px system-ui,sans-serif;fill:#333}
svg text.t{font-size:13px;font-weight:600}
svg text.al{font-size:12px;fill:#222}
svg text.note{fill:#b35806}
svg text.bt{fill:#d62728;font-weight:600}
svg text.tl{fill:#57606a;font-size:10px}
.ax{fill:none;stroke:#8c959f}.gr{stroke:#eaeef2}
.pt{fill:#1f77b4;fill-opacity:.55}
.best{fill:#d62728;stroke:#fff;stroke-width:1.5}
.bin{fill:#6baed6}
.bl{stroke:#d62728;stroke-width:1.5;stroke-dasharray:5 3}
.step{fill:none;stroke:#d62728;stroke-width:2}
.ok{fill:#1f77b4}.fail{fill:#d62728}.run{fill:#ff7f0e}
.area{fill:#9ecae1;stroke:#1f77b4;stroke-width:1}
.pc{fill:none;stroke-width:1.2;stroke-opacity:.6}.pb{stroke:#d62728;stroke-width:3;stroke-opacity:1}
.density rect{fill:#08519c}
.d1{fill-opacity:.06}.d2{fill-opacity:.12}.d3{fill-opacity:.19}.d4{fill-opacity:.25}.d5{fill-opacity:.31}.d6{fill-opacity:.37}.d7{fill-opacity:.44}.d8{fill-opacity:.50}
.d9{fill-opacity:.56}.d10{fill-opacity:.62}.d11{fill-opacity:.69}.d12{fill-opacity:.75}.d13{fill-opacity:.81}.d14{fill-opacity:.87}.d15{fill-opacity:.94}.d16{fill-opacity:1.00}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #eaeef2;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f6f8fa;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \25B4"}th[aria-sort=descending]::after{content:" \25BE"}
.scroll{max-height:640px;overflow:auto;border:1px solid #eaeef2}
.st-finished{color:#1f6feb}.st-failed{color:#cf222e}.st-running{color:#bc4c00}.st-pending{color:#57606a}
tr.bestrow td{background:#fff5f5}
.note{color:#9a6700}
code{font:12px ui-monospace,monospace;word-break:break-all}
pre.tail{margin:0;font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
footer{color:#57606a;font-size:12px;padding:0 24px 24px}
)CSS";

// Sorts a table by the clicked column: numbers by data-v, the rest as text, empty last.
const char* kScript = R"JS(
//<![CDATA[
(function(){
function key(c){var v=c.getAttribute('data-v');if(v!==null&&v!=='')return Number(v);var t=c.textContent;return t===''?null:t;}
function cmp(x,y){if(x===y)return 0;if(x===null)return 1;if(y===null)return -1;
var nx=typeof x==='number',ny=typeof y==='number';if(nx&&ny)return x-y;if(nx)return -1;if(ny)return 1;return x.localeCompare(y);}
document.querySelectorAll('table.sortable').forEach(function(t){
var ths=t.tHead.rows[0].cells;
Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
rows.sort(function(a,c){var r=cmp(key(a.cells[i]),key(c.cells[i]));return asc?r:-r;});
rows.forEach(function(r){b.appendChild(r);});});});});
})();
//]]>
)JS";

void Section(std::string& o, const char* id, const std::string& title) {
  o += "<section id=\"";
  o += id;
  o += "\"><h2>";
  AppendEscaped(o, title);
  o += "</h2>";
}

void Para(std::string& o, const std::string& text, const char* cls = nullptr) {
  o += cls ? std::string("<p class=\"") + cls + "\">" : std::string("<p>");
  AppendEscaped(o, text);
  o += "</p>";
}


std::string TimeUsedText(const ReportStats& s) {
  if (s.intervals.empty()) return "";
  return FormatDuration(s.concurrency.last - s.concurrency.first);
}

void SummarySection(std::string& o, const Data& d) {
  const Config& cfg = d.campaign->config();
  const ReportStats& s = d.stats;
  Section(o, "summary", "Summary");
  o += "<div class=\"cards\">";
  o += Card("trials", std::to_string(s.total), "hpo.n_trials " + std::to_string(cfg.hpo.n_trials));
  for (TrialState st : kAllStates) o += Card(StateName(st), std::to_string(s.counts.at(st)));
  if (d.best) {
    const TrialRow& b = (*d.rows)[d.fin[*d.best]];
    o += Card(
        "best " + d.metric_name, ShortNumber(d.metric[*d.best], 6),
        "trial " + std::to_string(b.id) + (d.mode == Mode::kMin ? " (minimised)" : " (maximised)"));
  }
  if (!s.intervals.empty()) {
    o += Card("time used", TimeUsedText(s),
              FormatTimestamp(s.concurrency.first) + " \xe2\x86\x92 " +
                  FormatTimestamp(s.concurrency.last));
    o += Card("running at once", "max " + std::to_string(s.concurrency.max),
              "mean " + Printf("%.2f", s.concurrency.mean) + ", hpo.max_concurrent_jobs " +
                  std::to_string(cfg.hpo.max_concurrent_jobs));
    o += Card("compute time", FormatDuration(s.compute_seconds), "sum over trials");
  }
  o += "</div>";
  o += "<div class=\"grid\"><div><h2>Best configuration</h2>";
  if (d.best) {
    const TrialRow& b = (*d.rows)[d.fin[*d.best]];
    o += "<table><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>";
    if (b.Config().is_object())
      for (const auto& [k, v] : b.Config().items()) {
        o += "<tr>";
        Td(o, k);
        Td(o, ValueText(v));
        o += "</tr>";
      }
    o += "</tbody></table>";
  } else {
    Para(o, "no finished trial yet", "note");
  }
  o += "</div><div><h2>Search "
       "space</h2><table><thead><tr><th>parameter</th><th>distribution</th><th>values</th></tr></"
       "thead><tbody>";
  for (const Param& p : cfg.space.params()) {
    o += "<tr>";
    Td(o, p.name);
    Td(o, DistName(p.dist));
    std::string vals;
    if (p.dist == Dist::kFixed)
      vals = ValueText(p.fixed);
    else if (p.dist == Dist::kChoice)
      for (const auto& c : p.choices) vals += (vals.empty() ? "" : ", ") + ValueText(c);
    else if (p.dist == Dist::kNormal)
      vals = "mean " + ShortNumber(p.a) + ", sd " + ShortNumber(p.b);
    else
      vals = "[" + ShortNumber(p.a) + ", " + ShortNumber(p.b) + "]" +
             (p.dist == Dist::kQUniform ? " step " + ShortNumber(p.q) : "");
    Td(o, vals);
    o += "</tr>";
  }
  o += "</tbody></table></div></div></section>\n";
}

void TrialsTable(std::string& o, const Data& d, const std::vector<size_t>& ranked) {
  const auto& rows = *d.rows;
  // Order: finished best first, then running, failed, pending by id.
  std::vector<size_t> order;
  order.reserve(rows.size());
  for (size_t k : ranked) order.push_back(d.fin[k]);
  std::vector<bool> listed(rows.size(), false);
  for (size_t i : order) listed[i] = true;
  for (TrialState st :
       {TrialState::kFinished, TrialState::kRunning, TrialState::kFailed, TrialState::kPending})
    for (size_t i = 0; i < rows.size(); ++i)
      if (!listed[i] && rows[i].state == st) order.push_back(i), listed[i] = true;
  size_t shown = std::min(order.size(), d.opt.max_table_rows);
  Section(o, "trials", "Trials");
  if (shown < order.size())
    Para(o,
         "Showing the best " + std::to_string(shown) + " of " + std::to_string(order.size()) +
             " trials; every finished and failed trial is in results.csv.",
         "note");
  Para(o, "Click a column header to sort.");
  o += "<div class=\"scroll\"><table class=\"sortable\" "
       "id=\"trials-table\"><thead><tr><th>trial</th><th>state</th><th>";
  AppendEscaped(o, d.metric_name);
  o += "</th>";
  for (const Dim& dim : d.dims) {
    o += "<th>";
    AppendEscaped(o, dim.param->name);
    o += "</th>";
  }
  o += "<th>seconds</th><th>start</th><th>host</th><th>attempt</th></tr></thead><tbody>";
  std::optional<size_t> best_row;
  if (d.best) best_row = d.fin[*d.best];
  for (size_t n = 0; n < shown; ++n) {
    const TrialRow& r = rows[order[n]];
    o += best_row && *best_row == order[n] ? "<tr class=\"bestrow\">" : "<tr>";
    Td(o, std::to_string(r.id), std::to_string(r.id), "n");
    Td(o, StateName(r.state), "", (std::string("st-") + StateName(r.state)).c_str());
    if (r.metric)
      Td(o, ShortNumber(*r.metric, 6), SortNumber(*r.metric), "n");
    else
      Td(o, "");
    for (const Dim& dim : d.dims) {
      if (r.Config().is_object() && r.Config().contains(dim.param->name))
        ConfigCell(o, r.Config()[dim.param->name]);
      else
        Td(o, "");
    }
    auto start = r.info.start_time, end = r.info.end_time;
    auto tt = r.info.training_time;
    if (!tt && start && end) tt = *end - *start;
    if (tt)
      Td(o, Printf("%.1f", *tt), SortNumber(*tt), "n");
    else
      Td(o, "");
    if (start)
      Td(o, ClockLabel(*start - d.t0), SortNumber(*start), "n");
    else
      Td(o, "");
    Td(o, r.info.host);
    Td(o, std::to_string(r.attempt), std::to_string(r.attempt), "n");
    o += "</tr>";
  }
  o += "</tbody></table></div></section>\n";
}

void FailuresSection(std::string& o, const Data& d) {
  const auto& rows = *d.rows;
  const Layout L(d.root);
  std::vector<size_t> failed;
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].state == TrialState::kFailed) failed.push_back(i);
  Section(o, "failures", "Failures (" + std::to_string(failed.size()) + ")");
  if (failed.empty()) {
    Para(o, "No trial failed.");
    o += "</section>\n";
    return;
  }
  // One row per cause: what differs only in job ids, pids or log paths is one cause.
  o += "<table id=\"failure-causes\"><thead><tr><th>trials</th><th>cause</th><th>trial ids</th>"
       "<th>last lines of stderr</th></tr></thead><tbody>";
  for (const FailureGroup& g : GroupFailures(rows)) {
    o += "<tr>";
    Td(o, "\xc3\x97" + std::to_string(g.ids.size()), std::to_string(g.ids.size()), "n");
    o += "<td><code>";
    AppendEscaped(o, g.reason);
    o += "</code></td>";
    Td(o, IdList(g.ids, 50));
    o += "<td>";
    if (!g.stderr_tail.empty()) {
      o += "<pre class=\"tail\" title=\"trial " + std::to_string(g.tail_trial) + "\">";
      AppendEscaped(o, g.stderr_tail);
      o += "</pre>";
    }
    o += "</td></tr>";
  }
  o += "</tbody></table>";
  // The most recent ones (the end of the campaign is what a user looks at first).
  std::stable_sort(failed.begin(), failed.end(), [&](size_t a, size_t b) {
    return rows[a].info.end_time.value_or(0) >
           rows[b].info.end_time.value_or(0);
  });
  size_t shown = std::min(failed.size(), d.opt.max_failure_rows);
  if (shown < failed.size())
    Para(o,
         "Showing the " + std::to_string(shown) + " most recent of " +
             std::to_string(failed.size()) + " failures; results.csv has them all.",
         "note");
  o += "<div class=\"scroll\"><table class=\"sortable\" "
       "id=\"failures-table\"><thead><tr><th>trial</th><th>attempt</th><th>host</th><th>ended</"
       "th><th>reason</th><th>last lines of stderr</th><th>logs</th></tr></thead><tbody>";
  for (size_t n = 0; n < shown; ++n) {
    const TrialRow& r = rows[failed[n]];
    o += "<tr>";
    Td(o, std::to_string(r.id), std::to_string(r.id), "n");
    Td(o, std::to_string(r.attempt), std::to_string(r.attempt), "n");
    Td(o, r.info.host);
    auto end = r.info.end_time;
    if (end)
      Td(o, ClockLabel(*end - d.t0), SortNumber(*end), "n");
    else
      Td(o, "");
    o += "<td><code>";
    AppendEscaped(o, r.reason);
    o += "</code></td><td>";
    if (!r.stderr_tail.empty()) {
      o += "<pre class=\"tail\">";
      AppendEscaped(o, r.stderr_tail);
      o += "</pre>";
    }
    o += "</td><td>";
    std::string out = r.info.stdout_log, err = r.info.stderr_log;
    if (out.empty()) out = L.trial_stdout(r.id).string();
    if (err.empty()) err = L.trial_stderr(r.id).string();
    o += LogLink(d, out) + " " + LogLink(d, err);
    o += "</td></tr>";
  }
  o += "</tbody></table></div></section>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text);
  return out;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
    return buf;
  }
  long t = std::lround(seconds);
  if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", t / 60, t % 60);
  else if (t < 86400)
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
  else
    std::snprintf(buf, sizeof buf, "%ld d %02ld h", t / 86400, (t % 86400) / 3600);
  return buf;
}

Concurrency MeasureConcurrency(const std::vector<Interval>& intervals) {
  Concurrency c;
  if (intervals.empty()) return c;
  std::vector<std::pair<double, int>> ev;
  ev.reserve(intervals.size() * 2);
  double busy = 0;
  c.first = std::numeric_limits<double>::infinity();
  c.last = -c.first;
  for (const auto& i : intervals) {
    ev.push_back({i.start, +1});
    ev.push_back({i.end, -1});  // sorts before a +1 at the same time: touching is no overlap
    busy += i.end - i.start;
    c.first = std::min(c.first, i.start);
    c.last = std::max(c.last, i.end);
  }
  std::sort(ev.begin(), ev.end());
  int running = 0;
  for (const auto& e : ev) c.max = std::max(c.max, running += e.second);
  c.mean = c.last > c.first ? busy / (c.last - c.first) : c.max;
  return c;
}

std::vector<int> AssignSlots(const std::vector<Interval>& intervals) {
  std::vector<size_t> order(intervals.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return intervals[a].start < intervals[b].start; });
  using Busy = std::pair<double, int>;  // (end, slot)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy;
  std::priority_queue<int, std::vector<int>, std::greater<int>> free;
  int slots = 0;
  std::vector<int> slot(intervals.size(), 0);
  for (size_t i : order) {
    while (!busy.empty() && busy.top().first <= intervals[i].start) {
      free.push(busy.top().second);
      busy.pop();
    }
    int s;
    if (free.empty()) {
      s = slots++;
    } else {
      s = free.top();
      free.pop();
    }
    slot[i] = s;
    busy.push({intervals[i].end, s});
  }
  return slot;
}

ReportStats ComputeStats(const Campaign& campaign, const std::vector<TrialRow>& rows, double now) {
  ReportStats s;
  s.now = now;
  Mode mode = campaign.config().hpo.mode;
  for (TrialState st : kAllStates) s.counts[st] = 0;
  s.total = static_cast<std::int64_t>(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const TrialRow& r = rows[i];
    ++s.counts[r.state];
    if (r.state == TrialState::kFinished && r.metric && std::isfinite(*r.metric) &&
        (!s.best || Better(*r.metric, *rows[*s.best].metric, mode)))
      s.best = i;
    if (r.state == TrialState::kPending) continue;
    auto start = r.info.start_time;
    if (!start) continue;
    std::optional<double> end = r.state == TrialState::kRunning
                                    ? std::optional<double>(std::max(now, *start))
                                    : r.info.end_time;
    // A failure settled without an end time (hpo-collect before it recorded the lease's
    // last renewal) still happened at its start: a mark on the timeline, a time origin.
    if (!end && r.state == TrialState::kFailed) end = start;
    if (!end || *end < *start) continue;
    s.intervals.push_back({*start, *end});
    s.interval_rows.push_back(i);
    s.compute_seconds += *end - *start;
  }
  s.concurrency = MeasureConcurrency(s.intervals);
  return s;
}

std::string RenderReportHtml(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options) {
  Data d = Prepare(campaign, rows, options);
  const Layout L(d.root);
  std::string name = L.root().filename().string();
  std::string o;
  o.reserve(1 << 20);
  o += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta "
       "charset=\"utf-8\"/>"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>";
  AppendEscaped(o, "hpo report: " + name);
  o += "</title><style>";
  o += kStyle;
  o += "</style></head>\n<body><header><h1>";
  AppendEscaped(o, "hpo report: " + name);
  o += "</h1><p class=\"sub\">";
  AppendEscaped(o, L.root().string() + " \xc2\xb7 " + d.metric_name +
                       (d.mode == Mode::kMin ? " (minimised)" : " (maximised)") +
                       " \xc2\xb7 generated " + FormatTimestamp(d.stats.now));
  o += "</p></header><main>\n";
  SummarySection(o, d);
  if (d.fin.empty()) {
    Section(o, "plots", "Plots");
    Para(o, "No finished trial yet: the plots appear with the first result.", "note");
    o += "</section>\n";
  } else {
    std::vector<size_t> ranked = RankedFinished(d);
    std::vector<Completion> comp = Completions(d);
    Section(o, "distribution", "Distribution and progress");
    if (d.fin.size() > d.opt.max_points)
      Para(o,
           "More than " + std::to_string(d.opt.max_points) +
               " finished trials: scatter plots show binned densities (darker cells hold more "
               "trials; hover for counts).",
           "note");
    o += "<div class=\"grid\">";
    o += Histogram(d);
    o += History(d, comp, false);
    if (d.have_times) o += History(d, comp, true);
    o += "</div></section>\n";
    Section(o, "params", d.metric_name + " against each hyperparameter");
    if (d.dims.empty()) Para(o, "The space has no sampled parameter.", "note");
    o += "<div class=\"grid\">";
    for (size_t j = 0; j < d.dims.size(); ++j) o += ParamScatter(d, j);
    o += "</div></section>\n";
    size_t top =
        static_cast<size_t>(std::ceil(d.opt.top_fraction * static_cast<double>(d.fin.size())));
    top = std::min({std::max(top, d.opt.top_min), d.opt.top_max, d.fin.size()});
    Section(o, "parallel-coordinates", "Top trials in parallel coordinates");
    o += Parallel(d, ranked, top);
    o += "</section>\n";
  }
  Section(o, "timeline-section", "Timeline");
  if (d.have_times)
    o += Timeline(d);
  else
    Para(o, "No trial has recorded start and end times yet.", "note");
  o += "</section>\n";
  TrialsTable(o, d, RankedFinished(d));
  FailuresSection(o, d);
  o += "</main><footer>";
  AppendEscaped(o, std::string("hpo ") + kVersion + " \xc2\xb7 hpo-report " + L.root().string() +
                       " \xc2\xb7 rebuild with: make -C " + L.root().string() + " report");
  o += "</footer><script>";
  o += kScript;
  o += "</script></body></html>\n";
  return o;
}

std::string RenderReportText(const Campaign& campaign, const std::vector<TrialRow>& rows,
                             const ReportOptions& options) {
  Data d = Prepare(campaign, rows, options);
  const Config& cfg = campaign.config();
  const ReportStats& s = d.stats;
  std::string o;
  o += d.root.string() + "\n";
  o += "  " + std::to_string(s.total) + " trials: ";
  bool first = true;
  for (TrialState st :
       {TrialState::kFinished, TrialState::kRunning, TrialState::kPending, TrialState::kFailed}) {
    o += (first ? "" : ", ") + std::to_string(s.counts.at(st)) + " " + StateName(st);
    first = false;
  }
  o += "\n";
  if (d.best) {
    const TrialRow& b = rows[d.fin[*d.best]];
    o += "  best " + d.metric_name + " " + ShortNumber(d.metric[*d.best], 6) + " (trial " +
         std::to_string(b.id) + ", " + (d.mode == Mode::kMin ? "minimised" : "maximised") + ")\n";
    if (b.Config().is_object())
      for (const auto& [k, v] : b.Config().items()) o += "    " + k + " = " + ValueText(v) + "\n";
  } else {
    o += "  no finished trial yet\n";
  }
  if (!s.intervals.empty()) {
    o += "  time used " + TimeUsedText(s) + " (" + FormatTimestamp(s.concurrency.first) + " to " +
         FormatTimestamp(s.concurrency.last) + "), compute " + FormatDuration(s.compute_seconds) +
         "\n";
    o += "  running at once: max " + std::to_string(s.concurrency.max) + ", mean " +
         Printf("%.2f", s.concurrency.mean) + " (hpo.max_concurrent_jobs " +
         std::to_string(cfg.hpo.max_concurrent_jobs) + ")\n";
  }
  if (!d.fin.empty()) {
    std::vector<size_t> ranked = RankedFinished(d);
    size_t n = std::min<size_t>(5, ranked.size());
    o += "  top " + std::to_string(n) + ":\n";
    for (size_t r = 0; r < n; ++r) {
      const TrialRow& row = rows[d.fin[ranked[r]]];
      char head[96];
      std::snprintf(head, sizeof head, "    %-8s %-12s", ("#" + std::to_string(row.id)).c_str(),
                    ShortNumber(d.metric[ranked[r]], 6).c_str());
      o += head;
      for (const Dim& dim : d.dims)
        o += " " + dim.param->name + "=" + ValueText(row.Config().value(dim.param->name, json()));
      o += "\n";
    }
  }
  if (s.counts.at(TrialState::kFailed)) {
    o += "  failure reasons:\n";
    o += FormatFailureGroups(GroupFailures(rows), 5, "    ");
  }
  return o;
}

namespace {
// Refuses a page path that is (or lies in) one of the campaign's own entries: its state
// folders, tmp/, trials/, slurm/, .index/, or the files the tools write (campaign.yaml,
// results.csv, ...). Compared by canonical path, so a symlink or ".." cannot hide one.
void RefuseOwnEntry(const Layout& L, const fs::path& output, const fs::path& dest) {
  boost::system::error_code ec;
  fs::path root = fs::canonical(L.root(), ec);
  if (ec) return;  // (the campaign was just read: cannot happen)
  // The page's own path with every symlink resolved, and the name in its real folder (a
  // symlink there would be replaced, not followed, but is refused all the same).
  boost::system::error_code ec1, ec2;
  fs::path resolved = fs::weakly_canonical(dest, ec1);
  fs::path in_folder = fs::weakly_canonical(dest.parent_path(), ec2) / dest.filename();
  for (const fs::path& p : {ec1 ? dest : resolved, ec2 ? dest : in_folder}) {
    if (auto entry = OwnEntryOf(root, p.lexically_normal()))
      throw UsageError("--output " + output.string() + ": " + p.string() + " is the campaign's " +
                       (std::find(Layout::FolderNames().begin(), Layout::FolderNames().end(),
                                  *entry) != Layout::FolderNames().end()
                            ? "folder " + *entry + "/"
                            : "own file " + *entry) +
                       "; the page never replaces a campaign record: write it elsewhere, e.g. " +
                       L.report_html().string() + " (the default)");
  }
}
}  // namespace

fs::path WriteReport(const Campaign& campaign, const fs::path& output,
                     const ReportOptions& options) {
  const Layout& L = campaign.layout();
  fs::path dest = output.empty() ? L.report_html() : fs::absolute(output);
  if (!output.empty()) RefuseOwnEntry(L, output, dest);
  ReportOptions opt = options;
  opt.page_dir = dest.parent_path();
  std::vector<TrialRow> rows = ScanCampaign(campaign);
  std::string html = RenderReportHtml(campaign, rows, opt);
  // Inside the campaign the temp goes to tmp/ (readers skip it); elsewhere beside the page.
  fs::path tmp = NormalDir(dest.parent_path()) == NormalDir(L.root()) ? L.tmp_dir() : fs::path();
  WriteFileAtomic(dest, html, Publish::kReplace, tmp);
  return dest;
}

void EnsureCampaignMakefile(const Campaign& campaign, const std::string& tools_dir) {
  const Layout& L = campaign.layout();
  boost::system::error_code ec;
  if (fs::exists(fs::symlink_status(L.makefile(), ec))) return;
  // Shell-quoted for the recipe lines, then '$' doubled so make passes it through.
  auto path = [&](const char* tool) {
    std::string q =
        ShellQuote((fs::absolute(fs::path(tools_dir)) / tool).lexically_normal().string());
    std::string out;
    for (char c : q) {
      if (c == '$')
        out += "$$";
      else if (c == '#')
        out += "\\#";
      else
        out += c;
    }
    return out;
  };
  std::string text = RenderTemplate(
      LoadTemplate("Makefile.in"),
      {{"collect", path("hpo-collect")}, {"report", path("hpo-report")}}, "Makefile.in");
  WriteFileAtomic(L.makefile(), text, Publish::kNoReplace, L.tmp_dir());
}

}  // namespace hpo
