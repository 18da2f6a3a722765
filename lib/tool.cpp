#include "tool.hpp"

#include <boost/filesystem.hpp>
#include <boost/program_options/errors.hpp>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <yaml-cpp/exceptions.h>

#include "error.hpp"
#include "fd.hpp"
#include "version.hpp"

namespace hpo {
namespace {
const char* g_tool = "hpo";
volatile std::sig_atomic_t g_interrupted = 0;
bool g_quiet = false;

void OnInterrupt(int) { g_interrupted = 1; }

// One write(2) per line (fd.hpp): runners of one job array share a log file, and lines
// written in pieces interleave ("hpo-runhpo-run: error: ...").
void WriteLine(const std::string& line) {
  std::cerr.flush();
  hpo::WriteLine(2, line);
}
}  // namespace

const char* ToolName() { return g_tool; }
const char* VersionString() { return kVersion; }
bool InterruptRequested() { return g_interrupted != 0; }

void InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void Warning(const std::string& message) {
  WriteLine(std::string(g_tool) + ": warning: " + message + "\n");
}

void SetQuiet(bool quiet) { g_quiet = quiet; }

void Info(const std::string& message) {
  if (!g_quiet) WriteLine(std::string(g_tool) + ": " + message + "\n");
}

int RunTool(const char* tool, const std::function<int()>& body) {
  g_tool = tool;
  auto fail = [&](const std::string& message, ExitStatus status) {
    std::cout.flush();
    WriteLine(std::string(tool) + ": error: " + message + "\n");
    return static_cast<int>(status);
  };
  try {
    int rc = body();
    std::cout.flush();
    if (!std::cout) return fail("failed to write to standard output", ExitStatus::kFailure);
    return rc;
  } catch (const Error& e) {
    return fail(e.what(), e.kind() == ErrorKind::kUsage ? ExitStatus::kUsage : ExitStatus::kFailure);
  } catch (const boost::program_options::error& e) {
    return fail(std::string(e.what()) + " (see " + tool + " --help)", ExitStatus::kUsage);
  } catch (const boost::filesystem::filesystem_error& e) {
    return fail(e.what(), ExitStatus::kFailure);
  } catch (const YAML::Exception& e) {
    return fail(e.what(), ExitStatus::kUsage);
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("internal json error: ") + e.what(), ExitStatus::kFailure);
  } catch (const std::bad_alloc&) {
    return fail("out of memory", ExitStatus::kFailure);
  } catch (const std::exception& e) {
    return fail(e.what(), ExitStatus::kFailure);
  }
}

}  // namespace hpo
