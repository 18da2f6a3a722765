#include "local_backend.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <set>

#include "error.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// Runners of this host recorded in running/ that are not our children (left by a launcher
// that was killed): they still hold slots.
std::set<pid_t> ForeignRunners(const Campaign& c, const std::set<pid_t>& ours) {
  std::set<pid_t> out;
  std::string host = HostName();
  for (TrialId id : c.List(TrialState::kRunning)) {
    std::optional<Record> rec;
    try {
      rec = c.Read(TrialState::kRunning, id);
    } catch (const Error&) {
      continue;
    }
    if (!rec || !rec->contains("runner")) continue;
    const auto& r = (*rec)["runner"];
    if (r.value("host", "") != host || r.contains("slurm_job_id")) continue;
    pid_t pid = static_cast<pid_t>(r.value("pid", 0L));
    if (pid > 0 && !ours.count(pid) && ProcessAlive(pid)) out.insert(pid);
  }
  return out;
}

pid_t Spawn(const std::string& runner, const std::string& dir, TrialId id, const sigset_t& old) {
  std::string ids = std::to_string(id);
  pid_t pid = ::fork();
  if (pid < 0) throw Error("failed to fork a runner: " + ErrnoText(errno));
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::execl(runner.c_str(), runner.c_str(), dir.c_str(), "--trial", ids.c_str(), "--quiet",
            static_cast<char*>(nullptr));
    std::string m = "hpo-submit: error: failed to run " + runner + ": " + ErrnoText(errno) + "\n";
    (void)!::write(2, m.data(), m.size());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

LocalResult RunLocal(const Campaign& campaign, int max_concurrent, const std::string& runner) {
  LocalResult res;
  if (::access(runner.c_str(), X_OK) != 0)
    throw Error("cannot run the trial runner " + runner + ": " + ErrnoText(errno) +
                " (it is installed beside hpo-submit)");
  sigset_t mask, old;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, &old);
  const std::string dir = campaign.layout().root().string();
  std::set<pid_t> children;
  std::set<pid_t> foreign = ForeignRunners(campaign, children);
  std::deque<TrialId> queue;
  std::set<TrialId> launched;
  bool stopping = false;
  auto refill = [&] {
    queue.clear();
    for (TrialId id : campaign.List(TrialState::kPending))
      if (!launched.count(id)) queue.push_back(id);
  };
  refill();
  while (true) {
    for (auto it = foreign.begin(); it != foreign.end();)
      it = ProcessAlive(*it) ? std::next(it) : foreign.erase(it);
    while (!stopping && static_cast<int>(children.size() + foreign.size()) < max_concurrent) {
      if (queue.empty()) refill();
      if (queue.empty()) break;
      TrialId id = queue.front();
      queue.pop_front();
      launched.insert(id);
      children.insert(Spawn(runner, dir, id, old));
      ++res.started;
    }
    if (children.empty() && (stopping || foreign.empty())) break;
    // Wait for a child, a signal, or (with foreign runners) a periodic re-check.
    timespec ts{children.empty() ? 1 : 5, 0};
    siginfo_t info;
    int sig = ::sigtimedwait(&mask, &info, &ts);
    if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP) && !stopping) {
      stopping = true;
      res.interrupted = true;
      Info("stopping: " + SignalName(sig) + " forwarded to " + std::to_string(children.size()) +
           " runner(s); their trials return to pending");
      for (pid_t p : children) ::kill(p, SIGTERM);
    }
    int status;
    pid_t done;
    while ((done = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (!children.erase(done)) continue;
      if (FromWaitStatus(status).ok()) ++res.finished;
      else ++res.failed;
    }
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  return res;
}

}  // namespace hpo
