// The age of a file: seconds from one of its times to now. The one place that reads file
// times, for leases (heartbeats), claims, stale temp files and the status.
#pragma once

#include <boost/filesystem/path.hpp>
#include <optional>

namespace hpo {

namespace fs = boost::filesystem;

// Which of a file's times an age is measured from.
enum class FileClock {
  kModified,  // st_mtime, following a symlink: when its content was last written
  kChanged,   // st_ctime of the entry itself (lstat): a rename sets it too, so it dates a claim
};

// Seconds from the file's `clock` time to `now` (NowSeconds, campaign.hpp); nullopt when
// the file cannot be stat'ed (gone, or never written).
std::optional<double> FileAge(const fs::path& path, double now,
                              FileClock clock = FileClock::kModified);

}  // namespace hpo
