#include "slurm_query.hpp"

#include <pwd.h>
#include <cerrno>
#include <cstdlib>
#include <unistd.h>

#include <set>
#include <sstream>

#include "error.hpp"
#include "process.hpp"
#include "tool.hpp"

namespace hpo {
namespace {

// squeue pads every field given a width (%.10T): " CANCELLED" must still read as CANCELLED.
std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

class SqueueSource : public JobStateSource {
 public:
  std::optional<std::map<std::string, JobState>> Query(const std::vector<std::string>&) override {
    const passwd* pw = ::getpwuid(::getuid());
    // One line per array task (-r), named as TaskName does ("<array>_<task>", %i).
    std::vector<std::string> argv = {"squeue", "--noheader", "--array", "--states=all",
                                     "--format=%i|%T|%r"};
    if (pw) argv.insert(argv.end(), {"--user", pw->pw_name});
    try {
      Captured c = RunSlurm(argv);
      if (c.exit.ok()) return ParseSqueue(c.out);
      Warning("squeue failed (" + c.exit.Describe() + "): " + SlurmMessage(c) +
              "; judging running trials by their leases");
    } catch (const Error& e) {
      Warning(std::string(e.what()) + "; judging running trials by their leases");
    }
    return std::nullopt;
  }
};

std::string ConfHint() {
  const char* conf = std::getenv("SLURM_CONF");
  return conf && *conf ? std::string(" (SLURM_CONF=") + conf + ")" : std::string();
}

}  // namespace

Captured RunSlurm(const std::vector<std::string>& argv, double timeout) {
  const char* conf = std::getenv("SLURM_CONF");
  if (conf && *conf && ::access(conf, R_OK) != 0)
    throw Error("SLURM_CONF=" + std::string(conf) + " cannot be read: " + ErrnoText(errno) +
                "; " + argv[0] + " would wait a minute for it. Point SLURM_CONF at the cluster's "
                "slurm.conf, or unset it");
  Captured c = RunCapture(argv, "", timeout);
  if (c.timed_out) {
    std::string said = SlurmMessage(c);
    throw Error(argv[0] + " did not answer within " + std::to_string(static_cast<int>(timeout)) +
                " s" + ConfHint() + (said.empty() ? "" : ": " + said) +
                "; is the SLURM controller reachable from here?");
  }
  return c;
}

std::string SlurmMessage(const Captured& c) {
  std::istringstream in(c.err.find_first_not_of(" \t\r\n") == std::string::npos ? c.out : c.err);
  std::string line, out;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
  }
  return out;
}

bool IsActiveJobState(const std::string& st) {
  static const std::set<std::string> active = {"PENDING",   "RUNNING",      "REQUEUED",
                                               "CONFIGURING", "SUSPENDED", "REQUEUE_HOLD",
                                               "REQUEUE_FED", "RESIZING",  "COMPLETING",
                                               "SIGNALING",   "STAGE_OUT"};
  return active.count(st) > 0;
}

std::map<std::string, JobState> ParseSqueue(const std::string& text) {
  std::map<std::string, JobState> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('|');
    if (a == std::string::npos) continue;
    size_t b = line.find('|', a + 1);
    JobState s;
    s.state = Trim(line.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1));
    if (b != std::string::npos) s.reason = Trim(line.substr(b + 1));
    std::string id = Trim(line.substr(0, a));
    if (!id.empty()) out[id] = s;  // a line with no id (not a job line) is skipped
  }
  return out;
}

std::optional<JobState> ParseScontrolJob(const std::string& text) {
  auto field = [&](const std::string& key) -> std::string {
    size_t p = text.find(" " + key + "=");
    if (p == std::string::npos && text.rfind(key + "=", 0) == 0) p = 0;
    else if (p == std::string::npos) return "";
    else ++p;
    p += key.size() + 1;
    size_t e = text.find_first_of(" \n", p);
    return text.substr(p, e == std::string::npos ? std::string::npos : e - p);
  };
  JobState s;
  s.state = field("JobState");
  if (s.state.empty()) return std::nullopt;
  s.reason = field("Reason");
  return s;
}

std::unique_ptr<JobStateSource> MakeSlurmJobStateSource() {
  if (!FindInPath("squeue")) return nullptr;
  return std::make_unique<SqueueSource>();
}

std::optional<JobState> QueryJob(const std::string& job_id) {
  if (job_id.empty() || !FindInPath("scontrol")) return std::nullopt;
  try {
    Captured c = RunSlurm({"scontrol", "show", "job", "-o", job_id});
    if (c.exit.ok()) return ParseScontrolJob(c.out);
  } catch (const Error&) {
  }
  return std::nullopt;
}

bool IsTerminal(const std::string& state) {
  static const std::set<std::string> terminal = {
      "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY",
      "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"};
  return terminal.count(state.substr(0, state.find(' '))) > 0;
}

std::string RunnerTaskName(const nlohmann::json& runner) {
  return TaskName(runner.value("slurm_job_id", ""), runner.value("slurm_array_job_id", ""),
                  runner.value("slurm_array_task_id", ""));
}

}  // namespace hpo
