#include "space.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "error.hpp"
#include "yaml_util.hpp"

namespace hpo {
namespace {

using nlohmann::json;

struct DistInfo {
  const char* name;
  Dist dist;
  int nargs;
};
constexpr DistInfo kDists[] = {
    {"uniform", Dist::kUniform, 2},   {"loguniform", Dist::kLogUniform, 2},
    {"randint", Dist::kRandInt, 2},   {"loguint", Dist::kLogUint, 2},
    {"normal", Dist::kNormal, 2},     {"quniform", Dist::kQUniform, 3},
    {"choice", Dist::kChoice, -1},    {"value", Dist::kFixed, -1},
};

std::uint64_t Fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Integers a double holds exactly (2^53): integer values beyond it would be rounded, and
// beyond 2^63 they no longer fit the int64 they are written as.
constexpr double kMaxExactInteger = 9007199254740992.0;

// The most extreme values NormalQuantile gives for the unit coordinates Draw passes it.
constexpr double kNormalUnitClamp = 1e-16;

bool IsInteger(const YAML::Node& n) {
  if (!IsNumber(n)) return false;
  const std::string& s = n.Scalar();
  return s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos;
}

// The distribution named by the single key of `node`; throws naming the closest name.
const DistInfo& LookUpDistribution(const YAML::Node& node, const std::string& file,
                                   const std::string& key) {
  if (node.size() != 1) {
    throw UsageError(Where(file, node, key) +
                     "a distribution is a mapping with exactly one key such as "
                     "{uniform: [0, 1]}; to fix a mapping as a value write {value: {...}}");
  }
  const auto kv = *node.begin();
  const YAML::Node& name_node = kv.first;
  std::string name = name_node.Scalar();
  for (const auto& d : kDists)
    if (name == d.name) return d;
  std::vector<std::string> names;
  for (const auto& d : kDists) names.push_back(d.name);
  std::string hint = DidYouMean(name, names);
  throw UsageError(Where(file, name_node, key) + "unknown distribution '" + name + "'" +
                   (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                   "; use one of uniform, loguniform, randint, loguint, normal, quniform, "
                   "choice, value");
}

// Reads the list of info.nargs finite numbers into p.a, p.b (and p.q).
void ReadBounds(Param& p, const DistInfo& info, const YAML::Node& args, const std::string& file,
                const std::string& key, const std::string& where) {
  const std::string name = info.name;
  if (!args.IsSequence() || static_cast<int>(args.size()) != info.nargs) {
    throw UsageError(where + name + " takes a list of " + std::to_string(info.nargs) +
                     " numbers, e.g. {" + name +
                     (info.nargs == 3 ? ": [0, 1, 0.1]}" : ": [1, 10]}"));
  }
  double v[3] = {0, 0, 0};
  for (int i = 0; i < info.nargs; ++i) {
    const YAML::Node& x = args[i];
    if (!IsNumber(x))
      throw UsageError(Where(file, x, key + "." + name) + "bound '" +
                       (x.IsScalar() ? x.Scalar() : std::string("<not a scalar>")) +
                       "' is not a number; write a plain number such as 0.001 or 1.0e-3");
    nlohmann::json number = YamlToJson(x);  // ".inf" passes IsNumber but stays a string
    v[i] = number.is_number() ? number.get<double>() : HUGE_VAL;
    if (!std::isfinite(v[i]))
      throw UsageError(where + "bounds must be finite numbers");
  }
  p.a = v[0];
  p.b = v[1];
  p.q = v[2];
}

// An integer bound must be one a double holds exactly.
void CheckExact(double x, const YAML::Node& bound, const std::string& name,
                const std::string& where) {
  if (std::abs(x) > kMaxExactInteger)
    throw UsageError(where + name +
                     " bounds must be integers from -9007199254740992 to "
                     "9007199254740992 (2^53, what a double holds exactly), got " +
                     bound.Scalar() + "; narrow the range or use uniform/loguniform");
}

void CheckNormal(const Param& p, const YAML::Node& args, const std::string& where) {
  if (!(p.b > 0)) throw UsageError(where + "the standard deviation must be > 0, got " + args[1].Scalar());
  double low = p.a + p.b * NormalQuantile(kNormalUnitClamp);
  double high = p.a + p.b * NormalQuantile(1 - kNormalUnitClamp);
  if (!std::isfinite(low) || !std::isfinite(high))
    throw UsageError(where +
                     "draws up to 8.3 standard deviations from the mean would "
                     "overflow a double; use a smaller mean or standard deviation (rescale "
                     "the parameter)");
}

// randint and loguint: integer bounds, both ends included.
void CheckIntegerRange(const Param& p, const YAML::Node& args, const std::string& name,
                       const std::string& where) {
  if (!IsInteger(args[0]) || !IsInteger(args[1]))
    throw UsageError(where + name + " bounds must be integers, got [" + args[0].Scalar() + ", " +
                     args[1].Scalar() + "]");
  CheckExact(p.a, args[0], name, where);
  CheckExact(p.b, args[1], name, where);
  if (p.a > p.b)
    throw UsageError(where + "low (" + args[0].Scalar() + ") must be <= high (" +
                     args[1].Scalar() + "); both ends are included");
  if (p.dist == Dist::kLogUint && p.a < 1)
    throw UsageError(where + "loguint needs low >= 1, got " + args[0].Scalar());
}

// uniform, loguniform and quniform: low < high, loguniform above 0.
void CheckRealRange(const Param& p, const YAML::Node& args, const std::string& where) {
  if (!(p.a < p.b))
    throw UsageError(where + "low (" + args[0].Scalar() + ") must be < high (" +
                     args[1].Scalar() + "); swap or widen the bounds");
  if (p.dist == Dist::kLogUniform && p.a <= 0)
    throw UsageError(where + "loguniform bounds must be > 0, got low " + args[0].Scalar() +
                     "; use uniform for ranges that include 0");
}

// The most decimals written in low, high and q (-1 when one is in exponent notation: the
// value is then left as computed), at most 15.
int WrittenDecimals(const YAML::Node& args) {
  int decimals = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string& t = args[i].Scalar();
    size_t dot = t.find('.');
    if (t.find_first_of("eE") != std::string::npos) {
      decimals = -1;
      break;
    }
    if (dot != std::string::npos)
      decimals = std::max(decimals, static_cast<int>(t.size() - dot - 1));
  }
  return std::min(decimals, 15);
}

// quniform: a step that fits the range and steps a double can count.
void CheckQUniform(Param& p, const YAML::Node& args, const std::string& name,
                   const std::string& where) {
  if (!(p.q > 0)) throw UsageError(where + "the step q must be > 0, got " + args[2].Scalar());
  if (!std::isfinite(p.b - p.a))
    throw UsageError(where + "high - low overflows a double; narrow the range");
  if (p.q > p.b - p.a) throw UsageError(where + "the step q is larger than high - low");
  if ((p.b - p.a) / p.q > kMaxExactInteger)
    throw UsageError(where +
                     "more than 2^53 steps of q between low and high, which a double "
                     "cannot count; use a larger q, or uniform");
  p.integer_valued = IsInteger(args[0]) && IsInteger(args[1]) && IsInteger(args[2]);
  if (p.integer_valued) {
    CheckExact(p.a, args[0], name, where);
    CheckExact(p.b, args[1], name, where);
  }
  p.decimals = WrittenDecimals(args);
}

void ParseDistribution(Param& p, const YAML::Node& node, const std::string& file,
                       const std::string& key) {
  const DistInfo& info = LookUpDistribution(node, file, key);
  const std::string name = info.name;
  const auto kv = *node.begin();
  const YAML::Node& args = kv.second;
  p.dist = info.dist;
  std::string where = Where(file, args, key + "." + name);
  if (info.dist == Dist::kFixed) {
    p.fixed = YamlToJson(args);
    return;
  }
  if (info.dist == Dist::kChoice) {
    if (!args.IsSequence() || args.size() == 0)
      throw UsageError(where + "choice needs a non-empty list of values, e.g. {choice: [a, b]}");
    for (const auto& c : args) p.choices.push_back(YamlToJson(c));
    return;
  }
  ReadBounds(p, info, args, file, key, where);
  if (p.dist == Dist::kNormal) {
    CheckNormal(p, args, where);
  } else if (p.dist == Dist::kRandInt || p.dist == Dist::kLogUint) {
    CheckIntegerRange(p, args, name, where);
  } else {
    CheckRealRange(p, args, where);
    if (p.dist == Dist::kQUniform) CheckQUniform(p, args, name, where);
  }
}

}  // namespace

const char* DistName(Dist dist) {
  if (dist == Dist::kFixed) return "fixed";
  for (const auto& d : kDists)
    if (d.dist == dist) return d.name;
  return "?";
}

void AppendDouble(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";  // JSON has no NaN/inf; never produced by a valid space
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  out += s;
  // Keep reals recognisable as reals in JSON ("3.0", not "3").
  if (s.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

double NormalQuantile(double u) {
  // Acklam's rational approximation with one Halley refinement step (relative error ~1e-15).
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  const double lo = 0.02425, hi = 1 - lo;
  double x;
  if (u < lo) {
    double q = std::sqrt(-2 * std::log(u));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (u <= hi) {
    double q = u - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    double q = std::sqrt(-2 * std::log1p(-u));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // e = Phi(x) - u. In the upper tail Phi(x) is within 1e-16 of 1, so compute it as
  // (1 - u) - Phi(-x) (1 - u is exact there): the Halley step multiplies e by
  // exp(x^2 / 2), which turned the rounding of Phi(x) into errors of 1e-8 at u = 1 - 1e-10.
  double e = u > hi ? (1 - u) - 0.5 * std::erfc(x / std::sqrt(2.0))
                    : 0.5 * std::erfc(-x / std::sqrt(2.0)) - u;
  double step = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - step / (1 + x * step / 2);
}

namespace {
// Value of a sampled parameter as a double or integer; `is_int` tells which.
double Draw(const Param& p, double u, bool* is_int) {
  *is_int = false;
  switch (p.dist) {
    case Dist::kUniform: {
      double width = p.b - p.a;
      // A width beyond the largest double (-1.7e308 to 1.7e308) is inf, and a + u * inf
      // would be the same value for every u: mix the ends instead (same values otherwise).
      double v = std::isfinite(width) ? p.a + u * width : p.a * (1 - u) + p.b * u;
      return std::clamp(v, p.a, std::nextafter(p.b, p.a));
    }
    case Dist::kLogUniform: {
      double v = std::exp(std::log(p.a) + u * (std::log(p.b) - std::log(p.a)));
      return std::clamp(v, p.a, std::nextafter(p.b, p.a));
    }
    case Dist::kRandInt: {
      *is_int = true;
      double n = p.b - p.a + 1;
      return std::min(p.a + std::floor(u * n), p.b);
    }
    case Dist::kLogUint: {
      *is_int = true;
      double v = std::floor(std::exp(std::log(p.a) + u * (std::log(p.b + 1) - std::log(p.a))));
      return std::clamp(v, p.a, p.b);
    }
    case Dist::kNormal: {
      double uu = std::clamp(u, 1e-16, 1 - 1e-16);
      return p.a + p.b * NormalQuantile(uu);
    }
    case Dist::kQUniform: {
      *is_int = p.integer_valued;
      double v = p.a + u * (p.b - p.a);
      double k = std::round((v - p.a) / p.q);
      double r = p.a + k * p.q;
      if (r > p.b + 1e-12 * std::abs(p.b)) r -= p.q;
      // Round away the binary noise of k*q (0.30000000000000004 -> 0.3) at the precision the
      // bounds and step were written with.
      if (p.decimals > 0) {
        double scale = std::pow(10.0, p.decimals);
        if (std::isfinite(r * scale)) r = std::round(r * scale) / scale;
      }
      return std::clamp(r, p.a, p.b);
    }
    default: return 0;
  }
}
}  // namespace

nlohmann::json Param::Value(double u) const {
  if (dist == Dist::kFixed) return fixed;
  if (dist == Dist::kChoice) {
    return choices[static_cast<size_t>(ChoiceIndex(u))];
  }
  bool is_int = false;
  double v = Draw(*this, u, &is_int);
  if (is_int) return static_cast<std::int64_t>(v);
  return v;
}

void Param::AppendValue(double u, std::string& out) const {
  if (dist == Dist::kFixed) {
    out += choice_text.empty() ? fixed.dump() : choice_text[0];
    return;
  }
  if (dist == Dist::kChoice) {
    out += choice_text[static_cast<size_t>(ChoiceIndex(u))];
    return;
  }
  bool is_int = false;
  double v = Draw(*this, u, &is_int);
  if (is_int) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v));
    out.append(buf, r.ptr);
  } else {
    AppendDouble(v, out);
  }
}

int Param::ChoiceIndex(double u) const {
  size_t i = std::min(static_cast<size_t>(u * static_cast<double>(choices.size())), choices.size() - 1);
  return static_cast<int>(i);
}

Space Space::FromYaml(const YAML::Node& node, const std::string& file) {
  Space space;
  if (!node.IsDefined() || node.IsNull())
    throw UsageError(file + ": space: missing; add a `space:` mapping of parameter names to "
                            "values, lists or distributions");
  if (!node.IsMap())
    throw UsageError(Where(file, node, "space") + "must be a mapping of parameter names");
  if (node.size() == 0)
    throw UsageError(Where(file, node, "space") +
                     "has no parameters; add at least one, e.g. "
                     "lr: {loguniform: [1.0e-4, 1.0e-1]}");
  space.AddParams(node, file, "space.", -1, -1);
  return space;
}

namespace {

// {choice: {key: {...}, ...}}: a choice whose branches carry sub-spaces.
bool IsBranchingChoice(const YAML::Node& v) {
  return v.IsMap() && v.size() == 1 && v.begin()->first.Scalar() == "choice" && v.begin()->second.IsMap();
}

}  // namespace

void Space::AddParams(const YAML::Node& node, const std::string& file, const std::string& prefix,
                      int parent, int branch) {
  for (const auto& kv : node) {
    Param p;
    p.name = kv.first.Scalar();
    p.parent = parent;
    p.branch = branch;
    p.line = kv.first.Mark().line >= 0 ? kv.first.Mark().line + 1 : 0;
    std::string key = prefix + p.name;
    if (p.name.empty() || p.name.find_first_of("{}\n\r\t\0") != std::string::npos)
      throw UsageError(Where(file, kv.first, key) +
                       "parameter names must be non-empty and contain no braces or control "
                       "characters");
    for (const auto& other : params_)
      if (other.name == p.name)
        throw UsageError(Where(file, kv.first, key) + "defined twice (also at line " +
                         std::to_string(other.line) + (other.conditional() ? ", " + Condition(&other - params_.data()) : "") +
                         "); names are one namespace across every branch: rename one");
    p.name_hash = Fnv1a(p.name);
    const YAML::Node& v = kv.second;
    std::vector<std::pair<std::string, YAML::Node>> branches;
    if (v.IsSequence()) {
      if (v.size() == 0) throw UsageError(Where(file, v, key) + "an empty list has nothing to choose; give at least one value");
      p.dist = Dist::kChoice;
      for (const auto& c : v) p.choices.push_back(YamlToJson(c));
    } else if (IsBranchingChoice(v)) {
      const YAML::Node& map = v.begin()->second;
      if (map.size() == 0)
        throw UsageError(Where(file, map, key + ".choice") + "has no branches; give at least one key, e.g. {choice: {adam: {}, sgd: {momentum: {uniform: [0, 0.9]}}}}");
      p.dist = Dist::kChoice;
      p.branching = true;
      for (const auto& b : map) {
        const YAML::Node& sub = b.second;
        if (!sub.IsNull() && !sub.IsMap())
          throw UsageError(Where(file, sub, key + ".choice." + b.first.Scalar()) +
                           "a branch holds a mapping of the parameters it adds ({} for none), got " +
                           (sub.IsSequence() ? "a list" : "'" + sub.Scalar() + "'") +
                           "; for a plain categorical parameter write a list: [a, b, c]");
        p.choices.push_back(b.first.Scalar());
        branches.emplace_back(b.first.Scalar(), sub);
      }
    } else if (v.IsMap()) {
      ParseDistribution(p, v, file, key);
    } else {
      p.dist = Dist::kFixed;
      p.fixed = YamlToJson(v);
    }
    if (p.dist == Dist::kChoice)
      for (const auto& c : p.choices) p.choice_text.push_back(c.dump());
    if (p.dist == Dist::kFixed) p.choice_text.push_back(p.fixed.dump());
    if (p.sampled()) ++dims_;
    conditional_ = conditional_ || p.conditional() || p.branching;
    params_.push_back(std::move(p));
    const int self = static_cast<int>(params_.size()) - 1;
    for (size_t b = 0; b < branches.size(); ++b)
      if (branches[b].second.IsMap())
        AddParams(branches[b].second, file, key + ".choice." + branches[b].first + ".", self, static_cast<int>(b));
  }
}

void Space::Presence(const std::vector<int>& chosen, std::vector<char>& present) const {
  present.assign(params_.size(), 1);
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& p = params_[i];
    if (p.parent >= 0)
      present[i] = present[p.parent] && chosen[p.parent] == p.branch;
  }
}

std::string Space::Condition(size_t i) const {
  std::string out;
  for (int at = static_cast<int>(i); params_[at].parent >= 0; at = params_[at].parent) {
    const Param& parent = params_[params_[at].parent];
    std::string part = parent.name + " = " + parent.choices[params_[at].branch].get<std::string>();
    out = out.empty() ? part : part + " and " + out;
  }
  return out.empty() ? out : "when " + out;
}

std::string Space::ConfigProblem(const nlohmann::json& config) const {
  std::vector<int> chosen(params_.size(), -1);
  for (size_t i = 0; i < params_.size(); ++i) {
    auto it = config.find(params_[i].name);
    if (params_[i].branching && it != config.end())
      for (size_t c = 0; c < params_[i].choices.size(); ++c)
        if (*it == params_[i].choices[c]) chosen[i] = static_cast<int>(c);
  }
  std::vector<char> present;
  Presence(chosen, present);
  std::string missing, unknown, outside;
  auto add = [](std::string& list, const std::string& item) { list += (list.empty() ? "" : ", ") + item; };
  for (size_t i = 0; i < params_.size(); ++i) {
    bool has = config.contains(params_[i].name);
    if (present[i] && !has) add(missing, params_[i].name);
    if (!present[i] && has) add(outside, params_[i].name + " (only " + Condition(i) + ")");
  }
  for (auto it = config.begin(); it != config.end(); ++it)
    if (std::none_of(params_.begin(), params_.end(), [&](const Param& p) { return p.name == it.key(); }))
      add(unknown, it.key());
  return (missing.empty() ? "" : " (missing: " + missing + ")") +
         (unknown.empty() ? "" : " (not in the space: " + unknown + ")") +
         (outside.empty() ? "" : " (outside their branch: " + outside + ")");
}

nlohmann::json Space::ToJson() const {
  json out = json::array();
  for (const auto& p : params_) {
    json j = {{"name", p.name}, {"type", DistName(p.dist)}};
    if (p.conditional()) j["when"] = {{"parameter", params_[p.parent].name}, {"is", params_[p.parent].choices[p.branch]}};
    switch (p.dist) {
      case Dist::kFixed: j["value"] = p.fixed; break;
      case Dist::kChoice: j["choices"] = p.choices; break;
      case Dist::kQUniform: j["args"] = {p.a, p.b, p.q}; break;
      default: j["args"] = {p.a, p.b}; break;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<std::string> Space::names() const {
  std::vector<std::string> out;
  for (const auto& p : params_) out.push_back(p.name);
  return out;
}

}  // namespace hpo
