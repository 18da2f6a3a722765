#include "claim.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "error.hpp"
#include "file_age.hpp"
#include "tool.hpp"

namespace hpo {

ClaimVerdict JudgeClaim(const ClaimFacts& f) {
  if (f.state != StateName(TrialState::kPending)) return ClaimVerdict::kRegistered;
  if (f.claim_age < 0 || f.claim_age < f.grace) return ClaimVerdict::kRegistering;
  return ClaimVerdict::kStranded;
}

double ClaimGrace(double lease_timeout) {
  double grace = 60;
  if (const char* env = std::getenv("HPO_CLAIM_GRACE"); env && *env) {
    char* end = nullptr;
    double v = std::strtod(env, &end);
    if (end && *end == '\0' && v > 0) grace = v;
  }
  return lease_timeout > 0 ? std::min(grace, lease_timeout) : grace;
}

double ClaimAge(const Layout& L, TrialId id, double now) {
  // The rename from pending/ sets the ctime; the record's content may be older.
  return FileAge(L.trial_file(TrialState::kRunning, id), now, FileClock::kChanged).value_or(-1);
}

ClaimVerdict SettleClaim(const Campaign& c, TrialId id, const Record& rec, double now) {
  double age = ClaimAge(c.layout(), id, now);
  ClaimVerdict v =
      JudgeClaim({StateOf(rec), age, ClaimGrace(c.config().hpo.lease_timeout)});
  if (v != ClaimVerdict::kStranded) return v;
  // The record says pending: the same rename a runner's interrupted give-back does.
  if (c.Move(id, TrialState::kRunning, TrialState::kPending) == Outcome::kDone)
    Warning(
        "trial " + std::to_string(id) + ": claimed " + std::to_string(static_cast<long>(age)) +
        " s ago, but its runner never registered (killed before it could); returned to pending");
  return v;
}

std::vector<TrialId> ReturnStrandedClaims(const Campaign& c) {
  std::vector<TrialId> out;
  for (TrialId id : c.List(TrialState::kRunning)) {
    std::optional<Record> rec;
    try {
      rec = c.Read(TrialState::kRunning, id);
    } catch (const Error&) {
      continue;  // hpo-collect names it
    }
    if (rec && SettleClaim(c, id, *rec, NowSeconds()) == ClaimVerdict::kStranded) out.push_back(id);
  }
  return out;
}

}  // namespace hpo
