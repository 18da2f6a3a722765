// The trial command: every template element becomes exactly one argv element, whatever the
// values hold; no value is ever seen by a shell. (SplitCommand is tested in test_config.cpp.)
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "command.hpp"
#include "error.hpp"

namespace {

using nlohmann::json;
using Argv = std::vector<std::string>;

const hpo::CommandContext kCtx{"/c/trials/trial_7/config.json", "/c/trials/trial_7/result.json",
                               "/c/trials/trial_7", "7", "2", "/proj/examples/mlp"};

hpo::ErrorKind KindOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const hpo::Error& e) {
    return e.kind();
  }
  FAIL("no hpo::Error thrown");
  return hpo::ErrorKind::kRuntime;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("a placeholder value becomes one argv element whatever it holds") {
  const std::string nasty[] = {"a b c",
                               "it's \"quoted\"",
                               "x; rm -rf /",
                               "$(touch pwned) `id` ${HOME}",
                               "line1\nline2\n",
                               "   ",
                               "",
                               "*?[a]~",
                               "--flag=value",
                               "{not_a_placeholder}",
                               "back\\slash"};
  for (const auto& v : nasty) {
    CAPTURE(v);
    Argv argv = hpo::RenderCommand({"prog", "{s}", "--s={s}", "{s}{s}"}, kCtx, json{{"s", v}});
    CHECK(argv == Argv{"prog", v, "--s=" + v, v + v});
  }
}

TEST_CASE("the fixed placeholders take the trial's paths and numbers") {
  Argv argv = hpo::RenderCommand({"run", "{config_file}", "--out={result_file}", "{trial_dir}/ckpt",
                                  "id{trial_id}", "a{attempt}", "{config_dir}/train.py"},
                                 kCtx, json::object());
  CHECK(argv == Argv{"run", "/c/trials/trial_7/config.json", "--out=/c/trials/trial_7/result.json",
                     "/c/trials/trial_7/ckpt", "id7", "a2", "/proj/examples/mlp/train.py"});
}

TEST_CASE("doubled braces are literal braces and a lone closing brace is kept") {
  json cfg = {{"x", 5}};
  CHECK(hpo::RenderCommand({"{{literal}}"}, kCtx, cfg) == Argv{"{literal}"});
  CHECK(hpo::RenderCommand({"a{{{x}}}b"}, kCtx, cfg) == Argv{"a{5}b"});
  CHECK(hpo::RenderCommand({"{{x}}"}, kCtx, cfg) == Argv{"{x}"});
  CHECK(hpo::RenderCommand({"a}b", "}"}, kCtx, cfg) == Argv{"a}b", "}"});
  CHECK(hpo::RenderCommand({"awk", "{{print $1}}"}, kCtx, cfg) == Argv{"awk", "{print $1}"});
  CHECK_NOTHROW(hpo::CheckCommandTemplate({"{{x}}", "a}b", "{{"}, {}, "f.yaml:3: trial.command: "));
}

TEST_CASE("strings are inserted as is and every other value as compact JSON") {
  json cfg = {
      {"s", "adam"},       {"i", 32},          {"neg", -3},    {"f", 0.001},
      {"big", 1e300},      {"b", true},        {"n", nullptr}, {"l", json::array({1, "a b", 2.5})},
      {"o", {{"k", "v"}}}, {"num_str", "1e-3"}};
  Argv argv = hpo::RenderCommand(
      {"{s}", "{i}", "{neg}", "{f}", "{big}", "{b}", "{n}", "{l}", "{o}", "{num_str}", "--lr={f}"},
      kCtx, cfg);
  CHECK(argv == Argv{"adam", "32", "-3", "0.001", "1e+300", "true", "null", "[1,\"a b\",2.5]",
                     "{\"k\":\"v\"}", "1e-3", "--lr=0.001"});
}

TEST_CASE("an empty value still is its own argv element") {
  Argv argv = hpo::RenderCommand({"prog", "{e}", "last"}, kCtx, json{{"e", ""}});
  CHECK(argv == Argv{"prog", "", "last"});
}

TEST_CASE("an unknown placeholder is a usage error naming the key and where it is") {
  std::string where = "f.yaml:3: trial.command: ";
  CHECK_NOTHROW(hpo::CheckCommandTemplate({"python", "{config_file}", "{result_file}",
                                           "{trial_dir}", "{trial_id}", "{attempt}", "{lr}",
                                           "{config_dir}/x"},
                                          {"lr"}, where));
  CHECK_THROWS_WITH_AS(hpo::CheckCommandTemplate({"python", "--lr={lrr}"}, {"lr"}, where),
                       doctest::Contains("f.yaml:3: trial.command: unknown placeholder {lrr}"),
                       hpo::Error);
  CHECK(KindOf([&] { hpo::CheckCommandTemplate({"{lrr}"}, {"lr"}, where); }) ==
        hpo::ErrorKind::kUsage);
  CHECK_THROWS_WITH_AS(hpo::CheckCommandTemplate({"x{}"}, {"lr"}, where),
                       doctest::Contains("unknown placeholder {}"), hpo::Error);
  // Names are matched exactly: no case folding, no trimming.
  CHECK_THROWS_AS(hpo::CheckCommandTemplate({"{LR}"}, {"lr"}, where), hpo::Error);
  CHECK_THROWS_AS(hpo::CheckCommandTemplate({"{ lr}"}, {"lr"}, where), hpo::Error);
}

TEST_CASE("a placeholder without a value in the trial's config names the key") {
  CHECK_THROWS_WITH_AS(hpo::RenderCommand({"prog", "--lr={lr}"}, kCtx, json{{"other", 1}}),
                       doctest::Contains("{lr}"), hpo::Error);
}

TEST_CASE("an unclosed brace is refused in the template check and in rendering") {
  std::string where = "f.yaml:3: trial.command: ";
  CHECK_THROWS_WITH_AS(hpo::CheckCommandTemplate({"prog", "--lr={lr"}, {"lr"}, where),
                       doctest::Contains("f.yaml:3: trial.command: unclosed '{' in '--lr={lr'"),
                       hpo::Error);
  CHECK(KindOf([&] { hpo::CheckCommandTemplate({"{"}, {}, where); }) == hpo::ErrorKind::kUsage);
  CHECK_THROWS_WITH_AS(hpo::RenderCommand({"{lr"}, kCtx, json{{"lr", 1}}),
                       doctest::Contains("unclosed"), hpo::Error);
}

TEST_CASE("an empty command is a usage error that says what to write") {
  CHECK_THROWS_WITH_AS(hpo::CheckCommandTemplate({}, {}, "f.yaml:3: trial.command: "),
                       doctest::Contains("f.yaml:3: trial.command: is empty"), hpo::Error);
}

TEST_SUITE_END();
