// The allocation-free JSON scanner of the hot read paths, checked against nlohmann::json:
// it must accept exactly what nlohmann accepts (or refuse more, never less), convert values
// to the same numbers and strings, and write numbers and strings that read back exactly.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "json_scan.hpp"

namespace {

using nlohmann::json;

// True when the scanner takes `text` as one whole JSON value.
bool ScannerAccepts(const std::string& text) {
  hpo::JsonScanner sc(text);
  return sc.Value().has_value() && sc.AtEnd();
}

const char* const kValid[] = {"0",
                              "-0",
                              "1",
                              "-12",
                              "3.25",
                              "1e5",
                              "1E+5",
                              "2.5e-3",
                              "123456789012345678901234567890",
                              "true",
                              "false",
                              "null",
                              "\"\"",
                              "\"a\"",
                              "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
                              "\"\\u00e9\"",
                              "\"\\ud83d\\ude00\"",
                              "\"caf\xc3\xa9\"",
                              "\"\xf0\x9f\x98\x80 \xe2\x82\xac\"",
                              "\"a\\n\xc3\xa9\"",
                              "[]",
                              "{}",
                              "[1,2,[3,{}]]",
                              " { \"a\" : [ 1 , 2 ] } ",
                              "{\"a\":{\"b\":{\"c\":null}}}",
                              "{\"\":0}",
                              "\t\n\r 7 \t\n\r"};

const char* const kInvalid[] = {
    "", " ", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "tru", "nul",
    "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\nb\"", "\"tab\there\"", "[1,]", "[,1]",
    "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[1 2]", "{\"a\":1", "[", "]", "1 2", "[1]]",
    "{'a':1}",
    // Strings that are not well-formed UTF-8, or hold a lone surrogate escape.
    "\"\xff\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
    "\"a\\n\xe2\x82\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"",
    // Numbers too large for a double.
    "1e400", "-1E+400", "[1, 2e999]"};

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("the scanner accepts the JSON nlohmann accepts and refuses the rest") {
  for (const char* text : kValid) {
    INFO("text: " << text);
    REQUIRE(json::accept(text));
    CHECK(ScannerAccepts(text));
  }
  for (const char* text : kInvalid) {
    INFO("text: " << text);
    REQUIRE_FALSE(json::accept(text));
    CHECK_FALSE(ScannerAccepts(text));
  }
}

TEST_CASE("a value's text is returned exactly, and white space inside it is noticed") {
  hpo::JsonScanner compact("{\"a\":[1,\"x y\"]}  ");
  CHECK(compact.Value() == std::string_view("{\"a\":[1,\"x y\"]}"));
  CHECK_FALSE(compact.saw_space());  // the space inside the string does not count
  hpo::JsonScanner spaced("{\"a\": [1, 2]}");
  CHECK(spaced.Value().has_value());
  CHECK(spaced.saw_space());
}

TEST_CASE("members and elements are walked in order, with their raw text") {
  std::vector<std::string> seen;
  CHECK(hpo::JsonScanner::Members(R"({"a":1, "b\"q":[2,3],"c":{"d":null}})",
                                  [&](std::string_view k, std::string_view v) {
                                    seen.push_back(std::string(k) + "=" + std::string(v));
                                    return true;
                                  }));
  CHECK(seen == std::vector<std::string>{"a=1", "b\\\"q=[2,3]", "c={\"d\":null}"});
  CHECK(hpo::JsonKey("b\\\"q") == "b\"q");
  seen.clear();
  CHECK(hpo::JsonScanner::Elements("[1, \"two\", [3]]", [&](std::string_view v) {
    seen.emplace_back(v);
    return true;
  }));
  CHECK(seen == std::vector<std::string>{"1", "\"two\"", "[3]"});
  // Malformed objects and arrays, and a callback that stops the walk.
  auto any = [](std::string_view, std::string_view) { return true; };
  CHECK_FALSE(hpo::JsonScanner::Members("{\"a\":1,}", any));
  CHECK_FALSE(hpo::JsonScanner::Members("[1]", any));
  CHECK_FALSE(hpo::JsonScanner::Members("{\"a\":1} x", any));
  CHECK_FALSE(hpo::JsonScanner::Elements("[1,]", [](std::string_view) { return true; }));
  CHECK_FALSE(hpo::JsonScanner::Members("{\"a\":1}",
                                        [](std::string_view, std::string_view) { return false; }));
}

TEST_CASE("numbers convert as nlohmann converts them") {
  for (const char* text :
       {"0", "-0", "12", "-3.5", "1e-7", "6.02214076e23", "0.1", "1e308", "123456789012345678"}) {
    INFO("text: " << text);
    REQUIRE(hpo::JsonNumber(text).has_value());
    CHECK(*hpo::JsonNumber(text) == json::parse(text).get<double>());
  }
  CHECK_FALSE(hpo::JsonNumber("\"1\"").has_value());
  CHECK_FALSE(hpo::JsonNumber("1e999").has_value());  // too large: nlohmann refuses it
  // An underflow is zero, and "-0" (an integer to nlohmann) is +0, as nlohmann reads them.
  for (const char* text : {"1e-400", "-1e-400", "-0", "-0.0", "4.9e-324"}) {
    INFO("text: " << text);
    REQUIRE(hpo::JsonNumber(text).has_value());
    double want = json::parse(text).get<double>();
    CHECK(*hpo::JsonNumber(text) == want);
    CHECK(std::signbit(*hpo::JsonNumber(text)) == std::signbit(want));
  }
  CHECK(ScannerAccepts("1e-400"));
  CHECK_FALSE(hpo::JsonNumber("").has_value());
  CHECK_FALSE(hpo::JsonNumber("1x").has_value());
  CHECK(hpo::JsonInteger("-42") == -42);
  CHECK_FALSE(hpo::JsonInteger("4.0").has_value());
  CHECK_FALSE(hpo::JsonInteger("99999999999999999999").has_value());
}

TEST_CASE("numbers are written shortest, read back exactly, and laid out as nlohmann does") {
  std::mt19937_64 rng(7);
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                -1.0,
                                0.1,
                                1e-5,
                                1e-4,
                                123456789012345.0,
                                1234567890123456.0,
                                1e15,
                                1e16,
                                1e21,
                                5e-324,
                                1.7976931348623157e308,
                                1700000000.0,
                                0.0671545575537233};
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
    values.push_back(
        std::ldexp(static_cast<double>(rng() % 1000000), static_cast<int>(rng() % 80) - 40));
  }
  for (double d : values) {
    std::string ours;
    hpo::AppendJsonNumber(ours, d);
    std::string theirs = json(d).dump();
    INFO("value " << theirs << " written as " << ours);
    REQUIRE(json::accept(ours));
    CHECK(json::parse(ours).get<double>() == d);
    CHECK(std::signbit(json::parse(ours).get<double>()) == std::signbit(d));
    CHECK(ours.size() <= theirs.size());
    // The same layout: fixed or exponent, and integral values keep their ".0".
    CHECK((ours.find('e') == std::string::npos) == (theirs.find('e') == std::string::npos));
    CHECK((ours.find('.') == std::string::npos) == (theirs.find('.') == std::string::npos));
  }
  std::string inf;
  hpo::AppendJsonNumber(inf, HUGE_VAL);
  CHECK(inf == "null");
}

TEST_CASE("strings are unescaped as nlohmann does and written so that they read back") {
  for (const char* text :
       {"\"plain\"", "\"q\\\"b\\\\s\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\u0041\\u00e9\\u20ac\"",
        "\"\\ud83d\\ude00 smile\"", "\"caf\xc3\xa9 <&>\""}) {
    INFO("text: " << text);
    CHECK(hpo::JsonString(text) == json::parse(text).get<std::string>());
  }
  CHECK_FALSE(hpo::JsonString("\"\\ud83d alone\"").has_value());  // a lone surrogate
  CHECK_FALSE(hpo::JsonString("12").has_value());
  CHECK_FALSE(hpo::JsonString("\"ab\\\"").has_value());  // a lone backslash at the end (never scanned)
  CHECK(hpo::JsonText("null") == "");
  CHECK(hpo::JsonText("\"a\\nb\"") == "a\nb");
  CHECK(hpo::JsonText("[1,2]") == "[1,2]");

  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      switch (rng() % 4) {
        case 0:
          s += static_cast<char>(rng() % 32);
          break;  // control characters
        case 1:
          s += "\"\\/"[rng() % 3];
          break;
        case 2:
          s += "\xc3\xa9";
          break;  // UTF-8
        default:
          s += static_cast<char>('a' + rng() % 26);
      }
    }
    std::string written;
    hpo::AppendJsonString(written, s);
    INFO("string written as " << written);
    REQUIRE(json::accept(written));
    CHECK(json::parse(written).get<std::string>() == s);
    CHECK(hpo::JsonString(written) == s);
    CHECK(written.find_first_of("\t\n\r") == std::string::npos);
  }
}

TEST_SUITE_END();
