// Which hyperparameters matter: the share of the metric's variation each parameter explains
// on its own (its main effect), from the finished trials of a random search.
//
// For parameter j: the trials that have it (a conditional parameter: those of its branch),
// the metric's ranks among them (robust to outliers and to the metric's scale), and groups
// of them by the parameter's value: its categories, or for a number about n/25 (2 to 10)
// groups of equal size by value (quantile bins: no scale, so log or linear does not matter).
// The effect is the bias-corrected share of the ranks' variance between the groups
// (omega-squared, Hays 1963: (SSB - (k-1) MSW) / (SST + MSW), 0 when below), the
// first-order term of a functional ANOVA (Hutter et al., ICML 2014, fANOVA) estimated
// directly from independent samples of the prior, which is what random search draws: no
// surrogate model, so no model to be wrong. A conditional parameter's effect is scaled by
// the fraction of trials that have it. Interactions are not measured (a parameter that
// matters only together with another shows little). O(n log n) per parameter.
#pragma once

#include <cstddef>
#include <vector>

namespace hpo {

struct ParamImportance {
  std::size_t dim = 0;   // index of the parameter (its column in `x`)
  double effect = 0;     // omega-squared of the ranks, times the share of trials having it
  double share = 0;      // effect / the sum of all effects (0 when every effect is 0)
  std::size_t n = 0;     // trials that have it
};

// Fewest trials having a parameter for it to be measured (fewer: effect 0, n as counted).
inline constexpr std::size_t kMinImportanceTrials = 10;

// The importance of each parameter, most important first (ties by dim). x[j][t]: trial t's
// coordinate on parameter j (a category index when categorical[j]; NaN: the trial does not
// have it); y[t]: its metric (finite).
std::vector<ParamImportance> MainEffects(const std::vector<std::vector<double>>& x,
                                         const std::vector<bool>& categorical,
                                         const std::vector<double>& y);

}  // namespace hpo
