// The runner, through the built hpo-run on campaigns made by hpo-submit --no-start: the
// record of a finished trial, every failure reason, the HPO_* contract, the logs, the claim,
// interruption, and the local backend's concurrency limit.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "campaign.hpp"
#include "process.hpp"
#include "runner.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;

// One trial script for every behaviour; the first argument picks it.
constexpr const char* kTrialScript = R"(#!/bin/bash
mode=$1
echo "out of $HPO_TRIAL_ID"
echo "err of $HPO_TRIAL_ID" >&2
case "$mode" in
  ok) printf '{"error": %s, "extra": "e", "training_time": 12.5}' "$2" > "$HPO_RESULT" ;;
  exit3) exit 3 ;;
  signal) kill -KILL $$ ;;
  noresult) ;;
  invalid) printf '{"error": 0.1' > "$HPO_RESULT" ;;
  notobject) printf '[0.1]' > "$HPO_RESULT" ;;
  nometric) printf '{"loss": 0.1}' > "$HPO_RESULT" ;;
  nan) printf '{"error": NaN}' > "$HPO_RESULT" ;;
  inf) printf '{"error": 1e999}' > "$HPO_RESULT" ;;
  string) printf '{"error": "0.1"}' > "$HPO_RESULT" ;;
  huge) { printf '{"error": 1}'; head -c 16777217 /dev/zero | tr '\0' ' '; } > "$HPO_RESULT" ;;
  env) env > "$HPO_TRIAL_DIR/env.txt"
       pwd -P > "$HPO_TRIAL_DIR/pwd.txt"
       printf '%s\n' "$#" "$@" > "$HPO_TRIAL_DIR/args.txt"
       printf '{"error": 1}' > "$HPO_RESULT" ;;
  stale) if [ -e "$HPO_RESULT" ]; then echo present > "$HPO_TRIAL_DIR/stale.txt"; fi ;;
  flaky) if [ "$HPO_ATTEMPT" = 1 ]; then exit 1; fi
         printf '{"error": 0.5}' > "$HPO_RESULT" ;;
  sleep) sleep 60 &
         echo $! > "$HPO_TRIAL_DIR/child"
         touch "$HPO_TRIAL_DIR/started"
         wait ;;
  slow) sleep 0.4; printf '{"error": %s}' "$2" > "$HPO_RESULT" ;;
  deep) { printf '{"error": 1, "x": '; head -c 100000 /dev/zero | tr '\0' '['
          head -c 100000 /dev/zero | tr '\0' ']'; printf '}'; } > "$HPO_RESULT" ;;
  twice) printf '{"error": 0.1, "error": 0.9}' > "$HPO_RESULT" ;;
esac
)";

const std::string kNasty = "a b; $(touch pwned) 'q' \"d\"";

const std::vector<std::string> kModes = {
    "ok",     "exit3", "signal", "noresult", "invalid", "notobject", "nometric", "nan",  "inf",
    "string", "huge",  "env",    "stale",    "flaky",   "sleep",     "slow",     "deep", "twice"};

TrialId IdOf(const std::string& mode) {
  return std::find(kModes.begin(), kModes.end(), mode) - kModes.begin();
}

// The runner must not think it runs under SLURM, whatever started the tests.
void LeaveSlurm() {
  for (const char* v :
       {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT"})
    ::unsetenv(v);
}

// A campaign with one pending trial per mode (trial id = position in kModes), created by
// hpo-submit --no-start in a scratch directory that is also the trials' workdir.
struct RunnerCampaign {
  t::ScratchDir dir;
  fs::path root = dir / "camp";

  explicit RunnerCampaign(int max_concurrent = 2, const std::vector<std::string>& modes = kModes) {
    LeaveSlurm();
    dir.Write("trial.sh", kTrialScript);
    std::string choices;
    for (const auto& m : kModes) choices += (choices.empty() ? "" : ", ") + m;
    dir.Write("hpo.yaml",
              "space:\n  mode: [" + choices + "]\n  x: {uniform: [0, 1]}\n  s: [" +
                  json(kNasty).dump() +
                  "]\n"
                  "trial:\n  command: bash trial.sh {mode} {x} {s}\n"
                  "  env:\n    EXTRA_VAR: extra value\n"
                  "hpo:\n  output_dir: camp\n  max_attempts: 2\n  max_concurrent_jobs: " +
                  std::to_string(max_concurrent) + "\n");
    std::string lines;
    for (const auto& m : modes)
      lines += json{{"trial_id", IdOf(m)}, {"config", {{"mode", m}, {"x", 0.25}, {"s", kNasty}}}}
                   .dump() +
               "\n";
    dir.Write("trials.jsonl", lines);
    t::RunResult r = t::RunProgram(
        {t::ToolPath("hpo-submit").string(), "--no-start", "--trials", "trials.jsonl"}, dir.path());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }

  hpo::Campaign Open() const { return hpo::Campaign::Open(root); }
  hpo::Layout L() const { return hpo::Layout(root); }

  t::RunResult Run(TrialId id) const {
    return t::RunProgram(
        {t::ToolPath("hpo-run").string(), root.string(), "--trial", std::to_string(id)},
        dir.path());
  }
  Record Read(TrialState s, TrialId id) const {
    auto r = Open().Read(s, id);
    REQUIRE_MESSAGE(r.has_value(), "trial " << id << " is not " << hpo::StateName(s));
    return *r;
  }
};

std::map<std::string, std::string> EnvFile(const fs::path& p) {
  std::map<std::string, std::string> env;
  for (const auto& l : t::Lines(t::ReadText(p))) {
    size_t eq = l.find('=');
    if (eq != std::string::npos) env[l.substr(0, eq)] = l.substr(eq + 1);
  }
  return env;
}

bool WaitFor(const std::function<bool()>& done, double seconds) {
  auto end = std::chrono::steady_clock::now() +
             std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a successful trial is published in results with the runner's record fields") {
  RunnerCampaign c(2, {"ok"});
  TrialId id = IdOf("ok");
  t::RunResult r = c.Run(id);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("trial 0: finished, error = 0.25") != std::string::npos);
  Record rec = c.Read(TrialState::kFinished, id);
  CHECK(rec["state"] == "finished");
  CHECK(rec["trial_id"] == id);
  CHECK(rec["error"] == 0.25);
  CHECK(rec["attempt"] == 1);
  CHECK(rec["config"] == json{{"mode", "ok"}, {"x", 0.25}, {"s", kNasty}});
  CHECK(rec["history"] == json::array());
  CHECK_FALSE(rec.contains("runner"));
  CHECK_FALSE(rec.contains("reason"));
  const json& info = rec["additional_info"];
  CHECK(info["exit_code"] == 0);
  CHECK(info["host"] == hpo::HostName());
  CHECK(info["attempt"] == 1);
  CHECK(info["restart_count"] == 0);
  CHECK(info["start_time"].get<double>() <= info["end_time"].get<double>());
  CHECK(info["end_time"].get<double>() <= hpo::NowSeconds());
  CHECK(info["training_time"] == 12.5);  // the trial's own value wins over the wall time
  CHECK(info["extra"] == "e");           // other keys of the result are kept
  CHECK(info["stdout"] == c.L().trial_stdout(id).string());
  CHECK(info["stderr"] == c.L().trial_stderr(id).string());
  CHECK_FALSE(info.contains("slurm_job_id"));
  CHECK(t::ListDir(c.L().state_dir(TrialState::kRunning)).empty());
  CHECK(t::ListDir(c.L().state_dir(TrialState::kPending)).empty());
  CHECK(json::parse(t::ReadText(c.L().trial_config(id))) == rec["config"]);
  CHECK(fs::exists(c.L().trial_heartbeat(id)));
  CHECK(t::ListDir(c.L().tmp_dir()).empty());
}

TEST_CASE("each way a trial can fail lands in failed with a reason naming it") {
  RunnerCampaign c;
  const hpo::Layout L = c.L();
  struct Case {
    std::string mode, says;
  };
  const std::vector<Case> cases = {
      {"exit3", "the trial command failed: exit code 3"},
      {"signal", "the trial command failed: killed by SIGKILL"},
      {"noresult", "the trial wrote no result file " + L.trial_result(IdOf("noresult")).string()},
      {"invalid",
       "the result file " + L.trial_result(IdOf("invalid")).string() + " is not valid JSON"},
      {"notobject", "is not a JSON object"},
      {"nometric", "has no \"error\" key (hpo.metric)"},
      {"nan", "is not valid JSON (truncated, or NaN/inf written as a bare word?)"},
      {"inf", "is not valid JSON"},  // 1e999 overflows: the parser refuses it
      {"string", "the metric \"error\" in " + L.trial_result(IdOf("string")).string() +
                     " is not a number: \"0.1\""},
      {"huge", "unusable result file: "},
      {"deep", "the result file " + L.trial_result(IdOf("deep")).string() +
                   " is nested deeper than 128 levels; flatten it"},
      {"twice", "the result file " + L.trial_result(IdOf("twice")).string() +
                    ": the key \"error\" occurs twice in one object; keep one"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.mode);
    TrialId id = IdOf(k.mode);
    t::RunResult r = c.Run(id);
    CHECK(r.exit_code == 1);
    Record rec = c.Read(TrialState::kFailed, id);
    std::string reason = rec.value("reason", "");
    CAPTURE(reason);
    CHECK(reason.find(k.says) != std::string::npos);
    CHECK(rec["state"] == "failed");
    REQUIRE(rec["history"].size() == 1);
    CHECK(rec["history"][0]["reason"] == reason);
    CHECK(rec["history"][0]["attempt"] == 1);
    CHECK_FALSE(rec.contains("runner"));
    CHECK(rec["additional_info"]["training_time"].is_number());
    CHECK(r.err.find("failed: " + reason) != std::string::npos);
    // What the trial said last on stderr travels with the reason.
    CHECK(rec.value("stderr_tail", "") == "err of " + std::to_string(id));
    CHECK(rec["history"][0].value("stderr_tail", "") == "err of " + std::to_string(id));
    // The log's path is a field of its own, not text inside the reason.
    CHECK(rec.value("stderr_log", "") == L.trial_stderr(id).string());
    CHECK(reason.find(" (see ") == std::string::npos);
  }
  CHECK(c.Read(TrialState::kFailed, IdOf("exit3"))["additional_info"]["exit_code"] == 3);
  Record killed = c.Read(TrialState::kFailed, IdOf("signal"));
  CHECK(killed["additional_info"]["exit_code"].is_null());
  CHECK(killed["additional_info"]["signal"] == "SIGKILL");
  std::string huge = c.Read(TrialState::kFailed, IdOf("huge"))["reason"];
  CHECK(huge.find(std::to_string(hpo::kMaxResultBytes) + " allowed") != std::string::npos);
  CHECK(t::ListDir(L.state_dir(TrialState::kRunning)).empty());
}

TEST_CASE(
    "the trial gets the HPO environment, runs in the workdir, and sees each value as one "
    "argument") {
  RunnerCampaign c(2, {"env"});
  TrialId id = IdOf("env");
  t::RunResult r = c.Run(id);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const hpo::Layout L = c.L();
  auto env = EnvFile(L.trial_dir(id) / "env.txt");
  CHECK(env["HPO_TRIAL_ID"] == std::to_string(id));
  CHECK(env["HPO_CONFIG"] == L.trial_config(id).string());
  CHECK(env["HPO_RESULT"] == L.trial_result(id).string());
  CHECK(env["HPO_TRIAL_DIR"] == L.trial_dir(id).string());
  CHECK(env["HPO_ATTEMPT"] == "1");
  CHECK(env["HPO_RESTART_COUNT"] == "0");
  CHECK(env["HPO_METRIC"] == "error");
  CHECK(env["HPO_CAMPAIGN_DIR"] == c.root.string());
  CHECK(env["EXTRA_VAR"] == "extra value");
  REQUIRE(env.count("HPO_PYTHONPATH"));
  CHECK(fs::exists(fs::path(env["HPO_PYTHONPATH"]) / "hpo_trial.py"));
  CHECK(env["PYTHONPATH"].rfind(env["HPO_PYTHONPATH"], 0) == 0);
  CHECK(t::ReadText(L.trial_dir(id) / "pwd.txt") == c.dir.path().string() + "\n");
  CHECK(t::ReadText(L.trial_dir(id) / "args.txt") == "3\nenv\n0.25\n" + kNasty + "\n");
  CHECK_FALSE(fs::exists(c.dir / "pwned"));
}

TEST_CASE("a trial command that cannot start is recorded with the OS reason, not exit code 127") {
  LeaveSlurm();
  t::ScratchDir dir;
  dir.Write("noexec.sh", "#!/bin/bash\nexit 0\n");  // not executable
  dir.Write("hpo.yaml",
            "space:\n  prog: [a]\n  s: [a]\ntrial:\n  command: \"{prog} {s}\"\n"
            "hpo:\n  output_dir: camp\n");
  struct Case {
    std::string prog, s, says;
  };
  const std::vector<Case> cases = {
      {"./missing", "a", "exec: No such file or directory"},
      {"./noexec.sh", "a", "exec: Permission denied"},
      {"no-such-hpo-program", "a", "exec: No such file or directory"},
      {"/bin/true", std::string(200000, 'x'), "exec: Argument list too long"},
  };
  std::string lines;
  for (size_t i = 0; i < cases.size(); ++i)
    lines += json{{"trial_id", i}, {"config", {{"prog", cases[i].prog}, {"s", cases[i].s}}}}.dump() + "\n";
  dir.Write("trials.jsonl", lines);
  t::RunResult sub = t::RunProgram(
      {t::ToolPath("hpo-submit").string(), "--no-start", "--trials", "trials.jsonl"}, dir.path());
  REQUIRE_MESSAGE(sub.exit_code == 0, sub.err);
  hpo::Campaign camp = hpo::Campaign::Open(dir / "camp");
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(cases[i].prog);
    t::RunResult r = t::RunProgram({t::ToolPath("hpo-run").string(), (dir / "camp").string(),
                                    "--trial", std::to_string(i)},
                                   dir.path());
    CHECK(r.exit_code == 1);
    auto rec = camp.Read(TrialState::kFailed, static_cast<TrialId>(i));
    REQUIRE(rec.has_value());
    std::string want = "cannot start the trial command \"" + cases[i].prog + "\": " + cases[i].says;
    CHECK((*rec)["reason"] == want);
    CHECK((*rec)["history"][0]["reason"] == want);
    CHECK(r.err.find(want) != std::string::npos);
    CHECK(t::ReadText(camp.layout().trial_stderr(static_cast<TrialId>(i))).find(want) !=
          std::string::npos);
  }
}

TEST_CASE("the logs start with the attempt banner and keep every attempt") {
  RunnerCampaign c(2, {"flaky"});
  TrialId id = IdOf("flaky");
  std::string banner1 = "=== hpo: trial " + std::to_string(id) + " attempt 1 restart 0 on " +
                        hpo::HostName() + " ===\n";
  std::string banner2 = "=== hpo: trial " + std::to_string(id) + " attempt 2 restart 0 on " +
                        hpo::HostName() + " ===\n";
  CHECK(c.Run(id).exit_code == 1);
  const hpo::Layout L = c.L();
  CHECK(t::ReadText(L.trial_stdout(id)) == banner1 + "out of " + std::to_string(id) + "\n");
  CHECK(t::ReadText(L.trial_stderr(id)) == banner1 + "err of " + std::to_string(id) + "\n");

  t::RunResult retry = t::RunProgram(
      {t::ToolPath("hpo-submit").string(), "--no-start", "--retry-failed"}, c.dir.path());
  REQUIRE_MESSAGE(retry.exit_code == 0, retry.err);
  CHECK(c.Read(TrialState::kPending, id)["attempt"] == 2);
  t::RunResult r = c.Run(id);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(t::ReadText(L.trial_stdout(id)) == banner1 + "out of " + std::to_string(id) + "\n" +
                                               banner2 + "out of " + std::to_string(id) + "\n");
  Record rec = c.Read(TrialState::kFinished, id);
  CHECK(rec["attempt"] == 2);
  CHECK(rec["additional_info"]["attempt"] == 2);
  REQUIRE(rec["history"].size() == 1);
  CHECK(rec["history"][0]["attempt"] == 1);
  CHECK(rec["history"][0]["state"] == "failed");
}

TEST_CASE("a stale result of an earlier attempt is not taken") {
  RunnerCampaign c(2, {"stale"});
  TrialId id = IdOf("stale");
  fs::create_directories(c.L().trial_dir(id));
  t::WriteText(c.L().trial_result(id), "{\"error\": 0.001}");
  CHECK(c.Run(id).exit_code == 1);
  CHECK(c.Read(TrialState::kFailed, id)["reason"].get<std::string>().find("wrote no result file") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(c.L().trial_dir(id) / "stale.txt"));
}

TEST_CASE("a runner that cannot register its claim within half the grace runs nothing") {
  RunnerCampaign c(1, {"ok"});
  TrialId id = IdOf("ok");
  ::setenv("HPO_CLAIM_GRACE", "0.000001", 1);  // no runner registers that fast
  t::RunResult late = c.Run(id);
  ::unsetenv("HPO_CLAIM_GRACE");
  CHECK(late.exit_code == 3);
  CHECK(late.err.find("claimed but not registered within") != std::string::npos);
  // Left as the claim was, for hpo-collect or a launcher to return to pending.
  CHECK(c.Read(TrialState::kRunning, id)["state"] == "pending");
  CHECK_FALSE(c.Read(TrialState::kRunning, id).contains("runner"));
  CHECK_FALSE(fs::exists(c.L().trial_stdout(id)));
}

TEST_CASE("a trial claimed twice runs once") {
  RunnerCampaign c(2, {"ok", "env"});
  REQUIRE(c.Run(IdOf("ok")).exit_code == 0);
  fs::path result = c.L().trial_file(TrialState::kFinished, IdOf("ok"));
  std::string before = t::ReadText(result);
  std::string log = t::ReadText(c.L().trial_stdout(IdOf("ok")));
  t::RunResult again = c.Run(IdOf("ok"));
  CHECK(again.exit_code == 3);  // ran nothing: not counted as a trial that finished
  CHECK(again.err.find("trial 0 is already finished; nothing to do") != std::string::npos);
  CHECK(t::ReadText(result) == before);
  CHECK(t::ReadText(c.L().trial_stdout(IdOf("ok"))) == log);  // the command did not run

  // Claimed by a runner elsewhere: not run, not touched.
  hpo::Campaign camp = c.Open();
  TrialId id = IdOf("env");
  REQUIRE(camp.Move(id, TrialState::kPending, TrialState::kRunning) == hpo::Outcome::kDone);
  Record rec = camp.Read(TrialState::kRunning, id).value();
  rec["state"] = "running";
  rec["runner"] = {{"host", "node7"}, {"pid", 4711}, {"slurm_job_id", "99"}};
  camp.Write(TrialState::kRunning, id, rec);
  t::RunResult busy = c.Run(id);
  CHECK(busy.exit_code == 3);
  CHECK(busy.err.find(
            "is already claimed by runner node7:4711 (SLURM job 99); not running it twice") !=
        std::string::npos);
  CHECK(camp.Read(TrialState::kRunning, id).value() == rec);
  CHECK_FALSE(fs::exists(c.L().trial_dir(id) / "env.txt"));

  t::RunResult unknown = c.Run(12345);
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("hpo-run: error: trial 12345 is not in campaign " + c.root.string()) == 0);
}

TEST_CASE("SIGTERM to a local runner returns its trial to pending and stops the whole trial") {
  RunnerCampaign c(2, {"sleep"});
  TrialId id = IdOf("sleep");
  const hpo::Layout L = c.L();
  fs::path err_file = c.dir / "runner.err";
  std::string runner = t::ToolPath("hpo-run").string(), root = c.root.string(),
              ids = std::to_string(id);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::execl(runner.c_str(), runner.c_str(), root.c_str(), "--trial", ids.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool started = WaitFor([&] { return fs::exists(L.trial_dir(id) / "started"); }, 30);
  CHECK(started);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);  // interrupted, as every tool: not "ran and finished"
  CHECK(t::ReadText(err_file).find("interrupted by SIGTERM; returned to pending") !=
        std::string::npos);

  Record rec = c.Read(TrialState::kPending, id);
  CHECK(rec["state"] == "pending");
  CHECK(rec["attempt"] == 1);  // an interruption is not a failed attempt
  CHECK_FALSE(rec.contains("runner"));
  REQUIRE(rec["history"].size() == 1);
  CHECK(rec["history"][0]["state"] == "interrupted");
  CHECK(rec["history"][0]["reason"] == "interrupted by SIGTERM");
  CHECK(rec["history"][0]["attempt"] == 1);
  CHECK(t::ListDir(L.state_dir(TrialState::kRunning)).empty());
  CHECK(t::ListDir(L.state_dir(TrialState::kFailed)).empty());
  // The trial's own children went with it.
  if (started) {
    pid_t child = std::stoi(t::ReadText(L.trial_dir(id) / "child"));
    CHECK(WaitFor([&] { return !hpo::ProcessAlive(child); }, 10));
  }
}

TEST_CASE("the local backend runs at most max_concurrent_jobs trials at once") {
  t::ScratchDir dir;
  LeaveSlurm();
  dir.Write("trial.sh", kTrialScript);
  dir.Write("hpo.yaml",
            "space:\n  mode: [slow]\n  x: {uniform: [0, 1]}\n"
            "trial:\n  command: bash trial.sh {mode} {x}\n"
            "hpo:\n  output_dir: camp\n  max_concurrent_jobs: 2\n");
  std::string lines;
  for (int i = 0; i < 6; ++i)
    lines += json{{"trial_id", i}, {"config", {{"mode", "slow"}, {"x", 0.1 * i}}}}.dump() + "\n";
  dir.Write("trials.jsonl", lines);
  t::RunResult r = t::RunProgram(
      {t::ToolPath("hpo-submit").string(), "--local", "--trials", "trials.jsonl"}, dir.path());
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  hpo::Campaign camp = hpo::Campaign::Open(dir / "camp");
  REQUIRE(camp.List(TrialState::kFinished).size() == 6);
  std::vector<std::pair<double, double>> spans;
  for (TrialId id : camp.List(TrialState::kFinished)) {
    Record rec = camp.Read(TrialState::kFinished, id).value();
    spans.emplace_back(rec["additional_info"]["start_time"].get<double>(),
                       rec["additional_info"]["end_time"].get<double>());
  }
  int most = 0;
  for (const auto& [start, end] : spans) {
    (void)end;
    int at = 0;
    for (const auto& [s, e] : spans) at += s <= start && start < e;
    most = std::max(most, at);
  }
  CHECK(most <= 2);
  CHECK(most == 2);  // and the slots were used
}

TEST_CASE("a failed env_setup is reported with its exit code and its last error line") {
  struct Case {
    int code;
    std::string output, reason;
  };
  const Case cases[] = {
      {1, "", "env_setup failed: exit code 1"},
      {127, "bash: line 3: module: command not found\n",
       "env_setup failed: exit code 127: bash: line 3: module: command not found"},
      {1, "Lmod has detected the following error:\n  no-such-module/1.0 not found\n\n  \n",
       "env_setup failed: exit code 1:   no-such-module/1.0 not found"},
      {2, "one line without newline", "env_setup failed: exit code 2: one line without newline"},
      {3, "\n\n", "env_setup failed: exit code 3"},
      {1, std::string(400, 'x'), "env_setup failed: exit code 1: " + std::string(300, 'x') + "..."},
  };
  for (const auto& c : cases) {
    CAPTURE(c.output);
    CHECK(hpo::EnvSetupFailureReason({c.code, c.output}) == c.reason);
  }
}

TEST_SUITE_END();
