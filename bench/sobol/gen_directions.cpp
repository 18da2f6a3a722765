// Offline search for Sobol' initial direction numbers with good 2-D projections; writes the
// table lib/sobol_table.hpp that lib/sampler.cpp uses for its first dimensions.
//
//   g++ -O2 -std=c++17 -o /tmp/gen_directions bench/sobol/gen_directions.cpp
//   /tmp/gen_directions --out lib/sobol_table.hpp          (the committed table)
//   /tmp/gen_directions --report                           (quality of the table vs the hash)
//
// Method (in the spirit of Joe & Kuo 2008, "Constructing Sobol sequences with better
// two-dimensional projections"): dimension 0 is van der Corput and dimension 1 the standard
// x + 1 one; each later dimension j keeps lib/sampler.cpp's primitive polynomial (the
// (j-1)-th by degree, then value) and takes the odd initial numbers m_1..m_s (m_k < 2^k)
// that minimise, greedily dimension by dimension, a cost over the exact t-values of the 2-D
// projections (k, j), k < j, of the first 2^m points, m = 1..M:
//
//   cost = sum over k < j, m = 1..M of  w(m) * (2^(2 t_kj(m)) - 1)
//
// w(m) = 2 for m <= 12 (up to 4096 points, a large hyperparameter campaign) and 1 above,
// so that a large t anywhere dominates and, among candidates with the same worst pairs, the
// one with fewer and smaller defects wins. The t-value of the projection of a digital net is
// computed exactly from the generating matrices (see TValue). Candidates: all of them when
// there are at most --budget (degree <= 6: 2^(s(s-1)/2) <= 32768), else --budget drawn by a
// fixed-seed generator; the search is deterministic. Ties keep the first candidate met.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using Directions = std::array<u32, 32>;

// ---- Primitive polynomials, direction numbers: the same rules as lib/sampler.cpp ----------

int Degree(u64 p) { return 63 - __builtin_clzll(p); }

u64 MulMod(u64 a, u64 b, u64 p) {
  int d = Degree(p);
  u64 r = 0;
  while (b) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a >> d & 1) a ^= p;
  }
  return r;
}

u64 PowMod(u64 e, u64 p) {
  u64 result = 1, base = 2;
  if (Degree(p) == 1) base = 2 ^ p;
  while (e) {
    if (e & 1) result = MulMod(result, base, p);
    base = MulMod(base, base, p);
    e >>= 1;
  }
  return result;
}

bool IsPrimitive(u64 p) {
  int d = Degree(p);
  if (!(p & 1)) return false;
  u64 n = (1ULL << d) - 1;
  if (PowMod(n, p) != 1) return false;
  u64 m = n;
  for (u64 f = 2; f * f <= m; ++f) {
    if (m % f) continue;
    while (m % f == 0) m /= f;
    if (PowMod(n / f, p) == 1) return false;
  }
  if (m > 1 && PowMod(n / m, p) == 1) return false;
  return true;
}

u64 Mix64(u64 x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// polys[j - 1] is the polynomial of dimension j >= 1.
std::vector<u64> PrimitivePolys(size_t count) {
  std::vector<u64> polys;
  for (u64 p = 3; polys.size() < count; ++p)
    if (IsPrimitive(p)) polys.push_back(p);
  return polys;
}

Directions VanDerCorput() {
  Directions v{};
  for (int k = 0; k < 32; ++k) v[k] = 1u << (31 - k);
  return v;
}

// Direction numbers from the polynomial and the initial m_1..m_s (m[0..s-1] here).
Directions FromInit(u64 poly, const std::vector<u64>& init) {
  int s = Degree(poly);
  std::array<u64, 32> m{};
  for (int k = 0; k < s && k < 32; ++k) m[k] = init[k];
  for (int k = s; k < 32; ++k) {
    u64 x = m[k - s] ^ (m[k - s] << s);
    for (int i = 1; i < s; ++i)
      if (poly >> (s - i) & 1) x ^= m[k - i] << i;
    m[k] = x;
  }
  Directions v{};
  for (int k = 0; k < 32; ++k) v[k] = static_cast<u32>(m[k] << (31 - k));
  return v;
}

// lib/sampler.cpp's fallback beyond the table (and its only rule before the table).
std::vector<u64> HashInit(size_t dim, int s) {
  std::vector<u64> m(s);
  for (int k = 0; k < s; ++k) {
    u64 h = Mix64(dim * 0x9E3779B97F4A7C15ULL + static_cast<u64>(k));
    m[k] = (h % (1ULL << k)) * 2 + 1;
  }
  return m;
}

// ---- Exact t-values of 2-D projections ----------------------------------------------------

// Generating matrix by rows: row r (the r-th most significant output bit) as a mask over
// the columns (index bits) 0..31.
using Rows = std::array<u32, 32>;

Rows ToRows(const Directions& v) {
  Rows rows{};
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c)
      if (v[c] >> (31 - r) & 1) rows[r] |= 1u << c;
  return rows;
}

// Adds x to a GF(2) basis kept by leading bit; false when x depends on it.
inline bool Insert(u32* basis, u32 x) {
  while (x) {
    int p = 31 - __builtin_clz(x);
    if (!basis[p]) {
      basis[p] = x;
      return true;
    }
    x ^= basis[p];
  }
  return false;
}

// t-value of the first 2^m points of the projection on two dimensions with generating
// matrices a, b. They form a (t, m, 2)-net iff for every d1 + d2 = m - t the first d1 rows
// of A and the first d2 rows of B (restricted to m columns) are linearly independent, i.e.
// every box [i/2^d1, (i+1)/2^d1) x [j/2^d2, (j+1)/2^d2) holds 2^t points. With f(d1) the
// most rows of B that stay independent of A's first d1 rows, t = m - min_d1 (d1 + f(d1)).
// (The first m rows of any Sobol' matrix are independent: unit upper triangular.)
int TValue(const Rows& a, const Rows& b, int m) {
  const u32 mask = m >= 32 ? ~0u : (1u << m) - 1;
  u32 basis_a[32] = {};
  int best = m;
  for (int d1 = 0; d1 < best; ++d1) {
    if (d1 > 0) Insert(basis_a, a[d1 - 1] & mask);
    u32 basis[32];
    std::memcpy(basis, basis_a, sizeof basis);
    for (int d2 = 0; d1 + d2 < best; ++d2)
      if (!Insert(basis, b[d2] & mask)) {
        best = d1 + d2;
        break;
      }
  }
  return m - best;
}

// True when the first 2^(2h) points put one point in each cell of the 2^h x 2^h grid.
bool SquareBalanced(const Rows& a, const Rows& b, int h) {
  const u32 mask = (1u << (2 * h)) - 1;
  u32 basis[32] = {};
  for (int r = 0; r < h; ++r)
    if (!Insert(basis, a[r] & mask) || !Insert(basis, b[r] & mask)) return false;
  return true;
}

// ---- Search -------------------------------------------------------------------------------

struct Options {
  size_t dims = 32;       // table size, dimension 0 included
  int max_m = 16;         // t-values of the first 2^1 .. 2^max_m points
  int heavy_m = 12;       // m <= heavy_m weighs heavy_w times more
  u64 heavy_w = 2;
  u64 budget = 1 << 15;   // candidates per dimension beyond which they are sampled
  double decay = 1.0;     // experimental: w(m) *= decay^(max_m - m)
  int pen_base = 4;       // experimental: penalty pen_base^t - 1
  u64 square = 0;         // experimental: penalty per unbalanced square grid
  int minimax_m = 0;      // experimental: first minimise the max t over m <= minimax_m
  std::string out;        // header to write
  bool report = false;    // print the quality of the hash rule and of the table
};

struct Table {
  std::vector<u64> polys;               // per dimension (0 for dimension 0)
  std::vector<std::vector<u64>> init;   // m_1..m_s per dimension
  std::vector<Rows> rows;
};

u64 Penalty(int t, int base) {
  u64 p = 1;
  for (int i = 0; i < t; ++i) p *= base;
  return p - 1;
}

// Cost of a candidate: the largest t over the pairs and m <= minimax_m (0: not used), then
// the weighted sum; compared lexicographically.
struct CostValue {
  int max_t = 0;
  u64 sum = 0;
  bool operator<(const CostValue& o) const {
    return max_t != o.max_t ? max_t < o.max_t : sum < o.sum;
  }
};

// Cost of a candidate against the chosen dimensions, stopping as soon as it cannot beat
// `limit` (both parts only grow). The pair that ended the last evaluation is tried first
// (`first`), which ends most candidates after one pair.
CostValue Cost(const Rows& cand, const std::vector<Rows>& prev, const Options& opt,
               const CostValue& limit, size_t& first) {
  CostValue cost;
  for (size_t n = 0; n < prev.size(); ++n) {
    size_t k = (first + n) % prev.size();
    for (int m = 1; m <= opt.max_m; ++m) {
      int t = TValue(prev[k], cand, m);
      if (!t) continue;
      if (m <= opt.minimax_m) cost.max_t = std::max(cost.max_t, t);
      if (opt.square && m % 2 == 0 && !SquareBalanced(prev[k], cand, m / 2)) cost.sum += opt.square;
      u64 w = static_cast<u64>(std::pow(opt.decay, opt.max_m - m) + 0.5);
      cost.sum += (m <= opt.heavy_m ? opt.heavy_w : 1) * w * Penalty(t, opt.pen_base);
      if (!(cost < limit)) {
        first = k;
        return cost;
      }
    }
  }
  return cost;
}

// The initial numbers of candidate `index`: m_1 = 1, then bits of the index pick m_k.
std::vector<u64> Candidate(u64 index, int s) {
  std::vector<u64> m(s);
  m[0] = 1;
  for (int k = 1; k < s; ++k) {
    m[k] = (index & ((u64{1} << k) - 1)) * 2 + 1;
    index >>= k;
  }
  return m;
}

Table Search(const Options& opt) {
  Table table;
  std::vector<u64> polys = PrimitivePolys(opt.dims);
  table.polys.push_back(0);
  table.init.push_back({});
  table.rows.push_back(ToRows(VanDerCorput()));
  for (size_t j = 1; j < opt.dims; ++j) {
    auto start = std::chrono::steady_clock::now();
    u64 poly = polys[j - 1];
    int s = Degree(poly);
    u64 total = u64{1} << (s * (s - 1) / 2);
    bool sampled = total > opt.budget;
    u64 count = sampled ? opt.budget : total;
    u64 rng = Mix64(0x50B01ULL + j);
    CostValue best_cost{1 << 30, 0}, cost;
    u64 best_index = 0;
    size_t first = 0;
    for (u64 n = 0; n < count; ++n) {
      u64 index = n;
      if (sampled) {
        rng = Mix64(rng);
        index = rng % total;
      }
      Rows rows = ToRows(FromInit(poly, Candidate(index, s)));
      cost = Cost(rows, table.rows, opt, best_cost, first);
      if (cost < best_cost) {
        best_cost = cost;
        best_index = index;
      }
    }
    table.polys.push_back(poly);
    table.init.push_back(Candidate(best_index, s));
    table.rows.push_back(ToRows(FromInit(poly, table.init.back())));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "dim %2zu degree %d: %llu of %llu candidates, cost %d %llu, %.1f s\n", j,
                 s, static_cast<unsigned long long>(count), static_cast<unsigned long long>(total),
                 best_cost.max_t, static_cast<unsigned long long>(best_cost.sum), secs);
  }
  return table;
}

Table HashTable(size_t dims) {
  Table table;
  std::vector<u64> polys = PrimitivePolys(dims);
  table.polys.push_back(0);
  table.init.push_back({});
  table.rows.push_back(ToRows(VanDerCorput()));
  for (size_t j = 1; j < dims; ++j) {
    table.polys.push_back(polys[j - 1]);
    table.init.push_back(HashInit(j, Degree(polys[j - 1])));
    table.rows.push_back(ToRows(FromInit(polys[j - 1], table.init.back())));
  }
  return table;
}

// ---- Report -------------------------------------------------------------------------------

std::string Quality(const Table& table, const char* prefix) {
  std::string out;
  char line[256];
  for (size_t n : {8, 12, 16, 32, 64}) {
    if (n > table.rows.size()) break;
    int pairs = 0, sq16 = 0, sq8 = 0, sq32 = 0, t8max = 0, t12max = 0, t16max = 0;
    double t8sum = 0, t12sum = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) {
        const Rows &a = table.rows[i], &b = table.rows[j];
        ++pairs;
        sq8 += SquareBalanced(a, b, 3);
        sq16 += SquareBalanced(a, b, 4);
        sq32 += SquareBalanced(a, b, 5);
        int t8 = TValue(a, b, 8);
        t8sum += t8;
        t8max = std::max(t8max, t8);
        for (int m = 1; m <= 16; ++m) {
          int t = TValue(a, b, m);
          if (m <= 12) t12max = std::max(t12max, t), t12sum += t;
          t16max = std::max(t16max, t);
        }
      }
    std::snprintf(line, sizeof line,
                  "%sfirst %2zu dims, %3d pairs: balanced 8x8@64 %3d, 16x16@256 %3d, "
                  "32x32@1024 %3d; t(2^8) max %d mean %.2f; t(2^1..2^12) max %d mean %.2f; "
                  "t(2^1..2^16) max %d\n",
                  prefix, n, pairs, sq8, sq16, sq32, t8max, t8sum / pairs, t12max,
                  t12sum / pairs / 12, t16max);
    out += line;
  }
  return out;
}

std::string Header(const Table& table, const Options& opt, double secs) {
  std::string h;
  char buf[512];
  int max_degree = 0;
  for (size_t j = 1; j < table.polys.size(); ++j)
    max_degree = std::max(max_degree, Degree(table.polys[j]));
  h += "// Generated by bench/sobol/gen_directions.cpp; do not edit. Regenerate with\n"
       "//   g++ -O2 -std=c++17 -o /tmp/gen_directions bench/sobol/gen_directions.cpp\n";
  std::snprintf(buf, sizeof buf,
                "//   /tmp/gen_directions --dims %zu --max-m %d --heavy-m %d --budget %llu "
                "--out lib/sobol_table.hpp\n",
                opt.dims, opt.max_m, opt.heavy_m, static_cast<unsigned long long>(opt.budget));
  h += buf;
  std::snprintf(buf, sizeof buf, "// (%.0f s on one core).\n", secs);
  h += buf;
  h += "//\n"
       "// Initial direction numbers m_1..m_s of Sobol' dimensions 1.." +
       std::to_string(table.polys.size() - 1) +
       " (dimension 0 is van der Corput),\n"
       "// chosen greedily, dimension by dimension, to minimise the exact t-values of the 2-D\n"
       "// projections on every earlier dimension for the first 2^1..2^" +
       std::to_string(opt.max_m) +
       " points (Joe & Kuo's\n"
       "// criterion; see the generator for the cost). The polynomials are lib/sampler.cpp's\n"
       "// (primitive, by degree then value); poly holds its coefficients as bits, x^s first.\n"
       "// Quality of the unscrambled points (Owen scrambling keeps it):\n";
  std::string q = Quality(table, "//   ");
  h += q;
  h += "\n#pragma once\n\n#include <cstddef>\n#include <cstdint>\n\nnamespace hpo::sobol_table {\n\n";
  std::snprintf(buf, sizeof buf, "inline constexpr int kMaxDegree = %d;\n\n", max_degree);
  h += buf;
  h += "struct Entry {\n  std::uint32_t poly;\n  std::uint32_t m[kMaxDegree];  // m_1..m_s, odd, "
       "m_k < 2^k\n};\n\n";
  h += "// kEntries[j - 1]: dimension j.\ninline constexpr Entry kEntries[] = {\n";
  for (size_t j = 1; j < table.polys.size(); ++j) {
    std::string ms;
    for (size_t k = 0; k < table.init[j].size(); ++k)
      ms += (k ? ", " : "") + std::to_string(table.init[j][k]);
    std::snprintf(buf, sizeof buf, "    {0x%llx, {%s}},  // %zu\n",
                  static_cast<unsigned long long>(table.polys[j]), ms.c_str(), j);
    h += buf;
  }
  h += "};\n\n// Dimensions 0 .. kDims - 1 come from the table.\n"
       "inline constexpr std::size_t kDims = 1 + sizeof kEntries / sizeof kEntries[0];\n\n"
       "}  // namespace hpo::sobol_table\n";
  return h;
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: gen_directions [--dims N] [--max-m M] [--heavy-m H] [--budget B] "
               "[--out FILE] [--report]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--dims") opt.dims = std::strtoull(next(), nullptr, 10);
    else if (a == "--max-m") opt.max_m = std::atoi(next());
    else if (a == "--heavy-m") opt.heavy_m = std::atoi(next());
    else if (a == "--budget") opt.budget = std::strtoull(next(), nullptr, 10);
    else if (a == "--decay") opt.decay = std::atof(next());
    else if (a == "--pen-base") opt.pen_base = std::atoi(next());
    else if (a == "--heavy-w") opt.heavy_w = std::strtoull(next(), nullptr, 10);
    else if (a == "--minimax-m") opt.minimax_m = std::atoi(next());
    else if (a == "--square") opt.square = std::strtoull(next(), nullptr, 10);
    else if (a == "--out") opt.out = next();
    else if (a == "--report") opt.report = true;
    else Usage();
  }
  if (opt.dims < 2 || opt.max_m < 1 || opt.max_m > 31 || (opt.out.empty() && !opt.report)) Usage();
  auto start = std::chrono::steady_clock::now();
  Table table = Search(opt);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "search: %.1f s\n", secs);
  if (opt.report) {
    std::printf("hash rule (before):\n%s", Quality(HashTable(opt.dims), "  ").c_str());
    std::printf("searched table:\n%s", Quality(table, "  ").c_str());
  }
  if (!opt.out.empty()) {
    std::string h = Header(table, opt, secs);
    FILE* f = std::fopen(opt.out.c_str(), "w");
    if (!f || std::fwrite(h.data(), 1, h.size(), f) != h.size() || std::fclose(f) != 0) {
      std::perror(opt.out.c_str());
      return 1;
    }
  }
  return 0;
}
