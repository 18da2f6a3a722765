// Helpers shared by the tests: a scratch directory per test case (kept on failure), small
// file helpers, running a built tool with captured output, distribution statistics, the
// synthetic campaign the report and status tests read, and the names the campaign tests use
// unqualified (hpo::testing::names).
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "campaign.hpp"
#include "layout.hpp"
#include "report_data.hpp"

namespace hpo::testing {

namespace fs = boost::filesystem;

// A fresh directory under the system temp dir ($TMPDIR or /tmp), made with mkdtemp. Removed
// by the destructor when the test case has had no failure since construction; otherwise kept
// and its path printed to stderr, so a failing case can be inspected. Tests never write into
// the source tree.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `text` to `name` inside the directory (plain write: test set-up) and returns the
  // path.
  fs::path Write(const std::string& name, const std::string& text) const;

 private:
  fs::path path_;
  long failures_at_start_;
};

// The whole content of a file; fails the test case (REQUIRE) when it cannot be read.
std::string ReadText(const fs::path& path);

// Writes a file (plain, non-atomic: test set-up).
void WriteText(const fs::path& path, const std::string& text);

// The names in a directory, sorted; "." and ".." excluded.
std::vector<std::string> ListDir(const fs::path& dir);

// What a finished child process left behind.
struct RunResult {
  int exit_code = -1;  // exit status, or 128 + signal number when killed by a signal
  std::string out, err;
};

// Runs `argv` (argv[0] is a path, not looked up in PATH) in `cwd` with stdin from /dev/null,
// and returns its exit code and everything it wrote to stdout and stderr.
RunResult RunProgram(const std::vector<std::string>& argv, const fs::path& cwd);

// A built tool, e.g. ToolPath("hpo-sample").
fs::path ToolPath(const std::string& name);

// A file of the source tree (read only), e.g. SourcePath("examples/mlp/hpo.yaml").
fs::path SourcePath(const std::string& relative);

// Splits text into lines (without the '\n'); a final unterminated line is kept.
std::vector<std::string> Lines(const std::string& text);

// Statistics for the distribution tests. Seeds are fixed, so every test is deterministic;
// the critical values only say how far from the ideal a result may be before it is a bug.

// Kolmogorov-Smirnov distance sup |F_n(x) - cdf(x)| of `values` (sorted in place).
double KsDistance(std::vector<double> values, const std::function<double(double)>& cdf);
// Pearson's statistic sum (o - e)^2 / e.
double ChiSquare(const std::vector<double>& observed, const std::vector<double>& expected);
// Upper critical value of chi-square with `df` degrees of freedom at the standard-normal
// quantile `z` (Wilson-Hilferty): z = 4.75 is the 1e-6 level.
double ChiSquareCritical(int df, double z);

// Number of failed checks in this test run so far (fed by a doctest listener).
long FailureCount();

// The report's and the status's test campaign (test_report*.cpp, test_status.cpp): records
// written the way hpo-run writes them (campaign.Write into the state folder), in a space
// whose names and values, metric name and failure reasons need escaping everywhere they
// appear.
struct SyntheticCampaign {
  // `extra_yaml` is appended to the config (e.g. a `pruner:` section).
  explicit SyntheticCampaign(const ScratchDir& dir, const std::string& extra_yaml = "");

  // Trial i's configuration (every kind of parameter, odd names and values).
  nlohmann::json Config(int i) const;
  void Finished(int i, double metric, double start, double end);
  void Failed(int i, double start, double end);  // reason: kOddReason and its stderr path
  void Running(int i, double start);             // on node3, SLURM job 77_i
  void Pending(int i);
  // As hpo-collect settled a trial whose job SLURM cancelled, before it recorded an end time.
  void Cancelled(int i, double start, const std::string& tail);
  // Stopped by the ASHA pruner at `step` (rung `rung` of bracket 0; -1: the median rule) with
  // `metric` there, its learning curve `curve` in the record (as the runner writes it).
  void Pruned(int i, double metric, double step, int rung, double start, double end,
              const std::vector<std::pair<double, double>>& curve);
  // trials/trial_<i>/progress.jsonl with these (step, value) points, as hpo-prune appends them
  // (a NaN value is written as null).
  void Curve(int i, const std::vector<std::pair<double, double>>& points);
  // An ASHA value recorded in rung `rung` of bracket `bracket` (rung_files.hpp).
  void RungValue(int bracket, int rung, int i, double value);

  hpo::Campaign campaign;
};

// The failure reason of SyntheticCampaign::Failed (before " (see <stderr path>)").
extern const std::string kOddReason;

// 12 finished (trial 5 the best), 3 failed, 2 running, 2 pending; at most 3 at once; the
// first start at 1.7e9.
SyntheticCampaign SmallCampaign(const ScratchDir& dir);

// The ASHA pruner of PrunedCampaign: rungs at steps 1 and 3, a full run of 9 steps.
extern const std::string kAshaPruner;

// SmallCampaign's kind of campaign with kAshaPruner, 20 trials: 3 finished (trial 2 the
// best), 12 pruned (7 at rung 0, step 1; 5 at rung 1, step 3), 1 failed at step 2, 2 running
// (at steps 4 and 1), 2 pending; every started trial with its learning curve
// (value = x_i + 1/step), the rungs holding what the trials recorded there.
SyntheticCampaign PrunedCampaign(const ScratchDir& dir);

// Report options with "now" fixed a minute after SmallCampaign's first start.
hpo::ReportOptions FixedNow();

// A small XML well-formedness checker: tags balance, attributes are quoted, '<' and '&'
// appear in text and attributes only as markup or as one of XML's entities. Returns the
// first problem, or "" for a well-formed document.
std::string XmlProblem(const std::string& s);

// Non-overlapping occurrences of `needle` in `hay`.
std::size_t Count(const std::string& hay, const std::string& needle);

}  // namespace hpo::testing

// The names the tests of campaigns use unqualified: a test file opens its anonymous namespace
// with `using namespace hpo::testing::names;`.
namespace hpo::testing::names {
namespace t = hpo::testing;
namespace fs = boost::filesystem;
using hpo::Campaign;
using hpo::Record;
using hpo::TrialId;
using hpo::TrialState;
using nlohmann::json;
}  // namespace hpo::testing::names
