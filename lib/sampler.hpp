// Samplers: trial i's configuration is a pure function of (space, seed, i), so any process
// can regenerate trial i and `--start K` extends a campaign with exactly the trials a longer
// run would have had.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "layout.hpp"
#include "space.hpp"

namespace hpo {

enum class Method {
  kRandom,  // counter-based: u = hash(seed, trial id, parameter name)
  kSobol    // Sobol' point i, Owen-scrambled (hash-based nested uniform scramble) by the seed
};

const char* MethodName(Method method);
std::optional<Method> ParseMethod(std::string_view name);

// Maps 64 bits to 64 bits bijectively with good avalanche (SplitMix64's finaliser).
std::uint64_t Mix64(std::uint64_t x);

// Samples configurations of one space.
class Sampler {
 public:
  Sampler(const Space& space, std::uint64_t seed, Method method);

  // Unit coordinates of trial `id`, one per sampled parameter (space order), each in [0,1).
  void Units(TrialId id, std::vector<double>& out) const;
  // The configuration object {"name": value, ...} of trial `id`.
  nlohmann::json Config(TrialId id) const;
  // Appends `{"trial_id":<id>,"config":{...}}\n` to `out` (the hpo-sample line format).
  void AppendLine(TrialId id, std::string& out) const;

  // Sobol' coordinate (unscrambled, 32 bits) of point `index` in dimension `dim`.
  static std::uint32_t SobolBits(std::uint64_t index, size_t dim);

 private:
  const Space& space_;
  std::uint64_t seed_;
  Method method_;
  std::vector<std::string> keys_;  // '"name":' per parameter, pre-serialised
  std::vector<std::uint64_t> dim_seed_;
  mutable std::vector<double> units_;
  // Per parameter: the unit coordinate (0 for fixed ones), the choice taken, present or not.
  mutable std::vector<double> param_units_;
  mutable std::vector<int> chosen_;
  mutable std::vector<char> present_;

  // Fills param_units_, chosen_ and present_ for trial `id`.
  void Draw(TrialId id) const;
};

}  // namespace hpo
