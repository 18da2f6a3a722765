#include "pruner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hpo {

namespace {

// Values as "smaller is better": maximised values are negated, non-finite ones are the worst.
double Loss(double v, Mode mode) {
  if (!std::isfinite(v)) return std::numeric_limits<double>::infinity();
  return mode == Mode::kMax ? -v : v;
}

std::vector<double> Losses(std::vector<double> values, Mode mode) {
  for (double& v : values) v = Loss(v, mode);
  return values;
}

// The k-th smallest (k >= 1) of `losses`, which it reorders.
double KthSmallest(std::vector<double>& losses, size_t k) {
  auto nth = losses.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(losses.begin(), nth, losses.end());
  return *nth;
}

double Median(std::vector<double>& losses) {
  size_t n = losses.size();
  double upper = KthSmallest(losses, n / 2 + 1);
  if (n % 2 == 1) return upper;
  double lower = *std::max_element(losses.begin(), losses.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return lower / 2 + upper / 2;
}

}  // namespace

const char* PrunerKindName(PrunerKind kind) {
  switch (kind) {
    case PrunerKind::kNone: return "none";
    case PrunerKind::kAsha: return "asha";
    case PrunerKind::kMedian: return "median";
  }
  return "?";
}

std::optional<PrunerKind> ParsePrunerKind(std::string_view name) {
  for (PrunerKind k : {PrunerKind::kNone, PrunerKind::kAsha, PrunerKind::kMedian})
    if (name == PrunerKindName(k)) return k;
  return std::nullopt;
}

int BracketOf(std::uint64_t seed, std::int64_t trial, int brackets) {
  if (brackets <= 1) return 0;
  // splitmix64 of (seed, trial): any process computes the same bracket.
  std::uint64_t z = seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(trial) + 0x6a09e667f3bcc909ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<int>(z % static_cast<std::uint64_t>(brackets));
}

AshaRule BracketRule(const AshaRule& rule, int bracket) {
  AshaRule r = rule;
  for (int b = 0; b < bracket; ++b) r.min_resource *= rule.reduction_factor;
  return r;
}

int MaxBrackets(const AshaRule& rule) { return static_cast<int>(RungResources(rule).size()); }

const char* VerdictName(Verdict verdict) {
  return verdict == Verdict::kContinue ? "continue" : "stop";
}

std::vector<double> RungResources(const AshaRule& rule) {
  std::vector<double> rungs;
  for (double r = rule.min_resource; r < rule.max_resource; r *= rule.reduction_factor)
    rungs.push_back(r);
  return rungs;
}

std::optional<int> RungAtStep(const std::vector<double>& rungs, double step) {
  auto above = std::upper_bound(rungs.begin(), rungs.end(), step);
  if (above == rungs.begin()) return std::nullopt;
  return static_cast<int>(above - rungs.begin()) - 1;
}

Verdict AshaVerdict(double own, std::vector<double> recorded, Mode mode, const AshaRule& rule) {
  if (!std::isfinite(own)) return Verdict::kStop;
  size_t n = recorded.size();
  if (n < static_cast<size_t>(rule.min_trials)) return Verdict::kContinue;
  size_t keep = std::max<size_t>(1, n / static_cast<size_t>(rule.reduction_factor));
  std::vector<double> losses = Losses(std::move(recorded), mode);
  return Loss(own, mode) <= KthSmallest(losses, keep) ? Verdict::kContinue : Verdict::kStop;
}

Verdict MedianVerdict(double best_so_far, std::vector<double> others, double step, Mode mode,
                      const MedianRule& rule) {
  if (!std::isfinite(best_so_far)) return Verdict::kStop;
  if (step <= rule.n_warmup_steps) return Verdict::kContinue;
  if (others.empty() || others.size() < static_cast<size_t>(rule.n_startup_trials))
    return Verdict::kContinue;
  std::vector<double> losses = Losses(std::move(others), mode);
  return Loss(best_so_far, mode) <= Median(losses) ? Verdict::kContinue : Verdict::kStop;
}

}  // namespace hpo
