// The configuration file: every mistake is a usage error naming the file, the line and the
// key; good configs (the seed's example keys) parse to the expected values.
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "testing.hpp"
#include "yaml_util.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using hpo::Config;

// The seed README's complete MLP example (hpo/config/mlp_example.py) in YAML.
constexpr const char* kSeedExample = R"(space:
  input_size: 3883
  output_size: 214
  hidden_sizes:
    - [1024, 512, 256]
    - [2048, 1024, 512]
  lr: {loguniform: [1e-4, 1e-2]}
  weight_decay: {loguniform: [1e-5, 1e-3]}
  batch_size: [32, 64, 128]
  max_epochs: [50, 100]
trial:
  command: python train.py --config {config_file}
slurm:
  partition: main
  time: "2:00:00"
  mem: 16G
  cpus_per_task: 4
  gpus: 1
  env_setup: source activate tfa-predictor
hpo:
  n_trials: 50
  max_concurrent_jobs: 4
  output_dir: hpo_results/mlp_example
  checkpoint_interval: 5
  seed: 42
)";

// Replaces every "{file}" in `text` by `file`.
std::string WithFile(std::string text, const std::string& file) {
  for (size_t at; (at = text.find("{file}")) != std::string::npos;) text.replace(at, 6, file);
  return text;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A block mapping nested `depth` levels deep, one space of indentation per level.
std::string DeepBlockMapping(int depth) {
  std::string out = "space:\n  x: 1\nslurm:\n";
  for (int i = 0; i < depth; ++i)
    out += std::string(static_cast<size_t>(i + 1), ' ') + "k" + std::to_string(i) + ":\n";
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("unit");
TEST_CASE("bad configs are refused with the file and key and what to change") {
  struct Bad {
    std::string what;
    std::string yaml;
    std::vector<std::string> fragments;  // "{file}" stands for the config's path
  };
  const std::string kSpace = "space:\n  x: {uniform: [0, 1]}\n";
  const Bad bads[] = {
      {"yaml syntax error",
       "space:\n  x: [1, 2\n  y: 3\nhpo: {\n",
       {"{file}:", "yaml syntax error", "never closed"}},
      {"yaml syntax error with position",
       "space:\n  x: 1\n   y: 2\n",
       {"{file}:3:", "yaml syntax error"}},
      {"misspelt distribution",
       "space:\n  lr: {logunifrom: [1.0e-4, 1.0e-2]}\n",
       {"{file}:2: space.lr: ", "unknown distribution 'logunifrom'", "did you mean 'loguniform'"}},
      {"unknown distribution without a close name",
       "space:\n  lr: {gaussian: [0, 1]}\n",
       {"{file}:2: space.lr: ", "unknown distribution 'gaussian'", "uniform, loguniform"}},
      {"low above high",
       "space:\n  x: {uniform: [1, 0]}\n",
       {"{file}:2: space.x.uniform: ", "low (1) must be < high (0)"}},
      {"low equal to high",
       "space:\n  x: {loguniform: [0.1, 0.1]}\n",
       {"{file}:2: space.x.loguniform: ", "must be < high"}},
      {"randint low above high",
       "space:\n  k: {randint: [5, 4]}\n",
       {"{file}:2: space.k.randint: ", "low (5) must be <= high (4)"}},
      {"loguniform from zero",
       "space:\n  lr: {loguniform: [0, 1]}\n",
       {"{file}:2: space.lr.loguniform: ", "must be > 0", "use uniform"}},
      {"loguniform negative",
       "space:\n  lr: {loguniform: [-1, 1]}\n",
       {"{file}:2: space.lr.loguniform: ", "must be > 0"}},
      {"loguint from zero",
       "space:\n  n: {loguint: [0, 10]}\n",
       {"{file}:2: space.n.loguint: ", "low >= 1"}},
      {"non-numeric bound",
       "space:\n  lr: {uniform: [abc, 1]}\n",
       {"{file}:2: space.lr.uniform: ", "bound 'abc' is not a number"}},
      {"quoted number as bound",
       "space:\n  lr: {uniform: [\"abc\", 1]}\n",
       {"{file}:2: space.lr.uniform: ", "'abc' is not a number"}},
      {"infinite bound",
       "space:\n  x: {uniform: [0, .inf]}\n",
       {"{file}:2: space.x.uniform: ", "finite"}},
      {"bound that overflows a double",
       "space:\n  x: {uniform: [0, 1e999]}\n",
       {"{file}:2: space.x.uniform: ", "finite"}},
      {"n_trials that overflows a double",
       kSpace + "hpo:\n  n_trials: 1e999\n",
       {"{file}:4: hpo.n_trials: ", "expected a whole number, got '1e999'"}},
      {"n_trials that overflows int64",
       kSpace + "hpo:\n  n_trials: 99999999999999999999999\n",
       {"{file}:4: hpo.n_trials: ", "99999999999999999999999"}},
      {"non-integer randint",
       "space:\n  k: {randint: [1.5, 3]}\n",
       {"{file}:2: space.k.randint: ", "must be integers"}},
      {"wrong argument count",
       "space:\n  x: {uniform: [1]}\n",
       {"{file}:2: space.x.uniform: ", "takes a list of 2 numbers"}},
      {"normal without spread",
       "space:\n  z: {normal: [0, 0]}\n",
       {"{file}:2: space.z.normal: ", "standard deviation must be > 0"}},
      {"quniform without step",
       "space:\n  q: {quniform: [0, 1, 0]}\n",
       {"{file}:2: space.q.quniform: ", "step q must be > 0"}},
      {"quniform step wider than range",
       "space:\n  q: {quniform: [0, 1, 2]}\n",
       {"{file}:2: space.q.quniform: ", "larger than high - low"}},
      {"empty choice mapping",
       "space:\n  act: {choice: []}\n",
       {"{file}:2: space.act.choice: ", "non-empty list"}},
      {"empty choice list", "space:\n  act: []\n", {"{file}:2: space.act: ", "empty list"}},
      {"two keys in a distribution",
       "space:\n  x: {uniform: [0, 1], normal: [0, 1]}\n",
       {"{file}:2: space.x: ", "exactly one key"}},
      {"parameter defined twice",
       "space:\n  x: 1\n  x: 2\n",
       {"{file}:3: space.x: ", "defined twice"}},
      {"misspelt top-level key",
       "spcae:\n  x: 1\n",
       {"{file}:1: spcae: ", "unknown key", "did you mean 'space'"}},
      {"missing space", "hpo:\n  seed: 1\n", {"{file}: space: missing"}},
      {"space not a mapping", "space: [1, 2]\n", {"{file}:1: space: ", "must be a mapping"}},
      {"config not a mapping", "- space\n- hpo\n", {"{file}: ", "must be a mapping"}},
      {"misspelt hpo key",
       kSpace + "hpo:\n  n_trial: 5\n",
       {"{file}:4: hpo.n_trial: ", "unknown key", "did you mean 'n_trials'"}},
      {"misspelt slurm key",
       kSpace + "slurm:\n  partiton: main\n",
       {"{file}:4: slurm.partiton: ", "did you mean 'partition'"}},
      {"bad mode",
       kSpace + "hpo:\n  mode: minimize\n",
       {"{file}:4: hpo.mode: ", "must be min or max, got 'minimize'"}},
      {"bad method",
       kSpace + "hpo:\n  method: grid\n",
       {"{file}:4: hpo.method: ", "must be random or sobol"}},
      {"negative n_trials",
       kSpace + "hpo:\n  n_trials: -1\n",
       {"{file}:4: hpo.n_trials: ", "must be between 0 and"}},
      {"fractional n_trials",
       kSpace + "hpo:\n  n_trials: 2.5\n",
       {"{file}:4: hpo.n_trials: ", "expected a whole number, got '2.5'"}},
      {"negative seed",
       kSpace + "hpo:\n  seed: -3\n",
       {"{file}:4: hpo.seed: ", "must be between 0"}},
      {"lease shorter than two heartbeats",
       kSpace + "hpo:\n  heartbeat_interval: 60\n  lease_timeout: 100\n",
       {"{file}:4: hpo.lease_timeout: ", "at least twice hpo.heartbeat_interval"}},
      {"newline in slurm.partition",
       kSpace + "slurm:\n  partition: \"main\\n#SBATCH --exclusive\"\n",
       {"{file}:4: slurm.partition: ", "line break"}},
      {"newline in a literal block",
       kSpace + "slurm:\n  mem: |\n    16G\n    #SBATCH -w node1\n",
       {"{file}:4: slurm.mem: ", "line break"}},
      {"non-numeric cpus",
       kSpace + "slurm:\n  cpus_per_task: many\n",
       {"{file}:4: slurm.cpus_per_task: ", "expected a whole number, got 'many'"}},
      {"sbatch extra that is not an option",
       kSpace + "slurm:\n  extra: [exclusive]\n",
       {"{file}:4: slurm.extra: ", "not an sbatch option"}},
      {"unterminated quote in the command",
       kSpace + "trial:\n  command: python 'train.py\n",
       {"{file}:4: trial.command: ", "unterminated single quote"}},
      {"unknown trial key",
       kSpace + "trial:\n  comand: x\n",
       {"{file}:4: trial.comand: ", "did you mean 'command'"}},
      {"flow nesting 10000 deep",
       "space:\n  x: " + Repeat("[", 10000) + Repeat("]", 10000) + "\n",
       {"{file}", "nesting deeper than 64 levels"}},
      {"flow nesting 10000 deep behind anchors",
       "space:\n  x: " + Repeat("&a [", 10000) + Repeat("]", 10000) + "\n",
       {"{file}", "nesting deeper than 64 levels"}},
      {"flow mapping nesting 10000 deep",
       "space:\n  x: " + Repeat("{a: ", 10000) + "1" + Repeat("}", 10000) + "\n",
       {"{file}", "nesting deeper than 64 levels"}},
      {"block sequence nesting 10000 deep",
       "space:\n  x:\n    " + Repeat("- ", 10000) + "1\n",
       {"{file}", "nesting deeper than"}},
      {"block mapping nesting 1000 deep",
       DeepBlockMapping(1000),
       {"{file}", "nesting deeper than"}},
      // A key given twice: yaml-cpp keeps both and a lookup silently took the first.
      {"two hpo sections",
       kSpace + "hpo:\n  seed: 1\nhpo:\n  seed: 2\n",
       {"{file}:5: hpo: ", "defined twice (first at line 3); keep one"}},
      {"n_trials twice",
       kSpace + "hpo:\n  n_trials: 5\n  seed: 1\n  n_trials: 6\n",
       {"{file}:6: hpo.n_trials: ", "defined twice (first at line 4)"}},
      {"a key twice in a flow mapping",
       kSpace + "trial:\n  env: {A: x, A: y}\n",
       {"{file}:4: trial.env.A: ", "defined twice (first at line 4)"}},
      {"two space sections",
       kSpace + "space:\n  y: 1\n",
       {"{file}:3: space: ", "defined twice (first at line 1)"}},
      // Parameters that a placeholder or a results.csv column would shadow.
      {"parameter named like a placeholder",
       "space:\n  config_file: a.json\n",
       {"{file}:2: space.config_file: ", "{config_file}", "rename the parameter"}},
      {"parameter named result_file",
       "space:\n  result_file: 1\n",
       {"{file}:2: space.result_file: ", "rename"}},
      {"parameter named trial_dir",
       "space:\n  trial_dir: [a, b]\n",
       {"{file}:2: space.trial_dir: ", "rename"}},
      {"parameter named trial_id",
       "space:\n  trial_id: {randint: [0, 3]}\n",
       {"{file}:2: space.trial_id: ", "rename"}},
      {"parameter named attempt",
       "space:\n  attempt: 1\n",
       {"{file}:2: space.attempt: ", "rename"}},
      {"parameter named like a results.csv column",
       "space:\n  state: [a, b]\n",
       {"{file}:2: space.state: ", "results.csv", "rename the parameter"}},
      {"parameter named reason",
       "space:\n  reason: 1\n",
       {"{file}:2: space.reason: ", "results.csv"}},
      {"parameter named host", "space:\n  host: 1\n", {"{file}:2: space.host: ", "results.csv"}},
      {"parameter named training_time",
       "space:\n  training_time: 1\n",
       {"{file}:2: space.training_time: ", "results.csv"}},
      {"parameter named like the default metric",
       "space:\n  error: {uniform: [0, 1]}\n",
       {"{file}:2: space.error: ", "hpo.metric"}},
      {"parameter named like the metric",
       "space:\n  acc: {uniform: [0, 1]}\nhpo:\n  metric: acc\n",
       {"{file}:2: space.acc: ", "hpo.metric"}},
      {"metric named like a results.csv column",
       kSpace + "hpo:\n  metric: host\n",
       {"{file}:4: hpo.metric: ", "results.csv", "another"}},
      // trial.env: NAME: scalar.
      {"env value that is a list",
       kSpace + "trial:\n  env:\n    A: [1, 2]\n",
       {"{file}:5: trial.env.A: ", "must be a single value"}},
      {"env value that is a mapping",
       kSpace + "trial:\n  env:\n    A: {b: 1}\n",
       {"{file}:5: trial.env.A: ", "must be a single value"}},
      {"env value that is empty",
       kSpace + "trial:\n  env:\n    A:\n",
       {"{file}:5: trial.env.A: ", "A: \"\""}},
      {"env name with =",
       kSpace + "trial:\n  env:\n    \"A=B\": x\n",
       {"{file}:5: trial.env.A=B: ", "not a valid environment variable name"}},
      {"empty env name",
       kSpace + "trial:\n  env:\n    \"\": x\n",
       {"{file}:5: trial.env.: ", "not a valid environment variable name"}},
      {"env name starting with a digit",
       kSpace + "trial:\n  env:\n    1A: x\n",
       {"{file}:5: trial.env.1A: ", "letters, digits and _"}},
      {"env value with a NUL",
       kSpace + "trial:\n  env:\n    A: \"a\\0b\"\n",
       {"{file}:5: trial.env.A: ", "NUL"}},
      {"empty space", "space: {}\n", {"{file}:1: space: ", "no parameters", "add at least one"}},
      // Syntax errors say where a bracket was opened and what to change.
      {"unclosed flow sequence",
       "space:\n  x: [1, 2\n  y: 3\n",
       {"{file}:2:6: yaml syntax error: ", "'[' is never closed", "close it with ']'"}},
      {"unclosed flow mapping",
       "space:\n  x: {uniform: [0, 1]\n  y: 3\n",
       {"{file}:2:6: yaml syntax error: ", "'{' is never closed", "close it with '}'"}},
      {"mismatched bracket",
       "space:\n  x: [1, 2}\n",
       {"{file}:2:11: yaml syntax error: ",
        "'}' does not close the '[' opened at line 2, column 6"}},
      {"stray closing bracket",
       "space:\n  x: [1, 2]]\n",
       {"{file}:2:12: yaml syntax error: ", "']' closes no bracket", "remove it"}},
      {"tab indentation",
       "space:\n\tx: 1\n",
       {"{file}:2:", "yaml syntax error: ", "tab", "indent with spaces"}},
      {"bad indentation",
       "space:\n  x: 1\n y: 2\n",
       {"{file}:3:", "yaml syntax error: ", "indentation"}},
      {"pruner without a kind",
       kSpace + "pruner:\n  max_resource: 27\n",
       {"{file}:4: pruner: ", "has no kind", "kind: asha"}},
      {"unknown pruner kind",
       kSpace + "pruner:\n  kind: hyperband\n",
       {"{file}:4: pruner.kind: ", "must be asha, median or none, got 'hyperband'"}},
      {"misspelt pruner key",
       kSpace + "pruner:\n  kind: asha\n  max_resouce: 27\n",
       {"{file}:5: pruner.max_resouce: ", "unknown key", "did you mean 'max_resource'"}},
      {"asha without max_resource",
       kSpace + "pruner:\n  kind: asha\n  min_resource: 1\n",
       {"{file}:4: pruner.max_resource: ", "required for kind asha", "max_resource: 27"}},
      {"asha max_resource not above min_resource",
       kSpace + "pruner:\n  kind: asha\n  min_resource: 9\n  max_resource: 9\n",
       {"{file}:6: pruner.max_resource: ", "must be greater than pruner.min_resource (9)"}},
      {"asha max_resource not a number",
       kSpace + "pruner:\n  kind: asha\n  max_resource: lots\n",
       {"{file}:5: pruner.max_resource: ", "expected a number, got 'lots'"}},
      {"asha min_resource zero",
       kSpace + "pruner:\n  kind: asha\n  min_resource: 0\n  max_resource: 9\n",
       {"{file}:5: pruner.min_resource: ", "must be greater than 0"}},
      {"asha reduction factor 1",
       kSpace + "pruner:\n  kind: asha\n  max_resource: 9\n  reduction_factor: 1\n",
       {"{file}:6: pruner.reduction_factor: ", "between 2 and 1000, got 1"}},
      {"asha reduction factor not whole",
       kSpace + "pruner:\n  kind: asha\n  max_resource: 9\n  reduction_factor: 2.5\n",
       {"{file}:6: pruner.reduction_factor: ", "expected a whole number"}},
      {"asha min_trials zero",
       kSpace + "pruner:\n  kind: asha\n  max_resource: 9\n  min_trials: 0\n",
       {"{file}:6: pruner.min_trials: ", "between 1 and"}},
      {"more brackets than rungs",
       kSpace + "pruner:\n  kind: asha\n  max_resource: 27\n  brackets: 4\n",
       {"{file}:6: pruner.brackets: ", "between 1 and 3, got 4"}},
      {"a median key under asha",
       kSpace + "pruner:\n  kind: asha\n  max_resource: 27\n  n_warmup_steps: 3\n",
       {"{file}:6: pruner.n_warmup_steps: ", "not a key of kind asha", "kind asha takes min_resource"}},
      {"an asha key under median",
       kSpace + "pruner:\n  kind: median\n  max_resource: 27\n",
       {"{file}:5: pruner.max_resource: ", "not a key of kind median", "n_startup_trials"}},
      {"a key under none",
       kSpace + "pruner:\n  kind: none\n  max_resource: 27\n",
       {"{file}:5: pruner.max_resource: ", "not a key of kind none; remove it"}},
      {"median negative warm-up",
       kSpace + "pruner:\n  kind: median\n  n_warmup_steps: -2\n",
       {"{file}:5: pruner.n_warmup_steps: ", "must be >= 0"}},
      {"pruner not a mapping",
       kSpace + "pruner: asha\n",
       {"{file}:3: pruner: ", "must be a mapping"}},
  };
  t::ScratchDir dir;
  for (const Bad& bad : bads) {
    CAPTURE(bad.what);
    auto file = dir.Write("bad.yaml", bad.yaml);
    std::string message;
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    try {
      hpo::LoadConfig(file.string());
      FAIL_CHECK("accepted a bad config");
      continue;
    } catch (const hpo::Error& e) {
      message = e.what();
      kind = e.kind();
    }
    CAPTURE(message);
    CHECK(kind == hpo::ErrorKind::kUsage);
    CHECK(message.find('\n') == std::string::npos);
    for (const std::string& fragment : bad.fragments) {
      CAPTURE(fragment);
      CHECK(message.find(WithFile(fragment, file.string())) != std::string::npos);
    }
  }
}

TEST_CASE("a deeply nested block mapping in memory is refused without a crash") {
  // 10,000 levels (50 MB of indentation) bypass the 1 MB file limit only through ParseConfig.
  std::string yaml = DeepBlockMapping(10000);
  try {
    hpo::ParseConfig(yaml, "deep.yaml");
    FAIL("accepted 10000 levels of nesting");
  } catch (const hpo::Error& e) {
    CHECK(e.kind() == hpo::ErrorKind::kUsage);
    CHECK(std::string(e.what()).find("deep.yaml") != std::string::npos);
  }
}

TEST_CASE("aliases that expand exponentially are refused quickly") {
  // "Billion laughs": nine levels of ten aliases would expand to 10^9 values.
  std::string yaml =
      "space:\n  x: 1\nslurm:\n  extra:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "    a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) yaml += ", " + prev;
    yaml += "]\n";
  }
  yaml += "hpo:\n  seed: 1\n";
  CHECK_THROWS_WITH_AS(hpo::ParseConfig(yaml, "laughs.yaml"),
                       doctest::Contains("laughs.yaml: more than"), hpo::Error);
  std::string in_space = "space:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    in_space += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) in_space += ", " + prev;
    in_space += "]\n";
  }
  CHECK_THROWS_WITH_AS(hpo::ParseConfig(in_space, "laughs.yaml"),
                       doctest::Contains("laughs.yaml: more than"), hpo::Error);
  // Aliases within reason still work.
  Config cfg = hpo::ParseConfig("space:\n  a: &sizes [32, 64]\n  b: *sizes\n", "ok.yaml");
  CHECK(cfg.space.params()[1].choices == std::vector<nlohmann::json>{32, 64});
}

TEST_CASE("a missing config file is a usage error naming the path") {
  t::ScratchDir dir;
  std::string path = (dir / "nope.yaml").string();
  try {
    hpo::LoadConfig(path);
    FAIL("loaded a missing file");
  } catch (const hpo::Error& e) {
    CHECK(e.kind() == hpo::ErrorKind::kUsage);
    CHECK(std::string(e.what()).find(path) != std::string::npos);
    CHECK(std::string(e.what()).find("no such config file") != std::string::npos);
  }
}

TEST_CASE("a config that is a directory or too large is a usage error naming the path") {
  t::ScratchDir dir;
  fs::create_directory(dir / "cfg.yaml");
  CHECK_THROWS_WITH_AS(hpo::LoadConfig((dir / "cfg.yaml").string()),
                       doctest::Contains((dir / "cfg.yaml").string().c_str()), hpo::Error);
  auto big = dir.Write("big.yaml", "space:\n  x: 1\n" + Repeat("# padding\n", 200000));
  try {
    hpo::LoadConfig(big.string());
    FAIL("loaded a 2 MB config");
  } catch (const hpo::Error& e) {
    CHECK(e.kind() == hpo::ErrorKind::kUsage);
    CHECK(std::string(e.what()).find(big.string()) != std::string::npos);
  }
}

TEST_CASE("hpo-sample refuses a negative -n with exit code 2") {
  t::ScratchDir dir;
  auto cfg = dir.Write("hpo.yaml", "space:\n  x: {uniform: [0, 1]}\n");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"-n", "-1"}, std::vector<std::string>{"-n=-1"},
        std::vector<std::string>{"--start", "-5", "-n", "3"},
        std::vector<std::string>{"--seed", "-1"}, std::vector<std::string>{"--method", "grid"},
        std::vector<std::string>{"-n", "abc"}, std::vector<std::string>{"--bogus"}}) {
    std::vector<std::string> argv = {t::ToolPath("hpo-sample").string(), "-c", cfg.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    CAPTURE(args.front());
    t::RunResult r = t::RunProgram(argv, dir.path());
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("hpo-sample: error: ", 0) == 0);
    CHECK(t::Lines(r.err).size() == 1);
  }
}

TEST_CASE("hpo-sample reports a bad config with exit code 2 and the file name") {
  t::ScratchDir dir;
  dir.Write("hpo.yaml", "space:\n  lr: {logunifrom: [1.0e-4, 1.0e-2]}\n");
  t::RunResult r = t::RunProgram({t::ToolPath("hpo-sample").string(), "-n", "1"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "hpo-sample: error: hpo.yaml:2: space.lr: unknown distribution 'logunifrom' "
        "(did you mean 'loguniform'?); use one of uniform, loguniform, randint, "
        "loguint, normal, quniform, choice, value\n");
  t::RunResult missing =
      t::RunProgram({t::ToolPath("hpo-sample").string(), "-c", "absent.yaml"}, dir.path());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("hpo-sample: error: absent.yaml: no such config file") == 0);
}

TEST_CASE("the seed's example config parses with the expected values") {
  Config cfg = hpo::ParseConfig(kSeedExample, "mlp_example.yaml");
  CHECK(cfg.file == "mlp_example.yaml");
  CHECK(cfg.space.names() == std::vector<std::string>{"input_size", "output_size", "hidden_sizes",
                                                      "lr", "weight_decay", "batch_size",
                                                      "max_epochs"});
  CHECK(cfg.space.dimensions() == 5);
  const auto& p = cfg.space.params();
  CHECK(p[0].dist == hpo::Dist::kFixed);
  CHECK(p[0].fixed == 3883);
  CHECK(p[1].fixed == 214);
  CHECK(p[2].dist == hpo::Dist::kChoice);
  CHECK(p[2].choices.size() == 2);
  CHECK(p[2].choices[1] == nlohmann::json::array({2048, 1024, 512}));
  CHECK(p[3].dist == hpo::Dist::kLogUniform);
  CHECK(p[3].a == 1e-4);
  CHECK(p[3].b == 1e-2);
  CHECK(p[4].a == 1e-5);
  CHECK(p[4].b == 1e-3);
  CHECK(p[5].choices == std::vector<nlohmann::json>{32, 64, 128});
  CHECK(p[6].choices == std::vector<nlohmann::json>{50, 100});
  CHECK(cfg.trial.command ==
        std::vector<std::string>{"python", "train.py", "--config", "{config_file}"});
  CHECK(cfg.slurm.partition == "main");
  CHECK(cfg.slurm.time == "2:00:00");
  CHECK(cfg.slurm.mem == "16G");
  CHECK(cfg.slurm.cpus_per_task == 4);
  CHECK(cfg.slurm.gpus == 1);
  CHECK(cfg.slurm.env_setup == "source activate tfa-predictor");
  CHECK(cfg.slurm.job_name.empty());  // derived from the campaign folder at submit time
  CHECK(cfg.hpo.n_trials == 50);
  CHECK(cfg.hpo.max_concurrent_jobs == 4);
  CHECK(cfg.hpo.output_dir == "hpo_results/mlp_example");
  CHECK(cfg.hpo.checkpoint_interval == 5);
  CHECK(cfg.hpo.seed == 42);
  CHECK(cfg.hpo.metric == "error");
  CHECK(cfg.hpo.mode == hpo::Mode::kMin);
  CHECK(cfg.hpo.method == hpo::Method::kRandom);
  CHECK(cfg.text == kSeedExample);
}

TEST_CASE("a config with only a space gets the documented defaults") {
  Config cfg = hpo::ParseConfig("space:\n  x: {uniform: [0, 1]}\n", "min.yaml");
  hpo::HpoSection defaults;
  CHECK(cfg.hpo.n_trials == defaults.n_trials);
  CHECK(cfg.hpo.seed == 0);
  CHECK(cfg.hpo.metric == "error");
  CHECK(cfg.hpo.lease_timeout == 300);
  CHECK(cfg.slurm.job_name.empty());
  CHECK(cfg.trial.command.empty());
}

TEST_CASE("every config key is accepted with a valid value") {
  Config cfg = hpo::ParseConfig(R"(space:
  x: {uniform: [0, 1]}
trial:
  command: [python, "train me.py", "{x}"]
  env: {OMP_NUM_THREADS: "1"}
slurm:
  partition: gpu
  time: "1-00:00:00"
  mem: 4G
  cpus_per_task: 2
  gpus: 2
  account: proj
  qos: short
  constraint: a100
  job_name: sweep
  env_setup: |
    module load cuda
    source venv/bin/activate
  extra: ["--exclusive", "--mail-type=END"]
  signal_grace: 300
hpo:
  n_trials: 1000
  max_concurrent_jobs: 16
  output_dir: runs/x
  checkpoint_interval: 0
  seed: 9223372036854775807
  metric: val_loss
  mode: max
  method: sobol
  max_attempts: 3
  heartbeat_interval: 10
  lease_timeout: 20
)",
                                "all.yaml");
  CHECK(cfg.trial.command == std::vector<std::string>{"python", "train me.py", "{x}"});
  REQUIRE(cfg.trial.env.size() == 1);
  CHECK(cfg.trial.env[0] == std::pair<std::string, std::string>{"OMP_NUM_THREADS", "1"});
  CHECK(cfg.slurm.account == "proj");
  CHECK(cfg.slurm.qos == "short");
  CHECK(cfg.slurm.constraint == "a100");
  CHECK(cfg.slurm.job_name == "sweep");
  CHECK(cfg.slurm.env_setup == "module load cuda\nsource venv/bin/activate\n");
  CHECK(cfg.slurm.extra == std::vector<std::string>{"--exclusive", "--mail-type=END"});
  CHECK(cfg.slurm.signal_grace == 300);
  CHECK(cfg.slurm.gpus == 2);
  CHECK(cfg.hpo.seed == 9223372036854775807ULL);
  CHECK(cfg.hpo.mode == hpo::Mode::kMax);
  CHECK(cfg.hpo.method == hpo::Method::kSobol);
  CHECK(cfg.hpo.max_attempts == 3);
  CHECK(cfg.hpo.checkpoint_interval == 0);
}

TEST_CASE("the example configs shipped in examples/ load") {
  for (const char* rel : {"examples/mlp/hpo.yaml", "examples/shell/hpo.yaml"}) {
    CAPTURE(std::string(rel));
    Config cfg = hpo::LoadConfig(t::SourcePath(rel).string());
    CHECK(cfg.space.dimensions() > 0);
    CHECK(cfg.hpo.seed == 42);
    CHECK(cfg.hpo.checkpoint_interval == 5);
  }
}

TEST_CASE("the pruner section takes each kind's keys, with the documented defaults") {
  const std::string space = "space:\n  x: {uniform: [0, 1]}\n";
  hpo::Config none = hpo::ParseConfig(space, "c.yaml");
  CHECK(none.pruner.kind == hpo::PrunerKind::kNone);
  CHECK(none.pruner.Describe() == R"({"kind":"none"})");

  hpo::Config asha = hpo::ParseConfig(space + "pruner: {kind: asha, max_resource: 81}\n", "c.yaml");
  CHECK(asha.pruner.kind == hpo::PrunerKind::kAsha);
  CHECK(asha.pruner.asha.min_resource == 1);
  CHECK(asha.pruner.asha.max_resource == 81);
  CHECK(asha.pruner.asha.reduction_factor == 3);
  CHECK(asha.pruner.asha.min_trials == 1);
  CHECK(asha.pruner.brackets == 1);

  hpo::Config full = hpo::ParseConfig(
      space + "pruner:\n  kind: asha\n  min_resource: 0.5\n  max_resource: 100\n"
              "  reduction_factor: 4\n  min_trials: 5\n  brackets: 3\n", "c.yaml");
  CHECK(full.pruner.asha.min_resource == 0.5);
  CHECK(full.pruner.asha.reduction_factor == 4);
  CHECK(full.pruner.asha.min_trials == 5);
  CHECK(full.pruner.brackets == 3);
  CHECK(full.pruner.Describe() != asha.pruner.Describe());

  hpo::Config median = hpo::ParseConfig(
      space + "pruner: {kind: median, n_startup_trials: 3, n_warmup_steps: 2}\n", "c.yaml");
  CHECK(median.pruner.kind == hpo::PrunerKind::kMedian);
  CHECK(median.pruner.median.n_startup_trials == 3);
  CHECK(median.pruner.median.n_warmup_steps == 2);
  // kind none is the same rule as no section at all
  CHECK(hpo::ParseConfig(space + "pruner: {kind: none}\n", "c.yaml").pruner.Describe() ==
        none.pruner.Describe());
}

TEST_CASE("the fingerprint depends on space and seed and method only") {
  const std::string base = "space:\n  x: {uniform: [0, 1]}\nhpo:\n  seed: 1\n";
  std::string fp = hpo::ParseConfig(base, "a.yaml").Fingerprint();
  CHECK(hpo::ParseConfig(base + "slurm:\n  partition: other\n", "b.yaml").Fingerprint() == fp);
  CHECK(hpo::ParseConfig("space:\n  x: {uniform: [0, 2]}\nhpo:\n  seed: 1\n", "a.yaml")
            .Fingerprint() != fp);
  CHECK(hpo::ParseConfig("space:\n  x: {uniform: [0, 1]}\nhpo:\n  seed: 2\n", "a.yaml")
            .Fingerprint() != fp);
  CHECK(hpo::ParseConfig(base + "  method: sobol\n", "a.yaml").Fingerprint() != fp);
}

TEST_CASE("yaml scalars are typed by the YAML 1.2 core schema") {
  using nlohmann::json;
  struct Case {
    std::string text;  // the value of `v:`
    json want;
    bool number;  // IsNumber
  };
  const double inf = HUGE_VAL;
  const Case cases[] = {
      {"1", 1, true},
      {"-7", -7, true},
      {"+3", 3, true},
      {"0", 0, true},
      {"007", 7, true},
      {"1.5", 1.5, true},
      {"1.", 1.0, true},
      {".5", 0.5, true},
      {"-.5", -0.5, true},
      {"1e3", 1000.0, true},
      {"1E-3", 0.001, true},
      {"1.0e-4", 1e-4, true},
      {"2.5e+2", 250.0, true},
      {"1e999", inf, true},
      {"1e-320", 1e-320, true},
      {"99999999999999999999", 1e20, true},
      {"9223372036854775807", 9223372036854775807LL, true},
      {".inf", ".inf", true},  // a number for IsNumber (bounds then say "finite")
      {"true", true, false},
      {"False", false, false},
      {"~", nullptr, false},
      {"null", nullptr, false},
      {"abc", "abc", false},
      {"1e", "1e", false},
      {"e3", "e3", false},
      {".", ".", false},
      {"+", "+", false},
      {"0x10", "0x10", false},
      {"1_000", "1_000", false},
      {"1.2.3", "1.2.3", false},
      {"1e3.5", "1e3.5", false},
      {"\"1\"", "1", false},  // quoted: always a string
      {"'2.5'", "2.5", false},
      {"yes", "yes", false},  // YAML 1.1 booleans are strings in 1.2
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    YAML::Node root = hpo::ParseYaml("v: " + c.text + "\n", "t.yaml");
    CHECK(hpo::IsNumber(root["v"]) == c.number);
    json got = hpo::YamlToJson(root["v"]);
    CHECK(got.type() == c.want.type());
    CHECK(got == c.want);
  }
  CHECK(hpo::YamlToJson(hpo::ParseYaml("v: [1, {a: b}]", "t.yaml")["v"]) ==
        json::array({1, {{"a", "b"}}}));
}

TEST_CASE("DidYouMean suggests only close names") {
  const std::vector<std::string> keys = {"space", "trial", "slurm", "hpo"};
  CHECK(hpo::DidYouMean("spcae", keys) == "space");
  CHECK(hpo::DidYouMean("slrum", keys) == "slurm");
  CHECK(hpo::DidYouMean("hpoo", keys) == "hpo");
  CHECK(hpo::DidYouMean("trials", keys) == "trial");
  CHECK(hpo::DidYouMean("completely_different", keys).empty());
  CHECK(hpo::DidYouMean("", {"ab"}) == "ab");
  CHECK(hpo::DidYouMean("x", {}).empty());
}

TEST_CASE("SplitCommand splits like a shell without running one") {
  struct Case {
    const char* text;
    std::vector<std::string> argv;
  };
  const Case cases[] = {
      {"python train.py --config {config_file}",
       {"python", "train.py", "--config", "{config_file}"}},
      {"  a   b\tc\n", {"a", "b", "c"}},
      {"", {}},
      {"   ", {}},
      {"'a b' c", {"a b", "c"}},
      {"\"a b\" c", {"a b", "c"}},
      {"''", {""}},
      {"\"\"", {""}},
      {"x'y z'w", {"xy zw"}},
      {"a\\ b", {"a b"}},
      {"\"say \\\"hi\\\"\"", {"say \"hi\""}},
      {"\"back\\\\slash\"", {"back\\slash"}},
      {"\"keep \\n and \\$\"", {"keep \\n and \\$"}},
      {"'no \\escape in single'", {"no \\escape in single"}},
      {"echo $HOME `x` ; rm -rf / | cat",
       {"echo", "$HOME", "`x`", ";", "rm", "-rf", "/", "|", "cat"}},
      {"--lr={lr} --name='{x} y'", {"--lr={lr}", "--name={x} y"}},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.text));
    CHECK(hpo::SplitCommand(c.text, "f.yaml:3: trial.command: ") == c.argv);
  }
  for (const char* bad : {"'open", "\"open", "a \"b", "\"ends with backslash\\\""}) {
    CAPTURE(std::string(bad));
    CHECK_THROWS_WITH_AS(hpo::SplitCommand(bad, "f.yaml:3: trial.command: "),
                         doctest::Contains("f.yaml:3: trial.command: unterminated"), hpo::Error);
  }
}

TEST_CASE("a leading ~ in hpo.output_dir is the home directory") {
  auto dir_of = [](const std::string& value) {
    return hpo::ParseConfig("space:\n  x: 1\nhpo:\n  output_dir: \"" + value + "\"\n", "h.yaml").hpo.output_dir;
  };
  const char* old = std::getenv("HOME");
  std::string saved = old ? old : "";
  ::setenv("HOME", "/home/someone", 1);
  CHECK(dir_of("~/x") == "/home/someone/x");
  CHECK(dir_of("~") == "/home/someone");
  CHECK(dir_of("~/") == "/home/someone/");
  CHECK(dir_of("a/~/b") == "a/~/b");
  CHECK(dir_of("x~") == "x~");
  std::string message;
  try {
    dir_of("~other/x");
  } catch (const hpo::Error& e) {
    message = e.what();
    CHECK(e.kind() == hpo::ErrorKind::kUsage);
  }
  CHECK(message.find("h.yaml:4") != std::string::npos);
  CHECK(message.find("hpo.output_dir") != std::string::npos);
  CHECK(message.find("~other") != std::string::npos);
  ::unsetenv("HOME");
  message = "";
  try {
    dir_of("~/x");
  } catch (const hpo::Error& e) {
    message = e.what();
  }
  CHECK(message.find("HOME") != std::string::npos);
  if (old) ::setenv("HOME", saved.c_str(), 1);
}

TEST_SUITE_END();
