// The last meaningful lines of a trial's log: what a failed record shows beside its reason,
// so the cause (`ModuleNotFoundError: No module named 'numpy'`) is seen without opening
// trials/trial_<i>/stderr.log.
#pragma once

#include <boost/filesystem/path.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace hpo {

// The start of the line the runner writes into the logs before each start of a trial.
inline constexpr std::string_view kLogBannerPrefix = "=== hpo: trial ";

// How much of a log a tail keeps.
inline constexpr size_t kTailLines = 3;
inline constexpr size_t kTailBytes = 400;

// The last `max_lines` non-blank lines of `text`, joined by '\n', at most `max_bytes` bytes
// and always valid UTF-8. Each line is what a terminal would show: the part after its last
// carriage return (progress bars), without escape sequences or control characters, trimmed.
// Banner lines are skipped. A line longer than the budget keeps its end behind "…"; invalid
// UTF-8 becomes U+FFFD. "" when nothing is left.
std::string LogTail(std::string_view text, size_t max_lines = kTailLines,
                    size_t max_bytes = kTailBytes);

// LogTail of what was written to `log` since its last banner (the current start of the
// trial), reading only the end of the file. "" when the file is missing or unreadable.
std::string ReadLogTail(const boost::filesystem::path& log);

}  // namespace hpo
