// What early stopping did in a campaign, as the report page, its text summary and the status
// show it: how many trials reached each rung and how many the pruner stopped there (rung
// occupancy), and the steps it saved (steps run against a full run of every trial). The
// counting and the arithmetic are pure functions; ReadRungCounts lists the rung folders
// (rung_files.hpp) and RungOccupancy puts the two together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "trial_row.hpp"

namespace hpo {

// A rung of ASHA (bracket, rung, its resource) or a step of the median rule (rung -1,
// bracket 0, the step as its resource).
struct RungPlace {
  int bracket = 0;
  int rung = -1;
  double resource = 0;
};

// Places are equal when they name the same ASHA rung, or the same median step.
bool SamePlace(const RungPlace& a, const RungPlace& b);

// A rung and its occupancy.
struct RungCount {
  RungPlace place;
  std::int64_t reached = 0;  // trials that recorded a value there
  std::int64_t stopped = 0;  // trials the pruner stopped there
};

// Where a pruned trial stopped: its rung (its bracket from the campaign's seed, the rung's
// resource from the pruner's settings) or its median step; nullopt for a row that is not
// pruned or says nowhere.
std::optional<RungPlace> StopPlaceOf(const Config& config, const TrialRow& row);

// The occupancy of every place that `recorded` (reached counts, from the rung folders) or
// `stops` (one entry per stopped trial) names, in order of bracket, then rung (median steps
// by step). A place that stopped more trials than it recorded (a folder removed or not yet
// visible) reached at least those.
std::vector<RungCount> CountOccupancy(const std::vector<RungCount>& recorded,
                                      const std::vector<RungPlace>& stops);

// The ASHA rungs recorded in the campaign's rungs/ folder, each with the number of trials
// that recorded a value there (stopped 0). Empty without the folder; a rung outside the
// pruner's settings gets a NaN resource.
std::vector<RungCount> ReadRungCounts(const Campaign& campaign);

// The steps of one trial, for the compute saved and the median rule's occupancy.
struct TrialSteps {
  TrialState state = TrialState::kPending;
  std::optional<double> last_step;  // the last step it reached (pruned: where it stopped)
};

// The median rule's steps where trials stopped (`stops`), each reached by the trials whose
// last step is at or beyond it (the rule's records hold every step: its steps are not
// listed).
std::vector<RungCount> ReachedSteps(const std::vector<RungPlace>& stops,
                                    const std::vector<TrialSteps>& trials);

// Every rung that recorded a value or stopped a trial: ASHA's from ReadRungCounts, the
// median rule's from ReachedSteps of `steps` (one per row), with StopPlaceOf of the rows,
// through CountOccupancy.
std::vector<RungCount> RungOccupancy(const Campaign& campaign, const std::vector<TrialRow>& rows,
                                     const std::vector<TrialSteps>& steps);

// The rungs where the pruned rows stopped (reached 0): the status's counts, without listing
// any folder.
std::vector<RungCount> StopsPerRung(const Config& config, const std::vector<TrialRow>& rows);

// "rung 1 @3" (ASHA; "bracket 2 rung 0 @9" when the pruner has brackets), "step 5" (median).
std::string RungLabel(const RungPlace& place, int brackets);

// "rung 0 @1: 30, rung 1 @3: 9" (the places with stops, by stopped count): the status line.
std::string StopsText(const std::vector<RungCount>& rungs, int brackets);

// Steps run by the trials the pruner judged to the end (finished and pruned; running,
// failed and pending trials are not counted) against a full run of each.
struct StepsSaved {
  std::int64_t finished = 0, pruned = 0;
  double run = 0;   // finished: the full resource each; pruned: where each stopped
  double full = 0;  // (finished + pruned) x the full resource
  double saved() const { return full - run; }
  // saved / full, 0 when nothing was counted.
  double fraction() const { return full > 0 ? saved() / full : 0; }
};

// StepsSaved of `trials` with `full_resource` steps to a full run (pruned trials count at most
// that, and none below 0; nothing counts when full_resource is not a positive number).
StepsSaved CountStepsSaved(const std::vector<TrialSteps>& trials, double full_resource);

// The steps of a full run: the ASHA pruner's max_resource; for the median rule, the last
// step the longest finished trial reached; nullopt when unknown (no pruner, nothing finished).
std::optional<double> FullResource(const PrunerSection& pruner,
                                   const std::vector<TrialSteps>& trials);

// The steps of each row: pruned rows where they stopped (or the last step of their curve,
// if later), the others the last step of their curve; `last_steps` (one per row, or empty)
// holds the curves' last steps.
std::vector<TrialSteps> StepsOfRows(const std::vector<TrialRow>& rows,
                                    const std::vector<std::optional<double>>& last_steps);

// "64.2% of steps saved: 1,234 run of 3,456 (12 finished x 9, 80 pruned)": steps grouped by
// thousands (they run into millions), trials as counted everywhere else.
std::string StepsSavedText(const StepsSaved& saved, double full_resource);

// Early stopping in a campaign, as the page and the text summary show it.
struct EarlyStopping {
  int brackets = 1;
  std::vector<RungCount> rungs;         // RungOccupancy
  std::optional<double> full_resource;  // FullResource
  StepsSaved saved;                     // with the full resource; zero without
};

// The figures of `rows`; `last_steps` (LastSteps of the curves, or empty) as StepsOfRows
// takes them.
EarlyStopping SummariseEarlyStopping(const Campaign& campaign, const std::vector<TrialRow>& rows,
                                     const std::vector<std::optional<double>>& last_steps);

// The text summary's lines: the rungs ("  rungs: rung 0 @1: 12 reached, 8 stopped; ...") and
// the compute saved ("  compute: 64.2% of steps saved: ..."), each "\n"-terminated; "" for
// nothing.
std::string EarlyStoppingText(const EarlyStopping& e, std::int64_t finished);

}  // namespace hpo
