// Submitting pending trials as SLURM job arrays: the split at MaxArraySize, the rendered
// batch scripts (checked by bash itself), the sbatch arguments, and the afterany chain with
// its submission records. sbatch is replaced by a recording fake: these are rendering tests;
// the real cluster is exercised by tests/e2e/slurm_*.sh.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "campaign.hpp"
#include "config.hpp"
#include "error.hpp"
#include "slurm_submit.hpp"
#include "templates.hpp"
#include "testing.hpp"

namespace {

using namespace hpo::testing::names;
using hpo::ArrayPlan;
using Ids = std::vector<TrialId>;

constexpr const char* kConfig = R"(space:
  lr: {uniform: [0, 1]}
trial:
  command: python train.py --lr {lr}
slurm:
  partition: gpu
  time: "1-00:00:00"
  mem: 16G
  cpus_per_task: 4
  gpus: 2
  account: proj-x
  qos: high
  constraint: "a100&ib"
  job_name: my-hpo
  signal_grace: 90
  extra: ["--exclusive", "--mail-type=END"]
  env_setup: |
    module load python/3.11 2>/dev/null || true
    source "/opt/venv it's/bin/activate" 2>/dev/null || true
    export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
hpo:
  output_dir: camp
  max_concurrent_jobs: 5
)";

// A campaign whose path holds a single quote and spaces, as does its tools directory.
struct Fixture {
  t::ScratchDir dir;
  fs::path root = dir / "it's a camp";
  fs::path work = dir / "work dir";
  fs::path tools = dir / "tools $HOME it's";
  Campaign campaign = Make();

  Campaign Make() {
    fs::create_directories(work);
    fs::create_directories(tools);
    return Campaign::Create(hpo::ParseConfig(kConfig, "hpo.yaml"), root, work, hpo::Force::kNo);
  }
};

class FakeSbatch : public hpo::Sbatch {
 public:
  long max_size = 16;
  int next_id = 1000;
  int refuse_call = -1;  // the call (0-based) that sbatch refuses
  std::vector<std::vector<std::string>> calls;
  std::string Submit(const std::vector<std::string>& args) override {
    if (static_cast<int>(calls.size()) == refuse_call)
      throw hpo::Error("sbatch refused the job (exit code 1): sbatch: error: Invalid account");
    calls.push_back(args);
    return std::to_string(next_id++);
  }
  long MaxArraySize() override { return max_size; }
};

Ids Range(TrialId from, TrialId to) {
  Ids ids;
  for (TrialId i = from; i < to; ++i) ids.push_back(i);
  return ids;
}

// Every invariant a split must keep, whatever the input.
void CheckPlans(const std::vector<ArrayPlan>& plans, Ids input, long max) {
  std::sort(input.begin(), input.end());
  input.erase(std::unique(input.begin(), input.end()), input.end());
  Ids all;
  for (const auto& p : plans) {
    REQUIRE(!p.ids.empty());
    CHECK(p.offset == p.ids.front());
    Ids idx;
    for (TrialId id : p.ids) {
      CHECK(id - p.offset >= 0);
      CHECK(id - p.offset < max);
      idx.push_back(id - p.offset);
    }
    CHECK(std::is_sorted(p.ids.begin(), p.ids.end()));
    CHECK(p.indices == hpo::IndexRanges(idx));
    all.insert(all.end(), p.ids.begin(), p.ids.end());
  }
  CHECK(all == input);  // the union is the input, each id once, in order
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The words bash makes of `line` (after its first word), one per element.
std::vector<std::string> Words(const std::string& line) {
  std::string rest = line.substr(line.find(' ') + 1);
  t::RunResult r = t::RunProgram({"/bin/bash", "-c", "printf '%s\\0' " + rest}, "/");
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> words;
  size_t start = 0;
  for (size_t end; (end = r.out.find('\0', start)) != std::string::npos; start = end + 1)
    words.push_back(r.out.substr(start, end - start));
  return words;
}

std::string LineStarting(const std::string& text, const std::string& prefix) {
  for (const auto& l : t::Lines(text))
    if (l.rfind(prefix, 0) == 0) return l;
  FAIL_CHECK("no line starts with " << prefix);
  return "";
}

int BashSyntaxCheck(const fs::path& script) {
  return t::RunProgram({"/bin/bash", "-n", script.string()}, "/").exit_code;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("IndexRanges folds runs of consecutive indices") {
  CHECK(hpo::IndexRanges({}).empty());
  CHECK(hpo::IndexRanges({0}) == "0");
  CHECK(hpo::IndexRanges({5, 6}) == "5-6");
  CHECK(hpo::IndexRanges({0, 1, 2, 3, 7, 9, 10}) == "0-3,7,9-10");
  CHECK(hpo::IndexRanges({1, 3, 5}) == "1,3,5");
  CHECK(hpo::IndexRanges({998, 999, 1000}) == "998-1000");
}

TEST_CASE("PlanArrays keeps every index below MaxArraySize and covers every id once") {
  Ids sparse = {0, 5, 999, 1000, 1001, 1002, 2500, 5000, 100000, 100001, 999999999999};
  Ids shuffled = {7, 3, 3, 9, 1, 7, 2};
  for (long max : {1001L, 16L, 2L}) {
    CAPTURE(max);
    for (const Ids& ids : {Range(0, 2500), sparse, shuffled, Ids{42}, Ids{}}) {
      CAPTURE(ids.size());
      CheckPlans(hpo::PlanArrays(ids, max), ids, max);
    }
  }
}

TEST_CASE("PlanArrays splits contiguous ids at MaxArraySize with the right offsets") {
  auto plans = hpo::PlanArrays(Range(0, 2500), 1001);
  REQUIRE(plans.size() == 3);
  CHECK(plans[0].offset == 0);
  CHECK(plans[0].indices == "0-1000");
  CHECK(plans[1].offset == 1001);
  CHECK(plans[1].indices == "0-1000");
  CHECK(plans[2].offset == 2002);
  CHECK(plans[2].indices == "0-497");
  CHECK(hpo::PlanArrays(Range(0, 2500), 16).size() == 157);  // ceil(2500 / 16)
  auto pairs = hpo::PlanArrays(Range(10, 15), 2);
  REQUIRE(pairs.size() == 3);
  CHECK(pairs[2].offset == 14);
  CHECK(pairs[2].indices == "0");
}

TEST_CASE("the array size limit caps the index and not the number of tasks") {
  // 1000 trials from id 1001: --array=1001-2000 is invalid with MaxArraySize 1001, so the
  // array starts at its first id.
  auto plans = hpo::PlanArrays(Range(1001, 2001), 1001);
  REQUIRE(plans.size() == 1);
  CHECK(plans[0].offset == 1001);
  CHECK(plans[0].indices == "0-999");
  // Few trials spread wide need one array per window, however few each holds.
  plans = hpo::PlanArrays({0, 1000, 1001, 2001, 2002}, 1001);
  REQUIRE(plans.size() == 3);
  CHECK(plans[0].ids == Ids{0, 1000});
  CHECK(plans[0].indices == "0,1000");
  CHECK(plans[1].ids == Ids{1001, 2001});
  CHECK(plans[2].ids == Ids{2002});
}

TEST_CASE(
    "the array script has every slurm setting, the USR2 grace, env_setup and a quoted exec line") {
  Fixture f;
  std::string script = hpo::RenderArrayScript(f.campaign, 1001, f.tools.string());
  for (const char* line :
       {"#SBATCH --partition=gpu\n", "#SBATCH --time=1-00:00:00\n", "#SBATCH --mem=16G\n",
        "#SBATCH --cpus-per-task=4\n", "#SBATCH --gres=gpu:2\n", "#SBATCH --account=proj-x\n",
        "#SBATCH --qos=high\n", "#SBATCH --constraint=a100&ib\n", "#SBATCH --exclusive\n",
        "#SBATCH --mail-type=END\n", "#SBATCH --signal=B:USR2@90\n", "#SBATCH --requeue\n"}) {
    CAPTURE(line);
    CHECK(script.find(line) != std::string::npos);
  }
  CHECK(script.rfind("#!/bin/bash\n", 0) == 0);
  CHECK(script.find("eval " + hpo::ShellQuote(f.campaign.config().slurm.env_setup) + "\n") !=
        std::string::npos);
  // sbatch reads #SBATCH lines only up to the first command.
  bool command_seen = false;
  for (const auto& l : t::Lines(script)) {
    if (l.rfind("#SBATCH", 0) == 0) CHECK_FALSE(command_seen);
    if (!l.empty() && l[0] != '#') command_seen = true;
  }
  CHECK(command_seen);

  fs::path file = f.dir / "array.sbatch";
  t::WriteText(file, script);
  CHECK(BashSyntaxCheck(file) == 0);
  CHECK(Words(LineStarting(script, "exec " + hpo::ShellQuote((f.tools / "hpo-run").string()))) ==
        std::vector<std::string>{(f.tools / "hpo-run").string(), f.root.string(), "--array-offset",
                                 "1001"});
}

TEST_CASE("a minimal slurm section renders only what is set") {
  t::ScratchDir dir;
  Campaign c = Campaign::Create(
      hpo::ParseConfig("space:\n  x: {uniform: [0, 1]}\ntrial:\n  command: echo {x}\n", "hpo.yaml"),
      dir / "camp", dir.path(), hpo::Force::kNo);
  std::string script = hpo::RenderArrayScript(c, 0, "/opt/hpo/bin");
  CHECK(script.find("#SBATCH --cpus-per-task=1\n") != std::string::npos);
  CHECK(script.find("#SBATCH --signal=B:USR2@120\n") != std::string::npos);
  for (const char* absent :
       {"--partition", "--time", "--mem", "--gres", "--account", "--qos", "--constraint"})
    CHECK(script.find(absent) == std::string::npos);
  fs::path file = dir / "a.sbatch";
  t::WriteText(file, script);
  CHECK(BashSyntaxCheck(file) == 0);
  CHECK(Words(LineStarting(script, "exec '/opt/hpo/bin/hpo-run'")) == std::vector<std::string>{"/opt/hpo/bin/hpo-run",
                                                                         (dir / "camp").string(),
                                                                         "--array-offset", "0"});
}

// Runs the rendered array script of a campaign whose env_setup is `env_setup`, with a fake
// hpo-run that writes what it was given: its arguments, $FOO, and env_setup's error output.
std::string RunArrayScriptWithEnvSetup(const std::string& env_setup) {
  t::ScratchDir dir;
  fs::create_directories(dir / "tools");
  fs::create_directories(dir / "tmp");
  t::WriteText(dir / "tools" / "hpo-run",
               "#!/bin/bash\n{ printf '%s|' \"${@:2}\"; echo \"FOO=${FOO-unset}\";\n"
               "  [ -n \"${7:-}\" ] && { echo \"log:\"; cat \"$7\"; }; } > \"$OUT\"; exit 0\n");
  ::chmod((dir / "tools" / "hpo-run").c_str(), 0755);
  std::string yaml = "space:\n  x: {uniform: [0, 1]}\ntrial:\n  command: echo {x}\nslurm:\n  env_setup: " +
                     json(env_setup).dump() + "\n";
  Campaign c = Campaign::Create(hpo::ParseConfig(yaml, "hpo.yaml"), dir / "camp", dir.path(),
                                hpo::Force::kNo);
  fs::path script = dir / "array.sbatch";
  t::WriteText(script, hpo::RenderArrayScript(c, 0, (dir / "tools").string()));
  t::RunResult r = t::RunProgram({"/usr/bin/env", "-u", "FOO", "SLURM_ARRAY_TASK_ID=0",
                                  "TMPDIR=" + (dir / "tmp").string(),
                                  "OUT=" + (dir / "out").string(), "/bin/bash", script.string()},
                                 dir.path());
  CHECK(r.exit_code == 0);
  std::string out = t::ReadText(dir / "out");
  // The runner removes the error log it was given; after a success the script removes it.
  if (out.find("--env-setup-failed") == std::string::npos) CHECK(t::ListDir(dir / "tmp").empty());
  if (out.find("log:") != std::string::npos)  // and on the way, the task's log has it too
    CHECK(out.substr(out.find("log:\n") + 5) == r.err);
  return out;
}

TEST_CASE("the array script runs the trial only when env_setup succeeds, in its environment") {
  CHECK(RunArrayScriptWithEnvSetup("") == "--array-offset|0|FOO=unset\n");
  CHECK(RunArrayScriptWithEnvSetup("export FOO=bar") == "--array-offset|0|FOO=bar\n");
  CHECK(RunArrayScriptWithEnvSetup("echo note >&2\nexport FOO='it''s'") == "--array-offset|0|FOO=its\n");
  CHECK(RunArrayScriptWithEnvSetup("f() { export FOO=fn; }\nf") == "--array-offset|0|FOO=fn\n");
  CHECK(RunArrayScriptWithEnvSetup("false || true\nexport FOO=ok") == "--array-offset|0|FOO=ok\n");
}

TEST_CASE("a failing env_setup hands the runner its exit code and error output instead of the trial") {
  struct Case {
    std::string env_setup;
    std::string code;
    std::string error;  // in the error output
  };
  const Case cases[] = {
      {"false", "1", ""},
      {"module load no-such-module/1.0", "127", "module: command not found"},
      {"false\nexport FOO=bar", "1", ""},  // set -e: the block stops at the first failure
      {"echo 'bad } fi EOF it'\\''s' >&2; exit 3\nexport FOO=bar", "3", "bad } fi EOF it's"},
      {"x=$(false); export FOO=x", "1", ""},
      {"if then", "2", "syntax error"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.env_setup);
    std::string out = RunArrayScriptWithEnvSetup(c.env_setup);
    CHECK(out.rfind("--array-offset|0|--env-setup-failed|" + c.code + "|--env-setup-log|", 0) == 0);
    CHECK(out.find("|FOO=unset\nlog:\n") != std::string::npos);
    CHECK(out.find(c.error) != std::string::npos);
  }
}

TEST_CASE("the default job name names the campaign folder, in characters safe in file names") {
  struct Case { std::string folder, name; };
  const Case cases[] = {
      {"mlp_example", "hpo-mlp_example"},
      {"run-2.v3", "hpo-run-2.v3"},
      {"it's a camp", "hpo-it_s_a_camp"},
      {"a/b", "hpo-a_b"},
      {"caf\xc3\xa9", "hpo-caf__"},  // UTF-8 bytes are not letters here
      {"", "hpo"},
      {std::string(50, 'x'), "hpo-" + std::string(40, 'x')},
  };
  for (const auto& c : cases) {
    CAPTURE(c.folder);
    CHECK(hpo::DefaultJobName(c.folder) == c.name);
  }
}

TEST_CASE("without slurm.job_name the arrays and the collect job are named after the campaign") {
  t::ScratchDir dir;
  fs::path root = dir / "sweep 7";
  std::string text = kConfig;
  text.replace(text.find("  job_name: my-hpo\n"), std::string("  job_name: my-hpo\n").size(), "");
  Campaign c = Campaign::Create(hpo::ParseConfig(text, "hpo.yaml"), root, dir.path(), hpo::Force::kNo);
  CHECK(hpo::JobName(c) == "hpo-sweep_7");
  auto plans = hpo::PlanArrays({0, 1}, 1001);
  CHECK(Has(hpo::ArraySbatchArgs(c, plans[0], "/s/a.sbatch", ""), "--job-name=hpo-sweep_7"));
}

TEST_CASE("ArraySbatchArgs throttles the array and chains it after the previous one") {
  Fixture f;
  auto plans = hpo::PlanArrays({3, 4, 5, 9}, 1001);
  REQUIRE(plans.size() == 1);
  const hpo::Layout& L = f.campaign.layout();
  auto args = hpo::ArraySbatchArgs(f.campaign, plans[0], "/s/array_0.sbatch", "");
  CHECK(args == std::vector<std::string>{"--array=0-2,6%5", "--job-name=my-hpo",
                                         "--output=" + L.slurm_log_pattern().string(),
                                         "--chdir=" + f.work.string(), "/s/array_0.sbatch"});
  CHECK(L.slurm_log_pattern() == f.root / "slurm" / "%x_%A_%a.out");
  args = hpo::ArraySbatchArgs(f.campaign, plans[0], "/s/array_1.sbatch", "1234");
  CHECK(Has(args, "--dependency=afterany:1234"));
  CHECK(args.back() == "/s/array_1.sbatch");  // the script is the last argument
}

TEST_CASE("SubmitArrays chains the arrays, records each submission and submits collect last") {
  Fixture f;
  const hpo::Layout& L = f.campaign.layout();
  t::WriteText(f.tools / "hpo-report", "#!/bin/sh\n");
  ::chmod((f.tools / "hpo-report").c_str(), 0755);
  FakeSbatch sbatch;
  hpo::SubmitOptions opt;
  opt.tools_dir = f.tools.string();
  opt.collect_resubmits = true;
  std::ostringstream log;
  hpo::SubmitResult res = hpo::SubmitArrays(f.campaign, Range(0, 40), sbatch, opt, log);

  CHECK(res.array_jobs == std::vector<std::string>{"1000", "1001", "1002"});
  CHECK(res.collect_job == "1003");
  CHECK(res.trials == 40);
  REQUIRE(sbatch.calls.size() == 4);
  CHECK(sbatch.calls[0][0] == "--array=0-15%5");
  CHECK(std::none_of(sbatch.calls[0].begin(), sbatch.calls[0].end(),
                     [](const std::string& a) { return a.rfind("--dependency", 0) == 0; }));
  CHECK(Has(sbatch.calls[1], "--dependency=afterany:1000"));
  CHECK(Has(sbatch.calls[2], "--dependency=afterany:1001"));
  CHECK(sbatch.calls[2][0] == "--array=0-7%5");
  CHECK(Has(sbatch.calls[3], "--dependency=afterany:1002"));
  CHECK(Has(sbatch.calls[3], "--job-name=my-hpo-collect"));

  const TrialId offsets[] = {0, 16, 32};
  for (int n = 0; n < 3; ++n) {
    CAPTURE(n);
    fs::path script = L.slurm_script(n);
    CHECK(sbatch.calls[n].back() == script.string());
    CHECK(t::ReadText(script) == hpo::RenderArrayScript(f.campaign, offsets[n], f.tools.string()));
    json rec = json::parse(t::ReadText(L.submission_record(std::to_string(1000 + n))));
    CHECK(rec["kind"] == "array");
    CHECK(rec["job_id"] == std::to_string(1000 + n));
    CHECK(rec["offset"] == offsets[n]);
    CHECK(rec["trial_ids"] == Range(offsets[n], std::min<TrialId>(offsets[n] + 16, 40)));
    CHECK(rec["script"] == script.string());
    CHECK(rec["after"] == (n == 0 ? "" : std::to_string(999 + n)));
  }
  json collect = json::parse(t::ReadText(L.submission_record("1003")));
  CHECK(collect["kind"] == "collect");
  CHECK(collect["after"] == "1002");

  fs::path cscript = L.slurm_dir() / "collect.sbatch";
  CHECK(sbatch.calls[3].back() == cscript.string());
  std::string ctext = t::ReadText(cscript);
  CHECK(BashSyntaxCheck(cscript) == 0);
  CHECK(ctext.find("#SBATCH --partition=gpu\n") != std::string::npos);
  // What sites require of every job, and a short limit of its own: not the trials' day.
  for (const char* line : {"#SBATCH --account=proj-x\n", "#SBATCH --qos=high\n", "#SBATCH --time=0:10:00\n"})
    CHECK(ctext.find(line) != std::string::npos);
  for (const char* absent : {"--mem", "--gres", "--constraint", "--exclusive", "1-00:00:00"})
    CHECK(ctext.find(absent) == std::string::npos);
  CHECK(
      Words("x " + LineStarting(ctext, hpo::ShellQuote((f.tools / "hpo-collect").string()))) ==
      std::vector<std::string>{(f.tools / "hpo-collect").string(), "--resubmit", f.root.string()});
  CHECK(Words("x " + LineStarting(ctext, hpo::ShellQuote((f.tools / "hpo-report").string()))) ==
        std::vector<std::string>{(f.tools / "hpo-report").string(), f.root.string()});
  CHECK(log.str().find("submitted array job 1001: 16 trials (ids 16..31), at most 5 at once, after "
                       "job 1000\n") != std::string::npos);
  CHECK(t::ListDir(L.tmp_dir()).empty());

  // A second submission never overwrites the scripts of the first.
  std::string first = t::ReadText(L.slurm_script(0));
  FakeSbatch again;
  again.next_id = 2000;
  hpo::SubmitArrays(f.campaign, Range(40, 50), again, opt, log);
  CHECK(again.calls[0].back() == L.slurm_script(3).string());
  CHECK(t::ReadText(L.slurm_script(0)) == first);
}

TEST_CASE("SubmitArrays without collect submits only the arrays") {
  Fixture f;
  FakeSbatch sbatch;
  hpo::SubmitOptions opt;
  opt.tools_dir = f.tools.string();
  opt.chain_collect = false;
  std::ostringstream log;
  hpo::SubmitResult res = hpo::SubmitArrays(f.campaign, {5}, sbatch, opt, log);
  CHECK(sbatch.calls.size() == 1);
  CHECK(sbatch.calls[0][0] == "--array=0%5");
  CHECK(res.collect_job.empty());
  CHECK_FALSE(fs::exists(f.campaign.layout().slurm_dir() / "collect.sbatch"));
}

TEST_CASE("a dry run submits nothing and records nothing but prints the scripts and sbatch lines") {
  Fixture f;
  FakeSbatch sbatch;
  hpo::SubmitOptions opt;
  opt.tools_dir = f.tools.string();
  opt.dry_run = true;
  std::ostringstream log;
  hpo::SubmitResult res = hpo::SubmitArrays(f.campaign, Range(0, 20), sbatch, opt, log);
  CHECK(sbatch.calls.empty());
  CHECK(t::ListDir(f.campaign.layout().slurm_dir()).empty());
  CHECK(t::ListDir(f.campaign.layout().tmp_dir()).empty());
  CHECK(res.array_jobs.size() == 2);
  std::string out = log.str();
  CHECK(out.find("sbatch --parsable '--array=0-15%5'") != std::string::npos);
  CHECK(out.find("sbatch --parsable '--array=0-3%5'") != std::string::npos);
  CHECK(out.find(hpo::RenderArrayScript(f.campaign, 16, f.tools.string())) != std::string::npos);
  CHECK(out.find("collect.sbatch") != std::string::npos);
}

TEST_CASE("a refused submission stops the chain and keeps the records of what was submitted") {
  Fixture f;
  FakeSbatch sbatch;
  sbatch.refuse_call = 1;
  hpo::SubmitOptions opt;
  opt.tools_dir = f.tools.string();
  std::ostringstream log;
  CHECK_THROWS_WITH_AS(hpo::SubmitArrays(f.campaign, Range(0, 40), sbatch, opt, log),
                       doctest::Contains("Invalid account"), hpo::Error);
  CHECK(sbatch.calls.size() == 1);
  CHECK(fs::exists(f.campaign.layout().submission_record("1000")));
  CHECK_FALSE(fs::exists(f.campaign.layout().slurm_dir() / "collect.sbatch"));
}

TEST_CASE("nothing pending means nothing submitted") {
  Fixture f;
  FakeSbatch sbatch;
  hpo::SubmitOptions opt;
  std::ostringstream log;
  hpo::SubmitResult res = hpo::SubmitArrays(f.campaign, {}, sbatch, opt, log);
  CHECK(sbatch.calls.empty());
  CHECK(res.array_jobs.empty());
  CHECK(log.str().find("nothing to submit") != std::string::npos);
  // Without submission records every pending trial is unsubmitted (SLURM is not asked).
  f.campaign.AddPending(4, {{"lr", 0.1}});
  f.campaign.AddPending(2, {{"lr", 0.2}});
  hpo::QueuedWork q = hpo::FindQueuedWork(f.campaign);
  CHECK(q.unsubmitted == Ids{2, 4});
  CHECK(q.queued_arrays.empty());
}

TEST_CASE("new arrays wait for the campaign's queued arrays, so the throttle holds across them") {
  Fixture f;
  FakeSbatch sbatch;
  hpo::SubmitOptions opt;
  opt.chain_collect = false;
  opt.after_jobs = {"500", "731"};
  std::ostringstream log;
  hpo::SubmitArrays(f.campaign, Range(0, 20), sbatch, opt, log);
  REQUIRE(sbatch.calls.size() == 2);
  CHECK(Has(sbatch.calls[0], "--dependency=afterany:500:731"));
  CHECK(Has(sbatch.calls[1], "--dependency=afterany:1000"));
  json rec = json::parse(t::ReadText(f.campaign.layout().submission_record("1000")));
  CHECK(rec["after"] == "500:731");
}

TEST_SUITE_END();
