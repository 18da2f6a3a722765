#include "failures.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace hpo {

std::string ReasonKey(std::string_view reason) {
  if (reason.empty()) return "(no reason recorded)";
  std::string r(reason);
  // The runner's "(see <trial's stderr.log>)": the failures table links the logs anyway.
  if (size_t see = r.find(" (see "); see != std::string::npos) {
    size_t close = r.find(')', see);
    r.erase(see, close == std::string::npos ? std::string::npos : close - see + 1);
  }
  // Numbers that name one trial's job, process, folder or lease age.
  static const char* const kBefore[] = {"job ", "pid ", "trial_", "renewal for "};
  std::string out;
  for (size_t i = 0; i < r.size();) {
    bool replaced = false;
    if (std::isdigit(static_cast<unsigned char>(r[i])))
      for (const char* b : kBefore) {
        std::string_view before(b);
        if (out.size() >= before.size() &&
            out.compare(out.size() - before.size(), before.size(), before) == 0) {
          // A job id may be an array task: 88_17, 88_[1-4].
          while (i < r.size() && (std::isdigit(static_cast<unsigned char>(r[i])) || r[i] == '_' ||
                                  r[i] == '[' || r[i] == ']' || r[i] == '-'))
            ++i;
          out += 'N';
          replaced = true;
          break;
        }
      }
    if (!replaced) out += r[i++];
  }
  return out;
}

std::vector<FailureGroup> GroupFailures(const std::vector<TrialRow>& rows) {
  std::map<std::string, FailureGroup> by_key;
  std::map<std::string, double> tail_end;  // end time of the tail's trial
  for (const auto& r : rows) {
    if (r.state != TrialState::kFailed) continue;
    std::string key = ReasonKey(r.reason);
    FailureGroup& g = by_key[key];
    g.reason = key;
    g.ids.push_back(r.id);
    double end = r.info.end_time.value_or(0);
    if (!r.stderr_tail.empty() && (g.stderr_tail.empty() || end >= tail_end[key])) {
      g.stderr_tail = r.stderr_tail;
      g.tail_trial = r.id;
      tail_end[key] = end;
    }
  }
  std::vector<FailureGroup> groups;
  for (auto& [key, g] : by_key) {
    std::sort(g.ids.begin(), g.ids.end());
    groups.push_back(std::move(g));
  }
  std::sort(groups.begin(), groups.end(), [](const FailureGroup& a, const FailureGroup& b) {
    return a.ids.size() != b.ids.size() ? a.ids.size() > b.ids.size() : a.ids[0] < b.ids[0];
  });
  return groups;
}

std::string FormatFailureGroups(const std::vector<FailureGroup>& groups, size_t max_groups,
                                const std::string& indent) {
  std::string o;
  size_t n = std::min(max_groups, groups.size());
  for (size_t i = 0; i < n; ++i) {
    const FailureGroup& g = groups[i];
    o += indent + std::to_string(g.ids.size()) + " x " + g.reason + " (trial" +
         (g.ids.size() == 1 ? " " : "s ") + IdList(g.ids, 10) + ")\n";
    for (size_t b = 0, e; b < g.stderr_tail.size(); b = e + 1) {
      e = g.stderr_tail.find('\n', b);
      if (e == std::string::npos) e = g.stderr_tail.size();
      o += indent + "  | " + g.stderr_tail.substr(b, e - b) + "\n";
    }
  }
  if (groups.size() > n)
    o += indent + "... and " + std::to_string(groups.size() - n) + " other cause(s)\n";
  return o;
}

std::string IdList(const std::vector<TrialId>& ids, size_t max) {
  std::string out;
  size_t n = std::min(max, ids.size());
  for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
  if (ids.size() > n) out += " and " + std::to_string(ids.size() - n) + " more";
  return out;
}

}  // namespace hpo
