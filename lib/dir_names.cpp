#include "dir_names.hpp"

#include <dirent.h>

#include <cerrno>
#include <cstring>

#include "error.hpp"

namespace hpo {

namespace {

// Closes the listing on every path out, exceptions from `each` included.
struct DirCloser {
  DIR* dir;
  ~DirCloser() { ::closedir(dir); }
};

Error ListError(const boost::filesystem::path& dir, int err) {
  return Error("failed to list " + dir.string() + ": " + std::strerror(err));
}

}  // namespace

bool ForEachName(const boost::filesystem::path& dir, const std::function<void(std::string_view)>& each) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return false;
    throw ListError(dir, errno);
  }
  DirCloser closer{d};
  for (;;) {
    errno = 0;
    const struct dirent* e = ::readdir(d);
    if (!e) break;
    std::string_view name = e->d_name;
    if (name != "." && name != "..") each(name);
  }
  if (errno != 0) throw ListError(dir, errno);
  return true;
}

}  // namespace hpo
