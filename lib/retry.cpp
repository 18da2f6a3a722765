#include "retry.hpp"

#include "atomic_file.hpp"
#include "error.hpp"
#include "tool.hpp"

namespace hpo {

bool CompleteInterruptedMove(const Campaign& c, TrialState folder, TrialId id, const Record& rec) {
  auto target = ParseStateName(rec.value("state", StateName(folder)));
  if (!target || *target == folder) return false;
  if (*target == TrialState::kFinished) {
    if (c.Move(id, folder, TrialState::kFinished) == Outcome::kExists)
      RemoveFile(c.layout().trial_file(folder, id));  // the published result stands
    return true;
  }
  c.Move(id, folder, *target);
  return true;
}

std::vector<TrialId> RetryFailed(const Campaign& c) {
  std::vector<TrialId> moved;
  const int max_attempts = c.config().hpo.max_attempts;
  for (TrialId id : c.List(TrialState::kFailed)) {
    std::optional<Record> rec;
    try {
      rec = c.Read(TrialState::kFailed, id);
    } catch (const Error& e) {
      Warning(std::string("not retrying an unreadable record: ") + e.what());
      continue;
    }
    if (!rec) continue;
    int attempt = rec->value("attempt", 1);
    if (attempt >= max_attempts) continue;
    Record next = *rec;
    next["state"] = "pending";
    next["attempt"] = attempt + 1;
    next.erase("reason");
    next.erase("additional_info");
    next.erase("runner");
    // Rewrite in place, then one rename: a crash in between leaves a record whose state
    // says pending inside failed/, which hpo-collect moves on.
    c.Write(TrialState::kFailed, id, next);
    if (c.Move(id, TrialState::kFailed, TrialState::kPending) == Outcome::kDone)
      moved.push_back(id);
  }
  return moved;
}

}  // namespace hpo
