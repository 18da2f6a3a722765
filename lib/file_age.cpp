#include "file_age.hpp"

#include <sys/stat.h>

namespace hpo {

std::optional<double> FileAge(const fs::path& path, double now, FileClock clock) {
  struct stat st;
  if (clock == FileClock::kModified) {
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return now - (static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec * 1e-9);
  }
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return now - (static_cast<double>(st.st_ctim.tv_sec) + st.st_ctim.tv_nsec * 1e-9);
}

}  // namespace hpo
