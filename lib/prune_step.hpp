// Early stopping on the trial's side, over files, with no manager: a trial reports its value
// at a step, and the campaign's pruner (the `pruner:` section; the rules are pruner.hpp)
// answers continue or stop. hpo-prune and the Python helper both come here.
//
// At each rung the step has reached and that the trial has no decision for yet, in order:
//   1. record the value in the rung (rung_files.hpp: one exclusively created empty file);
//   2. read the whole rung with one listing;
//   3. decide (AshaVerdict, or MedianVerdict at every step for the median rule);
//   4. write the decision into trials/trial_<i>/prune/<rung>.json, once (no replace): a
//      requeued or resumed attempt that reports the rung again reuses it, so a trial is
//      never judged twice at one rung (and of two racing writers, the first decision holds).
// A stale listing (NFS attribute caches) can only hide values, which makes the rule more
// lenient, never stricter.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "campaign.hpp"
#include "pruner.hpp"

namespace hpo {

// The pruner's answer at a step.
struct PruneAnswer {
  Verdict verdict = Verdict::kContinue;
  // The decision that stopped the trial (as written in its folder), null when continuing.
  nlohmann::json decision;
  // One line for people: why it stops ("trial 7 stops at step 3 (rung 1, resource 3):
  // 0.42 is not among the best 4 of 12 values there"), "" when continuing.
  std::string why;
};

// Reports `value` of trial `id` at `step` to the campaign's pruner (kind none: always
// continue, nothing written). Throws an Error naming the file when a record cannot be
// written.
PruneAnswer ReportStep(const Campaign& campaign, TrialId id, double step, double value);

// The decision that stopped trial `id`, when its folder holds one (the first stop, by rung
// order); nullopt otherwise.
std::optional<nlohmann::json> StopDecisionOf(const Layout& layout, TrialId id);

// "trial 7 stops at step 3 (rung 1, resource 3): ..." from a decision, for messages.
std::string DescribeStop(TrialId id, const nlohmann::json& decision);

}  // namespace hpo
