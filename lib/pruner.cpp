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
