// The JSON Lines that hpo-sample prints and hpo-submit takes: every line is checked before
// anything is recorded, and a bad line is reported as "<name>:<line>: <what to change>".
#include <doctest/doctest.h>

#include <boost/filesystem/operations.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "error.hpp"
#include "testing.hpp"
#include "trials_input.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;
using nlohmann::json;

std::vector<hpo::TrialLine> Read(const std::string& text, const std::string& name = "t.jsonl") {
  std::istringstream in(text);
  return hpo::ReadTrialLines(in, name);
}

// The message and kind of the error ReadTrialLines throws on `text`, or "" if none.
std::string ErrorOf(const std::string& text, hpo::ErrorKind* kind = nullptr) {
  try {
    Read(text);
  } catch (const hpo::Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

const std::string kGood = R"({"trial_id": 0, "config": {"lr": 0.1}})";

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("good lines are read in order with their configs and blank lines are skipped") {
  auto lines =
      Read("\n" + kGood + "\n   \n\t\n" +
           R"({"config": {"lr": 0.2, "opt": "adam"}, "trial_id": 7, "extra": 1})" + "\r\n\r\n" +
           R"({"trial_id": 999999999999, "config": {}})");  // no final newline
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].trial_id == 0);
  CHECK(lines[0].config == json{{"lr", 0.1}});
  CHECK(lines[1].trial_id == 7);
  CHECK(lines[1].config == json{{"lr", 0.2}, {"opt", "adam"}});
  CHECK(lines[2].trial_id == hpo::kMaxTrialId);
  CHECK(lines[2].config == json::object());
  CHECK(Read("").empty());
  CHECK(Read("\n\n  \n").empty());
}

TEST_CASE("every kind of bad line is a usage error naming the input and the line") {
  struct Case {
    std::string line, says;
  };
  const Case cases[] = {
      {"not json", "not a JSON object"},
      {R"({"trial_id": 1, "config": {})", "not a JSON object"},  // truncated
      {kGood + " trailing", "not a JSON object"},
      {"[1, 2]", "not a JSON object"},
      {"7", "not a JSON object"},
      {"\"text\"", "not a JSON object"},
      {"null", "not a JSON object"},
      {R"({"trial_id": "7", "config": {}})", "trial_id: must be an integer from 0 to 999999999999"},
      {R"({"trial_id": -1, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 1.5, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 1.0, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 1e3, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 1000000000000, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 9223372036854775808, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 18446744073709551615, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 123456789012345678901234567890, "config": {}})",
       "trial_id: must be an integer"},
      {R"({"trial_id": true, "config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": null, "config": {}})", "trial_id: must be an integer"},
      {R"({"config": {}})", "trial_id: must be an integer"},
      {R"({"trial_id": 1})", "config: must be a JSON object"},
      {R"({"trial_id": 1, "config": [1]})", "config: must be a JSON object"},
      {R"({"trial_id": 1, "config": "lr=0.1"})", "config: must be a JSON object"},
      {R"({"trial_id": 1, "config": null})", "config: must be a JSON object"},
      // 100,000 levels (200 KB) crashed hpo-submit; 129 is one more than any input may have.
      {R"({"trial_id": 1, "config": {"x": )" + std::string(100000, '[') + std::string(100000, ']') +
           "}}",
       "nested deeper than 128 levels; flatten it"},
      {R"({"trial_id": 1, "config": {"x": )" + std::string(127, '[') + std::string(127, ']') + "}}",
       "nested deeper than 128 levels"},
      {R"({"trial_id": 1, "trial_id": 2, "config": {}})",
       "the key \"trial_id\" occurs twice in one object; keep one"},
      {R"({"trial_id": 1, "config": {"lr": 0.1, "lr": 0.2}})", "the key \"lr\" occurs twice"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    // Two good lines and a blank one before: the bad line is line 4.
    hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
    std::string message =
        ErrorOf(kGood + "\n\n" + kGood + "\n" + c.line + "\n" + kGood + "\n", &kind);
    CHECK(message.rfind("t.jsonl:4: " + c.says, 0) == 0);
    CHECK(kind == hpo::ErrorKind::kUsage);
  }
}

TEST_CASE("a line nested exactly as deep as allowed is read") {
  auto lines = Read(R"({"trial_id": 1, "config": {"x": )" + std::string(126, '[') +
                    std::string(126, ']') + "}}");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].config["x"].is_array());
}

TEST_CASE("the first bad line is the one reported") {
  std::string message = ErrorOf(kGood + "\n{\n[1]\n");
  CHECK(message.rfind("t.jsonl:2: ", 0) == 0);
}

TEST_CASE("CheckTrialParameters names missing and unknown parameters") {
  auto lines = Read(R"({"trial_id": 0, "config": {"lr": 0.1, "bs": 32}})"
                    "\n"
                    R"({"trial_id": 5, "config": {"lr": 0.1, "momentum": 0.9}})"
                    "\n");
  const hpo::Space space = hpo::Space::FromYaml(YAML::Load("{lr: {uniform: [0, 1]}, bs: [32, 64]}"), "c.yaml");
  CHECK_NOTHROW(hpo::CheckTrialParameters({lines[0]}, space, "t.jsonl"));
  hpo::ErrorKind kind = hpo::ErrorKind::kRuntime;
  std::string message;
  try {
    hpo::CheckTrialParameters(lines, space, "t.jsonl");
  } catch (const hpo::Error& e) {
    message = e.what();
    kind = e.kind();
  }
  CAPTURE(message);
  CHECK(message.rfind("t.jsonl: trial 5: config:", 0) == 0);
  CHECK(message.find("missing: bs") != std::string::npos);
  CHECK(message.find("not in the space: momentum") != std::string::npos);
  CHECK(message.find("--force") != std::string::npos);
  CHECK(kind == hpo::ErrorKind::kUsage);
}

TEST_CASE("hpo-submit records nothing when one line of its input is bad") {
  t::ScratchDir dir;
  dir.Write(
      "hpo.yaml",
      "space:\n  lr: {uniform: [0, 1]}\ntrial:\n  command: echo {lr}\nhpo:\n  output_dir: camp\n");
  dir.Write("trials.jsonl", R"({"trial_id": 0, "config": {"lr": 0.1}})"
                            "\n"
                            R"({"trial_id": 1, "config": {"lr": 0.2}})"
                            "\n"
                            R"({"trial_id": -4, "config": {"lr": 0.3}})"
                            "\n");
  t::RunResult r = t::RunProgram(
      {t::ToolPath("hpo-submit").string(), "--no-start", "--trials", "trials.jsonl"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("hpo-submit: error: trials.jsonl:3: trial_id: ", 0) == 0);
  CHECK_FALSE(fs::exists(dir / "camp"));

  // Parameters of another space: refused before anything is recorded, unless --force.
  dir.Write("other.jsonl", R"({"trial_id": 0, "config": {"lr": 0.1}})"
                           "\n"
                           R"({"trial_id": 1, "config": {"x": 0.2}})"
                           "\n");
  r = t::RunProgram({t::ToolPath("hpo-submit").string(), "--no-start", "--trials", "other.jsonl"},
                    dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("other.jsonl: trial 1: config:") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "camp"));

  r = t::RunProgram(
      {t::ToolPath("hpo-submit").string(), "--no-start", "--force", "--trials", "other.jsonl"},
      dir.path());
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(t::ListDir(dir / "camp" / "pending") ==
        std::vector<std::string>{"trial_0.json", "trial_1.json"});
}

TEST_SUITE_END();
