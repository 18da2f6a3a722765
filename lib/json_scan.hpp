// A strict, allocation-free JSON scanner for the hot read paths (hpo-collect over 100,000
// result files, the results index). It validates the grammar and hands back the text of
// values (std::string_view into the input) without building a document; callers convert
// only the few values they need. Anything it refuses is then parsed by nlohmann::json,
// whose messages the user sees: this is a fast path, never the only path.
// Two implementations of the scanner: the hand-written one (json_scan.cpp, the default) and
// one on simdjson's On-Demand API (json_scan_simdjson.cpp, CMake option HPO_SIMDJSON, which
// defines HPO_JSON_SCAN_SIMDJSON); the conversions below are shared. README, "what we
// measured", says why the default stays hand-written.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#ifdef HPO_JSON_SCAN_SIMDJSON
#include <vector>
#endif

namespace hpo {

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : s_(text) {}

  // Skips one value (after leading white space) and returns its text; nullopt when the
  // input is not valid JSON there. Sets saw_space() when white space occurs inside it.
  // (simdjson: the value must be all that is left; text after it gives nullopt.)
  std::optional<std::string_view> Value();

  // Walks the object `obj` (the text of one object value), calling
  // `member(raw_key, value_text)` for each member; `raw_key` is the key between its quotes,
  // still escaped. Returns false for anything that is not a well-formed object, or as soon as
  // `member` returns false. `saw_space`, when given, tells whether white space occurred
  // anywhere inside the object.
  template <class F>
  static bool Members(std::string_view obj, F&& member, bool* saw_space = nullptr);

  // Walks the array `arr`, calling `element(value_text)` for each element; false for
  // anything that is not a well-formed array, or as soon as `element` returns false.
  template <class F>
  static bool Elements(std::string_view arr, F&& element);

  // True when only white space is left.
  bool AtEnd();

  // True when white space occurred between tokens of the values scanned so far (such text is
  // not in the compact form nlohmann::json::dump() writes).
  bool saw_space() const { return saw_space_; }

 private:
#ifdef HPO_JSON_SCAN_SIMDJSON
  // The members (raw key, value text) or elements of the whole object or array `text`,
  // validated whole first; false for anything that is not one well-formed object or array.
  struct Member {
    std::string_view key, value;
  };
  static bool ListMembers(std::string_view text, std::vector<Member>& out, bool* saw_space);
  static bool ListElements(std::string_view text, std::vector<std::string_view>& out);
#else
  bool SkipValue(int depth);
  bool SkipString();
  bool SkipNumber();
  bool SkipWord(std::string_view word);
#endif
  void SkipSpace();

  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // levels around the values Value() scans (1 inside Members and Elements)
  bool saw_space_ = false;
};

// Conversions of one value's text (as JsonScanner returns it).
// A JSON number as the double nlohmann::json reads from it (nullopt for anything else, and
// for a number too large for a double, which nlohmann refuses).
std::optional<double> JsonNumber(std::string_view v);
// A JSON integer (no fraction or exponent) that fits in a long long.
std::optional<long long> JsonInteger(std::string_view v);
// A JSON string, unescaped (nullopt when `v` is not a string).
std::optional<std::string> JsonString(std::string_view v);
// What summaries show for a value: a string unescaped, null as "", anything else as its text.
std::string JsonText(std::string_view v);
// Unescapes a raw object key (the text between its quotes).
std::string JsonKey(std::string_view raw);

// Appends `s` as a JSON string literal (quotes, escapes; UTF-8 passes through).
void AppendJsonString(std::string& out, std::string_view s);
// Appends `v` in the layout nlohmann::json::dump() gives a double (fixed notation while the
// point is within 15 digits, else d.ddde+XX; ".0" on integral values), with the shortest
// digits that read back exactly (nlohmann's grisu2 sometimes writes one more, or a different
// last one, for the same double); "null" for NaN and infinities.
void AppendJsonNumber(std::string& out, double v);

// --- implementation of the template ---
#ifdef HPO_JSON_SCAN_SIMDJSON
template <class F>
bool JsonScanner::Members(std::string_view obj, F&& member, bool* saw_space) {
  std::vector<Member> list;
  if (!ListMembers(obj, list, saw_space)) return false;
  for (const Member& m : list)
    if (!member(m.key, m.value)) return false;
  return true;
}

template <class F>
bool JsonScanner::Elements(std::string_view arr, F&& element) {
  std::vector<std::string_view> list;
  if (!ListElements(arr, list)) return false;
  for (std::string_view v : list)
    if (!element(v)) return false;
  return true;
}
#else
template <class F>
bool JsonScanner::Members(std::string_view obj, F&& member, bool* saw_space) {
  JsonScanner sc(obj);
  sc.depth_ = 1;
  sc.SkipSpace();
  sc.saw_space_ = false;  // leading white space is outside the object
  if (sc.pos_ >= obj.size() || obj[sc.pos_] != '{') return false;
  ++sc.pos_;
  sc.SkipSpace();
  if (sc.pos_ < obj.size() && obj[sc.pos_] == '}') {
    ++sc.pos_;
    if (saw_space) *saw_space = sc.saw_space_;
    return sc.AtEnd();
  }
  for (;;) {
    sc.SkipSpace();
    std::size_t k = sc.pos_;
    if (!sc.SkipString()) return false;
    std::string_view key = obj.substr(k + 1, sc.pos_ - k - 2);
    sc.SkipSpace();
    if (sc.pos_ >= obj.size() || obj[sc.pos_] != ':') return false;
    ++sc.pos_;
    auto value = sc.Value();
    if (!value || !member(key, *value)) return false;
    sc.SkipSpace();
    if (sc.pos_ >= obj.size()) return false;
    char c = obj[sc.pos_++];
    if (c == '}') {
      if (saw_space) *saw_space = sc.saw_space_;
      return sc.AtEnd();
    }
    if (c != ',') return false;
  }
}

template <class F>
bool JsonScanner::Elements(std::string_view arr, F&& element) {
  JsonScanner sc(arr);
  sc.depth_ = 1;
  sc.SkipSpace();
  if (sc.pos_ >= arr.size() || arr[sc.pos_] != '[') return false;
  ++sc.pos_;
  sc.SkipSpace();
  if (sc.pos_ < arr.size() && arr[sc.pos_] == ']') {
    ++sc.pos_;
    return sc.AtEnd();
  }
  for (;;) {
    auto value = sc.Value();
    if (!value || !element(*value)) return false;
    sc.SkipSpace();
    if (sc.pos_ >= arr.size()) return false;
    char c = arr[sc.pos_++];
    if (c == ']') return sc.AtEnd();
    if (c != ',') return false;
  }
}
#endif

}  // namespace hpo
