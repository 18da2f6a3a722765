#include "sampler.hpp"

#include <array>
#include <charconv>
#include <mutex>

#include "sobol_table.hpp"

namespace hpo {
namespace {

constexpr double kTwoPow53Inv = 1.0 / 9007199254740992.0;

// Direction numbers v[k] (k = 0..31) of one Sobol' dimension.
using Directions = std::array<std::uint32_t, 32>;

// Degree of a polynomial over GF(2) stored as bits.
int Degree(std::uint64_t p) { return 63 - __builtin_clzll(p); }

// (a * b) mod p over GF(2), deg(a), deg(b) < deg(p) <= 31.
std::uint64_t MulMod(std::uint64_t a, std::uint64_t b, std::uint64_t p) {
  int d = Degree(p);
  std::uint64_t r = 0;
  while (b) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a >> d & 1) a ^= p;
  }
  return r;
}

std::uint64_t PowMod(std::uint64_t e, std::uint64_t p) {
  std::uint64_t result = 1, base = 2;  // the polynomial x
  if (Degree(p) == 1) base = 2 ^ p;    // x mod (x + 1) = 1
  while (e) {
    if (e & 1) result = MulMod(result, base, p);
    base = MulMod(base, base, p);
    e >>= 1;
  }
  return result;
}

// A polynomial with constant term 1 is primitive iff x has order exactly 2^d - 1 modulo it
// (a reducible modulus has fewer than 2^d - 1 units, so the order test implies irreducible).
bool IsPrimitive(std::uint64_t p) {
  int d = Degree(p);
  if (!(p & 1)) return false;
  std::uint64_t n = (1ULL << d) - 1;
  if (PowMod(n, p) != 1) return false;
  std::uint64_t m = n;
  for (std::uint64_t f = 2; f * f <= m; ++f) {
    if (m % f) continue;
    while (m % f == 0) m /= f;
    if (PowMod(n / f, p) == 1) return false;
  }
  if (m > 1 && PowMod(n / m, p) == 1) return false;
  return true;
}

// Directions of dimension `dim`: dimension 0 is van der Corput; dimension j >= 1 uses the
// j-th primitive polynomial (by degree, then value) with odd initial numbers m_k < 2^k.
// Any such choice gives a valid (t,s)-sequence: every dimension's first 2^k points fall one
// in each interval of width 2^-k. For dimensions below sobol_table::kDims the numbers come
// from sobol_table.hpp, searched offline (bench/sobol/gen_directions.cpp) for small t-values
// of the 2-D projections; beyond it they are chosen by a fixed hash.
Directions MakeDirections(size_t dim) {
  Directions v{};
  if (dim == 0) {
    for (int k = 0; k < 32; ++k) v[k] = 1u << (31 - k);
    return v;
  }
  static std::vector<std::uint64_t> polys;
  static std::mutex mu;
  std::uint64_t poly;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (std::uint64_t p = polys.empty() ? 3 : polys.back() + 1; polys.size() < dim; ++p)
      if (IsPrimitive(p)) polys.push_back(p);
    poly = polys[dim - 1];
  }
  int s = Degree(poly);
  std::array<std::uint64_t, 32> m{};
  if (dim < sobol_table::kDims && sobol_table::kEntries[dim - 1].poly == poly) {
    // (The generator enumerates the same polynomials; the check only guards the table.)
    for (int k = 0; k < s; ++k) m[k] = sobol_table::kEntries[dim - 1].m[k];
  } else {
    for (int k = 0; k < s && k < 32; ++k) {
      std::uint64_t h = Mix64(dim * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(k));
      m[k] = (h % (1ULL << k)) * 2 + 1;  // odd, < 2^(k+1)
    }
  }
  for (int k = s; k < 32; ++k) {
    std::uint64_t x = m[k - s] ^ (m[k - s] << s);
    for (int i = 1; i < s; ++i)
      if (poly >> (s - i) & 1) x ^= m[k - i] << i;
    m[k] = x;
  }
  for (int k = 0; k < 32; ++k) v[k] = static_cast<std::uint32_t>(m[k] << (31 - k));
  return v;
}

const Directions& DirectionsFor(size_t dim) {
  static std::vector<Directions> cache;
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  while (cache.size() <= dim) cache.push_back(MakeDirections(cache.size()));
  return cache[dim];
}

std::uint32_t ReverseBits(std::uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
  x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
  return (x >> 16) | (x << 16);
}

// Nested uniform (Owen) scramble by hashing (Laine-Karras permutation on reversed bits, as in
// Burley 2020): each bit is flipped depending only on the bits above it, so stratification
// into dyadic intervals is preserved.
std::uint32_t OwenScramble(std::uint32_t x, std::uint32_t seed) {
  x = ReverseBits(x);
  x += seed;
  x ^= x * 0x6c50b47cu;
  x ^= x * 0xb82f1e52u;
  x ^= x * 0xc7afe638u;
  x ^= x * 0x8d22f6e6u;
  return ReverseBits(x);
}

}  // namespace

std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

const char* MethodName(Method method) { return method == Method::kSobol ? "sobol" : "random"; }

std::optional<Method> ParseMethod(std::string_view name) {
  if (name == "random") return Method::kRandom;
  if (name == "sobol") return Method::kSobol;
  return std::nullopt;
}

std::uint32_t Sampler::SobolBits(std::uint64_t index, size_t dim) {
  const Directions& v = DirectionsFor(dim);
  std::uint32_t x = 0;
  for (int k = 0; index && k < 32; ++k, index >>= 1)
    if (index & 1) x ^= v[k];
  return x;
}

Sampler::Sampler(const Space& space, std::uint64_t seed, Method method)
    : space_(space), seed_(seed), method_(method) {
  size_t dim = 0;
  for (const auto& p : space.params()) {
    keys_.push_back(nlohmann::json(p.name).dump() + ":");
    dim_seed_.push_back(Mix64(Mix64(seed) ^ p.name_hash));
    if (p.sampled() && method == Method::kSobol) DirectionsFor(dim++);
  }
  chosen_.assign(space.params().size(), -1);
  present_.assign(space.params().size(), 1);
}

void Sampler::Units(TrialId id, std::vector<double>& out) const {
  out.clear();
  size_t dim = 0;
  const auto& params = space_.params();
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].sampled()) continue;
    if (method_ == Method::kRandom) {
      std::uint64_t h = Mix64(dim_seed_[i] ^ Mix64(static_cast<std::uint64_t>(id)));
      out.push_back(static_cast<double>(h >> 11) * kTwoPow53Inv);
    } else {
      std::uint32_t x = OwenScramble(SobolBits(static_cast<std::uint64_t>(id), dim),
                                     static_cast<std::uint32_t>(dim_seed_[i]));
      // Fill the low bits inside the point's 2^-32 cell so values are not on a lattice.
      std::uint64_t low = Mix64(dim_seed_[i] + static_cast<std::uint64_t>(id)) >> 43;  // 21 bits
      out.push_back(static_cast<double>((static_cast<std::uint64_t>(x) << 21) | low) *
                    kTwoPow53Inv);
    }
    ++dim;
  }
}

void Sampler::Draw(TrialId id) const {
  Units(id, units_);
  const auto& params = space_.params();
  param_units_.assign(params.size(), 0.0);
  size_t k = 0;
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].sampled()) param_units_[i] = units_[k++];
  if (!space_.conditional()) return;  // present_: all, since the constructor
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].branching) chosen_[i] = params[i].ChoiceIndex(param_units_[i]);
  // Every parameter draws its coordinate whether or not its branch is taken: a parameter's
  // value never depends on which others exist.
  if (space_.conditional()) space_.Presence(chosen_, present_);
}

nlohmann::json Sampler::Config(TrialId id) const {
  Draw(id);
  nlohmann::json cfg = nlohmann::json::object();
  const auto& params = space_.params();
  for (size_t i = 0; i < params.size(); ++i)
    if (present_[i]) cfg[params[i].name] = params[i].Value(param_units_[i]);
  return cfg;
}

void Sampler::AppendLine(TrialId id, std::string& out) const {
  Draw(id);
  out += "{\"trial_id\":";
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, id);
  out.append(buf, r.ptr);
  out += ",\"config\":{";
  const auto& params = space_.params();
  bool first = true;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!present_[i]) continue;
    if (!first) out += ',';
    first = false;
    out += keys_[i];
    params[i].AppendValue(param_units_[i], out);
  }
  out += "}}\n";
}

}  // namespace hpo
