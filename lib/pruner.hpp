// Early-stopping rules, as pure functions of the values recorded so far (no files here; the
// rung records on disk are rung_files.hpp). Not yet wired into the tools: the `pruner:`
// config section, the trial-side command and the pruned state come with them.
//
// Which trials stop early is decided on the trial's side, over files (prune_step.hpp); the
// `pruner:` section of the config chooses the rule (config.hpp).
//
// ASHA's stopping rule (Li et al., MLSys 2020; Optuna's SuccessiveHalvingPruner): rungs at
// resource r_k = min_resource * reduction_factor^k below max_resource; a trial reaching rung
// k records its value there and continues only if it is among the best
// max(1, floor(n / reduction_factor)) of the n values the rung holds, its own included, or
// while the rung holds fewer than min_trials values (grace: the first trials at a rung have
// nothing to be judged against). Ties continue.
//
// The median rule (Optuna's MedianPruner): at a step, a trial stops when its best value so
// far is worse than the median of the other trials' values at that step, once at least
// n_startup_trials others have reported there and the step is past n_warmup_steps.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <string>
#include <string_view>

#include "mode.hpp"

namespace hpo {

enum class Verdict { kContinue, kStop };

// The rule of a campaign's `pruner:` section.
enum class PrunerKind { kNone, kAsha, kMedian };

// "none", "asha", "median", and back (nullopt for anything else).
const char* PrunerKindName(PrunerKind kind);
std::optional<PrunerKind> ParsePrunerKind(std::string_view name);

// "continue" / "stop".
const char* VerdictName(Verdict verdict);

struct AshaRule {
  double min_resource = 1;     // > 0: resource (epochs, steps) of the lowest rung
  double max_resource = 27;    // > min_resource: a full training; no rung at or above it
  int reduction_factor = 3;    // >= 2: eta
  int min_trials = 1;          // >= 1: a rung judges once it holds this many values
};

// The resources of the rungs: min_resource * eta^k for k = 0, 1, ... while below
// max_resource. Empty when min_resource >= max_resource.
std::vector<double> RungResources(const AshaRule& rule);

// The index of the highest rung whose resource is <= step; nullopt below the first rung.
std::optional<int> RungAtStep(const std::vector<double>& rungs, double step);

// ASHA's decision for a trial whose value at a rung is `own`, when the rung holds `recorded`
// (every trial's value there, `own` included). NaN or infinite `own` stops; non-finite
// values of others count as the worst. O(n) (a selection, not a sort).
Verdict AshaVerdict(double own, std::vector<double> recorded, Mode mode, const AshaRule& rule);

// Hyperband brackets over ASHA (Li et al., JMLR 2018): bracket b of `brackets` starts its
// rungs at min_resource * eta^b (b = 0 is plain ASHA). A trial's bracket is a pure function of
// (seed, trial id), as its configuration is.
int BracketOf(std::uint64_t seed, std::int64_t trial, int brackets);

// The rule of bracket `bracket`: min_resource raised by eta^bracket.
AshaRule BracketRule(const AshaRule& rule, int bracket);

// How many brackets `rule` allows: one per rung (a bracket needs a rung below max_resource).
int MaxBrackets(const AshaRule& rule);

struct MedianRule {
  int n_startup_trials = 5;  // >= 0: no stop before this many other trials reported at the step
  double n_warmup_steps = 0; // no stop at a step <= this
};

// The median rule's decision at `step` for a trial whose best value so far is `best_so_far`,
// when the other trials' values at that step are `others` (the trial's own excluded).
Verdict MedianVerdict(double best_so_far, std::vector<double> others, double step, Mode mode,
                      const MedianRule& rule);

}  // namespace hpo
