// Reading the JSON Lines that hpo-sample prints and hpo-submit takes.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "layout.hpp"

namespace hpo {

struct TrialLine {
  TrialId trial_id;
  nlohmann::json config;
};

// Parses every line before anything is recorded, so a bad line loses nothing and records
// nothing. Throws a usage Error "<name>:<line>: <what to change>". Blank lines are skipped.
std::vector<TrialLine> ReadTrialLines(std::istream& in, const std::string& name);

}  // namespace hpo
