// The search space: named parameters, each fixed, categorical or drawn from a distribution,
// and the map from one unit coordinate u in [0,1) to a value (shared by every sampler).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hpo {

enum class Dist {
  kFixed,       // scalar (or map under `value:`): always the same
  kChoice,      // YAML list or {choice: [...]}: each element equally likely
  kUniform,     // {uniform: [low, high]}: real in [low, high)
  kLogUniform,  // {loguniform: [low, high]}: real, uniform in log space, 0 < low < high
  kRandInt,     // {randint: [low, high]}: integer, both ends included
  kLogUint,     // {loguint: [low, high]}: integer, log-spaced, both ends included, 1 <= low
  kNormal,      // {normal: [mean, stddev]}: real, stddev > 0
  kQUniform     // {quniform: [low, high, q]}: multiples of q in [low, high]
};

// Name of a distribution as written in YAML ("loguniform").
const char* DistName(Dist dist);

// One parameter of the space.
struct Param {
  std::string name;
  Dist dist = Dist::kFixed;
  nlohmann::json fixed;                // kFixed
  std::vector<nlohmann::json> choices;  // kChoice
  std::vector<std::string> choice_text;  // choices pre-serialised, for fast output
  double a = 0, b = 0, q = 0;           // bounds (mean/stddev for kNormal, step for kQUniform)
  bool integer_valued = false;          // kQUniform with integer bounds and step
  int decimals = 0;                     // kQUniform: decimals written in low/high/q (-1: exponent)

  // True when the parameter consumes a unit coordinate (everything but kFixed).
  bool sampled() const { return dist != Dist::kFixed; }
  // True for loguniform and loguint (plots use log axes for them).
  bool log_scale() const { return dist == Dist::kLogUniform || dist == Dist::kLogUint; }
  // The value for unit coordinate u in [0,1).
  nlohmann::json Value(double u) const;
  // Appends the JSON text of Value(u) to `out` (no allocation of json nodes).
  void AppendValue(double u, std::string& out) const;
  // 64-bit hash of the name, so a parameter's random stream does not depend on the others.
  std::uint64_t name_hash = 0;
};

// The whole space, in the order of the YAML mapping.
class Space {
 public:
  // Parses the `space:` mapping. Throws a usage Error naming `file`, line and key for every
  // mistake: unknown distribution, low >= high, loguniform bound <= 0, non-numeric bound,
  // empty choice.
  static Space FromYaml(const YAML::Node& node, const std::string& file);

  const std::vector<Param>& params() const { return params_; }
  // Number of sampled parameters (unit coordinates per trial).
  size_t dimensions() const { return dims_; }
  // Canonical JSON description (for the campaign fingerprint and reports).
  nlohmann::json ToJson() const;
  // Names of the parameters in order.
  std::vector<std::string> names() const;

 private:
  std::vector<Param> params_;
  size_t dims_ = 0;
};

// Inverse of the standard normal CDF, for u in (0,1).
double NormalQuantile(double u);

// Appends the shortest round-trip text of a double ("0.1", "1e-05", "3").
void AppendDouble(double v, std::string& out);

}  // namespace hpo
