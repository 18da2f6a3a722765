// How an attempt ends, from the facts alone: the ending decision table, the requeue reason
// by how the trial was stopped, and the restarts SLURM made on its own.
#include <doctest/doctest.h>

#include <string>

#include "runner_ending.hpp"

namespace {

using hpo::Ending;
using hpo::EndingFacts;
using hpo::GraceStop;

const char* Name(Ending e) {
  switch (e) {
    case Ending::kRequeue: return "requeue";
    case Ending::kBackToPending: return "back to pending";
    case Ending::kAskSlurm: return "ask SLURM";
    case Ending::kLeaveRunning: return "leave running";
    case Ending::kFinish: return "finish";
    case Ending::kPrune: return "prune";
    case Ending::kFail: return "fail";
  }
  return "?";
}

// The facts of one row: where it ran, what the runner received, how the trial ended.
struct Row {
  const char* what;
  bool slurm, can_requeue, warned;
  int term_signal;
  bool ok, signalled, metric;
  std::optional<bool> slurm_ending;
  Ending want;
};

constexpr int TERM = 15, INT = 2;

EndingFacts FactsOf(const Row& r) {
  EndingFacts f;
  f.under_slurm = r.slurm;
  f.can_requeue = r.can_requeue;
  f.warned = r.warned;
  f.term_signal = r.term_signal;
  f.trial_ok = r.ok;
  f.trial_signalled = r.signalled;
  f.has_metric = r.metric;
  f.slurm_ending = r.slurm_ending;
  return f;
}
constexpr std::optional<bool> kUnasked = std::nullopt;

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("the ending of an attempt is decided from what happened") {
  const Row rows[] = {
      // what                                         slurm  requeue warned term  ok     sig    metric ending    want
      {"local: exit 0 with a metric",                 false, false, false, 0,    true,  false, true,  kUnasked, Ending::kFinish},
      {"local: exit 0 without a metric",              false, false, false, 0,    true,  false, false, kUnasked, Ending::kFail},
      {"local: exit 3",                               false, false, false, 0,    false, false, false, kUnasked, Ending::kFail},
      {"local: killed by a signal nobody sent us",    false, false, false, 0,    false, true,  false, kUnasked, Ending::kFail},
      {"local: Ctrl-C",                               false, false, false, INT,  false, true,  false, kUnasked, Ending::kBackToPending},
      {"local: SIGTERM, the trial still finished",    false, false, false, TERM, true,  false, true,  kUnasked, Ending::kBackToPending},
      {"local: SIGUSR2, no attempts to requeue",      false, false, true,  0,    false, false, false, kUnasked, Ending::kFail},
      {"SLURM: exit 0 with a metric",                 true,  true,  false, 0,    true,  false, true,  kUnasked, Ending::kFinish},
      {"SLURM: exit 3",                               true,  true,  false, 0,    false, false, false, kUnasked, Ending::kFail},
      {"SLURM: USR2, checkpointed and exited 75",     true,  true,  true,  0,    false, false, false, kUnasked, Ending::kRequeue},
      {"SLURM: USR2, ignored, killed at grace end",   true,  true,  true,  0,    false, true,  false, kUnasked, Ending::kRequeue},
      {"SLURM: USR2, but the trial finished",         true,  true,  true,  0,    true,  false, true,  kUnasked, Ending::kFinish},
      {"SLURM: USR2, exit 0 without a metric",        true,  true,  true,  0,    true,  false, false, kUnasked, Ending::kRequeue},
      {"SLURM: USR2, no attempts left, exit 75",      true,  false, true,  0,    false, false, false, kUnasked, Ending::kFail},
      {"SLURM: USR2, no attempts left, killed",       true,  false, true,  0,    false, true,  false, kUnasked, Ending::kAskSlurm},
      {"SLURM: USR2 then SIGTERM (time limit)",       true,  true,  true,  TERM, false, true,  false, kUnasked, Ending::kLeaveRunning},
      {"SLURM: scancel (SIGTERM to the runner)",      true,  true,  false, TERM, false, true,  false, kUnasked, Ending::kLeaveRunning},
      {"SLURM: SIGTERM, the trial still finished",    true,  true,  false, TERM, true,  false, true,  kUnasked, Ending::kLeaveRunning},
      {"SLURM: trial killed, not asked yet",          true,  true,  false, 0,    false, true,  false, kUnasked, Ending::kAskSlurm},
      {"SLURM: trial killed, the job is ending",      true,  true,  false, 0,    false, true,  false, true,     Ending::kLeaveRunning},
      {"SLURM: trial killed, the job still runs",     true,  true,  false, 0,    false, true,  false, false,    Ending::kFail},
      {"SLURM: requeue refused, trial exited 75",     true,  false, true,  0,    false, false, false, kUnasked, Ending::kFail},
  };
  for (const Row& r : rows) {
    CAPTURE(r.what);
    CHECK(std::string(Name(hpo::DecideEnding(FactsOf(r)))) == Name(r.want));
  }
}

TEST_CASE("a trial told to stop by the pruner is pruned when it exits 0, whatever it wrote") {
  const Row rows[] = {
      // what                                   slurm  requeue warned term  ok     sig    metric ending  want
      {"exit 0, no result",                     false, false, false, 0,    true,  false, false, true,  Ending::kPrune},
      {"exit 0, a result written anyway",       false, false, false, 0,    true,  false, true,  true,  Ending::kPrune},
      {"SLURM: exit 0, no result",              true,  true,  false, 0,    true,  false, false, true,  Ending::kPrune},
      {"SLURM: USR2 came too, exit 0",          true,  true,  true,  0,    true,  false, false, true,  Ending::kPrune},
      {"exit 1 after the stop: a failure",      false, false, false, 0,    false, false, false, true,  Ending::kFail},
      {"local Ctrl-C after the stop",           false, false, false, INT,  false, true,  false, true,  Ending::kBackToPending},
      {"SLURM: scancel after the stop",         true,  true,  false, TERM, false, true,  false, true,  Ending::kLeaveRunning},
  };
  for (const Row& r : rows) {
    EndingFacts f = FactsOf(r);
    f.told_to_stop = true;
    CAPTURE(r.what);
    CHECK(std::string(Name(hpo::DecideEnding(f))) == Name(r.want));
  }
}

TEST_CASE("a requeue after SIGUSR2 says whether the trial stopped, was stopped, or was killed") {
  CHECK(hpo::RequeueReason(GraceStop::kNone) ==
        "SIGUSR2 before the time limit: checkpointed and requeued");
  CHECK(hpo::RequeueReason(GraceStop::kTerm).find("stopped by SIGTERM and requeued") != std::string::npos);
  const std::string killed = hpo::RequeueReason(GraceStop::kKill);
  CHECK(killed.find("killed by SIGKILL after the grace") != std::string::npos);
  CHECK(killed.find("requeued without a checkpoint") != std::string::npos);
  CHECK(killed.find("checkpointed and requeued") == std::string::npos);
}

TEST_CASE("a restart SLURM made on its own is recorded, the runner's own requeue is not") {
  struct Case {
    const char* what;
    hpo::RestartFacts facts;
    const char* says;  // nullptr: nothing recorded
  };
  const Case cases[] = {
      {"a fresh claim", {false, false, 0, "", ""}, nullptr},
      {"after the runner's own requeue", {true, true, 1, "", ""}, nullptr},
      {"node failure: the runner left no word", {true, false, 1, "", ""}, "ended without a word (node failure?)"},
      {"requeued by hand: the runner saw SIGTERM", {true, false, 2, "SIGTERM", "killed by SIGTERM"}, "had received SIGTERM"},
      {"the trial was killed, then the job restarted", {true, false, 1, "", "killed by SIGKILL"}, "trial end: killed by SIGKILL"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    auto reason = hpo::SlurmRestartReason(c.facts);
    REQUIRE(reason.has_value() == (c.says != nullptr));
    if (!reason) continue;
    CHECK(reason->find("restarted by SLURM (SLURM_RESTART_COUNT " + std::to_string(c.facts.slurm_restart_count) + ")") == 0);
    CHECK(reason->find(c.says) != std::string::npos);
  }
}
