// Errors and exit codes shared by every hpo tool.
#pragma once

#include <stdexcept>
#include <string>

namespace hpo {

// Exit codes of every tool (one place, as ninja's exit_status.h).
enum class ExitStatus : int {
  kSuccess = 0,
  kFailure = 1,      // runtime error: I/O, a trial command that cannot start, SLURM refusing
  kUsage = 2,        // bad command line or bad configuration: the user must change something
  kNotRun = 3,       // hpo-run: ran nothing (the trial is claimed by another runner, or done)
  kInterrupted = 130 // SIGINT/SIGTERM reached the tool itself
};

// What kind of mistake an Error reports; decides the exit code.
enum class ErrorKind { kRuntime, kUsage };

// The one exception type the library throws. The message is complete and lowercase
// ("<file>:<line>: <key>: <what to change>" for configuration mistakes); the tool wrapper
// prefixes it with "hpo-<tool>: error: ".
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorKind kind = ErrorKind::kRuntime)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Shorthand for a usage/configuration error (exit 2).
inline Error UsageError(const std::string& message) { return Error(message, ErrorKind::kUsage); }

// "strerror(errno)" as a std::string, for messages that name the OS reason.
std::string ErrnoText(int err);

}  // namespace hpo
