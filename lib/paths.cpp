#include "paths.hpp"

#include <sys/stat.h>

#include <boost/filesystem/operations.hpp>
#include <string>

namespace hpo {

fs::path NormalPath(const fs::path& path) {
  std::string s = fs::absolute(path).lexically_normal().string();
  // (lexically_normal keeps a trailing "." and turns a trailing "/" into "/.")
  while (s.size() > 1 && (s.back() == '/' || (s.size() > 2 && s.compare(s.size() - 2, 2, "/.") == 0)))
    s.pop_back();
  return s;
}

bool SameDirectory(const fs::path& a, const fs::path& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return S_ISDIR(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace hpo
