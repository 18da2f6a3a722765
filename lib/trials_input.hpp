// Reading the JSON Lines that hpo-sample prints and hpo-submit takes.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "layout.hpp"
#include "space.hpp"

namespace hpo {

struct TrialLine {
  TrialId trial_id;
  nlohmann::json config;
};

// Parses every line before anything is recorded, so a bad line loses nothing and records
// nothing. Throws a usage Error "<name>:<line>: <what to change>". Blank lines are skipped.
std::vector<TrialLine> ReadTrialLines(std::istream& in, const std::string& name);

// Checks that every line's config has exactly the parameters `space` gives it (for a
// conditional space: those of the branches it took), so trials sampled from another config
// are not mixed into a campaign. Throws a usage Error "<name>: trial <id>: config: ..."
// naming the missing and unknown parameters and those outside their branch.
void CheckTrialParameters(const std::vector<TrialLine>& lines, const Space& space, const std::string& name);

}  // namespace hpo
