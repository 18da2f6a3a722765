// Retries: a failed trial with attempts left goes back to pending (same id and config,
// attempt + 1, history kept); a crash between rewriting and moving is completed later.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "config.hpp"
#include "retry.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;

Campaign Make(const t::ScratchDir& dir, int max_attempts) {
  std::string text =
      "space:\n  lr: {uniform: [0, 1]}\ntrial:\n  command: echo {lr}\n"
      "hpo:\n  output_dir: camp\n  max_attempts: " +
      std::to_string(max_attempts) + "\n";
  return Campaign::Create(hpo::ParseConfig(text, "hpo.yaml"), dir / "camp", dir.path(),
                          hpo::Force::kNo);
}

// A failed record as hpo-run writes it.
Record Failed(TrialId id, int attempt) {
  json history = json::array();
  for (int a = 1; a <= attempt; ++a)
    history.push_back(
        {{"attempt", a}, {"state", "failed"}, {"reason", "exit code " + std::to_string(a)}});
  return {{"trial_id", id},
          {"state", "failed"},
          {"config", {{"lr", 0.25}}},
          {"attempt", attempt},
          {"reason", "the trial command failed: exit code " + std::to_string(attempt)},
          {"history", history},
          {"additional_info", {{"exit_code", attempt}, {"host", "n1"}}}};
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a failed trial with attempts left goes back to pending with the next attempt") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 3);
  c.Write(TrialState::kFailed, 4, Failed(4, 1));
  c.Write(TrialState::kFailed, 6, Failed(6, 2));
  fs::create_directories(c.layout().trial_dir(4));
  t::WriteText(c.layout().trial_dir(4) / "checkpoint.pt", "weights");

  CHECK(hpo::RetryFailed(c) == std::vector<TrialId>{4, 6});
  CHECK(c.List(TrialState::kFailed).empty());
  CHECK(c.List(TrialState::kPending) == std::vector<TrialId>{4, 6});
  Record r = c.Read(TrialState::kPending, 4).value();
  CHECK(r["state"] == "pending");
  CHECK(r["attempt"] == 2);
  CHECK(r["trial_id"] == 4);
  CHECK(r["config"] == json{{"lr", 0.25}});
  CHECK(r["history"] == Failed(4, 1)["history"]);  // earlier reasons kept
  CHECK_FALSE(r.contains("reason"));
  CHECK_FALSE(r.contains("additional_info"));
  CHECK_FALSE(r.contains("runner"));
  CHECK(c.Read(TrialState::kPending, 6).value()["attempt"] == 3);
  CHECK(t::ReadText(c.layout().trial_dir(4) / "checkpoint.pt") == "weights");  // work folder kept
  CHECK(t::ListDir(c.layout().tmp_dir()).empty());
}

TEST_CASE("a failed trial at max_attempts stays failed") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 2);
  c.Write(TrialState::kFailed, 1, Failed(1, 2));
  c.Write(TrialState::kFailed, 2, Failed(2, 5));  // beyond: max_attempts was lowered since
  std::string before = t::ReadText(c.layout().trial_file(TrialState::kFailed, 1));
  CHECK(hpo::RetryFailed(c).empty());
  CHECK(c.List(TrialState::kFailed) == std::vector<TrialId>{1, 2});
  CHECK(t::ReadText(c.layout().trial_file(TrialState::kFailed, 1)) == before);
  CHECK(c.List(TrialState::kPending).empty());

  t::ScratchDir dir1;
  Campaign once = Make(dir1, 1);  // the default: no retries at all
  once.Write(TrialState::kFailed, 0, Failed(0, 1));
  CHECK(hpo::RetryFailed(once).empty());
}

TEST_CASE("an unreadable failed record is skipped and the others are still retried") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 3);
  t::WriteText(c.layout().trial_file(TrialState::kFailed, 1), "{ not json");
  c.Write(TrialState::kFailed, 2, Failed(2, 1));
  CHECK(hpo::RetryFailed(c) == std::vector<TrialId>{2});
  CHECK(t::ReadText(c.layout().trial_file(TrialState::kFailed, 1)) == "{ not json");
}

TEST_CASE("a record rewritten as pending but still in failed is moved on") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 3);
  // RetryFailed crashed between its rewrite and its rename.
  Record r = Failed(3, 1);
  r["state"] = "pending";
  r["attempt"] = 2;
  r.erase("reason");
  c.Write(TrialState::kFailed, 3, r);
  CHECK(hpo::CompleteInterruptedMove(c, TrialState::kFailed, 3, r));
  CHECK(c.List(TrialState::kFailed).empty());
  CHECK(c.Read(TrialState::kPending, 3).value() == r);

  // A record whose state matches its folder, or names no state, stays.
  Record f = Failed(5, 1);
  c.Write(TrialState::kFailed, 5, f);
  CHECK_FALSE(hpo::CompleteInterruptedMove(c, TrialState::kFailed, 5, f));
  f["state"] = "bogus";
  CHECK_FALSE(hpo::CompleteInterruptedMove(c, TrialState::kFailed, 5, f));
  CHECK(c.List(TrialState::kFailed) == std::vector<TrialId>{5});
}

TEST_CASE("hpo-collect completes a retry that crashed between rewrite and rename") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 3);
  Record r = Failed(3, 1);
  r["state"] = "pending";
  r["attempt"] = 2;
  c.Write(TrialState::kFailed, 3, r);
  hpo::CollectOptions opt;
  opt.write_outputs = false;
  hpo::CollectSummary s = hpo::Collect(c, opt);
  CHECK(s.counts[TrialState::kPending] == 1);
  CHECK(s.counts[TrialState::kFailed] == 0);
  CHECK(c.List(TrialState::kPending) == std::vector<TrialId>{3});
  CHECK(c.Read(TrialState::kPending, 3).value()["attempt"] == 2);
}

TEST_CASE("a finished record left in running moves to results unless a result is already there") {
  t::ScratchDir dir;
  Campaign c = Make(dir, 1);
  Record done = {{"trial_id", 1}, {"state", "finished"}, {"config", {{"lr", 0.5}}}, {"error", 0.3}};
  c.Write(TrialState::kRunning, 1, done);
  CHECK(hpo::CompleteInterruptedMove(c, TrialState::kRunning, 1, done));
  CHECK(c.Read(TrialState::kFinished, 1).value() == done);
  CHECK(c.List(TrialState::kRunning).empty());

  Record first = done;
  first["error"] = 0.1;
  c.Write(TrialState::kFinished, 2, first);
  c.Write(TrialState::kRunning, 2, done);
  CHECK(hpo::CompleteInterruptedMove(c, TrialState::kRunning, 2, done));
  CHECK(c.Read(TrialState::kFinished, 2).value()["error"] == 0.1);  // the published result stands
  CHECK(c.List(TrialState::kRunning).empty());
}

TEST_SUITE_END();
