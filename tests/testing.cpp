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

}  // namespace hpo::testing
