// Running other programs without a shell: argv in, exit status and output back.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "error.hpp"
#include "fd.hpp"

namespace hpo {

// How a child process ended.
struct ExitInfo {
  int exit_code = -1;  // valid when signal == 0
  int signal = 0;      // the signal that killed it, or 0
  bool ok() const { return signal == 0 && exit_code == 0; }
  // "exit code 3", "killed by SIGKILL".
  std::string Describe() const;
};

// Converts a waitpid status.
ExitInfo FromWaitStatus(int status);

// Name of a signal ("SIGTERM").
std::string SignalName(int sig);

// How to start a child process.
struct SpawnSpec {
  std::vector<std::string> argv;              // argv[0] is looked up in PATH
  const std::vector<std::string>* env = nullptr;  // "K=V" entries; nullptr: this environment
  std::string workdir;                        // "" to stay in the current directory
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // -1: inherited
  bool new_process_group = false;             // setpgid(0, 0): signals reach its whole tree
};

// A child that could not be started: the step that failed in it ("exec", "chdir <dir>")
// and the OS reason. The child has been reaped.
class SpawnError : public Error {
 public:
  SpawnError(const std::string& program, std::string step, int err);
  // "exec: No such file or directory".
  const std::string& detail() const { return detail_; }
  int err() const { return err_; }

 private:
  std::string detail_;
  int err_;
};

// Starts a child with default signal dispositions and an empty signal mask, and returns its
// pid once the program has replaced it. Whether exec (or chdir) failed is not guessed from
// an exit code 127: the child reports its errno through a close-on-exec pipe (which exec
// closes on success), and the failure is thrown as a SpawnError. Throws an Error when fork
// fails.
pid_t Spawn(const SpawnSpec& spec);

// A child forked but held before exec until Release: the caller can register it under its
// pid first (local_slots.hpp). Dropped (or Cancel), it exits without running anything and is
// reaped, as it is when the holder dies before releasing it.
class HeldChild {
 public:
  // Forks the child of `spec`; it waits at a gate (a pipe) before exec.
  static HeldChild Spawn(SpawnSpec spec);
  HeldChild(HeldChild&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), gate_(std::move(o.gate_)), report_(std::move(o.report_)),
        spec_(std::move(o.spec_)) {}
  HeldChild& operator=(HeldChild&&) = delete;
  ~HeldChild();

  pid_t pid() const { return pid_; }
  // Lets the child exec; returns its pid once the program has replaced it. Throws a
  // SpawnError as Spawn does.
  pid_t Release();
  // Closes the gate unopened: the child exits 0 and is reaped.
  void Cancel();

 private:
  HeldChild() = default;
  pid_t pid_ = -1;
  Fd gate_, report_;
  SpawnSpec spec_;
};

// Result of RunCapture.
struct Captured {
  ExitInfo exit;
  std::string out;  // standard output
  std::string err;  // standard error
  bool timed_out = false;
};

// Runs argv (looked up in PATH), feeding `input` on stdin, capturing stdout and stderr,
// killing it after `timeout_seconds`. Throws an Error when the program cannot be started;
// `std::nullopt` is never returned for a started program.
Captured RunCapture(const std::vector<std::string>& argv, const std::string& input = "",
                    double timeout_seconds = 60);

// Where execvp would find a program.
enum class ProgramStatus {
  kFound,          // an executable regular file
  kNotOnPath,      // a bare name that no folder of the PATH holds
  kMissing,        // a path (it has a '/') that does not exist
  kNotExecutable,  // a path to a directory, or to a file without execute permission
};

// Looks `program` up as execvp would: a name with a '/' is a path (relative to `workdir`),
// any other name is searched in the folders of `path` (a PATH value; an empty folder is
// the working directory).
ProgramStatus LocateProgram(const std::string& program, const std::string& workdir,
                            const std::string& path);

// True when `program` is found in PATH (or is an executable path).
bool FindInPath(const std::string& program);

// The directory of the running executable (/proc/self/exe), for finding sibling tools.
std::string ExecutableDir();

// True while a process with this pid exists (kill(pid, 0)) and is not a zombie.
bool ProcessAlive(pid_t pid);

// The start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), to
// tell a reused pid from the original; nullopt when the process does not exist or is a
// zombie (exited, not yet reaped).
std::optional<unsigned long long> ProcessStartTicks(pid_t pid);

// The short host name.
std::string HostName();

}  // namespace hpo
