#include "learning_curve.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "error.hpp"
#include "fd.hpp"
#include "json_parse.hpp"
#include "campaign.hpp"

namespace hpo {
namespace {

constexpr std::uint64_t kMaxProgressBytes = 64ull << 20;

// True when the file is empty or ends with a newline.
bool EndsWithNewline(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return true;
  char last = '\n';
  return ::pread(fd, &last, 1, st.st_size - 1) != 1 || last == '\n';
}

}  // namespace

nlohmann::json StepJson(double step) {
  if (std::floor(step) == step && std::fabs(step) < 9e15) return static_cast<std::int64_t>(step);
  return step;
}

void AppendCurvePoint(const boost::filesystem::path& progress, double step, double value, int attempt) {
  nlohmann::json line = {{"step", StepJson(step)},
                         {"value", std::isfinite(value) ? nlohmann::json(value) : nlohmann::json()},
                         {"time", std::round(NowSeconds() * 1000) / 1000},
                         {"attempt", attempt}};
  std::string text = line.dump() + "\n";
  Fd fd(::open(progress.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!fd.valid()) throw Error("cannot open " + progress.string() + ": " + std::strerror(errno));
  if (!EndsWithNewline(fd.get())) text.insert(text.begin(), '\n');
  if (!WriteAll(fd.get(), text))
    throw Error("cannot append to " + progress.string() + ": " + std::strerror(errno));
}

std::vector<CurvePoint> ParseCurve(std::string_view text) {
  std::map<double, std::optional<double>> by_step;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) break;  // a line cut by a kill
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ParsedJson p = ParseJson(line, DuplicateKeys::kLastWins);
    if (!p.ok() || !p.value.is_object()) continue;
    auto step = p.value.find("step"), value = p.value.find("value");
    if (step == p.value.end() || !step->is_number() || value == p.value.end()) continue;
    double s = step->get<double>();
    if (!std::isfinite(s)) continue;
    std::optional<double> v;
    if (value->is_number() && std::isfinite(value->get<double>())) v = value->get<double>();
    else if (!value->is_null()) continue;
    by_step[s] = v;
  }
  std::vector<CurvePoint> out;
  out.reserve(by_step.size());
  for (const auto& [s, v] : by_step) out.push_back({s, v});
  return out;
}

std::vector<CurvePoint> ReadCurve(const boost::filesystem::path& progress) {
  std::optional<std::string> text;
  try {
    text = ReadFile(progress, kMaxProgressBytes);
  } catch (const Error&) {
    return {};  // too large or unreadable: no curve rather than no record
  }
  return text ? ParseCurve(*text) : std::vector<CurvePoint>{};
}

}  // namespace hpo
