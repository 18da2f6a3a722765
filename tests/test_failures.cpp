// Failures grouped by cause: what is particular to one trial is taken out of the reason.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "failures.hpp"

namespace {
hpo::TrialRow FailedRow(hpo::TrialId id, const std::string& reason, const std::string& tail,
                        double end) {
  hpo::TrialRow r;
  r.id = id;
  r.state = hpo::TrialState::kFailed;
  r.reason = reason;
  r.stderr_tail = tail;
  r.info.end_time = end;
  return r;
}
}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a reason key drops job ids, pids, trial folders and log paths, not the cause") {
  struct Case {
    std::string reason, key;
  };
  const std::vector<Case> cases = {
      {"", "(no reason recorded)"},
      {"the trial command failed: exit code 3 (see /c/trials/trial_12/stderr.log)",
       "the trial command failed: exit code 3"},
      {"the trial command failed: exit code 1 (see /c/trials/trial_4/stderr.log)",
       "the trial command failed: exit code 1"},
      {"CANCELLED (None): SLURM job 1234 ended before the trial recorded a result; the runner "
       "saw SIGTERM",
       "CANCELLED (None): SLURM job N ended before the trial recorded a result; the runner saw "
       "SIGTERM"},
      {"TIMEOUT: SLURM job 88_17 ended before the trial recorded a result",
       "TIMEOUT: SLURM job N ended before the trial recorded a result"},
      {"lost: runner pid 4242 on node1 is gone; SLURM no longer knows job 99",
       "lost: runner pid N on node1 is gone; SLURM no longer knows job N"},
      {"lost: no lease renewal for 301 s from n2", "lost: no lease renewal for N s from n2"},
      {"the trial wrote no result file /c/trials/trial_7/result.json",
       "the trial wrote no result file /c/trials/trial_N/result.json"},
      {"cannot start the trial command \"./x\": exec: No such file or directory",
       "cannot start the trial command \"./x\": exec: No such file or directory"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.reason);
    CHECK(hpo::ReasonKey(k.reason) == k.key);
  }
}

TEST_CASE("failures of one cause are one group with their ids and the latest stderr tail") {
  std::vector<hpo::TrialRow> rows;
  for (int i = 0; i < 4; ++i)
    rows.push_back(FailedRow(10 + i,
                             "CANCELLED: SLURM job 500_" + std::to_string(i) +
                                 " ended before the trial recorded a result",
                             i == 3 ? "" : "epoch " + std::to_string(i), 100.0 + i));
  rows.push_back(FailedRow(3, "the trial command failed: exit code 1 (see /c/trials/trial_3/stderr.log)",
                           "ModuleNotFoundError: No module named 'numpy'", 50));
  hpo::TrialRow ok;
  ok.id = 1;
  ok.state = hpo::TrialState::kFinished;
  rows.push_back(ok);
  auto groups = hpo::GroupFailures(rows);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].reason == "CANCELLED: SLURM job N ended before the trial recorded a result");
  CHECK(groups[0].ids == std::vector<hpo::TrialId>{10, 11, 12, 13});
  CHECK(groups[0].stderr_tail == "epoch 2");  // 13 is later but said nothing
  CHECK(groups[0].tail_trial == 12);
  CHECK(groups[1].reason == "the trial command failed: exit code 1");
  CHECK(groups[1].ids == std::vector<hpo::TrialId>{3});
  CHECK(groups[1].stderr_tail == "ModuleNotFoundError: No module named 'numpy'");
  CHECK(hpo::IdList({1, 2, 3}, 5) == "1, 2, 3");
  CHECK(hpo::IdList({1, 2, 3, 4, 5, 6, 7}, 5) == "1, 2, 3, 4, 5 and 2 more");
}
