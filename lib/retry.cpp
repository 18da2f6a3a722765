#include "retry.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "atomic_file.hpp"
#include "error.hpp"
#include "record.hpp"
#include "tool.hpp"

namespace hpo {

bool CompleteInterruptedMove(const Campaign& c, TrialState folder, TrialId id, const Record& rec) {
  auto target = ParseStateName(rec.value(record_key::kState, StateName(folder)));
  if (!target || *target == folder) return false;
  if (*target == TrialState::kFinished) {
    if (c.Move(id, folder, TrialState::kFinished) == Outcome::kExists)
      RemoveFile(c.layout().trial_file(folder, id));  // the published result stands
    return true;
  }
  c.Move(id, folder, *target);
  return true;
}

namespace {

// A retry claim older than this was left by a process that died while holding it.
constexpr double kStaleClaimSeconds = 30;

struct stat LstatOrZero(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) st = {};
  return st;
}

// Takes the right to retry trial `id`: link(2) of failed/trial_<id>.json to its claim name,
// which exists at most once. Without it, two retries (two hpo-submit --retry-failed, or one
// beside hpo-collect --resubmit) could both rewrite the record: the later rewrite recreates
// failed/trial_<id>.json after the first has moved it on, and the trial is retried (and run)
// twice. A claim left by a dead process is stale once failed/ holds another file (its
// rewrite was done) or after kStaleClaimSeconds; it is removed and taken anew.
bool ClaimRetry(const Layout& L, TrialId id) {
  fs::path failed = L.trial_file(TrialState::kFailed, id), claim = L.retry_claim(id);
  for (int tries = 0; tries < 2; ++tries) {
    if (::link(failed.c_str(), claim.c_str()) == 0) return true;
    if (errno == ENOENT) return false;  // moved on meanwhile
    if (errno != EEXIST) throw Error("failed to link " + failed.string() + " to " + claim.string() + ": " + ErrnoText(errno));
    struct stat c = LstatOrZero(claim), f = LstatOrZero(failed);
    bool same = c.st_ino != 0 && c.st_dev == f.st_dev && c.st_ino == f.st_ino;
    double age = NowSeconds() - (static_cast<double>(c.st_ctim.tv_sec) + c.st_ctim.tv_nsec * 1e-9);
    if (same && age < kStaleClaimSeconds) return false;  // another process is retrying it
    RemoveFile(claim);
  }
  return false;
}

}  // namespace

std::vector<TrialId> RetryFailed(const Campaign& c) {
  std::vector<TrialId> moved;
  const int max_attempts = c.config().hpo.max_attempts;
  for (TrialId id : c.List(TrialState::kFailed)) {
    if (max_attempts <= 1 || !ClaimRetry(c.layout(), id)) continue;
    std::optional<Record> rec;
    try {
      rec = c.Read(TrialState::kFailed, id);
    } catch (const Error& e) {
      Warning(std::string("not retrying an unreadable record: ") + e.what());
    }
    // Only a record that still says failed: one that says pending was rewritten by a retry
    // that died before its rename (hpo-collect moves it on).
    if (rec && StateOf(*rec) == StateName(TrialState::kFailed) && AttemptOf(*rec) < max_attempts) {
      Record next = *rec;
      ResetForRetry(next);
      // Rewrite in place, then one rename: a crash in between leaves a record whose state
      // says pending inside failed/, which hpo-collect moves on.
      c.Write(TrialState::kFailed, id, next);
      if (c.Move(id, TrialState::kFailed, TrialState::kPending) == Outcome::kDone)
        moved.push_back(id);
    }
    RemoveFile(c.layout().retry_claim(id));
  }
  return moved;
}

std::size_t CountOutOfAttempts(const Campaign& c) {
  std::size_t n = 0;
  const int max_attempts = c.config().hpo.max_attempts;
  for (TrialId id : c.List(TrialState::kFailed)) {
    try {
      auto rec = c.Read(TrialState::kFailed, id);
      if (rec && StateOf(*rec) == StateName(TrialState::kFailed) && AttemptOf(*rec) >= max_attempts)
        ++n;
    } catch (const Error&) {
      // unreadable: RetryFailed warns about it
    }
  }
  return n;
}

}  // namespace hpo
