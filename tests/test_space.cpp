// The space: parsing of every distribution, the map from a unit coordinate to a value, and
// the statistical shape of 100,000 draws per distribution (fixed seeds, stated tolerances).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "error.hpp"
#include "sampler.hpp"
#include "space.hpp"
#include "testing.hpp"
#include "yaml_util.hpp"

namespace {

using hpo::Dist;
using hpo::Method;
using hpo::Param;
using hpo::Sampler;
using hpo::Space;
using nlohmann::json;

constexpr int kDraws = 100'000;

Space SpaceOf(const std::string& yaml) {
  return Space::FromYaml(hpo::ParseYaml(yaml, "space.yaml"), "space.yaml");
}

const Param& Only(const Space& space) {
  REQUIRE(space.params().size() == 1);
  return space.params()[0];
}

// kDraws values of the single parameter of `yaml`, drawn by the random sampler with `seed`.
std::vector<json> Draw(const Space& space, std::uint64_t seed = 42,
                       Method method = Method::kRandom) {
  const Param& p = Only(space);
  Sampler sampler(space, seed, method);
  std::vector<double> units;
  std::vector<json> out;
  out.reserve(kDraws);
  for (hpo::TrialId id = 0; id < kDraws; ++id) {
    sampler.Units(id, units);
    out.push_back(p.Value(units.empty() ? 0.0 : units[0]));
  }
  return out;
}

std::vector<double> Doubles(const std::vector<json>& values) {
  std::vector<double> out;
  for (const auto& v : values) {
    REQUIRE(v.is_number());
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("unit");
TEST_CASE("uniform draws stay below high and are uniform") {
  for (Method method : {Method::kRandom, Method::kSobol}) {
    CAPTURE(std::string(hpo::MethodName(method)));
    Space space = SpaceOf("x: {uniform: [-2.5, 4]}");
    std::vector<double> xs = Doubles(Draw(space, 7, method));
    for (double x : xs) {
      REQUIRE(x >= -2.5);
      REQUIRE(x < 4.0);
    }
    // Kolmogorov-Smirnov against U(-2.5, 4): D * sqrt(n) < 2.23 is the 1e-4 level.
    double d = hpo::testing::KsDistance(xs, [](double x) { return (x + 2.5) / 6.5; });
    CHECK(d * std::sqrt(static_cast<double>(xs.size())) < 2.23);
  }
}

TEST_CASE("loguniform draws stay below high and are uniform in log space") {
  for (Method method : {Method::kRandom, Method::kSobol}) {
    CAPTURE(std::string(hpo::MethodName(method)));
    Space space = SpaceOf("lr: {loguniform: [1.0e-4, 1.0e-2]}");
    std::vector<double> xs = Doubles(Draw(space, 42, method));
    std::vector<double> logs;
    for (double x : xs) {
      REQUIRE(x >= 1e-4);
      REQUIRE(x < 1e-2);
      logs.push_back(std::log10(x));
    }
    // KS on log10 values against U(-4, -2), 1e-4 level.
    double d = hpo::testing::KsDistance(logs, [](double l) { return (l + 4) / 2; });
    CHECK(d * std::sqrt(static_cast<double>(logs.size())) < 2.23);
    // And each decade gets half of the draws (binomial, 5 standard errors).
    double below = std::count_if(xs.begin(), xs.end(), [](double x) { return x < 1e-3; });
    CHECK(std::abs(below / kDraws - 0.5) < 5 * std::sqrt(0.25 / kDraws));
  }
}

TEST_CASE("randint includes both ends and draws every integer equally often") {
  Space space = SpaceOf("k: {randint: [-3, 3]}");
  std::map<std::int64_t, double> counts;
  for (const json& v : Draw(space)) {
    REQUIRE(v.is_number_integer());
    std::int64_t k = v.get<std::int64_t>();
    REQUIRE(k >= -3);
    REQUIRE(k <= 3);
    counts[k] += 1;
  }
  REQUIRE(counts.size() == 7);  // both ends reached, nothing else
  std::vector<double> observed, expected;
  for (auto& [k, n] : counts) {
    observed.push_back(n);
    expected.push_back(kDraws / 7.0);
  }
  // Chi-square with 6 degrees of freedom below the 1e-6 critical value.
  CHECK(hpo::testing::ChiSquare(observed, expected) < hpo::testing::ChiSquareCritical(6, 4.75));
}

TEST_CASE("randint with equal ends always gives that value") {
  Space space = SpaceOf("k: {randint: [5, 5]}");
  for (const json& v : Draw(space)) REQUIRE(v == 5);
}

TEST_CASE("loguint includes both ends and is log-spaced") {
  Space space = SpaceOf("units: {loguint: [1, 10]}");
  std::map<std::int64_t, double> counts;
  for (const json& v : Draw(space)) {
    REQUIRE(v.is_number_integer());
    std::int64_t k = v.get<std::int64_t>();
    REQUIRE(k >= 1);
    REQUIRE(k <= 10);
    counts[k] += 1;
  }
  REQUIRE(counts.size() == 10);
  // P(k) = log((k+1)/k) / log(11): a real uniform in log space over [1, 11), floored.
  std::vector<double> observed, expected;
  for (auto& [k, n] : counts) {
    observed.push_back(n);
    expected.push_back(kDraws * std::log((k + 1.0) / k) / std::log(11.0));
  }
  CHECK(hpo::testing::ChiSquare(observed, expected) < hpo::testing::ChiSquareCritical(9, 4.75));
  CHECK(counts[1] > counts[2]);
  CHECK(counts[9] > counts[10] * 0.5);  // the top end is reached often, not by rounding only
}

TEST_CASE("loguint over a wide range stays within its bounds") {
  Space space = SpaceOf("n: {loguint: [16, 1048576]}");
  std::int64_t lo = 1 << 30, hi = 0;
  for (const json& v : Draw(space)) {
    std::int64_t k = v.get<std::int64_t>();
    REQUIRE(k >= 16);
    REQUIRE(k <= 1048576);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  CHECK(lo == 16);
  CHECK(hi > 1000000);
}

TEST_CASE("normal draws match the mean and standard deviation and quantiles") {
  Space space = SpaceOf("z: {normal: [3, 2]}");
  std::vector<double> xs = Doubles(Draw(space, 2024));
  double sum = 0, sum2 = 0;
  for (double x : xs) {
    REQUIRE(std::isfinite(x));
    REQUIRE(std::abs(x - 3) < 2 * 9);  // u is clamped to [1e-16, 1 - 1e-16]: |z| < 8.3
    sum += x;
  }
  double mean = sum / kDraws;
  for (double x : xs) sum2 += (x - mean) * (x - mean);
  double sd = std::sqrt(sum2 / (kDraws - 1));
  // 5 standard errors: SE(mean) = sd/sqrt(n), SE(sd) ~= sd/sqrt(2n).
  CHECK(std::abs(mean - 3) < 5 * 2 / std::sqrt(kDraws));
  CHECK(std::abs(sd - 2) < 5 * 2 / std::sqrt(2.0 * kDraws));
  // The fraction below the true p-quantile is p within 5 binomial standard errors.
  for (double p : {0.001, 0.025, 0.1587, 0.5, 0.8413, 0.975, 0.999}) {
    CAPTURE(p);
    double q = 3 + 2 * hpo::NormalQuantile(p);
    double below = std::count_if(xs.begin(), xs.end(), [&](double x) { return x < q; });
    CHECK(std::abs(below / kDraws - p) < 5 * std::sqrt(p * (1 - p) / kDraws));
  }
}

TEST_CASE("choice draws every element with equal frequency") {
  for (const char* yaml :
       {"act: [relu, tanh, gelu, silu, elu]", "act: {choice: [relu, tanh, gelu, silu, elu]}"}) {
    CAPTURE(std::string(yaml));
    Space space = SpaceOf(yaml);
    const Param& p = Only(space);
    CHECK(p.dist == Dist::kChoice);
    std::map<std::string, double> counts;
    for (const json& v : Draw(space, 11)) counts[v.get<std::string>()] += 1;
    REQUIRE(counts.size() == 5);
    std::vector<double> observed, expected;
    for (auto& [k, n] : counts) {
      observed.push_back(n);
      expected.push_back(kDraws / 5.0);
    }
    CHECK(hpo::testing::ChiSquare(observed, expected) < hpo::testing::ChiSquareCritical(4, 4.75));
  }
}

TEST_CASE("choice keeps the type of each element") {
  Space space =
      SpaceOf("h: [[1024, 512, 256], [2048, 1024, 512], 7, 0.5, \"64\", true, null, {a: 1}]");
  const Param& p = Only(space);
  REQUIRE(p.choices.size() == 8);
  CHECK(p.choices[0] == json::array({1024, 512, 256}));
  CHECK(p.choices[2].is_number_integer());
  CHECK(p.choices[3].is_number_float());
  CHECK(p.choices[4] == json("64"));
  CHECK(p.choices[5] == json(true));
  CHECK(p.choices[6].is_null());
  CHECK(p.choices[7] == json::object({{"a", 1}}));
  std::map<std::string, int> seen;
  for (const json& v : Draw(space)) seen[v.dump()] += 1;
  CHECK(seen.size() == 8);
}

TEST_CASE("quniform values are multiples of q within the bounds") {
  struct Case {
    const char* yaml;
    double low, high, q;
    std::vector<std::string> texts;  // every value, as written in the output
  };
  const Case cases[] = {
      {"x: {quniform: [0, 1, 0.1]}",
       0,
       1,
       0.1,
       {"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"}},
      {"x: {quniform: [0.1, 0.9, 0.2]}", 0.1, 0.9, 0.2, {"0.1", "0.3", "0.5", "0.7", "0.9"}},
      {"x: {quniform: [-1, 1, 0.5]}", -1, 1, 0.5, {"-1.0", "-0.5", "0.0", "0.5", "1.0"}},
      {"x: {quniform: [0, 100, 25]}", 0, 100, 25, {"0", "25", "50", "75", "100"}},
      {"x: {quniform: [1, 10, 2]}", 1, 10, 2, {"1", "3", "5", "7", "9"}},
      {"x: {quniform: [0, 1, 0.4]}", 0, 1, 0.4, {"0.0", "0.4", "0.8"}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.yaml));
    Space space = SpaceOf(c.yaml);
    const Param& p = Only(space);
    Sampler sampler(space, 3, Method::kRandom);
    std::vector<double> units;
    std::map<std::string, int> seen;
    for (hpo::TrialId id = 0; id < kDraws; ++id) {
      sampler.Units(id, units);
      json v = p.Value(units[0]);
      double x = v.get<double>();
      REQUIRE(x >= c.low);
      REQUIRE(x <= c.high);
      double k = (x - c.low) / c.q;
      REQUIRE(std::abs(k - std::round(k)) < 1e-9);
      std::string text;
      p.AppendValue(units[0], text);
      seen[text] += 1;
    }
    std::vector<std::string> texts;
    for (auto& [t, n] : seen) texts.push_back(t);
    std::vector<std::string> want = c.texts;
    std::sort(want.begin(), want.end());
    CHECK(texts == want);  // every multiple reached, none with binary noise (0.30000000000000004)
  }
}

TEST_CASE("quniform with integer bounds and step gives integers") {
  Space space = SpaceOf("x: {quniform: [0, 100, 25]}");
  CHECK(Only(space).integer_valued);
  for (const json& v : Draw(space)) REQUIRE(v.is_number_integer());
  Space real = SpaceOf("x: {quniform: [0, 100, 2.5]}");
  CHECK_FALSE(Only(real).integer_valued);
}

TEST_CASE("fixed values are emitted unchanged") {
  Space space = SpaceOf(
      "input_size: 3883\nname: relu\nrate: 0.5\nnested: {value: {a: [1, 2], b: x}}\n"
      "quoted: \"3883\"\nflag: false\n");
  CHECK(space.dimensions() == 0);
  Sampler sampler(space, 1, Method::kRandom);
  json want = {{"input_size", 3883}, {"name", "relu"},
               {"rate", 0.5},        {"nested", {{"a", {1, 2}}, {"b", "x"}}},
               {"quoted", "3883"},   {"flag", false}};
  for (hpo::TrialId id : {0, 1, 999999}) {
    CHECK(sampler.Config(id) == want);
    std::string line;
    sampler.AppendLine(id, line);
    CHECK(json::parse(line)["config"] == want);
  }
}

TEST_CASE("the space keeps the order of the yaml mapping and counts sampled dimensions") {
  Space space = SpaceOf("zeta: 1\nalpha: {uniform: [0, 1]}\nmid: [a, b]\nbeta: {normal: [0, 1]}\n");
  CHECK(space.names() == std::vector<std::string>{"zeta", "alpha", "mid", "beta"});
  CHECK(space.dimensions() == 3);
  json j = space.ToJson();
  REQUIRE(j.size() == 4);
  CHECK(j[0]["type"] == "fixed");
  CHECK(j[1]["type"] == "uniform");
  CHECK(j[2]["type"] == "choice");
  CHECK(j[3]["type"] == "normal");
  CHECK(space.params()[1].name_hash != space.params()[3].name_hash);
}

TEST_CASE("Value and AppendValue agree for every distribution") {
  Space space = SpaceOf(
      "a: {uniform: [0, 1]}\nb: {loguniform: [1.0e-5, 1.0e-3]}\nc: {randint: [0, 9]}\n"
      "d: {loguint: [1, 1000]}\ne: {normal: [0, 1]}\nf: {quniform: [0, 1, 0.05]}\n"
      "g: [x, [1, 2], 3]\nh: 7\n");
  Sampler sampler(space, 5, Method::kRandom);
  for (hpo::TrialId id = 0; id < 5000; ++id) {
    std::string line;
    sampler.AppendLine(id, line);
    json parsed = json::parse(line);
    REQUIRE(parsed["trial_id"] == id);
    // Shortest round-trip text: parsing it back gives exactly the same doubles.
    REQUIRE(parsed["config"] == sampler.Config(id));
  }
}

TEST_CASE("the edges of the unit interval map inside the bounds") {
  const double kBelowOne = std::nextafter(1.0, 0.0);
  Space space = SpaceOf(
      "a: {uniform: [0.1, 0.2]}\nb: {loguniform: [1.0e-5, 1.0e-3]}\nc: {randint: [0, 9]}\n"
      "d: {loguint: [1, 1000]}\ne: {quniform: [0, 1, 0.3]}\ng: [x, y]\n");
  for (const Param& p : space.params()) {
    CAPTURE(p.name);
    json lo = p.Value(0.0), hi = p.Value(kBelowOne);
    switch (p.dist) {
      case Dist::kUniform:
        CHECK(lo == 0.1);
        CHECK(hi.get<double>() < 0.2);
        break;
      case Dist::kLogUniform:
        CHECK(lo.get<double>() >= 1e-5);
        CHECK(hi.get<double>() < 1e-3);
        break;
      case Dist::kRandInt:
        CHECK(lo == 0);
        CHECK(hi == 9);
        break;
      case Dist::kLogUint:
        CHECK(lo == 1);
        CHECK(hi == 1000);
        break;
      case Dist::kQUniform:
        CHECK(lo == 0.0);
        CHECK(hi == 0.9);
        break;
      case Dist::kChoice:
        CHECK(lo == "x");
        CHECK(hi == "y");
        break;
      default:
        FAIL("unexpected distribution");
    }
  }
}

TEST_CASE("every value of an extreme space is finite and in range, or the space is refused") {
  // Ranges whose width, step count or tails overflow a double or an int64 gave values out of
  // range (randint near 2^63 gave -9223372036854775808), null (quniform with 1e600 steps,
  // normal at 1e308) or always the same value (uniform over +-1.7e308).
  struct Case {
    std::string param;    // the YAML of one parameter `p`
    std::string refusal;  // "" when the space must be accepted; else part of the message
  };
  const std::string kInt53 = "integers from -9007199254740992 to 9007199254740992";
  const Case cases[] = {
      {"{uniform: [-1.7e308, 1.7e308]}", ""},
      {"{uniform: [-1.7976931348623157e308, 1.7976931348623157e308]}", ""},
      {"{uniform: [1.0e308, 1.7e308]}", ""},
      {"{uniform: [0, 4.9e-324]}", ""},
      {"{loguniform: [4.9e-324, 1.7976931348623157e308]}", ""},
      {"{randint: [-9007199254740992, 9007199254740992]}", ""},
      {"{randint: [9007199254740991, 9007199254740992]}", ""},
      {"{randint: [0, 99999999999999999999999]}", kInt53},
      {"{randint: [9223372036854775806, 9223372036854775807]}", kInt53},
      {"{randint: [-9223372036854775808, 0]}", kInt53},
      {"{loguint: [1, 9007199254740992]}", ""},
      {"{loguint: [1, 99999999999999999999]}", kInt53},
      {"{loguint: [9223372036854775806, 9223372036854775807]}", kInt53},
      {"{normal: [0, 1.0e300]}", ""},
      {"{normal: [-1.0e308, 1.0e306]}", ""},
      {"{normal: [0, 1.0e308]}", "would overflow"},
      {"{normal: [1.7e308, 1.0e307]}", "would overflow"},
      {"{quniform: [0, 1.0e300, 1.0e290]}", ""},
      {"{quniform: [0, 9007199254740992, 1]}", ""},
      {"{quniform: [-1.7e308, 1.7e308, 1.0e307]}", "high - low"},
      {"{quniform: [0, 1.0e300, 1.0e-300]}", "steps"},
      {"{quniform: [0, 100000000000000000000, 1]}", "steps"},
      {"{quniform: [0.5, 100000000000000000000.5, 1.5]}", "steps"},
  };
  const double kUnits[] = {0.0, 1e-300, 1e-17, 0.25, 0.5, 1 - 1e-16, std::nextafter(1.0, 0.0)};
  for (const Case& c : cases) {
    CAPTURE(c.param);
    std::string yaml = "p: " + c.param + "\n";
    if (!c.refusal.empty()) {
      CHECK_THROWS_WITH_AS(SpaceOf(yaml), doctest::Contains(c.refusal.c_str()), hpo::Error);
      CHECK_THROWS_WITH_AS(SpaceOf(yaml), doctest::Contains("space.yaml:1: space.p."), hpo::Error);
      continue;
    }
    Space space = SpaceOf(yaml);
    const Param& p = Only(space);
    std::vector<double> units(std::begin(kUnits), std::end(kUnits));
    Sampler sampler(space, 7, Method::kRandom);
    std::vector<double> u;
    for (hpo::TrialId id = 0; id < 20000; ++id) {
      sampler.Units(id, u);
      units.push_back(u[0]);
    }
    std::map<double, int> distinct;
    for (double unit : units) {
      json v = p.Value(unit);
      std::string text;
      p.AppendValue(unit, text);
      CAPTURE(unit);
      CAPTURE(text);
      REQUIRE(v.is_number());
      REQUIRE(json::parse(text) == v);
      double x = v.get<double>();
      REQUIRE(std::isfinite(x));
      distinct[x]++;
      switch (p.dist) {
        case Dist::kUniform:
        case Dist::kLogUniform:
          REQUIRE(x >= p.a);
          REQUIRE((x < p.b || (x == p.a && std::nextafter(p.a, p.b) == p.b)));
          break;
        case Dist::kRandInt:
        case Dist::kLogUint:
        case Dist::kQUniform:
          REQUIRE(x >= p.a);
          REQUIRE(x <= p.b);
          if (p.dist != Dist::kQUniform || p.integer_valued) REQUIRE(v.is_number_integer());
          break;
        default:
          break;
      }
    }
    // A wide range gives many values, not one.
    if (p.b - p.a > 1 || !std::isfinite(p.b - p.a) || p.dist == Dist::kNormal)
      CHECK(distinct.size() > 1000);
  }
}

TEST_CASE("NormalQuantile matches known values") {
  // Reference values from scipy.stats.norm.ppf (double precision).
  struct Known {
    double p, z;
  };
  const Known known[] = {
      {0.5, 0.0},
      {0.975, 1.959963984540054},
      {0.025, -1.9599639845400545},
      {0.8413447460685429, 1.0},
      {0.9, 1.2815515655446004},
      {0.99, 2.3263478740408408},
      {0.999, 3.090232306167813},
      {0.001, -3.090232306167813},
      {0.3, -0.5244005127080409},
      {0.02425, -1.972961051311885},  // the switch between Acklam's central and tail regions
      {0.97575, 1.972961051311885},
      {1e-5, -4.264890793922825},
      {1e-10, -6.361340902404056},
      {1 - 1e-10, 6.361340889697422},  // 1 - 1e-10 is not exact in binary: differs from -z(1e-10)
      {1e-15, -7.941345326170998},
      {1e-16, -8.222082216130435},
  };
  for (const Known& k : known) {
    CAPTURE(k.p);
    // Relative error 1e-13 (Acklam's approximation refined by one Halley step is ~1e-15).
    CHECK(hpo::NormalQuantile(k.p) == doctest::Approx(k.z).epsilon(1e-13));
  }
  // Monotone and antisymmetric on a grid.
  double prev = -1e9;
  for (int i = 1; i < 10000; ++i) {
    double p = i / 10000.0;
    double z = hpo::NormalQuantile(p);
    REQUIRE(z > prev);
    prev = z;
    REQUIRE(z == doctest::Approx(-hpo::NormalQuantile(1 - p)).epsilon(1e-12));
  }
}

TEST_CASE("AppendDouble writes the shortest round-trip text and keeps reals real") {
  struct Case {
    double v;
    const char* text;
  };
  const Case cases[] = {{0.1, "0.1"},
                        {1e-05, "1e-05"},
                        {3.0, "3.0"},
                        {-2.0, "-2.0"},
                        {0.0, "0.0"},
                        {1e300, "1e+300"},
                        {0.3, "0.3"},
                        {123456789.0, "123456789.0"},
                        {0.1 + 0.2, "0.30000000000000004"}};
  for (const Case& c : cases) {
    std::string out = "x";
    hpo::AppendDouble(c.v, out);
    CHECK(out == std::string("x") + c.text);
    CHECK(json::parse(out.substr(1)).get<double>() == c.v);
  }
  std::string nan;
  hpo::AppendDouble(std::nan(""), nan);
  CHECK(nan == "null");
}

TEST_SUITE_END();
