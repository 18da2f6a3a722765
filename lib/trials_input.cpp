#include "trials_input.hpp"

#include <algorithm>

#include "error.hpp"
#include "json_parse.hpp"

namespace hpo {

std::vector<TrialLine> ReadTrialLines(std::istream& in, const std::string& name) {
  std::vector<TrialLine> out;
  std::string line;
  long n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string where = name + ":" + std::to_string(n) + ": ";
    ParsedJson parsed = ParseJson(line);
    if (!parsed.ok() && parsed.problem.rfind("not valid JSON", 0) != 0)
      throw UsageError(where + parsed.problem);  // too deep, or a key given twice
    const nlohmann::json& j = parsed.value;
    if (!parsed.ok() || !j.is_object())
      throw UsageError(where + "not a JSON object; each line must look like "
                               "{\"trial_id\": 7, \"config\": {...}} (as hpo-sample prints)");
    auto id = j.find("trial_id");
    if (id == j.end() || !id->is_number_integer() || id->get<std::int64_t>() < 0 ||
        id->get<std::int64_t>() > kMaxTrialId)
      throw UsageError(where + "trial_id: must be an integer from 0 to " + std::to_string(kMaxTrialId));
    auto cfg = j.find("config");
    if (cfg == j.end() || !cfg->is_object())
      throw UsageError(where + "config: must be a JSON object of parameter values");
    out.push_back({id->get<TrialId>(), *cfg});
  }
  if (in.bad()) throw Error("failed to read " + name);
  return out;
}

void CheckTrialParameters(const std::vector<TrialLine>& lines, const Space& space, const std::string& name) {
  for (const auto& line : lines) {
    std::string problem = space.ConfigProblem(line.config);
    if (problem.empty()) continue;
    throw UsageError(name + ": trial " + std::to_string(line.trial_id) +
                     ": config: does not match the space of the config" + problem +
                     "; sample with the same config (hpo-sample -c ...), or pass --force");
  }
}

}  // namespace hpo
