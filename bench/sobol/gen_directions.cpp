// Offline search for Sobol' initial direction numbers with good 2-D projections; writes the
// table lib/sobol_table.hpp that lib/sampler.cpp uses for its first dimensions. No
// dependencies; deterministic (the same options give the same table):
//
//   g++ -O2 -std=c++17 -o /tmp/gen_directions bench/sobol/gen_directions.cpp
//   /tmp/gen_directions --out lib/sobol_table.hpp    (the committed table, ~75 s on one core)
//   /tmp/gen_directions --report                     (its quality against the hash rule)
//   /tmp/gen_directions --limits                     (what no table can beat, < 1 s)
//
// Method, in the spirit of Joe & Kuo (2008, "Constructing Sobol sequences with better
// two-dimensional projections"). Dimension 0 is van der Corput and dimension 1 the standard
// x + 1 one; each later dimension j keeps lib/sampler.cpp's primitive polynomial (the
// (j-1)-th by degree, then value) and takes the odd initial numbers m_1..m_s (m_k < 2^k) whose
// 2-D projections (k, j) on the earlier dimensions k < j have the smallest cost, compared
// lexicographically (CostValue):
//   1. the largest t-value of the first 2^m points, m <= --minimax-m (12: 4096 points, a
//      large hyperparameter campaign);
//   2. the number of 2^h x 2^h grids that the first 2^(2h) points do not fill one point per
//      cell, 2h <= --max-m (16), i.e. what a 2-D scatter plot shows;
//   3. sum over m <= --max-m of w(m) (4^t - 1), w = 2 for m <= --minimax-m, 1 above.
// The t-value of the first 2^m points of a projection is computed exactly from the
// generating matrices (TValue, rank conditions), not by counting points.
//
// Dimensions 2 .. --joint - 1 (2..8: degrees 2..5, 2 * 8 * 8 * 64 * 64 * 1024 * 1024
// combinations) are chosen jointly, by exhaustive branch and bound on the cost of all their
// pairs (about 25 s): chosen one at a time, the few candidates of these low degrees leave the
// later ones worse off (max t = 4 from dimension 8 on instead of from dimension 10, and
// fewer balanced grids). --joint 10 takes 6 minutes and gives the same first 12 dimensions. Later
// dimensions are chosen greedily, one at a time against all earlier ones, as Joe & Kuo do: every
// candidate when there are at most --budget (degree 6: 2^(s(s-1)/2) = 32768), else --budget of them
// drawn by a fixed-seed generator (degree 7: 32768 of 2^21; 131072 did no better). Ties keep the
// first candidate met.
//
// `--limits` prints, by exhaustive search, what no choice of initial numbers (with these
// polynomials) can beat: some pair among dimensions 0..5 has t >= 3 for some m <= 8; at
// most 23 of the 28 pairs among dimensions 0..7 fill the 16 x 16 grid with the first 256
// points; no initial numbers of dimension 3 or 4 (degree 3) fill it against both 0 and 1.
#include <algorithm>
#include <array>
#include <chrono>
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

int Degree(u64 p) {
  return 63 - __builtin_clzll(p);
}

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
  size_t dims = 32;      // table size, dimension 0 included
  int max_m = 16;        // t-values of the first 2^1 .. 2^max_m points count
  int minimax_m = 12;    // the worst t over m <= minimax_m comes first
  int joint = 9;         // dimensions 2 .. joint-1 are searched jointly
  u64 budget = 1 << 15;  // candidates per dimension beyond which they are sampled
  std::string out;       // header to write
  bool report = false;   // print the quality of the hash rule and of the table
  bool limits = false;   // print what no choice of initial numbers can beat, then exit
};

struct Table {
  std::vector<u64> polys;              // per dimension (0 for dimension 0)
  std::vector<std::vector<u64>> init;  // m_1..m_s per dimension
  std::vector<Rows> rows;
};

// Cost of a set of 2-D projections, compared lexicographically; every part only grows as
// projections are added, which lets a search stop a candidate as soon as it cannot win.
struct CostValue {
  int max_t = 0;    // largest t over m <= minimax_m
  int squares = 0;  // unbalanced 2^h x 2^h grids for the first 2^(2h) points, 2h <= max_m
  u64 sum = 0;      // sum of w(m) (4^t - 1), w = 2 for m <= minimax_m, 1 above
  bool operator<(const CostValue& o) const {
    if (max_t != o.max_t) return max_t < o.max_t;
    if (squares != o.squares) return squares < o.squares;
    return sum < o.sum;
  }
  CostValue& operator+=(const CostValue& o) {
    max_t = std::max(max_t, o.max_t);
    squares += o.squares;
    sum += o.sum;
    return *this;
  }
};

constexpr CostValue kInfinite{1 << 30, 0, 0};

// Adds the cost of the projection on (a, b) to `cost`; false as soon as it is no longer
// below `limit`.
bool AddPairCost(const Rows& a, const Rows& b, const Options& opt, const CostValue& limit,
                 CostValue& cost) {
  for (int m = 1; m <= opt.max_m; ++m) {
    int t = TValue(a, b, m);
    if (!t) continue;
    if (m <= opt.minimax_m) cost.max_t = std::max(cost.max_t, t);
    if (m % 2 == 0 && !SquareBalanced(a, b, m / 2)) ++cost.squares;  // (t = 0: balanced)
    cost.sum += (m <= opt.minimax_m ? 2 : 1) * ((u64{1} << (2 * t)) - 1);
    if (!(cost < limit)) return false;
  }
  return true;
}

// Cost of a candidate against the chosen dimensions, stopping once it cannot beat `limit`.
// The pair that stopped the last candidate is tried first (`first`): most stop after it.
CostValue Cost(const Rows& cand, const std::vector<Rows>& prev, const Options& opt,
               const CostValue& limit, size_t& first) {
  CostValue cost;
  for (size_t n = 0; n < prev.size(); ++n) {
    size_t k = (first + n) % prev.size();
    if (!AddPairCost(prev[k], cand, opt, limit, cost)) {
      first = k;
      break;
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

u64 CandidateCount(int s) {
  return u64{1} << (s * (s - 1) / 2);
}

// Dimensions 2 .. J-1 all at once: every combination of their candidates (few: degrees <= 5
// for J <= 13), by depth-first branch and bound on the cost of all pairs among dimensions
// 0 .. J-1. Greedy choice is myopic where dimensions have so few candidates.
struct Joint {
  size_t J = 0;
  std::vector<std::vector<Rows>> cands;  // per dimension
  // pair[j][k][cj * cands[k].size() + ck]: cost of the projection (k, j), k < j.
  std::vector<std::vector<std::vector<CostValue>>> pair;
  std::vector<size_t> pick, best_pick;
  CostValue best = kInfinite;
  u64 leaves = 0;

  void Dfs(size_t j, const CostValue& cost) {
    if (j == J) {
      best = cost;
      best_pick = pick;
      ++leaves;
      return;
    }
    for (size_t c = 0; c < cands[j].size(); ++c) {
      CostValue next = cost;
      bool ok = true;
      for (size_t k = 0; k < j && ok; ++k) {
        next += pair[j][k][c * cands[k].size() + pick[k]];
        ok = next < best;
      }
      if (!ok) continue;
      pick[j] = c;
      Dfs(j + 1, next);
    }
  }
};

void SearchJoint(const Options& opt, const std::vector<u64>& polys, Table& table) {
  if (opt.joint < 3) return;
  Joint joint;
  joint.J = std::min(static_cast<size_t>(opt.joint), opt.dims);
  auto start = std::chrono::steady_clock::now();
  size_t J = joint.J;
  joint.cands.resize(J);
  std::vector<std::vector<u64>> indices(J);
  for (size_t j = 0; j < table.rows.size(); ++j) joint.cands[j].push_back(table.rows[j]);
  for (size_t j = table.rows.size(); j < J; ++j) {
    int s = Degree(polys[j - 1]);
    if (CandidateCount(s) > opt.budget) {
      std::fprintf(stderr, "--joint %zu: dimension %zu has too many candidates\n", J, j);
      std::exit(2);
    }
    for (u64 i = 0; i < CandidateCount(s); ++i) {
      indices[j].push_back(i);
      joint.cands[j].push_back(ToRows(FromInit(polys[j - 1], Candidate(i, s))));
    }
  }
  joint.pair.resize(J);
  for (size_t j = 0; j < J; ++j) {
    joint.pair[j].resize(j);
    for (size_t k = 0; k < j; ++k)
      for (const Rows& rj : joint.cands[j])
        for (const Rows& rk : joint.cands[k]) {
          CostValue c;
          AddPairCost(rk, rj, opt, kInfinite, c);
          joint.pair[j][k].push_back(c);
        }
  }
  joint.pick.assign(J, 0);
  CostValue base;
  for (size_t j = 1; j < table.rows.size(); ++j)
    for (size_t k = 0; k < j; ++k) base += joint.pair[j][k][0];
  joint.Dfs(table.rows.size(), base);
  for (size_t j = table.rows.size(); j < J; ++j) {
    int s = Degree(polys[j - 1]);
    table.polys.push_back(polys[j - 1]);
    table.init.push_back(Candidate(indices[j][joint.best_pick[j]], s));
    table.rows.push_back(joint.cands[j][joint.best_pick[j]]);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "dims 2..%zu jointly: %llu improving combinations met, cost %d %d %llu, %.1f s\n",
               J - 1, static_cast<unsigned long long>(joint.leaves), joint.best.max_t,
               joint.best.squares, static_cast<unsigned long long>(joint.best.sum), secs);
}

Table Search(const Options& opt) {
  Table table;
  std::vector<u64> polys = PrimitivePolys(opt.dims);
  table.polys = {0, polys[0]};
  table.init = {{}, {1}};
  table.rows = {ToRows(VanDerCorput()), ToRows(FromInit(polys[0], {1}))};
  SearchJoint(opt, polys, table);
  for (size_t j = table.rows.size(); j < opt.dims; ++j) {
    auto start = std::chrono::steady_clock::now();
    u64 poly = polys[j - 1];
    int s = Degree(poly);
    u64 total = CandidateCount(s);
    bool sampled = total > opt.budget;
    u64 count = sampled ? opt.budget : total;
    u64 rng = Mix64(0x50B01ULL + j);
    CostValue best_cost = kInfinite;
    u64 best_index = 0;
    size_t first = 0;
    for (u64 n = 0; n < count; ++n) {
      u64 index = n;
      if (sampled) {
        rng = Mix64(rng);
        index = rng % total;
      }
      Rows rows = ToRows(FromInit(poly, Candidate(index, s)));
      CostValue cost = Cost(rows, table.rows, opt, best_cost, first);
      if (cost < best_cost) {
        best_cost = cost;
        best_index = index;
      }
    }
    table.polys.push_back(poly);
    table.init.push_back(Candidate(best_index, s));
    table.rows.push_back(ToRows(FromInit(poly, table.init.back())));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "dim %2zu degree %d: %llu of %llu candidates, cost %d %d %llu, %.1f s\n",
                 j, s, static_cast<unsigned long long>(count),
                 static_cast<unsigned long long>(total), best_cost.max_t, best_cost.squares,
                 static_cast<unsigned long long>(best_cost.sum), secs);
  }
  return table;
}

// ---- Limits of any choice ------------------------------------------------------------------

// Largest number of pairs among dimensions 0..n-1 for which `good` holds, over every choice
// of initial numbers for dimensions 2..n-1 (exhaustive branch and bound; small n only).
template <class Good>
int MaxGoodPairs(size_t n, Good good) {
  std::vector<u64> polys = PrimitivePolys(n);
  std::vector<std::vector<Rows>> cands(n);
  cands[0].push_back(ToRows(VanDerCorput()));
  for (size_t j = 1; j < n; ++j) {
    int s = Degree(polys[j - 1]);
    for (u64 i = 0; i < (j == 1 ? 1 : CandidateCount(s)); ++i)
      cands[j].push_back(ToRows(FromInit(polys[j - 1], Candidate(i, s))));
  }
  // ok[j][k][cj * |cands[k]| + ck]
  std::vector<std::vector<std::vector<char>>> ok(n);
  for (size_t j = 0; j < n; ++j) {
    ok[j].resize(j);
    for (size_t k = 0; k < j; ++k)
      for (const Rows& rj : cands[j])
        for (const Rows& rk : cands[k]) ok[j][k].push_back(good(rk, rj));
  }
  std::vector<size_t> pick(n, 0);
  int best = -1;
  auto dfs = [&](auto&& self, size_t j, int count) -> void {
    int left = 0;  // pairs still to decide
    for (size_t x = j; x < n; ++x) left += static_cast<int>(x);
    if (count + left <= best) return;
    if (j == n) {
      best = count;
      return;
    }
    for (size_t c = 0; c < cands[j].size(); ++c) {
      int add = 0;
      for (size_t k = 0; k < j; ++k) add += ok[j][k][c * cands[k].size() + pick[k]];
      pick[j] = c;
      self(self, j + 1, count + add);
    }
  };
  dfs(dfs, 1, 0);
  return best;
}

// The limits quoted in lib/sobol_table.hpp and tests/test_sampler.cpp.
void PrintLimits() {
  auto t_at_most_2 = [](const Rows& a, const Rows& b) {
    for (int m = 1; m <= 8; ++m)
      if (TValue(a, b, m) > 2) return false;
    return true;
  };
  std::printf("pairs among dims 0..5 with t <= 2 for every m <= 8: at most %d of 15\n",
              MaxGoodPairs(6, t_at_most_2));
  auto square16 = [](const Rows& a, const Rows& b) { return SquareBalanced(a, b, 4); };
  std::printf(
      "pairs among dims 0..7 whose first 256 points fill the 16x16 grid: at most %d "
      "of 28\n",
      MaxGoodPairs(8, square16));
  std::vector<u64> polys = PrimitivePolys(4);
  Rows r0 = ToRows(VanDerCorput()), r1 = ToRows(FromInit(polys[0], {1}));
  for (size_t j : {3, 4}) {
    int both = 0;
    for (u64 i = 0; i < CandidateCount(3); ++i) {
      Rows r = ToRows(FromInit(polys[j - 1], Candidate(i, 3)));
      both += SquareBalanced(r0, r, 4) && SquareBalanced(r1, r, 4);
    }
    std::printf(
        "dim %zu (degree 3): %d of 8 initial numbers fill the 16x16 grid against both "
        "dims 0 and 1\n",
        j, both);
  }
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

// Quality of the first 8, 12, 16, 32, 64 dimensions of a table: how many pairs put one of
// the first 2^(2h) points in each cell of the 2^h x 2^h grid, and the t-values of the pairs.
std::string Quality(const Table& table, const char* prefix, bool legend = true) {
  std::string out;
  if (legend) {
    out += prefix;
    out +=
        "8x8, 16x16, 32x32: pairs whose first 64, 256, 1024 points fill that grid one per cell;\n";
    out += prefix;
    out +=
        "t: over the pairs, of the first 2^8 points, of the first 2^m points, m = 1..12, 1..16\n";
  }
  out += prefix;
  out += "dims pairs   8x8 16x16 32x32   t(2^8) max mean   t(m<=12) max mean   t(m<=16) max\n";
  char line[256];
  for (size_t n : {8, 12, 16, 32, 64}) {
    if (n > table.rows.size()) break;
    int pairs = 0, sq8 = 0, sq16 = 0, sq32 = 0, t8max = 0, t12max = 0, t16max = 0;
    double t8sum = 0, t12sum = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) {
        const Rows &a = table.rows[i], &b = table.rows[j];
        ++pairs;
        sq8 += SquareBalanced(a, b, 3);
        sq16 += SquareBalanced(a, b, 4);
        sq32 += SquareBalanced(a, b, 5);
        for (int m = 1; m <= 16; ++m) {
          int t = TValue(a, b, m);
          if (m == 8) t8sum += t, t8max = std::max(t8max, t);
          if (m <= 12) t12sum += t, t12max = std::max(t12max, t);
          t16max = std::max(t16max, t);
        }
      }
    std::snprintf(line, sizeof line,
                  "%s%4zu %5d   %3d   %3d   %3d          %d %.2f            %d %.2f   %12d\n",
                  prefix, n, pairs, sq8, sq16, sq32, t8max, t8sum / pairs, t12max,
                  t12sum / pairs / 12, t16max);
    out += line;
  }
  return out;
}

std::string Header(const Table& table, const Options& opt) {
  char buf[512];
  int max_degree = 0;
  for (size_t j = 1; j < table.polys.size(); ++j)
    max_degree = std::max(max_degree, Degree(table.polys[j]));
  std::string h = "// Sobol' initial direction numbers m_1..m_s for dimensions 1.." +
                  std::to_string(table.polys.size() - 1) +
                  " (dimension 0 is van der Corput).\n"
                  "// Generated by bench/sobol/gen_directions.cpp (do not edit); regenerate with\n"
                  "//   g++ -O2 -std=c++17 -o /tmp/gen_directions bench/sobol/gen_directions.cpp\n";
  std::snprintf(buf, sizeof buf,
                "//   /tmp/gen_directions --dims %zu --max-m %d --minimax-m %d --joint %d "
                "--budget %llu\n//       --out lib/sobol_table.hpp\n",
                opt.dims, opt.max_m, opt.minimax_m, opt.joint,
                static_cast<unsigned long long>(opt.budget));
  h += buf;
  h += "// (about 75 s on one core; deterministic: the same options give this very file).\n";
  h += "//\n"
       "// Each dimension keeps lib/sampler.cpp's primitive polynomial (by degree, then value;\n"
       "// `poly` holds its coefficients as bits, x^s first) and takes the initial numbers that\n"
       "// minimise, in the spirit of Joe & Kuo (2008), the exact t-values of its 2-D projections\n"
       "// on every earlier dimension: first the worst t for the first 2^1..2^" +
       std::to_string(opt.minimax_m) +
       " points, then\n"
       "// the number of 2^h x 2^h grids not balanced by the first 2^2h points (2h <= " +
       std::to_string(opt.max_m) +
       "), then\n"
       "// a sum of 4^t over 2^1..2^" +
       std::to_string(opt.max_m) + " points. Dimensions 2.." + std::to_string(opt.joint - 1) +
       " are chosen jointly (exhaustive\n"
       "// branch and bound), the others greedily, dimension by dimension.\n"
       "//\n"
       "// Quality of the unscrambled points (the Owen scramble keeps it), table vs the hash\n"
       "// rule lib/sampler.cpp uses beyond the table:\n"
       "//   table:\n";
  h += Quality(table, "//     ");
  h += "//   hash rule:\n";
  h += Quality(HashTable(table.rows.size()), "//     ", false);
  h += "\n#pragma once\n\n#include <cstddef>\n#include <cstdint>\n\nnamespace hpo::sobol_table "
       "{\n\n";
  std::snprintf(buf, sizeof buf, "inline constexpr int kMaxDegree = %d;\n\n", max_degree);
  h += buf;
  h += "struct Entry {\n  std::uint32_t poly;\n  std::uint32_t m[kMaxDegree];  // m_1..m_s: odd, "
       "m_k < 2^k\n};\n\n";
  h += "// kEntries[j - 1]: dimension j; one line per degree s (dimensions in order).\n"
       "inline constexpr Entry kEntries[] = {\n";
  for (size_t j = 1; j < table.polys.size();) {
    size_t degree = table.init[j].size();
    std::snprintf(buf, sizeof buf, "    // s = %zu: dimensions %zu..", degree, j);
    std::string line;
    for (; j < table.polys.size() && table.init[j].size() == degree; ++j) {
      std::string ms;
      for (size_t k = 0; k < degree; ++k) ms += (k ? ", " : "") + std::to_string(table.init[j][k]);
      char entry[160];
      std::snprintf(entry, sizeof entry, "{0x%llx, {%s}}, ",
                    static_cast<unsigned long long>(table.polys[j]), ms.c_str());
      line += entry;
    }
    h += buf + std::to_string(j - 1) + "\n    " + line.substr(0, line.size() - 1) + "\n";
  }
  h += "};\n\n// Dimensions 0 .. kDims - 1 come from the table.\n"
       "inline constexpr std::size_t kDims = 1 + sizeof kEntries / sizeof kEntries[0];\n\n"
       "}  // namespace hpo::sobol_table\n";
  return h;
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: gen_directions [--dims N] [--max-m M] [--minimax-m H] [--joint J] "
               "[--budget B] [--out FILE] [--report] [--limits]\n");
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
    if (a == "--dims")
      opt.dims = std::strtoull(next(), nullptr, 10);
    else if (a == "--max-m")
      opt.max_m = std::atoi(next());
    else if (a == "--minimax-m")
      opt.minimax_m = std::atoi(next());
    else if (a == "--joint")
      opt.joint = std::atoi(next());
    else if (a == "--budget")
      opt.budget = std::strtoull(next(), nullptr, 10);
    else if (a == "--out")
      opt.out = next();
    else if (a == "--report")
      opt.report = true;
    else if (a == "--limits")
      opt.limits = true;
    else
      Usage();
  }
  if (opt.limits) {
    PrintLimits();
    return 0;
  }
  if (opt.dims < 2 || opt.max_m < 1 || opt.max_m > 30 || opt.minimax_m > opt.max_m ||
      (opt.out.empty() && !opt.report))
    Usage();
  auto start = std::chrono::steady_clock::now();
  Table table = Search(opt);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "search: %.1f s\n", secs);
  if (opt.report) {
    std::printf("hash rule:\n%s", Quality(HashTable(opt.dims), "  ").c_str());
    std::printf("searched table:\n%s", Quality(table, "  ", false).c_str());
  }
  if (!opt.out.empty()) {
    std::string h = Header(table, opt);
    FILE* f = std::fopen(opt.out.c_str(), "w");
    if (!f || std::fwrite(h.data(), 1, h.size(), f) != h.size() || std::fclose(f) != 0) {
      std::perror(opt.out.c_str());
      return 1;
    }
  }
  return 0;
}
