// Parsing JSON from outside: nesting is bounded before anything is built (a 200 KB document
// 100,000 levels deep crashed the tools), repeated keys are refused where a person or a
// trial wrote the text, and the fast scanner draws the line at the same depth.
#include <doctest/doctest.h>

#include <string>

#include "json_parse.hpp"
#include "json_scan.hpp"

namespace {

using hpo::DuplicateKeys;
using hpo::kMaxJsonDepth;
using nlohmann::json;

// `levels` arrays inside each other, innermost holding `inner`.
std::string Nested(int levels, const std::string& inner = "1") {
  return std::string(static_cast<size_t>(levels), '[') + inner +
         std::string(static_cast<size_t>(levels), ']');
}

bool ScannerAccepts(const std::string& text) {
  hpo::JsonScanner sc(text);
  return sc.Value().has_value() && sc.AtEnd();
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("json nested deeper than the bound is refused by the parser and the scanner alike") {
  struct Case {
    std::string text;
    bool ok;
  };
  const Case cases[] = {
      {Nested(kMaxJsonDepth), true},
      {Nested(kMaxJsonDepth + 1), false},
      {Nested(100000), false},
      {"{\"a\":" + Nested(kMaxJsonDepth - 1) + "}", true},
      {"{\"a\":" + Nested(kMaxJsonDepth) + "}", false},
      {"{\"a\":" + Nested(kMaxJsonDepth - 2, "{}") + "}", true},
      {"{\"a\":" + Nested(kMaxJsonDepth - 1, "{}") + "}", false},
      {"[\"" + std::string(1000, '[') + "\"]", true},  // brackets inside a string count nothing
  };
  for (const Case& c : cases) {
    CAPTURE(c.text.substr(0, 60));
    CAPTURE(c.text.size());
    hpo::ParsedJson p = hpo::ParseJson(c.text);
    CHECK(p.ok() == c.ok);
    if (!c.ok) CHECK(p.problem == "nested deeper than 128 levels; flatten it");
    CHECK(ScannerAccepts(c.text) == c.ok);
    // The fast path walks members and elements with the same bound.
    if (c.text[0] == '{')
      CHECK(hpo::JsonScanner::Members(c.text, [](auto, auto) { return true; }) == c.ok);
    else
      CHECK(hpo::JsonScanner::Elements(c.text, [](auto) { return true; }) == c.ok);
  }
}

TEST_CASE("repeated keys are refused in written inputs and the last one counts in records") {
  const std::string text = R"({"a": {"b": 1, "b": 2}, "c": 3})";
  hpo::ParsedJson refused = hpo::ParseJson(text);
  CHECK_FALSE(refused.ok());
  CHECK(refused.problem == "the key \"b\" occurs twice in one object; keep one");
  hpo::ParsedJson kept = hpo::ParseJson(text, DuplicateKeys::kLastWins);
  REQUIRE(kept.ok());
  CHECK(kept.value == json::parse(text));
  CHECK(kept.value["a"]["b"] == 2);
  // The same key in different objects is no repetition.
  CHECK(hpo::ParseJson(R"({"a": {"x": 1}, "b": {"x": 2}, "x": [{"x": 1}, {"x": 2}]})").ok());
}

TEST_CASE("ParseJson accepts what nlohmann accepts and says why it refuses the rest") {
  for (const char* good : {"0", "\"s\"", "[1, {\"a\": null}]", " {\"a\": [true, 1.5e3]} "}) {
    CAPTURE(good);
    hpo::ParsedJson p = hpo::ParseJson(good);
    REQUIRE(p.ok());
    CHECK(p.value == json::parse(good));
  }
  for (const char* bad : {"", "{\"a\": 1", "NaN", "[1,]", "1 2", "{\"a\": 1e999}"}) {
    CAPTURE(bad);
    hpo::ParsedJson p = hpo::ParseJson(bad);
    CHECK_FALSE(p.ok());
    CHECK(p.problem.rfind("not valid JSON", 0) == 0);
    CHECK(p.value.is_null());
  }
}

TEST_SUITE_END();
