#include "testing.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config.hpp"
#include "record.hpp"
#include "rung_files.hpp"

#ifndef HPO_TOOLS_DIR
#error "HPO_TOOLS_DIR must be defined by tests/CMakeLists.txt"
#endif
#ifndef HPO_SOURCE_DIR
#error "HPO_SOURCE_DIR must be defined by tests/CMakeLists.txt"
#endif

namespace hpo::testing {
namespace {

long g_failures = 0;

// Counts failed assertions and failing FAIL/FAIL_CHECK messages, so a ScratchDir can tell in
// its destructor whether its test case failed (doctest has no public "current case failed").
struct FailureCounter : doctest::IReporter {
  explicit FailureCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override { ++g_failures; }
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& ad) override {
    if (ad.m_failed && !(ad.m_at & doctest::assertType::is_warn)) ++g_failures;
  }
  void log_message(const doctest::MessageData& md) override {
    if (md.m_severity & (doctest::assertType::is_check | doctest::assertType::is_require))
      ++g_failures;
  }
  void test_case_skipped(const doctest::TestCaseData&) override {}
};
REGISTER_LISTENER("hpo-failure-counter", 1, FailureCounter);

std::string TempRoot() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

}  // namespace

long FailureCount() {
  return g_failures;
}

ScratchDir::ScratchDir() : failures_at_start_(g_failures) {
  std::string tmpl = TempRoot() + "/hpo-test.XXXXXX";
  if (!::mkdtemp(tmpl.data())) FAIL("mkdtemp " << tmpl << ": " << std::strerror(errno));
  // Canonical, so paths compared in tests match what the library reports.
  path_ = fs::canonical(tmpl);
}

ScratchDir::~ScratchDir() {
  if (g_failures == failures_at_start_ && std::uncaught_exceptions() == 0) {
    boost::system::error_code ec;
    // A test may have made parts read-only; make them removable again.
    for (fs::recursive_directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec))
      if (fs::is_directory(it->symlink_status()))
        fs::permissions(it->path(), fs::owner_all | fs::add_perms, ec);
    fs::remove_all(path_, ec);
    if (ec)
      std::cerr << "hpo_tests: could not remove scratch directory " << path_.string() << ": "
                << ec.message() << "\n";
  } else {
    std::cerr << "hpo_tests: test case failed; scratch directory kept: " << path_.string() << "\n";
  }
}

fs::path ScratchDir::Write(const std::string& name, const std::string& text) const {
  fs::path p = path_ / name;
  WriteText(p, text);
  return p;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path.string(), std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  REQUIRE_MESSAGE(out.good(), "cannot write " << path.string());
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir), end; it != end; ++it)
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

RunResult RunProgram(const std::vector<std::string>& argv, const fs::path& cwd) {
  REQUIRE(!argv.empty());
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, 0) < 0 || ::dup2(out_pipe[1], 1) < 0 ||
        ::dup2(err_pipe[1], 2) < 0 || ::chdir(cwd.c_str()) != 0)
      ::_exit(126);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      FAIL("poll: " << std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

fs::path ToolPath(const std::string& name) {
  return fs::path(HPO_TOOLS_DIR) / name;
}

fs::path SourcePath(const std::string& relative) {
  return fs::path(HPO_SOURCE_DIR) / relative;
}

double KsDistance(std::vector<double> values, const std::function<double(double)>& cdf) {
  std::sort(values.begin(), values.end());
  double n = static_cast<double>(values.size()), d = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double f = cdf(values[i]);
    d = std::max({d, std::abs(f - i / n), std::abs((i + 1) / n - f)});
  }
  return d;
}

double ChiSquare(const std::vector<double>& observed, const std::vector<double>& expected) {
  REQUIRE(observed.size() == expected.size());
  double x = 0;
  for (size_t i = 0; i < observed.size(); ++i)
    x += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return x;
}

double ChiSquareCritical(int df, double z) {
  double k = df, h = 2.0 / (9.0 * k);
  return k * std::pow(1 - h + z * std::sqrt(h), 3);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}


// ---------------------------------------------------------------------------------------
// The report's and the status's test campaign

namespace {

using hpo::Record;
using hpo::TrialState;
using nlohmann::json;

// A space and a metric whose names and values need escaping everywhere they appear.
constexpr const char* kOddConfig = R"(space:
  "λ<&\"'>": {loguniform: [1.0e-4, 1.0e-1]}
  kind: ["<script>alert(1)</script>", "a&b", "plain", "ünï"]
  n: {randint: [1, 8]}
  fixed: "x<y"
trial:
  command: echo {trial_id}
hpo:
  n_trials: 20
  max_concurrent_jobs: 3
  output_dir: camp
  metric: "loss<&>"
  mode: min
  seed: 1
)";

const char* const kKinds[] = {"<script>alert(1)</script>", "a&b", "plain", "ünï"};

}  // namespace

const std::string kOddReason = "boom <b>bold</b> & 'single' \"double\" λ";

SyntheticCampaign::SyntheticCampaign(const ScratchDir& dir, const std::string& extra_yaml)
    : campaign(hpo::Campaign::Create(hpo::ParseConfig(kOddConfig + extra_yaml, "test.yaml"),
                                     dir / "camp", dir.path(), hpo::Force::kNo)) {}

json SyntheticCampaign::Config(int i) const {
  return {{"λ<&\"'>", 1e-4 * std::pow(10, 3.0 * ((i * 37) % 100) / 100.0)},
          {"kind", kKinds[i % 4]},
          {"n", 1 + i % 8},
          {"fixed", "x<y"}};
}

namespace {
// The additional_info hpo-run writes for an attempt that ran from `start` to `end` on node<1>.
json AttemptInfo(const hpo::Layout& L, int i, double start, double end) {
  return {{"start_time", start},     {"end_time", end},
          {"training_time", end - start}, {"host", "node<1>"},
          {"exit_code", 0},          {"stdout", L.trial_stdout(i).string()},
          {"stderr", L.trial_stderr(i).string()}};
}
}  // namespace

void SyntheticCampaign::Finished(int i, double metric, double start, double end) {
  Record r = hpo::NewPendingRecord(i, Config(i));
  hpo::MarkFinished(r, campaign.config().hpo.metric, metric, AttemptInfo(campaign.layout(), i, start, end));
  campaign.Write(TrialState::kFinished, i, r);
}

void SyntheticCampaign::Failed(int i, double start, double end) {
  const auto& L = campaign.layout();
  Record r = {{"trial_id", i},
              {"state", "failed"},
              {"config", Config(i)},
              {"attempt", 1},
              {"reason", kOddReason + " (see " + L.trial_stderr(i).string() + ")"},
              {"history", json::array()},
              {"additional_info",
               {{"start_time", start},
                {"end_time", end},
                {"host", "node2"},
                {"exit_code", 1},
                {"stdout", L.trial_stdout(i).string()},
                {"stderr", L.trial_stderr(i).string()}}}};
  campaign.Write(TrialState::kFailed, i, r);
}

void SyntheticCampaign::Running(int i, double start) {
  Record r = {{"trial_id", i},
              {"state", "running"},
              {"config", Config(i)},
              {"attempt", 1},
              {"history", json::array()},
              {"runner",
               {{"host", "node3"},
                {"pid", 999999},
                {"start_time", start},
                {"slurm_job_id", "77_" + std::to_string(i)}}}};
  campaign.Write(TrialState::kRunning, i, r);
}

void SyntheticCampaign::Pending(int i) {
  campaign.AddPending(i, Config(i));
}

void SyntheticCampaign::Cancelled(int i, double start, const std::string& tail) {
  Record r = {{"trial_id", i},
              {"state", "failed"},
              {"config", Config(i)},
              {"attempt", 1},
              {"reason", "CANCELLED (None): SLURM job 77_" + std::to_string(i) +
                             " ended before the trial recorded a result"},
              {"stderr_tail", tail},
              {"history", json::array()},
              {"additional_info",
               {{"start_time", start}, {"host", "node3"}, {"slurm_job_id", "77_" + std::to_string(i)}}}};
  campaign.Write(TrialState::kFailed, i, r);
}

void SyntheticCampaign::Pruned(int i, double metric, double step, int rung, double start,
                               double end, const std::vector<std::pair<double, double>>& curve) {
  json lc = json::array();
  for (const auto& [s, v] : curve) lc.push_back({s, v});
  json pruned =
      rung >= 0 ? json{{"rule", "asha"}, {"rung", rung},    {"bracket", 0},     {"resource", step},
                       {"step", step},   {"value", metric}, {"verdict", "stop"}}
                : json{{"rule", "median"}, {"step", step}, {"value", metric}, {"verdict", "stop"}};
  json info = AttemptInfo(campaign.layout(), i, start, end);
  info["steps_run"] = step;
  Record r = hpo::NewPendingRecord(i, Config(i));
  hpo::MarkPruned(r, campaign.config().hpo.metric, metric, pruned, lc, info);
  campaign.Write(TrialState::kPruned, i, r);
}

void SyntheticCampaign::Curve(int i, const std::vector<std::pair<double, double>>& points) {
  const auto& L = campaign.layout();
  fs::create_directories(L.trial_dir(i));
  std::string text;
  for (const auto& [s, v] : points)
    text += json{{"step", s},
                 {"value", std::isfinite(v) ? json(v) : json()},
                 {"time", 1.7e9},
                 {"attempt", 1}}
                .dump() +
            "\n";
  WriteText(L.trial_progress(i), text);
}

void SyntheticCampaign::RungValue(int bracket, int rung, int i, double value) {
  const auto& L = campaign.layout();
  hpo::RecordRungValue(L.rung_dir(hpo::AshaRungName(bracket, rung)), i, value,
                       campaign.config().hpo.mode);
}

const std::string kAshaPruner =
    "pruner:\n  kind: asha\n  min_resource: 1\n  max_resource: 9\n  reduction_factor: 3\n";

SyntheticCampaign PrunedCampaign(const ScratchDir& dir) {
  SyntheticCampaign c(dir, kAshaPruner);
  const double t0 = 1.7e9;
  // x_i: the trial's quality (lower is better); its value at step s is x_i + 1/s.
  auto x = [](int i) { return i == 2 ? 0.01 : 0.1 + 0.05 * ((i * 7) % 20); };
  auto curve = [&](int i, int steps) {
    std::vector<std::pair<double, double>> pts;
    for (int s = 1; s <= steps; ++s) pts.push_back({s, x(i) + 1.0 / s});
    return pts;
  };
  for (int i = 0; i < 20; ++i) {
    double start = t0 + 5.0 * (i / 3), end = start + 4;
    if (i < 3) {  // finished: 9 steps, through both rungs
      c.Curve(i, curve(i, 9));
      c.RungValue(0, 0, i, x(i) + 1);
      c.RungValue(0, 1, i, x(i) + 1.0 / 3);
      c.Finished(i, x(i) + 1.0 / 9, start, end);
    } else if (i < 10) {  // pruned at rung 0 (step 1)
      c.Curve(i, curve(i, 1));
      c.RungValue(0, 0, i, x(i) + 1);
      c.Pruned(i, x(i) + 1, 1, 0, start, end, curve(i, 1));
    } else if (i < 15) {  // pruned at rung 1 (step 3)
      c.Curve(i, curve(i, 3));
      c.RungValue(0, 0, i, x(i) + 1);
      c.RungValue(0, 1, i, x(i) + 1.0 / 3);
      c.Pruned(i, x(i) + 1.0 / 3, 3, 1, start, end, curve(i, 3));
    } else if (i == 15) {  // failed at step 2, past rung 0
      c.Curve(i, curve(i, 2));
      c.RungValue(0, 0, i, x(i) + 1);
      c.Failed(i, start, end);
    } else if (i == 16) {  // running at step 4
      c.Curve(i, curve(i, 4));
      c.RungValue(0, 0, i, x(i) + 1);
      c.RungValue(0, 1, i, x(i) + 1.0 / 3);
      c.Running(i, start);
    } else if (i == 17) {  // running at step 1
      c.Curve(i, curve(i, 1));
      c.RungValue(0, 0, i, x(i) + 1);
      c.Running(i, start);
    } else {
      c.Pending(i);
    }
  }
  return c;
}

SyntheticCampaign SmallCampaign(const ScratchDir& dir) {
  SyntheticCampaign c(dir);
  const double t0 = 1.7e9;
  int k = 0;
  for (int i = 0; i < 15; ++i) {
    double start = t0 + 10.0 * (k / 3), end = start + 9;  // three slots
    ++k;
    if (i == 3 || i == 8 || i == 11)
      c.Failed(i, start, end);
    else
      c.Finished(i, i == 5 ? 0.01 : 0.5 + 0.03 * i, start, end);
  }
  c.Running(15, t0 + 50);
  c.Running(16, t0 + 52);
  c.Pending(17);
  c.Pending(18);
  return c;
}

hpo::ReportOptions FixedNow() {
  hpo::ReportOptions o;
  o.now = 1.7e9 + 60;
  return o;
}

std::string XmlProblem(const std::string& s) {
  std::vector<std::string> stack;
  size_t i = 0, n = s.size();
  auto at = [&](size_t p) { return "at offset " + std::to_string(p) + ": " + s.substr(p, 60); };
  auto check_entity = [&](size_t p) -> size_t {  // returns the length of a valid reference
    size_t semi = s.find(';', p);
    if (semi == std::string::npos || semi - p > 10) return 0;
    std::string name = s.substr(p + 1, semi - p - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos")
      return semi - p + 1;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x';
      std::string digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) return 0;
      for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c))))
          return 0;
      return semi - p + 1;
    }
    return 0;
  };
  auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  bool seen_root = false;
  while (i < n) {
    if (s[i] == '&') {
      size_t len = check_entity(i);
      if (!len) return "bad entity " + at(i);
      i += len;
      continue;
    }
    if (s[i] != '<') {
      if (s.compare(i, 3, "]]>") == 0) return "stray ]]> " + at(i);
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      size_t e = s.find("-->", i + 4);
      if (e == std::string::npos) return "unclosed comment " + at(i);
      i = e + 3;
    } else if (s.compare(i, 9, "<![CDATA[") == 0) {
      size_t e = s.find("]]>", i + 9);
      if (e == std::string::npos) return "unclosed CDATA " + at(i);
      i = e + 3;
    } else if (s.compare(i, 9, "<!DOCTYPE") == 0) {
      if (seen_root) return "DOCTYPE after the root " + at(i);
      size_t e = s.find('>', i);
      if (e == std::string::npos) return "unclosed DOCTYPE";
      i = e + 1;
    } else if (s.compare(i, 2, "</") == 0) {
      size_t p = i + 2, b = p;
      while (p < n && is_name(s[p])) ++p;
      std::string name = s.substr(b, p - b);
      while (p < n && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
      if (p >= n || s[p] != '>') return "bad end tag " + at(i);
      if (stack.empty() || stack.back() != name)
        return "end tag </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) +
               "> " + at(i);
      stack.pop_back();
      i = p + 1;
    } else {
      size_t p = i + 1, b = p;
      while (p < n && is_name(s[p])) ++p;
      std::string name = s.substr(b, p - b);
      if (name.empty()) return "raw '<' in text " + at(i);
      if (stack.empty() && seen_root) return "second root element " + at(i);
      seen_root = true;
      std::map<std::string, int> attrs;
      while (true) {
        size_t ws = p;
        while (p < n && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
        if (p >= n) return "unclosed tag " + at(i);
        if (s[p] == '>') {
          stack.push_back(name);
          i = p + 1;
          break;
        }
        if (s.compare(p, 2, "/>") == 0) {
          i = p + 2;
          break;
        }
        if (ws == p) return "attributes not separated " + at(p);
        size_t ab = p;
        while (p < n && is_name(s[p])) ++p;
        std::string attr = s.substr(ab, p - ab);
        if (attr.empty() || p >= n || s[p] != '=') return "bad attribute " + at(ab);
        if (attrs[attr]++) return "duplicate attribute " + attr + " " + at(ab);
        ++p;
        if (p >= n || (s[p] != '"' && s[p] != '\'')) return "unquoted attribute " + at(ab);
        char q = s[p++];
        while (p < n && s[p] != q) {
          if (s[p] == '<') return "'<' in an attribute " + at(ab);
          if (s[p] == '&') {
            size_t len = check_entity(p);
            if (!len) return "bad entity in an attribute " + at(p);
            p += len;
          } else {
            ++p;
          }
        }
        if (p >= n) return "unterminated attribute " + at(ab);
        ++p;
      }
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (!seen_root) return "no root element";
  return "";
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t k = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size()))
    ++k;
  return k;
}

}  // namespace hpo::testing
