// The claim of a trial by a runner, and claims left unfinished. A runner claims a trial by
// renaming pending/trial_<i>.json to running/ (one rename decides between racing runners),
// then registers: it rewrites the record with state "running" and its "runner" section. A
// runner killed between the two leaves a record in running/ that still says "pending": no
// runner will ever renew or settle it. Such a claim is recognised by its age (the rename set
// the file's ctime) and returned to pending (it never started, so nothing is lost), by
// hpo-collect and by the local launcher. A runner that could not register within half the
// grace gives up instead, so a live runner is never robbed of a trial it runs.
#pragma once

#include <string>
#include <vector>

#include "campaign.hpp"

namespace hpo {

// What a record in running/ says about its claim.
enum class ClaimVerdict {
  kRegistered,   // the record says it started (or ended): the runner's liveness decides
  kRegistering,  // claimed moments ago; its runner may be registering: leave it alone
  kStranded      // claimed longer than the grace ago and never registered: return to pending
};

// The facts the verdict is made from.
struct ClaimFacts {
  std::string state;  // the record's "state" field
  double claim_age;   // seconds since the record was renamed or written; < 0 when unknown
  double grace;       // ClaimGrace(lease_timeout)
};

// Decides from the facts alone. Only the state field says whether the trial started: a
// runner writes "running" and its "runner" section in one write, so whether that section
// is present adds nothing.
ClaimVerdict JudgeClaim(const ClaimFacts& facts);

// Seconds a claim may stay unregistered: 60, or $HPO_CLAIM_GRACE (seconds, > 0; for tests),
// and never more than the campaign's `lease_timeout` (hpo.lease_timeout: a campaign that
// declares runners lost sooner gets its claims back as soon). A runner gives up when it has
// not registered within half of it.
double ClaimGrace(double lease_timeout);

// Seconds since the inode of running/trial_<id>.json last changed (a rename sets it), or -1.
double ClaimAge(const Layout& layout, TrialId id, double now);

// Judges the running record `rec` of `id` and, when it is stranded, returns it to pending
// (with a warning). Returns its verdict.
ClaimVerdict SettleClaim(const Campaign& campaign, TrialId id, const Record& rec, double now);

// SettleClaim over every record in running/; returns the ids returned to pending.
std::vector<TrialId> ReturnStrandedClaims(const Campaign& campaign);

}  // namespace hpo
