// A claim whose runner never registered (killed between the rename and its first write) is
// recognised by its age and returned to pending; a fresh one is left to its runner.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "campaign.hpp"
#include "claim.hpp"
#include "config.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
using hpo::ClaimVerdict;
using hpo::TrialState;

hpo::Campaign Make(const t::ScratchDir& dir) {
  std::string text =
      "space:\n  lr: {uniform: [0, 1]}\ntrial:\n  command: echo {lr}\nhpo:\n  output_dir: camp\n";
  return hpo::Campaign::Create(hpo::ParseConfig(text, "hpo.yaml"), dir / "camp", dir.path(),
                               hpo::Force::kNo);
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  const char* name_;
};

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a claim is stranded only when it says pending and is older than the grace") {
  struct Case {
    const char* state;
    double age, grace;
    ClaimVerdict want;
  };
  const Case cases[] = {
      {"pending", 0.0, 60, ClaimVerdict::kRegistering},   // just renamed: its runner registers
      {"pending", 59.9, 60, ClaimVerdict::kRegistering},  // slow, still inside the grace
      {"pending", 60.0, 60, ClaimVerdict::kStranded},     // the grace is over
      {"pending", 3600, 60, ClaimVerdict::kStranded},     // the trial 15
      {"pending", -1, 60, ClaimVerdict::kRegistering},    // age unknown (moved meanwhile)
      {"pending", 2, 1, ClaimVerdict::kStranded},         // a test's short grace
      {"running", 3600, 60, ClaimVerdict::kRegistered},   // registered: its runner decides
      {"running", 0, 60, ClaimVerdict::kRegistered},
      {"", 3600, 60, ClaimVerdict::kRegistered},          // no state: not judged a claim
      {"finished", 3600, 60, ClaimVerdict::kRegistered},  // an interrupted move: collect's job
      {"failed", 3600, 60, ClaimVerdict::kRegistered},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.state));
    CAPTURE(c.age);
    CHECK(hpo::JudgeClaim({c.state, c.age, c.grace}) == c.want);
  }
}

TEST_CASE("the claim grace is 60 s, HPO_CLAIM_GRACE when positive, at most the lease") {
  CHECK(hpo::ClaimGrace(300) == 60);
  CHECK(hpo::ClaimGrace(20) == 20);  // a campaign with a shorter lease gets its claims sooner
  {
    ScopedEnv env("HPO_CLAIM_GRACE", "0.5");
    CHECK(hpo::ClaimGrace(300) == 0.5);
  }
  for (const char* bad : {"", "0", "-3", "abc", "5s"}) {
    CAPTURE(std::string(bad));
    ScopedEnv env("HPO_CLAIM_GRACE", bad);
    CHECK(hpo::ClaimGrace(300) == 60);
  }
}

TEST_CASE("a claim whose runner never registered returns to pending after the grace, not before") {
  t::ScratchDir dir;
  hpo::Campaign c = Make(dir);
  REQUIRE(c.AddPending(15, {{"lr", 0.5}}));
  // What a runner killed right after its claim leaves: the pending record, renamed.
  REQUIRE(c.Move(15, TrialState::kPending, TrialState::kRunning) == hpo::Outcome::kDone);
  auto rec = c.Read(TrialState::kRunning, 15);
  REQUIRE(rec);
  ScopedEnv env("HPO_CLAIM_GRACE", "0.3");
  CHECK(hpo::ReturnStrandedClaims(c).empty());  // fresh: its runner may be registering
  CHECK(c.Find(15) == TrialState::kRunning);
  ::usleep(400 * 1000);
  CHECK(hpo::ReturnStrandedClaims(c) == std::vector<hpo::TrialId>{15});
  CHECK(c.Find(15) == TrialState::kPending);
  CHECK(c.Read(TrialState::kPending, 15) == rec);  // unchanged: it never started
}

TEST_CASE("a registered runner's trial is never returned to pending, however old") {
  t::ScratchDir dir;
  hpo::Campaign c = Make(dir);
  REQUIRE(c.AddPending(3, {{"lr", 0.5}}));
  REQUIRE(c.Move(3, TrialState::kPending, TrialState::kRunning) == hpo::Outcome::kDone);
  auto rec = *c.Read(TrialState::kRunning, 3);
  rec["state"] = "running";
  rec["runner"] = {{"host", "elsewhere"}, {"pid", 1}};
  c.Write(TrialState::kRunning, 3, rec);
  ScopedEnv env("HPO_CLAIM_GRACE", "0.01");
  ::usleep(50 * 1000);
  CHECK(hpo::SettleClaim(c, 3, rec, hpo::NowSeconds()) == ClaimVerdict::kRegistered);
  CHECK(c.Find(3) == TrialState::kRunning);
}

TEST_SUITE_END();
