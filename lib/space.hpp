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
  // kChoice: the index of the choice unit coordinate u picks (what Value(u) returns).
  int ChoiceIndex(double u) const;
  // Appends the JSON text of Value(u) to `out` (no allocation of json nodes).
  void AppendValue(double u, std::string& out) const;
  // 64-bit hash of the name, so a parameter's random stream does not depend on the others.
  std::uint64_t name_hash = 0;

  // Conditional parameters ({choice: {key: {sub-space}, ...}}): a branching choice takes one
  // of its keys (strings), and the parameters of the chosen key's sub-space exist in that
  // trial only. `parent` is the index of the branching choice this parameter hangs under
  // (-1: always present), `branch` the index of its key there.
  bool branching = false;
  int parent = -1;
  int branch = -1;
  int line = 0;  // where it is defined in the config (1-based; 0: unknown), for messages
  bool conditional() const { return parent >= 0; }
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
  // True when some parameter exists only in some trials (a branching choice).
  bool conditional() const { return conditional_; }

  // Which parameters a trial has: `chosen[i]` is the index of the choice parameter i took
  // (any value for parameters that are not choices), computed in space order (a parent
  // comes before its children). Sets `present[i]`.
  void Presence(const std::vector<int>& chosen, std::vector<char>& present) const;
  // "when optimizer = sgd" (nested: "when optimizer = sgd and schedule = step"); "" for an
  // unconditional parameter.
  std::string Condition(size_t i) const;
  // What is wrong with a trial's configuration against this space, as " (missing: a, b)
  // (not in the space: c) (outside their branch: d (only when ...))"; "" when it matches.
  // A conditional parameter is missing when its branch is chosen and it is absent.
  std::string ConfigProblem(const nlohmann::json& config) const;

 private:
  // Adds the parameters of `node` (the space, or a branch's sub-space) under `parent`/`branch`.
  void AddParams(const YAML::Node& node, const std::string& file, const std::string& prefix,
                 int parent, int branch);

  std::vector<Param> params_;
  size_t dims_ = 0;
  bool conditional_ = false;
};

// Inverse of the standard normal CDF, for u in (0,1).
double NormalQuantile(double u);

// Appends the shortest round-trip text of a double ("0.1", "1e-05", "3").
void AppendDouble(double v, std::string& out);

}  // namespace hpo
