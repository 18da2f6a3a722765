// Rung records on disk (lib/rung_files): names that sort by value, exclusive creates that a
// requeued attempt may repeat, and a listing that reads one value per trial.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "rung_files.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using hpo::Mode;
using hpo::RungEntry;

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("rung entry names spell the value so that names sort best first") {
  struct Case { double value; Mode mode; const char* name; };
  const Case cases[] = {
      {0.0, Mode::kMin, "8000000000000000.3"},
      {-0.0, Mode::kMin, "8000000000000000.3"},
      {1.0, Mode::kMin, "bff0000000000000.3"},
      {-1.0, Mode::kMin, "400fffffffffffff.3"},
      {1.0, Mode::kMax, "400fffffffffffff.3"},  // maximised: negated
      {0.1, Mode::kMin, "bfb999999999999a.3"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    CHECK(hpo::RungEntryName(3, c.value, c.mode) == c.name);
    auto back = hpo::ParseRungEntryName(c.name, c.mode);
    REQUIRE(back);
    CHECK(back->trial == 3);
    CHECK(back->value == (c.value == 0 ? 0.0 : c.value));
  }
}

TEST_CASE("names sort in the order of the values, under both modes") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (Mode mode : {Mode::kMin, Mode::kMax}) {
    std::vector<double> values = {0, -0.0, 1e-300, -1e-300, 1e300, -1e300,
                                  std::numeric_limits<double>::denorm_min()};
    for (int i = 0; i < 500; ++i) values.push_back(u(rng));
    std::vector<std::pair<std::string, double>> named;
    for (double v : values) named.emplace_back(hpo::RungEntryName(1, v, mode).substr(0, 16), v);
    std::sort(named.begin(), named.end());
    for (size_t i = 1; i < named.size(); ++i) {
      CAPTURE(named[i - 1].second);
      CAPTURE(named[i].second);
      if (mode == Mode::kMin) CHECK(named[i - 1].second <= named[i].second);
      else CHECK(named[i - 1].second >= named[i].second);
    }
  }
}

TEST_CASE("only the canonical spelling of a rung entry is read") {
  const char* bad[] = {"", "x", "bff0000000000000", "bff0000000000000.", "bff0000000000000.03",
                       "bff0000000000000.-3", "BFF0000000000000.3", "bff000000000000.3",
                       "bff0000000000000.3.tmp", "bff0000000000000.9999999999999",
                       "fff0000000000000.3",   // the key of +infinity
                       "000fffffffffffff.3",   // the key of -infinity
                       "fff8000000000000.3",   // the key of a NaN
                       "7fffffffffffffff.3",   // -0's key: written as 0's
                       ".hpo-tmp.3"};
  for (std::string name : bad) {
    CAPTURE(name);
    CHECK_FALSE(hpo::ParseRungEntryName(name, Mode::kMin));
  }
}

TEST_CASE("a rung records one value per trial and a repeated record is success") {
  t::ScratchDir dir;
  fs::path rung = dir / "rungs" / "rung_0";
  CHECK(hpo::ReadRung(rung, Mode::kMin).empty());  // no folder yet
  hpo::RecordRungValue(rung, 4, 0.30, Mode::kMin);
  hpo::RecordRungValue(rung, 7, 0.10, Mode::kMin);
  hpo::RecordRungValue(rung, 4, 0.30, Mode::kMin);  // a requeued attempt, same value
  hpo::RecordRungValue(rung, 9, 0.20, Mode::kMin);
  hpo::RecordRungValue(rung, 9, 0.50, Mode::kMin);  // a rerun that came out worse
  std::ofstream(rung / "stray.txt") << "not a value";
  auto entries = hpo::ReadRung(rung, Mode::kMin);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].trial == 4);
  CHECK(entries[0].value == 0.30);
  CHECK(entries[1].trial == 7);
  CHECK(entries[1].value == 0.10);
  CHECK(entries[2].trial == 9);
  CHECK(entries[2].value == 0.20);  // the better of its two values
  CHECK_THROWS_WITH(hpo::RecordRungValue(rung, 5, std::numeric_limits<double>::quiet_NaN(), Mode::kMin),
                    doctest::Contains("finite"));
}

TEST_SUITE_END();
