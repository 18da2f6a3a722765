// The trial record: every transition, the schema check, fields it does not know surviving
// each transition, and the stderr log read from both the new field and old reasons.
#include <doctest/doctest.h>

#include <string>

#include "record.hpp"

namespace {

using hpo::Record;
using nlohmann::json;

// A running record with a field no version of hpo writes.
Record Running() {
  Record r = hpo::NewPendingRecord(7, {{"lr", 0.5}});
  r["note_by_user"] = "keep me";
  hpo::MarkRunning(r, {{"host", "n1"}, {"pid", 42}, {"start_time", 100.0}, {"restart_count", 0}});
  return r;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a new record is pending at attempt 1 with an empty history") {
  Record r = hpo::NewPendingRecord(3, {{"lr", 0.1}});
  CHECK(r == json{{"trial_id", 3}, {"state", "pending"}, {"config", {{"lr", 0.1}}},
                  {"attempt", 1}, {"history", json::array()}});
  CHECK(hpo::RecordProblem(r).empty());
}

TEST_CASE("marking a record running sets the state and the runner section") {
  Record r = Running();
  CHECK(hpo::StateOf(r) == "running");
  CHECK(hpo::RunnerOf(r)["pid"] == 42);
  CHECK(r["note_by_user"] == "keep me");
}

TEST_CASE("a finished record has the metric and additional_info, and no runner section") {
  Record r = Running();
  hpo::MarkFinished(r, "error", 0.25, {{"training_time", 3.0}});
  CHECK(r["state"] == "finished");
  CHECK(r["error"] == 0.25);
  CHECK(r["additional_info"] == json{{"training_time", 3.0}});
  CHECK_FALSE(r.contains("runner"));
  CHECK(r["history"].empty());
  CHECK(r["note_by_user"] == "keep me");
}

TEST_CASE("a failed record has the reason, its stderr and a history entry") {
  Record r = Running();
  hpo::Failure f;
  f.reason = "the trial command failed: exit code 3";
  f.stderr_tail = "Traceback\nValueError";
  f.stderr_log = "/c/trials/trial_7/stderr.log";
  f.additional_info = {{"exit_code", 3}};
  f.start_time = 100;
  f.end_time = 110;
  f.host = "n1";
  hpo::MarkFailed(r, f);
  CHECK(r["state"] == "failed");
  CHECK(r["reason"] == f.reason);
  CHECK(r["stderr_tail"] == f.stderr_tail);
  CHECK(r["stderr_log"] == f.stderr_log);
  CHECK(r["additional_info"] == json{{"exit_code", 3}});
  CHECK_FALSE(r.contains("runner"));
  REQUIRE(r["history"].size() == 1);
  CHECK(r["history"][0] == json{{"attempt", 1}, {"state", "failed"}, {"reason", f.reason},
                                {"start_time", 100.0}, {"end_time", 110.0}, {"host", "n1"},
                                {"stderr_tail", f.stderr_tail}});
  CHECK(r["note_by_user"] == "keep me");
  CHECK(hpo::RecordProblem(r).empty());
  CHECK(hpo::StderrLogOf(r) == f.stderr_log);
}

TEST_CASE("a failure without stderr leaves out the tail, the log, and the entry's unknown fields") {
  Record r = Running();
  r["stderr_tail"] = "an earlier attempt's tail";
  hpo::Failure f;
  f.reason = "CANCELLED: SLURM job 5 ended before the trial recorded a result";
  f.end_time = 200;
  hpo::MarkFailed(r, f);
  CHECK_FALSE(r.contains("stderr_tail"));
  CHECK_FALSE(r.contains("stderr_log"));
  CHECK(r["history"][0] ==
        json{{"attempt", 1}, {"state", "failed"}, {"reason", f.reason}, {"end_time", 200.0}});
}

TEST_CASE("back to pending keeps the attempt and records why") {
  Record r = Running();
  hpo::MarkBackToPending(r, {0, "interrupted", "interrupted by SIGTERM", 100.0, 105.0, "n1", ""});
  CHECK(r["state"] == "pending");
  CHECK(r["attempt"] == 1);
  CHECK_FALSE(r.contains("runner"));
  CHECK(r["history"][0] == json{{"attempt", 1}, {"state", "interrupted"},
                                {"reason", "interrupted by SIGTERM"}, {"start_time", 100.0},
                                {"end_time", 105.0}, {"host", "n1"}});
  CHECK(r["note_by_user"] == "keep me");
}

TEST_CASE("a retry is pending at the next attempt without the last failure's fields") {
  Record r = Running();
  hpo::MarkFailed(r, {"exit code 3", "tail", "/c/stderr.log", {{"exit_code", 3}}, 1.0, 2.0, "n1"});
  hpo::ResetForRetry(r);
  CHECK(r["state"] == "pending");
  CHECK(r["attempt"] == 2);
  for (const char* gone : {"reason", "stderr_tail", "stderr_log", "additional_info", "runner"})
    CHECK_MESSAGE(!r.contains(gone), gone);
  CHECK(r["history"].size() == 1);  // the failure stays in the history
  CHECK(r["config"] == json{{"lr", 0.5}});
  CHECK(r["note_by_user"] == "keep me");
}

TEST_CASE("a requeue counts the next attempt and marks the runner section") {
  Record r = Running();
  hpo::HistoryEntry why;
  why.reason = "SIGUSR2 before the time limit: checkpointed and requeued";
  why.extra = {{"trial", "exit code 75"}, {"slurm_job_id", "12"}};
  hpo::MarkRequeued(r, why);
  CHECK(r["state"] == "running");
  CHECK(r["attempt"] == 2);
  CHECK(r["runner"]["requeued"] == true);
  CHECK(r["history"][0] == json{{"attempt", 1}, {"state", "requeued"}, {"reason", why.reason},
                                {"trial", "exit code 75"}, {"slurm_job_id", "12"}});
  CHECK(hpo::RecordProblem(r).empty());
}

TEST_CASE("SLURM ending the job is noted in the runner section") {
  Record r = Running();
  hpo::MarkEnding(r, 150, "SIGTERM", "killed by SIGTERM");
  CHECK(r["runner"]["ending"] == json{{"time", 150.0}, {"signal", "SIGTERM"}, {"trial", "killed by SIGTERM"}});
  CHECK(r["runner"]["pid"] == 42);
  CHECK(hpo::RecordProblem(r).empty());
}

TEST_CASE("a history entry is appended to a record that has none") {
  Record r = {{"trial_id", 1}, {"state", "running"}};
  hpo::AppendHistory(r, {2, "restarted", "node failure", std::nullopt, 9.0, "", ""});
  CHECK(r["history"] == json::array({{{"attempt", 2}, {"state", "restarted"},
                                      {"reason", "node failure"}, {"end_time", 9.0}}}));
}

TEST_CASE("the stderr log is read from its field or from an old record's reason") {
  struct Case {
    json record;
    std::string log;
  };
  const Case cases[] = {
      {{{"stderr_log", "/a/stderr.log"}, {"reason", "exit code 1"}}, "/a/stderr.log"},
      {{{"reason", "the trial command failed: exit code 3 (see /c/trials/trial_1/stderr.log)"}},
       "/c/trials/trial_1/stderr.log"},
      {{{"reason", "the trial command failed: exit code 3"}}, ""},
      {{{"reason", "NODE_FAIL (see the SLURM log)x"}}, ""},
      {json::object(), ""},
  };
  for (const auto& c : cases) CHECK_MESSAGE(hpo::StderrLogOf(c.record) == c.log, c.record.dump());
}

TEST_CASE("the schema check names the field with the wrong type") {
  struct Case {
    json record;
    std::string problem;
  };
  const Case cases[] = {
      {json::array(), "expected a JSON object"},
      {{{"attempt", "2"}}, "attempt: expected an integer"},
      {{{"stderr_log", 3}}, "stderr_log: expected a string"},
      {{{"runner", {{"pid", "x"}}}}, "runner.pid: expected an integer"},
      {{{"runner", {{"requeued", 1}}}}, "runner.requeued: expected true or false"},
      {{{"runner", {{"ending", {{"signal", 15}}}}}}, "runner.ending.signal: expected a string"},
      {{{"state", "failed"}, {"unknown", {1, 2}}}, ""},
  };
  for (const auto& c : cases) CHECK_MESSAGE(hpo::RecordProblem(c.record) == c.problem, c.record.dump());
}
