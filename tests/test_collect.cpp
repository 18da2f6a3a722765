// hpo-collect on hand-built campaigns (records written as hpo-run writes them): counts, the
// best trial, the three output files, the results index, and the settling of running trials
// whose runner is gone (by pid on this host, by SLURM's word, by an expired lease).
#include <doctest/doctest.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "collect.hpp"
#include "config.hpp"
#include "process.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;

std::string ConfigText(const std::string& mode = "min") {
  return "space:\n"
         "  lr: {uniform: [0, 1]}\n"
         "  note: [x]\n"
         "  \"p,q\": {randint: [1, 9]}\n"
         "trial:\n  command: echo {lr}\n"
         "hpo:\n  output_dir: camp\n  mode: " +
         mode + "\n  lease_timeout: 60\n  heartbeat_interval: 30\n";
}

Campaign Make(const t::ScratchDir& dir, const std::string& mode = "min") {
  return Campaign::Create(hpo::ParseConfig(ConfigText(mode), "hpo.yaml"), dir / "camp", dir.path(),
                          hpo::Force::kNo);
}

json Cfg(TrialId id) {
  return {{"lr", 0.01 * static_cast<double>(id)}, {"note", "x"}, {"p,q", 3}};
}

// Records in the shape hpo-run writes them.
void Finished(const Campaign& c, TrialId id, double metric, json config = nullptr) {
  const auto& L = c.layout();
  Record r = {{"trial_id", id},
              {"state", "finished"},
              {"config", config.is_null() ? Cfg(id) : config},
              {"attempt", 1},
              {"history", json::array()},
              {"error", metric},
              {"additional_info",
               {{"exit_code", 0},
                {"host", "n1"},
                {"attempt", 1},
                {"restart_count", 0},
                {"start_time", 100.0 + id},
                {"end_time", 101.5 + id},
                {"training_time", 1.5},
                {"stdout", L.trial_stdout(id).string()},
                {"stderr", L.trial_stderr(id).string()}}}};
  c.Write(TrialState::kFinished, id, r);
}

void Failed(const Campaign& c, TrialId id, const std::string& reason,
            const std::string& stderr_tail = "") {
  Record r = {{"trial_id", id},
              {"state", "failed"},
              {"config", Cfg(id)},
              {"attempt", 1},
              {"reason", reason},
              {"history", json::array({{{"attempt", 1}, {"state", "failed"}, {"reason", reason}}})},
              {"additional_info",
               {{"exit_code", 1},
                {"host", "n2"},
                {"attempt", 1},
                {"start_time", 200.0},
                {"end_time", 202.0},
                {"training_time", 2.0}}}};
  if (!stderr_tail.empty()) r["stderr_tail"] = stderr_tail;
  c.Write(TrialState::kFailed, id, r);
}

void Running(const Campaign& c, TrialId id, const json& runner) {
  Record r = {{"trial_id", id}, {"state", "running"},       {"config", Cfg(id)},
              {"attempt", 1},   {"history", json::array()}, {"runner", runner}};
  c.Write(TrialState::kRunning, id, r);
}

// Sets the modification time of `p` `seconds` into the past.
void Age(const fs::path& p, double seconds) {
  struct timeval now;
  ::gettimeofday(&now, nullptr);
  struct timeval tv[2];
  tv[0].tv_sec = tv[1].tv_sec = now.tv_sec - static_cast<time_t>(seconds);
  tv[0].tv_usec = tv[1].tv_usec = 0;
  REQUIRE(::utimes(p.c_str(), tv) == 0);
}

// A pid that has just exited (and was reaped): no process has it.
long DeadPid() {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(0);
  int status;
  ::waitpid(pid, &status, 0);
  return pid;
}

hpo::CollectSummary Run(const Campaign& c, hpo::JobStateSource* slurm = nullptr) {
  hpo::CollectOptions opt;
  opt.slurm = slurm;
  return hpo::Collect(c, opt);
}

// SLURM as collect sees it: a fixed answer, and every question recorded.
class FakeJobs : public hpo::JobStateSource {
 public:
  std::optional<std::map<std::string, hpo::JobState>> answer;
  std::vector<std::vector<std::string>> asked;
  std::optional<std::map<std::string, hpo::JobState>> Query(
      const std::vector<std::string>& ids) override {
    asked.push_back(ids);
    return answer;
  }
};

std::vector<fs::path> Segments(const Campaign& c) {
  std::vector<fs::path> out;
  for (const auto& n : t::ListDir(c.layout().index_dir()))
    out.push_back(c.layout().index_dir() / n);
  return out;
}

std::string FailedReason(const Campaign& c, TrialId id) {
  auto r = c.Read(TrialState::kFailed, id);
  return r ? r->value("reason", "") : "<not failed>";
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("collect counts every state and finds the best with ties going to the lower id") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 3, 0.2);
  Finished(c, 1, 0.2);
  Finished(c, 2, 0.3);
  Finished(c, 0, 0.25);
  Failed(c, 7, "boom");
  c.AddPending(9, Cfg(9));
  c.AddPending(4, Cfg(4));
  Running(c, 5, {{"host", "elsewhere"}, {"pid", 1}, {"start_time", hpo::NowSeconds()}});
  hpo::CollectSummary s = Run(c);
  CHECK(s.counts[TrialState::kFinished] == 4);
  CHECK(s.counts[TrialState::kFailed] == 1);
  CHECK(s.counts[TrialState::kPending] == 2);
  CHECK(s.counts[TrialState::kRunning] == 1);
  CHECK(s.n_trials == 10);
  CHECK(s.lost == 0);
  CHECK(s.best_id == 1);
  CHECK(s.best_metric == 0.2);
  CHECK(s.best_config == Cfg(1));
  std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c);
  REQUIRE(rows.size() == 8);
  for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].id < rows[i].id);
  std::string text = hpo::FormatSummary(c, s);
  CHECK(text.find(c.layout().root().string() +
                  ": 8 trials: 4 finished, 1 running, 2 pending, 1 failed\n") == 0);
  CHECK(text.find("best error 0.2 (trial 1): " + Cfg(1).dump()) != std::string::npos);
}

TEST_CASE("in max mode the largest metric wins and ties still go to the lower id") {
  t::ScratchDir dir;
  Campaign c = Make(dir, "max");
  Finished(c, 6, 0.9);
  Finished(c, 4, 0.9);
  Finished(c, 5, 0.95 - 0.5);
  Finished(c, 8, -3);
  hpo::CollectSummary s = Run(c);
  CHECK(s.best_id == 4);
  CHECK(s.best_metric == 0.9);
  CHECK(s.n_trials == 9);
  json fr = json::parse(t::ReadText(c.layout().final_results()));
  CHECK(fr["mode"] == "max");
  CHECK(fr["best_trial_id"] == 4);
  CHECK(hpo::Better(2, 1, hpo::Mode::kMax));
  CHECK_FALSE(hpo::Better(1, 1, hpo::Mode::kMax));
  CHECK(hpo::Better(1, 2, hpo::Mode::kMin));
  CHECK_FALSE(hpo::Better(1, 1, hpo::Mode::kMin));
}

TEST_CASE("an empty campaign has no best trial and writes no best_config.json") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  c.AddPending(0, Cfg(0));
  hpo::CollectSummary s = Run(c);
  CHECK_FALSE(s.best_id.has_value());
  CHECK(s.n_trials == 1);
  json fr = json::parse(t::ReadText(c.layout().final_results()));
  CHECK(fr["best_trial_id"].is_null());
  CHECK(fr["best_error"].is_null());
  CHECK(fr["best_config"].is_null());
  CHECK_FALSE(fs::exists(c.layout().best_config()));
  CHECK(hpo::FormatSummary(c, s).find("no finished trial yet") != std::string::npos);
}

TEST_CASE("the output files hold the summary and quote CSV fields that need it") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.25, {{"lr", 0.5}, {"note", "say \"hi\", ok"}, {"p,q", 3}});
  Finished(c, 2, 0.125, {{"lr", 0.75}, {"note", "line1\nline2"}, {"p,q", 4}});
  Failed(c, 1, "exit code 1, see\nthe log", "Traceback:\nKeyError: 'x'");
  c.AddPending(5, Cfg(5));
  hpo::CollectSummary s = Run(c);

  json fr = json::parse(t::ReadText(c.layout().final_results()));
  CHECK(fr["best_trial_id"] == 2);
  CHECK(fr["best_error"] == 0.125);
  CHECK(fr["best_config"] == json{{"lr", 0.75}, {"note", "line1\nline2"}, {"p,q", 4}});
  CHECK(fr["metric"] == "error");
  CHECK(fr["mode"] == "min");
  CHECK(fr["n_trials"] == 6);
  CHECK(fr["counts"] == json{{"pending", 1}, {"running", 0}, {"finished", 2}, {"failed", 1}, {"pruned", 0}});
  CHECK(fr["updated_at"].is_number());
  CHECK(json::parse(t::ReadText(c.layout().best_config())) == fr["best_config"]);

  std::string csv = t::ReadText(c.layout().results_csv());
  CHECK(
      csv ==
      "trial_id,state,error,training_time,attempt,host,start_time,end_time,reason,stderr_tail,"
      "lr,note,\"p,q\"\n"
      "0,finished,0.25,1.5,1,n1,100.0,101.5,,,0.5,\"say \"\"hi\"\", ok\",3\n"
      "1,failed,,2.0,1,n2,200.0,202.0,\"exit code 1, see\nthe log\",\"Traceback:\nKeyError: 'x'\",0.01,x,3\n"
      "2,finished,0.125,1.5,1,n1,102.0,103.5,,,0.75,\"line1\nline2\",4\n");
  CHECK(t::ListDir(c.layout().tmp_dir()).empty());

  // Written again by the next collect, not appended to.
  Run(c);
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
}

TEST_CASE(
    "results.csv cells that a spreadsheet would run as formulas are defused, numbers are not") {
  // OWASP CSV injection: a cell starting with = + - @ (or tab, CR) is a formula in Excel and
  // LibreOffice. Strings get a leading ' ; numbers (-0.5) stay numbers for pandas.
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, -0.5, {{"lr", -0.25}, {"note", "=HYPERLINK(\"http://x\")"}, {"p,q", -3}});
  Finished(c, 1, 0.5, {{"lr", 0.5}, {"note", "+1+cmd|' /C calc'!A0"}, {"p,q", 3}});
  Finished(c, 2, 0.5, {{"lr", 0.5}, {"note", "@SUM(A1)"}, {"p,q", 3}});
  Finished(c, 3, 0.5, {{"lr", 0.5}, {"note", "-2+3"}, {"p,q", 3}});
  Finished(c, 4, 0.5, {{"lr", 0.5}, {"note", "\tx"}, {"p,q", 3}});
  Finished(c, 5, 0.5, {{"lr", 0.5}, {"note", "-1.5"}, {"p,q", 3}});  // a number as a string
  Finished(c, 6, 0.5, {{"lr", 0.5}, {"note", "a=b, -c"}, {"p,q", 3}});
  Failed(c, 7, "=cmd()");
  Run(c);
  std::string csv = t::ReadText(c.layout().results_csv());
  CAPTURE(csv);
  std::vector<std::string> lines = t::Lines(csv);
  REQUIRE(lines.size() == 9);
  CHECK(lines[1] ==
        "0,finished,-0.5,1.5,1,n1,100.0,101.5,,,-0.25,\"'=HYPERLINK(\"\"http://x\"\")\",-3");
  CHECK(lines[2] == "1,finished,0.5,1.5,1,n1,101.0,102.5,,,0.5,'+1+cmd|' /C calc'!A0,3");
  CHECK(lines[3] == "2,finished,0.5,1.5,1,n1,102.0,103.5,,,0.5,'@SUM(A1),3");
  CHECK(lines[4] == "3,finished,0.5,1.5,1,n1,103.0,104.5,,,0.5,'-2+3,3");
  CHECK(lines[5] == "4,finished,0.5,1.5,1,n1,104.0,105.5,,,0.5,'\tx,3");
  CHECK(lines[6] == "5,finished,0.5,1.5,1,n1,105.0,106.5,,,0.5,-1.5,3");
  CHECK(lines[7] == "6,finished,0.5,1.5,1,n1,106.0,107.5,,,0.5,\"a=b, -c\",3");
  CHECK(lines[8] == "7,failed,,2.0,1,n2,200.0,202.0,'=cmd(),,0.07,x,3");
  // The index renders the same bytes, and so does a collect without it.
  Run(c);
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
  fs::remove_all(c.layout().index_dir());
  Run(Campaign::Open(c.layout().root()));
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
}

TEST_CASE("the summary line counts trials, not the largest id") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 1000, 0.5);
  Finished(c, 1001, 0.25);
  Failed(c, 1002, "x");
  hpo::CollectSummary s = Run(c);
  CHECK(s.n_trials == 1003);  // final_results.json: the seed's range(n_trials) loop bound
  std::string line = t::Lines(hpo::FormatSummary(c, s))[0];
  CHECK(line ==
        c.layout().root().string() + ": 3 trials: 2 finished, 0 running, 0 pending, 1 failed");
}

TEST_CASE("a second collect takes indexed results from the index and parses only new files") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Finished(c, 1, 0.4);
  hpo::CollectSummary first = Run(c);
  CHECK(first.best_id == 1);
  CHECK(Segments(c).size() == 1);

  // The indexed file changes behind the index's back; a new result appears.
  Finished(c, 1, 0.9);
  Finished(c, 2, 0.45);
  hpo::CollectSummary second = Run(c);
  CHECK(second.best_id == 1);
  CHECK(second.best_metric == 0.4);  // from the index, not the rewritten file
  std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c);
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].metric == 0.45);  // the new file was read
  CHECK(Segments(c).size() == 2);

  // Nothing new: no new segment.
  Run(c);
  CHECK(Segments(c).size() == 2);

  // Without the index every file is parsed again: now the rewritten value counts.
  fs::remove_all(c.layout().index_dir());
  Campaign reopened = Campaign::Open(c.layout().root());
  hpo::CollectSummary third = Run(reopened);
  CHECK(third.best_id == 2);
  CHECK(hpo::ScanCampaign(reopened)[1].metric == 0.9);
}

TEST_CASE("deleting the index gives the same summary and outputs") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  for (TrialId i = 0; i < 20; ++i) Finished(c, i, 1.0 / static_cast<double>(i + 3));
  Failed(c, 20, "bad");
  Run(c);  // builds the index
  hpo::CollectSummary indexed = Run(c);
  std::string csv = t::ReadText(c.layout().results_csv());
  std::string best = t::ReadText(c.layout().best_config());
  fs::remove_all(c.layout().index_dir());
  Campaign reopened = Campaign::Open(c.layout().root());
  hpo::CollectSummary fresh = Run(reopened);
  CHECK(fresh.counts == indexed.counts);
  CHECK(fresh.n_trials == indexed.n_trials);
  CHECK(fresh.best_id == indexed.best_id);
  CHECK(fresh.best_metric == indexed.best_metric);
  CHECK(fresh.best_config == indexed.best_config);
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
  CHECK(t::ReadText(c.layout().best_config()) == best);
}

TEST_CASE("index segments are merged before there are more than eight") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  size_t most = 0;
  bool merged = false;
  for (TrialId i = 0; i < 12; ++i) {
    Finished(c, i, 1.0 + static_cast<double>(i));
    size_t before = Segments(c).size();
    hpo::CollectSummary s = Run(c);
    size_t after = Segments(c).size();
    most = std::max(most, after);
    merged |= after < before;
    CHECK(s.counts[TrialState::kFinished] == i + 1);
    CHECK(s.best_id == 0);
  }
  CHECK(most <= 8);
  CHECK(merged);
}

TEST_CASE("an indexed result whose file is gone is not counted") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.1);
  Finished(c, 1, 0.2);
  Run(c);
  hpo::RemoveFile(c.layout().trial_file(TrialState::kFinished, 0));
  hpo::CollectSummary s = Run(c);
  CHECK(s.counts[TrialState::kFinished] == 1);
  CHECK(s.best_id == 1);
}

TEST_CASE("a result written by hand, pretty-printed or with odd fields, reads like one hpo-run wrote") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Finished(c, 1, 0.25, {{"lr", 0.5}, {"note", "x"}, {"p,q", 3}, {"extra", {{"k", "v"}}}});
  Finished(c, 2, 0.75);
  Run(c);
  std::string csv = t::ReadText(c.layout().results_csv());
  std::string best = t::ReadText(c.layout().best_config());
  CHECK(json::parse(best) == json{{"lr", 0.5}, {"note", "x"}, {"p,q", 3}, {"extra", {{"k", "v"}}}});

  // The same records, pretty-printed with keys in another order, and one with an escaped
  // key and a non-numeric training_time: read by the slow path, with the same outputs.
  for (TrialId id : {0, 1, 2}) {
    auto rec = c.Read(TrialState::kFinished, id);
    REQUIRE(rec);
    if (id == 2) {
      (*rec)["additional_info"]["training_time"] = "slow";
      (*rec)["weird\tkey"] = 1;
    }
    t::WriteText(c.layout().trial_file(TrialState::kFinished, id), rec->dump(4));
  }
  fs::remove_all(c.layout().index_dir());
  Campaign reopened = Campaign::Open(c.layout().root());
  hpo::CollectSummary s = Run(reopened);
  CHECK(s.best_id == 1);
  CHECK(t::ReadText(c.layout().best_config()) == best);
  std::string again = t::ReadText(c.layout().results_csv());
  CHECK(again.substr(0, again.rfind("\n2,")) == csv.substr(0, csv.rfind("\n2,")));
  CHECK(again.find("\n2,finished,0.75,,1,n1,102.0,103.5,,") != std::string::npos);
  // And the index built from them gives the same again.
  Run(reopened);
  CHECK(t::ReadText(c.layout().results_csv()) == again);
}

TEST_CASE("a result read the fast way and the same result read by nlohmann give the same outputs") {
  // Odd but valid records. Each is written compact (read by the scanner) into one campaign
  // and padded past the scanner's 64 KB buffer (read by nlohmann) into another.
  std::vector<std::string> records = {
      R"({"trial_id":0,"state":"finished","error":1e-400,"config":{"lr":0.5,"note":"x","p,q":3}})",
      R"({"trial_id":1,"state":"finished","error":-0,"config":{"lr":0.25,"note":"x","p,q":4}})",
      R"({"trial_id":2,"state":"finished","error":0.5,"config":{"lr":0.1,"note":"x","p,q":5},)"
      R"("additional_info":{"host":"a","training_time":3},"additional_info":{"host":{"n":1},"exit_code":2}})",
      R"({"trial_id":3,"state":"finished","error":0.75,"config":{"lr":1e400,"note":"x","p,q":6}})",
      R"({"trial_id":4,"state":"finished","error":"0.1","config":{"lr":0.2,"note":"caf\u00e9 \ud83d\ude00","p,q":7}})",
      R"({"trial_id":5,"state":"finished","error":0.125,"error":"late","config":{"lr":0.3,"note":"x","p,q":8}})",
      R"({"trial_id":6,"state":"finished","error":0.0625,"config":{"lr":0.4,"note":"\ud83d","p,q":9}})"};
  std::string outputs[2];
  for (int slow = 0; slow < 2; ++slow) {
    t::ScratchDir dir;
    Campaign c = Make(dir);
    for (size_t i = 0; i < records.size(); ++i)
      t::WriteText(c.layout().trial_file(TrialState::kFinished, static_cast<TrialId>(i)),
                   records[i] + (slow ? std::string(70000, ' ') : "") + "\n");
    hpo::CollectSummary s = Run(c);
    // 0 and 1 (metric 0.0) and 2; 4 and 5 (a string metric) counted without a value; 3 and 6
    // are unreadable.
    CHECK(s.counts[TrialState::kFinished] == 5);
    CHECK(s.best_id == 0);
    outputs[slow] = t::ReadText(c.layout().results_csv()) + t::ReadText(c.layout().best_config());
    Run(c);  // through the index
    CHECK(t::ReadText(c.layout().results_csv()) + t::ReadText(c.layout().best_config()) == outputs[slow]);
  }
  CHECK(outputs[0] == outputs[1]);
  CHECK(outputs[0].find("\n0,finished,0.0,") != std::string::npos);
  CHECK(outputs[0].find("\n1,finished,0.0,") != std::string::npos);  // not -0.0
  CHECK(outputs[0].find("\n4,finished,,") != std::string::npos);
  CHECK(outputs[0].find("\n5,finished,,") != std::string::npos);
}

TEST_CASE("index segments of another format or another space are ignored and removed") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  for (TrialId i = 0; i < 5; ++i) Finished(c, i, 1.0 + static_cast<double>(i));
  Run(c);
  std::string csv = t::ReadText(c.layout().results_csv());
  REQUIRE(Segments(c).size() == 1);
  std::string good = t::ReadText(Segments(c)[0]);
  // A segment of the earlier JSON-lines format, one written for another space (the header
  // differs) claiming a better trial 0, and one that is not a segment at all.
  t::WriteText(c.layout().index_dir() / "seg.vm.1.2.a.jsonl", "{\"trial_id\":0,\"m\":-1}\n");
  std::string other = good;
  other.replace(other.find(",lr,"), 4, ",lr2,");
  other.replace(other.find("0,finished,1.0,"), 15, "0,finished,-1.0,");
  t::WriteText(c.layout().index_dir() / "seg.vm.1.3.a.tsv", other);
  t::WriteText(c.layout().index_dir() / "notes.txt", "mine");
  hpo::CollectSummary s = Run(c);
  CHECK(s.best_id == 0);
  CHECK(s.best_metric == 1.0);
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
  // Merged into one segment; the file that is not a segment is left alone.
  std::vector<std::string> names = t::ListDir(c.layout().index_dir());
  CHECK(names.size() == 2);
  CHECK(std::count(names.begin(), names.end(), "notes.txt") == 1);
  CHECK(std::count(names.begin(), names.end(), "seg.vm.1.2.a.jsonl") == 0);
  CHECK(std::count(names.begin(), names.end(), "seg.vm.1.3.a.tsv") == 0);
}

TEST_CASE("an index segment cut short or damaged is ignored, and its files are read again") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  for (TrialId i = 0; i < 6; ++i) Finished(c, i, 2.0 - 0.25 * static_cast<double>(i));
  Run(c);
  std::string csv = t::ReadText(c.layout().results_csv());
  std::string best = t::ReadText(c.layout().best_config());
  REQUIRE(Segments(c).size() == 1);
  fs::path seg = Segments(c)[0];
  std::string text = t::ReadText(seg);
  // Trial 5 (the best) loses its fields, trial 3 gets a config that is not JSON, and the
  // segment is cut in the middle of trial 4's line, as a crash could leave it.
  size_t five = text.find("\n5\t");
  size_t four = text.find("\n4\t");
  size_t three = text.find("\n3\t");
  REQUIRE(five != std::string::npos);
  REQUIRE(four != std::string::npos);
  REQUIRE(three != std::string::npos);
  std::string damaged = text.substr(0, three) + "\n3\t0\t0\t\t\t\tnot json\t3,finished,1.25" +
                        text.substr(text.find('\n', three + 1), four - text.find('\n', three + 1)) +
                        text.substr(four, 20);
  t::WriteText(seg, damaged);
  hpo::CollectSummary s = Run(c);
  // The segment's last line (its hash) tells: every file was parsed again, into a new
  // segment that replaces the damaged one.
  REQUIRE(Segments(c).size() == 1);
  CHECK(Segments(c)[0] != seg);
  CHECK(t::ReadText(Segments(c)[0]) == text);  // the same lines as before the damage
  CHECK(s.counts[TrialState::kFinished] == 6);
  CHECK(s.best_id == 5);
  CHECK(t::ReadText(c.layout().results_csv()) == csv);
  CHECK(t::ReadText(c.layout().best_config()) == best);
  std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c);
  REQUIRE(rows.size() == 6);
  CHECK(rows[3].Config() == Cfg(3));
  CHECK(rows[3].info.host == "n1");
}

TEST_CASE("rows read through the index hold what the records hold") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Finished(c, 1, 0.25, {{"note", "x"}, {"p,q", 3}, {"lr", 0.5}, {"more", nullptr}});
  Failed(c, 2, "boom");
  auto rec = c.Read(TrialState::kFinished, 0);
  (*rec)["additional_info"]["slurm_job_id"] = "77_3";
  (*rec)["additional_info"]["host"] = "n\"1,é";
  (*rec)["additional_info"]["exit_code"] = 0;
  (*rec)["additional_info"]["restart_count"] = 2;
  (*rec)["reason"] = "odd, but kept";
  c.Write(TrialState::kFinished, 0, *rec);
  std::vector<hpo::TrialRow> first = hpo::ScanCampaign(c);  // parses the files
  std::vector<hpo::TrialRow> again = hpo::ScanCampaign(c);  // reads the index only
  CHECK(Segments(c).size() == 1);
  for (const auto* rows : {&first, &again}) {
    REQUIRE(rows->size() == 3);
    for (TrialId id : {0, 1, 2}) {
      INFO("trial " << id);
      const hpo::TrialRow& r = (*rows)[static_cast<size_t>(id)];
      TrialState state = id == 2 ? TrialState::kFailed : TrialState::kFinished;
      json want = *c.Read(state, id);
      const json& info = want["additional_info"];
      CHECK(r.id == id);
      CHECK(r.state == state);
      if (state == TrialState::kFinished) CHECK(r.metric == want["error"].get<double>());
      CHECK(r.Config() == want["config"]);
      CHECK(r.attempt == want["attempt"].get<int>());
      CHECK(r.reason == want.value("reason", ""));
      CHECK(r.info.host == info["host"].get<std::string>());
      CHECK(r.info.start_time == info["start_time"].get<double>());
      CHECK(r.info.end_time == info["end_time"].get<double>());
      CHECK(r.info.training_time == info["training_time"].get<double>());
      CHECK(r.info.exit_code == info["exit_code"].get<long long>());
      CHECK(r.info.slurm_job_id == info.value("slurm_job_id", ""));
      if (info.contains("restart_count"))
        CHECK(r.info.restart_count == info["restart_count"].get<long long>());
    }
  }
  CHECK(again[0].info.host == "n\"1,é");
  CHECK(again[0].info.restart_count == 2);
}

TEST_CASE("a running trial whose runner pid on this host is gone is settled as failed") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  long pid = DeadPid();
  Running(c, 5,
          {{"host", hpo::HostName()},
           {"pid", pid},
           {"start_time", hpo::NowSeconds()},
           {"restart_count", 0}});
  fs::create_directories(c.layout().trial_dir(5));
  t::WriteText(c.layout().trial_stderr(5), "=== hpo: trial 5 attempt 1 restart 0 on n ===\nlast words\n");
  t::WriteText(c.layout().trial_heartbeat(5), "");
  hpo::CollectSummary s = Run(c);
  CHECK(s.lost == 1);
  CHECK(c.List(TrialState::kRunning).empty());
  Record r = c.Read(TrialState::kFailed, 5).value();
  std::string want =
      "lost: runner pid " + std::to_string(pid) + " on " + hpo::HostName() + " is gone";
  CHECK(r["reason"] == want);
  CHECK(r["state"] == "failed");
  CHECK_FALSE(r.contains("runner"));
  CHECK(r["additional_info"]["host"] == hpo::HostName());
  CHECK(r["additional_info"]["pid"] == pid);
  CHECK(r["additional_info"]["attempt"] == 1);
  REQUIRE(r["history"].size() == 1);
  CHECK(r["history"][0]["reason"] == want);
  CHECK(r["history"][0]["state"] == "failed");
  // What the trial last said, and when its runner was last known alive (its lease).
  CHECK(r["stderr_tail"] == "last words");
  CHECK(r["history"][0]["stderr_tail"] == "last words");
  CHECK(r["additional_info"]["end_time"].is_number());
  CHECK(r["additional_info"]["end_time"].get<double>() >= r["additional_info"]["start_time"].get<double>() - 1);
  CHECK(s.counts[TrialState::kFailed] == 1);
  CHECK(hpo::FormatSummary(c, s).find("(1 newly settled as failed)") != std::string::npos);
  // Settled once: the next collect finds nothing new to settle.
  CHECK(Run(c).lost == 0);
}

TEST_CASE(
    "a running trial whose runner is alive on this host is left alone even with an old lease") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  long self = static_cast<long>(::getpid());
  auto ticks = hpo::ProcessStartTicks(::getpid());
  REQUIRE(ticks.has_value());
  Running(c, 1, {{"host", hpo::HostName()}, {"pid", self}, {"pid_start", *ticks}});
  Age(c.layout().trial_file(TrialState::kRunning, 1), 3600);
  // The same pid with another start time is another process: the runner is gone.
  Running(c, 2, {{"host", hpo::HostName()}, {"pid", self}, {"pid_start", *ticks + 1}});
  hpo::CollectSummary s = Run(c);
  CHECK(s.lost == 1);
  CHECK(c.List(TrialState::kRunning) == std::vector<TrialId>{1});
  CHECK(FailedReason(c, 2).find("lost: runner pid " + std::to_string(self)) == 0);
}

TEST_CASE(
    "a running SLURM trial is settled with the state SLURM reports and left alone while queued or "
    "running") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  struct Case {
    TrialId id;
    std::string job, state, reason;
    std::string expect;  // "" = left in running/
  };
  const std::vector<Case> cases = {
      {1, "71", "CANCELLED", "None",
       "CANCELLED: SLURM job 71 ended before the trial recorded a result"},
      {2, "72", "TIMEOUT", "TimeLimit",
       "TIMEOUT (TimeLimit): SLURM job 72 ended before the trial recorded a result"},
      {3, "73", "NODE_FAIL", "NodeDown",
       "NODE_FAIL (NodeDown): SLURM job 73 ended before the trial recorded a result"},
      {4, "74", "CANCELLED by 1000", "", "CANCELLED by 1000: SLURM job 74 ended"},
      {5, "75", "COMPLETED", "None", "COMPLETED: SLURM job 75 ended"},
      {6, "76", "PENDING", "BeginTime", ""},
      {7, "77", "RUNNING", "None", ""},
      {8, "78", "REQUEUED", "None", ""},
  };
  FakeJobs slurm;
  slurm.answer.emplace();
  for (const auto& k : cases) {
    Running(c, k.id,
            {{"host", "node-far"},
             {"pid", 12345},
             {"slurm_job_id", k.job},
             {"start_time", hpo::NowSeconds()}});
    (*slurm.answer)[k.job] = hpo::JobState{k.state, k.reason};
    // Queued or running jobs hold their trials even when the lease looks expired (a job
    // requeued and waiting renews nothing).
    Age(c.layout().trial_file(TrialState::kRunning, k.id), 3600);
  }
  // The runner saw the end coming and said so; the reason keeps it.
  Record ending = c.Read(TrialState::kRunning, 1).value();
  ending["runner"]["ending"] = {{"signal", "SIGTERM"}, {"trial", "killed by SIGTERM"}};
  c.Write(TrialState::kRunning, 1, ending);

  hpo::CollectSummary s = Run(c, &slurm);
  REQUIRE(slurm.asked.size() == 1);  // SLURM asked once for all of them
  std::vector<std::string> asked = slurm.asked[0];
  std::sort(asked.begin(), asked.end());
  CHECK(asked == std::vector<std::string>{"71", "72", "73", "74", "75", "76", "77", "78"});
  CHECK(s.lost == 5);
  for (const auto& k : cases) {
    CAPTURE(k.state);
    if (k.expect.empty()) {
      CHECK(c.Find(k.id) == TrialState::kRunning);
    } else {
      CHECK(c.Find(k.id) == TrialState::kFailed);
      CHECK(FailedReason(c, k.id).rfind(k.expect, 0) == 0);
    }
  }
  CHECK(FailedReason(c, 1) ==
        "CANCELLED: SLURM job 71 ended before the trial recorded a result; the runner saw SIGTERM");
}

TEST_CASE("a SLURM trial whose job is unknown or unaskable is judged by its lease") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  auto running = [&](TrialId id, double age) {
    Running(c, id,
            {{"host", "node-far"}, {"pid", 4242}, {"slurm_job_id", std::to_string(900 + id)}});
    if (age > 0) Age(c.layout().trial_file(TrialState::kRunning, id), age);
  };
  {
    FakeJobs unknown;  // SLURM answers, but knows none of these jobs (long purged)
    unknown.answer.emplace();
    running(1, 0);     // fresh lease
    running(2, 3600);  // expired lease
    running(3, 3600);  // old record, but a fresh heartbeat renews the lease
    fs::create_directories(c.layout().trial_dir(3));
    t::WriteText(c.layout().trial_heartbeat(3), "");
    hpo::CollectSummary s = Run(c, &unknown);
    CHECK(unknown.asked.size() == 1);
    CHECK(s.lost == 1);
    CHECK(c.Find(1) == TrialState::kRunning);
    CHECK(c.Find(3) == TrialState::kRunning);
    std::string reason = FailedReason(c, 2);
    CHECK(reason.rfind("lost: no lease renewal for 3", 0) == 0);
    CHECK(reason.find(" s from node-far; SLURM no longer knows job 902") != std::string::npos);
  }
  {
    FakeJobs unaskable;  // squeue failed: nullopt
    running(4, 0);
    running(5, 3600);
    hpo::CollectSummary s = Run(c, &unaskable);
    CHECK(s.lost == 1);
    CHECK(c.Find(4) == TrialState::kRunning);
    CHECK(FailedReason(c, 5).find("; SLURM could not be asked about job 905") != std::string::npos);
  }
  {
    // No SLURM at all (hpo-collect --no-slurm): the same as not askable.
    running(6, 0);
    running(7, 3600);
    hpo::CollectSummary s = Run(c, nullptr);
    CHECK(s.lost == 1);
    CHECK(c.Find(6) == TrialState::kRunning);
    CHECK(FailedReason(c, 7).find("SLURM could not be asked about job 907") != std::string::npos);
  }
}

TEST_CASE("a local trial of another host is lost only when its lease expired") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Running(c, 1, {{"host", "other-host"}, {"pid", 77}});
  Running(c, 2, {{"host", "other-host"}, {"pid", 78}});
  Age(c.layout().trial_file(TrialState::kRunning, 2), 61);
  hpo::CollectSummary s = Run(c);
  CHECK(s.lost == 1);
  CHECK(c.Find(1) == TrialState::kRunning);
  CHECK(FailedReason(c, 2).rfind("lost: no lease renewal for 6", 0) == 0);
  CHECK(FailedReason(c, 2).find("s from other-host") != std::string::npos);
}

TEST_CASE("a running record that already says finished is completed into results") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  // hpo-run crashed between rewriting its record and the link into results/.
  Record r = {{"trial_id", 3},
              {"state", "finished"},
              {"config", Cfg(3)},
              {"attempt", 1},
              {"history", json::array()},
              {"error", 0.05},
              {"additional_info", {{"host", hpo::HostName()}, {"pid", DeadPid()}}}};
  c.Write(TrialState::kRunning, 3, r);
  hpo::CollectSummary s = Run(c);
  CHECK(s.lost == 0);
  CHECK(c.List(TrialState::kRunning).empty());
  CHECK(c.Read(TrialState::kFinished, 3).value() == r);
  CHECK(s.best_id == 3);
  CHECK(s.counts[TrialState::kFinished] == 1);
}

TEST_CASE("a just claimed record that still says pending is not handed back") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  c.AddPending(4, Cfg(4));
  REQUIRE(c.Move(4, TrialState::kPending, TrialState::kRunning) == hpo::Outcome::kDone);
  hpo::CollectSummary s = Run(c);
  CHECK(c.Find(4) == TrialState::kRunning);
  CHECK_FALSE(fs::exists(c.layout().trial_file(TrialState::kPending, 4)));
  CHECK(s.counts[TrialState::kRunning] == 1);
}

TEST_CASE("a lost runner whose trial was published meanwhile is not failed") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 2, 0.3);
  Running(c, 2, {{"host", hpo::HostName()}, {"pid", DeadPid()}});
  hpo::CollectSummary s = Run(c);
  CHECK(s.lost == 0);
  CHECK_FALSE(fs::exists(c.layout().trial_file(TrialState::kFailed, 2)));
  CHECK(s.counts[TrialState::kFinished] == 1);
  CHECK(s.counts[TrialState::kRunning] == 0);
  // The running copy its dead runner left is removed; the result stands.
  CHECK_FALSE(fs::exists(c.layout().trial_file(TrialState::kRunning, 2)));
  CHECK(c.Read(TrialState::kFinished, 2).value()["error"] == 0.3);
}

TEST_CASE("a running record written after its trial was settled as failed is removed, not kept forever") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Failed(c, 3, "CANCELLED: SLURM job 71 ended before the trial recorded a result");
  // The runner's "ending" note, written in the moment after the collect settled the trial.
  json runner = {{"host", hpo::HostName()}, {"pid", DeadPid()}, {"slurm_job_id", "71"},
                 {"ending", {{"signal", "SIGTERM"}}}};
  Running(c, 3, runner);
  FakeJobs jobs;
  jobs.answer = std::map<std::string, hpo::JobState>{{"71", {"CANCELLED", "None"}}};
  hpo::CollectSummary s = Run(c, &jobs);
  CHECK(s.lost == 0);
  CHECK_FALSE(fs::exists(c.layout().trial_file(TrialState::kRunning, 3)));
  CHECK(FailedReason(c, 3) == "CANCELLED: SLURM job 71 ended before the trial recorded a result");
  CHECK(s.counts[TrialState::kFailed] == 1);
  CHECK(s.counts[TrialState::kRunning] == 0);

  // A running record of a later attempt than the failed one is not a leftover (no retry
  // leaves that pair behind): it is left for a person, as before.
  Failed(c, 4, "boom");
  Record r = {{"trial_id", 4}, {"state", "running"}, {"config", Cfg(4)}, {"attempt", 2},
              {"history", json::array()}, {"runner", {{"host", hpo::HostName()}, {"pid", DeadPid()}}}};
  c.Write(TrialState::kRunning, 4, r);
  Run(c);
  CHECK(fs::exists(c.layout().trial_file(TrialState::kRunning, 4)));  // left as before
  // And one whose runner is alive is never touched.
  Failed(c, 5, "boom");
  Running(c, 5, {{"host", hpo::HostName()}, {"pid", static_cast<long>(::getpid())},
                 {"pid_start", hpo::ProcessStartTicks(::getpid()).value()}});
  Run(c);
  CHECK(fs::exists(c.layout().trial_file(TrialState::kRunning, 5)));
}

TEST_CASE("a record with fields of the wrong type does not stop a collect") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Failed(c, 1, "boom");
  t::WriteText(c.layout().trial_file(TrialState::kFailed, 2),
               R"({"state": "failed", "attempt": "two"})");
  t::WriteText(c.layout().trial_file(TrialState::kRunning, 3),
               R"({"state": "running", "runner": {"host": "h", "pid": "x"}})");
  t::WriteText(c.layout().trial_file(TrialState::kFinished, 4),
               R"({"error": 0.1, "config": "lr=1"})");
  hpo::CollectSummary s = Run(c);
  CHECK(s.best_id == 0);
  CHECK(s.counts[TrialState::kFinished] == 1);
  CHECK(s.counts[TrialState::kFailed] == 1);
  CHECK(fs::exists(c.layout().final_results()));
  // Left where they are for a person to look at.
  CHECK(fs::exists(c.layout().trial_file(TrialState::kRunning, 3)));
  CHECK(fs::exists(c.layout().trial_file(TrialState::kFailed, 2)));
  t::RunResult r = t::RunProgram(
      {t::ToolPath("hpo-collect").string(), "--no-slurm", c.layout().root().string()}, dir.path());
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("runner.pid: expected an integer") != std::string::npos);
}

TEST_CASE("hpo-collect prints the summary and writes the outputs") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Finished(c, 1, 0.25);
  std::string root = c.layout().root().string();
  t::RunResult r =
      t::RunProgram({t::ToolPath("hpo-collect").string(), "--no-slurm", root}, dir.path());
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out == root +
                     ": 2 trials: 2 finished, 0 running, 0 pending, 0 failed\n"
                     "best error 0.25 (trial 1): " +
                     Cfg(1).dump() + "\n");
  CHECK(fs::exists(c.layout().final_results()));
  CHECK(fs::exists(c.layout().results_csv()));
  t::RunResult q =
      t::RunProgram({t::ToolPath("hpo-collect").string(), "--no-slurm", "-q", root}, dir.path());
  CHECK(q.exit_code == 0);
  CHECK(q.out.empty());
  t::RunResult none =
      t::RunProgram({t::ToolPath("hpo-collect").string(), (dir / "nope").string()}, dir.path());
  CHECK(none.exit_code == 2);
  CHECK(none.err.rfind("hpo-collect: error: " + (dir / "nope").string(), 0) == 0);
}

TEST_CASE("collect removes only its own old temp files from tmp/, never a user's file or a folder") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  const fs::path tmp = c.layout().tmp_dir();
  fs::path own_old = tmp / hpo::TempFileName("trial_3.json");
  fs::path own_new = tmp / hpo::TempFileName("results.csv");
  fs::path claim_old = c.layout().retry_claim(4);
  fs::path user_file = tmp / "notes.txt", user_dir = tmp / "old", user_in_dir = tmp / "old" / "x";
  fs::create_directories(user_dir);
  for (const auto& p : {own_old, own_new, claim_old, user_file, user_in_dir}) t::WriteText(p, "x");
  for (const auto& p : {own_old, claim_old, user_file, user_in_dir, user_dir}) Age(p, 3 * 86400);
  hpo::CollectSummary s;
  CHECK_NOTHROW(s = Run(c));  // an old folder in tmp/ does not stop the collect
  CHECK(s.counts[TrialState::kFinished] == 1);
  CHECK_FALSE(fs::exists(own_old));
  CHECK_FALSE(fs::exists(claim_old));
  CHECK(fs::exists(own_new));  // young: a write may be in flight
  CHECK(t::ReadText(user_file) == "x");
  CHECK(t::ReadText(user_in_dir) == "x");
}

TEST_CASE("a finished result without the campaign's metric is counted and listed, never dropped") {
  t::ScratchDir dir;
  Campaign c = Make(dir);
  Finished(c, 0, 0.5);
  Finished(c, 1, 0.25);
  // Trial 2 finished under an earlier metric (the campaign's metric was changed with --force).
  Record r = c.Read(TrialState::kFinished, 1).value();
  r["trial_id"] = 2;
  r.erase("error");
  r["loss"] = 0.1;
  c.Write(TrialState::kFinished, 2, r);
  for (int round = 0; round < 2; ++round) {  // parsed, then from the index
    CAPTURE(round);
    hpo::CollectSummary s = Run(c);
    CHECK(s.counts[TrialState::kFinished] == 3);
    CHECK(s.n_trials == 3);
    CHECK(s.best_id == 1);
    std::string csv = t::ReadText(c.layout().results_csv());
    CHECK(csv.find("\n2,finished,,") != std::string::npos);
    json final_results = json::parse(t::ReadText(c.layout().final_results()));
    CHECK(final_results["counts"]["finished"] == 3);
    std::vector<hpo::TrialRow> rows = hpo::ScanCampaign(c);
    REQUIRE(rows.size() == 3);
    CHECK(rows[2].state == TrialState::kFinished);
    CHECK_FALSE(rows[2].metric);
  }
  // Only trials without the metric: counted, no best.
  t::ScratchDir dir2;
  Campaign c2 = Make(dir2);
  c2.Write(TrialState::kFinished, 0, r);
  hpo::CollectSummary s2 = Run(c2);
  CHECK(s2.counts[TrialState::kFinished] == 1);
  CHECK_FALSE(s2.best_id);
}

TEST_SUITE_END();
