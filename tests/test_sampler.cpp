// Samplers: trial i is a pure function of (space, seed, i); the random method hashes the
// parameter name; Sobol' points are stratified.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "sampler.hpp"
#include "sobol_table.hpp"
#include "space.hpp"
#include "testing.hpp"
#include "yaml_util.hpp"

namespace {

using hpo::Method;
using hpo::Sampler;
using hpo::Space;
using hpo::TrialId;
using nlohmann::json;
namespace t = hpo::testing;

// The seed README's MLP space (hpo/config/mlp_example.py).
constexpr const char* kSeedSpace =
    "input_size: 3883\n"
    "output_size: 214\n"
    "hidden_sizes: [[1024, 512, 256], [2048, 1024, 512]]\n"
    "lr: {loguniform: [1.0e-4, 1.0e-2]}\n"
    "weight_decay: {loguniform: [1.0e-5, 1.0e-3]}\n"
    "batch_size: [32, 64, 128]\n"
    "max_epochs: [50, 100]\n";

Space SpaceOf(const std::string& yaml) {
  return Space::FromYaml(hpo::ParseYaml(yaml, "space.yaml"), "space.yaml");
}

std::string Lines(const Sampler& sampler, TrialId first, TrialId count) {
  std::string out;
  for (TrialId id = first; id < first + count; ++id) sampler.AppendLine(id, out);
  return out;
}

// A space of `dims` uniform [0, 1) parameters named p00, p01, ...
Space UnitCube(int dims) {
  std::string yaml;
  for (int d = 0; d < dims; ++d) {
    char name[8];
    std::snprintf(name, sizeof name, "p%02d", d);
    yaml += std::string(name) + ": {uniform: [0, 1]}\n";
  }
  return SpaceOf(yaml);
}

// points[i][d]: unit coordinates of trials first .. first+count-1.
std::vector<std::vector<double>> Points(const Sampler& sampler, TrialId first, TrialId count) {
  std::vector<std::vector<double>> points(static_cast<size_t>(count));
  for (TrialId i = 0; i < count; ++i) sampler.Units(first + i, points[static_cast<size_t>(i)]);
  return points;
}

// True when each of the 2^k intervals [j/2^k, (j+1)/2^k) holds exactly one of the first 2^k
// points, in dimension `dim`.
bool Balanced1D(const std::vector<std::vector<double>>& points, size_t dim, int k) {
  size_t n = size_t{1} << k;
  std::vector<int> count(n, 0);
  for (size_t i = 0; i < n; ++i) {
    double u = points[i][dim];
    if (!(u >= 0 && u < 1)) return false;
    ++count[static_cast<size_t>(std::ldexp(u, k))];
  }
  for (int c : count)
    if (c != 1) return false;
  return true;
}

// True when every cell of the 2^a x 2^b grid holds exactly 2^(m-a-b) of the first 2^m points
// in the projection on dimensions (i, j).
bool BalancedGrid(const std::vector<std::vector<double>>& points, size_t i, size_t j, int m, int a,
                  int b) {
  std::vector<int> count(size_t{1} << (a + b), 0);
  for (size_t p = 0; p < (size_t{1} << m); ++p) {
    size_t x = static_cast<size_t>(std::ldexp(points[p][i], a));
    size_t y = static_cast<size_t>(std::ldexp(points[p][j], b));
    ++count[(x << b) | y];
  }
  for (int c : count)
    if (c != 1 << (m - a - b)) return false;
  return true;
}

// Degree of the primitive polynomial of Sobol' dimension d (dimension 0, van der Corput,
// counts as degree 1): primitive polynomials over GF(2) number 1, 1, 2, 2, 6, 6, 18, 16 for
// degrees 1..8 and are taken in order of degree.
int SobolDegree(size_t d) {
  if (d == 0) return 1;
  const int per_degree[] = {1, 1, 2, 2, 6, 6, 18, 16};
  size_t seen = 0;
  for (int deg = 1; deg <= 8; ++deg) {
    seen += per_degree[deg - 1];
    if (d <= seen) return deg;
  }
  return 99;
}

// Upper bound on the t-value of the 2-D projection (i, j), i < j, of the first 2^m points,
// m <= 12: what bench/sobol/gen_directions --report measured on the unscrambled net of the
// table in lib/sobol_table.hpp (largest over the pairs within the first 8, 16, 32 dimensions),
// or the bound every Sobol' sequence has, t <= (e_i - 1) + (e_j - 1) for primitive
// polynomials of degrees e_i, e_j, when smaller.
int SobolTBound(size_t i, size_t j) {
  int measured = j < 8 ? 3 : j < 16 ? 4 : 5;
  return std::min(measured, (SobolDegree(i) - 1) + (SobolDegree(j) - 1));
}

}  // namespace

TEST_SUITE_BEGIN("unit");
TEST_CASE("the same seed gives byte-identical output") {
  Space space = SpaceOf(kSeedSpace);
  for (Method method : {Method::kRandom, Method::kSobol}) {
    CAPTURE(std::string(hpo::MethodName(method)));
    Sampler a(space, 42, method), b(space, 42, method);
    std::string la = Lines(a, 0, 1000), lb = Lines(b, 0, 1000);
    CHECK(t::Lines(la).size() == 1000);
    CHECK(la == lb);
    // A space parsed again from the same text samples the same values.
    Space again = SpaceOf(kSeedSpace);
    Sampler c(again, 42, method);
    CHECK(Lines(c, 0, 1000) == la);
  }
}

TEST_CASE("a different seed gives different output") {
  Space space = SpaceOf(kSeedSpace);
  for (Method method : {Method::kRandom, Method::kSobol}) {
    CAPTURE(std::string(hpo::MethodName(method)));
    Sampler a(space, 42, method), b(space, 43, method);
    std::vector<std::string> la = t::Lines(Lines(a, 0, 1000)), lb = t::Lines(Lines(b, 0, 1000));
    REQUIRE(la.size() == lb.size());
    int same = 0;
    for (size_t i = 0; i < la.size(); ++i) same += la[i] == lb[i];
    // Lines can coincide only if every categorical matches and lr, weight_decay are equal
    // to the last bit.
    CHECK(same == 0);
  }
}

TEST_CASE("trial i is the same whether drawn in a batch or alone") {
  Space space = SpaceOf(kSeedSpace);
  for (Method method : {Method::kRandom, Method::kSobol}) {
    CAPTURE(std::string(hpo::MethodName(method)));
    Sampler batch(space, 42, method);
    std::vector<std::string> all = t::Lines(Lines(batch, 0, 150));
    Sampler later(space, 42, method);
    // Drawn in reverse order by another sampler, one at a time.
    for (TrialId id = 149; id >= 100; --id) {
      std::string one;
      later.AppendLine(id, one);
      REQUIRE(one == all[static_cast<size_t>(id)] + "\n");
    }
  }
}

TEST_CASE("hpo-sample prints the same trials with --start as in one batch") {
  t::ScratchDir dir;
  auto cfg = dir.Write(
      "hpo.yaml", std::string("space:\n") + [] {
        std::string indented;
        for (const std::string& line : t::Lines(kSeedSpace)) indented += "  " + line + "\n";
        return indented;
      }() + "hpo:\n  seed: 42\n");
  for (const char* method : {"random", "sobol"}) {
    CAPTURE(std::string(method));
    t::RunResult batch = t::RunProgram(
        {t::ToolPath("hpo-sample").string(), "-c", cfg.string(), "-n", "150", "--method", method},
        dir.path());
    REQUIRE(batch.exit_code == 0);
    CHECK(batch.err.empty());
    t::RunResult tail = t::RunProgram({t::ToolPath("hpo-sample").string(), "-c", cfg.string(),
                                       "--start", "100", "-n", "50", "--method", method},
                                      dir.path());
    REQUIRE(tail.exit_code == 0);
    std::vector<std::string> all = t::Lines(batch.out), last = t::Lines(tail.out);
    REQUIRE(all.size() == 150);
    REQUIRE(last.size() == 50);
    CHECK(std::vector<std::string>(all.begin() + 100, all.end()) == last);
    CHECK(json::parse(last[0])["trial_id"] == 100);
    // The same lines as the library's sampler.
    Space space = SpaceOf(kSeedSpace);
    Sampler sampler(space, 42, *hpo::ParseMethod(method));
    CHECK(Lines(sampler, 0, 150) == batch.out);
  }
}

TEST_CASE("adding a parameter does not change the values of the others") {
  Space before = SpaceOf(
      "lr: {loguniform: [1.0e-4, 1.0e-2]}\nbatch_size: [32, 64, 128]\nz: {normal: [0, 1]}\n");
  // New parameters before, between and after the existing ones; a fixed one too.
  Space after = SpaceOf(
      "dropout: {uniform: [0, 0.5]}\nlr: {loguniform: [1.0e-4, 1.0e-2]}\nlayers: {randint: [1, "
      "4]}\nbatch_size: [32, 64, 128]\nseed_note: 1\nz: {normal: [0, 1]}\nact: [relu, tanh]\n");
  Sampler a(before, 42, Method::kRandom), b(after, 42, Method::kRandom);
  for (TrialId id = 0; id < 1000; ++id) {
    json ca = a.Config(id), cb = b.Config(id);
    for (const char* name : {"lr", "batch_size", "z"}) {
      CAPTURE(std::string(name));
      REQUIRE(ca[name] == cb[name]);
    }
  }
}

TEST_CASE("random unit coordinates are uniform and independent across parameters") {
  Space space = UnitCube(2);
  Sampler sampler(space, 99, Method::kRandom);
  // 16 x 16 grid of (u0, u1) over 100,000 trials: chi-square with 255 degrees of freedom at
  // the 1e-6 level.
  const int kN = 100'000;
  std::vector<double> observed(256, 0), expected(256, kN / 256.0);
  std::vector<double> u;
  for (TrialId id = 0; id < kN; ++id) {
    sampler.Units(id, u);
    REQUIRE(u.size() == 2);
    REQUIRE(u[0] >= 0);
    REQUIRE(u[0] < 1);
    observed[static_cast<size_t>(u[0] * 16) * 16 + static_cast<size_t>(u[1] * 16)] += 1;
  }
  CHECK(t::ChiSquare(observed, expected) < t::ChiSquareCritical(255, 4.75));
}

TEST_CASE("sobol points are balanced in every dimension for the first 2^k points") {
  // Any Sobol' sequence (whatever the direction numbers) and any nested scramble of it puts
  // exactly one of the first 2^k points in each interval [j/2^k, (j+1)/2^k).
  const int kDims = 16;
  Space space = UnitCube(kDims);
  for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 123456789ULL}) {
    CAPTURE(seed);
    Sampler sampler(space, seed, Method::kSobol);
    auto points = Points(sampler, 0, 1 << 12);
    for (int k = 4; k <= 12; ++k)
      for (size_t d = 0; d < kDims; ++d) {
        CAPTURE(k);
        CAPTURE(d);
        CHECK(Balanced1D(points, d, k));
      }
  }
}

TEST_CASE("sobol blocks that extend a campaign with --start are balanced too") {
  // Points j*2^k .. (j+1)*2^k - 1 form a digitally shifted net: still one per interval.
  Space space = UnitCube(8);
  Sampler sampler(space, 42, Method::kSobol);
  for (TrialId first : {256, 512, 768, 3840}) {
    CAPTURE(first);
    auto points = Points(sampler, first, 256);
    for (size_t d = 0; d < 8; ++d) CHECK(Balanced1D(points, d, 8));
  }
}

TEST_CASE("unscrambled sobol bits are balanced and dimension 0 is van der Corput") {
  for (std::uint64_t i = 0; i < 256; ++i) {
    std::uint32_t rev = 0;
    for (int b = 0; b < 8; ++b)
      if (i >> b & 1) rev |= 1u << (31 - b);
    REQUIRE(Sampler::SobolBits(i, 0) == rev);
  }
  for (size_t d = 0; d < 32; ++d) {
    CAPTURE(d);
    std::set<std::uint32_t> top;
    for (std::uint64_t i = 0; i < 1024; ++i) top.insert(Sampler::SobolBits(i, d) >> 22);
    CHECK(top.size() == 1024);  // the first 2^10 points hit all 2^10 intervals
  }
}

TEST_CASE("the first sobol dimensions use the searched initial direction numbers") {
  // v_k = SobolBits(2^k, d) = m_k * 2^(31-k): the table's m_1..m_s, then the recurrence.
  namespace table = hpo::sobol_table;
  CHECK(table::kDims >= 32);
  for (size_t d = 1; d < table::kDims; ++d) {
    CAPTURE(d);
    const table::Entry& e = table::kEntries[d - 1];
    int s = 31 - __builtin_clz(e.poly);
    CHECK(s == SobolDegree(d));
    for (int k = 0; k < s; ++k) {
      CAPTURE(k);
      CHECK((Sampler::SobolBits(std::uint64_t{1} << k, d) >> (31 - k)) == e.m[k]);
    }
  }
  // Dimension 1 is the standard one: polynomial x + 1, m_k = 1, 3, 5, 15, 17, 51, 85, 255.
  const std::uint32_t dim1[] = {1, 3, 5, 15, 17, 51, 85, 255};
  for (int k = 0; k < 8; ++k)
    CHECK((Sampler::SobolBits(std::uint64_t{1} << k, 1) >> (31 - k)) == dim1[k]);
}

TEST_CASE("sobol 2D projections of the first 32 dimensions have small t-values") {
  // The first 2^m points of the projection on dimensions (i, j) form a (t, m, 2)-net: exactly
  // 2^t points in every dyadic box [a/2^p, (a+1)/2^p) x [b/2^q, (b+1)/2^q) with p + q = m - t.
  // Owen scrambling keeps that. With the searched direction numbers, for every m <= 12,
  // t <= 3 within the first 8 dimensions, 4 within 16 and 5 within 32 (the hash-chosen
  // numbers they replace: 5, 6 and 9; whatever the initial numbers, some pair of the first 6
  // dimensions has t >= 3 for some m <= 8: gen_directions --limits); dimensions 0 and 1
  // have t = 0.
  const int kDims = 32;
  Space space = UnitCube(kDims);
  for (std::uint64_t seed : {0ULL, 42ULL}) {
    CAPTURE(seed);
    Sampler sampler(space, seed, Method::kSobol);
    auto points = Points(sampler, 0, 1 << 12);
    for (size_t i = 0; i < kDims; ++i)
      for (size_t j = i + 1; j < kDims; ++j) {
        int tval = SobolTBound(i, j);
        for (int m = tval; m <= 12; ++m) {
          int failed = 0;
          for (int a = 0; a <= m - tval; ++a)
            failed += !BalancedGrid(points, i, j, m, a, m - tval - a);
          CAPTURE(i);
          CAPTURE(j);
          CAPTURE(m);
          CHECK(failed == 0);
        }
      }
  }
}

TEST_CASE("sobol 2D projections: 16x16 balance of the first 256 points") {
  // One point in each of the 16 x 16 cells (the p = q = 4 boxes of m = 8 above) for 21 of the
  // 28 pairs of the first 8 dimensions, 74 of the 120 within 16 and 253 of the 496 within 32
  // (hash-chosen numbers: 18, 60, 179). Not every pair can: t = 0 is guaranteed only for
  // dimensions 0 and 1, no initial numbers of dimension 3 or 4 (degree 3) balance it against
  // both dimensions 0 and 1, and at most 23 of the 28 pairs are balanced whatever the initial
  // numbers of dimensions 2..7 (exhaustive searches: bench/sobol/gen_directions --limits).
  Space space = UnitCube(32);
  for (std::uint64_t seed : {0ULL, 42ULL}) {
    CAPTURE(seed);
    Sampler sampler(space, seed, Method::kSobol);
    auto points = Points(sampler, 0, 256);
    int balanced[3] = {0, 0, 0};
    std::string which;
    for (size_t i = 0; i < 32; ++i)
      for (size_t j = i + 1; j < 32; ++j)
        if (BalancedGrid(points, i, j, 8, 4, 4)) {
          for (int g = 0; g < 3; ++g) balanced[g] += j < (size_t{8} << g);
          if (j < 8) which += " (" + std::to_string(i) + "," + std::to_string(j) + ")";
        }
    MESSAGE(balanced[0] << " of 28 pairs of the first 8 dimensions balanced:" << which << "; "
                        << balanced[1] << " of 120 within 16, " << balanced[2]
                        << " of 496 within 32");
    CHECK(BalancedGrid(points, 0, 1, 8, 4, 4));
    CHECK(balanced[0] >= 21);
    CHECK(balanced[1] >= 74);
    CHECK(balanced[2] >= 253);
  }
}

TEST_CASE("sobol points cover the space better than random points") {
  // Star discrepancy is costly; the worst 1D gap is a cheap proxy: for 1024 Sobol' points the
  // largest gap between sorted coordinates is at most 2/1024 (one point per 1/1024 interval),
  // while 1024 random points leave gaps several times larger.
  Space space = UnitCube(4);
  auto max_gap = [](std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    double g = xs.front();
    for (size_t i = 1; i < xs.size(); ++i) g = std::max(g, xs[i] - xs[i - 1]);
    return std::max(g, 1 - xs.back());
  };
  Sampler sobol(space, 7, Method::kSobol), random(space, 7, Method::kRandom);
  auto ps = Points(sobol, 0, 1024), pr = Points(random, 0, 1024);
  for (size_t d = 0; d < 4; ++d) {
    std::vector<double> xs, xr;
    for (size_t i = 0; i < 1024; ++i) {
      xs.push_back(ps[i][d]);
      xr.push_back(pr[i][d]);
    }
    CHECK(max_gap(xs) < 2.0 / 1024);
    CHECK(max_gap(xr) > 3.0 / 1024);
  }
}

TEST_CASE("the method names round trip") {
  for (Method m : {Method::kRandom, Method::kSobol})
    CHECK(hpo::ParseMethod(hpo::MethodName(m)) == m);
  CHECK_FALSE(hpo::ParseMethod("Sobol").has_value());
  CHECK_FALSE(hpo::ParseMethod("").has_value());
  CHECK_FALSE(hpo::ParseMethod("grid").has_value());
}

TEST_CASE("trial ids at the top of the range sample normally") {
  Space space = SpaceOf(kSeedSpace);
  for (Method method : {Method::kRandom, Method::kSobol}) {
    Sampler sampler(space, 42, method);
    std::string line;
    sampler.AppendLine(hpo::kMaxTrialId, line);
    json j = json::parse(line);
    CHECK(j["trial_id"] == hpo::kMaxTrialId);
    CHECK(j["config"]["lr"].get<double>() >= 1e-4);
    CHECK(j["config"]["lr"].get<double>() < 1e-2);
  }
}

TEST_SUITE_END();
