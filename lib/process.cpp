#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "error.hpp"
#include "fd.hpp"

extern char** environ;

namespace hpo {

std::string SignalName(int sig) {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal " + std::to_string(sig);
  }
}

std::string ExitInfo::Describe() const {
  if (signal) return "killed by " + SignalName(signal);
  return "exit code " + std::to_string(exit_code);
}

ExitInfo FromWaitStatus(int status) {
  ExitInfo e;
  if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  return e;
}

namespace {
ProgramStatus PathStatus(const std::string& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return ProgramStatus::kMissing;
  if (!S_ISREG(st.st_mode) || ::access(p.c_str(), X_OK) != 0) return ProgramStatus::kNotExecutable;
  return ProgramStatus::kFound;
}
}  // namespace

ProgramStatus LocateProgram(const std::string& program, const std::string& workdir,
                            const std::string& path) {
  if (program.find('/') != std::string::npos)
    return PathStatus(program[0] == '/' || workdir.empty() ? program : workdir + "/" + program);
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string p = (dir.empty() ? workdir.empty() ? std::string(".") : workdir : dir) + "/" + program;
    if (PathStatus(p) == ProgramStatus::kFound) return ProgramStatus::kFound;
  }
  return ProgramStatus::kNotOnPath;
}

bool FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  return LocateProgram(program, "", path ? path : "/usr/bin:/bin") == ProgramStatus::kFound;
}

SpawnError::SpawnError(const std::string& program, std::string step, int err)
    : Error("cannot start \"" + program + "\": " + step + ": " + ErrnoText(err)),
      detail_(std::move(step) + ": " + ErrnoText(err)),
      err_(err) {}

namespace {
// What a child that could not start writes to its parent: the step that failed and errno.
struct SpawnFailure {
  int step;  // 0: exec, 1: chdir, 2: dup2
  int err;
};

// The argv and environment arrays execvpe takes, pointing into the spec's strings.
struct ExecArrays {
  std::vector<char*> args, envp;
  explicit ExecArrays(const SpawnSpec& spec) {
    for (const auto& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (spec.env) {
      for (const auto& e : *spec.env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
    }
  }
};

// The child's side, from fork to exec: only async-signal-safe calls. With a gate, it first
// waits for the byte 'g' on it; any other end of the gate makes it exit 0, running nothing.
[[noreturn]] void ExecChild(const SpawnSpec& spec, const ExecArrays& a, int report,
                            const int gate[2]) {
  auto fail = [&](int step) {
    SpawnFailure f{step, errno};
    (void)!::write(report, &f, sizeof f);
    ::_exit(127);
  };
  if (gate) {
    ::close(gate[1]);  // (else the gate never reads its end when the parent dies)
    char c = 0;
    ssize_t n;
    do n = ::read(gate[0], &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1 || c != 'g') ::_exit(0);
  }
  if (spec.new_process_group) ::setpgid(0, 0);
  if (spec.stdin_fd >= 0 && ::dup2(spec.stdin_fd, 0) < 0) fail(2);
  if (spec.stdout_fd >= 0 && ::dup2(spec.stdout_fd, 1) < 0) fail(2);
  if (spec.stderr_fd >= 0 && ::dup2(spec.stderr_fd, 2) < 0) fail(2);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGPIPE}) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!spec.workdir.empty() && ::chdir(spec.workdir.c_str()) != 0) fail(1);
  if (spec.env) ::execvpe(a.args[0], a.args.data(), a.envp.data());
  else ::execvp(a.args[0], a.args.data());
  fail(0);
  ::_exit(127);  // (not reached: fail exits)
}

// Forks a child that (after the gate, if any: both ends of its pipe) execs spec.argv; returns
// its pid and the read end of its report pipe, which exec closes on success.
std::pair<pid_t, Fd> Fork(const SpawnSpec& spec, const int* gate) {
  if (spec.argv.empty()) throw Error("cannot start an empty command");
  // Everything the child needs is built before fork: between fork and exec only
  // async-signal-safe calls are made.
  ExecArrays arrays(spec);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw Error("failed to create a pipe: " + ErrnoText(errno));
  Fd read_end(report[0]), write_end(report[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw Error("failed to fork for " + spec.argv[0] + ": " + ErrnoText(errno));
  if (pid == 0) {
    ::close(report[0]);
    ExecChild(spec, arrays, report[1], gate);
  }
  return {pid, std::move(read_end)};
}

// Waits until the child has exec'd (its report pipe closes) or reports why it could not;
// then it is reaped and the failure thrown as a SpawnError.
void AwaitExec(const SpawnSpec& spec, pid_t pid, Fd report) {
  SpawnFailure f{};
  ssize_t got;
  while ((got = ::read(report.get(), &f, sizeof f)) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof f)) return;  // exec closed the pipe: started
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const char* steps[] = {"exec", "chdir", "dup2"};
  std::string step = f.step >= 0 && f.step <= 2 ? steps[f.step] : "start";
  if (f.step == 1) step += " " + spec.workdir;
  throw SpawnError(spec.argv[0], step, f.err);
}
}  // namespace

pid_t Spawn(const SpawnSpec& spec) {
  auto [pid, report] = Fork(spec, nullptr);
  AwaitExec(spec, pid, std::move(report));
  return pid;
}

HeldChild HeldChild::Spawn(SpawnSpec spec) {
  int gate[2];
  if (::pipe2(gate, O_CLOEXEC) != 0) throw Error("failed to create a pipe: " + ErrnoText(errno));
  Fd gate_read(gate[0]);
  HeldChild h;
  h.gate_.reset(gate[1]);
  auto [pid, report] = Fork(spec, gate);
  h.pid_ = pid;
  h.report_ = std::move(report);
  h.spec_ = std::move(spec);
  return h;
}

pid_t HeldChild::Release() {
  WriteLine(gate_.get(), "g");
  gate_.reset();
  pid_t pid = std::exchange(pid_, -1);
  AwaitExec(spec_, pid, std::move(report_));
  return pid;
}

void HeldChild::Cancel() {
  if (pid_ < 0) return;
  gate_.reset();
  report_.reset();
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

HeldChild::~HeldChild() { Cancel(); }

namespace {
// A pipe: both ends owned.
struct Pipe {
  Fd read, write;
};
Pipe MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("failed to create a pipe: " + ErrnoText(errno));
  return {Fd(fds[0]), Fd(fds[1])};
}
}  // namespace

Captured RunCapture(const std::vector<std::string>& argv, const std::string& input,
                    double timeout_seconds) {
  Pipe in = MakePipe(), out = MakePipe(), err = MakePipe();
  SpawnSpec spec;
  spec.argv = argv;
  spec.stdin_fd = in.read.get();
  spec.stdout_fd = out.write.get();
  spec.stderr_fd = err.write.get();
  pid_t pid;
  try {
    pid = Spawn(spec);
  } catch (const SpawnError& e) {
    throw Error("failed to run " + argv[0] + ": " + ErrnoText(e.err()));
  }
  // The child's ends are the child's alone: its output ends when it (and its children) exit.
  in.read.reset();
  out.write.reset();
  err.write.reset();
  Captured c;
  size_t written = 0;
  if (input.empty()) in.write.reset();
  else ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  while (out.read.valid() || err.read.valid() || in.write.valid()) {
    pollfd fds[3];
    int n = 0;
    if (out.read.valid()) fds[n++] = {out.read.get(), POLLIN, 0};
    if (err.read.valid()) fds[n++] = {err.read.get(), POLLIN, 0};
    if (in.write.valid()) fds[n++] = {in.write.get(), POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      c.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int r = ::poll(fds, n, static_cast<int>(left));
    if (r < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.write.get()) {
        ssize_t w = ::write(in.write.get(), input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == input.size()) in.write.reset();
        continue;
      }
      Fd& from = fds[i].fd == out.read.get() ? out.read : err.read;
      char buf[65536];
      ssize_t got = ::read(from.get(), buf, sizeof buf);
      if (got > 0) (&from == &out.read ? c.out : c.err).append(buf, static_cast<size_t>(got));
      else if (got == 0 || errno != EINTR) from.reset();
    }
  }
  in.write.reset();  // (a child still writing after a timeout gets EPIPE, not a full pipe)
  out.read.reset();
  err.read.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.exit = FromWaitStatus(status);
  return c;
}

std::string ExecutableDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

namespace {
// Field 3 of /proc/<pid>/stat ('R', 'S', 'Z', ...), or 0 when it cannot be read.
char ProcessStateChar(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!f || !std::getline(f, line)) return 0;
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : 0;
}
}  // namespace

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie has exited; where PID 1 does not reap orphans (containers, some VMs) it stays
  // forever, and a killed runner must not look alive for ever after.
  char state = ProcessStateChar(pid);
  return state != 'Z' && state != 'X';
}

std::optional<unsigned long long> ProcessStartTicks(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  if (!f) return std::nullopt;
  std::string line;
  std::getline(f, line);
  // The command name (field 2) may contain spaces and parentheses: skip past the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3 && (field == "Z" || field == "X")) return std::nullopt;  // exited, not reaped
    if (i == 22) return std::stoull(field);
  }
  return std::nullopt;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  std::string h(buf);
  return h.substr(0, h.find('.'));
}

}  // namespace hpo
