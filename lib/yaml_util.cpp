#include "yaml_util.hpp"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "error.hpp"

namespace hpo {
namespace {

// Where a bracket sits in the text (1-based, as messages give it).
struct TextPos {
  char c = 0;
  int line = 0, column = 0;
};

// The flow brackets of a YAML text, ignoring quoted strings, comments and brackets inside
// plain text (a '[' or '{' opens a flow collection only where a value can start). Run before
// yaml-cpp sees the text, because its parser recurses per level; and after it fails, to say
// which bracket was left open.
struct Brackets {
  int max_depth = 0;  // counting every bracket outside strings and comments (conservative:
                      // an anchor or tag before a '[' does not hide it)
  std::vector<TextPos> unclosed;  // still open at the end, outermost first
  // The first closer of the wrong kind, and the opener it met.
  std::optional<std::pair<TextPos, TextPos>> mismatch;
};

Brackets ScanBrackets(const std::string& text) {
  Brackets out;
  std::vector<TextPos> open;
  int depth = 0;  // of every bracket, for max_depth
  char quote = 0;
  bool comment = false;
  int line = 1, column = 0;
  char last = '\n';  // the last character outside strings and comments that is not a blank
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      if (!quote) last = '\n';
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (c == '\\' && quote == '"') {
        ++i;
        ++column;
      } else if (c == quote) {
        quote = 0;
        last = c;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
      continue;
    }
    if (c == '[' || c == '{') out.max_depth = std::max(out.max_depth, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
    bool value_start = std::string("\n:-,[{?").find(last) != std::string::npos;
    if ((c == '"' || c == '\'') && value_start) {
      quote = c;  // a quote only opens a string at the start of a scalar
    } else if ((c == '[' || c == '{') && (value_start || !open.empty())) {
      open.push_back({c, line, column});
    } else if ((c == ']' || c == '}') && !open.empty()) {
      if ((c == ']') != (open.back().c == '[') && !out.mismatch)
        out.mismatch = std::make_pair(TextPos{c, line, column}, open.back());
      open.pop_back();
    }
    last = c;
  }
  out.unclosed = std::move(open);
  return out;
}

std::string At(const std::string& file, int line, int column) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// The message for a syntax error yaml-cpp reported at `mark` with `msg`: where it is and what
// to change. yaml-cpp's own words are short ("end of sequence flow not found") and often point
// at the line after the mistake.
std::string SyntaxError(const std::string& text, const std::string& file, const YAML::Mark& mark,
                        const std::string& msg) {
  const int line = mark.line + 1, column = mark.column + 1;
  const std::string prefix = "yaml syntax error: ";
  Brackets b = ScanBrackets(text);
  bool unclosed_seq = msg.find("end of sequence flow") != std::string::npos;
  bool unclosed_map = msg.find("end of map flow") != std::string::npos;
  if (unclosed_seq || unclosed_map) {
    char want = unclosed_seq ? '[' : '{';
    for (auto it = b.unclosed.rbegin(); it != b.unclosed.rend(); ++it) {
      if (it->c != want) continue;
      return At(file, it->line, it->column) + prefix + "'" + want + "' is never closed (" + msg +
             " by line " + std::to_string(line) + "); close it with '" + (want == '[' ? ']' : '}') +
             "' where the value ends, or quote the value if the bracket is text";
    }
  }
  // The character yaml-cpp stopped at.
  std::string stop_line;
  {
    size_t start = 0;
    for (int l = 1; l < line && start != std::string::npos; ++l) {
      start = text.find('\n', start);
      if (start != std::string::npos) ++start;
    }
    if (start != std::string::npos && start <= text.size())
      stop_line = text.substr(start, text.find('\n', start) - start);
  }
  char at =
      column >= 1 && static_cast<size_t>(column) <= stop_line.size() ? stop_line[column - 1] : 0;
  if (msg.find("illegal flow end") != std::string::npos && (at == ']' || at == '}')) {
    if (b.mismatch && b.mismatch->first.line == line && b.mismatch->first.column == column) {
      const TextPos& o = b.mismatch->second;
      return At(file, line, column) + prefix + "'" + at + "' does not close the '" + o.c +
             "' opened at line " + std::to_string(o.line) + ", column " + std::to_string(o.column) +
             "; close it with '" + (o.c == '[' ? ']' : '}') + "'";
    }
    return At(file, line, column) + prefix + "'" + at +
           "' closes no bracket; remove it, or quote the value if it is text";
  }
  std::string hint =
      "check this line and the one above it: indentation (spaces only, "
      "siblings aligned), a missing ': ' after a key, unclosed quotes or brackets";
  size_t indent_end = stop_line.find_first_not_of(" \t");
  if (stop_line.substr(0, indent_end).find('\t') != std::string::npos)
    hint = "this line is indented with a tab, which YAML does not allow; indent with spaces";
  else if (msg.find("end of map not found") != std::string::npos ||
           msg.find("illegal map value") != std::string::npos)
    hint =
        "the indentation of this line matches no key above it, or a value holds ': ' (quote "
        "it); align the key with its siblings";
  return At(file, line, column) + prefix + msg + "; " + hint;
}

// Refuses a key given twice in one mapping: yaml-cpp keeps both, and a lookup finds the
// first, so the second was silently ignored. `path` is the dotted key of `node`.
void CheckDuplicateKeys(const YAML::Node& node, const std::string& file, const std::string& path) {
  auto child = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  if (node.IsSequence()) {
    size_t i = 0;
    for (const auto& e : node) CheckDuplicateKeys(e, file, path + "[" + std::to_string(i++) + "]");
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> seen;  // key -> line of its first occurrence
  for (const auto& kv : node) {
    if (kv.first.IsScalar()) {
      auto [it, fresh] = seen.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
      if (!fresh)
        throw UsageError(Where(file, kv.first, child(kv.first.Scalar())) +
                         "defined twice (first at line " + std::to_string(it->second) +
                         "); keep one");
    }
    CheckDuplicateKeys(kv.second, file, child(kv.first.IsScalar() ? kv.first.Scalar() : "?"));
  }
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
  if (ScanBrackets(text).max_depth > max_depth)
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
    throw UsageError(SyntaxError(text, file, e.mark, e.msg));
  }
  long budget = kMaxNodes;
  int depth = NodeDepth(root, max_depth + 1, budget);
  if (budget < 0)
    throw UsageError(file + ": more than " + std::to_string(kMaxNodes) +
                     " values once aliases (*name) are expanded; write the values out");
  if (depth > max_depth)
    throw UsageError(file + ": nesting deeper than " + std::to_string(max_depth) +
                     " levels; flatten the structure");
  CheckDuplicateKeys(root, file, "");
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
