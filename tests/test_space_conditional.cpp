// Conditional search spaces (lib/space, lib/sampler): {choice: {key: {sub-space}}} branches,
// sampled as every other parameter (from seed, trial id and name), present exactly when
// their branch is chosen; the configs hpo-submit accepts; bad conditional configs refused
// with both places named.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "sampler.hpp"
#include "space.hpp"
#include "testing.hpp"

namespace {

using hpo::Method;
using hpo::Sampler;
using nlohmann::json;

const std::string kSpace =
    "space:\n"
    "  optimizer:\n"
    "    choice:\n"
    "      adam: {beta1: {uniform: [0.8, 0.99]}, beta2: {loguniform: [0.9, 0.9999]}}\n"
    "      sgd:\n"
    "        momentum: {uniform: [0.0, 0.95]}\n"
    "        nesterov: [true, false]\n"
    "        schedule:\n"
    "          choice:\n"
    "            step: {gamma: {uniform: [0.1, 0.9]}}\n"
    "            constant: {}\n"
    "      rmsprop: {}\n"
    "  lr: {loguniform: [1.0e-4, 1.0e-1]}\n";

hpo::Config Parse(const std::string& text) { return hpo::ParseConfig(text, "c.yaml"); }

std::string ErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const hpo::Error& e) {
    CHECK(e.kind() == hpo::ErrorKind::kUsage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a conditional space is flat, its parameters in order with their conditions") {
  hpo::Config cfg = Parse(kSpace);
  const hpo::Space& s = cfg.space;
  CHECK(s.conditional());
  CHECK(s.names() == std::vector<std::string>{"optimizer", "beta1", "beta2", "momentum", "nesterov",
                                              "schedule", "gamma", "lr"});
  CHECK(s.params()[0].branching);
  CHECK(s.params()[0].choices == std::vector<json>{"adam", "sgd", "rmsprop"});
  CHECK(s.Condition(0).empty());
  CHECK(s.Condition(1) == "when optimizer = adam");
  CHECK(s.Condition(6) == "when optimizer = sgd and schedule = step");
  CHECK(s.Condition(7).empty());
  CHECK(s.dimensions() == 8);
  CHECK(!Parse("space:\n  x: [1, 2]\n").space.conditional());
}

TEST_CASE("each branch is chosen equally often and its parameters exist exactly when it is") {
  hpo::Config cfg = Parse(kSpace);
  for (Method m : {Method::kRandom, Method::kSobol}) {
    Sampler sampler(cfg.space, 3, m);
    std::map<std::string, int> branch;
    const int n = 6000;
    for (int i = 0; i < n; ++i) {
      json c = sampler.Config(i);
      CAPTURE(c.dump());
      std::string opt = c["optimizer"];
      ++branch[opt];
      CHECK(c.contains("lr"));
      CHECK(c.contains("beta1") == (opt == "adam"));
      CHECK(c.contains("beta2") == (opt == "adam"));
      CHECK(c.contains("momentum") == (opt == "sgd"));
      CHECK(c.contains("nesterov") == (opt == "sgd"));
      CHECK(c.contains("schedule") == (opt == "sgd"));
      CHECK(c.contains("gamma") == (opt == "sgd" && c["schedule"] == "step"));
      CHECK(cfg.space.ConfigProblem(c).empty());
      std::string line;
      sampler.AppendLine(i, line);
      CHECK(json::parse(line)["config"] == c);  // the fast writer agrees
    }
    for (const auto& [name, count] : branch) {
      CAPTURE(name);
      CHECK(std::abs(count - n / 3) < 200);  // chi-square-ish: 3 sigma is about 110
    }
  }
}

TEST_CASE("adding or removing a branch changes no other parameter's value") {
  // kSpace with one more branch under schedule, holding a parameter of its own.
  std::string wider = kSpace;
  const std::string constant = "            constant: {}\n";
  wider.replace(wider.find(constant), constant.size(),
                constant + "            cosine: {warmup: {randint: [0, 10]}}\n");
  REQUIRE(wider != kSpace);
  hpo::Config a = Parse(kSpace), b = Parse(wider);
  Sampler sa(a.space, 11, Method::kRandom), sb(b.space, 11, Method::kRandom);
  for (int i = 0; i < 500; ++i) {
    json ca = sa.Config(i), cb = sb.Config(i);
    CHECK(ca["lr"] == cb["lr"]);
    CHECK(ca["optimizer"] == cb["optimizer"]);
    for (const char* k : {"beta1", "beta2", "momentum", "nesterov"}) CHECK(ca.value(k, json()) == cb.value(k, json()));
    if (ca.contains("gamma") && cb.contains("gamma")) CHECK(ca["gamma"] == cb["gamma"]);
  }
  // An unconditional parameter keeps its values when the space around it turns conditional.
  hpo::Config plain = Parse("space:\n  lr: {loguniform: [1.0e-4, 1.0e-1]}\n");
  Sampler sp(plain.space, 11, Method::kRandom);
  for (int i = 0; i < 100; ++i) CHECK(sp.Config(i)["lr"] == sa.Config(i)["lr"]);
}

TEST_CASE("a trial's config is checked against its branches") {
  hpo::Config cfg = Parse(kSpace);
  struct Case { const char* what; const char* config; const char* problem; };
  const Case cases[] = {
      {"rmsprop with nothing else", R"({"optimizer": "rmsprop", "lr": 0.01})", ""},
      {"adam with its two", R"({"optimizer": "adam", "beta1": 0.9, "beta2": 0.99, "lr": 0.01})", ""},
      {"adam without beta2", R"({"optimizer": "adam", "beta1": 0.9, "lr": 0.01})", " (missing: beta2)"},
      {"rmsprop with momentum",
       R"({"optimizer": "rmsprop", "momentum": 0.5, "lr": 0.01})",
       " (outside their branch: momentum (only when optimizer = sgd))"},
      {"a nested branch", R"({"optimizer": "sgd", "momentum": 0.5, "nesterov": true, "schedule": "constant", "lr": 0.01})", ""},
      {"a nested branch's child missing",
       R"({"optimizer": "sgd", "momentum": 0.5, "nesterov": true, "schedule": "step", "lr": 0.01})",
       " (missing: gamma)"},
      {"unknown and missing", R"({"optimizer": "adam", "beta1": 1, "beta2": 1, "wd": 1})",
       " (missing: lr) (not in the space: wd)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CHECK(cfg.space.ConfigProblem(json::parse(c.config)) == c.problem);
  }
}

TEST_CASE("bad conditional spaces are refused with the places to change") {
  struct Bad { const char* what; std::string yaml; std::vector<std::string> fragments; };
  const Bad bads[] = {
      {"a name in two branches",
       "space:\n  opt:\n    choice:\n      a: {m: [1, 2]}\n      b: {m: [3]}\n",
       {"c.yaml:5: space.opt.choice.b.m: ", "defined twice (also at line 4, when opt = a)", "rename one"}},
      {"a branch parameter named like a top-level one",
       "space:\n  lr: [1]\n  opt:\n    choice:\n      a: {lr: [2]}\n",
       {"c.yaml:5: space.opt.choice.a.lr: ", "defined twice (also at line 2)"}},
      {"a branch that is not a mapping",
       "space:\n  opt:\n    choice:\n      a: [1, 2]\n",
       {"c.yaml:4: space.opt.choice.a: ", "a branch holds a mapping", "write a list: [a, b, c]"}},
      {"no branches", "space:\n  opt: {choice: {}}\n", {"space.opt.choice: ", "has no branches"}},
      {"a bad distribution inside a branch",
       "space:\n  opt:\n    choice:\n      a: {m: {uniform: [1, 0]}}\n",
       {"c.yaml:4: space.opt.choice.a.m.uniform: ", "low (1) must be < high (0)"}},
      {"a conditional parameter as a placeholder",
       "space:\n  opt:\n    choice:\n      a: {m: [1, 2]}\n      b: {}\ntrial:\n  command: run --m {m}\n",
       {"trial.command: ", "placeholder {m} is a conditional parameter (it exists only when opt = a)",
        "$HPO_CONFIG"}},
  };
  for (const Bad& b : bads) {
    CAPTURE(b.what);
    std::string message = ErrorOf(b.yaml);
    CAPTURE(message);
    for (const auto& f : b.fragments) {
      CAPTURE(f);
      CHECK(message.find(f) != std::string::npos);
    }
  }
  // The list form of choice and {value: {...}} keep their meaning.
  hpo::Config list = Parse("space:\n  opt: {choice: [a, b]}\n  fixed: {value: {x: 1}}\n");
  CHECK(!list.space.conditional());
  CHECK(list.space.params()[1].fixed == json{{"x", 1}});
}

TEST_CASE("the fingerprint of a conditional space names its conditions") {
  hpo::Config a = Parse(kSpace);
  hpo::Config b = Parse("space:\n  optimizer: [adam, sgd, rmsprop]\n  beta1: {uniform: [0.8, 0.99]}\n");
  CHECK(a.Fingerprint() != b.Fingerprint());
  CHECK(a.space.ToJson()[1]["when"] == json{{"parameter", "optimizer"}, {"is", "adam"}});
  CHECK(!a.space.ToJson()[0].contains("when"));
}
