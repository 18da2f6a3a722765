#include "yaml_util.hpp"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "error.hpp"

namespace hpo {
namespace {

// Deepest flow-bracket nesting in the text, ignoring quoted strings and comments. Run before
// yaml-cpp sees the text, because its parser recurses per level.
int FlowDepth(const std::string& text) {
  int depth = 0, max_depth = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (comment) {
      if (c == '\n') comment = false;
      continue;
    }
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n' || text[i - 1] == '\t'))
      comment = true;
    else if (c == '"' || c == '\'') {
      // A quote only opens a string at the start of a scalar.
      if (i == 0 || std::string(" [{,:\n\t-").find(text[i - 1]) != std::string::npos) quote = c;
    } else if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return max_depth;
}

// Most values a config may expand to. An alias (*a) is walked once per reference, so nested
// aliases ("billion laughs") expand exponentially here and in YamlToJson; a 1 MB config
// without aliases has fewer than 500,000 values.
constexpr long kMaxNodes = 1'000'000;

// Depth of the tree under `node`; decrements `budget` per node visited and stops descending
// once it is negative.
int NodeDepth(const YAML::Node& node, int limit, long& budget) {
  if (limit < 0 || --budget < 0) return 0;
  int d = 0;
  if (node.IsSequence()) {
    for (const auto& child : node) d = std::max(d, NodeDepth(child, limit - 1, budget));
    return d + 1;
  }
  if (node.IsMap()) {
    for (const auto& kv : node) d = std::max(d, NodeDepth(kv.second, limit - 1, budget));
    return d + 1;
  }
  return 0;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// YAML 1.2 core-schema integers: [-+]?[0-9]+ (hand-written: std::regex costs a millisecond
// to compile in every process, and the runner starts once per trial).
bool LooksInt(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool LooksFloat(const std::string& s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  size_t before = digits();
  if (i < n && s[i] == '.') {
    ++i;
    size_t after = digits();
    if (before == 0 && after == 0) return false;
  } else if (before == 0) {
    return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

}  // namespace

YAML::Node ParseYaml(const std::string& text, const std::string& file, int max_depth) {
  if (FlowDepth(text) > max_depth)
    throw UsageError(file + ": nesting deeper than " + std::to_string(max_depth) +
                     " levels; flatten the structure");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard (block nesting, which FlowDepth does not see) says only "bad file".
    throw UsageError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": nesting deeper than " +
                     std::to_string(max_depth) + " levels; flatten the structure");
  } catch (const YAML::Exception& e) {
    throw UsageError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": yaml syntax error: " + e.msg);
  }
  long budget = kMaxNodes;
  int depth = NodeDepth(root, max_depth + 1, budget);
  if (budget < 0)
    throw UsageError(file + ": more than " + std::to_string(kMaxNodes) +
                     " values once aliases (*name) are expanded; write the values out");
  if (depth > max_depth)
    throw UsageError(file + ": nesting deeper than " + std::to_string(max_depth) +
                     " levels; flatten the structure");
  return root;
}

std::string Where(const std::string& file, const YAML::Node& node, const std::string& key) {
  std::string out = file;
  if (node.IsDefined() && node.Mark().line >= 0) out += ":" + std::to_string(node.Mark().line + 1);
  return out + ": " + key + ": ";
}

bool IsNumber(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() == "!") return false;
  const std::string& s = node.Scalar();
  return LooksFloat(s) || s == ".inf" || s == "-.inf" || s == "+.inf";
}

nlohmann::json YamlToJson(const YAML::Node& node) {
  using nlohmann::json;
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    json arr = json::array();
    for (const auto& child : node) arr.push_back(YamlToJson(child));
    return arr;
  }
  if (node.IsMap()) {
    json obj = json::object();
    for (const auto& kv : node) obj[kv.first.Scalar()] = YamlToJson(kv.second);
    return obj;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (LooksInt(s)) {
    try {
      return static_cast<std::int64_t>(std::stoll(s));
    } catch (const std::out_of_range&) {
      return std::strtod(s.c_str(), nullptr);
    }
  }
  // strtod, not stod: stod throws out_of_range for 1e999 and for denormals such as 1e-320;
  // strtod gives +-inf or the nearest double, which the callers' range checks then judge.
  if (LooksFloat(s)) return std::strtod(s.c_str(), nullptr);
  return s;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 3;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace hpo
