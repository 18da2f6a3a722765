// A trial's learning curve: trials/trial_<i>/progress.jsonl, one JSON object a line,
// {"step": 3, "value": 0.21, "time": ..., "attempt": 1, ...}, appended by the trial alone
// (hpo-prune, or the Python helper's report_intermediate). Readers keep the last line per
// step (a resumed attempt may report a step again) and skip a line cut by a kill.
#pragma once

#include <boost/filesystem/path.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

namespace hpo {

struct CurvePoint {
  double step = 0;
  std::optional<double> value;  // nullopt: the trial reported a value that was not finite
};

// A step as JSON: a whole number as an integer (epochs are written 3, not 3.0).
nlohmann::json StepJson(double step);

// Appends one point (with the time and `attempt`) to `progress`. Starts a new line when a
// write cut by a kill left the file without its last newline. Throws an Error naming the file.
void AppendCurvePoint(const boost::filesystem::path& progress, double step, double value, int attempt);

// The points of a progress file's text, sorted by step, the last line of a step winning;
// lines that are not such an object (or not finished) are skipped.
std::vector<CurvePoint> ParseCurve(std::string_view text);

// ParseCurve of the file; empty when it does not exist (at most 64 MiB are read).
std::vector<CurvePoint> ReadCurve(const boost::filesystem::path& progress);

}  // namespace hpo
