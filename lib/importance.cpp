#include "importance.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hpo {
namespace {

// Ranks 1..n of `v`, ties given their mean rank.
std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    double mean = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = mean;
    i = j + 1;
  }
  return rank;
}

// Group of each trial: its category, or its quantile bin by value (equal values share one).
std::vector<std::size_t> Groups(const std::vector<double>& xs, bool categorical, std::size_t* k) {
  std::vector<std::size_t> g(xs.size());
  if (categorical) {
    std::size_t most = 0;
    for (std::size_t t = 0; t < xs.size(); ++t) most = std::max(most, g[t] = static_cast<std::size_t>(xs[t]));
    *k = most + 1;
    return g;
  }
  const std::size_t bins = std::clamp<std::size_t>(xs.size() / 25, 2, 10);
  std::vector<std::size_t> order(xs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::size_t bin = i * bins / order.size();
    if (i > 0 && xs[order[i]] == xs[order[i - 1]]) bin = g[order[i - 1]];
    g[order[i]] = bin;
  }
  *k = bins;
  return g;
}

// Omega-squared of `r` between the groups `g` (k of them; empty groups do not count).
double OmegaSquared(const std::vector<double>& r, const std::vector<std::size_t>& g, std::size_t k) {
  const double n = static_cast<double>(r.size());
  const double mean = std::accumulate(r.begin(), r.end(), 0.0) / n;
  std::vector<double> sum(k, 0), count(k, 0);
  double sst = 0;
  for (std::size_t t = 0; t < r.size(); ++t) {
    sum[g[t]] += r[t];
    count[g[t]] += 1;
    sst += (r[t] - mean) * (r[t] - mean);
  }
  double ssb = 0, groups = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (count[i] == 0) continue;
    double m = sum[i] / count[i];
    ssb += count[i] * (m - mean) * (m - mean);
    groups += 1;
  }
  if (groups < 2 || sst <= 0 || n <= groups) return 0;
  const double msw = (sst - ssb) / (n - groups);
  return std::max(0.0, (ssb - (groups - 1) * msw) / (sst + msw));
}

}  // namespace

std::vector<ParamImportance> MainEffects(const std::vector<std::vector<double>>& x,
                                         const std::vector<bool>& categorical,
                                         const std::vector<double>& y) {
  std::vector<ParamImportance> out;
  for (std::size_t j = 0; j < x.size(); ++j) {
    ParamImportance p;
    p.dim = j;
    std::vector<double> xs, ys;
    for (std::size_t t = 0; t < y.size(); ++t)
      if (!std::isnan(x[j][t]) && std::isfinite(y[t])) {
        xs.push_back(x[j][t]);
        ys.push_back(y[t]);
      }
    p.n = xs.size();
    if (p.n >= kMinImportanceTrials) {
      std::size_t k = 0;
      std::vector<std::size_t> g = Groups(xs, categorical[j], &k);
      p.effect = OmegaSquared(Ranks(ys), g, k) * static_cast<double>(p.n) / static_cast<double>(y.size());
    }
    out.push_back(p);
  }
  double total = 0;
  for (const auto& p : out) total += p.effect;
  for (auto& p : out) p.share = total > 0 ? p.effect / total : 0;
  std::stable_sort(out.begin(), out.end(), [](const ParamImportance& a, const ParamImportance& b) {
    return a.effect > b.effect;
  });
  return out;
}

}  // namespace hpo
