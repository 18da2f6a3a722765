// The results index's on-disk format (index_format.hpp): a finished trial written as an index
// line reads back equal, field for field; damaged lines and segments are told from good ones.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "index_format.hpp"

namespace {

using hpo::TrialRow;
using hpo::TrialState;

hpo::Config MakeConfig() {
  return hpo::ParseConfig(
      "space:\n"
      "  lr: {uniform: [0, 1]}\n"
      "  note: [x]\n"
      "  \"p,q\": {randint: [1, 9]}\n"
      "trial:\n  command: echo {lr}\n"
      "hpo:\n  output_dir: camp\n",
      "hpo.yaml");
}

TrialRow Finished(hpo::TrialId id, std::string config) {
  TrialRow r;
  r.id = id;
  r.state = TrialState::kFinished;
  r.metric = 0.25;
  r.config = std::move(config);
  return r;
}

// Every field an index line holds, compared one by one.
void CheckSame(const TrialRow& a, const TrialRow& b) {
  CHECK(a.id == b.id);
  CHECK(a.state == b.state);
  CHECK(a.metric == b.metric);
  CHECK(a.config == b.config);
  CHECK(a.attempt == b.attempt);
  CHECK(a.reason == b.reason);
  CHECK(a.stderr_tail == b.stderr_tail);
  CHECK(a.info.start_time == b.info.start_time);
  CHECK(a.info.end_time == b.info.end_time);
  CHECK(a.info.training_time == b.info.training_time);
  CHECK(a.info.exit_code == b.info.exit_code);
  CHECK(a.info.restart_count == b.info.restart_count);
  CHECK(a.info.host == b.info.host);
  CHECK(a.info.slurm_job_id == b.info.slurm_job_id);
  CHECK(a.info.slurm_array_job_id == b.info.slurm_array_job_id);
  CHECK(a.info.slurm_array_task_id == b.info.slurm_array_task_id);
}

// Writes `row` as an index line and reads it back; nullopt when it was not indexed.
std::optional<TrialRow> RoundTrip(TrialRow row, const hpo::IndexFormat& f, TrialRow* written) {
  std::string out = "x";  // (appended to, never replaced)
  if (!hpo::AppendIndexLine(out, row, f)) {
    CHECK(out == "x");
    return std::nullopt;
  }
  *written = row;  // (its config made compact)
  REQUIRE(out.back() == '\n');
  std::string_view line(out);
  line = line.substr(1, line.size() - 2);
  auto head = hpo::LineHead(line);
  REQUIRE(head);
  CHECK(head->id == row.id);
  if (row.metric) CHECK(head->metric == *row.metric);
  auto back = hpo::RowFromIndexLine(line, f);
  REQUIRE(back);
  return back;
}

}  // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("an index line reads back equal: every kind of field") {
  const hpo::Config cfg = MakeConfig();
  const hpo::IndexFormat f(cfg);
  struct Case {
    const char* what;
    TrialRow row;
  };
  std::vector<Case> cases;
  // The config exactly the parameters in key order (kept as an array of values).
  cases.push_back({"parameters in key order", Finished(0, R"({"lr":0.5,"note":"x","p,q":3})")});
  {
    TrialRow r = Finished(1, R"({"lr":1e-05,"note":"a\"b\\c\u00e9","p,q":-2})");
    r.metric = -1.5e-300;
    cases.push_back({"config strings with escapes, tiny and negative numbers", r});
  }
  cases.push_back({"a config of other keys (kept as an object)",
                   Finished(2, R"({"extra":[1,{"a":null}],"lr":0.1})")});
  cases.push_back({"a config with an escaped key", Finished(3, R"({"l\u0072":0.1,"note":"x","p,q":1})")});
  cases.push_back({"a config not compact (made compact)", Finished(4, "{ \"lr\" : 0.5 ,\n \"note\": \"x\", \"p,q\": 3 }")});
  cases.push_back({"an empty config", Finished(5, "{}")});
  {
    TrialRow r = Finished(6, R"({"lr":0.5,"note":"x","p,q":3})");
    r.metric.reset();
    cases.push_back({"no metric", r});
  }
  {
    TrialRow r = Finished(7, R"({"lr":0.5,"note":"x","p,q":3})");
    r.attempt = 3;
    r.info.exit_code = 0;
    r.info.restart_count = 2;
    r.info.start_time = 1700000000.125;
    r.info.end_time = 1700000123.5;
    r.info.training_time = 123.375;
    r.info.host = "node-1.cluster";
    r.info.slurm_job_id = "4242";
    r.info.slurm_array_job_id = "4240";
    r.info.slurm_array_task_id = "2";
    cases.push_back({"every optional field set", r});
  }
  {
    TrialRow r = Finished(8, "{}");
    r.info.exit_code = -9;
    r.info.restart_count = 0;
    cases.push_back({"optional ints: negative and zero", r});
  }
  {
    TrialRow r = Finished(9, "{}");
    r.info.host = "hôte-ü, \"quoted\" 名前";
    r.reason = "a reason, with \"quotes\"";
    r.stderr_tail = "-1.5";  // (a number stays as it is; a cell a spreadsheet would run reads
                             // back defused, with its leading ')
    r.info.slurm_job_id = "tab\there";
    r.info.slurm_array_job_id = "new\nline";
    r.info.slurm_array_task_id = "quote\"d \\ back";
    cases.push_back({"text with unicode, quotes, commas; tabs and newlines in SLURM fields", r});
  }
  {
    TrialRow r = Finished(hpo::kMaxTrialId, "{}");
    cases.push_back({"the largest id", r});
  }
  for (auto& c : cases) {
    INFO(std::string(c.what));
    TrialRow written;
    auto back = RoundTrip(c.row, f, &written);
    REQUIRE(back);
    CheckSame(written, *back);
    // The config is the same object as before, compact.
    CHECK(nlohmann::json::parse(back->config) == nlohmann::json::parse(c.row.config));
  }
}

TEST_CASE("a trial whose results.csv line would hold a tab or a line break is not indexed") {
  const hpo::Config cfg = MakeConfig();
  const hpo::IndexFormat f(cfg);
  struct Case {
    const char* what;
    void (*set)(TrialRow&);
  };
  const Case cases[] = {
      {"tab in the host", [](TrialRow& r) { r.info.host = "a\tb"; }},
      {"newline in the reason", [](TrialRow& r) { r.reason = "a\nb"; }},
      {"carriage return in the stderr tail", [](TrialRow& r) { r.stderr_tail = "a\rb"; }},
      {"tab in a config string", [](TrialRow& r) { r.config = R"({"lr":0.5,"note":"a\tb","p,q":3})"; }},
  };
  for (const auto& c : cases) {
    INFO(std::string(c.what));
    TrialRow r = Finished(1, "{}");
    c.set(r);
    TrialRow written;
    CHECK_FALSE(RoundTrip(r, f, &written));
  }
}

TEST_CASE("index lines: well-formed, cut, or damaged, from a table of cases") {
  const hpo::Config cfg = MakeConfig();
  const hpo::IndexFormat f(cfg);
  TrialRow r = Finished(12, R"({"lr":0.5,"note":"x","p,q":3})");
  r.info.exit_code = 0;
  r.reason = "ok";
  std::string good;
  REQUIRE(hpo::AppendIndexLine(good, r, f));
  good.pop_back();  // the newline
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  struct Case {
    const char* what;
    std::string line;
    bool head;  // LineHead takes it
    bool row;   // RowFromIndexLine takes it
  };
  const std::vector<Case> cases = {
      {"well-formed", good, true, true},
      {"empty", "", false, false},
      {"cut in the first field", good.substr(0, 1), false, false},
      {"cut in the config", good.substr(0, good.find('[') + 3), false, false},
      {"cut in the results.csv line, after the metric", good.substr(0, good.find(",0.25,") + 6), true, false},
      // (RowFromIndexLine alone reads the columns it needs; LineHead, which every read
      // of a segment goes through first, refuses the line)
      {"a field too many", good + "\textra", false, true},
      {"ids that disagree", replace("12,finished", "13,finished"), false, false},
      {"a negative id", "-" + good, false, false},
      {"a metric that is not a number", replace(",0.25,", ",abc,"), false, false},
      {"not finished", replace(",finished,", ",failed,"), true, false},
      {"an exit code that is not an integer", replace("12\t0\t", "12\tx\t"), true, false},
      {"a config array of the wrong length", replace("[0.5,\"x\",3]", "[0.5,\"x\"]"), true, false},
      {"a config that is neither array nor object", replace("[0.5,\"x\",3]", "null"), true, false},
  };
  for (const auto& c : cases) {
    INFO(std::string(c.what));
    CAPTURE(c.line);
    CHECK(hpo::LineHead(c.line).has_value() == c.head);
    CHECK(hpo::RowFromIndexLine(c.line, f).has_value() == c.row);
  }
}

TEST_CASE("segments: the end line's hash tells a whole segment from one cut or damaged") {
  const hpo::Config cfg = MakeConfig();
  const hpo::IndexFormat f(cfg);
  CHECK(f.header.rfind(hpo::kIndexMagic, 0) == 0);
  CHECK(f.header.back() == '\n');
  std::string body = f.header;
  TrialRow r = Finished(3, "{}");
  REQUIRE(hpo::AppendIndexLine(body, r, f));
  std::string whole = body;
  hpo::AppendSegmentEnd(whole);
  std::string other_version = whole;
  other_version.replace(0, hpo::kIndexMagic.size(), "hpo-index 4 ");
  std::string flipped = whole;
  flipped[f.header.size() + 1] ^= 1;
  std::string bad_hash = whole;
  bad_hash[bad_hash.size() - 2] = bad_hash[bad_hash.size() - 2] == '0' ? '1' : '0';
  struct Case {
    const char* what;
    std::string text;
    bool whole;        // SegmentBody takes it
    bool this_format;  // and its first line is this format's header
  };
  const std::vector<Case> cases = {
      {"whole", whole, true, true},
      {"empty (a crash before the write)", "", false, false},
      {"zeros", std::string(64, '\0'), false, false},
      {"cut before the end line", body, false, false},
      {"cut inside the end line", whole.substr(0, whole.size() - 5), false, false},
      {"without the last newline", whole.substr(0, whole.size() - 1), false, false},
      {"a changed byte in a line", flipped, false, false},
      {"a wrong hash", bad_hash, false, false},
      {"another format version (its hash is right)", other_version, false, false},
  };
  for (const auto& c : cases) {
    INFO(std::string(c.what));
    auto got = hpo::SegmentBody(c.text);
    CHECK(got.has_value() == c.whole);
    if (got) CHECK((got->substr(0, f.header.size()) == f.header) == c.this_format);
  }
  // A segment of another version with its own right hash is whole, but not of this format.
  std::string v4 = "hpo-index 4 \"x\"\n";
  hpo::AppendSegmentEnd(v4);
  auto got = hpo::SegmentBody(v4);
  REQUIRE(got);
  CHECK(got->substr(0, f.header.size()) != f.header);
}

TEST_SUITE_END();
