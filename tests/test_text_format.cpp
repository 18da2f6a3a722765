// Text for people, from tables of cases: short numbers, fixed decimals, configuration
// values, clock offsets, durations and shortening by code points.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "text_format.hpp"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct NumberCase {
  double v;
  int digits;
  const char* text;
};

struct DurationCase {
  double seconds;
  const char* text;
};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("short numbers: significant digits, exponents without padding, large wholes in full") {
    const NumberCase cases[] = {
        {0, 4, "0"},
        {-0.0, 4, "0"},
        {1, 4, "1"},
        {0.5, 4, "0.5"},
        {3.14159265, 4, "3.142"},
        {3.14159265, 6, "3.14159"},
        {-2.5, 4, "-2.5"},
        {999.96, 4, "1000"},     // %g rounds up to four digits
        {1234.5, 4, "1234"},     // from 1000 on: whole, not "1.234e+03"
        {20000, 4, "20000"},
        {999999, 4, "999999"},
        {1e6, 4, "1e6"},
        {1.5e7, 4, "1.5e7"},
        {-2.25e9, 4, "-2.25e9"},
        {0.001, 4, "0.001"},
        {0.00099, 4, "9.9e-4"},  // below 1e-3: exponent
        {1e-5, 4, "1e-5"},
        {1.23456e-5, 4, "1.235e-5"},
        {1.7976931348623157e308, 4, "1.798e308"},
        {std::nan(""), 4, "nan"},
        {kInf, 4, "inf"},
        {-kInf, 4, "-inf"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.v);
      CAPTURE(c.digits);
      CHECK(hpo::ShortNumber(c.v, c.digits) == c.text);
    }
  }

  TEST_CASE("fixed decimals") {
    CHECK(hpo::FormatFixed(3.046, 2) == "3.05");
    CHECK(hpo::FormatFixed(2, 1) == "2.0");
    CHECK(hpo::FormatFixed(1.0 / 3, 3) == "0.333");
  }

  TEST_CASE("configuration values: strings bare, reals short, null empty, the rest as JSON") {
    using nlohmann::json;
    const std::pair<json, const char*> cases[] = {
        {json("adam"), "adam"},
        {json(""), ""},
        {json(0.1), "0.1"},
        {json(0.00421736264), "0.00421736"},
        {json(5.9037878546936485e-05), "5.90379e-5"},
        {json(3), "3"},
        {json(-7), "-7"},
        {json(true), "true"},
        {json(nullptr), ""},
        {json::array({1024, 512}), "[1024,512]"},
        {json::object({{"a", 1}}), "{\"a\":1}"},
    };
    for (const auto& [v, text] : cases) {
      CAPTURE(v.dump());
      CHECK(hpo::ValueText(v) == text);
    }
  }

  TEST_CASE("clock offsets on a time axis") {
    const DurationCase cases[] = {
        {0, "0"},
        {0.4, "0.4s"},  // below 10 s, fractions keep three digits
        {2.5, "2.5s"},
        {5, "5s"},
        {45, "45s"},
        {59.6, "1m"},  // rounded to whole seconds first
        {60, "1m"},
        {150, "2m30s"},
        {300, "5m"},
        {3600, "1h"},
        {5400, "1h30"},
        {3660, "1h01"},
        {86400, "1d"},
        {86400 + 6 * 3600, "1d06h"},
        {2 * 86400 + 59, "2d"},  // minutes are not shown in days
        {-90, "-1m30s"},
        {-2.5, "-2.5s"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.seconds);
      CHECK(hpo::ClockLabel(c.seconds) == c.text);
    }
  }

  TEST_CASE("durations for people") {
    const DurationCase cases[] = {
        {0, "0.0 s"},
        {4.44, "4.4 s"},
        {9.96, "10.0 s"},  // "%.1f" below 10 s
        {12.4, "12 s"},
        {59.4, "59 s"},
        {60, "1 min 00 s"},
        {245, "4 min 05 s"},
        {3599.4, "59 min 59 s"},
        {3599.6, "1 h 00 min"},  // rounded to whole seconds before choosing the unit
        {3 * 3600 + 7 * 60 + 30, "3 h 07 min"},
        {86399, "23 h 59 min"},
        {86400, "1 d 00 h"},
        {2 * 86400 + 4 * 3600, "2 d 04 h"},
        {-5, "0.0 s"},
        {std::nan(""), "0.0 s"},
        {kInf, "0.0 s"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.seconds);
      CHECK(hpo::FormatDuration(c.seconds) == c.text);
    }
  }

  TEST_CASE("shortening counts code points and never splits a UTF-8 sequence") {
    const std::string ell = "\xe2\x80\xa6";
    CHECK(hpo::Shorten("abc", 3) == "abc");
    CHECK(hpo::Shorten("abcd", 3) == "abc" + ell);
    CHECK(hpo::Shorten("", 0) == "");
    CHECK(hpo::Shorten("a", 0) == ell);
    CHECK(hpo::Shorten("λünï日本", 4) == "λünï" + ell);
    CHECK(hpo::Shorten("日本語", 3) == "日本語");
    CHECK(hpo::Shorten("🙂🙂🙂", 2) == "🙂🙂" + ell);
  }
}
