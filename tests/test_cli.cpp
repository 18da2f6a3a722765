// Numbers from command lines and the environment are parsed strictly: what atoi and stoll
// took as 0 or a prefix ("abc", "5x") is refused.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "cli.hpp"
#include "error.hpp"
#include "slurm.hpp"

TEST_SUITE_BEGIN("unit");

TEST_CASE("whole numbers are parsed strictly and within their range") {
  struct Case {
    const char* text;
    bool ok;
    std::int64_t value;
  };
  const Case cases[] = {{"0", true, 0},    {"7", true, 7},     {"-3", true, -3},
                        {"007", true, 7},  {"100", true, 100}, {"101", false, 0},
                        {"-11", false, 0}, {"", false, 0},     {"-", false, 0},
                        {"abc", false, 0}, {"5x", false, 0},   {" 5", false, 0},
                        {"5 ", false, 0},  {"+5", false, 0},   {"0x10", false, 0},
                        {"1e3", false, 0}, {"1.0", false, 0},  {"99999999999999999999", false, 0}};
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto v = hpo::ParseWholeNumber(c.text, -10, 100);
    CHECK(v.has_value() == c.ok);
    if (c.ok && v) CHECK(*v == c.value);
  }
}

TEST_CASE("finite numbers are parsed whole and refuse nan, inf and junk") {
  CHECK(hpo::ParseFiniteNumber("30") == 30.0);
  CHECK(hpo::ParseFiniteNumber("0.5") == 0.5);
  CHECK(hpo::ParseFiniteNumber("1e3") == 1000.0);
  for (const char* bad : {"", "nan", "inf", "-inf", "1e999", "5s", " 5", "abc"}) {
    CAPTURE(bad);
    CHECK_FALSE(hpo::ParseFiniteNumber(bad).has_value());
  }
}

TEST_CASE("a SLURM_RESTART_COUNT that is not a number is refused, not taken as 0") {
  ::setenv("SLURM_RESTART_COUNT", "2", 1);
  CHECK(hpo::SlurmEnv::FromEnvironment().restart_count == 2);
  ::setenv("SLURM_RESTART_COUNT", "abc", 1);
  CHECK_THROWS_WITH_AS(hpo::SlurmEnv::FromEnvironment(),
                       doctest::Contains("SLURM_RESTART_COUNT='abc' is not a whole number"),
                       hpo::Error);
  ::unsetenv("SLURM_RESTART_COUNT");
  CHECK(hpo::SlurmEnv::FromEnvironment().restart_count == 0);
}

TEST_SUITE_END();
