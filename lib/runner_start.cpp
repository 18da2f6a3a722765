// The start phase of a runner (runner_phases.hpp): the trial folder, its config, its logs,
// the HPO_* environment, and the command started in its own process group.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <tuple>

#include "atomic_file.hpp"
#include "command.hpp"
#include "error.hpp"
#include "fd.hpp"
#include "log_tail.hpp"
#include "runner_phases.hpp"
#include "tool.hpp"

extern char** environ;

namespace hpo {
namespace {

using nlohmann::json;

Fd OpenLog(const fs::path& p) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw Error("failed to open " + p.string() + ": " + ErrnoText(errno));
  return Fd(fd);
}

std::vector<std::string> BuildEnvironment(const std::vector<std::pair<std::string, std::string>>& add) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    bool replaced = false;
    for (const auto& [k, v] : add) replaced |= s.compare(0, k.size() + 1, k + "=") == 0;
    if (!replaced) env.push_back(s);
  }
  for (const auto& [k, v] : add) env.push_back(k + "=" + v);
  return env;
}

// Where hpo_trial.py lives: installed beside the tools (<prefix>/share/hpo/python), or the
// source tree the tools were built from. "" when neither has it.
std::string PythonHelperDir() {
  std::vector<std::string> dirs = {ExecutableDir() + "/../share/hpo/python"};
#ifdef HPO_SOURCE_PYTHON_DIR
  dirs.push_back(HPO_SOURCE_PYTHON_DIR);
#endif
  for (const auto& d : dirs)
    if (::access((d + "/hpo_trial.py").c_str(), R_OK) == 0)
      return fs::path(d).lexically_normal().string();
  return "";
}

// The trial's environment: this one, trial.env, and the HPO_* variables of the contract.
std::vector<std::string> TrialEnvironment(const TrialRun& run) {
  const Layout& L = run.layout();
  const Config& cfg = run.config();
  std::vector<std::pair<std::string, std::string>> add = cfg.trial.env;
  // The runner <-> trial contract (README "The runner <-> trial contract").
  add.insert(add.end(), {{"HPO_TRIAL_ID", std::to_string(run.id)},
                         {"HPO_CONFIG", L.trial_config(run.id).string()},
                         {"HPO_RESULT", L.trial_result(run.id).string()},
                         {"HPO_TRIAL_DIR", L.trial_dir(run.id).string()},
                         {"HPO_ATTEMPT", std::to_string(run.attempt)},
                         {"HPO_RESTART_COUNT", std::to_string(run.restart_count)},
                         {"HPO_METRIC", cfg.hpo.metric},
                         {"HPO_CAMPAIGN_DIR", L.root().string()},
                         {"HPO_PRUNER", PrunerKindName(cfg.pruner.kind)},
                         {"HPO_PRUNE", ExecutableDir() + "/hpo-prune"}});
  // The Python helper (hpo_trial) is importable by every trial without set-up.
  if (std::string py = PythonHelperDir(); !py.empty()) {
    const char* old = std::getenv("PYTHONPATH");
    add.emplace_back("HPO_PYTHONPATH", py);
    add.emplace_back("PYTHONPATH", old && *old ? py + ":" + old : py);
  }
  return BuildEnvironment(add);
}

// The trial folder with its lease, its config rewritten, and no stale result.
void PrepareTrialDir(const TrialRun& run, const json& trial_config) {
  const Layout& L = run.layout();
  EnsureDirectory(L.trials_dir());
  EnsureDirectory(L.trial_dir(run.id));
  RenewLease(L.trial_heartbeat(run.id));
  // Derived from the record and rewritten at every start: atomic, but no flush needed.
  WriteFileAtomic(L.trial_config(run.id), trial_config.dump(2) + "\n", Publish::kReplace, {},
                  Durability::kNoSync);
  RemoveFile(L.trial_result(run.id));  // a stale result of an earlier attempt must not count
}

}  // namespace

void RenewLease(const fs::path& heartbeat) {
  Fd fd(::open(heartbeat.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!fd.valid()) {
    Warning("failed to renew the lease " + heartbeat.string() + ": " + ErrnoText(errno));
    return;
  }
  ::futimens(fd.get(), nullptr);
}

Started StartTrial(TrialRun& run) {
  const Layout& L = run.layout();
  const json trial_config = ConfigOf(run.rec);
  PrepareTrialDir(run, trial_config);
  CommandContext ctx{L.trial_config(run.id).string(), L.trial_result(run.id).string(),
                     L.trial_dir(run.id).string(),    std::to_string(run.id),
                     std::to_string(run.attempt),     run.campaign.config_dir().string()};
  SpawnSpec spec;
  spec.argv = RenderCommand(run.config().trial.command, ctx, trial_config);
  const std::vector<std::string> env = TrialEnvironment(run);
  spec.env = &env;
  spec.workdir = run.campaign.workdir().string();
  Fd out = OpenLog(L.trial_stdout(run.id)), err = OpenLog(L.trial_stderr(run.id));
  Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  std::tie(spec.stdout_fd, spec.stderr_fd, spec.stdin_fd) = std::tuple(out.get(), err.get(), in.get());
  spec.new_process_group = true;  // its own group: signals are forwarded to the whole trial tree

  Started started;
  started.start_time = NowSeconds();
  std::string banner = std::string(kLogBannerPrefix) + std::to_string(run.id) + " attempt " +
                       std::to_string(run.attempt) + " restart " + std::to_string(run.restart_count) +
                       " on " + HostName() + (run.slurm.present() ? " job " + run.slurm.job_id : "") + " ===\n";
  WriteLine(out.get(), banner);  // (starts with kLogBannerPrefix: ReadLogTail reads from here)
  WriteLine(err.get(), banner);
  try {
    started.pid = Spawn(spec);
    ::setpgid(started.pid, started.pid);
  } catch (const SpawnError& e) {
    // Why the command could not start (exec's errno, not "exit 127").
    started.error = "cannot start the trial command \"" + spec.argv[0] + "\": " + e.detail();
    WriteLine(err.get(), "hpo-run: error: " + started.error + "\n");
  }
  return started;
}

}  // namespace hpo
