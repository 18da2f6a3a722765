// Text templates with {{name}} placeholders, and the shell quoting of the one script line
// that names paths (checked by bash and sh themselves, not by reading the quotes).
#include <doctest/doctest.h>
#include <stdlib.h>

#include <boost/filesystem/operations.hpp>
#include <map>
#include <string>

#include "error.hpp"
#include "process.hpp"
#include "templates.hpp"
#include "testing.hpp"

namespace {

namespace t = hpo::testing;
namespace fs = hpo::testing::fs;

const std::string kAwkward[] = {"",
                                "plain",
                                "a b  c",
                                "it's",
                                "'",
                                "''",
                                "'\\''",
                                "\"double\"",
                                "$HOME ${HOME} $(id) `id`",
                                "back\\slash\\",
                                "semi; colon & amp | pipe > redirect",
                                "new\nline\n",
                                "tab\there",
                                "!bang !! !$",
                                "*?[a-z]~ {a,b}",
                                "-n",
                                "--flag=it's a value",
                                "/path/it's a camp/hpo_results"};

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("RenderTemplate replaces every placeholder, repeated ones too") {
  std::string out = hpo::RenderTemplate("{{a}}-{{b}}-{{a}}\n{{empty}}|",
                                        {{"a", "1"}, {"b", "two"}, {"empty", ""}}, "x.in");
  CHECK(out == "1-two-1\n|");
  CHECK(hpo::RenderTemplate("no placeholders\n", {}, "x.in") == "no placeholders\n");
  CHECK(hpo::RenderTemplate("", {}, "x.in").empty());
  CHECK(hpo::RenderTemplate("{{a}}", {{"a", "x"}, {"unused", "y"}}, "x.in") == "x");
}

TEST_CASE("RenderTemplate inserts values verbatim without scanning them again") {
  std::string out =
      hpo::RenderTemplate("[{{v}}]", {{"v", "{{w}} $(x) 'q'\n"}, {"w", "NO"}}, "x.in");
  CHECK(out == "[{{w}} $(x) 'q'\n]");
}

TEST_CASE("RenderTemplate names the template and the placeholder that has no value") {
  CHECK_THROWS_WITH_AS(hpo::RenderTemplate("a {{missing}} b", {{"a", "1"}}, "array.sbatch.in"),
                       "template array.sbatch.in: no value for {{missing}}", hpo::Error);
  CHECK_THROWS_WITH_AS(hpo::RenderTemplate("a {{open", {}, "array.sbatch.in"),
                       "template array.sbatch.in: unclosed {{", hpo::Error);
}

TEST_CASE("RenderTemplate leaves bash syntax with single braces alone") {
  std::string bash =
      "echo \"$(hostname)\" ${SLURM_JOB_ID:-none} ${arr[@]} $((1 + 2)) {a,b} f() { :; }\n";
  CHECK(hpo::RenderTemplate(bash + "{{x}}", {{"x", "X"}}, "x.in") == bash + "X");
}

TEST_CASE("ShellQuote round trips through bash and sh") {
  for (const std::string& s : kAwkward) {
    CAPTURE(s);
    std::string q = hpo::ShellQuote(s);
    for (const char* shell : {"/bin/bash", "/bin/sh"}) {
      CAPTURE(shell);
      t::RunResult r = t::RunProgram({shell, "-c", "printf '%s' " + q}, "/");
      CHECK(r.exit_code == 0);
      CHECK(r.out == s);
      // And as one word among others.
      r = t::RunProgram({shell, "-c", "set -- x " + q + " y; printf '%s|' \"$#\" \"$2\""}, "/");
      CHECK(r.out == "3|" + s + "|");
    }
  }
}

TEST_CASE("LoadTemplate reads HPO_TEMPLATE_DIR first and names where it looked") {
  t::ScratchDir dir;
  t::WriteText(dir / "array.sbatch.in", "mine {{x}}\n");
  ::setenv("HPO_TEMPLATE_DIR", dir.path().c_str(), 1);
  std::string text = hpo::LoadTemplate("array.sbatch.in");
  std::string message;
  try {
    hpo::LoadTemplate("nothing.in");
  } catch (const hpo::Error& e) {
    message = e.what();
  }
  ::unsetenv("HPO_TEMPLATE_DIR");
  CHECK(text == "mine {{x}}\n");
  CHECK(message.find("template nothing.in not found") == 0);
  CHECK(message.find(dir.path().string()) != std::string::npos);
  CHECK(message.find("HPO_TEMPLATE_DIR") != std::string::npos);
  // Without the variable, the shipped templates are found (the source tree here).
  CHECK(hpo::LoadTemplate("array.sbatch.in") ==
        t::ReadText(t::SourcePath("templates/array.sbatch.in")));
}

TEST_SUITE_END();
