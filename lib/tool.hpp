// The top of every tool: one place that catches, prints "hpo-x: error: ..." and picks the
// exit code (Bear's shared `run` template).
#pragma once

#include <functional>
#include <string>

namespace hpo {

// Runs `body` and converts every exception into a one-line message on stderr prefixed with
// "<tool>: error: ". Returns the process exit code (see ExitStatus).
int RunTool(const char* tool, const std::function<int()>& body);

// Prints "<tool>: warning: <message>" to stderr. For conditions that lose nothing.
void Warning(const std::string& message);

// Prints "<tool>: <message>" to stderr (progress and explanations, never errors).
void Info(const std::string& message);

// Silences Info() (for runners started by the local backend: one line per trial is noise).
void SetQuiet(bool quiet);

// The name of the running tool as given to RunTool ("hpo" before).
const char* ToolName();

// The version string printed by every tool's --version.
const char* VersionString();

// Set by the SIGINT/SIGTERM handlers that tools install; checked by long loops.
bool InterruptRequested();
void InstallInterruptHandlers();

}  // namespace hpo
