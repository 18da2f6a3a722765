#include "local_backend.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <map>
#include <set>

#include "claim.hpp"
#include "error.hpp"
#include "local_slots.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// Seconds between looks at the slots while other launchers' runners hold them (their ends
// send us no signal).
constexpr long kSlotPollMillis = 300;

// A runner is forked held at a gate before it runs (process.hpp HeldChild): its slot is
// taken in its own name (pid and start time) first. A launcher killed meanwhile closes the
// gate unopened, and the runner then exits without running anything.
HeldChild SpawnRunner(const std::string& runner, const std::string& dir, TrialId id) {
  SpawnSpec spec;
  spec.argv = {runner, dir, "--trial", std::to_string(id), "--quiet"};
  return HeldChild::Spawn(std::move(spec));
}

bool StillPending(const Layout& L, TrialId id) {
  struct stat st;
  return ::lstat(L.trial_file(TrialState::kPending, id).c_str(), &st) == 0;
}

// Counts a runner's end by its exit status (hpo-run --help), and a pruned trial (exit 0 too)
// by where its record went.
void Count(LocalResult& res, int status, const Layout& L, TrialId id) {
  ExitInfo e = FromWaitStatus(status);
  struct stat st;
  if (e.ok() && ::lstat(L.trial_file(TrialState::kPruned, id).c_str(), &st) == 0)
    ++res.pruned;
  else if (e.ok())
    ++res.finished;
  else if (!e.signal && e.exit_code == static_cast<int>(ExitStatus::kNotRun))
    ++res.not_run;
  else if (!e.signal && e.exit_code == static_cast<int>(ExitStatus::kInterrupted))
    ++res.returned;
  else
    ++res.failed;
}

}  // namespace

LocalResult& LocalResult::operator+=(const LocalResult& o) {
  started += o.started;
  finished += o.finished;
  pruned += o.pruned;
  failed += o.failed;
  not_run += o.not_run;
  returned += o.returned;
  stranded += o.stranded;
  interrupted = interrupted || o.interrupted;
  return *this;
}

LocalResult RunLocal(const Campaign& campaign, int max_concurrent, const std::string& runner) {
  LocalResult res;
  if (::access(runner.c_str(), X_OK) != 0)
    throw Error("cannot run the trial runner " + runner + ": " + ErrnoText(errno) +
                " (it is installed beside hpo-submit)");
  const Layout& L = campaign.layout();
  LocalSlots slots(L, max_concurrent);
  sigset_t mask, old;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, &old);
  const std::string dir = L.root().string();
  struct Child {
    int slot;
    SlotHolder holder;
  };
  std::map<pid_t, Child> children;
  std::deque<TrialId> queue;
  std::set<TrialId> launched;
  bool stopping = false;
  auto refill = [&] {
    res.stranded += static_cast<int>(ReturnStrandedClaims(campaign).size());
    queue.clear();
    for (TrialId id : campaign.List(TrialState::kPending))
      if (!launched.count(id)) queue.push_back(id);
  };
  refill();
  while (true) {
    bool slots_full = false;
    while (!stopping) {
      if (queue.empty()) refill();
      if (queue.empty()) break;
      if (!StillPending(L, queue.front())) {  // claimed by another launcher's runner
        queue.pop_front();
        continue;
      }
      auto k = slots.FindFree();
      if (!k) {
        slots_full = true;
        break;
      }
      TrialId id = queue.front();
      HeldChild runner_child = SpawnRunner(runner, dir, id);
      const pid_t pid = runner_child.pid();
      SlotHolder holder = SlotHolder::Of(pid, id);
      if (!slots.Take(*k, holder)) continue;  // another launcher took slot k first: look again
      queue.pop_front();
      launched.insert(id);
      try {
        runner_child.Release();
      } catch (const SpawnError& e) {
        Warning(std::string(e.what()) + "; trial " + std::to_string(id) + " not run");
        slots.Release(*k, holder);
        ++res.started;
        ++res.failed;
        continue;
      }
      children[pid] = {*k, holder};
      ++res.started;
    }
    int others = slots.HeldByOthers(static_cast<long>(::getpid()));
    if (children.empty() && (stopping || others == 0)) {
      // (Slots held a moment ago by runners of other launchers may have been freed since.)
      if (slots_full && !stopping && slots.FindFree()) continue;
      if (slots_full && !stopping)
        throw Error("every slot in " + L.slots_dir().string() +
                    " is held by a process of another host or by a file that is not a slot; "
                    "remove those slot files if their runners are gone");
      break;
    }
    // Wait for a runner to end, a signal, or (while others hold slots) the next look.
    long ms = slots_full || others > 0 ? kSlotPollMillis : 5000;
    timespec ts{ms / 1000, (ms % 1000) * 1000000};
    siginfo_t info;
    int sig = ::sigtimedwait(&mask, &info, &ts);
    if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP) && !stopping) {
      stopping = true;
      res.interrupted = true;
      Info("stopping: " + SignalName(sig) + " forwarded to " + std::to_string(children.size()) +
           " runner(s); their trials return to pending");
      for (const auto& [p, c] : children) ::kill(p, SIGTERM);
    }
    int status;
    pid_t done;
    while ((done = ::waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = children.find(done);
      if (it == children.end()) continue;
      slots.Release(it->second.slot, it->second.holder);
      Count(res, status, L, it->second.holder.trial_id);
      children.erase(it);
    }
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  return res;
}

}  // namespace hpo
